import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { exampleRegistrations } from "../fixtures/vsaas-example";
import { afterListsExpire, MEMBER_CREATE_CALLS, MEMBER_DELETE_CALLS, MEMBER_READ_CALLS } from "../fixtures/vsaas-watcher";

/** VsaasOrganizationUser through the packed package and the real provider host, against the emulator. */
const PASSWORD = "test-only-host-vsaas-member-billing-pw";
const TYPE = "pulumi-nodejs:dynamic/vsaas:OrganizationUser";
const SECRET_KEYS = ["vsaas:password", "vsaas:watcherApiKey"];
const fixture = useHostFixture({ vendor: "vsaas", sandbox: { vsaas: { password: PASSWORD } }, secretKeys: SECRET_KEYS });
const { emulator, vendorCalls, clearVendorLog } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let registration: Registration;
let member: ResourceDescriptor[];
let orgId: number, userId: number, neighbourId: number;
const ops = (steps: Array<{ op: string }>) => steps.map((s) => s.op);
const only = () => Object.values(engine.state())[0]!;
const newEngine = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_KEYS });

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  registration = (await exampleRegistrations(fixture.programDir, config, emulator(), "unused-subscriber-pw")).member;
  emulator().reset();
  orgId = emulator().organizations.add({ title: "Ivanov family", owner: "ivanov@example.org" })["external_id"] as number;
  userId = emulator().watcher.addUser("ivanov.viewer@example.org", "pw-pw-pw-1").id;
  neighbourId = emulator().watcher.addUser("neighbour@example.org", "pw-pw-pw-2").id;
  emulator().watcher.addMember(orgId, neighbourId, { can_view_organization_stats: true });
  member = withInputs([registration], { watcherOrganizationId: orgId, userId });
});
afterEach(() => emulator().faults.clear());

describe("VsaasOrganizationUser through the provider host", () => {
  it("previews with Check only and no Watcher call, unknowns accepted; bad inputs are named", async () => {
    clearVendorLog();
    expect(ops(await engine.preview(withInputs(member, { watcherOrganizationId: UNKNOWN, userId: UNKNOWN })))).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    const [bad] = await engine.preview(withInputs(member, { watcherOrganizationId: -1, canEditOrganizationCameras: 1 }));
    expect(bad!.failures).toEqual([
      { property: "watcherOrganizationId", reason: "must be a Watcher organization id (1 or more)" },
      { property: "canEditOrganizationCameras", reason: "must be true or false (got 1)" },
    ]);
    expect(vendorCalls()).toEqual([]);
  });

  it("joins the user (2 calls); refresh reads the member list; a no-op calls nothing", async () => {
    clearVendorLog();
    expect(await engine.up(member)).toMatchObject([{ op: "create", id: `${orgId}/${userId}` }]);
    expect(vendorCalls()).toEqual(MEMBER_CREATE_CALLS);
    expect(only().outputs).toMatchObject({ login: "ivanov.viewer@example.org", canEditOrganizationCameras: false });
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(MEMBER_READ_CALLS);
    clearVendorLog();
    expect(ops(await engine.up(member))).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("replaces on a rights change (leave first, then join), as the API has no update", async () => {
    clearVendorLog();
    const steps = await engine.up(withInputs(member, { canEditOrganizationCameras: true }));
    expect(steps).toMatchObject([
      { op: "delete", replacedId: `${orgId}/${userId}` },
      { op: "replace", id: `${orgId}/${userId}`, replaceOrder: "delete-before-create" },
    ]);
    expect(vendorCalls()).toEqual([...MEMBER_DELETE_CALLS, ...MEMBER_CREATE_CALLS]);
    expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true, can_edit_organization_plists: true });
    member = withInputs(member, { canEditOrganizationCameras: true });
  });

  it("shows rights changed in the web interface on refresh, and a member removed there as gone", async () => {
    emulator().watcher.setMemberFlags(orgId, userId, { can_edit_organization_cameras: false });
    await afterListsExpire();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    expect(await engine.preview(member)).toMatchObject([{ op: "replace", diff: { replaces: ["canEditOrganizationCameras"] } }]);
    expect(ops(await engine.up(member))).toEqual(["delete", "replace"]);
    emulator().watcher.removeMember(orgId, userId);
    await afterListsExpire();
    expect(await engine.refresh()).toMatchObject([{ op: "gone" }]);
    expect(ops(await engine.up(member))).toEqual(["create"]);
  });

  it("destroys (the user leaves); a second delete and a refresh of it succeed", async () => {
    const { id, outputs } = only();
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id }]);
    expect(vendorCalls()).toEqual(MEMBER_DELETE_CALLS);
    expect(emulator().watcher.member(orgId, userId)).toBeUndefined();
    const urn = engine.urnOf(TYPE, "ivanov-member");
    await expect(host.delete(urn, id, outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, id, outputs, {})).id).toBe("");
  });

  it("never duplicates after a lost answer; when the look-ups fail too, the next up resolves the pending create", async () => {
    emulator().faults.set("watcher.organization_users.create", { drop: "after", times: 1 });
    expect(ops(await engine.up(member))).toEqual(["create"]);
    expect(emulator().watcher.member(orgId, userId)).toBeDefined();
    await engine.destroy();
    const fresh = newEngine();
    emulator().faults.set("watcher.organization_users.create", { drop: "after", latencyMs: 500, times: 1 });
    clearVendorLog();
    const up = fresh.up(member);
    await expect.poll(() => vendorCalls(), { interval: 10 }).toEqual(["watcher.organization_users.index"]);
    emulator().faults.set("watcher.organization_users.index", { status: 500 });
    const [pending] = await up;
    expect(pending!.initFailed?.id).toMatch(/^pending:/);
    emulator().faults.clear();
    // The placeholder is replaced by the membership the lost POST made, and then deleted — deleting nothing.
    expect(await fresh.up(member)).toMatchObject([{ op: "replace", id: `${orgId}/${userId}` }, { op: "delete", replacedId: pending!.initFailed!.id }]);
    expect(emulator().watcher.member(orgId, userId)).toBeDefined();
    expect(ops(await fresh.up(member))).toEqual(["same"]);
    await fresh.destroy();
  });

  it("imports by id (a match writes nothing, a difference is listed, a missing id is clear) and adopts by organization + user", async () => {
    emulator().watcher.addMember(orgId, userId, { can_edit_organization_cameras: true });
    const importing = withInputs(member, { __import: `${orgId}/${userId}` });
    clearVendorLog();
    const imported = newEngine();
    expect(await imported.up(importing)).toMatchObject([{ op: "create", id: `${orgId}/${userId}` }]);
    expect(vendorCalls().every((r) => r!.endsWith(".index"))).toBe(true);
    const [differs] = await newEngine().preview(withInputs(importing, { canEditOrganizationCameras: false }));
    expect(differs!.failures).toEqual([{ property: "canEditOrganizationCameras", reason: expect.stringContaining("declared false, VSAAS.IO has true") }]);
    const [missing] = await newEngine().preview(withInputs(importing, { __import: `${orgId}/1` }));
    expect(missing!.failures).toEqual([{ property: "__import", reason: expect.stringContaining(`has no organization user with id "${orgId}/1"`) }]);
    // Present → adopted; a refusal without adoptExisting names it.
    const [refused] = await newEngine().up(member);
    expect(refused!.error).toMatch(/already has an organization user with .*refusing to create a duplicate/);
    const adopter = newEngine();
    expect(await adopter.up(withInputs(member, { __adopt: true }))).toMatchObject([{ op: "create", id: `${orgId}/${userId}` }]);
    await imported.destroy();
    // Absent → created.
    const creator = newEngine();
    expect(ops(await creator.up(withInputs(member, { __adopt: true })))).toEqual(["create"]);
    await creator.destroy();
  });

  it("refreshes many memberships of one organization with one member list (concurrent reads)", async () => {
    const made = Array.from({ length: 40 }, (_, i) => {
      const id = emulator().watcher.addUser(`m${i}@example.org`, "pw-pw-pw").id;
      emulator().watcher.addMember(orgId, id);
      return id;
    });
    await afterListsExpire();
    clearVendorLog();
    const provider = registration.inputs["__provider"];
    const urn = engine.urnOf(TYPE, "many");
    const reads = await Promise.all(made.map((id) => host.read(urn, `${orgId}/${id}`, { __provider: provider }, { __provider: provider })));
    expect(reads.map((r) => r.id)).toEqual(made.map((id) => `${orgId}/${id}`));
    expect(vendorCalls()).toEqual(["watcher.organization_users.index"]);
  });

  it("left the neighbour's membership alone, and kept the Watcher key out of the state and the host's output", () => {
    expect(emulator().watcher.member(orgId, neighbourId)).toMatchObject({ can_view_organization_stats: true });
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) expect(text).not.toContain(sandbox.vsaas.watcherApiKey);
  });
});
