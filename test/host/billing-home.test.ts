import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { configRecord, BILLING } from "../engine/example-lifecycles";
import { useHostFixture, withInputs, without } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { CREATE_CALLS, DELETE_CALLS, LENINA_INPUTS, READ_CALLS, UPDATE_CALLS } from "../fixtures/billing-lenina";

/**
 * BillingHome through the packed package and Pulumi's real dynamic-provider host, driven with the
 * engine's own RPC sequences, against the billing emulator (an independent server written from the
 * vendor document) over HTTPS with client certificates. The example program is run under mocks to
 * obtain exactly what a program registers, including the serialized provider.
 */
const PASSWORD = "test-only-host-billing-pw";
const TYPE = "pulumi-nodejs:dynamic/billing:Home";
const SECRET_KEYS = ["billing:password", "billing:clientKey"];
const fixture = useHostFixture({ vendor: "billing", sandbox: { billing: { password: PASSWORD } }, secretKeys: SECRET_KEYS });
const { emulator, vendorCalls, clearVendorLog, program, startHost } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});

describe("BillingHome through the provider host", () => {
  let registrations: Registration[];

  it("serializes a small provider with no credentials, endpoints, certificates or implementation code", async () => {
    // The example also has the home's switch (test/host/billing-switch.test.ts): the home alone here.
    registrations = (await program()).filter((r) => r.type === TYPE);
    expect(registrations.map((r) => r.type)).toEqual([TYPE]);
    const [home] = registrations;
    expect(home!.providerSize).toBeLessThan(4096);
    const text = home!.provider!;
    for (const leak of [PASSWORD, sandbox.billing.login, sandbox.billing.url, sandbox.billing.certDir, "127.0.0.1", "api.php", "CLN_HOME_EDIT", "undici", "zod", "BEGIN"]) {
      expect(text).not.toContain(leak);
    }
    expect(text).toContain('require("pulumi-telecom/provider")');
  });

  it("previews a new home with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine.preview(withInputs(registrations, { street: UNKNOWN, ipPoolId: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the home over mutual TLS with Cyrillic intact; the id is the billing's home ID", async () => {
    clearVendorLog();
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([{ op: "create", id: "101" }]);
    const [state] = Object.values(engine.state());
    expect(state!.outputs).toMatchObject({ ...LENINA_INPUTS, homeId: 101 });
    expect(emulator().homes.get(101)).toMatchObject({ STREET: "улица Ленина", S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия" });
    expect(vendorCalls()).toEqual(CREATE_CALLS);
  });

  it("refreshes without change, and the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(READ_CALLS);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["check", "diff"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates in place with CLN_HOME_EDIT P_OP 0", async () => {
    registrations = (await program(configRecord(BILLING.inPlace.config))).filter((r) => r.type === TYPE);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    expect(vendorCalls()).toEqual([]);
    expect(await engine.up(registrations)).toMatchObject([{ op: "update", id: "101" }]);
    expect(vendorCalls()).toEqual(UPDATE_CALLS);
    const [edit] = emulator().log.entries("CLN_HOME_EDIT");
    expect(edit!.params).toMatchObject({ arg2: "0", arg3: "101", arg10: "проспект Победы", arg12: "А" });
    expect(emulator().homes.get(101)!.STREET).toBe("проспект Победы");
    expect(Object.values(engine.state())[0]!.outputs.street).toBe("проспект Победы");
  });

  it("renews the session once after the billing expired it, and carries on", async () => {
    emulator().expireSessions();
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(["CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST"]);
    clearVendorLog();
    await engine.refresh();
    expect(vendorCalls()).toEqual(READ_CALLS);
  });

  it("detects drift made in the billing on refresh, shows it in the next plan, and the next up restores it", async () => {
    emulator().homes.patch(101, { STREET: "улица Баумана", ZIP_CODE: "420000" });
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    const [state] = Object.values(engine.state());
    expect(state!.inputs).toMatchObject({ street: "улица Баумана", zipCode: "420000" });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    await engine.up(registrations);
    expect(emulator().homes.get(101)).toMatchObject({ STREET: "проспект Победы", ZIP_CODE: "420111" });
  });

  it("fails check for a missing street, a non-integer number, an over-long zip code and a malformed date, calling nothing", async () => {
    clearVendorLog();
    const bad = withInputs(without(registrations, "street"), { number: "12a", zipCode: "12345678901", connectDate: "2024-13-01" });
    const [step] = await engine.preview(bad);
    expect(step!.op).toBe("check-failed");
    expect(step!.failures).toEqual([
      { property: "street", reason: "is required" },
      { property: "number", reason: 'must be a number (got "12a")' },
      { property: "zipCode", reason: "must be at most 10 characters" },
      { property: "connectDate", reason: "is not a real calendar date" },
    ]);
    expect((await engine.preview(withInputs(registrations, { number: 12.5, connectDate: "01.03.2024" })))[0]!.failures).toEqual([
      { property: "number", reason: "must be a whole number (got 12.5)" },
      { property: "connectDate", reason: "must be a date in the form YYYY-MM-DD" },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("deletes; deleting again and refreshing a deleted home both succeed, the latter as gone", async () => {
    const [state] = Object.values(engine.state());
    const outputs = { ...state!.outputs };
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: "101" }]);
    expect(emulator().homes.list()).toEqual([]);
    expect(vendorCalls()).toEqual(DELETE_CALLS);
    const urn = engine.urnOf(TYPE, "lenina-12a");
    await expect(host.delete(urn, "101", outputs)).resolves.toBeUndefined();
    const read = await host.read(urn, "101", outputs, {});
    expect(read.id).toBe("");
  });

  it("reports a refresh of a home deleted in the billing as gone and drops it from the state", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    const [created] = await fresh.up(registrations);
    emulator().homes.delete(Number(created!.id));
    expect(await fresh.refresh()).toMatchObject([{ op: "gone" }]);
    expect(fresh.state()).toEqual({});
  });

  it("creates a home whose add the billing answers without an id, finding it by its full address", async () => {
    emulator().reset();
    emulator().behaviour.addAnswersId = false;
    emulator().homes.add({ STREET: "проспект Победы", S_NUMBER: 14 }); // a neighbour
    const other = await startHost();
    const fresh = new MiniEngine(other, { config, secretConfigKeys: SECRET_KEYS });
    const steps = await fresh.up(registrations);
    expect(steps).toMatchObject([{ op: "create", id: "102" }]);
    expect(vendorCalls()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_HOME_EDIT", "CLN_HOME_LIST", ...READ_CALLS]);
    expect(emulator().homes.list()).toHaveLength(2);
    expect((await fresh.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(emulator().homes.list().map((h) => h.ID)).toEqual([101]);
  });

  it("fails clearly without a client certificate, naming the keys to set", async () => {
    const other = await startHost();
    const { "billing:clientCert": _c, "billing:clientKey": _k, ...noCert } = config;
    const bare = new MiniEngine(other, { config: { ...noCert, "billing:maxRetries": "0" }, secretConfigKeys: SECRET_KEYS });
    const [step] = await bare.up(registrations);
    expect(step!.op).toBe("create");
    expect(step!.error).toMatch(/TLS|closed/);
    expect(step!.error).toMatch(/no client certificate is configured, and the billing's cashier web interface requires one\. Set billing:clientCert \+ billing:clientKey/);
  });

  it("fails clearly on a wrong password without echoing it anywhere", async () => {
    const wrong = "definitely-wrong-billing-password-42";
    for (const authMode of ["session", "per-call"]) {
      const other = await startHost();
      const badConfig = { ...config, "billing:password": wrong, "billing:authMode": authMode };
      const bad = new MiniEngine(other, { config: badConfig, secretConfigKeys: SECRET_KEYS });
      const [step] = await bad.up(registrations);
      expect(step!.op).toBe("create");
      expect(step!.error).toMatch(/"Неверное имя пользователя или пароль"\. Check the API administrator's credentials: billing:login \/ BILLING_LOGIN and billing:password \/ BILLING_PASSWORD/);
      for (const text of [step!.error!, other.stderr, other.stdout, bad.stateJson(), JSON.stringify(emulator().log.entries())]) {
        expect(text).not.toContain(wrong);
      }
    }
  });

  it("works with login/password on every request (billing:authMode per-call), configured from BILLING_* variables", async () => {
    emulator().reset();
    const other = await startHost({ ...sandbox.env, BILLING_AUTH_MODE: "per-call" });
    const envOnly = new MiniEngine(other, { config: {} });
    expect(await envOnly.up(registrations)).toMatchObject([{ op: "create", id: "101" }]);
    expect(vendorCalls()).toEqual(["CLN_HOME_LIST", "CLN_HOME_EDIT", "CLN_HOME_LIST"]);
    expect((await envOnly.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(emulator().homes.list()).toEqual([]);
  });

  it("never leaves the password, the SUID or the client key in the state or the host's output", () => {
    const key = fs.readFileSync(sandbox.billing.clientKeyPath, "utf8").split("\n")[1]!;
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(key);
    }
  });
});

describe("BillingHome: adoption, pending creates and coalesced refresh through the host", () => {
  let home: Registration[];
  const LENINA_ROW = { STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: "420111", PULL_ID: 1, CONNECT_DATE: "2024-03-01" };
  const freshEngine = async () => new MiniEngine(await startHost(), { config, secretConfigKeys: SECRET_KEYS });
  beforeAll(async () => {
    home = (await program()).filter((r) => r.type === TYPE);
  });

  it("imports by id: a match writes nothing; a mismatch lists every difference at preview; a missing id is named", async () => {
    emulator().reset();
    emulator().homes.add(LENINA_ROW);
    const e = await freshEngine();
    const [missing] = await e.preview(withInputs(home, { __import: "999" }));
    expect(missing!.failures).toEqual([{ property: "__import", reason: 'the billing has no home with id "999" (it does not exist, or is another kind of object): check the id' }]);
    const [mismatch] = await e.preview(withInputs(home, { __import: "101", city: "Самара", zipCode: "443000" }));
    expect(mismatch!.failures!.map((f) => f.property)).toEqual(["city", "zipCode"]);
    clearVendorLog();
    expect(await e.up(withInputs(home, { __import: "101" }))).toMatchObject([{ op: "create", id: "101" }]);
    expect(vendorCalls().filter((c) => c === "CLN_HOME_EDIT")).toEqual([]);
    expect((await e.preview(home)).map((s) => s.op)).toEqual(["same"]);
  });

  it("adopts by the full address: absent → created, present → adopted, two → an error; a neighbour (12Б) is untouched", async () => {
    emulator().reset();
    emulator().homes.add({ ...LENINA_ROW, S_LITER: "Б" });
    const adopt = withInputs(home, { __adopt: true });
    expect(await (await freshEngine()).up(adopt)).toMatchObject([{ op: "create", id: "102" }]);
    expect(await (await freshEngine()).up(adopt)).toMatchObject([{ op: "create", id: "102" }]);
    expect(emulator().homes.list()).toHaveLength(2);
    emulator().homes.add(LENINA_ROW);
    const [step] = await (await freshEngine()).up(adopt);
    expect(step!.error).toMatch(/the billing has 2 homes with street "улица Ленина", number 12, liter "А", .*\(id 102 .*, 103 .*\), so adoptExisting cannot tell which is meant; nothing was changed/);
    expect(emulator().homes.get(101)!.S_LITER).toBe("Б");
  });

  it("keeps a placeholder when the add's answer and the look-up are lost; the next up keeps that home instead of refusing it as a duplicate", async () => {
    emulator().reset();
    const e = await freshEngine();
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 300, drop: "after", times: 1 });
    const up = e.up(home);
    for (let waited = 0; !vendorCalls().includes("CLN_HOME_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    emulator().faults.set("CLN_HOME_LIST", { status: 503, body: "busy", times: 10 });
    const [step] = await up;
    expect(step!.id).toMatch(/^pending:/);
    expect(step!.error).toMatch(/could not tell whether the billing created it/);
    emulator().faults.clear();
    expect(emulator().homes.list()).toHaveLength(1);
    expect(await e.up(home)).toMatchObject([{ op: "replace", id: "101" }, { op: "delete" }]);
    expect(Object.values(e.state())[0]!.id).toBe("101");
    expect(emulator().homes.list()).toHaveLength(1);
    expect((await e.refresh()).map((s) => s.op)).toEqual(["refresh"]);
  });

  it("a refresh resolves a placeholder too", async () => {
    emulator().reset();
    const e = await freshEngine();
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 300, drop: "after", times: 1 });
    const up = e.up(home);
    for (let waited = 0; !vendorCalls().includes("CLN_HOME_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    emulator().faults.set("CLN_HOME_LIST", { status: 503, body: "busy", times: 10 });
    await up;
    emulator().faults.clear();
    expect(await e.refresh()).toMatchObject([{ op: "refresh", id: "101" }]);
    // The refresh read the home back without init errors, so the engine dropped them (as the real
    // engine does): the next up has nothing to finish and sends nothing.
    clearVendorLog();
    expect((await e.up(home)).map((s) => s.op)).toEqual(["same"]);
    expect(vendorCalls().filter((c) => c === "CLN_HOME_EDIT")).toEqual([]);
    expect(emulator().homes.list()).toHaveLength(1);
  });

  it("refreshes 200 homes read at once with one CLN_HOME_LIST", async () => {
    emulator().reset();
    for (let i = 0; i < 200; i++) emulator().homes.add({ STREET: "Садовая", S_NUMBER: i + 1 });
    const reader = await startHost();
    await new MiniEngine(reader, { config, secretConfigKeys: SECRET_KEYS }).preview([]);
    clearVendorLog();
    const provider = home[0]!.inputs["__provider"];
    const reads = await Promise.all(emulator().homes.list().map((h) => reader.read(`urn:pulumi:stack::project::${TYPE}::h${h.ID}`, String(h.ID), { __provider: provider }, {})));
    expect(vendorCalls()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST"]);
    expect(reads.map((r) => r.properties["number"])).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
