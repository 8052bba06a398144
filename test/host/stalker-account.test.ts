import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { ALICE_INPUTS, CREATE_CALLS, DELETE_CALLS, READ_CALLS, UPDATE_CALLS } from "../fixtures/stalker-alice";

/**
 * StalkerAccount through the packed package and Pulumi's real dynamic-provider host, driven with
 * the engine's own RPC sequences, against the Stalker emulator (an independent server written from
 * the vendor document, where a PUT or DELETE by account number really hits every account sharing it).
 * The example program runs under mocks to obtain exactly what a program registers.
 */
const PASSWORD = "test-only-host-stalker-pw";
const TYPE = "pulumi-nodejs:dynamic/stalker:Account";
const MAC = "00:1A:79:00:39:5E";
const SECRET_CONFIG = ["stalker:password"];
const fixture = useHostFixture({ vendor: "stalker", sandbox: { stalker: { password: PASSWORD } }, secretKeys: SECRET_CONFIG });
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
/** The example's account alone (its channels and menu have host tests of their own); its lookups are not counted. */
const program = async (extra: Record<string, string> = {}) => {
  const registrations = (await fixture.program(extra)).filter((r) => r.type === TYPE);
  clearVendorLog();
  return registrations;
};
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});
/** The subscriber who is not ours: shares account number 100 with the example's account. */
const NEIGHBOUR = { login: "neighbour", password: "neighbour-fake-pw", full_name: "Neighbour", account_number: "100", tariff_plan: "BASIC" };
const neighbourUntouched = () =>
  expect(emulator().account("neighbour")).toMatchObject({ full_name: "Neighbour", account_number: "100", tariff_plan: "BASIC", status: 1 });

describe("StalkerAccount through the provider host", () => {
  let registrations: Registration[];

  it("serializes a small provider with no credentials, endpoints or implementation code", async () => {
    registrations = await program();
    expect(registrations.map((r) => r.type)).toEqual([TYPE]);
    const text = registrations[0]!.provider!;
    expect(registrations[0]!.providerSize).toBeLessThan(4096);
    for (const leak of [PASSWORD, sandbox.stalker.url, "127.0.0.1", "stalker_portal", "undici", "zod"]) expect(text).not.toContain(leak);
    expect(text).toContain('require("pulumi-telecom/provider")');
  });

  it("previews a new account with Check only and no vendor call, unknown values included", async () => {
    emulator().addAccount(NEIGHBOUR);
    clearVendorLog();
    const steps = await engine.preview(withInputs(registrations, { accountNumber: UNKNOWN, stbMac: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("fails check for a missing login, a malformed MAC, and an account with neither number nor MAC — without calling Stalker", async () => {
    clearVendorLog();
    const [noLogin] = await engine.preview(withInputs(registrations, { login: undefined, stbMac: "00:1A:79:39:5E" }));
    expect(noLogin!.op).toBe("check-failed");
    expect(noLogin!.failures).toEqual([
      { property: "login", reason: "is required" },
      { property: "stbMac", reason: "must be a MAC address such as 00:1A:79:00:39:5E" },
    ]);
    const [neither] = await engine.preview(withInputs(registrations, { accountNumber: undefined, stbMac: undefined }));
    expect(neither!.failures).toEqual([
      {
        property: "accountNumber",
        reason:
          "set accountNumber or stbMac (or both): the Stalker API addresses an account only by its MAC or its account number, never by its login",
      },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the account: the id is the login, one POST and one GET, the password secret in the state", async () => {
    clearVendorLog();
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([{ op: "create", id: "alice" }]);
    expect(vendorCalls()).toEqual(CREATE_CALLS);
    const [state] = Object.values(engine.state());
    const { password: _pw, ...visible } = ALICE_INPUTS;
    expect(state!.outputs).toMatchObject({ ...visible, active: true, stbSn: "", stbType: "", online: false, subscribed: [] });
    expect(state!.secretOutputKeys).toContain("password");
    expect(state!.secretInputKeys).toContain("password");
    expect(engine.stateJson()).not.toContain(ALICE_INPUTS.password);
    expect(emulator().account("alice")).toMatchObject({ password: ALICE_INPUTS.password, stb_mac: MAC, account_number: "100" });
    neighbourUntouched();
  });

  it("refreshes without change with one GET, and the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(READ_CALLS);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates in place by MAC, sending only the changed fields, and never touches the neighbour", async () => {
    registrations = await program({ "stalker-example:tariffPlan": "STANDART", "stalker-example:fullName": "Alice Renamed" });
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    expect(vendorCalls()).toEqual([]);
    expect(await engine.up(registrations)).toMatchObject([{ op: "update", id: "alice" }]);
    expect(vendorCalls()).toEqual(UPDATE_CALLS);
    const [put] = emulator().log.entries("accounts.put");
    expect(put).toMatchObject({ path: `/stalker_portal/api/accounts/${MAC}`, params: { full_name: "Alice Renamed", tariff_plan: "STANDART" } });
    expect(Object.keys(put!.params).sort()).toEqual(["full_name", "tariff_plan"]);
    expect(emulator().account("alice")).toMatchObject({ tariff_plan: "STANDART", full_name: "Alice Renamed" });
    neighbourUntouched();
  });

  it("moves the account to a new MAC with a PUT to its current MAC", async () => {
    registrations = await program({ "stalker-example:tariffPlan": "STANDART", "stalker-example:fullName": "Alice Renamed", "stalker-example:stbMac": "00-1a-79-00-39-5f" });
    clearVendorLog();
    await engine.up(registrations);
    expect(emulator().log.entries("accounts.put")).toMatchObject([{ path: `/stalker_portal/api/accounts/${MAC}`, params: { stb_mac: "00:1A:79:00:39:5F" } }]);
    expect(Object.values(engine.state())[0]!.outputs.stbMac).toBe("00:1A:79:00:39:5F");
  });

  it("detects drift made outside Pulumi on refresh, shows it in the next plan, and the next up restores it", async () => {
    emulator().editAccount("alice", { full_name: "Changed in the panel", status: "0" });
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    expect(Object.values(engine.state())[0]!.inputs).toMatchObject({ fullName: "Changed in the panel", active: false });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    clearVendorLog();
    await engine.up(registrations);
    expect(emulator().account("alice")).toMatchObject({ full_name: "Alice Renamed", status: 1 });
    expect(emulator().log.entries("accounts.put")[0]!.params).toEqual({ full_name: "Alice Renamed", status: "1" });
    neighbourUntouched();
  });

  it("replaces on a new login, deleting the old account first (its MAC and number must be free)", async () => {
    const extra = { "stalker-example:tariffPlan": "STANDART", "stalker-example:fullName": "Alice Renamed", "stalker-example:stbMac": "00:1A:79:00:39:5F" };
    registrations = await program({ ...extra, "stalker-example:login": "alice2" });
    expect(await engine.preview(registrations)).toMatchObject([{ op: "replace", id: "alice", replaceOrder: "delete-before-create" }]);
    clearVendorLog();
    const steps = await engine.up(registrations);
    expect(steps.map((s) => s.op)).toEqual(["delete", "replace"]);
    expect(steps[1]).toMatchObject({ id: "alice2" });
    expect(vendorCalls()).toEqual([...DELETE_CALLS, ...CREATE_CALLS]);
    expect(emulator().listAccounts().map((a) => a.login).sort()).toEqual(["alice2", "neighbour"]);
    neighbourUntouched();
  });

  it("deletes by MAC without touching the neighbour; deleting again and refreshing a deleted account succeed, the latter as gone", async () => {
    const [state] = Object.values(engine.state());
    const outputs = { ...state!.outputs };
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: "alice2" }]);
    expect(vendorCalls()).toEqual(DELETE_CALLS);
    expect(emulator().log.entries("accounts.delete")[0]!.path).toBe("/stalker_portal/api/accounts/00:1A:79:00:39:5F");
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour"]);
    neighbourUntouched();
    const urn = engine.urnOf(TYPE, "alice-tv");
    await expect(host.delete(urn, "alice2", outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, "alice2", outputs, {})).id).toBe("");
  });

  it("reports a refresh of an account deleted outside Pulumi as gone and drops it from the state", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const base = await program();
    await fresh.up(base);
    emulator().deleteAccount("alice");
    expect(await fresh.refresh()).toMatchObject([{ op: "gone" }]);
    expect(fresh.state()).toEqual({});
  });

  it("an account without a MAC sharing its number: update and destroy are refused, nothing is sent, the neighbour is intact", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const base = await program();
    const noMac = withInputs(base, { stbMac: undefined });
    expect(await fresh.up(noMac)).toMatchObject([{ op: "create", id: "alice" }]);
    clearVendorLog();
    const [update] = await fresh.up(withInputs(noMac, { tariffPlan: "STANDART" }));
    expect(update!.error).toMatch(
      /StalkerAccount "alice": account number "100" also belongs to 1 other subscriber, and this account has no MAC in Stalker\..*a PUT by account number would change all of them, so nothing was sent\. Set stbMac/,
    );
    const [destroy] = await fresh.destroy();
    expect(destroy!.error).toMatch(/a DELETE by account number would delete all of them, so nothing was sent\. Set stbMac/);
    expect(vendorCalls()).toEqual(["accounts.get", "accounts.get"]);
    expect(emulator().log.entries("accounts.put")).toEqual([]);
    neighbourUntouched();
    expect(emulator().account("alice")).toMatchObject({ tariff_plan: "FULL" });

    // The way out the error names: the account gets its box's MAC in the panel, the program says so.
    emulator().editAccount("alice", { stb_mac: MAC });
    await fresh.refresh();
    expect((await fresh.up(withInputs(base, { tariffPlan: "STANDART" }))).map((s) => s.op)).toEqual(["update"]);
    expect((await fresh.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour"]);
    neighbourUntouched();
  });

  it("a create whose answer was lost finds the account: no duplicate, no spurious 'Login already in use'", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const base = await program();
    emulator().faults.set("accounts.post", { drop: "after", times: 1 });
    clearVendorLog();
    expect(await fresh.up(base)).toMatchObject([{ op: "create", id: "alice" }]);
    // The POST, the core's look-up by login (findNew), the check that it is this create's account, the read-back.
    expect(vendorCalls()).toEqual(["accounts.post", "accounts.get", "accounts.get", "accounts.get"]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour", "alice"]);
    await fresh.destroy();
  });

  it("fails clearly on a wrong API password without echoing it anywhere", async () => {
    const wrong = "definitely-wrong-stalker-pw-42";
    const other = await startHost();
    const bad = new MiniEngine(other, { config: { ...config, "stalker:password": wrong }, secretConfigKeys: SECRET_CONFIG });
    const [step] = await bad.up(registrations);
    expect(step!.op).toBe("create");
    expect(step!.error).toMatch(/Stalker POST \/accounts\/ failed: HTTP 401, the REST API refused the credentials/);
    expect(step!.error).toContain("stalker:user / STALKER_USER and stalker:password / STALKER_PASSWORD");
    for (const text of [step!.error!, other.stderr, other.stdout, bad.stateJson()]) expect(text).not.toContain(wrong);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour"]);
  });

  it("takes its configuration from STALKER_* environment variables when the stack sets none", async () => {
    const other = await startHost({ STALKER_URL: sandbox.stalker.url, STALKER_USER: sandbox.stalker.user, STALKER_PASSWORD: PASSWORD });
    const envOnly = new MiniEngine(other, { config: {} });
    expect(await envOnly.up(await program())).toMatchObject([{ op: "create", id: "alice" }]);
    expect((await envOnly.destroy()).map((s) => s.op)).toEqual(["delete"]);
  });

  it("never leaves the API password or a subscriber password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(ALICE_INPUTS.password);
    }
  });
});

describe("StalkerAccount adoption and coalesced refresh through the provider host", () => {
  const neighbourBefore = () => structuredClone(emulator().account("neighbour"));
  const fresh = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });

  it("imports by login alone: preview lists every difference, a match is imported with no writes, a missing login is named", async () => {
    emulator().reset();
    emulator().addAccount(NEIGHBOUR);
    emulator().addAccount({ login: "alice", full_name: "Alice Example", account_number: "100", tariff_plan: "STANDART", stb_mac: MAC });
    const before = neighbourBefore();
    const base = await program();
    const stack = fresh();
    const [differs] = await stack.preview(withInputs(base, { __import: "alice" }));
    expect(differs!.op).toBe("check-failed");
    expect(differs!.failures).toEqual([{ property: "tariffPlan", reason: expect.stringMatching(/^differs from the account alice being imported — tariffPlan: declared "FULL", Stalker has "STANDART"/) }]);
    const [missing] = await stack.preview(withInputs(base, { __import: "nobody" }));
    expect(missing!.failures).toEqual([{ property: "__import", reason: 'Stalker has no account with id "nobody" (it does not exist, or is another kind of object): check the id' }]);
    clearVendorLog();
    const matching = withInputs(base, { __import: "alice", tariffPlan: "STANDART" });
    expect(await stack.up(matching)).toMatchObject([{ op: "create", id: "alice" }]);
    expect(emulator().log.entries().filter((e) => e.method !== "GET")).toEqual([]);
    expect(Object.values(stack.state())[0]!.outputs).toMatchObject({ login: "alice", tariffPlan: "STANDART", password: ALICE_INPUTS.password });
    // Once imported, the option is ignored; the state is an ordinary account now.
    expect((await stack.preview(withInputs(base, { tariffPlan: "STANDART" }))).map((x) => x.op)).toEqual(["same"]);
    expect(emulator().account("neighbour")).toEqual(before);
  });

  it("adoptExisting: absent → created; present → adopted with what differs applied by MAC; the neighbour on the same number untouched", async () => {
    emulator().reset();
    emulator().addAccount(NEIGHBOUR);
    const before = neighbourBefore();
    const adopting = withInputs(await program(), { __adopt: true });
    const first = fresh();
    expect(await first.up(adopting)).toMatchObject([{ op: "create", id: "alice" }]);
    expect(emulator().log.entries("accounts.post")).toHaveLength(1);
    // A pipeline that lost its state runs again: the account is adopted, not duplicated.
    emulator().editAccount("alice", { tariff_plan: "BASIC" });
    clearVendorLog();
    const second = fresh();
    expect(await second.up(adopting)).toMatchObject([{ op: "create", id: "alice" }]);
    expect(emulator().log.entries().filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path} ${JSON.stringify(e.params)}`)).toEqual([
      `PUT /stalker_portal/api/accounts/${MAC} {"tariff_plan":"FULL"}`,
    ]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour", "alice"]);
    expect(emulator().account("neighbour")).toEqual(before);
    // Without adoptExisting a taken login that is not exactly this program's account is refused, saying
    // how to adopt it. (A login is unique in Stalker: two accounts never match, so adoption is never ambiguous.)
    const [refused] = await fresh().up(withInputs(await program(), { tariffPlan: "STANDART" }));
    expect(refused!.error).toMatch(/Stalker already has an account with login "alice" \(MAC 00:1A:79:00:39:5E, account number 100\), not made by this create .*adoptExisting: true/);
    expect(emulator().account("neighbour")).toEqual(before);
  });

  it("reads 300 accounts arriving together at --parallel 64 through the host with one GET /accounts/<macs> per 64", async () => {
    emulator().reset();
    emulator().seed({ accounts: 300, withoutMacEvery: 0 });
    const provider = (await fixture.program()).find((r) => r.type === TYPE)!.inputs.__provider;
    await fresh().preview([]); // configures the host (when this test runs alone)
    const accounts = emulator().listAccounts();
    clearVendorLog();
    let next = 0;
    const logins: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < accounts.length) {
          const a = accounts[next++]!;
          const props = { login: a.login, stbMac: a.stb_mac, accountNumber: a.account_number, __provider: provider };
          const read = await host.read(engine.urnOf(TYPE, a.login), a.login, props, {});
          logins.push(String(read.properties.login));
        }
      }),
    );
    expect(logins.sort()).toEqual(accounts.map((a) => a.login).sort());
    expect(vendorCalls().every((r) => r === "accounts.get")).toBe(true);
    expect(vendorCalls().length).toBeLessThanOrEqual(2 * Math.ceil(300 / 64));
  });
});
