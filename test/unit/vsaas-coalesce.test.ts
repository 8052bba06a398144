import { describe, expect, it } from "vitest";
import { listSnapshot } from "../../provider/core/coalesce";

/**
 * The per-read freshness of listSnapshot (an additive core option) that the VSAAS.IO look-ups rely
 * on: a refresh shares one list, while "who has this key before my create" must never be answered
 * by a list fetched seconds earlier (a neighbour's object made meanwhile would later look like ours).
 */
describe("listSnapshot get({ maxAgeMs })", () => {
  it("0 never reuses a completed list, but shares one in flight; the list it fetches serves later shared reads", async () => {
    let clock = 0;
    let fetches = 0;
    let release: (() => void) | undefined;
    const snapshot = listSnapshot({
      fetch: () => {
        fetches++;
        return new Promise<number[]>((resolve) => (release = () => resolve([fetches])));
      },
      maxAgeMs: 5000,
      now: () => clock,
    });
    const first = snapshot.get();
    const sharedInFlight = snapshot.get({ maxAgeMs: 0 });
    release!();
    expect(await first).toEqual([1]);
    expect(await sharedInFlight).toEqual([1]);
    clock = 10;
    expect(await snapshot.get()).toEqual([1]); // still fresh for ordinary reads
    const fresh = snapshot.get({ maxAgeMs: 0 });
    release!();
    expect(await fresh).toEqual([2]);
    expect(fetches).toBe(2);
    clock = 20;
    expect(await snapshot.get()).toEqual([2]); // the fresh fetch now answers the shared reads
    clock = 6000;
    const late = snapshot.get({ maxAgeMs: 10_000 });
    expect(await late).toEqual([2]); // a longer override reuses what the default would not
    expect(fetches).toBe(2);
  });
});
