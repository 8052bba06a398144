import { describe, expect, it } from "vitest";
import { coalescedLookup, listSnapshot } from "../../provider/core/coalesce";

describe("coalescedLookup", () => {
  it("answers loads that arrive together with one batch, and a missing key as gone", async () => {
    const batches: number[][] = [];
    const lookup = coalescedLookup<number, string>({
      batch: async (keys) => {
        batches.push([...keys]);
        return new Map(keys.filter((k) => k !== 3).map((k) => [k, `object ${k}`]));
      },
    });
    const answers = await Promise.all([1, 2, 3, 4].map((k) => lookup.load(k)));
    expect(answers).toEqual(["object 1", "object 2", undefined, "object 4"]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it("gathers loads that arrive a few milliseconds apart (the engine's parallel Reads)", async () => {
    const batches: number[][] = [];
    const lookup = coalescedLookup<number, number>({ windowMs: 20, batch: async (keys) => (batches.push([...keys]), new Map(keys.map((k) => [k, k]))) });
    const loads = [lookup.load(1)];
    await new Promise((r) => setTimeout(r, 5));
    loads.push(lookup.load(2));
    await Promise.all(loads);
    expect(batches).toEqual([[1, 2]]);
  });

  it("splits batches at the vendor's page size", async () => {
    const sizes: number[] = [];
    const lookup = coalescedLookup<number, number>({ maxBatchSize: 2, batch: async (keys) => (sizes.push(keys.length), new Map(keys.map((k) => [k, k]))) });
    await Promise.all([1, 2, 3, 4, 5].map((k) => lookup.load(k)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("fails every load of a batch whose vendor call failed, and the next batch tries again", async () => {
    let fail = true;
    const lookup = coalescedLookup<number, number>({
      batch: async (keys) => {
        if (fail) throw new Error("vendor down");
        return new Map(keys.map((k) => [k, k]));
      },
    });
    const settled = await Promise.allSettled([lookup.load(1), lookup.load(2)]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await lookup.load(1)).toBe(1);
  });
});

describe("listSnapshot", () => {
  it("shares one fetch among reads that arrive while it runs or while it is fresh", async () => {
    let fetches = 0;
    let clock = 0;
    const snapshot = listSnapshot({ fetch: async () => (fetches++, [1, 2]), maxAgeMs: 1000, now: () => clock });
    await Promise.all([snapshot.get(), snapshot.get()]);
    clock = 900;
    await snapshot.get();
    expect(fetches).toBe(1);
    clock = 2000;
    await snapshot.get();
    expect(fetches).toBe(2);
  });

  it("with keepAliveWhileReadMs, stays fresh while reads keep coming, up to that long; a pause or a fresh read fetches", async () => {
    let fetches = 0;
    let clock = 0;
    const snapshot = listSnapshot({ fetch: async () => (fetches++, [1]), maxAgeMs: 1000, keepAliveWhileReadMs: 5000, now: () => clock });
    await snapshot.get();
    // A slow refresh: a read every 800 ms for 4.8 s shares the one list.
    for (clock = 800; clock <= 4800; clock += 800) await snapshot.get();
    expect(fetches).toBe(1);
    // Past the keep-alive: fetched again, even though reads kept coming.
    clock = 5600;
    await snapshot.get();
    expect(fetches).toBe(2);
    // A pause longer than maxAgeMs: the next read fetches.
    clock = 7000;
    await snapshot.get();
    expect(fetches).toBe(3);
    // A read that asks for a fresh list never gets a kept-alive one.
    clock = 7900;
    await snapshot.get({ maxAgeMs: 0 });
    expect(fetches).toBe(4);
  });

  it("fetches again after a write invalidated it, also when the write lands during a fetch", async () => {
    const releases: Array<() => void> = [];
    const snapshot = listSnapshot({
      fetch: () => {
        const n = releases.length + 1;
        return new Promise<number[]>((resolve) => releases.push(() => resolve([n])));
      },
    });
    const first = snapshot.get();
    snapshot.invalidate();
    const second = snapshot.get();
    releases[1]!();
    expect(await second).toEqual([2]);
    releases[0]!();
    expect(await first).toEqual([1]);
    // The list fetched before the write is not reused; the one after it is.
    expect(await snapshot.get()).toEqual([2]);
    expect(releases).toHaveLength(2);
  });

  it("does not keep a failed fetch", async () => {
    let fail = true;
    const snapshot = listSnapshot({ fetch: async () => (fail ? Promise.reject(new Error("down")) : [1]) });
    await expect(snapshot.get()).rejects.toThrow("down");
    fail = false;
    expect(await snapshot.get()).toEqual([1]);
  });
});
