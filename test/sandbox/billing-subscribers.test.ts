import { describe, expect, it } from "vitest";
import { ipToInteger, seedBilling, USR_GET_COLUMNS } from "../../sandbox/billing";
import { callProc, errorOf, login, rowsOf, useBillingEmulator } from "./billing-call";

/** CLN_USR_GET / CLN_USR_FIND_2 as the document describes them, and the seeding helper. */
const billing = useBillingEmulator();
const emulator = billing.emulator;

/** CLN_USR_FIND_2's 24 arguments after SUID, all NULL but the named ones. */
const FIND = ["NAME_IN", "LOGIN_IN", "ID_IN", "EMAIL_IN", "IP_IN", "FINANCE_IN", "SERVER_IN", "ADMIN_IN", "BALANCEL_IN", "BALANCEH_IN", "PARENT_ID_IN", "END_USER_IN", "COUNT_USER_IN", "ALL_IN", "DELETED_IN", "ATTRIBUTE", "CONTRACT_NUMBER_IN", "TARIFF_ID", "ROUTER_IP", "ROUTER_VLAN", "ROUTER_PORT", "SIP_ID", "SMS_IN", "NAS_IP"];
function findArgs(named: Record<string, string | number>): Array<string | number | null> {
  return FIND.map((name) => named[name] ?? null);
}
async function find(named: Record<string, string | number>): Promise<Array<Record<string, string>>> {
  const answer = await callProc(billing.url, "CLN_USR_FIND_2", [await login(billing.url), ...findArgs(named)]);
  expect(errorOf(answer)).toBeUndefined();
  return rowsOf(answer);
}

describe("CLN_USR_GET", () => {
  it("answers one row with every documented column in lower case — the password-like ones included", async () => {
    const group = emulator.users.add({ LOGIN: "group", NAME: "Физические лица", END_USER: 0 }).USER_ID;
    const id = emulator.users.add({ PARENT_ID: group, LOGIN: "ivanov", NAME: "Иванов Иван", CONTRACT_NUMBER: "D-000001", PSW: "psw-secret-1", GEN_PWD: "gen-secret-1", AD_PASS: "ad-secret-1", IP: ipToInteger("100.64.0.1"), BALANCE: 12.5, CREATE_DATE: "2024-03-01" }).USER_ID;
    const suid = await login(billing.url);
    const rows = rowsOf(await callProc(billing.url, "CLN_USR_GET", [suid, id]));
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(USR_GET_COLUMNS.map(([name]) => name.toLowerCase()));
    expect(rows[0]).toMatchObject({ user_id: String(id), parent_id: String(group), login: "ivanov", name: "Иванов Иван", contract_number: "D-000001", psw: "psw-secret-1", gen_pwd: "gen-secret-1", ad_pass: "ad-secret-1", ip: String(ipToInteger("100.64.0.1")), balance: "12.50", end_user: "1", create_date: "2024-03-01" });
  });

  it("answers no row for an ID that does not exist", async () => {
    const suid = await login(billing.url);
    const answer = await callProc(billing.url, "CLN_USR_GET", [suid, 424242]);
    expect(errorOf(answer)).toBeUndefined();
    expect(rowsOf(answer)).toEqual([]);
  });
});

describe("CLN_USR_FIND_2", () => {
  const people = () => {
    const group = emulator.users.add({ LOGIN: "grp", NAME: "Физические лица", END_USER: 0 }).USER_ID as number;
    const add = (login: string, contract: string, more: Record<string, unknown> = {}) =>
      emulator.users.add({ PARENT_ID: group, LOGIN: login, NAME: `Абонент ${login}`, CONTRACT_NUMBER: contract, ...more }).USER_ID as number;
    return {
      group,
      a: add("petrov", "D-1000", { IP: ipToInteger("192.168.1.1"), SMS: "+79170000001", SIP_IDS: ["100500"] }),
      b: add("petrova", "D-10000", { SMS: "+79170000002" }),
      c: add("Petrov2", "D-2000", { DELETED: 1 }),
    };
  };

  it("answers the documented columns; the IP as a dotted string, the group's name as PARENT_IDENTIFY", async () => {
    const { a } = people();
    const [row] = await find({ ID_IN: a });
    expect(row).toEqual({ id: String(a), parent_identify: "Физические лица", identify: "Абонент petrov", ip: "192.168.1.1", balance: "0.00", deleted: "0", end_user: "1", server: "0", parid: "1001", comment: "", parid1: "1001", id1: String(a), count_user: "0", login: "petrov", color: "" });
  });

  it("matches text arguments as CONTAINING by default (a case-insensitive substring), exactly or as LIKE when so switched", async () => {
    const { a, b, c } = people();
    const ids = async (named: Record<string, string | number>) => (await find(named)).map((r) => Number(r["id"]));
    expect(await ids({ LOGIN_IN: "petrov" })).toEqual([a, b, c]);
    expect(await ids({ CONTRACT_NUMBER_IN: "D-1000" })).toEqual([a, b]);
    emulator.behaviour.findMatching = "exact";
    expect(await ids({ LOGIN_IN: "petrov" })).toEqual([a]);
    expect(await ids({ CONTRACT_NUMBER_IN: "D-1" })).toEqual([]);
    emulator.behaviour.findMatching = "like";
    expect(await ids({ CONTRACT_NUMBER_IN: "D-1%" })).toEqual([a, b]);
    expect(await ids({ CONTRACT_NUMBER_IN: "D-1000" })).toEqual([a]);
  });

  it("matches IP_IN as the INTEGER, SMS_IN and SIP_ID, and filters groups and deleted users by END_USER_IN and DELETED_IN", async () => {
    const { group, a, b, c } = people();
    const ids = async (named: Record<string, string | number>) => (await find(named)).map((r) => Number(r["id"]));
    expect(await ids({ IP_IN: ipToInteger("192.168.1.1") })).toEqual([a]);
    expect(await ids({ SMS_IN: "+79170000002" })).toEqual([b]);
    expect(await ids({ SIP_ID: "100500" })).toEqual([a]);
    expect(await ids({})).toEqual([group, a, b, c]);
    expect(await ids({ END_USER_IN: 1 })).toEqual([a, b, c]);
    expect(await ids({ END_USER_IN: 1, DELETED_IN: 0 })).toEqual([a, b]);
  });

  it("refuses a malformed number with Firebird's conversion error", async () => {
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_USR_FIND_2", [suid, ...findArgs({ ID_IN: "abc" })]))).toMatch(/conversion error from string "abc"/);
  });
});

describe("seedBilling", () => {
  it("fills groups, homes with switches and subscribers with unique contract numbers and logins, the same for the same options", async () => {
    const seeded = seedBilling(emulator, { subscribers: 100, subscribersPerHome: 20 });
    expect(seeded.groups).toHaveLength(2);
    expect(seeded.homes).toHaveLength(5);
    expect(seeded.switches).toHaveLength(6); // every fifth home has a second switch
    expect(seeded.subscribers).toHaveLength(100);
    expect(new Set(seeded.subscribers.map((s) => s.contractNumber)).size).toBe(100);
    expect(new Set(seeded.subscribers.map((s) => s.login)).size).toBe(100);
    expect(seeded.subscribers[0]).toMatchObject({ contractNumber: "D-000001", login: "d000001" });
    expect(seeded.subscribers.filter((s) => s.deleted)).toHaveLength(2);
    expect(new Set(emulator.switches.list().map((s) => s.IP)).size).toBe(6);
    const user = emulator.users.get(seeded.subscribers[0]!.id)!;
    expect(user.PSW).toMatch(/^[a-z0-9]{8}$/);
    expect(user.GEN_PWD).toMatch(/^[a-z0-9]{10}$/);
    expect(user.AD_PASS).toMatch(/^[a-z0-9]{14}$/);
    expect(emulator.switches.get(user.SWITCH_ID as number)!.HOME_ID).toBe(user.HOME_ID);
    expect(emulator.dhcpRestarts).toBe(0);
    const first = JSON.stringify(emulator.users.list());
    emulator.reset();
    seedBilling(emulator, { subscribers: 100, subscribersPerHome: 20 });
    expect(JSON.stringify(emulator.users.list())).toBe(first);
    // The seeded subscribers are found as the procedures answer them.
    expect((await find({ CONTRACT_NUMBER_IN: "D-000042" })).map((r) => r["login"])).toEqual(["d000042"]);
  });

  it("seeds 10,000 subscribers quickly", () => {
    const started = Date.now();
    const seeded = seedBilling(emulator, { subscribers: 10_000, contractPrefix: "K-" });
    expect(seeded.subscribers).toHaveLength(10_000);
    expect(seeded.homes).toHaveLength(250);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
