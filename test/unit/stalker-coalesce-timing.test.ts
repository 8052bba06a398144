import { describe, expect, it } from "vitest";
import { coalescedLookup } from "../../provider/core/coalesce";

/**
 * The batch timing Stalker's client uses (`idleMs` + `afterPrevious`, added to core for it): reads
 * that arrive spread out, as a wave of gRPC Reads does on a busy host, stay one vendor call.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recording(extra: { idleMs?: number; windowMs?: number; afterPrevious?: boolean }, answerMs = 0) {
  const batches: number[][] = [];
  const lookup = coalescedLookup<number, number>({
    ...extra,
    batch: async (keys) => {
      batches.push([...keys]);
      await sleep(answerMs);
      return new Map(keys.map((k) => [k, k * 10]));
    },
  });
  return { batches, lookup };
}

describe("coalescedLookup with idleMs", () => {
  it("keeps loads a few ms apart in one batch however long they take to arrive in all, up to windowMs", async () => {
    const { batches, lookup } = recording({ idleMs: 15, windowMs: 500 });
    const loads: Array<Promise<number | undefined>> = [];
    for (let i = 1; i <= 10; i++) {
      loads.push(lookup.load(i));
      await sleep(6); // 60 ms in all: a fixed 10 ms window would split this in several batches
    }
    expect(await Promise.all(loads)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it("sends a lone load after idleMs, not windowMs", async () => {
    const { lookup } = recording({ idleMs: 10, windowMs: 2000 });
    const t = Date.now();
    await lookup.load(1);
    expect(Date.now() - t).toBeLessThan(500);
  });

  it("never waits longer than windowMs for a steady stream of loads", async () => {
    const { batches, lookup } = recording({ idleMs: 20, windowMs: 60 });
    const loads: Array<Promise<number | undefined>> = [];
    for (let i = 1; i <= 20; i++) {
      loads.push(lookup.load(i));
      await sleep(8);
    }
    await Promise.all(loads);
    expect(batches.length).toBeGreaterThan(1);
  });
});

describe("coalescedLookup with afterPrevious", () => {
  it("holds a batch while the previous one is answered, so the reads it releases join the next one", async () => {
    const { batches, lookup } = recording({ idleMs: 10, windowMs: 1000, afterPrevious: true }, 80);
    // A wave split in two (a pause in arrivals), then each read issues its next one when answered: a
    // pool of workers, as the engine's --parallel is.
    const worker = async (first: number) => {
      await lookup.load(first);
      await lookup.load(first + 100);
    };
    const wave = [worker(1), worker(2)];
    await sleep(30);
    wave.push(worker(3));
    await Promise.all(wave);
    // Without holding: [1,2], [3], [101,102], [103]. Held: the late one and the next wave travel together.
    expect(batches).toEqual([[1, 2], [3, 101, 102], [103]]);
  });
});
