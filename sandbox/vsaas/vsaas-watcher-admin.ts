import { ADMIN_PREFIX, AdminRequestError, jsonObjectOf, jsonResponse, type Route, type SandboxRequest } from "../core";
import type { FolderPermission } from "./vsaas-records";
import type { SeededOrganization, VsaasSeedOptions } from "./vsaas-seed";
import type { WatcherControls } from "./vsaas-watcher-controls";
import { MEMBER_FLAGS, type MemberFlag } from "./vsaas-watcher-store";

/**
 * Admin routes of the Watcher side (under `/__sandbox/watcher/`), for tests that drive the
 * emulator from another process: changes "made in the web interface", the access question
 * (`POST /__sandbox/watcher/access`) and seeding (`POST /__sandbox/seed`).
 */
export function watcherAdminRoutes(watcher: WatcherControls, seed: (options: VsaasSeedOptions) => SeededOrganization[]): Route[] {
  const base = `${ADMIN_PREFIX}/watcher`;
  const num = (r: SandboxRequest, key: string) => Number(r.pathParams[key]);
  const path = (rest: string) => new RegExp(`^${base}${rest}$`);
  const flagsOf = (body: Record<string, unknown>) =>
    Object.fromEntries(MEMBER_FLAGS.filter((f) => typeof body[f] === "boolean").map((f) => [f, body[f]])) as Partial<Record<MemberFlag, boolean>>;
  const text = (body: Record<string, unknown>, key: string) => {
    const value = body[key];
    if (typeof value !== "string") throw new AdminRequestError(`expected {"${key}": string}`);
    return value;
  };
  const integer = (body: Record<string, unknown>, key: string) => {
    const value = body[key];
    if (typeof value !== "number" || !Number.isInteger(value)) throw new AdminRequestError(`expected {"${key}": integer}`);
    return value;
  };
  return [
    { name: "admin.watcher.users", method: "GET", path: `${base}/users`, handler: () => jsonResponse(200, { users: watcher.users() }) },
    {
      name: "admin.watcher.users.add",
      method: "POST",
      path: `${base}/users`,
      handler: (r) => {
        const body = jsonObjectOf(r);
        return jsonResponse(200, watcher.addUser(text(body, "login"), text(body, "password")));
      },
    },
    {
      name: "admin.watcher.users.edit",
      method: "PATCH",
      path: path("/users/(?<user>\\d+)"),
      handler: (r) => {
        const body = jsonObjectOf(r);
        const changes: { login?: string; enabled?: boolean } = {};
        if (body["login"] !== undefined) changes.login = text(body, "login");
        if (typeof body["enabled"] === "boolean") changes.enabled = body["enabled"];
        return jsonResponse(200, watcher.editUser(num(r, "user"), changes));
      },
    },
    {
      name: "admin.watcher.users.delete",
      method: "DELETE",
      path: path("/users/(?<user>\\d+)"),
      handler: (r) => {
        watcher.deleteUser(num(r, "user"));
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.watcher.members",
      method: "GET",
      path: path("/organizations/(?<org>\\d+)/users"),
      handler: (r) => jsonResponse(200, { members: watcher.members(num(r, "org")) }),
    },
    {
      name: "admin.watcher.members.add",
      method: "POST",
      path: path("/organizations/(?<org>\\d+)/users"),
      handler: (r) => {
        const body = jsonObjectOf(r);
        watcher.addMember(num(r, "org"), integer(body, "user_id"), flagsOf(body));
        return jsonResponse(200, watcher.member(num(r, "org"), integer(body, "user_id")));
      },
    },
    {
      name: "admin.watcher.members.edit",
      method: "PATCH",
      path: path("/organizations/(?<org>\\d+)/users/(?<user>\\d+)"),
      handler: (r) => {
        watcher.setMemberFlags(num(r, "org"), num(r, "user"), flagsOf(jsonObjectOf(r)));
        return jsonResponse(200, watcher.member(num(r, "org"), num(r, "user")));
      },
    },
    {
      name: "admin.watcher.members.delete",
      method: "DELETE",
      path: path("/organizations/(?<org>\\d+)/users/(?<user>\\d+)"),
      handler: (r) => {
        watcher.removeMember(num(r, "org"), num(r, "user"));
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.watcher.folders.add",
      method: "POST",
      path: path("/organizations/(?<org>\\d+)/folders"),
      handler: (r) => jsonResponse(200, watcher.addFolder(num(r, "org"), text(jsonObjectOf(r), "title"))),
    },
    {
      name: "admin.watcher.folderUsers.grant",
      method: "POST",
      path: path("/organizations/(?<org>\\d+)/folders/(?<folder>\\d+)/users"),
      handler: (r) => {
        const body = jsonObjectOf(r);
        const { user_id: _, ...rights } = body;
        watcher.grantFolder(num(r, "org"), num(r, "folder"), integer(body, "user_id"), rights as Partial<FolderPermission>);
        return jsonResponse(200, watcher.member(num(r, "org"), integer(body, "user_id")));
      },
    },
    {
      name: "admin.watcher.folderUsers.revoke",
      method: "DELETE",
      path: path("/organizations/(?<org>\\d+)/folders/(?<folder>\\d+)/users/(?<user>\\d+)"),
      handler: (r) =>
        watcher.revokeFolder(num(r, "org"), num(r, "folder"), num(r, "user"))
          ? jsonResponse(200, { ok: true })
          : jsonResponse(404, { error: "the user has no right on that folder" }),
    },
    {
      name: "admin.watcher.access",
      method: "POST",
      path: `${base}/access`,
      handler: (r) => {
        const body = jsonObjectOf(r);
        const password = body["password"] === undefined ? undefined : text(body, "password");
        return jsonResponse(200, watcher.access({ login: text(body, "login"), ...(password === undefined ? {} : { password }), organizationId: integer(body, "organizationId"), folderId: integer(body, "folderId") }));
      },
    },
    {
      name: "admin.seed",
      method: "POST",
      path: `${ADMIN_PREFIX}/seed`,
      handler: (r) => {
        const body = jsonObjectOf(r);
        const organizations = integer(body, "organizations");
        if (organizations < 0 || organizations > 100_000) throw new AdminRequestError("organizations: 0 to 100000");
        return jsonResponse(200, { organizations: seed({ ...(body as Partial<VsaasSeedOptions>), organizations }) });
      },
    },
  ];
}
