import { AdminRequestError } from "../core";
import type { FolderPermission, WatcherFolder, WatcherUser } from "./vsaas-records";
import { MEMBER_FLAGS, WatcherError, type MemberFlag, type WatcherAccess, type WatcherStore } from "./vsaas-watcher-store";

/** A Watcher user as the controls show it: never the password; the API key only as "has one". */
export interface WatcherUserView {
  id: number;
  login: string;
  enabled: boolean;
  isAdmin: boolean;
  hasApikey: boolean;
  organizations: number[];
}

/**
 * Test-facing access to the Watcher that bypasses the API, to simulate what an operator does in
 * the cloud.vsaas.io web interface (add or rename a user, change a member's rights, add a folder,
 * revoke a folder right), and to answer what the API cannot: can this login see that folder?
 */
export class WatcherControls {
  constructor(private readonly store: WatcherStore) {}

  /** Every user, by id. */
  users(): WatcherUserView[] {
    return [...this.store.users.values()].sort((a, b) => a.id - b.id).map((u) => this.view(u));
  }

  user(id: number): WatcherUserView | undefined {
    const user = this.store.users.get(id);
    return user ? this.view(user) : undefined;
  }

  /** The user with this login (compared as the Watcher does, case-insensitively). */
  userByLogin(login: string): WatcherUserView | undefined {
    const user = this.store.findLogin(login);
    return user ? this.view(user) : undefined;
  }

  /** Adds a user as the web interface does: they join the default organization, like through the API. */
  addUser(login: string, password: string): WatcherUserView {
    return this.view(this.guard(() => this.store.createUser({ login, password })));
  }

  /** Changes a user behind the API's back (a login renamed, an account disabled). */
  editUser(id: number, changes: { login?: string; enabled?: boolean }): WatcherUserView {
    const user = this.existingUser(id);
    if (changes.login !== undefined) this.guard(() => this.store.renameUser(user, changes.login!));
    if (changes.enabled !== undefined) user.enabled = changes.enabled;
    return this.view(user);
  }

  deleteUser(id: number): void {
    this.guard(() => this.store.deleteUser(id));
  }

  /** The organization's members as the API lists them. */
  members(organizationId: number): Array<Record<string, unknown>> {
    return this.guard(() => this.store.renderMembers(organizationId));
  }

  /** One member as the API lists it, or undefined. */
  member(organizationId: number, userId: number): Record<string, unknown> | undefined {
    return this.members(organizationId).find((m) => m["user_id"] === userId);
  }

  addMember(organizationId: number, userId: number, flags: Partial<Record<MemberFlag, boolean>> = {}): void {
    this.guard(() => this.store.addMember(organizationId, { user_id: userId, ...flags }));
  }

  /** Changes a member's rights in place, as the web interface can (the API cannot). */
  setMemberFlags(organizationId: number, userId: number, flags: Partial<Record<MemberFlag, boolean>>): void {
    const member = this.guard(() => this.store.organization(organizationId)).members.get(userId);
    if (!member) throw new AdminRequestError(`user ${userId} is not a member of organization ${organizationId}`);
    for (const flag of MEMBER_FLAGS) if (flags[flag] !== undefined) member[flag] = flags[flag]!;
    member.can_view_organization_plists = member.can_edit_organization_plists = member.can_edit_organization_cameras;
  }

  removeMember(organizationId: number, userId: number): void {
    this.guard(() => this.store.removeMember(organizationId, userId));
  }

  /** The organization's folders as the API lists them. */
  folders(organizationId: number): Array<Record<string, unknown>> {
    return this.guard(() => this.store.renderFolders(organizationId));
  }

  addFolder(organizationId: number, title: string, parentId?: number): WatcherFolder {
    return this.guard(() => {
      this.store.organization(organizationId);
      return { ...this.store.addFolder(organizationId, title, parentId ?? null) };
    });
  }

  grantFolder(organizationId: number, folderId: number, userId: number, rights: Partial<FolderPermission> = {}): void {
    this.guard(() => this.store.grantFolder(organizationId, folderId, { user_id: userId, ...rights }));
  }

  /** Takes a folder right away, as the web interface can (the API has no way to). */
  revokeFolder(organizationId: number, folderId: number, userId: number): boolean {
    const member = this.guard(() => this.store.organization(organizationId)).members.get(userId);
    return member?.folders.delete(folderId) ?? false;
  }

  /**
   * What this login can do with one folder of one organization: log in (with this password, when
   * given), and see the folder's cameras. The acceptance question of a subscriber's setup.
   */
  access(query: { login: string; password?: string; organizationId: number; folderId: number }): WatcherAccess {
    return this.store.access(query);
  }

  private view(user: WatcherUser): WatcherUserView {
    return {
      id: user.id,
      login: user.login,
      enabled: user.enabled,
      isAdmin: user.is_admin,
      hasApikey: user.apikey !== null,
      organizations: this.store.organizationsOf(user.id),
    };
  }

  private existingUser(id: number): WatcherUser {
    const user = this.store.users.get(id);
    if (!user) throw new AdminRequestError(`Watcher user ${id} does not exist`);
    return user;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof WatcherError) throw new AdminRequestError(error.message);
      throw error;
    }
  }
}
