import { describe, expect, it } from "vitest";
import { withKeyLock } from "../../provider/core/key-lock";

describe("withKeyLock", () => {
  it("runs work for one key one at a time, other keys in parallel, and survives failures", async () => {
    const events: string[] = [];
    const job = (name: string, ms: number, fail = false) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      withKeyLock("a", job("a1", 30, true)),
      withKeyLock("a", job("a2", 5)),
      withKeyLock("b", job("b1", 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(events.indexOf("start a2")).toBeGreaterThan(events.indexOf("end a1"));
    expect(events.indexOf("start b1")).toBeLessThan(events.indexOf("end a1"));
  });
});
