import { describe, expect, it } from "vitest";
import { ipToWire, wireToIp } from "../../provider/billing/ip";
import { recordReader } from "../../provider/billing/records";
import { slug } from "../../provider/billing/slug";

describe("IPv4 ↔ the billing's INTEGER (network byte order, signed 32-bit)", () => {
  it.each([
    ["0.0.0.0", 0],
    ["0.0.0.1", 1],
    ["0.0.1.0", 256],
    ["1.0.0.0", 16_777_216],
    ["10.20.0.11", 169_082_891],
    ["127.255.255.255", 2_147_483_647],
    ["128.0.0.0", -2_147_483_648],
    ["192.168.1.1", -1_062_731_519],
    ["255.255.255.254", -2],
    ["255.255.255.255", -1],
  ])("%s is %i on the wire, and back", (dotted, wire) => {
    expect(ipToWire(dotted)).toBe(wire);
    expect(wireToIp(wire)).toBe(dotted);
    expect(wireToIp(String(wire))).toBe(dotted);
  });

  it("reads an unsigned value as the same address, and the first octet is the most significant (not host byte order)", () => {
    expect(wireToIp(3_232_235_777)).toBe("192.168.1.1");
    expect(wireToIp(4_294_967_295)).toBe("255.255.255.255");
    expect(wireToIp(1)).toBe("0.0.0.1");
    expect(ipToWire("1.2.3.4")).toBe(0x01020304);
  });

  it("refuses what is not an address", () => {
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", " ", "1.2.3.-4"]) expect(() => ipToWire(bad), bad).toThrow(/not an IPv4 address/);
    for (const bad of [4_294_967_296, -2_147_483_649, 1.5, "12a", ""]) expect(wireToIp(bad), String(bad)).toBeUndefined();
  });
});

describe("recordReader: reads that arrive together share one list; small batches ask by ID", () => {
  type Row = { id: string; v: string };
  const setup = (rows: Row[], smallBatch = 3) => {
    const calls: string[] = [];
    let clock = 0;
    const reader = recordReader<Row>({
      idOf: (row) => Number(row.id),
      smallBatch,
      now: () => clock,
      one: async (id) => {
        calls.push(`one ${id}`);
        // A billing whose P_ID does not narrow the list: the reader must still pick the right row.
        return rows.filter((r) => r.id.startsWith(String(id)));
      },
      all: async () => {
        calls.push("all");
        return [...rows];
      },
    });
    return { reader, calls, tick: (ms: number) => (clock += ms) };
  };
  const rows = Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), v: `v${i + 1}` }));

  it("answers 20 concurrent reads with one list call, each with its own record; a missing one is undefined", async () => {
    const { reader, calls } = setup(rows);
    const got = await Promise.all([...rows.map((r) => reader.get(Number(r.id))), reader.get(99)]);
    expect(got.map((r) => r?.v)).toEqual([...rows.map((r) => r.v), undefined]);
    expect(calls).toEqual(["all"]);
  });

  it("asks a small batch by ID, never taking a neighbour (1 vs 10–19) for the record", async () => {
    const { reader, calls } = setup(rows);
    expect((await Promise.all([reader.get(1), reader.get(2)])).map((r) => r?.id)).toEqual(["1", "2"]);
    expect(calls.sort()).toEqual(["one 1", "one 2"]);
  });

  it("reuses a fresh list for later small batches, until it is old or a write invalidates it", async () => {
    const { reader, calls, tick } = setup(rows);
    await Promise.all(rows.slice(0, 5).map((r) => reader.get(Number(r.id))));
    await reader.get(7);
    tick(2999);
    await reader.get(8);
    expect(calls).toEqual(["all"]);
    reader.invalidate();
    await reader.get(9);
    expect(calls).toEqual(["all", "one 9"]);
    await reader.all();
    tick(3001);
    await reader.get(10);
    expect(calls).toEqual(["all", "one 9", "all", "one 10"]);
  });

  it("does not reuse a list that was being fetched when a write invalidated it", async () => {
    const { reader, calls } = setup(rows);
    const listing = reader.all();
    reader.invalidate();
    await listing;
    await reader.get(3);
    expect(calls).toEqual(["all", "one 3"]);
  });
});

describe("slug", () => {
  it("makes resource names of Russian addresses", () => {
    expect(slug("улица Ленина 12А", "x")).toBe("ulitsa-lenina-12a");
    expect(slug("Щербакова, 5/1 — подъезд №2", "x")).toBe("shcherbakova-5-1-podezd-2");
    expect(slug("   ", "home-101")).toBe("home-101");
    expect(slug("ж".repeat(60), "x").length).toBeLessThanOrEqual(48);
  });
});
