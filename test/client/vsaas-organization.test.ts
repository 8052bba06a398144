import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { vsaasOrganization } from "../../provider/vsaas/organization";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { CREATE_CALLS, DEMO_INPUTS, READ_CALLS, READ_GONE_CALLS, UPDATE_CALLS } from "../fixtures/vsaas-demo";

/** The resource's own methods (what the host calls), against the emulator, without the host. */
const PASSWORD = "test-only-vsaas-org-pw";
let sandbox: RunningSandbox;
const emulator = () => sandbox.vsaas.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();
const same = { changes: false, replaces: [], deleteBeforeReplace: false };

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  const config: Record<string, string> = {
    "vsaas:url": sandbox.vsaas.url,
    "vsaas:user": sandbox.vsaas.user,
    "vsaas:password": PASSWORD,
    "vsaas:domainId": String(sandbox.vsaas.domainId),
    "vsaas:maxRetries": "1",
  };
  setStackConfig({ get: (k) => config[k] });
});
afterAll(() => sandbox.stop());
beforeEach(() => emulator().reset());

async function create(inputs: Record<string, unknown> = DEMO_INPUTS) {
  const { inputs: checked, failures } = await vsaasOrganization.check({}, inputs);
  expect(failures).toEqual([]);
  return vsaasOrganization.create(checked);
}

describe("vsaasOrganization: create, read, delete", () => {
  it("creates the organization; the outputs carry the Watcher id and the default plan the billing added", async () => {
    const { id, outs } = await create();
    expect(id).toBe("797");
    expect(outs).toEqual({
      title: "Ivanov family",
      owner: "ivanov@example.org",
      tariffPlanIds: [549],
      organizationId: 797,
      externalId: 774,
      domain: { id: 247, title: "sandbox" },
      ownerId: expect.any(Number),
      discount: "0%",
      trialExpiredAt: "",
      tariffPlans: [
        { id: 548, name: "Default", dateFrom: "27/04/2024", fullPrice: "0.0 USD", status: "Active", externalId: 391 },
        { id: 549, name: "Test plan", dateFrom: "27/04/2024", fullPrice: "100.0 USD", status: "Active", externalId: 392 },
      ],
      defaultTariffPlanIds: [548],
      [DECLARED_KEY]: ["title", "owner", "tariffPlanIds"],
    });
    expect(routes()).toEqual(CREATE_CALLS);
    const [, post] = emulator().log.entries();
    expect(post!.params).toEqual({ organization: { title: "Ivanov family", owner: "ivanov@example.org", tariff_plans: [549] } });
  });

  it("sends no tariff_plans when none are declared", async () => {
    const { outs } = await create({ title: "Bare", owner: "bare@example.org" });
    expect(emulator().log.entries()[1]!.params).toEqual({ organization: { title: "Bare", owner: "bare@example.org" } });
    expect(outs).toMatchObject({ tariffPlanIds: [], defaultTariffPlanIds: [548] });
    expect(outs[DECLARED_KEY]).toEqual(["title", "owner"]);
  });

  it("refreshes with one call; an organization deleted outside is gone; deleting twice succeeds", async () => {
    const { id, outs } = await create();
    clearLog();
    const read = await vsaasOrganization.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual(DEMO_INPUTS);
    expect(routes()).toEqual(READ_CALLS);
    await vsaasOrganization.delete(id, outs);
    expect(emulator().organizations.list()).toEqual([]);
    await expect(vsaasOrganization.delete(id, outs)).resolves.toBeUndefined();
    clearLog();
    expect(await vsaasOrganization.read(id, outs)).toEqual({});
    expect(routes()).toEqual(READ_GONE_CALLS);
  });
});

describe("vsaasOrganization: the default tariff never causes a diff", () => {
  it("no change when the program leaves the default out (the billing keeps it)", async () => {
    const { id, outs } = await create();
    const read = await vsaasOrganization.read(id, outs);
    expect(await vsaasOrganization.diff(id, read.props!, DEMO_INPUTS)).toEqual(same);
    clearLog();
    await vsaasOrganization.update(id, read.props!, DEMO_INPUTS);
    expect(routes()).toEqual([]);
  });

  it("no change when the program declares the default too, before and after an update", async () => {
    const withDefault = { ...DEMO_INPUTS, tariffPlanIds: [548, 549] };
    const { id, outs } = await create(withDefault);
    // The default was asked for, so the create cannot tell it apart; the list matches the program.
    expect(outs).toMatchObject({ tariffPlanIds: [548, 549], defaultTariffPlanIds: [] });
    const read = await vsaasOrganization.read(id, outs);
    expect(read.inputs).toEqual(withDefault);
    expect(await vsaasOrganization.diff(id, read.props!, withDefault)).toEqual(same);
    // Dropping the default from the program is a (harmless) update that teaches us the default...
    expect((await vsaasOrganization.diff(id, read.props!, DEMO_INPUTS)).changes).toBe(true);
    const { outs: after } = await vsaasOrganization.update(id, read.props!, DEMO_INPUTS);
    expect(after).toMatchObject({ tariffPlanIds: [549], defaultTariffPlanIds: [548] });
    expect(emulator().organizations.planIds(797)).toEqual([548, 549]);
    // ...after which listing it again or not is never a change.
    expect(await vsaasOrganization.diff(id, after, withDefault)).toEqual(same);
    expect(await vsaasOrganization.diff(id, after, DEMO_INPUTS)).toEqual(same);
  });

  it("updates tariffs in place with one PUT of the whole declared list, never stripping the default", async () => {
    const { id, outs } = await create();
    const news = { ...DEMO_INPUTS, tariffPlanIds: [549, 550] };
    expect(await vsaasOrganization.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    clearLog();
    const { outs: after } = await vsaasOrganization.update(id, outs, news);
    expect(routes()).toEqual(UPDATE_CALLS);
    expect(emulator().log.entries()[0]!.params).toEqual({ organization: { tariff_plans: [549, 550] } });
    expect(after).toMatchObject({ tariffPlanIds: [549, 550], defaultTariffPlanIds: [548] });
    expect(emulator().organizations.planIds(797)).toEqual([548, 549, 550]);
    // Removing a plan: PUT without it; an empty list leaves only the default.
    const { outs: fewer } = await vsaasOrganization.update(id, after, { ...DEMO_INPUTS, tariffPlanIds: [550] });
    expect(emulator().organizations.planIds(797)).toEqual([548, 550]);
    const { outs: none } = await vsaasOrganization.update(id, fewer, { ...DEMO_INPUTS, tariffPlanIds: [] });
    expect(emulator().organizations.planIds(797)).toEqual([548]);
    expect(none).toMatchObject({ tariffPlanIds: [], defaultTariffPlanIds: [548] });
    expect(await vsaasOrganization.diff(id, none, { ...DEMO_INPUTS, tariffPlanIds: [] })).toEqual(same);
  });

  it("a declared plan removed outside Pulumi is drift: refresh shows it, the next update puts it back", async () => {
    const { id, outs } = await create({ ...DEMO_INPUTS, tariffPlanIds: [549, 550] });
    emulator().organizations.removeTariffPlan(797, 550);
    const read = await vsaasOrganization.read(id, outs);
    expect(read.inputs!.tariffPlanIds).toEqual([549]);
    const news = { ...DEMO_INPUTS, tariffPlanIds: [549, 550] };
    expect((await vsaasOrganization.diff(id, read.props!, news)).changes).toBe(true);
    await vsaasOrganization.update(id, read.props!, news);
    expect(emulator().organizations.planIds(797)).toEqual([548, 549, 550]);
  });

  it("settles after the domain default changes: one update, then no diff", async () => {
    const { id, outs } = await create();
    emulator().organizations.setDefaultTariffPlan(550);
    const read = await vsaasOrganization.read(id, outs);
    const diff = await vsaasOrganization.diff(id, read.props!, DEMO_INPUTS);
    expect(diff.changes).toBe(true); // a plan the program does not list appeared
    const { outs: after } = await vsaasOrganization.update(id, read.props!, DEMO_INPUTS);
    expect(after).toMatchObject({ tariffPlanIds: [549], defaultTariffPlanIds: [550] });
    const again = await vsaasOrganization.read(id, after);
    expect(await vsaasOrganization.diff(id, again.props!, DEMO_INPUTS)).toEqual(same);
  });

  it("title and owner replace; the owner compares case-insensitively", async () => {
    const { id, outs } = await create({ ...DEMO_INPUTS, owner: "Ivanov@Example.org" });
    expect(outs.owner).toBe("ivanov@example.org");
    expect(await vsaasOrganization.diff(id, outs, { ...DEMO_INPUTS, owner: "Ivanov@Example.org" })).toEqual(same);
    expect(await vsaasOrganization.diff(id, outs, { ...DEMO_INPUTS, title: "Ivanov household" })).toEqual({ changes: true, replaces: ["title"], deleteBeforeReplace: false });
    expect(await vsaasOrganization.diff(id, outs, { ...DEMO_INPUTS, owner: "petrov@example.org" })).toMatchObject({ replaces: ["owner"] });
  });
});

describe("vsaasOrganization: check", () => {
  it("names each bad field without calling the billing", async () => {
    const { failures } = await vsaasOrganization.check({}, { owner: "not-an-email", tariffPlanIds: [549, 1.5, "550", 0] });
    expect(failures).toEqual([
      { property: "title", reason: "is required" },
      { property: "owner", reason: "must be an e-mail address such as owner@example.org" },
      { property: "tariffPlanIds[1]", reason: "must be a whole number (a tariff plan id) (got 1.5)" },
      { property: "tariffPlanIds[2]", reason: "must be a number (a tariff plan id) (got \"550\")" },
      { property: "tariffPlanIds[3]", reason: "must be a tariff plan id (1 or more)" },
    ]);
    expect((await vsaasOrganization.check({}, { title: "  ", owner: "a@example.org" })).failures).toEqual([{ property: "title", reason: "must not be empty" }]);
    expect(routes()).toEqual([]);
  });

  it("passes the vendor's 422 field messages through at apply time, naming the program's input to fix", async () => {
    await expect(create({ ...DEMO_INPUTS, tariffPlanIds: [9999] })).rejects.toThrow(
      "VSAAS.IO refused POST /organizations (HTTP 422): tariff_plans contain unknown tariff plans: 9999. " +
        "Fix tariffPlanIds in the program (plan ids: GET /api/v1/tariff_plans)",
    );
    const { id, outs } = await create();
    await expect(vsaasOrganization.update(id, outs, { ...DEMO_INPUTS, tariffPlanIds: [549, 9998] })).rejects.toThrow(
      /HTTP 422\): tariff_plans contain unknown tariff plans: 9998\. Fix tariffPlanIds in the program/,
    );
  });
});

describe("vsaasOrganization: a create whose answer is lost never makes a duplicate", () => {
  it("finds the organization the lost POST created (drop after), without sending it again", async () => {
    emulator().faults.set("organizations.create", { drop: "after", times: 1 });
    const { id, outs } = await create();
    expect(id).toBe("797");
    expect(outs).toMatchObject({ externalId: 774, defaultTariffPlanIds: [548] });
    expect(routes()).toEqual(["organizations.index", "organizations.create", "organizations.index"]);
    expect(emulator().organizations.list()).toHaveLength(1);
  });

  it("sends again when the lookup shows the lost POST did not take effect (drop before)", async () => {
    emulator().faults.set("organizations.create", { drop: "before", times: 1 });
    const { id } = await create();
    expect(id).toBe("797");
    expect(routes()).toEqual(["organizations.index", "organizations.create", "organizations.index", "organizations.create"]);
    expect(emulator().organizations.list()).toHaveLength(1);
  });

  it("does the same for a 500 and for an unreadable 201", async () => {
    emulator().faults.set("organizations.create", { status: 500, times: 1 });
    expect((await create()).id).toBe("797");
    emulator().faults.set("organizations.create", { malformed: true, times: 1 });
    expect((await create({ ...DEMO_INPUTS, title: "Second" })).id).toBe("798");
    expect(emulator().organizations.list()).toHaveLength(2);
  });

  it("never takes an older organization with the same title and owner for the lost one", async () => {
    emulator().organizations.add({ title: DEMO_INPUTS.title, owner: DEMO_INPUTS.owner });
    emulator().faults.set("organizations.create", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe("798");
    expect(emulator().organizations.list()).toHaveLength(2);
  });

  it("when the lost POST's look-ups fail too, ends pending (never a plain failure that the next up would repeat)", async () => {
    emulator().faults.set("organizations.create", { drop: "after", times: 1 });
    emulator().faults.set("organizations.index", { status: 500 });
    // The first list (namesakes before the POST) is retried and fails too, so nothing is sent at all...
    await expect(create()).rejects.toThrow(/HTTP 500/);
    expect(routes()).not.toContain("organizations.create");
    // ...and when only the lookup after the lost POST fails, the create ends as a pending placeholder.
    emulator().faults.clear();
    emulator().log.clear();
    // The POST waits 300 ms, long enough to break the list between the first lookup and the second.
    emulator().faults.set("organizations.create", { drop: "after", latencyMs: 300, times: 1 });
    const attempt = create();
    await expect.poll(() => routes(), { interval: 10 }).toEqual(["organizations.index"]);
    emulator().faults.set("organizations.index", { status: 500 });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceInitError);
    expect((error as ResourceInitError).id).toMatch(/^pending:/);
    expect((error as Error).message).toMatch(/may or may not have been created, so it was not sent again\. Looking it up failed too/);
    expect((error as Error).message).toMatch(/the next `pulumi up` \(or `pulumi refresh`\) finds the object by title \+ owner/);
    expect((error as ResourceInitError).properties).toMatchObject({ title: DEMO_INPUTS.title, __pending: { key: { title: DEMO_INPUTS.title, owner: DEMO_INPUTS.owner }, before: [] } });
    expect(emulator().organizations.list()).toHaveLength(1);
    // The next refresh resolves the placeholder to the organization the POST made: no second one.
    emulator().faults.clear();
    const pending = error as ResourceInitError;
    const resolved = await vsaasOrganization.read(pending.id, pending.properties);
    expect(resolved.id).toBe("797");
    expect(emulator().organizations.list()).toHaveLength(1);
  });

  it("never sends again after a 504: the gateway gave up, the billing may still be creating it (pending)", async () => {
    emulator().faults.set("organizations.create", { status: 504, times: 1 });
    await expect(create()).rejects.toMatchObject({ id: expect.stringMatching(/^pending:/), message: expect.stringMatching(/may or may not have been created, so it was not sent again/) });
    expect(routes()).toEqual(["organizations.index", "organizations.create", "organizations.index"]);
  });

  it("serialises two creates of the same title and owner; both succeed as two organizations", async () => {
    emulator().faults.set("organizations.create", { latencyMs: 50 });
    const [a, b] = await Promise.all([create(), create()]);
    expect(new Set([a.id, b.id]).size).toBe(2);
    expect(routes()).toEqual([...CREATE_CALLS, ...CREATE_CALLS]);
  });
});

describe("vsaasOrganization: errors", () => {
  it("an update of an organization deleted outside says to refresh", async () => {
    const { id, outs } = await create();
    emulator().organizations.delete(797);
    await expect(vsaasOrganization.update(id, outs, { ...DEMO_INPUTS, tariffPlanIds: [550] })).rejects.toThrow(/no longer exists.*pulumi refresh/);
  });
});

describe("vsaasOrganization: discover", () => {
  it("lists every organization from the one billing list, with inputs that import without a difference", async () => {
    const seeded = emulator().seed({ organizations: 30, namesakeEvery: 10 });
    emulator().log.clear();
    const found = [];
    for await (const o of vsaasOrganization.definition.discover!({})) found.push(o);
    expect(routes()).toEqual(["organizations.index"]);
    expect(found.map((o) => o.id)).toEqual(seeded.map((s) => String(s.id)));
    for (const o of found) expect((await vsaasOrganization.check({}, { ...o.inputs, __import: o.id })).failures).toEqual([]);
    expect(found[3]).toMatchObject({ subscriber: seeded[3]!.title, name: "seed-subscriber-3", inputs: { title: seeded[3]!.title, owner: seeded[3]!.owner, tariffPlanIds: [548, 549] } });
    const some = [];
    for await (const o of vsaasOrganization.definition.discover!({ limit: 5, subscriberPrefix: "seed subscriber 2" })) some.push(o);
    expect(some.map((o) => o.inputs["title"])).toEqual(["seed subscriber 2", "seed subscriber 21", "seed subscriber 22", "seed subscriber 23", "seed subscriber 24"]);
  });
});
