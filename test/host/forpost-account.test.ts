import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { configRecord, FORPOST } from "../engine/example-lifecycles";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { CREATE_CALLS, READ_CALLS } from "../fixtures/forpost-acme";

/**
 * ForpostAccount through the packed package and Pulumi's real dynamic-provider host, driven with
 * the engine's own RPC sequences, against the Forpost emulator (an independent server written from
 * the vendor document). The example program is run under mocks to obtain exactly what a program
 * registers, including the serialized provider.
 */
const PASSWORD = "test-only-host-forpost-pw";
const TYPE = "pulumi-nodejs:dynamic/forpost:Account";
const fixture = useHostFixture({ vendor: "forpost", sandbox: { forpost: { adminPassword: PASSWORD } }, secretKeys: ["forpost:adminPassword"] });
const { vendorCalls, clearVendorLog, program, startHost } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});

describe("ForpostAccount through the provider host", () => {
  let registrations: Registration[];

  it("serializes a small provider with no credentials, endpoints or implementation code", async () => {
    // The example also registers a camera (and, with a password, a viewer): this file is about the account.
    registrations = (await program()).filter((r) => r.type === TYPE);
    expect(registrations.map((r) => r.name)).toEqual(["acme"]);
    const [acme] = registrations;
    expect(acme!.providerSize).toBeLessThan(4096);
    const text = acme!.provider!;
    for (const leak of [PASSWORD, sandbox.forpost.adminLogin, sandbox.forpost.url, "127.0.0.1", "system-api", "AddAccount", "undici", "zod"]) {
      expect(text).not.toContain(leak);
    }
    expect(text).toContain('require("pulumi-telecom/provider")');
  });

  it("previews a new account with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine.preview(withInputs(registrations, { contractNumber: UNKNOWN, allowedTariffIds: [1, UNKNOWN] }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the account; the id is the Forpost account ID and every field is read back", async () => {
    clearVendorLog();
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([{ op: "create", id: "1001" }]);
    const [state] = Object.values(engine.state());
    expect(state!.outputs).toMatchObject({
      name: "ACME Ltd",
      maxCameraCount: 8,
      contractNumber: "C-1001",
      allowedTariffIds: [1, 2],
      defaultCameraTariffId: 2,
      isActive: true,
      accountId: 1001,
    });
    expect(sandbox.forpost.emulator.accounts.get(1001)).toMatchObject({ Name: "ACME Ltd", AllowedTariffIDs: [1, 2], DefaultCameraTariffID: 2 });
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

  it("updates in place, sending EditAccount with only the changed field", async () => {
    registrations = (await program(configRecord(FORPOST.inPlace.config))).filter((r) => r.type === TYPE);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    expect(vendorCalls()).toEqual([]);
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([{ op: "update", id: "1001" }]);
    const edits = sandbox.forpost.emulator.log.entries("EditAccount");
    expect(edits).toHaveLength(1);
    const { AdminLogin: _l, AdminPassword: _p, ...sent } = edits[0]!.params;
    expect(sent).toEqual({ ID: "1001", MaxCameraCount: "16" });
    expect(vendorCalls()).toEqual(["EditAccount", ...READ_CALLS]);
    expect(Object.values(engine.state())[0]!.outputs.maxCameraCount).toBe(16);
  });

  it("detects drift made outside Pulumi on refresh, shows it in the next plan, and the next up restores it", async () => {
    sandbox.forpost.emulator.accounts.patch(1001, { MaxCameraCount: 2, AllowedTariffIDs: [3], DefaultCameraTariffID: 3 });
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    const [state] = Object.values(engine.state());
    expect(state!.inputs).toMatchObject({ maxCameraCount: 2, allowedTariffIds: [3], defaultCameraTariffId: 3 });
    expect(state!.inputs).not.toHaveProperty("isActive"); // not declared by the program
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    clearVendorLog();
    await engine.up(registrations);
    expect(sandbox.forpost.emulator.accounts.get(1001)).toMatchObject({ MaxCameraCount: 16, AllowedTariffIDs: [1, 2], DefaultCameraTariffID: 2 });
    const [edit] = sandbox.forpost.emulator.log.entries("EditAccount");
    expect(Object.keys(edit!.params).sort()).toEqual(["AdminLogin", "AdminPassword", "ID", "MaxCameraCount"]);
  });

  it("fails check for bad inputs, naming each field, without calling Forpost", async () => {
    clearVendorLog();
    const { name: _n, ...noName } = registrations[0]!.inputs;
    const bad = [{ ...registrations[0]!, inputs: { ...noName, maxCameraCount: -1, networkMask: "255.255.0", defaultCameraTariffId: 3 } }];
    const steps = await engine.preview(bad);
    expect(steps[0]!.op).toBe("check-failed");
    expect(steps[0]!.failures).toEqual([
      { property: "name", reason: "is required" },
      { property: "maxCameraCount", reason: "must be 0 or more" },
      { property: "networkMask", reason: "must be an IPv4 address in the form 192.168.10.0" },
    ]);
    const cross = await engine.preview(withInputs(registrations, { defaultCameraTariffId: 3 }));
    expect(cross[0]!.failures).toEqual([
      { property: "defaultCameraTariffId", reason: "tariff 3 is not in allowedTariffIds [1, 2]: add it there, or pick one of those" },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("deletes; deleting again and refreshing a deleted account both succeed, the latter as gone", async () => {
    const [state] = Object.values(engine.state());
    const outputs = { ...state!.outputs };
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: "1001" }]);
    expect(sandbox.forpost.emulator.accounts.list()).toEqual([]);
    expect(vendorCalls()).toEqual(["DeleteAccount"]);
    const urn = engine.urnOf(TYPE, "acme");
    await expect(host.delete(urn, "1001", outputs)).resolves.toBeUndefined();
    const read = await host.read(urn, "1001", outputs, {});
    expect(read.id).toBe("");
  });

  it("reports a refresh of an account deleted outside Pulumi as gone and drops it from the state", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    const [created] = await fresh.up(registrations);
    sandbox.forpost.emulator.accounts.delete(Number(created!.id));
    expect(await fresh.refresh()).toMatchObject([{ op: "gone" }]);
    expect(fresh.state()).toEqual({});
  });

  it("keeps an account whose follow-up call failed in state, finishes it on the next up, and can destroy it", async () => {
    sandbox.forpost.emulator.reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    sandbox.forpost.emulator.faults.set("SetAllowedAccountTariffs", { status: 500, body: { ErrorCode: 1, Error: "storage busy" } });
    const [step] = await fresh.up(registrations);
    expect(step!.initFailed?.id).toBe("1001");
    expect(step!.error).toMatch(/created 1001, but a later step failed: Forpost SetAllowedAccountTariffs failed/);
    expect(Object.values(fresh.state())[0]).toMatchObject({ id: "1001" });
    sandbox.forpost.emulator.faults.clear();
    expect((await fresh.up(registrations)).map((s) => s.op)).toEqual(["update"]);
    expect(sandbox.forpost.emulator.accounts.get(1001)).toMatchObject({ AllowedTariffIDs: [1, 2] });
    expect(sandbox.forpost.emulator.accounts.list()).toHaveLength(1);
    expect((await fresh.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(sandbox.forpost.emulator.accounts.list()).toEqual([]);
  });

  it("fails clearly on a wrong admin password without echoing it anywhere", async () => {
    const wrong = "definitely-wrong-password-42";
    const other = await startHost();
    const badConfig = { ...config, "forpost:adminPassword": wrong };
    const bad = new MiniEngine(other, { config: badConfig, secretConfigKeys: ["forpost:adminPassword"] });
    const [step] = await bad.up(registrations);
    expect(step!.op).toBe("create");
    expect(step!.error).toMatch(/access denied \(ErrorCode 3/);
    expect(step!.error).toContain("forpost:adminPassword / FORPOST_ADMIN_PASSWORD");
    for (const text of [step!.error!, other.stderr, other.stdout, bad.stateJson()]) {
      expect(text).not.toContain(wrong);
    }
  });

  it("fails clearly when the configuration is missing, naming the keys and both ways to set them", async () => {
    const other = await startHost();
    const bare = new MiniEngine(other, { config: { "forpost:url": "not a url" } });
    const [step] = await bare.up(registrations);
    expect(step!.error).toMatch(/forpost:url is malformed: must be an http:\/\/ or https:\/\/ URL/);
    expect(step!.error).toMatch(/forpost:adminLogin is not set\. Set it with `pulumi config set forpost:adminLogin <value>` or the FORPOST_ADMIN_LOGIN environment variable/);
  });

  it("takes its configuration from FORPOST_* environment variables when the stack sets none", async () => {
    const other = await startHost(sandbox.env);
    const envOnly = new MiniEngine(other, { config: {} });
    sandbox.forpost.emulator.reset();
    expect(await envOnly.up(registrations)).toMatchObject([{ op: "create", id: "1001" }]);
    expect((await envOnly.destroy()).map((s) => s.op)).toEqual(["delete"]);
  });

  it("never leaves the admin password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) expect(text).not.toContain(PASSWORD);
  });

  it("imports an account by id: a match writes nothing, a mismatch lists every difference, a missing id is named", async () => {
    sandbox.forpost.emulator.reset();
    const owner = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    await owner.up(registrations);
    const fresh = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    clearVendorLog();
    const mismatch = await fresh.preview(withInputs(registrations, { __import: "1001", maxCameraCount: 99, defaultCameraTariffId: 1 }));
    expect(mismatch[0]!.failures!.map((f) => f.property)).toEqual(["maxCameraCount", "defaultCameraTariffId"]);
    expect(mismatch[0]!.failures![0]!.reason).toMatch(/maxCameraCount: declared 99, Forpost has 16/);
    expect((await fresh.preview(withInputs(registrations, { __import: "4242" })))[0]!.failures).toEqual([
      { property: "__import", reason: 'Forpost has no account with id "4242" (it does not exist, or is another kind of object): check the id' },
    ]);
    expect(await fresh.up(withInputs(registrations, { __import: "1001" }))).toMatchObject([{ op: "create", id: "1001" }]);
    expect(vendorCalls().filter((c) => !/^(Find|Get|mas)/.test(c!))).toEqual([]);
  });

  it("adopts by contract number: absent → created, present → adopted, two with the number → an error; neighbours untouched", async () => {
    sandbox.forpost.emulator.reset();
    const neighbour = sandbox.forpost.emulator.accounts.add({ Name: "Neighbour", MaxCameraCount: 1, MaxLoginCount: 1, MaxCameraOnlineTranslationCount: 1, MaxCameraArchivalTranslationCount: 1, MaxCameraUserOnlineTranslationCount: 1, MaxCameraUserArchivalTranslationCount: 1, ContractNumber: "C-10010" });
    const adopting = withInputs(registrations, { __adopt: true });
    const first = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    expect(await first.up(adopting)).toMatchObject([{ op: "create", id: "1002" }]);
    const second = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    sandbox.forpost.emulator.accounts.patch(1002, { MaxCameraCount: 3 });
    clearVendorLog();
    expect(await second.up(adopting)).toMatchObject([{ op: "create", id: "1002" }]);
    expect(sandbox.forpost.emulator.log.entries("EditAccount").map((e) => e.params["MaxCameraCount"])).toEqual(["16"]);
    expect(vendorCalls()).not.toContain("AddAccount");
    sandbox.forpost.emulator.accounts.add({ Name: "Twin", MaxCameraCount: 1, MaxLoginCount: 1, MaxCameraOnlineTranslationCount: 1, MaxCameraArchivalTranslationCount: 1, MaxCameraUserOnlineTranslationCount: 1, MaxCameraUserArchivalTranslationCount: 1, ContractNumber: "C-1001" });
    const third = new MiniEngine(host, { config, secretConfigKeys: ["forpost:adminPassword"] });
    const [step] = await third.up(adopting);
    expect(step!.error).toMatch(/Forpost has 2 accounts with contractNumber "C-1001" \(id 1002 "ACME Ltd", 1003 "Twin"\), so adoptExisting cannot tell which is meant; nothing was changed/);
    expect(sandbox.forpost.emulator.accounts.get(neighbour.ID)).toMatchObject({ Name: "Neighbour", MaxCameraCount: 1 });
  });

  it("answers many concurrent Reads with one masAccounts plus the two tariff getters each (the floor, 1 + 2N)", async () => {
    sandbox.forpost.emulator.reset();
    await host.configure(config, { secretKeys: ["forpost:adminPassword"] });
    const { subscribers } = sandbox.forpost.emulator.seed({ accounts: 40, usersPerAccount: 0, camerasPerAccount: 0 });
    const urn = engine.urnOf(TYPE, "acme");
    const props = { __provider: registrations[0]!.inputs["__provider"], __declared: ["name"] };
    clearVendorLog();
    const reads = await Promise.all(subscribers.map((s) => host.read(urn, String(s.accountId), props, {})));
    expect(reads.filter((r) => r.id !== "")).toHaveLength(40);
    const calls = vendorCalls();
    expect(calls.filter((c) => c === "GetAllowedAccountTariffs")).toHaveLength(40);
    expect(calls.filter((c) => c === "GetAccountDefaultCameraTariff")).toHaveLength(40);
    expect(calls.filter((c) => c === "masAccounts" || c === "FindAccounts").length).toBeLessThanOrEqual(3);
  });
});
