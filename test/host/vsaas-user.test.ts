import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { exampleRegistrations } from "../fixtures/vsaas-example";
import { afterListsExpire, USER_CREATE_CALLS, USER_CREATE_CALLS_FIRST, USER_DELETE_CALLS, USER_READ_CALLS } from "../fixtures/vsaas-watcher";

/**
 * VsaasUser through the packed package and Pulumi's real dynamic-provider host, with the engine's
 * RPC sequences, against the VSAAS.IO emulator. The registration is the example's, run under mocks.
 */
const PASSWORD = "test-only-host-vsaas-user-billing-pw";
const USER_PASSWORD = "test-only-host-subscriber-pw";
const TYPE = "pulumi-nodejs:dynamic/vsaas:User";
const LOGIN = "ivanov.viewer@example.org";
const SECRET_KEYS = ["vsaas:password", "vsaas:watcherApiKey"];
const fixture = useHostFixture({ vendor: "vsaas", sandbox: { vsaas: { password: PASSWORD } }, secretKeys: SECRET_KEYS });
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let user: ResourceDescriptor[];
let registration: Registration;
let neighbour: number;
const ops = (steps: Array<{ op: string }>) => steps.map((s) => s.op);
const only = () => Object.values(engine.state())[0]!;
const users = (login = LOGIN) => emulator().watcher.users().filter((u) => u.login === login);

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  const registrations = await exampleRegistrations(fixture.programDir, config, emulator(), USER_PASSWORD);
  registration = registrations.user;
  user = [registration];
  emulator().reset();
  neighbour = emulator().watcher.addUser("neighbour@example.org", "neighbour-pw-1").id;
});

afterEach(() => emulator().faults.clear());

async function watcherApikeys(): Promise<string[]> {
  const answer = await fetch(`${sandbox.vsaas.url}/vsaas/api/v2/users`, { headers: { "x-vsaas-api-key": sandbox.vsaas.watcherApiKey } });
  return ((await answer.json()) as Array<{ apikey: string | null }>).flatMap((u) => (u.apikey ? [u.apikey] : []));
}

describe("VsaasUser through the provider host", () => {
  it("registers the password as a secret, and a small provider without credentials", () => {
    expect(registration).toMatchObject({ type: TYPE, secretInputKeys: ["password"], additionalSecretOutputs: ["password"] });
    for (const leak of [PASSWORD, USER_PASSWORD, sandbox.vsaas.watcherApiKey, sandbox.vsaas.url]) expect(registration.provider).not.toContain(leak);
    expect(registration.providerSize).toBeLessThan(4096);
  });

  it("previews with Check only and no Watcher call, unknowns accepted", async () => {
    clearVendorLog();
    expect(ops(await engine.preview(withInputs(user, { login: UNKNOWN, password: UNKNOWN })))).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("names bad inputs at preview", async () => {
    const [step] = await engine.preview(withInputs(user, { login: "", leaveDefaultOrganization: "no", pasword: "x" }));
    expect(step!.failures).toEqual([
      { property: "pasword", reason: "is not an input of this resource — did you mean password?" },
      { property: "login", reason: "must not be empty" },
      { property: "leaveDefaultOrganization", reason: 'must be true or false (got "no")' },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the login and takes it out of the default organization; the state has no apikey, the password only encrypted", async () => {
    clearVendorLog();
    const [step] = await engine.up(user);
    expect(step).toMatchObject({ op: "create", id: String(users()[0]!.id) });
    expect(vendorCalls()).toEqual(USER_CREATE_CALLS_FIRST);
    expect(users()[0]!.organizations).toEqual([]);
    expect(only().outputs).toMatchObject({ login: LOGIN, leaveDefaultOrganization: true, isAdmin: false, userId: users()[0]!.id });
    expect(only().secretOutputKeys).toEqual(["password"]);
    const keys = await watcherApikeys();
    expect(keys.length).toBeGreaterThan(2);
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) {
      expect(text).not.toContain(USER_PASSWORD);
      expect(text).not.toContain(sandbox.vsaas.watcherApiKey);
      for (const key of keys) expect(text).not.toContain(key);
    }
    expect(emulator().watcher.access({ login: LOGIN, password: USER_PASSWORD, organizationId: 752, folderId: 1155 })).toMatchObject({ canLogIn: true, member: false });
  });

  it("refreshes from the user list without change; the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(USER_READ_CALLS);
    clearVendorLog();
    expect(ops(await engine.preview(user))).toEqual(["same"]);
    expect(ops(await engine.up(user))).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates leaveDefaultOrganization in place, both ways", async () => {
    const id = only().id;
    clearVendorLog();
    expect(await engine.up(withInputs(user, { leaveDefaultOrganization: false }))).toMatchObject([{ op: "update", id }]);
    expect(vendorCalls()).toEqual(["watcher.organization_users.create"]);
    expect(users()[0]!.organizations).toEqual([752]);
    expect(ops(await engine.up(user))).toEqual(["update"]);
    expect(users()[0]!.organizations).toEqual([]);
  });

  it("shows drift made in the web interface on refresh: back in the default organization (update), a renamed login (replace)", async () => {
    const id = Number(only().id);
    emulator().watcher.addMember(752, id);
    await afterListsExpire();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    expect(only().inputs).toMatchObject({ leaveDefaultOrganization: false });
    expect(await engine.preview(user)).toMatchObject([{ op: "update" }]);
    expect(ops(await engine.up(user))).toEqual(["update"]);
    emulator().watcher.editUser(id, { login: "renamed@example.org" });
    await afterListsExpire();
    await engine.refresh();
    expect(only().inputs).toMatchObject({ login: "renamed@example.org" });
    expect(await engine.preview(user)).toMatchObject([{ op: "replace", diff: { replaces: ["login"], deleteBeforeReplace: true } }]);
    emulator().watcher.editUser(id, { login: LOGIN });
    await afterListsExpire();
    await engine.refresh();
    expect(ops(await engine.preview(user))).toEqual(["same"]);
  });

  it("replaces on a new password, deleting the old user first (the login is unique)", async () => {
    const old = only().id;
    clearVendorLog();
    const steps = await engine.up(withInputs(user, { password: "a-new-subscriber-pw" }));
    expect(steps).toMatchObject([
      { op: "delete", id: old, replacedId: old },
      { op: "replace", replaceOrder: "delete-before-create" },
    ]);
    expect(vendorCalls()).toEqual([...USER_DELETE_CALLS, ...USER_CREATE_CALLS]);
    expect(users()).toHaveLength(1);
    expect(String(users()[0]!.id)).not.toBe(old);
    expect(emulator().watcher.access({ login: LOGIN, password: "a-new-subscriber-pw", organizationId: 752, folderId: 1155 }).canLogIn).toBe(true);
    expect(engine.stateJson()).not.toContain("a-new-subscriber-pw");
    user = withInputs(user, { password: "a-new-subscriber-pw" });
  });

  it("destroys; a second delete and a refresh of the deleted user both succeed, the latter as gone", async () => {
    const { id, outputs } = only();
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id }]);
    expect(vendorCalls()).toEqual(USER_DELETE_CALLS);
    expect(users()).toEqual([]);
    const urn = engine.urnOf(TYPE, "ivanov-login");
    await expect(host.delete(urn, id, outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, id, outputs, {})).id).toBe("");
  });

  it("never duplicates after a lost answer: drop after → found; look-ups failing too → a pending placeholder the next up resolves", async () => {
    emulator().faults.set("watcher.users.create", { drop: "after", times: 1 });
    expect(ops(await engine.up(user))).toEqual(["create"]);
    expect(users()).toHaveLength(1);
    expect(only().id).toBe(String(users()[0]!.id));
    await engine.destroy();

    // The POST is applied but its answer lost, and the look-up after it fails as well.
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    emulator().faults.set("watcher.users.create", { drop: "after", latencyMs: 500, times: 1 });
    clearVendorLog();
    const up = fresh.up(user);
    // The look-up before the POST has answered; the POST waits 500 ms: break the look-ups after it.
    await expect.poll(() => vendorCalls(), { interval: 10 }).toEqual(["watcher.users.index"]);
    emulator().faults.set("watcher.users.index", { status: 500 });
    const [pending] = await up;
    expect(pending!.initFailed?.id).toMatch(/^pending:/);
    expect(pending!.error).toMatch(/looking the user up by login "ivanov.viewer@example.org" failed too.*the next `pulumi up` \(or `pulumi refresh`\) finds the object by login/);
    expect(Object.values(fresh.state())[0]!.id).toMatch(/^pending:/);
    emulator().faults.clear();
    const [resolved] = await fresh.up(user);
    expect(resolved).toMatchObject({ op: "replace", id: String(users()[0]!.id) });
    expect(users()).toHaveLength(1);
    expect(users()[0]!.organizations).toEqual([]);
    expect(ops(await fresh.up(user))).toEqual(["same"]);
    await fresh.destroy();
    expect(users()).toEqual([]);
  });

  it("keeps a user whose later step failed in the state (never leaks it); the next up finishes the step", async () => {
    emulator().faults.set("watcher.organization_users.destroy", { status: 500 });
    const [step] = await engine.up(user);
    expect(step!.initFailed?.id).toBe(String(users()[0]!.id));
    expect(only().initErrors.length).toBe(1);
    expect(users()[0]!.organizations).toEqual([752]);
    emulator().faults.clear();
    expect(ops(await engine.up(user))).toEqual(["update"]);
    expect(users()[0]!.organizations).toEqual([]);
    await engine.destroy();
  });

  it("imports by id: a match writes nothing; a difference is listed at preview; a missing id is a clear error", async () => {
    const existing = emulator().watcher.addUser(LOGIN, "set-in-the-web-interface");
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    const importing = withInputs(user, { __import: String(existing.id), leaveDefaultOrganization: false });
    clearVendorLog();
    expect(await fresh.up(importing)).toMatchObject([{ op: "create", id: String(existing.id) }]);
    expect(vendorCalls().filter((r) => !r!.endsWith(".index"))).toEqual([]);
    expect(emulator().watcher.user(existing.id)!.organizations).toEqual([752]);
    const mismatch = await new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS }).preview(withInputs(user, { __import: String(existing.id), login: "x@example.org" }));
    expect(mismatch[0]!.failures).toEqual([
      { property: "login", reason: expect.stringContaining('declared "x@example.org", VSAAS.IO has "ivanov.viewer@example.org"') },
      { property: "leaveDefaultOrganization", reason: expect.stringContaining("declared true, VSAAS.IO has false") },
    ]);
    const missing = await new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS }).preview(withInputs(user, { __import: "99999" }));
    expect(missing[0]!.failures).toEqual([{ property: "__import", reason: 'VSAAS.IO has no user with id "99999" (it does not exist, or is another kind of object): check the id' }]);
    await fresh.destroy();
  });

  it("adopts by login: absent → created, present → adopted with its default organization left; a taken login without it is refused", async () => {
    const adopting = withInputs(user, { __adopt: true });
    const a = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    expect(ops(await a.up(adopting))).toEqual(["create"]);
    const b = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    const [refused] = await b.up(user);
    expect(refused!.error).toMatch(/VSAAS.IO already has a user with login "ivanov.viewer@example.org" \(id \d+ "ivanov.viewer@example.org"\); refusing to create a duplicate.*adoptExisting/);
    emulator().watcher.addMember(752, users()[0]!.id);
    clearVendorLog();
    const [adopted] = await b.up(adopting);
    expect(adopted).toMatchObject({ op: "create", id: String(users()[0]!.id) });
    expect(vendorCalls()).not.toContain("watcher.users.create");
    expect(users()[0]!.organizations).toEqual([]);
    await a.destroy();
  });

  it("refreshes many users at once with one list call (64 concurrent reads)", async () => {
    const made = Array.from({ length: 64 }, (_, i) => emulator().watcher.addUser(`many-${i}@example.org`, "pw-pw-pw-pw"));
    await engine.preview([]); // configure
    await afterListsExpire();
    clearVendorLog();
    const urn = engine.urnOf(TYPE, "many");
    const provider = registration.inputs["__provider"];
    const reads = await Promise.all(made.map((u) => host.read(urn, String(u.id), { login: u.login, __provider: provider }, { login: u.login, __provider: provider })));
    expect(reads.map((r) => r.id)).toEqual(made.map((u) => String(u.id)));
    expect(vendorCalls()).toEqual(["watcher.users.index"]);
  });

  it("left the neighbour alone", () => {
    expect(emulator().watcher.user(neighbour)).toMatchObject({ login: "neighbour@example.org", organizations: [752], enabled: true });
  });

  it("fails clearly on a wrong Watcher API key, naming the keys, without echoing it", async () => {
    const wrong = "definitely-wrong-watcher-key-42";
    const bad = new MiniEngine(await startHost(), { config: { ...config, "vsaas:watcherApiKey": wrong }, secretConfigKeys: SECRET_KEYS });
    const [step] = await bad.up(user);
    expect(step!.error).toMatch(/VSAAS.IO Watcher GET \/users was refused: the API key was not accepted \(HTTP 401: invalid api key\)\. Check vsaas:watcherApiKey \/ VSAAS_WATCHER_API_KEY/);
    expect(step!.error).not.toContain(wrong);
    expect(bad.stateJson()).not.toContain(wrong);
  });
});
