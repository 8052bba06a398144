import { describe, expect, it } from "vitest";
import { findSubscribers, getHomes, getSubscriber, getSwitches } from "../../provider/billing/functions";
import { seedBilling, USR_PASSWORD_COLUMNS } from "../../sandbox/billing";
import { useBillingSandbox } from "./billing-setup";

/** The billing functions against the emulator: exact matches, what each search costs, no password ever. */
const ctx = useBillingSandbox();
const emulator = () => ctx.sandbox.billing.emulator;
const calls = () => ctx.routes().filter((r) => r !== "CLN_AUTH_LOGIN");
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const seed = (n = 120) => seedBilling(emulator(), { subscribers: n, subscribersPerHome: 30 }).subscribers;
/** Every password-like value the emulator holds for its users. */
const passwords = () =>
  emulator()
    .users.list()
    .flatMap((u) => USR_PASSWORD_COLUMNS.map((c) => u[c]))
    .filter((v): v is string => typeof v === "string");

describe("billing.getSubscriber", () => {
  it("answers one subscriber by id with CLN_USR_GET, every password-like column left out", async () => {
    const [first] = seed(5);
    emulator().log.clear();
    const s = await getSubscriber.call({ id: first!.id });
    expect(calls()).toEqual(["CLN_USR_GET"]);
    expect(s).toMatchObject({ id: first!.id, login: "d000001", contractNumber: "D-000001", homeId: first!.homeId, switchId: first!.switchId, enabled: true, deleted: false, groupId: 1002 }); // the first one is a company
    expect(s.ip).toMatch(/^100\.64\.0\.0$/);
    const user = emulator().users.get(first!.id)!;
    expect([user.PSW, user.GEN_PWD, user.AD_PASS].every((p) => typeof p === "string" && p.length > 0)).toBe(true);
    const text = JSON.stringify(s);
    for (const secret of [user.PSW, user.GEN_PWD, user.AD_PASS] as string[]) expect(text).not.toContain(secret);
    expect(Object.keys(s).filter((k) => /ps[wd]|pass/i.test(k))).toEqual([]);
  });

  it("answers by login or contract number exactly, and says clearly when nothing or a group matches", async () => {
    seed(20);
    expect((await getSubscriber.call({ login: "d000012" })).contractNumber).toBe("D-000012");
    expect((await getSubscriber.call({ contractNumber: "D-000012" })).login).toBe("d000012");
    await expect(getSubscriber.call({ login: "d00001" })).rejects.toThrow('billing.getSubscriber: nothing matches login "d00001".');
    await expect(getSubscriber.call({ id: 1001 })).rejects.toThrow("billing.getSubscriber: user 1001 is a group of subscribers (END_USER 0), not a subscriber");
    await expect(getSubscriber.call({ id: 99999 })).rejects.toThrow("billing.getSubscriber: nothing matches id 99999.");
    await expect(getSubscriber.call({ id: 1003, login: "x" })).rejects.toThrow("billing.getSubscriber: give exactly one of id, login, contractNumber (got id and login)");
    await expect(getSubscriber.call({ id: 0 })).rejects.toThrow("billing.getSubscriber: invalid arguments: id must be 1 or more");
  });

  it("fails with both candidates when two subscribers share a contract number", async () => {
    seed(3);
    emulator().users.add({ LOGIN: "twin", CONTRACT_NUMBER: "D-000002" });
    await expect(getSubscriber.call({ contractNumber: "D-000002" })).rejects.toThrow(/^billing\.getSubscriber: 2 match contract number "D-000002": 1004 \(login "d000002", contract "D-000002"\), 1006 \(login "twin", contract "D-000002"\)\. Narrow the filter/);
  });
});

describe("billing.findSubscribers", () => {
  it("finds by login exactly although the billing matches substrings: 1 CLN_USR_FIND_2 + a CLN_USR_GET per exact candidate", async () => {
    seed(120); // d000001 … d000120: "d000011" is contained in no other login, "d00001" in ten
    emulator().log.clear();
    const found = await findSubscribers.call({ login: "d000011" });
    expect(found.map((s) => s.login)).toEqual(["d000011"]);
    expect(calls()).toEqual(["CLN_USR_FIND_2", "CLN_USR_GET"]);
    expect(await findSubscribers.call({ login: "d00001" })).toEqual([]);
  });

  it("finds by contract number, IP, phone and SIP id; deleted subscribers only when asked", async () => {
    const subs = seed(120);
    const byContract = await findSubscribers.call({ contractNumber: "D-000010" });
    expect(byContract.map((s) => s.contractNumber)).toEqual(["D-000010"]);
    expect((await findSubscribers.call({ ip: "100.64.0.9" })).map((s) => s.login)).toEqual(["d000010"]);
    expect((await findSubscribers.call({ phone: "+79171000009" })).map((s) => s.login)).toEqual(["d000010"]);
    const iptv = subs.find((s) => s.iptvSipId)!;
    expect((await findSubscribers.call({ sipId: iptv.iptvSipId! })).map((s) => s.id)).toEqual([iptv.id]);
    const deleted = subs.find((s) => s.deleted)!;
    expect(await findSubscribers.call({ contractNumber: deleted.contractNumber })).toEqual([]);
    expect((await findSubscribers.call({ contractNumber: deleted.contractNumber, includeDeleted: true })).map((s) => [s.id, s.deleted])).toEqual([[deleted.id, true]]);
  });

  it("answers a contract-number prefix or range exactly; with contractNumberSearch exact (the default) it reads every subscriber", async () => {
    const subs = seed(120);
    emulator().log.clear();
    const prefix = await findSubscribers.call({ contractNumberPrefix: "D-00010" });
    // D-000100 is deleted (every 50th is): left out.
    expect(prefix.map((s) => s.contractNumber)).toEqual(["D-000101", "D-000102", "D-000103", "D-000104", "D-000105", "D-000106", "D-000107", "D-000108", "D-000109"]);
    const live = subs.filter((s) => !s.deleted).length;
    // One CLN_USR_FIND_2 for every subscriber (no contract number in its answer), one CLN_USR_GET each.
    expect(calls()).toEqual(["CLN_USR_FIND_2", ...Array(live).fill("CLN_USR_GET")]);
    const range = await findSubscribers.call({ contractNumberFrom: "D-000095", contractNumberTo: "D-000104" });
    expect(range.map((s) => s.contractNumber)).toEqual(["D-000095", "D-000096", "D-000097", "D-000098", "D-000099", "D-000101", "D-000102", "D-000103", "D-000104"]);
  });

  it("asks the billing for the prefix when it matches substrings (contractNumberSearch substring), checking every candidate", async () => {
    const subs = seed(120);
    ctx.configure({ "billing:contractNumberSearch": "substring" });
    emulator().log.clear();
    const found = await findSubscribers.call({ contractNumberFrom: "D-000110", contractNumberTo: "D-000115" });
    expect(found.map((s) => s.contractNumber)).toEqual(["D-000110", "D-000111", "D-000112", "D-000113", "D-000114", "D-000115"]);
    // The range's common prefix "D-00011" is contained in D-000110 … D-000119 only.
    expect(calls()).toEqual(["CLN_USR_FIND_2", ...Array(10).fill("CLN_USR_GET")]);
    expect(emulator().log.entries("CLN_USR_FIND_2")[0]!.params).toMatchObject({ arg18: "D-00011", arg13: "1", arg16: "0" });
    // A neighbour that merely contains the prefix is checked and left out.
    emulator().users.add({ LOGIN: "odd", CONTRACT_NUMBER: "XD-000110" });
    expect((await findSubscribers.call({ contractNumberPrefix: "D-00011" })).length).toBe(10);
    expect(subs).toHaveLength(120);
  });

  it("sends prefix% when the billing applies LIKE (contractNumberSearch like)", async () => {
    seed(120);
    emulator().behaviour.findMatching = "like";
    ctx.configure({ "billing:contractNumberSearch": "like" });
    emulator().log.clear();
    const found = await findSubscribers.call({ contractNumberPrefix: "D-00012" });
    expect(found.map((s) => s.contractNumber)).toEqual(["D-000120"]);
    expect(calls()).toEqual(["CLN_USR_FIND_2", "CLN_USR_GET"]);
    expect(emulator().log.entries("CLN_USR_FIND_2")[0]!.params["arg18"]).toBe("D-00012%");
  });

  it("refuses no criterion, two criteria, half a range, and ranges that cannot be compared, before calling the billing", async () => {
    await expect(findSubscribers.call({})).rejects.toThrow("billing.findSubscribers: give exactly one of login, contractNumber, contractNumberPrefix, contractNumberFrom + contractNumberTo (both), ip, phone, sipId (got none)");
    await expect(findSubscribers.call({ login: "a", ip: "10.0.0.1" })).rejects.toThrow(/\(got login and ip\)/);
    await expect(findSubscribers.call({ contractNumberFrom: "D-1" })).rejects.toThrow(/\(got contractNumberFrom\)/);
    await expect(findSubscribers.call({ contractNumberFrom: "D-1", contractNumberTo: "K-9" })).rejects.toThrow('must have the same text before their digits ("D-" ≠ "K-")');
    await expect(findSubscribers.call({ contractNumberFrom: "D-9", contractNumberTo: "D-1" })).rejects.toThrow('contractNumberFrom "D-9" is after contractNumberTo "D-1"');
    await expect(findSubscribers.call({ ip: "10.0.0" })).rejects.toThrow("billing.findSubscribers: invalid arguments: ip must be an IPv4 address in the form 192.168.10.1");
    expect(emulator().log.entries()).toEqual([]);
  });

  it("never answers a password-like value, and keeps them out of its errors", async () => {
    seed(60);
    const all = await findSubscribers.call({ contractNumberPrefix: "D-" });
    expect(all).toHaveLength(59);
    const text = JSON.stringify(all);
    for (const secret of passwords()) expect(text).not.toContain(secret);
    // A cut CLN_USR_GET answer is an error that quotes the answer's start: with the passwords masked.
    emulator().users.patch(1003, { LOGIN: null, NAME: null, EMAIL: null, PSW: "psw-in-a-cut-answer" });
    emulator().faults.set("CLN_USR_GET", { malformed: true, times: 2 });
    const error = await failure(getSubscriber.call({ id: 1003 }));
    expect(error!.message).toMatch(/^billing CLN_USR_GET failed: an answer that is not well-formed XML/);
    expect(error!.message).not.toContain("psw-in-a-cut-answer");
  });
});

describe("billing.getHomes and billing.getSwitches", () => {
  it("answer homes and switches filtered exactly, from one call each, switches without their passwords", async () => {
    seed(60); // two homes of 30, each with a switch
    const secret = emulator().switches.get(501)!.PSW_SNMP!;
    emulator().log.clear();
    const homes = await getHomes.call({ street: "улица Ленина" });
    expect(homes).toEqual([{ id: 101, street: "улица Ленина", number: 1, city: "Казань", region: "Республика Татарстан", country: "Россия", zipCode: "420000", ipPoolId: 1 }]);
    expect(await getHomes.call({ street: "улица Ленин" })).toEqual([]);
    expect((await getHomes.call({})).map((h) => h.id)).toEqual([101, 102]);
    const switches = await getSwitches.call({ homeId: 101 });
    expect(switches).toEqual([{ id: 501, homeId: 101, name: "улица Ленина, 1: коммутатор 1", ip: "10.200.0.1", switchType: "D-Link DES-3200-28", portsCount: 28 }]);
    expect((await getSwitches.call({ ip: "10.200.0.2" })).map((s) => s.id)).toEqual([502]);
    expect(calls()).toEqual(["CLN_HOME_LIST", "CLN_HOME_LIST", "CLN_HOME_LIST", "CLN_SWITCH_LIST", "CLN_SWITCH_LIST"]);
    expect(JSON.stringify(await getSwitches.call({}))).not.toContain(secret);
    expect(emulator().dhcpRestarts).toBe(0);
  });
});
