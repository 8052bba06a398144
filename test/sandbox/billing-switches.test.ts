import { describe, expect, it } from "vitest";
import { integerToIp, ipToInteger } from "../../sandbox/billing";
import { LOGIN, PASSWORD, callProc, errorOf, login, rowsOf, useBillingEmulator } from "./billing-call";

/** CLN_SWITCH_EDIT / CLN_SWITCH_LIST as the document describes them, over raw HTTPS. */
const billing = useBillingEmulator();
const emulator = billing.emulator;

/** CLN_SWITCH_EDIT's arguments after P_SUID: P_OP, ID, NAME, IP, SWITCH_TYPE, PSW_SNMP, PSW_SSH, PSW_TELNET, HOME_ID, PORTS_CNT, UPDATE_HOME_FLAG. */
function switchArgs(op: 0 | 1 | 2, id: number | null, s: { name?: string | null; ip?: number | null; type?: string | null; snmp?: string | null; ssh?: string | null; telnet?: string | null; home?: number | null; ports?: number | null; flag?: number | null } = {}) {
  return [op, id, s.name ?? null, s.ip ?? null, s.type ?? null, s.snmp ?? null, s.ssh ?? null, s.telnet ?? null, s.home ?? null, s.ports ?? null, s.flag ?? null];
}

describe("the sandbox's IPv4 INTEGER (network byte order, signed 32-bit)", () => {
  it.each([
    ["0.0.0.0", 0],
    ["0.0.0.1", 1],
    ["1.0.0.0", 16_777_216],
    ["10.20.0.11", 169_082_891],
    ["127.255.255.255", 2_147_483_647],
    ["128.0.0.0", -2_147_483_648],
    ["192.168.1.1", -1_062_731_519],
    ["255.255.255.255", -1],
  ])("%s ↔ %i", (dotted, integer) => {
    expect(ipToInteger(dotted)).toBe(integer);
    expect(integerToIp(integer)).toBe(dotted);
  });
});

describe("CLN_SWITCH_EDIT and CLN_SWITCH_LIST", () => {
  it("adds a switch (P_OP 1) answering its <id>, lists it with its columns, and restarts dhcpd once per call", async () => {
    const home = emulator.homes.add({ STREET: "улица Ленина", S_NUMBER: 12 }).ID;
    const suid = await login(billing.url);
    const added = await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(1, null, { name: "Ленина 12: подъезд 1", ip: ipToInteger("192.168.1.1"), type: "D-Link DES-3200-28", snmp: "snmp-secret-1", ssh: "ssh-secret-1", home, ports: 28, flag: 0 })]);
    expect(rowsOf(added)).toEqual([{ id: "501" }]);
    expect(emulator.dhcpRestarts).toBe(1);
    const [row] = rowsOf(await callProc(billing.url, "CLN_SWITCH_LIST", [suid, 501, null]));
    expect(row).toEqual({ id: "501", name: "Ленина 12: подъезд 1", ip: "-1062731519", switch_type: "D-Link DES-3200-28", psw_snmp: "snmp-secret-1", psw_ssh: "ssh-secret-1", psw_telnet: "", home_id: String(home), ports_cnt: "28", users_count: "0" });
    expect(emulator.dhcpRestarts).toBe(1); // lists do not restart anything
  });

  it("lists every switch, by ID, by home, or both; rows leave the passwords out when so switched", async () => {
    const a = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    const b = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 2 }).ID;
    emulator.switches.add({ NAME: "a1", HOME_ID: a, PSW_SNMP: "x-secret" });
    emulator.switches.add({ NAME: "b1", HOME_ID: b });
    emulator.switches.add({ NAME: "b2", HOME_ID: b });
    const suid = await login(billing.url);
    const names = async (id: number | null, home: number | null) => rowsOf(await callProc(billing.url, "CLN_SWITCH_LIST", [suid, id, home])).map((r) => r["name"]);
    expect(await names(null, null)).toEqual(["a1", "b1", "b2"]);
    expect(await names(502, null)).toEqual(["b1"]);
    expect(await names(null, b)).toEqual(["b1", "b2"]);
    expect(await names(501, b)).toEqual([]);
    emulator.behaviour.switchListPasswords = false;
    const [row] = rowsOf(await callProc(billing.url, "CLN_SWITCH_LIST", [suid, 501, null]));
    expect(Object.keys(row!)).toEqual(["id", "name", "ip", "switch_type", "home_id", "ports_cnt", "users_count"]);
  });

  it("updates (P_OP 0) by setting every column to what is sent, and restarts dhcpd even when nothing changed", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    const id = emulator.switches.add({ NAME: "sw", IP: 10, SWITCH_TYPE: "DES", PSW_SNMP: "old-snmp", HOME_ID: home, PORTS_CNT: 24 }).ID;
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(0, id, { name: "sw renamed", home })])))
      .toBeUndefined();
    expect(emulator.switches.get(id)).toEqual({ ID: id, NAME: "sw renamed", IP: null, SWITCH_TYPE: null, PSW_SNMP: null, PSW_SSH: null, PSW_TELNET: null, HOME_ID: home, PORTS_CNT: null });
    await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(0, id, { name: "sw renamed", home })]);
    expect(emulator.dhcpRestarts).toBe(2);
  });

  it("deletes (P_OP 2) by ID; a missing ID changes nothing, succeeds, and still restarts dhcpd", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    const id = emulator.switches.add({ NAME: "sw", HOME_ID: home }).ID;
    const user = emulator.users.add({ LOGIN: "u1", HOME_ID: home, SWITCH_ID: id }).USER_ID as number;
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(2, id)]))).toBeUndefined();
    expect(emulator.switches.list()).toEqual([]);
    expect(emulator.users.get(user)!.SWITCH_ID).toBeNull();
    expect(errorOf(await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(2, 999)]))).toBeUndefined();
    expect(emulator.dhcpRestarts).toBe(2);
  });

  it("gives every subscriber of the home the switch with UPDATE_HOME_FLAG 1", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    const other = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 2 }).ID;
    const inHome = emulator.users.add({ LOGIN: "in", HOME_ID: home }).USER_ID as number;
    const elsewhere = emulator.users.add({ LOGIN: "out", HOME_ID: other }).USER_ID as number;
    const suid = await login(billing.url);
    await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(1, null, { name: "sw", home, flag: 1 })]);
    expect(emulator.users.get(inHome)!.SWITCH_ID).toBe(501);
    expect(emulator.users.get(elsewhere)!.SWITCH_ID).toBeNull();
    const [row] = rowsOf(await callProc(billing.url, "CLN_USR_GET", [suid, inHome]));
    expect(row).toMatchObject({ switch_id: "501", switch_name: "sw" });
  });

  it.each([
    ["no NAME", { name: null }, /validation error for column "SWITCHES"."NAME"/],
    ["a NAME over VARCHAR(1024)", { name: "к".repeat(1025) }, /string right truncation \(column NAME/],
    ["a PSW_SNMP over VARCHAR(40)", { name: "sw", snmp: "x".repeat(41) }, /string right truncation \(column PSW_SNMP/],
    ["an unknown HOME_ID", { name: "sw", home: 9999 }, /FOREIGN KEY constraint "FK_SWITCHES_HOME"/],
  ])("refuses %s with the database's error, adding nothing and restarting nothing", async (_what, s, message) => {
    const suid = await login(billing.url);
    const answer = await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(1, null, s)]);
    expect(errorOf(answer)).toMatch(message);
    expect(emulator.switches.list()).toEqual([]);
    expect(emulator.dhcpRestarts).toBe(0);
  });

  it("refuses an IP outside INTEGER (an unsigned 3232235777 for 192.168.1.1)", async () => {
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(1, null, { name: "sw", ip: 3_232_235_777 })]))).toMatch(/conversion error from string "3232235777" \(parameter IP\)/);
  });

  it("refuses to delete a home a switch is installed in (foreign key)", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    emulator.switches.add({ NAME: "sw", HOME_ID: home });
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_HOME_EDIT", [suid, 2, home]))).toMatch(/FK_SWITCHES_HOME/);
    expect(emulator.homes.get(home)).toBeDefined();
  });

  it("keeps the passwords out of the request log, in session and per-call mode, leaving NULL visible", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 }).ID;
    const suid = await login(billing.url);
    await callProc(billing.url, "CLN_SWITCH_EDIT", [suid, ...switchArgs(1, null, { name: "sw", snmp: "logged-snmp-secret", ssh: "logged-ssh-secret", home })]);
    await callProc(billing.url, "CLN_SWITCH_EDIT", switchArgs(1, null, { name: "sw2", snmp: "logged-snmp-secret2", home }), { perCall: { login: LOGIN, password: PASSWORD } });
    const log = JSON.stringify(emulator.log.entries());
    for (const secret of ["logged-snmp-secret", "logged-ssh-secret", "logged-snmp-secret2"]) expect(log).not.toContain(secret);
    const [session, perCall] = emulator.log.entries("CLN_SWITCH_EDIT");
    expect([session!.params["arg7"], session!.params["arg8"], session!.params["arg9"]]).toEqual(["***", "***", "null"]);
    expect([perCall!.params["arg6"], perCall!.params["arg7"], perCall!.params["arg3"]]).toEqual(["***", "null", "sw2"]);
  });
});
