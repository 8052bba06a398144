import { createHash, randomBytes } from "node:crypto";
import { sameSecret } from "../core";
import {
  renderFolder,
  renderMember,
  renderWatcherUser,
  type FolderPermission,
  type WatcherFolder,
  type WatcherMember,
  type WatcherOrganization,
  type WatcherUser,
} from "./vsaas-records";

/**
 * A Watcher refusal: the HTTP status and the `error_message` the answer carries. The document
 * shows no Watcher error answer; design.md notes its errors "may come as `error_message`", so the
 * sandbox answers every refusal as `{"error_message": "..."}` with the status a REST backend picks.
 */
export class WatcherError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The rights a membership POST may set (`acceptedMemberFlags` narrows it, to test what the document leaves open). */
export const MEMBER_FLAGS = ["can_edit_organization_cameras", "can_edit_organization_users", "can_view_organization_stats"] as const;
export type MemberFlag = (typeof MEMBER_FLAGS)[number];

export interface WatcherStoreSettings {
  /** The Watcher's domain id in answers (the document: 143 for organizations, 111 for users; one id here). */
  watcherDomainId: number;
  /**
   * The membership flags a POST applies. The document shows only `can_edit_organization_cameras`
   * in a request; its list of rights names `can_edit_organization_users` and
   * `can_view_organization_stats` too. Default: all three are applied.
   */
  acceptedMemberFlags?: readonly MemberFlag[];
}

/** What the sandbox can tell about one user and one folder: the question a subscriber's login answers. */
export interface WatcherAccess {
  /** A user with this login exists, is enabled, and (when a password was given) the password is right. */
  canLogIn: boolean;
  userId?: number;
  /** The user is a member of the organization. */
  member: boolean;
  /** The user's rights on the folder, when they have any. */
  folder?: FolderPermission;
  /** What the Watcher shows the user: the folder's cameras (member + a permission on the folder). */
  canViewCameras: boolean;
  /** Every organization the user belongs to. */
  organizations: number[];
}

/**
 * The Flussonic Watcher side of the sandbox (cloud.vsaas.io API v2): users, organizations with
 * their members, folders and folder permissions. The billing creates and deletes organizations
 * here; everything else arrives through the Watcher API or the admin controls.
 */
export class WatcherStore {
  users = new Map<number, WatcherUser>();
  organizations = new Map<number, WatcherOrganization>();
  folders = new Map<number, WatcherFolder>();
  nextUserId = 0;
  nextFolderId = 0;
  private readonly accepted: ReadonlySet<MemberFlag>;
  // Indexes, so that seeding and listing 10,000 subscribers stay linear.
  private readonly byLogin = new Map<string, number>();
  private readonly userOrganizations = new Map<number, Set<number>>();
  private readonly organizationFolders = new Map<number, number[]>();
  private defaultOrganizationId: number | undefined;

  constructor(private readonly settings: WatcherStoreSettings) {
    this.accepted = new Set(settings.acceptedMemberFlags ?? MEMBER_FLAGS);
  }

  get domainId(): number {
    return this.settings.watcherDomainId;
  }

  reset(): void {
    this.users.clear();
    this.organizations.clear();
    this.folders.clear();
    this.byLogin.clear();
    this.userOrganizations.clear();
    this.organizationFolders.clear();
    this.defaultOrganizationId = undefined;
    this.nextUserId = 1179;
    this.nextFolderId = 1155;
  }

  /** The domain's default organization ("Unassigned cameras"), which every new user joins. */
  defaultOrganization(): WatcherOrganization | undefined {
    return this.defaultOrganizationId === undefined ? undefined : this.organizations.get(this.defaultOrganizationId);
  }

  // ---- users -------------------------------------------------------------------------------

  /**
   * POST /users: `login` and `password` are required; the login is unique. The document calls it
   * "уникальный логин" without saying how a taken one is refused: the sandbox compares logins
   * case-insensitively (they are e-mail addresses in every example) and answers 400 with
   * `error_message` "... already exists". The new user joins the default organization (the
   * document: "автоматически привязывается к организации по умолчанию Unassigned cameras").
   */
  createUser(body: Record<string, unknown>): WatcherUser {
    const login = body["login"];
    const password = body["password"];
    if (typeof login !== "string" || login.trim() === "") throw new WatcherError(400, "login: this field is required");
    if (typeof password !== "string" || password === "") throw new WatcherError(400, "password: this field is required");
    if (this.findLogin(login)) throw new WatcherError(400, `User with login ${JSON.stringify(login)} already exists`);
    const user = this.addUser(login, password, {});
    const fallback = this.defaultOrganization();
    if (fallback) this.setMember(fallback, emptyMember(user.id));
    return user;
  }

  /** A user without the API's checks (owners the billing invites, the administrator, seeding). */
  addUser(login: string, password: string | null, extra: Partial<WatcherUser>): WatcherUser {
    const salt = randomBytes(8).toString("hex");
    const user: WatcherUser = {
      id: this.nextUserId++,
      login,
      salt,
      passwordHash: password === null ? null : hash(salt, password),
      apikey: randomBytes(12).toString("base64url"),
      is_admin: false,
      enabled: true,
      readonly: false,
      name: null,
      locale: "",
      can_edit_organizations: false,
      can_edit_settings: false,
      can_view_organizations: false,
      ...extra,
    };
    this.users.set(user.id, user);
    this.byLogin.set(login.toLowerCase(), user.id);
    return user;
  }

  findLogin(login: string): WatcherUser | undefined {
    const id = this.byLogin.get(login.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  /** Changes a login (the web interface can; the API cannot). */
  renameUser(user: WatcherUser, login: string): void {
    if (this.findLogin(login) && this.findLogin(login) !== user) throw new WatcherError(400, `User with login ${JSON.stringify(login)} already exists`);
    this.byLogin.delete(user.login.toLowerCase());
    user.login = login;
    this.byLogin.set(login.toLowerCase(), user.id);
  }

  /** DELETE /users/{id}: the user and every membership. An organization's owner cannot be deleted. */
  deleteUser(id: number): void {
    if (!this.users.has(id)) throw new WatcherError(404, "User not found");
    const owned = [...this.organizations.values()].filter((o) => o.ownerWatcherId === id);
    if (owned.length > 0) throw new WatcherError(400, `User owns organization ${owned.map((o) => o.id).join(", ")} and cannot be deleted`);
    const user = this.users.get(id)!;
    for (const orgId of [...(this.userOrganizations.get(id) ?? [])]) this.dropMember(this.organizations.get(orgId)!, id);
    this.users.delete(id);
    this.byLogin.delete(user.login.toLowerCase());
    this.userOrganizations.delete(id);
  }

  organizationsOf(userId: number): number[] {
    return [...(this.userOrganizations.get(userId) ?? [])].sort((a, b) => a - b);
  }

  renderUser(user: WatcherUser, withApikey: boolean): Record<string, unknown> {
    return renderWatcherUser(user, this.settings.watcherDomainId, this.organizationsOf(user.id), withApikey);
  }

  /** Whether the password opens this user's account (what logging in to the web interface checks). */
  passwordMatches(user: WatcherUser, password: string): boolean {
    return user.passwordHash !== null && sameSecret(hash(user.salt, password), user.passwordHash);
  }

  // ---- organizations and members ----------------------------------------------------------

  /** A new organization (from the billing, or the domain's default one) with its owner as a full member and the folder "Cameras". */
  addOrganization(org: { id: number; title: string; ownerWatcherId: number; ownerLogin: string; is_default: boolean }): WatcherOrganization {
    const record: WatcherOrganization = { ...org, members: new Map() };
    this.organizations.set(org.id, record);
    if (org.is_default) this.defaultOrganizationId = org.id;
    this.setMember(record, ownerMember(org.ownerWatcherId));
    this.addFolder(org.id, "Cameras");
    return record;
  }

  deleteOrganization(id: number): void {
    const org = this.organizations.get(id);
    if (!org) return;
    for (const userId of [...org.members.keys()]) this.dropMember(org, userId);
    this.organizations.delete(id);
    for (const folderId of this.organizationFolders.get(id) ?? []) this.folders.delete(folderId);
    this.organizationFolders.delete(id);
  }

  /** The folders of an organization, in their order. */
  foldersOf(orgId: number): WatcherFolder[] {
    return (this.organizationFolders.get(orgId) ?? []).map((id) => this.folders.get(id)!).sort((a, b) => a.order_num - b.order_num);
  }

  organization(id: number): WatcherOrganization {
    const org = this.organizations.get(id);
    if (!org) throw new WatcherError(404, "Organization not found");
    return org;
  }

  /**
   * POST /organizations/{id}/users: joins a user with the flags sent (the accepted ones). The
   * document's installer example answers `can_view_organization_plists` and
   * `can_edit_organization_plists` true along with `can_edit_organization_cameras`: they follow
   * that flag. A user who is already a member is refused (400), as the document shows no upsert.
   */
  addMember(orgId: number, body: Record<string, unknown>): WatcherMember {
    const org = this.organization(orgId);
    const userId = integerOf(body["user_id"]);
    if (userId === undefined) throw new WatcherError(400, "user_id: this field is required");
    if (!this.users.has(userId)) throw new WatcherError(400, `user_id: user ${userId} does not exist`);
    if (org.members.has(userId)) throw new WatcherError(400, "User is already a member of this organization");
    const member = emptyMember(userId);
    for (const flag of this.accepted) {
      const value = booleanOf(body[flag]);
      if (value !== undefined) member[flag] = value;
    }
    member.can_view_organization_plists = member.can_edit_organization_cameras;
    member.can_edit_organization_plists = member.can_edit_organization_cameras;
    this.setMember(org, member);
    return member;
  }

  /** DELETE /organizations/{id}/users/{user}: the membership and with it the user's folder permissions there. */
  removeMember(orgId: number, userId: number): void {
    const org = this.organization(orgId);
    if (!org.members.has(userId)) throw new WatcherError(404, "User is not a member of this organization");
    if (org.ownerWatcherId === userId) throw new WatcherError(400, "The owner cannot be removed from the organization");
    this.dropMember(org, userId);
  }

  private setMember(org: WatcherOrganization, member: WatcherMember): void {
    org.members.set(member.userId, member);
    let orgs = this.userOrganizations.get(member.userId);
    if (!orgs) this.userOrganizations.set(member.userId, (orgs = new Set()));
    orgs.add(org.id);
  }

  private dropMember(org: WatcherOrganization, userId: number): void {
    org.members.delete(userId);
    this.userOrganizations.get(userId)?.delete(org.id);
  }

  renderMembers(orgId: number): Array<Record<string, unknown>> {
    const org = this.organization(orgId);
    return [...org.members.values()].map((m) => renderMember(m, this.users.get(m.userId)?.login ?? ""));
  }

  // ---- folders ------------------------------------------------------------------------------

  addFolder(orgId: number, title: string, parentId: number | null = null): WatcherFolder {
    const siblings = this.organizationFolders.get(orgId) ?? [];
    const parent = parentId === null ? undefined : this.folders.get(parentId);
    const folder: WatcherFolder = {
      id: this.nextFolderId++,
      organization_id: orgId,
      title,
      parent_id: parent ? parent.id : null,
      level: parent ? parent.level + 1 : 0,
      order_num: siblings.length + 1,
    };
    this.folders.set(folder.id, folder);
    this.organizationFolders.set(orgId, [...siblings, folder.id]);
    return folder;
  }

  renderFolders(orgId: number): Array<Record<string, unknown>> {
    this.organization(orgId);
    return this.foldersOf(orgId).map((f) => renderFolder(f));
  }

  /**
   * POST /organizations/{id}/folders/{folder}/users: sets the user's rights on the folder. The
   * document shows 1/null in the request and booleans in the answer; absent rights are false. The
   * document shows no update: the sandbox assumes a second POST for the same user replaces the
   * rights (a grant, not an append). Only members get folder rights (400 otherwise).
   */
  grantFolder(orgId: number, folderId: number, body: Record<string, unknown>): { userId: number; permission: FolderPermission } {
    const org = this.organization(orgId);
    const folder = this.folders.get(folderId);
    if (!folder || folder.organization_id !== orgId) throw new WatcherError(404, "Folder not found");
    const userId = integerOf(body["user_id"]);
    if (userId === undefined) throw new WatcherError(400, "user_id: this field is required");
    const member = org.members.get(userId);
    if (!member) throw new WatcherError(400, "User is not a member of this organization");
    const depth = body["dvr_depth_limit"];
    if (depth !== undefined && depth !== null && integerOf(depth) === undefined) throw new WatcherError(400, "dvr_depth_limit: a whole number of days or null");
    const permission: FolderPermission = {
      can_view_dvr: booleanOf(body["can_view_dvr"]) ?? false,
      can_use_ptz: booleanOf(body["can_use_ptz"]) ?? false,
      can_use_actions: booleanOf(body["can_use_actions"]) ?? false,
      dvr_depth_limit: depth === undefined || depth === null ? null : integerOf(depth)!,
    };
    member.folders.set(folderId, permission);
    return { userId, permission };
  }

  /** What a login sees of one folder (the sandbox's answer to "can this subscriber watch these cameras?"). */
  access(query: { login: string; password?: string; organizationId: number; folderId: number }): WatcherAccess {
    const user = this.findLogin(query.login);
    if (!user) return { canLogIn: false, member: false, canViewCameras: false, organizations: [] };
    const canLogIn = user.enabled && (query.password === undefined || this.passwordMatches(user, query.password));
    const member = this.organizations.get(query.organizationId)?.members.get(user.id);
    const folder = this.folders.get(query.folderId)?.organization_id === query.organizationId ? member?.folders.get(query.folderId) : undefined;
    return {
      canLogIn,
      userId: user.id,
      member: member !== undefined,
      ...(folder ? { folder: { ...folder } } : {}),
      canViewCameras: canLogIn && folder !== undefined,
      organizations: this.organizationsOf(user.id),
    };
  }
}

function hash(salt: string, password: string): string {
  return createHash("sha256").update(`${salt}\u0000${password}`, "utf8").digest("hex");
}

function emptyMember(userId: number): WatcherMember {
  return {
    userId,
    can_edit_organization_cameras: false,
    can_edit_organization_users: false,
    can_view_organization_stats: false,
    can_view_organization_plists: false,
    can_edit_organization_plists: false,
    folders: new Map(),
  };
}

/** The owner's membership, as the document's list shows `demo@example.org`: every right. */
function ownerMember(userId: number): WatcherMember {
  return {
    userId,
    can_edit_organization_cameras: true,
    can_edit_organization_users: true,
    can_view_organization_stats: true,
    can_view_organization_plists: true,
    can_edit_organization_plists: true,
    folders: new Map(),
  };
}

/** 1/0, "1"/"0", true/false (the document sends 1 and answers true). */
function booleanOf(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false") return false;
  return undefined;
}

function integerOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
