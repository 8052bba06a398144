import { beforeAll, describe, expect, it } from "vitest";
import { ipToInteger, type RunningSandbox } from "../../sandbox";
import { SWITCH_CREATE_CALLS, SWITCH_DELETE_CALLS, SWITCH_INPUTS, SWITCH_READ_CALLS, SWITCH_UPDATE_CALLS } from "../fixtures/billing-switch";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";

/**
 * BillingSwitch through the packed package and Pulumi's real dynamic-provider host, against the
 * billing emulator. Every CLN_SWITCH_EDIT restarts the billing's dhcpd: the tests count the
 * restarts (the emulator's dhcpRestarts) as well as the HTTP calls of each operation.
 */
const PASSWORD = "test-only-host-billing-switch-pw";
const SNMP = "test-only-host-snmp-community";
const SSH = "test-only-host-ssh-password";
const HOME = "pulumi-nodejs:dynamic/billing:Home";
const SWITCH = "pulumi-nodejs:dynamic/billing:Switch";
const SECRET_KEYS = ["billing:password", "billing:clientKey", "billing-example:switchSnmpPassword", "billing-example:switchSshPassword"];
const fixture = useHostFixture({
  vendor: "billing",
  folder: "host-billing-switch",
  sandbox: { billing: { password: PASSWORD } },
  secretKeys: SECRET_KEYS,
  extraConfig: { "billing-example:switchSnmpPassword": SNMP, "billing-example:switchSshPassword": SSH },
});
const { emulator, vendorCalls, clearVendorLog, program, startHost } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});
const dhcp = () => emulator().dhcpRestarts;
/** The calls of one operation, the session login (once per host process) left out. */
const calls = () => vendorCalls().filter((c) => c !== "CLN_AUTH_LOGIN");

/** The example's home and switch; the switch's homeId is the home's output, which the mini engine does not resolve: set here. */
function withHome(registrations: ResourceDescriptor[], homeId: number | string, more: Record<string, unknown> = {}): ResourceDescriptor[] {
  return registrations.map((r) => (r.type === SWITCH ? withInputs([r], { homeId, ...more })[0]! : r));
}
const only = (registrations: ResourceDescriptor[], type: string) => registrations.filter((r) => r.type === type);

describe("BillingSwitch through the provider host", () => {
  let registrations: ResourceDescriptor[];

  it("serializes a small provider with no credentials, passwords or endpoints", async () => {
    const example: Registration[] = await program();
    registrations = example;
    expect(example.map((r) => r.type)).toEqual([HOME, SWITCH]);
    const sw = example[1]!;
    expect(sw.providerSize).toBeLessThan(4096);
    for (const leak of [PASSWORD, SNMP, SSH, sandbox.billing.url, "CLN_SWITCH_EDIT"]) expect(sw.provider).not.toContain(leak);
    expect(sw.secretInputKeys).toEqual(["pswSnmp", "pswSsh"]);
  });

  it("previews with Check only and no vendor call, the home's id and a password still unknown", async () => {
    clearVendorLog();
    const steps = await engine.preview(withHome(registrations, UNKNOWN, { pswSnmp: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("names bad inputs at preview, calling nothing", async () => {
    const [, step] = await engine.preview(withHome(registrations, 0, { ip: "10.20.0.300", portsCount: -1, pswSsh: "x".repeat(41) }));
    expect(step!.failures).toEqual([
      { property: "homeId", reason: "must be 1 or more" },
      { property: "ip", reason: "must be an IPv4 address in the form 192.168.10.0" },
      { property: "portsCount", reason: "must be 0 or more" },
      { property: "pswSsh", reason: "must be at most 40 characters" },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the home, then the switch in it: one dhcpd restart, the passwords secret in the state", async () => {
    clearVendorLog();
    expect(await engine.up(only(registrations, HOME))).toMatchObject([{ op: "create", id: "101" }]);
    registrations = withHome(registrations, 101);
    clearVendorLog();
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([{ op: "same" }, { op: "create", id: "501" }]);
    expect(calls()).toEqual(SWITCH_CREATE_CALLS);
    expect(dhcp()).toBe(1);
    const state = engine.state()[engine.urnOf(SWITCH, "lenina-12a-sw1")]!;
    expect(state.outputs).toMatchObject({ homeId: 101, ...SWITCH_INPUTS, switchId: 501, pswSnmp: SNMP, pswSsh: SSH });
    expect(state.secretOutputKeys).toEqual(expect.arrayContaining(["pswSnmp", "pswSsh"]));
    expect(emulator().switches.get(501)).toMatchObject({ IP: ipToInteger(SWITCH_INPUTS.ip), PSW_SNMP: SNMP, PSW_SSH: SSH, HOME_ID: 101 });
  });

  it("refreshes without change and plans a no-op that calls nothing: no dhcpd restart", async () => {
    clearVendorLog();
    expect((await engine.refresh()).map((s) => [s.op, s.changed])).toEqual([["refresh", false], ["refresh", false]]);
    expect(calls().filter((c) => c === "CLN_SWITCH_LIST")).toEqual(SWITCH_READ_CALLS);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "same"]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
    expect(dhcp()).toBe(1);
  });

  it("updates in place (a new IP): one CLN_SWITCH_EDIT, one restart, the switch keeps its ID", async () => {
    registrations = withHome(await program({ "billing-example:switchIp": "10.20.0.12" }), 101);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    expect(vendorCalls()).toEqual([]);
    expect(await engine.up(registrations)).toMatchObject([{ op: "same" }, { op: "update", id: "501" }]);
    expect(calls()).toEqual(SWITCH_UPDATE_CALLS);
    expect(emulator().log.entries("CLN_SWITCH_EDIT")[0]!.params).toMatchObject({ arg2: "0", arg3: "501", arg5: String(ipToInteger("10.20.0.12")), arg7: "***", arg8: "***" });
    expect(dhcp()).toBe(2);
    expect(emulator().switches.get(501)).toMatchObject({ IP: ipToInteger("10.20.0.12"), PSW_SNMP: SNMP });
  });

  it("shows drift made in the billing on refresh; the next up restores it with one restart", async () => {
    emulator().switches.patch(501, { NAME: "переименован в биллинге", PORTS_CNT: 52 });
    const steps = await engine.refresh();
    expect(steps[1]).toMatchObject({ op: "refresh", changed: true });
    expect(engine.state()[engine.urnOf(SWITCH, "lenina-12a-sw1")]!.inputs).toMatchObject({ name: "переименован в биллинге", portsCount: 52 });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    await engine.up(registrations);
    expect(emulator().switches.get(501)).toMatchObject({ NAME: SWITCH_INPUTS.name, PORTS_CNT: 28 });
    expect(dhcp()).toBe(3);
  });

  it("keeps the passwords out of the state's plain text, the host's output, the request log and errors", async () => {
    const texts = [engine.stateJson(), host.stderr, host.stdout, JSON.stringify(emulator().log.entries())];
    for (const text of texts) {
      expect(text).not.toContain(SNMP);
      expect(text).not.toContain(SSH);
      expect(text).not.toContain(PASSWORD);
    }
    // A refused update whose error could echo the request: still no password.
    emulator().faults.set("CLN_SWITCH_EDIT", { status: 500, body: `<?xml version="1.0" encoding="utf-8"?><result><error>refused: ${SNMP}</error></result>`, times: 1 });
    const [, step] = await engine.up(withHome(registrations, 101, { name: "renamed again" }));
    expect(step!.error).toMatch(/billing CLN_SWITCH_EDIT failed: "refused: \*\*\*"/);
    expect(step!.error).not.toContain(SNMP);
  });

  it("destroys the switch before its home; destroying again succeeds without a dhcpd restart", async () => {
    const before = dhcp();
    const state = engine.state()[engine.urnOf(SWITCH, "lenina-12a-sw1")]!;
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: "501" }, { op: "delete", id: "101" }]);
    expect(calls()).toEqual([...SWITCH_DELETE_CALLS, "CLN_HOME_EDIT"]);
    expect(dhcp()).toBe(before + 1);
    expect(emulator().switches.list()).toEqual([]);
    await expect(host.delete(engine.urnOf(SWITCH, "lenina-12a-sw1"), "501", state.outputs)).resolves.toBeUndefined();
    expect((await host.read(engine.urnOf(SWITCH, "lenina-12a-sw1"), "501", state.outputs, {})).id).toBe("");
    expect(dhcp()).toBe(before + 1);
  });
});

describe("BillingSwitch: no duplicates, no leaks", () => {
  let example: ResourceDescriptor[] | undefined;
  const fresh = async () => {
    emulator().reset();
    const home = emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: "420111", PULL_ID: 1, CONNECT_DATE: "2024-03-01" }).ID;
    const other = new MiniEngine(await startHost(), { config, secretConfigKeys: SECRET_KEYS });
    example ??= await program();
    const regs = only(withHome(example, home), SWITCH);
    clearVendorLog();
    return { other, regs, home };
  };

  it("finds the switch after an add whose answer was lost: one switch, one restart", async () => {
    const { other, regs } = await fresh();
    emulator().faults.set("CLN_SWITCH_EDIT", { drop: "after", times: 1 });
    expect(await other.up(regs)).toMatchObject([{ op: "create", id: "501" }]);
    expect(emulator().switches.list()).toHaveLength(1);
    expect(dhcp()).toBe(1);
  });

  it("keeps a switch whose read-back failed in the state, and the next up finishes it without another edit", async () => {
    const { other, regs } = await fresh();
    emulator().faults.set("CLN_SWITCH_EDIT", { latencyMs: 300, times: 1 });
    // Set before the up (not after the edit is seen, which raced the read-back on a loaded CI
    // machine): the create's look-up by home passes, every read after the edit fails.
    emulator().faults.set("CLN_SWITCH_LIST", { status: 503, body: "busy", after: 1, times: 10 });
    const [step] = await other.up(regs);
    expect(step).toMatchObject({ op: "create", id: "501", initFailed: { id: "501" } });
    emulator().faults.clear();
    expect(Object.values(other.state())[0]!.outputs).toMatchObject({ switchId: 501, pswSnmp: SNMP });
    expect((await other.up(regs)).map((s) => s.op)).toEqual(["update"]);
    expect(emulator().switches.list()).toHaveLength(1);
    expect(dhcp()).toBe(1);
  });

  it("leaves a placeholder when the answer and the look-ups are lost; the next up keeps that switch instead of refusing it", async () => {
    const { other, regs } = await fresh();
    emulator().faults.set("CLN_SWITCH_EDIT", { latencyMs: 300, drop: "after", times: 1 });
    const up = other.up(regs);
    for (let waited = 0; !vendorCalls().includes("CLN_SWITCH_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    emulator().faults.set("CLN_SWITCH_LIST", { status: 503, body: "busy", times: 10 });
    const [step] = await up;
    expect(step!.id).toMatch(/^pending:/);
    expect(step!.error).toMatch(/could not tell whether the billing created it \(homeId 101, ip "10\.20\.0\.11"\)/);
    emulator().faults.clear();
    const steps = await other.up(regs);
    expect(steps).toMatchObject([{ op: "replace", id: "501" }, { op: "delete" }]);
    expect(Object.values(other.state())[0]!.id).toBe("501");
    expect(emulator().switches.list()).toHaveLength(1);
    expect(dhcp()).toBe(1);
  });

  it("imports by id: a match writes nothing (no restart), a mismatch lists the differences, a missing id is named", async () => {
    const { other, regs, home } = await fresh();
    emulator().switches.add({ NAME: SWITCH_INPUTS.name, IP: ipToInteger(SWITCH_INPUTS.ip), SWITCH_TYPE: SWITCH_INPUTS.switchType, PORTS_CNT: 28, HOME_ID: home });
    const [missing] = await other.preview(withInputs(regs, { __import: "999" }));
    expect(missing!.failures).toEqual([{ property: "__import", reason: 'the billing has no switch with id "999" (it does not exist, or is another kind of object): check the id' }]);
    const [mismatch] = await other.preview(withInputs(regs, { __import: "501", name: "другой", portsCount: 24 }));
    expect(mismatch!.failures!.map((f) => f.property)).toEqual(["name", "portsCount"]);
    clearVendorLog();
    expect(await other.up(withInputs(regs, { __import: "501" }))).toMatchObject([{ op: "create", id: "501" }]);
    expect(vendorCalls().filter((c) => c === "CLN_SWITCH_EDIT")).toEqual([]);
    expect(Object.values(other.state())[0]!.outputs).toMatchObject({ switchId: 501, pswSnmp: SNMP });
    expect(dhcp()).toBe(0);
  });

  it("adopts by home + IP: absent → created, present → adopted, two → an error; a neighbour in another home is untouched", async () => {
    const { regs, home } = await fresh();
    const neighbourHome = emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: 14 }).ID;
    emulator().switches.add({ NAME: "сосед", IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: neighbourHome, PSW_SNMP: "neighbour-snmp" });
    const adopt = withInputs(regs, { __adopt: true });
    const first = new MiniEngine(await startHost(), { config, secretConfigKeys: SECRET_KEYS });
    expect(await first.up(adopt)).toMatchObject([{ op: "create", id: "502" }]);
    const second = new MiniEngine(await startHost(), { config, secretConfigKeys: SECRET_KEYS });
    expect(await second.up(adopt)).toMatchObject([{ op: "create", id: "502" }]);
    expect(dhcp()).toBe(1);
    emulator().switches.add({ NAME: "двойник", IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: home });
    const third = new MiniEngine(await startHost(), { config, secretConfigKeys: SECRET_KEYS });
    const [step] = await third.up(adopt);
    expect(step!.error).toMatch(/has 2 switches with homeId 101, ip "10\.20\.0\.11" \(id 502 "Ленина 12А: подъезд 1", 503 "двойник"\), so adoptExisting cannot tell which is meant/);
    expect(emulator().switches.get(501)).toMatchObject({ NAME: "сосед", HOME_ID: neighbourHome, PSW_SNMP: "neighbour-snmp" });
    expect(dhcp()).toBe(1);
  });

  it("refreshes 100 switches read at once with one CLN_SWITCH_LIST", async () => {
    const { regs, home } = await fresh();
    for (let i = 0; i < 100; i++) emulator().switches.add({ NAME: `sw${i}`, IP: ipToInteger("10.30.0.0") + i, HOME_ID: home });
    const reader = await startHost();
    await new MiniEngine(reader, { config, secretConfigKeys: SECRET_KEYS }).preview([]); // configure
    clearVendorLog();
    const provider = regs[0]!.inputs["__provider"];
    const reads = await Promise.all(emulator().switches.list().map((s) => reader.read(`urn:pulumi:stack::project::${SWITCH}::sw${s.ID}`, String(s.ID), { __provider: provider }, {})));
    expect(calls()).toEqual(["CLN_SWITCH_LIST"]);
    expect(reads.map((r) => r.properties["name"])).toEqual(Array.from({ length: 100 }, (_, i) => `sw${i}`));
  });
});
