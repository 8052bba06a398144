import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ResourceInitError } from "../../provider/core/errors";
import { vsaasOrganizationUser } from "../../provider/vsaas/organization-user";
import { startSandbox, VsaasEmulator, type RunningSandbox } from "../../sandbox";
import { unclear } from "../fault/fault-audit";
import { forgetVsaasLists, MEMBER_CREATE_CALLS, MEMBER_DELETE_CALLS, MEMBER_READ_CALLS, useVsaasConfig, vsaasConfigOf } from "../fixtures/vsaas-watcher";

/** VsaasOrganizationUser's own methods against the emulator, without the host. */
const PASSWORD = "test-only-vsaas-member-billing-pw";
let sandbox: RunningSandbox;
const emulator = () => sandbox.vsaas.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();
let orgId: number;
let userId: number;

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().reset();
  forgetVsaasLists();
  orgId = emulator().organizations.add({ title: "Ivanov family", owner: "owner@example.org" })["external_id"] as number;
  userId = emulator().watcher.addUser("ivanov@example.org", "subscriber-pw-2").id;
});

async function create(values: Record<string, unknown> = {}) {
  const { inputs, failures } = await vsaasOrganizationUser.check({}, { watcherOrganizationId: orgId, userId, ...values });
  expect(failures).toEqual([]);
  return vsaasOrganizationUser.create(inputs);
}

describe("vsaasOrganizationUser", () => {
  it("joins the user with no rights (the reader scenario): 2 calls; the answer is the state", async () => {
    const { id, outs } = await create();
    expect(id).toBe(`${orgId}/${userId}`);
    expect(routes()).toEqual(MEMBER_CREATE_CALLS);
    expect(emulator().log.entries()[1]!.params).toEqual({ user_id: userId });
    expect(outs).toMatchObject({
      watcherOrganizationId: orgId,
      userId,
      canEditOrganizationCameras: false,
      canEditOrganizationUsers: false,
      canViewOrganizationStats: false,
      login: "ivanov@example.org",
      canViewOrganizationPlists: false,
    });
    expect(emulator().watcher.access({ login: "ivanov@example.org", organizationId: orgId, folderId: 1 })).toMatchObject({ member: true, canViewCameras: false });
  });

  it("joins an installer with can_edit_organization_cameras (the documented flag) and the two listed ones", async () => {
    const { outs } = await create({ canEditOrganizationCameras: true, canViewOrganizationStats: true, canEditOrganizationUsers: true });
    expect(emulator().log.entries()[1]!.params).toEqual({ user_id: userId, can_edit_organization_cameras: true, can_view_organization_stats: true, can_edit_organization_users: true });
    expect(outs).toMatchObject({ canEditOrganizationCameras: true, canViewOrganizationStats: true, canEditOrganizationUsers: true, canEditOrganizationPlists: true });
  });

  it("refreshes the memberships of one organization with one member list, however many; drift shows; gone is gone", async () => {
    const others = Array.from({ length: 20 }, (_, i) => emulator().watcher.addUser(`n${i}@example.org`, "pw-pw-pw").id);
    const created = [await create()];
    for (const other of others) created.push(await create({ userId: other }));
    clearLog();
    forgetVsaasLists();
    const reads = await Promise.all(created.map((c) => vsaasOrganizationUser.read(c.id, c.outs)));
    expect(reads.map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect(routes()).toEqual(MEMBER_READ_CALLS);
    emulator().watcher.setMemberFlags(orgId, userId, { can_edit_organization_cameras: true });
    forgetVsaasLists();
    const drifted = await vsaasOrganizationUser.read(created[0]!.id, created[0]!.outs);
    expect(drifted.inputs).toMatchObject({ canEditOrganizationCameras: true });
    expect(await vsaasOrganizationUser.diff(created[0]!.id, drifted.props!, { watcherOrganizationId: orgId, userId, canEditOrganizationCameras: false })).toEqual({
      changes: true,
      replaces: ["canEditOrganizationCameras"],
      deleteBeforeReplace: true,
    });
    emulator().watcher.removeMember(orgId, userId);
    forgetVsaasLists();
    expect(await vsaasOrganizationUser.read(created[0]!.id, created[0]!.outs)).toEqual({});
    emulator().organizations.delete(emulator().organizations.list()[0]!["id"] as number);
    forgetVsaasLists();
    expect(await vsaasOrganizationUser.read(created[1]!.id, created[1]!.outs)).toEqual({});
  });

  it("deletes (the user leaves, losing that organization's folder rights); deleting again succeeds", async () => {
    const { id, outs } = await create();
    const folderId = emulator().watcher.folders(orgId)[0]!["id"] as number;
    emulator().watcher.grantFolder(orgId, folderId, userId, { can_view_dvr: true });
    clearLog();
    await vsaasOrganizationUser.delete(id, outs);
    expect(routes()).toEqual(MEMBER_DELETE_CALLS);
    expect(emulator().watcher.member(orgId, userId)).toBeUndefined();
    await expect(vsaasOrganizationUser.delete(id, outs)).resolves.toBeUndefined();
  });

  it("refuses to take the owner out, saying why and what to do", async () => {
    const ownerId = emulator().watcher.userByLogin("owner@example.org")!.id;
    await expect(vsaasOrganizationUser.delete(`${orgId}/${ownerId}`, {})).rejects.toThrow(/owner cannot leave it.*pulumi state delete/);
  });

  it("names the likely mistake when the organization id is the billing's", async () => {
    const billingId = emulator().organizations.list()[0]!["id"] as number;
    await expect(create({ watcherOrganizationId: billingId })).rejects.toThrow(new RegExp(`has no organization ${billingId}\\. watcherOrganizationId must be the organization's Watcher id \\(\`VsaasOrganization.externalId\`\\), not its billing id`));
  });

  it("check names bad ids without calling the Watcher", async () => {
    clearLog();
    expect((await vsaasOrganizationUser.check({}, { watcherOrganizationId: "774", userId: 0, canEditOrganizationCameras: "yes" })).failures).toEqual([
      { property: "watcherOrganizationId", reason: 'must be a number (a Watcher organization id) (got "774")' },
      { property: "userId", reason: "must be a Watcher user id (1 or more)" },
      { property: "canEditOrganizationCameras", reason: 'must be true or false (got "yes")' },
    ]);
    expect(routes()).toEqual([]);
  });
});

describe("vsaasOrganizationUser: adoption, duplicates, lost answers", () => {
  it("refuses a membership that exists (suggesting adoptExisting); adoptExisting adopts it; a flag that differs cannot be adopted in place", async () => {
    emulator().watcher.addMember(orgId, userId);
    await expect(create()).rejects.toThrow(/already has an organization user with watcherOrganizationId \d+, userId \d+ .*adoptExisting/);
    const adopted = await create({ __adopt: true });
    expect(adopted.id).toBe(`${orgId}/${userId}`);
    await expect(create({ __adopt: true, canEditOrganizationCameras: true })).rejects.toThrow(/differs in what can only change by replacing it — canEditOrganizationCameras: declared true, VSAAS.IO has false/);
  });

  it("imports by id; a missing id is a clear error", async () => {
    emulator().watcher.addMember(orgId, userId, { can_edit_organization_cameras: true });
    const id = `${orgId}/${userId}`;
    expect((await vsaasOrganizationUser.check({}, { watcherOrganizationId: orgId, userId, canEditOrganizationCameras: true, __import: id })).failures).toEqual([]);
    expect((await vsaasOrganizationUser.check({}, { watcherOrganizationId: orgId, userId, __import: id })).failures).toEqual([
      { property: "canEditOrganizationCameras", reason: expect.stringContaining("declared false, VSAAS.IO has true") },
    ]);
    expect((await vsaasOrganizationUser.check({}, { watcherOrganizationId: orgId, userId, __import: `${orgId}/999` })).failures).toEqual([
      { property: "__import", reason: expect.stringContaining(`has no organization user with id "${orgId}/999"`) },
    ]);
    expect((await vsaasOrganizationUser.check({}, { watcherOrganizationId: orgId, userId, __import: "774" })).failures).toEqual([
      { property: "__import", reason: expect.stringContaining("`<watcherOrganizationId>/<userId>`") },
    ]);
  });

  it("finds the membership a lost POST made (drop after); ends pending after a timeout-like 504", async () => {
    emulator().faults.set("watcher.organization_users.create", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe(`${orgId}/${userId}`);
    expect(routes().filter((r) => r === "watcher.organization_users.create")).toHaveLength(1);
    emulator().watcher.removeMember(orgId, userId);
    forgetVsaasLists();
    emulator().faults.set("watcher.organization_users.create", { status: 504, times: 1 });
    const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
    expect(error.id).toMatch(/^pending:/);
  });

  // Found by the fault suite: "VSAAS.IO Watcher POST /organizations/{id}/users failed: HTTP 502" said
  // nothing about what to do.
  it("a Watcher 5xx that outlasts the retries says what to do, and that the request may have landed", async () => {
    emulator().faults.set("watcher.organization_users.create", { status: 502, body: "<html><body>Bad Gateway</body></html>" });
    const error = (await create().catch((e: unknown) => e)) as Error;
    emulator().faults.clear();
    expect(error.message).toMatch(/VSAAS\.IO Watcher POST \/organizations\/\{id\}\/users failed: HTTP 502\. The Watcher or a proxy in front of it failed: run `pulumi up` again once it answers normally; if it persists, check vsaas:watcherUrl \(VSAAS_WATCHER_URL\)/);
    expect(error.message).toMatch(/may have applied the request: the next `pulumi up` \(or `pulumi refresh`\) checks before repeating it/);
    expect(unclear(error.message)).toBeUndefined();
  });

  it("undoes a membership whose rights the Watcher ignored (a Watcher that takes only the documented flag)", async () => {
    const narrow = new VsaasEmulator({
      user: sandbox.vsaas.user,
      password: PASSWORD,
      watcherApiKey: sandbox.vsaas.watcherApiKey,
      acceptedMemberFlags: ["can_edit_organization_cameras"],
    });
    const url = await narrow.start();
    try {
      useVsaasConfig({ ...vsaasConfigOf(sandbox, PASSWORD), "vsaas:url": url, "vsaas:watcherUrl": url });
      const org = narrow.organizations.add({ title: "Narrow", owner: "n@example.org" })["external_id"] as number;
      const user = narrow.watcher.addUser("u@example.org", "pw-pw-pw").id;
      const { inputs } = await vsaasOrganizationUser.check({}, { watcherOrganizationId: org, userId: user, canViewOrganizationStats: true });
      await expect(vsaasOrganizationUser.create(inputs)).rejects.toThrow(
        /did not apply canViewOrganizationStats \(can_view_organization_stats: sent true, answered false\), so the membership was undone.*shows only can_edit_organization_cameras/,
      );
      expect(narrow.watcher.member(org, user)).toBeUndefined();
    } finally {
      await narrow.stop();
      useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
    }
  });
});

describe("vsaasOrganizationUser: discover", () => {
  it("lists memberships (not the owners', not the default organization's), importable as they are, referring to their users", async () => {
    const seeded = emulator().seed({ organizations: 3, usersPerOrganization: 2, installerEvery: 3 });
    const found = [];
    for await (const o of vsaasOrganizationUser.definition.discover!({})) found.push(o);
    expect(found.map((o) => o.id).sort()).toEqual(seeded.flatMap((s) => s.users.map((u) => `${s.externalId}/${u.id}`)).sort());
    for (const o of found) expect((await vsaasOrganizationUser.check({}, { ...o.inputs, __import: o.id })).failures).toEqual([]);
    expect(found[0]!.refs).toEqual({ userId: { token: "vsaas:User", id: String(found[0]!.inputs["userId"]) } });
    const filtered = [];
    for await (const o of vsaasOrganizationUser.definition.discover!({ subscriberPrefix: seeded[2]!.title })) filtered.push(o);
    expect(filtered.map((o) => o.subscriber)).toEqual([seeded[2]!.title, seeded[2]!.title]);
  });
});
