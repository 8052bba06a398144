import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ResourceInitError } from "../../provider/core/errors";
import { vsaasFolderAccess } from "../../provider/vsaas/folder-access";
import { vsaasOrganizationUser } from "../../provider/vsaas/organization-user";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import {
  FOLDER_CREATE_CALLS,
  FOLDER_DELETE_CALLS,
  FOLDER_UPDATE_CALLS,
  forgetVsaasLists,
  MEMBER_READ_CALLS,
  useVsaasConfig,
  vsaasConfigOf,
} from "../fixtures/vsaas-watcher";

/** VsaasFolderAccess's own methods against the emulator, without the host. */
const PASSWORD = "test-only-vsaas-folder-billing-pw";
const LOGIN = "ivanov@example.org";
const USER_PASSWORD = "subscriber-pw-3";
let sandbox: RunningSandbox;
const emulator = () => sandbox.vsaas.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();
let orgId: number;
let userId: number;
let cameras: number;
let membershipId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().reset();
  forgetVsaasLists();
  orgId = emulator().organizations.add({ title: "Ivanov family", owner: "owner@example.org" })["external_id"] as number;
  userId = emulator().watcher.addUser(LOGIN, USER_PASSWORD).id;
  emulator().watcher.addMember(orgId, userId, { can_edit_organization_cameras: true });
  cameras = emulator().watcher.folders(orgId)[0]!["id"] as number;
  membershipId = `${orgId}/${userId}`;
});

const access = (folderId = cameras) => emulator().watcher.access({ login: LOGIN, password: USER_PASSWORD, organizationId: orgId, folderId });

async function create(values: Record<string, unknown> = {}) {
  const { inputs, failures } = await vsaasFolderAccess.check({}, { membershipId, folderId: cameras, ...values });
  expect(failures).toEqual([]);
  return vsaasFolderAccess.create(inputs);
}

describe("vsaasFolderAccess: create, read, update", () => {
  it("grants the folder (2 calls): the subscriber's login now sees its cameras", async () => {
    expect(access()).toMatchObject({ canLogIn: true, member: true, canViewCameras: false });
    const { id, outs } = await create({ canViewDvr: true });
    expect(id).toBe(`${orgId}/${cameras}/${userId}`);
    expect(routes()).toEqual(FOLDER_CREATE_CALLS);
    expect(emulator().log.entries()[1]!.params).toEqual({ user_id: userId, can_view_dvr: 1, can_use_ptz: 0, can_use_actions: 0, dvr_depth_limit: null });
    expect(outs).toEqual(
      expect.objectContaining({ membershipId, folderId: cameras, canViewDvr: true, canUsePtz: false, canUseActions: false, watcherOrganizationId: orgId, userId }),
    );
    expect(outs).not.toHaveProperty("dvrDepthLimit");
    expect(access()).toMatchObject({ canViewCameras: true, folder: { can_view_dvr: true, can_use_ptz: false, dvr_depth_limit: null } });
  });

  it("refuses a user who is not a member, and a folder of another organization, saying what to do", async () => {
    const stranger = emulator().watcher.addUser("stranger@example.org", "pw-pw-pw").id;
    await expect(create({ membershipId: `${orgId}/${stranger}` })).rejects.toThrow(/user \d+ is not a member of organization \d+: create the VsaasOrganizationUser first/);
    await expect(create({ folderId: 1155 })).rejects.toThrow(/folder 1155 is not a folder of Watcher organization \d+ \(vsaas.getOrganizationFolders lists them\)/);
  });

  it("refreshes from the member list it shares with the memberships: one call for both kinds", async () => {
    const made = await create({ canViewDvr: true, dvrDepthLimit: 7 });
    const member = { id: membershipId, outs: (await vsaasOrganizationUser.read(membershipId, {})).props! };
    clearLog();
    forgetVsaasLists();
    const [folderRead, memberRead] = await Promise.all([vsaasFolderAccess.read(made.id, made.outs), vsaasOrganizationUser.read(member.id, member.outs)]);
    expect(folderRead.inputs).toEqual({ membershipId, folderId: cameras, canViewDvr: true, canUsePtz: false, canUseActions: false, dvrDepthLimit: 7 });
    expect(memberRead.id).toBe(membershipId);
    expect(routes()).toEqual(MEMBER_READ_CALLS);
  });

  it("changes rights in place by granting again, and verifies the Watcher replaced them", async () => {
    const made = await create({ canViewDvr: true, dvrDepthLimit: 7 });
    const news = { membershipId, folderId: cameras, canViewDvr: false, canUsePtz: true, canUseActions: false };
    expect(await vsaasFolderAccess.diff(made.id, made.outs, { ...news, dvrDepthLimit: 7 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    clearLog();
    const { outs } = await vsaasFolderAccess.update(made.id, made.outs, { ...news, dvrDepthLimit: 3 });
    expect(routes()).toEqual(FOLDER_UPDATE_CALLS);
    expect(outs).toMatchObject({ canViewDvr: false, canUsePtz: true, dvrDepthLimit: 3 });
    expect(access().folder).toEqual({ can_view_dvr: false, can_use_ptz: true, can_use_actions: false, dvr_depth_limit: 3 });
    // The depth limit left out is not managed: another right's change keeps the limit there.
    const { outs: kept } = await vsaasFolderAccess.update(made.id, outs, { ...news, canUseActions: true });
    expect(kept).toMatchObject({ dvrDepthLimit: 3, canUseActions: true });
    expect(access().folder).toMatchObject({ dvr_depth_limit: 3, can_use_actions: true });
  });

  it("shows rights changed or revoked in the web interface on refresh", async () => {
    const made = await create({ canViewDvr: true });
    emulator().watcher.grantFolder(orgId, cameras, userId, { can_view_dvr: false, can_use_actions: true });
    forgetVsaasLists();
    expect((await vsaasFolderAccess.read(made.id, made.outs)).inputs).toMatchObject({ canViewDvr: false, canUseActions: true });
    emulator().watcher.revokeFolder(orgId, cameras, userId);
    forgetVsaasLists();
    expect(await vsaasFolderAccess.read(made.id, made.outs)).toEqual({});
    emulator().watcher.grantFolder(orgId, cameras, userId, {});
    emulator().watcher.removeMember(orgId, userId);
    forgetVsaasLists();
    expect(await vsaasFolderAccess.read(made.id, made.outs)).toEqual({});
  });

  it("membershipId and folderId replace; check names bad values without calling the Watcher", async () => {
    const made = await create();
    expect(await vsaasFolderAccess.diff(made.id, made.outs, { membershipId, folderId: cameras + 1 })).toMatchObject({ replaces: ["folderId"] });
    clearLog();
    expect((await vsaasFolderAccess.check({}, { membershipId: "774", folderId: -1, dvrDepthLimit: 1.5 })).failures).toEqual([
      { property: "membershipId", reason: "must be a VsaasOrganizationUser id, `<watcherOrganizationId>/<userId>` such as `774/1377`" },
      { property: "folderId", reason: "must be a folder id (1 or more)" },
      { property: "dvrDepthLimit", reason: "must be a whole number of days (got 1.5)" },
    ]);
    expect(routes()).toEqual([]);
  });
});

describe("vsaasFolderAccess: destroy revokes exactly this folder (there is no revocation in the API)", () => {
  it("takes the user out and back in with the same rights and their other folders; the folder's cameras are gone for them", async () => {
    const entrance = emulator().watcher.addFolder(orgId, "Entrance").id;
    emulator().watcher.grantFolder(orgId, entrance, userId, { can_view_dvr: true, can_use_ptz: true, dvr_depth_limit: 3 });
    const made = await create({ canViewDvr: true });
    clearLog();
    await vsaasFolderAccess.delete(made.id, made.outs);
    expect(routes()).toEqual([...FOLDER_DELETE_CALLS.slice(0, 4), "watcher.folder_users.create", FOLDER_DELETE_CALLS[4]]);
    expect(access()).toMatchObject({ member: true, canViewCameras: false });
    expect(access(entrance)).toMatchObject({ canViewCameras: true, folder: { can_view_dvr: true, can_use_ptz: true, can_use_actions: false, dvr_depth_limit: 3 } });
    expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true });
    // Already gone: success, and nothing is written.
    clearLog();
    await vsaasFolderAccess.delete(made.id, made.outs);
    expect(routes()).toEqual(["watcher.organization_users.index"]);
  });

  it("the last folder: 5 calls, the membership stays", async () => {
    const made = await create();
    clearLog();
    await vsaasFolderAccess.delete(made.id, made.outs);
    expect(routes()).toEqual(FOLDER_DELETE_CALLS);
    expect(access()).toMatchObject({ member: true, canViewCameras: false });
  });

  it("refuses to revoke the owner's right (an owner cannot leave), saying what to do; nothing changes", async () => {
    const ownerId = emulator().watcher.userByLogin("owner@example.org")!.id;
    emulator().watcher.grantFolder(orgId, cameras, ownerId, {});
    await expect(vsaasFolderAccess.delete(`${orgId}/${cameras}/${ownerId}`, {})).rejects.toThrow(/owns organization .*web interface.*pulumi state delete/);
    expect(emulator().watcher.member(orgId, ownerId)!["folders_permissions"]).toHaveLength(1);
  });

  it("when joining again fails, says the user is out of the organization and how to put it back", async () => {
    const made = await create();
    emulator().faults.set("watcher.organization_users.create", { status: 400, body: { error_message: "no" }, times: 1 });
    await expect(vsaasFolderAccess.delete(made.id, made.outs)).rejects.toThrow(/the user left organization \d+, but joining it again failed .* is now not a member of the organization; run `pulumi up --refresh`/);
  });
});

describe("vsaasFolderAccess: destroy when the rejoin loses its answer (found by the fault suite)", () => {
  it("an applied rejoin whose answer was lost is a success: the user is back with their rights, one join sent", async () => {
    const made = await create();
    emulator().faults.set("watcher.organization_users.create", { drop: "after", times: 1 });
    await vsaasFolderAccess.delete(made.id, made.outs);
    expect(routes().filter((r) => r === "watcher.organization_users.create")).toHaveLength(1);
    expect(access()).toMatchObject({ member: true, canViewCameras: false });
    expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true });
  });

  it("a rejoin lost before it arrived is sent again: the user is back in the organization", async () => {
    const made = await create();
    emulator().faults.set("watcher.organization_users.create", { drop: "before", times: 1 });
    await vsaasFolderAccess.delete(made.id, made.outs);
    expect(routes().filter((r) => r === "watcher.organization_users.create")).toHaveLength(2);
    expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true });
    expect(access()).toMatchObject({ member: true, canViewCameras: false });
  });

  it("a rejoin answered after the timeout (applied late) is waited for, not given up on: the user is back, one join sent", async () => {
    useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD, { "vsaas:timeoutSeconds": "1" }));
    try {
      const made = await create();
      // Latency comes first, then the emulator applies the join: the list read right after the timeout does not show it yet.
      emulator().faults.set("watcher.organization_users.create", { latencyMs: 1_600, times: 1 });
      await vsaasFolderAccess.delete(made.id, made.outs);
      expect(routes().filter((r) => r === "watcher.organization_users.create")).toHaveLength(1);
      expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true });
    } finally {
      useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
    }
  });

  it("a second join refused as a duplicate (the first was applied, its answer lost, the list unreadable) is a success when the user is back", async () => {
    const made = await create();
    emulator().faults.set("watcher.organization_users.create", { drop: "after", times: 1 });
    // The revoke's own first read passes; the two reads after the lost answer fail (both tries each), so the join is sent again.
    emulator().faults.set("watcher.organization_users.index", { status: 500, after: 1, times: 4 });
    await vsaasFolderAccess.delete(made.id, made.outs);
    const joins = emulator().log.entries().filter((e) => e.route === "watcher.organization_users.create");
    expect(joins.map((e) => e.status)).toEqual([null, 400]);
    expect(emulator().watcher.member(orgId, userId)).toMatchObject({ can_edit_organization_cameras: true });
    expect(access()).toMatchObject({ member: true, canViewCameras: false });
  });
});

describe("vsaasFolderAccess: adoption, duplicates, lost answers", () => {
  it("refuses a right that exists (suggesting adoptExisting); adoptExisting adopts it and applies the declared rights in place", async () => {
    emulator().watcher.grantFolder(orgId, cameras, userId, { can_view_dvr: false });
    await expect(create({ canViewDvr: true })).rejects.toThrow(/already has a folder access with membershipId .*adoptExisting/);
    const adopted = await create({ canViewDvr: true, __adopt: true });
    expect(adopted.id).toBe(`${orgId}/${cameras}/${userId}`);
    expect(access().folder).toMatchObject({ can_view_dvr: true });
  });

  it("imports by id: a match writes nothing, a difference is listed, a missing one is a clear error", async () => {
    emulator().watcher.grantFolder(orgId, cameras, userId, { can_view_dvr: true });
    const id = `${orgId}/${cameras}/${userId}`;
    clearLog();
    expect((await vsaasFolderAccess.check({}, { membershipId, folderId: cameras, canViewDvr: true, __import: id })).failures).toEqual([]);
    expect((await vsaasFolderAccess.create({ membershipId, folderId: cameras, canViewDvr: true, canUsePtz: false, canUseActions: false, __import: id })).id).toBe(id);
    expect(routes().every((r) => r === "watcher.organization_users.index")).toBe(true);
    expect((await vsaasFolderAccess.check({}, { membershipId, folderId: cameras, __import: id })).failures).toEqual([
      { property: "canViewDvr", reason: expect.stringContaining("declared false, VSAAS.IO has true") },
    ]);
    expect((await vsaasFolderAccess.check({}, { membershipId, folderId: cameras, __import: `${orgId}/1/${userId}` })).failures).toEqual([
      { property: "__import", reason: expect.stringContaining("has no folder access with id") },
    ]);
  });

  it("after a lost answer (drop after, 5xx twice) finds the right it made; a 504 with nothing there ends pending", async () => {
    emulator().faults.set("watcher.folder_users.create", { drop: "after", times: 2 });
    expect((await create()).id).toBe(`${orgId}/${cameras}/${userId}`);
    emulator().watcher.revokeFolder(orgId, cameras, userId);
    forgetVsaasLists();
    emulator().faults.set("watcher.folder_users.create", { status: 504, times: 2 });
    const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
  });
});

describe("vsaasFolderAccess: discover", () => {
  it("lists every folder right with inputs that import as they are, referring to the membership", async () => {
    const seeded = emulator().seed({ organizations: 3 });
    const found = [];
    for await (const o of vsaasFolderAccess.definition.discover!({})) found.push(o);
    expect(found.map((o) => o.id)).toEqual(expect.arrayContaining(seeded.map((s) => `${s.externalId}/${s.folderId}/${s.users[0]!.id}`)));
    for (const o of found) {
      expect(o.refs).toEqual({ membershipId: { token: "vsaas:OrganizationUser", id: o.inputs["membershipId"] } });
      expect((await vsaasFolderAccess.check({}, { ...o.inputs, __import: o.id })).failures).toEqual([]);
    }
  });
});
