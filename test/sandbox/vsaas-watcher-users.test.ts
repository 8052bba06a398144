import { describe, expect, it } from "vitest";
import { VsaasEmulator } from "../../sandbox/vsaas";
import { admin, createOrganization, PASSWORD, USER, useVsaasEmulator, watcher, watcherWrite, WATCHER_KEY } from "./vsaas-call";
import { useEmulator } from "./use-emulator";

/**
 * The Watcher API v2 (cloud.vsaas.io) as the document's "Пользователи", "Организации",
 * "Пользователи в организации" and "Папки в организациях" sections describe it, and the scenario
 * "Создать пользователя с правами для чтения" step by step.
 */
const vsaas = useVsaasEmulator();
const emulator = vsaas.emulator;
type Json = Record<string, unknown>;

async function createUser(login = "user@example.com", password = "user-pw-1"): Promise<Json> {
  const answer = await watcherWrite(vsaas.url, "POST", "users", { login, password });
  expect(answer.status).toBe(201);
  return answer.json as Json;
}

describe("Watcher users", () => {
  it("creates a user with the document's answer shape, apikey null, attached to the default organization", async () => {
    const user = await createUser();
    expect(Object.keys(user).sort()).toEqual(
      [
        "id", "domain_id", "login", "apikey", "is_admin", "authorized_ip", "enabled", "readonly", "monitoring", "name", "locale", "note", "phone",
        "notification_email", "external_id", "max_sessions", "can_edit_organizations", "can_edit_settings", "can_view_organizations", "organizations",
      ].sort(),
    );
    expect(user).toMatchObject({ login: "user@example.com", apikey: null, is_admin: false, enabled: true, organizations: [752] });
    const unassigned = ((await watcher(vsaas.url, "organizations")).json as Json[]).find((o) => o["is_default"] === true)!;
    expect(unassigned).toMatchObject({ id: 752, title: "Unassigned cameras" });
    expect(((await watcher(vsaas.url, "organizations/752/users")).json as Json[]).map((m) => m["user_id"])).toContain(user["id"]);
  });

  it("lists every user as a bare array, with each user's apikey (as the document's list shows)", async () => {
    const created = await createUser();
    const list = (await watcher(vsaas.url, "users")).json as Json[];
    expect(Array.isArray(list)).toBe(true);
    const admin = list.find((u) => u["login"] === USER)!;
    expect(admin).toMatchObject({ is_admin: true, apikey: expect.any(String) });
    expect(list.find((u) => u["id"] === created["id"])!["apikey"]).toEqual(expect.any(String));
  });

  it("refuses a missing login or password and a taken login (case-insensitively) with 400 error_message", async () => {
    await createUser("taken@example.com");
    for (const body of [{ password: "x" }, { login: "new@example.com" }, { login: "TAKEN@example.com", password: "x" }]) {
      const answer = await watcherWrite(vsaas.url, "POST", "users", body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error_message: expect.any(String) });
    }
    expect(((await watcherWrite(vsaas.url, "POST", "users", { login: "TAKEN@example.com", password: "x" })).json as Json)["error_message"]).toMatch(/already exists/);
  });

  it('deletes a user ({"success": true}) with their memberships; a second delete is 404', async () => {
    const user = await createUser();
    expect(await watcherWrite(vsaas.url, "DELETE", `users/${String(user["id"])}`)).toMatchObject({ status: 200, json: { success: true } });
    expect((await watcherWrite(vsaas.url, "DELETE", `users/${String(user["id"])}`)).status).toBe(404);
    expect(((await watcher(vsaas.url, "organizations/752/users")).json as Json[]).map((m) => m["user_id"])).not.toContain(user["id"]);
  });

  it("never logs a password the request carried", async () => {
    await createUser("logged@example.com", "never-in-the-log-77");
    expect(JSON.stringify(emulator.log.entries())).not.toContain("never-in-the-log-77");
    expect(JSON.stringify(emulator.state())).not.toContain("never-in-the-log-77");
  });
});

describe("Watcher organization members and folders (the reader and installer scenarios)", () => {
  it("walks the scenario: create, join, find the folder, grant it, leave the default organization; the login then sees the cameras", async () => {
    const org = await createOrganization(vsaas.url, { title: "Ivanov home" });
    const orgId = org["external_id"] as number;
    const user = await createUser("viewer@example.com", "viewer-pw-1");
    const joined = await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: user["id"] });
    expect(joined.status).toBe(201);
    expect(joined.json).toEqual({
      notification_email: null,
      can_view_organization_stats: false,
      can_view_organization_plists: false,
      login: "viewer@example.com",
      can_edit_organization_cameras: false,
      can_edit_organization_plists: false,
      user_id: user["id"],
      folders_permissions: [],
      can_edit_organization_users: false,
    });
    const folders = (await watcher(vsaas.url, `organizations/${orgId}/folders`)).json as Json[];
    expect(folders).toEqual([expect.objectContaining({ title: "Cameras", organization_id: orgId, level: 0, parent_id: null, order_num: 1 })]);
    const folderId = folders[0]!["id"] as number;
    const before = emulator.watcher.access({ login: "viewer@example.com", password: "viewer-pw-1", organizationId: orgId, folderId });
    expect(before).toMatchObject({ canLogIn: true, member: true, canViewCameras: false });
    const granted = await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/folders/${folderId}/users`, {
      user_id: user["id"], can_view_dvr: 1, can_use_ptz: 1, can_use_actions: 1, dvr_depth_limit: null,
    });
    expect(granted.json).toEqual({ can_use_ptz: true, can_use_actions: true, user_id: user["id"], can_view_dvr: true, dvr_depth_limit: null });
    // The document's URL has a double slash; it works.
    expect(await watcherWrite(vsaas.url, "DELETE", `organizations/752//users/${String(user["id"])}`)).toMatchObject({ status: 200, json: { success: true } });
    const users = (await watcher(vsaas.url, "users")).json as Json[];
    expect(users.find((u) => u["id"] === user["id"])!["organizations"]).toEqual([orgId]);
    expect(emulator.watcher.access({ login: "viewer@example.com", password: "viewer-pw-1", organizationId: orgId, folderId })).toEqual({
      canLogIn: true, userId: user["id"], member: true, folder: { can_view_dvr: true, can_use_ptz: true, can_use_actions: true, dvr_depth_limit: null }, canViewCameras: true, organizations: [orgId],
    });
    expect(emulator.watcher.access({ login: "viewer@example.com", password: "wrong", organizationId: orgId, folderId }).canViewCameras).toBe(false);
    // The same question through the admin route, for tests in another process.
    const asked = await admin(vsaas.url, "POST", "watcher/access", { login: "viewer@example.com", password: "viewer-pw-1", organizationId: orgId, folderId });
    expect(asked.json).toMatchObject({ canViewCameras: true });
  });

  it("shows folder rights in folders_permissions; a second POST replaces them; leaving the organization drops them", async () => {
    const org = await createOrganization(vsaas.url);
    const orgId = org["external_id"] as number;
    const user = await createUser();
    await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: user["id"] });
    const folderId = ((await watcher(vsaas.url, `organizations/${orgId}/folders`)).json as Json[])[0]!["id"] as number;
    await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/folders/${folderId}/users`, { user_id: user["id"], can_view_dvr: 1, can_use_ptz: 0, can_use_actions: 0, dvr_depth_limit: 7 });
    await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/folders/${folderId}/users`, { user_id: user["id"], can_view_dvr: 0, can_use_ptz: 1 });
    const member = () => ((watcher(vsaas.url, `organizations/${orgId}/users`)).then((a) => (a.json as Json[]).find((m) => m["user_id"] === user["id"])));
    expect((await member())!["folders_permissions"]).toEqual([{ folder_id: folderId, can_view_dvr: false, can_use_ptz: true, can_use_actions: false, dvr_depth_limit: null }]);
    await watcherWrite(vsaas.url, "DELETE", `organizations/${orgId}/users/${String(user["id"])}`);
    await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: user["id"] });
    expect((await member())!["folders_permissions"]).toEqual([]);
  });

  it("joins an installer with can_edit_organization_cameras (the plists rights follow it, as the document's answer shows)", async () => {
    const org = await createOrganization(vsaas.url);
    const user = await createUser("installer@example.com");
    const joined = await watcherWrite(vsaas.url, "POST", `organizations/${String(org["external_id"])}/users`, { user_id: user["id"], can_edit_organization_cameras: true });
    expect(joined.json).toMatchObject({ can_edit_organization_cameras: true, can_view_organization_plists: true, can_edit_organization_plists: true, can_view_organization_stats: false, can_edit_organization_users: false });
  });

  it("lists the organization's owner as a member with every right", async () => {
    const org = await createOrganization(vsaas.url, { owner: "owner@example.org" });
    const members = (await watcher(vsaas.url, `organizations/${String(org["external_id"])}/users`)).json as Json[];
    expect(members).toEqual([expect.objectContaining({ login: "owner@example.org", can_edit_organization_cameras: true, can_edit_organization_users: true, can_view_organization_stats: true })]);
    expect(((await watcher(vsaas.url, "organizations")).json as Json[]).find((o) => o["id"] === org["external_id"])).toMatchObject({ user_count: 1 });
  });

  it("refuses what cannot be: unknown organization or folder (404), a second membership, a right for a non-member, removing a non-member (404) or the owner", async () => {
    const org = await createOrganization(vsaas.url);
    const orgId = org["external_id"] as number;
    const user = await createUser();
    const folderId = ((await watcher(vsaas.url, `organizations/${orgId}/folders`)).json as Json[])[0]!["id"] as number;
    expect((await watcher(vsaas.url, "organizations/9999/users")).status).toBe(404);
    expect((await watcher(vsaas.url, "organizations/9999/folders")).status).toBe(404);
    expect((await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/folders/${folderId}/users`, { user_id: user["id"] })).status).toBe(400);
    expect((await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/folders/1/users`, { user_id: user["id"] })).status).toBe(404);
    expect((await watcherWrite(vsaas.url, "DELETE", `organizations/${orgId}/users/${String(user["id"])}`)).status).toBe(404);
    await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: user["id"] });
    const again = await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: user["id"] });
    expect(again).toMatchObject({ status: 400, json: { error_message: expect.stringMatching(/already a member/) } });
    const ownerId = emulator.watcher.userByLogin("demo@example.org")!.id;
    expect((await watcherWrite(vsaas.url, "DELETE", `organizations/${orgId}/users/${ownerId}`)).status).toBe(400);
    expect((await watcherWrite(vsaas.url, "POST", `organizations/${orgId}/users`, { user_id: 424242 })).status).toBe(400);
  });

  it("lists an organization's presets: its billing plans as Watcher presets (preset_id = the plan's external_id)", async () => {
    const org = await createOrganization(vsaas.url, { tariff_plans: [550] });
    const presets = (await watcher(vsaas.url, `organizations/${String(org["external_id"])}/presets`)).json as Json[];
    expect(presets.map((p) => p["preset_id"])).toEqual([391, 393]);
    expect(presets[0]).toEqual({
      organization_id: null,
      preset: expect.objectContaining({ id: 391, title: "Default", dvr_depth: 0, is_deleted: false, is_adjustable: false }),
      domain_id: 143,
      id: null,
      preset_id: 391,
    });
    expect(((await watcher(vsaas.url, "organizations/752/presets")).json as Json[]).map((p) => p["preset_id"])).toEqual([391]);
  });

  it("refuses a wrong API key on every new route", async () => {
    for (const path of ["users", "organizations/752/users", "organizations/752/folders", "organizations/752/presets"]) {
      expect((await watcher(vsaas.url, path, "wrong-key")).status).toBe(401);
    }
    expect((await watcherWrite(vsaas.url, "POST", "users", { login: "a@b.c", password: "x" }, null)).status).toBe(401);
    expect(JSON.stringify(emulator.log.entries())).not.toContain(WATCHER_KEY);
  });

  it("injects faults per Watcher route", async () => {
    emulator.faults.set("watcher.users.create", { drop: "after", times: 1 });
    await expect(watcherWrite(vsaas.url, "POST", "users", { login: "dropped@example.com", password: "x" })).rejects.toThrow();
    expect(emulator.watcher.userByLogin("dropped@example.com")).toBeDefined();
    emulator.faults.set("watcher.organization_users.index", { status: 503, times: 1 });
    expect((await watcher(vsaas.url, "organizations/752/users")).status).toBe(503);
    expect((await watcher(vsaas.url, "organizations/752/users")).status).toBe(200);
  });
});

describe("a Watcher that applies only the documented membership flag", () => {
  const narrow = useEmulator(
    new VsaasEmulator({ user: USER, password: PASSWORD, watcherApiKey: WATCHER_KEY, acceptedMemberFlags: ["can_edit_organization_cameras"] }),
    "VSAAS (narrow)",
  );
  it("ignores can_view_organization_stats and can_edit_organization_users in a membership POST", async () => {
    const org = await createOrganization(narrow.url);
    const user = (await watcherWrite(narrow.url, "POST", "users", { login: "u@example.com", password: "x" })).json as Json;
    const joined = await watcherWrite(narrow.url, "POST", `organizations/${String(org["external_id"])}/users`, {
      user_id: user["id"], can_view_organization_stats: true, can_edit_organization_users: true, can_edit_organization_cameras: true,
    });
    expect(joined.json).toMatchObject({ can_view_organization_stats: false, can_edit_organization_users: false, can_edit_organization_cameras: true });
  });
});

describe("seeding", () => {
  it("fills N subscribers the scenario's way, with shared owners, repeated titles, installers and users left in the default organization", async () => {
    const seeded = emulator.seed({ organizations: 60, usersPerOrganization: 2, sharedOwnerEvery: 10, namesakeEvery: 25, leftInDefaultEvery: 50, installerEvery: 20 });
    expect(seeded).toHaveLength(60);
    expect(new Set(seeded.map((o) => o.owner)).size).toBe(55);
    expect(new Set(seeded.map((o) => o.title)).size).toBe(58);
    const users = seeded.flatMap((o) => o.users);
    expect(users).toHaveLength(120);
    expect(users.filter((u) => u.installer)).toHaveLength(5);
    expect(users.filter((u) => u.inDefaultOrganization)).toHaveLength(2);
    const first = seeded[1]!;
    const access = emulator.watcher.access({ login: first.users[0]!.login, password: first.users[0]!.password, organizationId: first.externalId, folderId: first.folderId });
    expect(access).toMatchObject({ canLogIn: true, member: true, canViewCameras: true, organizations: [first.externalId] });
    expect(emulator.log.entries()).toEqual([]);
    // Through the admin route too.
    const more = await admin(vsaas.url, "POST", "seed", { organizations: 3, prefix: "second" });
    expect((more.json as { organizations: unknown[] }).organizations).toHaveLength(3);
  });

  it("seeds 10,000 subscribers (the bench's largest size)", () => {
    // No timing assertion: on a busy 2-core machine this takes anywhere from 1 to 10 s.
    expect(emulator.seed({ organizations: 10_000 })).toHaveLength(10_000);
  }, 60_000);
});
