import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { CREATE_CALLS, DELETE_CALLS, READ_CALLS, READ_GONE_CALLS, UPDATE_CALLS } from "../fixtures/vsaas-demo";
import { exampleRegistrations } from "../fixtures/vsaas-example";
import { afterListsExpire } from "../fixtures/vsaas-watcher";

/**
 * VsaasOrganization through the packed package and Pulumi's real dynamic-provider host, driven
 * with the engine's own RPC sequences, against the VSAAS.IO emulator (an independent server
 * written from the vendor document). The example program is run under mocks to obtain exactly
 * what a program registers.
 */
const PASSWORD = "test-only-host-vsaas-pw";
const TYPE = "pulumi-nodejs:dynamic/vsaas:Organization";
const SECRET_KEYS = ["vsaas:password", "vsaas:watcherApiKey"];
const fixture = useHostFixture({ vendor: "vsaas", sandbox: { vsaas: { password: PASSWORD } }, secretKeys: SECRET_KEYS });
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
/** The example's organization (its program also makes a login, which these tests leave out). */
let example: Registration;
beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  example = (await exampleRegistrations(fixture.programDir, config, emulator(), "unused-subscriber-pw")).org;
  emulator().reset();
});
afterEach(() => emulator().faults.clear());
/** The example's organization with these inputs (the example's knobs, without running it again). */
const program = async (inputs: Record<string, unknown> = {}, options: Partial<Registration> = {}): Promise<Registration[]> => [
  { ...example, ...options, inputs: { ...example.inputs, ...inputs } },
];
const ops = (steps: Array<{ op: string }>) => steps.map((s) => s.op);
const onlyState = () => Object.values(engine.state())[0]!;

describe("VsaasOrganization through the provider host", () => {
  let registrations: Registration[];

  it("serializes a small provider with no credentials, endpoints or implementation code", async () => {
    registrations = await program();
    expect(registrations.map((r) => r.type)).toEqual([TYPE]);
    expect(example.inputs).toMatchObject({ title: "Ivanov family", owner: "ivanov@example.org", tariffPlanIds: [549] });
    const text = registrations[0]!.provider!;
    expect(registrations[0]!.providerSize).toBeLessThan(4096);
    for (const leak of [PASSWORD, sandbox.vsaas.user, sandbox.vsaas.url, "127.0.0.1", "api/v1", "X-PASSWORD", "undici", "zod"]) {
      expect(text).not.toContain(leak);
    }
    expect(text).toContain('require("pulumi-telecom/provider")');
  });

  it("previews a new organization with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine.preview(withInputs(registrations, { owner: UNKNOWN, tariffPlanIds: [549, UNKNOWN] }));
    expect(ops(steps)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates with a JSON body and the three headers; the id is the billing id, the Watcher id is an output", async () => {
    clearVendorLog();
    expect(await engine.up(registrations)).toMatchObject([{ op: "create", id: "797" }]);
    expect(vendorCalls()).toEqual(CREATE_CALLS);
    const [, post] = emulator().log.entries();
    expect(post).toMatchObject({ method: "POST", path: "/api/v1/organizations", status: 201 });
    expect(post!.params).toEqual({ organization: { title: "Ivanov family", owner: "ivanov@example.org", tariff_plans: [549] } });
    const headers = emulator().billingHeaders().find((h) => h.route === "organizations.create")!;
    expect(headers).toEqual({
      route: "organizations.create",
      contentType: "application/json",
      xUser: sandbox.vsaas.user,
      xDomainId: "247",
      xPasswordSent: true,
      xPasswordMatched: true,
    });
    expect(onlyState().outputs).toMatchObject({
      title: "Ivanov family",
      owner: "ivanov@example.org",
      tariffPlanIds: [549],
      externalId: 774,
      domain: { id: 247, title: "sandbox" },
      defaultTariffPlanIds: [548],
      tariffPlans: [expect.objectContaining({ id: 548, name: "Default" }), expect.objectContaining({ id: 549, externalId: 392 })],
    });
    // The Watcher (API v2, its own key) shows the organization under that external_id.
    const watcher = await fetch(`${sandbox.vsaas.watcherUrl}/organizations`, { headers: { "x-vsaas-api-key": sandbox.vsaas.watcherApiKey } });
    expect((await watcher.json()) as unknown[]).toContainEqual(expect.objectContaining({ id: 774, title: "Ivanov family" }));
  });

  it("refreshes without change, and with the default tariff present the next plan is a no-op that calls nothing", async () => {
    expect(emulator().organizations.planIds(797)).toEqual([548, 549]);
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(READ_CALLS);
    clearVendorLog();
    expect(ops(await engine.preview(registrations))).toEqual(["same"]);
    expect(ops(await engine.up(registrations))).toEqual(["same"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["check", "diff"]);
    // Declaring the default plan as well is no change either.
    expect(ops(await engine.preview(await program({ tariffPlanIds: [548, 549] })))).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates the tariffs in place with one PUT of the declared list, keeping the default", async () => {
    registrations = await program({ tariffPlanIds: [549, 550] });
    clearVendorLog();
    const preview = await engine.preview(registrations);
    expect(preview).toMatchObject([{ op: "update", diff: { changes: "some", replaces: [] } }]);
    expect(vendorCalls()).toEqual([]);
    expect(await engine.up(registrations)).toMatchObject([{ op: "update", id: "797" }]);
    expect(vendorCalls()).toEqual(UPDATE_CALLS);
    expect(emulator().log.entries()[0]).toMatchObject({ method: "PUT", path: "/api/v1/organizations/797", params: { organization: { tariff_plans: [549, 550] } } });
    expect(emulator().organizations.planIds(797)).toEqual([548, 549, 550]);
    expect(onlyState().outputs).toMatchObject({ tariffPlanIds: [549, 550], defaultTariffPlanIds: [548] });
    expect(ops(await engine.preview(registrations))).toEqual(["same"]);
  });

  it("shows a plan removed outside Pulumi as drift on refresh; the next up restores it", async () => {
    emulator().organizations.removeTariffPlan(797, 550);
    await afterListsExpire();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    expect(onlyState().inputs.tariffPlanIds).toEqual([549]);
    expect(ops(await engine.preview(registrations))).toEqual(["update"]);
    clearVendorLog();
    expect(ops(await engine.up(registrations))).toEqual(["update"]);
    expect(vendorCalls()).toEqual(UPDATE_CALLS);
    expect(emulator().organizations.planIds(797)).toEqual([548, 549, 550]);
  });

  it("fails check for a missing title, an owner that is not an e-mail address and non-integer plan ids, without calling VSAAS", async () => {
    clearVendorLog();
    const { title: _t, ...noTitle } = registrations[0]!.inputs;
    const bad = [{ ...registrations[0]!, inputs: { ...noTitle, owner: "ivanov at example.org", tariffPlanIds: [549, 1.5, "550"] } }];
    const [step] = await engine.preview(bad);
    expect(step!.op).toBe("check-failed");
    expect(step!.failures).toEqual([
      { property: "title", reason: "is required" },
      { property: "owner", reason: "must be an e-mail address such as owner@example.org" },
      { property: "tariffPlanIds[1]", reason: "must be a whole number (a tariff plan id) (got 1.5)" },
      { property: "tariffPlanIds[2]", reason: 'must be a number (a tariff plan id) (got "550")' },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("refuses to replace a protected organization; a new title replaces it (create new, delete old)", async () => {
    const renamed = await program({ tariffPlanIds: [549, 550], title: "Ivanov household" });
    clearVendorLog();
    expect(await engine.preview(renamed)).toMatchObject([{ op: "replace", diff: { replaces: ["title"] } }]);
    expect(vendorCalls()).toEqual([]);
    // protect: true on both the state and the program → the engine refuses before any vendor call.
    const protectedProgram = await program({ tariffPlanIds: [549, 550] }, { protect: true });
    await engine.up(protectedProgram);
    const [refused] = await engine.up(renamed.map((r) => ({ ...r, protect: true })));
    expect(refused).toMatchObject({ op: "replace", error: expect.stringMatching(/unable to replace resource "[^"]+"\nas it is currently marked for protection/) });
    expect(vendorCalls()).toEqual([]);
    await engine.up(registrations.map((r) => ({ ...r, protect: false })));
    clearVendorLog();
    const steps = await engine.up(renamed);
    expect(steps).toMatchObject([
      { op: "replace", id: "798", replaceOrder: "create-before-delete" },
      { op: "delete", id: "797", replacedId: "797" },
    ]);
    expect(vendorCalls()).toEqual([...CREATE_CALLS, ...DELETE_CALLS]);
    expect(emulator().organizations.list().map((o) => [o.id, o.title, o.external_id])).toEqual([[798, "Ivanov household", 775]]);
    expect(onlyState().outputs).toMatchObject({ externalId: 775, tariffPlanIds: [549, 550] });
    registrations = renamed;
  });

  it("deletes; deleting again and refreshing a deleted organization both succeed, the latter as gone", async () => {
    const outputs = { ...onlyState().outputs };
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: "798" }]);
    expect(vendorCalls()).toEqual(DELETE_CALLS);
    expect(emulator().organizations.list()).toEqual([]);
    const urn = engine.urnOf(TYPE, "ivanov");
    clearVendorLog();
    await expect(host.delete(urn, "798", outputs)).resolves.toBeUndefined();
    expect(vendorCalls()).toEqual(DELETE_CALLS);
    clearVendorLog();
    expect((await host.read(urn, "798", outputs, {})).id).toBe("");
    expect(vendorCalls()).toEqual(READ_GONE_CALLS);
  });

  it("reports a refresh of an organization deleted outside Pulumi as gone and drops it from the state", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
    const [created] = await fresh.up(registrations);
    emulator().organizations.delete(Number(created!.id));
    await afterListsExpire();
    expect(await fresh.refresh()).toMatchObject([{ op: "gone" }]);
    expect(fresh.state()).toEqual({});
  });

  it("fails clearly on wrong credentials, naming the config keys, without echoing the password anywhere", async () => {
    const wrong = "definitely-wrong-vsaas-password-42";
    const other = await startHost();
    const bad = new MiniEngine(other, { config: { ...config, "vsaas:password": wrong }, secretConfigKeys: SECRET_KEYS });
    const [step] = await bad.up(registrations);
    expect(step!.op).toBe("create");
    expect(step!.error).toMatch(/did not accept the credentials \(HTTP 401/);
    expect(step!.error).toContain("vsaas:password / VSAAS_PASSWORD");
    for (const text of [step!.error!, other.stderr, other.stdout, bad.stateJson()]) expect(text).not.toContain(wrong);
    // The host configures a provider once, so another configuration needs another host.
    const wrongDomain = new MiniEngine(await startHost(), { config: { ...config, "vsaas:domainId": "1" }, secretConfigKeys: SECRET_KEYS });
    const [refused] = await wrongDomain.up(registrations);
    expect(refused!.error).toMatch(/HTTP 403[\s\S]*vsaas:domainId \/ VSAAS_DOMAIN_ID/);
  });

  it("fails clearly when the configuration is missing, naming the keys and both ways to set them", async () => {
    const other = await startHost();
    const [step] = await new MiniEngine(other, { config: { "vsaas:url": sandbox.vsaas.url } }).up(registrations);
    expect(step!.error).toMatch(/vsaas:user is not set\. Set it with `pulumi config set vsaas:user <value>` or the VSAAS_USER environment variable/);
    expect(step!.error).toMatch(/vsaas:password is not set\. Set it with `pulumi config set --secret vsaas:password <value>`/);
    expect(step!.error).toMatch(/vsaas:domainId is not set/);
  });

  it("takes its configuration from VSAAS_* environment variables when the stack sets none", async () => {
    const other = await startHost(sandbox.env);
    const envOnly = new MiniEngine(other, { config: {} });
    emulator().reset();
    expect(await envOnly.up(registrations)).toMatchObject([{ op: "create", id: "797" }]);
    expect(ops(await envOnly.destroy())).toEqual(["delete"]);
  });

  it("never leaves the password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) expect(text).not.toContain(PASSWORD);
  });
});

describe("VsaasOrganization: adoption, pending creates, coalesced reads (through the host)", () => {
  const newEngine = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });
  const orgs = () => emulator().organizations.list();

  it("a create whose answer is lost and whose look-ups fail too ends pending; the next up adopts that organization — never a second one", async () => {
    emulator().reset();
    const e = newEngine();
    emulator().faults.set("organizations.create", { drop: "after", latencyMs: 500, times: 1 });
    clearVendorLog();
    const up = e.up(await program());
    await expect.poll(() => vendorCalls(), { interval: 10 }).toEqual(["organizations.index"]);
    emulator().faults.set("organizations.index", { status: 500 });
    const [pending] = await up;
    expect(pending!.initFailed?.id).toMatch(/^pending:/);
    expect(pending!.error).toMatch(/may or may not have been created, so it was not sent again\. Looking it up failed too/);
    expect(pending!.error).toMatch(/the next `pulumi up` \(or `pulumi refresh`\) finds the object by title \+ owner/);
    expect(orgs()).toHaveLength(1);
    // The look-ups still fail: the next up fails too, and still sends no POST.
    clearVendorLog();
    expect((await e.up(await program()))[0]!.error).toMatch(/HTTP 500/);
    expect(vendorCalls()).not.toContain("organizations.create");
    emulator().faults.clear();
    clearVendorLog();
    expect(await e.up(await program())).toMatchObject([{ op: "replace", id: "797" }, { op: "delete", replacedId: pending!.initFailed!.id }]);
    expect(vendorCalls()).not.toContain("organizations.create");
    expect(orgs().map((o) => o.id)).toEqual([797]);
    expect(ops(await e.up(await program()))).toEqual(["same"]);
    await e.destroy();
  });

  it("a 504 (the billing may still be creating it) ends pending; a refresh resolves it by title + owner", async () => {
    emulator().reset();
    const e = newEngine();
    emulator().faults.set("organizations.create", { status: 504, times: 1 });
    const [pending] = await e.up(await program());
    expect(pending!.initFailed?.id).toMatch(/^pending:/);
    // (The fault answered without creating: nothing is there. A 504's request may still land, so
    // the refresh reads again until the placeholder's settleBy — 30 s for a 504, whose gateway
    // timeout is unknown — and only then drops it...)
    const refreshed = Date.now();
    expect(await e.refresh()).toMatchObject([{ op: "gone" }]);
    expect(Date.now() - refreshed).toBeGreaterThan(20_000);
    // ...and the next up creates it, once.
    expect(ops(await e.up(await program()))).toEqual(["create"]);
    expect(orgs()).toHaveLength(1);
    // A placeholder whose organization was made is replaced by it on refresh.
    emulator().faults.set("organizations.create", { drop: "after", latencyMs: 500, times: 1 });
    const other = newEngine();
    clearVendorLog();
    const up = other.up(await program({ title: "Second" }));
    await expect.poll(() => vendorCalls(), { interval: 10 }).toEqual(["organizations.index"]);
    emulator().faults.set("organizations.index", { status: 500 });
    const [second] = await up;
    expect(second!.initFailed?.id).toMatch(/^pending:/);
    emulator().faults.clear();
    expect(await other.refresh()).toMatchObject([{ op: "refresh", id: "798" }]);
    expect(orgs().map((o) => o.title)).toEqual(["Ivanov family", "Second"]);
    await other.destroy();
    await e.destroy();
  }, 90_000);

  it("imports by id: a match writes nothing; a difference is listed at preview; a missing id is a clear error", async () => {
    emulator().reset();
    const existing = emulator().organizations.add({ title: "Ivanov family", owner: "ivanov@example.org", tariff_plans: [549] });
    const id = String(existing["id"]);
    await afterListsExpire();
    clearVendorLog();
    const e = newEngine();
    // The API has no default flag, so an import by id cannot tell the default plan: list it.
    expect(await e.up(await program({ tariffPlanIds: [548, 549], __import: id }))).toMatchObject([{ op: "create", id }]);
    expect(vendorCalls()).toEqual(["organizations.index"]);
    const [differs] = await newEngine().preview(await program({ title: "Petrov family", tariffPlanIds: [550], __import: id }));
    expect(differs!.failures).toEqual([
      { property: "title", reason: expect.stringContaining('declared "Petrov family", VSAAS.IO has "Ivanov family"') },
      { property: "tariffPlanIds", reason: expect.stringContaining("declared [550], VSAAS.IO has [548,549]") },
    ]);
    const [missing] = await newEngine().preview(await program({ __import: "4242" }));
    expect(missing!.failures).toEqual([{ property: "__import", reason: expect.stringContaining('VSAAS.IO has no organization with id "4242"') }]);
    const [notAnId] = await newEngine().preview(await program({ __import: "org-797" }));
    expect(notAnId!.failures).toEqual([{ property: "__import", reason: expect.stringContaining("the billing organization id, digits") }]);
  });

  it("adopts by title + owner: present → adopted (plans applied in place), absent → created, two namesakes → an error naming both; neighbours untouched", async () => {
    emulator().reset();
    const neighbour = emulator().organizations.add({ title: "Ivanov family", owner: "someone-else@example.org", tariff_plans: [550] });
    const mine = emulator().organizations.add({ title: "Ivanov family", owner: "IVANOV@example.org" });
    await afterListsExpire();
    const e = newEngine();
    clearVendorLog();
    expect(await e.up(await program({ __adopt: true }))).toMatchObject([{ op: "create", id: String(mine["id"]) }]);
    expect(vendorCalls()).toEqual(["organizations.index", "organizations.update"]);
    expect(emulator().organizations.planIds(mine["id"] as number)).toEqual([548, 549]);
    expect(emulator().organizations.planIds(neighbour["id"] as number)).toEqual([548, 550]);
    const created = newEngine();
    expect(ops(await created.up(await program({ title: "New family", __adopt: true })))).toEqual(["create"]);
    emulator().organizations.add({ title: "Ivanov family", owner: "ivanov@example.org" });
    const [ambiguous] = await newEngine().up(await program({ __adopt: true }));
    expect(ambiguous!.error).toMatch(new RegExp(`VSAAS.IO has 2 organizations with title "Ivanov family", owner "ivanov@example.org" \\(id ${String(mine["id"])} "Ivanov family", \\d+ "Ivanov family"\\), so adoptExisting cannot tell which is meant; nothing was changed`));
    expect(orgs()).toHaveLength(4);
    await created.destroy();
    expect(orgs().map((o) => o.id)).toContain(neighbour["id"]);
  });

  it("refreshes 50 organizations at once with one billing list", async () => {
    emulator().reset();
    const made = Array.from({ length: 50 }, (_, i) => emulator().organizations.add({ title: `Org ${i}`, owner: `o${i}@example.org` }));
    await afterListsExpire();
    await engine.preview([]);
    clearVendorLog();
    const provider = example.inputs["__provider"];
    const urn = engine.urnOf(TYPE, "many");
    const reads = await Promise.all(made.map((o) => host.read(urn, String(o["id"]), { __provider: provider }, { __provider: provider })));
    expect(reads.map((r) => r.id)).toEqual(made.map((o) => String(o["id"])));
    expect(vendorCalls()).toEqual(["organizations.index"]);
  });
});
