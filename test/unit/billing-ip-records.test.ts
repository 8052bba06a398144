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

describe("recordReader: reads that arrive together share one list; a lone read and a write's read ask by ID", () => {
  type Row = { id: string; v: string };
  const setup = (rows: Row[]) => {
    const calls: string[] = [];
    let clock = 0;
    const reader = recordReader<Row>({
      idOf: (row) => Number(row.id),
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
    return { reader, calls, rows, tick: (ms: number) => (clock += ms) };
  };
  const rows = () => Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), v: `v${i + 1}` }));

  it("answers 20 concurrent reads with one list call, each with its own record; one missing from the list is asked by ID, then undefined", async () => {
    const { reader, calls } = setup(rows());
    const got = await Promise.all([...rows().map((r) => reader.get(Number(r.id))), reader.get(99)]);
    expect(got.map((r) => r?.v)).toEqual([...rows().map((r) => r.v), undefined]);
    expect(calls).toEqual(["all", "one 99"]);
  });

  it("asks a lone read by ID, never taking a neighbour (1 vs 10–19) for the record", async () => {
    const { reader, calls } = setup(rows());
    expect((await reader.get(1))?.id).toBe("1");
    expect((await reader.fresh(2))?.id).toBe("2");
    expect(calls).toEqual(["one 1", "one 2"]);
  });

  it("answers later reads from the list for 30 s, and finds by ID what was added after it", async () => {
    const { reader, calls, rows: live, tick } = setup(rows());
    await Promise.all([reader.get(1), reader.get(2)]);
    await reader.get(7);
    live.push({ id: "21", v: "late" });
    expect((await reader.get(21))?.v).toBe("late");
    tick(29_999);
    await reader.get(8);
    expect(calls).toEqual(["all", "one 21"]);
    tick(2);
    await reader.get(9);
    expect(calls).toEqual(["all", "one 21", "one 9"]);
  });

  it("forgets the list on a write; a list fetched while the write happened is not reused", async () => {
    const { reader, calls } = setup(rows());
    await Promise.all([reader.get(1), reader.get(2)]);
    reader.invalidate();
    await reader.get(3);
    const listing = reader.all();
    reader.invalidate();
    await listing;
    await reader.get(4);
    expect(calls).toEqual(["all", "one 3", "all", "one 4"]);
  });

  it("never reads a write's record from the list (fresh)", async () => {
    const { reader, calls } = setup(rows());
    await Promise.all([reader.get(1), reader.get(2)]);
    await reader.fresh(5);
    expect(calls).toEqual(["all", "one 5"]);
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
