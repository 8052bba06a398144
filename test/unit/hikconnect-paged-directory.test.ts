import { describe, expect, it } from "vitest";
import { PagedDirectory } from "../../provider/hikconnect/paged-directory";

/**
 * The directory behind Hik-Connect's coalesced reads: whatever way the reads arrive, the calls stay
 * within 1 + 2 × the cheaper of "every page" and "every object directly", a missing object is
 * confirmed before it is called gone, and a write's invalidate is never answered from an old list.
 */
interface Rec {
  id: string;
  v: number;
}

function fake(count: number, options: { pageSize?: number; stateTotal?: "records" | "pages" | "none"; hide?: Set<string> } = {}) {
  const pageSize = options.pageSize ?? 500;
  let records: Rec[] = Array.from({ length: count }, (_, i) => ({ id: `r${i}`, v: 1 }));
  const calls = { pages: 0, direct: 0, directKeys: 0 };
  const dir = new PagedDirectory<string, Rec>({
    operation: "test/get",
    pageSize,
    fetchPage: async (i, size) => {
      calls.pages++;
      await new Promise((r) => setTimeout(r, 1));
      const visible = records.filter((r) => !options.hide?.has(r.id));
      const total = options.stateTotal === "none" ? undefined : options.stateTotal === "pages" ? Math.ceil(visible.length / size) : visible.length;
      return { records: visible.slice((i - 1) * size, i * size), ...(total !== undefined ? { total } : {}) };
    },
    idOf: (r) => r.id,
    keyId: (k) => k,
    direct: {
      canLookUp: (k) => !k.startsWith("nodirect"),
      cost: (n) => n,
      lookUp: async (keys) => {
        calls.direct += keys.length;
        calls.directKeys += keys.length;
        return new Map(keys.map((k) => [k, records.find((r) => r.id === k)]));
      },
    },
  });
  return { dir, calls, set: (next: Rec[]) => (records = next) };
}

/** Reads `keys` the way the engine does: at most `parallel` at a time, the next as soon as one is done. */
async function readAll<T>(keys: string[], parallel: number, load: (k: string) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(keys.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, keys.length) }, async () => {
      while (next < keys.length) {
        const i = next++;
        results[i] = await load(keys[i]!);
      }
    }),
  );
  return results;
}

describe("PagedDirectory", () => {
  it("answers 1,000 reads at --parallel 64 from 2 pages of an account of 1,000", async () => {
    const { dir, calls } = fake(1000);
    const found = await readAll(Array.from({ length: 1000 }, (_, i) => `r${i}`), 64, (k) => dir.load(k));
    expect(found.every((r, i) => r?.id === `r${i}`)).toBe(true);
    expect(calls).toEqual({ pages: 2, direct: 0, directKeys: 0 });
  });

  it("reads one page more when the total may be a number of pages, and stops on a short page without any total", async () => {
    for (const stateTotal of ["pages", "none"] as const) {
      const { dir, calls } = fake(1000, { stateTotal });
      await readAll(Array.from({ length: 1000 }, (_, i) => `r${i}`), 64, (k) => dir.load(k));
      expect(calls.pages, stateTotal).toBe(3);
      expect(calls.direct).toBe(0);
    }
  });

  it("looks a few objects of a big account up directly instead of reading its 20 pages", async () => {
    const { dir, calls } = fake(10_000);
    const found = await Promise.all(["r9000", "r9500", "r12"].map((k) => dir.load(k)));
    expect(found.map((r) => r?.id)).toEqual(["r9000", "r9500", "r12"]);
    expect(calls).toEqual({ pages: 1, direct: 2, directKeys: 2 });
  });

  it("stays within 1 + 2 × the cheaper way however many of a big account are read", async () => {
    for (const [n, parallel] of [
      [5, 8],
      [60, 8],
      [60, 64],
      [300, 16],
      [3000, 64],
    ] as const) {
      const { dir, calls } = fake(10_000);
      const keys = Array.from({ length: n }, (_, i) => `r${(i * 3331) % 10_000}`);
      const found = await readAll(keys, parallel, (k) => dir.load(k));
      expect(found.every((r) => r !== undefined)).toBe(true);
      const cost = calls.pages + calls.direct;
      const cheaper = Math.min(20, n);
      expect(cost, `${n} reads at ${parallel}: ${JSON.stringify(calls)}`).toBeLessThanOrEqual(1 + 2 * cheaper);
    }
  });

  it("confirms an object missing from the complete list before calling it gone", async () => {
    const hidden = new Set(["r7"]); // e.g. shifted off the page it was on while the pages were read
    const { dir, calls } = fake(300, { hide: hidden });
    const [seven, gone] = await Promise.all([dir.load("r7"), dir.load("nope")]);
    expect(seven?.id).toBe("r7");
    expect(gone).toBeUndefined();
    expect(calls).toEqual({ pages: 1, direct: 2, directKeys: 2 });
  });

  it("reads every page for a key it cannot look up directly (an import by id), and then trusts the list", async () => {
    const { dir, calls } = fake(10_000);
    expect(await dir.load("nodirect-1")).toBeUndefined();
    expect(calls).toEqual({ pages: 20, direct: 0, directKeys: 0 });
  });

  it("reuses a listing while reads keep coming (however long), until its owner writes (invalidate), reads pause, or it is old", async () => {
    let now = 0;
    const records = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, v: 1 }));
    let pages = 0;
    const dir = new PagedDirectory<string, Rec>({
      operation: "test/get",
      pageSize: 500,
      fetchPage: async () => {
        pages++;
        return { records: records.map((r) => ({ ...r })), total: records.length };
      },
      idOf: (r) => r.id,
      keyId: (k) => k,
      idleMs: 3_000,
      maxAgeMs: 120_000,
      now: () => now,
    });
    await dir.load("r1");
    for (now = 2_000; now <= 60_000; now += 2_000) await dir.load("r2"); // a long refresh
    expect(pages).toBe(1);
    records[3]!.v = 2;
    dir.invalidate();
    expect((await dir.load("r3"))?.v).toBe(2);
    expect(pages).toBe(2);
    now += 3_500; // a pause: the next read is another command's
    await dir.load("r3");
    expect(pages).toBe(3);
    const started = now;
    for (; now <= started + 124_000; now += 2_000) await dir.load("r2");
    expect(pages).toBe(4); // renewed once it was 120 s old
  });

  it("fails the reads of a listing whose page fails, and the next read starts afresh", async () => {
    let fail = true;
    const dir = new PagedDirectory<string, Rec>({
      operation: "test/get",
      pageSize: 500,
      fetchPage: async () => {
        if (fail) throw new Error("boom");
        return { records: [{ id: "a", v: 1 }] };
      },
      idOf: (r) => r.id,
      keyId: (k) => k,
    });
    await expect(dir.load("a")).rejects.toThrow("boom");
    fail = false;
    expect((await dir.load("a"))?.id).toBe("a");
  });

  it("refuses a server that answers the same full page for every pageIndex", async () => {
    const same = Array.from({ length: 500 }, (_, i) => ({ id: `r${i}`, v: 1 }));
    const dir = new PagedDirectory<string, Rec>({ operation: "test/get", pageSize: 500, fetchPage: async () => ({ records: same }), idOf: (r) => r.id, keyId: (k) => k });
    await expect(dir.load("missing")).rejects.toThrow(/does not page as documented \(page 2 repeats earlier records\)/);
  });
});
