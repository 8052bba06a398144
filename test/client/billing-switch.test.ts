import { describe, expect, it } from "vitest";
import { ADOPT_KEY, IMPORT_KEY, PENDING_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { UNKNOWN } from "../../provider/core/schema";
import { billingSwitch } from "../../provider/billing/switch";
import { ipToInteger } from "../../sandbox/billing";
import { SWITCH_CREATE_CALLS, SWITCH_DELETE_CALLS, SWITCH_INPUTS, SWITCH_PASSWORDS, SWITCH_READ_CALLS, SWITCH_UPDATE_CALLS } from "../fixtures/billing-switch";
import { useBillingSandbox } from "./billing-setup";

/** BillingSwitch's own methods (what the host calls) against the billing emulator. */
const ctx = useBillingSandbox();
const emulator = () => ctx.sandbox.billing.emulator;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const home = (number = 12) => emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: number }).ID;
const inputsFor = (homeId: number, more: Record<string, unknown> = {}) => ({ homeId, ...SWITCH_INPUTS, ...SWITCH_PASSWORDS, ...more });
/** Routes since the session was opened (the first call of a test logs in). */
const calls = () => ctx.routes().filter((r) => r !== "CLN_AUTH_LOGIN");

async function checked(inputs: Record<string, unknown>) {
  const { inputs: out, failures } = await billingSwitch.check({}, inputs);
  expect(failures).toEqual([]);
  return out;
}
async function create(inputs: Record<string, unknown>) {
  return billingSwitch.create(await checked(inputs));
}

describe("billingSwitch.check", () => {
  it("names each invalid field, accepts unknowns, and calls nothing", async () => {
    const { failures } = await billingSwitch.check({}, { name: "", ip: "10.0.0.256", homeId: 0, pswSnmp: "x".repeat(41), portsCount: -1 });
    expect(failures).toEqual([
      { property: "homeId", reason: "must be 1 or more" },
      { property: "name", reason: "must not be empty" },
      { property: "ip", reason: "must be an IPv4 address in the form 192.168.10.0" },
      { property: "portsCount", reason: "must be 0 or more" },
      { property: "pswSnmp", reason: "must be at most 40 characters" },
    ]);
    expect((await billingSwitch.check({}, { homeId: UNKNOWN, name: UNKNOWN, ip: UNKNOWN, pswSsh: UNKNOWN })).failures).toEqual([]);
    expect(emulator().log.entries()).toEqual([]);
  });
});

describe("billingSwitch against the emulator", () => {
  it("creates the switch: the IP as its INTEGER, the passwords sent but never read back, one dhcpd restart", async () => {
    const homeId = home();
    const { id, outs } = await create(inputsFor(homeId));
    expect(id).toBe("501");
    expect(outs).toEqual({ homeId, ...SWITCH_INPUTS, ...SWITCH_PASSWORDS, switchId: 501, [DECLARED_KEY]: ["homeId", "name", "ip", "switchType", "portsCount", "pswSnmp", "pswSsh"] });
    expect(calls()).toEqual(SWITCH_CREATE_CALLS);
    expect(emulator().dhcpRestarts).toBe(1);
    const [add] = emulator().log.entries("CLN_SWITCH_EDIT");
    expect(add!.params).toMatchObject({ arg2: "1", arg3: "null", arg4: "Ленина 12А: подъезд 1", arg5: String(ipToInteger("10.20.0.11")), arg6: "D-Link DES-3200-28", arg7: "***", arg8: "***", arg9: "null", arg10: String(homeId), arg11: "28", arg12: "0" });
    expect(emulator().switches.get(501)).toMatchObject({ PSW_SNMP: SWITCH_PASSWORDS.pswSnmp, PSW_SSH: SWITCH_PASSWORDS.pswSsh, PSW_TELNET: null, IP: 169_082_891 });
  });

  it.each(["0.0.0.0", "255.255.255.255", "127.255.255.255", "128.0.0.0"])("round-trips the edge address %s through the billing", async (ip) => {
    const { id, outs } = await create(inputsFor(home(), { ip }));
    expect(outs.ip).toBe(ip);
    expect(emulator().switches.get(Number(id))!.IP).toBe(ipToInteger(ip));
    expect((await billingSwitch.read(id, outs)).props!["ip"]).toBe(ip);
  });

  it("refreshes by ID: drift in the billing shows; a password changed there cannot (write-only); a deleted switch is gone", async () => {
    const { id, outs } = await create(inputsFor(home()));
    emulator().switches.patch(501, { NAME: "renamed in the billing", PSW_SNMP: "changed-in-the-billing", PORTS_CNT: 52 });
    emulator().log.clear();
    const read = await billingSwitch.read(id, outs);
    expect(ctx.routes()).toEqual(SWITCH_READ_CALLS);
    expect(read.inputs).toEqual({ homeId: 101, ...SWITCH_INPUTS, name: "renamed in the billing", portsCount: 52, ...SWITCH_PASSWORDS });
    expect(JSON.stringify(read)).not.toContain("changed-in-the-billing");
    emulator().switches.delete(501);
    expect(await billingSwitch.read(id, outs)).toEqual({});
  });

  it("sends nothing — no dhcpd restart — when nothing changed, and when the billing already has what the update would set", async () => {
    const { id, outs } = await create(inputsFor(home()));
    emulator().log.clear();
    const news = await checked(inputsFor(101));
    expect(await billingSwitch.diff(id, outs, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await billingSwitch.update(id, outs, news);
    expect(ctx.routes()).toEqual([]);
    // Someone renamed it in the billing to what the program now wants: the update reads and stops.
    emulator().switches.patch(501, { NAME: "подъезд 2" });
    const renamed = await checked(inputsFor(101, { name: "подъезд 2" }));
    const { outs: after } = await billingSwitch.update(id, outs, renamed);
    expect(ctx.routes()).toEqual(["CLN_SWITCH_LIST"]);
    expect(after).toMatchObject({ name: "подъезд 2", ...SWITCH_PASSWORDS });
    expect(emulator().dhcpRestarts).toBe(1);
  });

  it("updates in place with P_OP 0: every column sent, undeclared ones (a password too) kept as the billing has them", async () => {
    const { id, outs } = await create({ homeId: home(), name: "sw", ip: "10.20.0.11" });
    emulator().switches.patch(501, { PSW_TELNET: "set-by-the-noc", SWITCH_TYPE: "set by the NOC" });
    emulator().log.clear();
    const { outs: after } = await billingSwitch.update(id, outs, await checked({ homeId: 101, name: "sw", ip: "10.20.0.12", pswSnmp: "new-snmp" }));
    expect(ctx.routes()).toEqual(SWITCH_UPDATE_CALLS);
    expect(emulator().switches.get(501)).toMatchObject({ IP: ipToInteger("10.20.0.12"), PSW_SNMP: "new-snmp", PSW_TELNET: "set-by-the-noc", SWITCH_TYPE: "set by the NOC" });
    expect(after).toMatchObject({ ip: "10.20.0.12", pswSnmp: "new-snmp", switchType: "set by the NOC" });
    expect(JSON.stringify(after)).not.toContain("set-by-the-noc");
    expect(emulator().dhcpRestarts).toBe(2);
  });

  it("clears a password set to an empty string", async () => {
    const { id, outs } = await create(inputsFor(home()));
    await billingSwitch.update(id, outs, await checked(inputsFor(101, { pswSsh: "" })));
    expect(emulator().switches.get(501)!.PSW_SSH).toBeNull();
  });

  it("refuses an update that would erase a password this billing does not show, sending nothing, unless every password is declared", async () => {
    const { id, outs } = await create({ homeId: home(), name: "sw", ip: "10.20.0.11", pswSnmp: "snmp-1" });
    emulator().behaviour.switchListPasswords = false;
    emulator().switches.patch(501, { PSW_SSH: "set-by-the-noc" });
    emulator().log.clear();
    const error = await failure(billingSwitch.update(id, outs, await checked({ homeId: 101, name: "renamed", ip: "10.20.0.11", pswSnmp: "snmp-1" })));
    expect(error!.message).toBe(
      "billing switch 501: CLN_SWITCH_EDIT rewrites every column, and this billing's CLN_SWITCH_LIST does not show passwords, so changing name would erase the switch's pswSsh, pswTelnet as the billing has them. " +
        'Declare pswSsh, pswTelnet (the current value, or "" for none) and run `pulumi up` again. Nothing was sent.',
    );
    expect(ctx.routes()).toEqual(["CLN_SWITCH_LIST"]);
    expect(emulator().switches.get(501)).toMatchObject({ NAME: "sw", PSW_SSH: "set-by-the-noc" });
    // With all three declared the update goes through, and a changed password alone is sent.
    const all = await checked({ homeId: 101, name: "renamed", ip: "10.20.0.11", pswSnmp: "snmp-1", pswSsh: "set-by-the-noc", pswTelnet: "" });
    const { outs: after } = await billingSwitch.update(id, outs, all);
    expect(emulator().switches.get(501)).toMatchObject({ NAME: "renamed", PSW_SNMP: "snmp-1", PSW_SSH: "set-by-the-noc", PSW_TELNET: null });
    emulator().log.clear();
    await billingSwitch.update(id, after, await checked({ ...all, pswSnmp: "snmp-2" }));
    expect(ctx.routes()).toEqual(SWITCH_UPDATE_CALLS);
    expect(emulator().switches.get(501)!.PSW_SNMP).toBe("snmp-2");
  });

  it("moves to another home in place; with assignToHomeSubscribers the new home's subscribers get the switch", async () => {
    const a = home(12);
    const b = home(14);
    const neighbour = emulator().users.add({ LOGIN: "in-b", HOME_ID: b }).USER_ID as number;
    const { id, outs } = await create(inputsFor(a, { assignToHomeSubscribers: true }));
    expect(emulator().users.get(neighbour)!.SWITCH_ID).toBeNull();
    emulator().log.clear();
    const { outs: after } = await billingSwitch.update(id, outs, await checked(inputsFor(b, { assignToHomeSubscribers: true })));
    expect(emulator().log.entries("CLN_SWITCH_EDIT")[0]!.params).toMatchObject({ arg2: "0", arg3: "501", arg10: String(b), arg12: "1" });
    expect(emulator().users.get(neighbour)!.SWITCH_ID).toBe(501);
    expect(after).toMatchObject({ homeId: b, switchId: 501 });
    // A rename does not re-assign anyone.
    emulator().users.patch(neighbour, { SWITCH_ID: null });
    await billingSwitch.update(id, after, await checked(inputsFor(b, { assignToHomeSubscribers: true, name: "renamed" })));
    expect(emulator().users.get(neighbour)!.SWITCH_ID).toBeNull();
  });

  it("deletes with P_OP 2; a switch already gone is not sent again (no dhcpd restart for nothing)", async () => {
    const { id, outs } = await create(inputsFor(home()));
    emulator().log.clear();
    await billingSwitch.delete(id, outs);
    expect(ctx.routes()).toEqual(SWITCH_DELETE_CALLS);
    expect(emulator().log.entries("CLN_SWITCH_EDIT")[0]!.params).toMatchObject({ arg2: "2", arg3: "501" });
    expect(emulator().switches.list()).toEqual([]);
    emulator().log.clear();
    await billingSwitch.delete(id, outs);
    expect(ctx.routes()).toEqual(["CLN_SWITCH_LIST"]);
    expect(emulator().dhcpRestarts).toBe(2);
  });
});

describe("creates that never duplicate a switch", () => {
  it("refuses a home + IP that is taken, names the switch, and leaves a neighbour (same IP, other home) alone", async () => {
    const a = home(12);
    const b = home(14);
    emulator().switches.add({ NAME: "the neighbour's", IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: b });
    const { id } = await create(inputsFor(a));
    expect(id).toBe("502");
    const error = await failure(create(inputsFor(a, { name: "another" })));
    expect(error!.message).toMatch(/^the billing already has a switch with homeId 101, ip "10\.20\.0\.11" \(id 502 "Ленина 12А: подъезд 1"\); refusing to create a duplicate\. To manage it with this program, add the resource option `\{ adoptExisting: true \}`/);
    expect(emulator().switches.list()).toHaveLength(2);
    expect(emulator().dhcpRestarts).toBe(1);
  });

  it("finds the switch after an add whose answer was lost, instead of adding it (and restarting dhcpd) twice", async () => {
    home();
    emulator().faults.set("CLN_SWITCH_EDIT", { drop: "after", times: 1 });
    const { id } = await create(inputsFor(101));
    expect(id).toBe("501");
    expect(emulator().switches.list()).toHaveLength(1);
    expect(emulator().dhcpRestarts).toBe(1);
    // The look-up by home + IP (a per-home list), then the read-back by ID.
    expect(calls()).toEqual(["CLN_SWITCH_LIST", "CLN_SWITCH_EDIT", "CLN_SWITCH_LIST", "CLN_SWITCH_LIST"]);
  });

  it("sends the add again when the lost request never took effect", async () => {
    home();
    emulator().faults.set("CLN_SWITCH_EDIT", { drop: "before", times: 1 });
    expect((await create(inputsFor(101))).id).toBe("501");
    expect(emulator().switches.list()).toHaveLength(1);
    expect(emulator().dhcpRestarts).toBe(1);
  });

  it("finds a switch whose add was answered without an <id> by home + IP", async () => {
    home();
    emulator().behaviour.addAnswersId = false;
    expect((await create(inputsFor(101))).id).toBe("501");
  });

  it("ends pending when the answer is lost and the look-ups fail too; the next up adopts it instead of refusing it as a duplicate", async () => {
    home();
    emulator().faults.set("CLN_SWITCH_EDIT", { latencyMs: 200, drop: "after", times: 1 });
    const creating = failure(create(inputsFor(101)));
    for (let waited = 0; !ctx.routes().includes("CLN_SWITCH_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    emulator().faults.set("CLN_SWITCH_LIST", { status: 503, body: "busy", times: 10 });
    const error = await creating;
    expect(error).toBeInstanceOf(ResourceInitError);
    const pending = error as ResourceInitError;
    expect(pending.id).toMatch(/^pending:/);
    expect(pending.message).toMatch(/could not tell whether the billing created it \(homeId 101, ip "10\.20\.0\.11"\)/);
    expect(JSON.stringify(pending.properties)).not.toContain("undefined");
    emulator().faults.clear();
    expect(emulator().switches.list()).toHaveLength(1);
    // The next `pulumi up`: Diff of the placeholder asks for a replacement, the create finds the switch.
    const props = { ...pending.properties, __provider: "x" };
    expect((await billingSwitch.diff(pending.id, props, await checked(inputsFor(101)))).replaces.length).toBeGreaterThan(0);
    const { id } = await create(inputsFor(101));
    expect(id).toBe("501");
    await billingSwitch.delete(pending.id, props);
    expect(emulator().switches.list()).toHaveLength(1);
    expect(emulator().dhcpRestarts).toBe(1);
  });

  it("a refresh of a pending create finds the switch it made by home + IP, and a destroy deletes it", async () => {
    home();
    emulator().switches.add({ NAME: "before", IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: 101 }); // had the key before: never ours
    const made = emulator().switches.add({ NAME: SWITCH_INPUTS.name, IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: 101 }).ID;
    const props = { ...inputsFor(101), [DECLARED_KEY]: ["homeId", "name", "ip"], [PENDING_KEY]: { key: { homeId: 101, ip: SWITCH_INPUTS.ip }, before: ["501"], since: "2026-01-01T00:00:00.000Z" } };
    const read = await billingSwitch.read("pending:abc", props);
    expect(read.id).toBe(String(made));
    expect(read.props).toMatchObject({ switchId: made, ...SWITCH_PASSWORDS });
    await billingSwitch.delete("pending:abc", props);
    expect(emulator().switches.list().map((s) => s.ID)).toEqual([501]);
  });
});

describe("adopting and importing switches", () => {
  it("adoptExisting: creates when absent, adopts (applying what differs) when present, fails when ambiguous", async () => {
    home();
    const adopt = async (more: Record<string, unknown> = {}) => billingSwitch.create(await checked({ ...inputsFor(101, more), [ADOPT_KEY]: true }));
    expect((await adopt()).id).toBe("501");
    emulator().log.clear();
    const { id, outs } = await adopt({ name: "renamed" });
    expect(id).toBe("501");
    expect(outs).toMatchObject({ name: "renamed" });
    expect(emulator().dhcpRestarts).toBe(2);
    // Adopting what already matches writes nothing: no restart.
    await adopt({ name: "renamed" });
    expect(emulator().dhcpRestarts).toBe(2);
    emulator().switches.add({ NAME: "twin", IP: ipToInteger(SWITCH_INPUTS.ip), HOME_ID: 101 });
    expect((await failure(adopt()))!.message).toMatch(/has 2 switches with homeId 101, ip "10\.20\.0\.11" \(id 501 "renamed", 502 "twin"\), so adoptExisting cannot tell which is meant; nothing was changed/);
  });

  it("imports by id: a match writes nothing; a mismatch lists every difference; a missing id is named", async () => {
    home();
    const id = emulator().switches.add({ NAME: SWITCH_INPUTS.name, IP: ipToInteger(SWITCH_INPUTS.ip), SWITCH_TYPE: SWITCH_INPUTS.switchType, PORTS_CNT: 28, HOME_ID: 101, PSW_SNMP: "whatever" }).ID;
    const match = await billingSwitch.check({}, { ...inputsFor(101), [IMPORT_KEY]: String(id) });
    expect(match.failures).toEqual([]);
    expect((await billingSwitch.create(match.inputs)).outs).toMatchObject({ switchId: id, ...SWITCH_PASSWORDS });
    const mismatch = await billingSwitch.check({}, { ...inputsFor(101, { name: "other", portsCount: 24 }), [IMPORT_KEY]: String(id) });
    expect(mismatch.failures.map((f) => f.property)).toEqual(["name", "portsCount"]);
    expect(mismatch.failures[0]!.reason).toMatch(/^differs from the switch 501 being imported — name: declared "other", the billing has "Ленина 12А: подъезд 1"/);
    const missing = await billingSwitch.check({}, { ...inputsFor(101), [IMPORT_KEY]: "999" });
    expect(missing.failures).toEqual([{ property: IMPORT_KEY, reason: 'the billing has no switch with id "999" (it does not exist, or is another kind of object): check the id' }]);
    expect(emulator().dhcpRestarts).toBe(0);
    expect(JSON.stringify(emulator().log.entries())).not.toContain("whatever");
  });
});

describe("reads that arrive together", () => {
  it("refreshes 200 switches with one CLN_SWITCH_LIST, each record matched by ID, a deleted one reported gone", async () => {
    home();
    for (let i = 0; i < 200; i++) emulator().switches.add({ NAME: `sw${i}`, IP: ipToInteger("10.20.0.0") + i, HOME_ID: 101 });
    emulator().switches.delete(577);
    emulator().log.clear();
    const reads = await Promise.all(Array.from({ length: 200 }, (_, i) => billingSwitch.read(String(501 + i), { homeId: 101, name: `sw${i}` } as never)));
    // The whole list, then the one missing from it asked by ID before it is called gone.
    expect(calls()).toEqual(["CLN_SWITCH_LIST", "CLN_SWITCH_LIST"]);
    expect(emulator().log.entries("CLN_SWITCH_LIST").map((e) => [e.params["arg2"], e.params["arg3"]])).toEqual([["null", "null"], ["577", "null"]]);
    expect(reads.filter((r) => r.id === undefined).length).toBe(1);
    expect(reads[76]).toEqual({});
    expect(reads[5]!.props).toMatchObject({ switchId: 506, name: "sw5" });
  });
});

describe("discover", () => {
  it("yields every switch without passwords, with its home as a reference, in two calls; its inputs import with no difference", async () => {
    const a = home(12);
    emulator().switches.add({ NAME: "Ленина 12: подъезд 1", IP: ipToInteger("10.20.0.1"), HOME_ID: a, PSW_SNMP: "discover-must-not-see", PORTS_CNT: 28 });
    emulator().switches.add({ NAME: "Ленина 12: подъезд 2", IP: ipToInteger("255.255.255.255"), HOME_ID: a, SWITCH_TYPE: "DES" });
    emulator().log.clear();
    const found = [];
    for await (const d of billingSwitch.definition.discover!({})) found.push(d);
    expect(calls()).toEqual(["CLN_SWITCH_LIST", "CLN_HOME_LIST"]);
    expect(found).toEqual([
      { id: "501", inputs: { name: "Ленина 12: подъезд 1", ip: "10.20.0.1", homeId: a, portsCount: 28 }, refs: { homeId: { token: "billing:Home", id: String(a) } }, subscriber: "улица Ленина, 12", name: "lenina-12-podezd-1" },
      { id: "502", inputs: { name: "Ленина 12: подъезд 2", ip: "255.255.255.255", homeId: a, switchType: "DES" }, refs: { homeId: { token: "billing:Home", id: String(a) } }, subscriber: "улица Ленина, 12", name: "lenina-12-podezd-2" },
    ]);
    expect(JSON.stringify(found)).not.toContain("discover-must-not-see");
    for (const d of found) expect((await billingSwitch.check({}, { ...d.inputs, [IMPORT_KEY]: d.id })).failures).toEqual([]);
    const limited = [];
    for await (const d of billingSwitch.definition.discover!({ limit: 1, subscriberPrefix: "улица Ленина" })) limited.push(d.id);
    expect(limited).toEqual(["501"]);
    expect(emulator().dhcpRestarts).toBe(0);
  });
});
