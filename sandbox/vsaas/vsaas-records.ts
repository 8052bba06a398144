/**
 * The objects of the VSAAS.IO billing (my.vsaas.io API v1) and the Flussonic Watcher cloud
 * (cloud.vsaas.io API v2) as the emulator keeps them, and how the documents render them.
 */

/** A billing tariff plan. `isDefault` is the emulator's own mark: the document's answers do not show it. */
export interface VsaasTariffPlan {
  id: number;
  name: string;
  /** `DD/MM/YYYY`, as the document shows it. */
  date_from: string;
  /** `"100.0 USD"`, as the document shows it. */
  full_price: string;
  status: string;
  /** The Watcher preset id. */
  external_id: number;
  isDefault: boolean;
  /** Days of archive of the plan's Watcher preset (`preset.dvr_depth`); the emulator's own, default 0. */
  dvrDepth?: number;
}

/** A billing organization. */
export interface VsaasOrganizationRecord {
  id: number;
  title: string;
  ownerId: number;
  discount: string;
  trial_expired_at: string;
  /** The Watcher organization id. */
  external_id: number;
  /** Plan ids in the order the billing lists them (the default first, then as requested). */
  tariffPlanIds: number[];
}

/** A billing user of the domain (an organization owner); also a Watcher user (`watcherId`). */
export interface VsaasUser {
  id: number;
  email: string;
  /** The Watcher user id. */
  watcherId: number;
}

/** A Watcher organization (API v2 shape, minus the counters the emulator computes), with its members. */
export interface WatcherOrganization {
  id: number;
  title: string;
  ownerWatcherId: number;
  ownerLogin: string;
  is_default: boolean;
  /** User id → membership. */
  members: Map<number, WatcherMember>;
}

/** The tariff plan answer shape of the document (`GET /api/v1/tariff_plans`, inside organizations). */
export function renderTariffPlan(plan: VsaasTariffPlan): Record<string, unknown> {
  return {
    id: plan.id,
    name: plan.name,
    date_from: plan.date_from,
    full_price: plan.full_price,
    status: plan.status,
    external_id: plan.external_id,
  };
}

/** Default catalogue: the document's two plans plus its "My demo plan"; 548 "Default" is the domain default. */
export const DEFAULT_TARIFF_PLANS: readonly VsaasTariffPlan[] = [
  { id: 548, name: "Default", date_from: "27/04/2024", full_price: "0.0 USD", status: "Active", external_id: 391, isDefault: true },
  { id: 549, name: "Test plan", date_from: "27/04/2024", full_price: "100.0 USD", status: "Active", external_id: 392, isDefault: false, dvrDepth: 1 },
  { id: 550, name: "My demo plan", date_from: "02/05/2024", full_price: "1500.0 USD", status: "Active", external_id: 393, isDefault: false, dvrDepth: 3 },
];

/**
 * A Watcher user (cloud.vsaas.io API v2). Organization owners the billing creates are Watcher users
 * too (the document's owner of "Unassigned cameras" has Watcher id 1179).
 */
export interface WatcherUser {
  id: number;
  login: string;
  /** sha256 of the password with a per-user salt; null for users made without one (owners the billing invited). */
  passwordHash: string | null;
  salt: string;
  /**
   * The user's own API key. The document's list answer shows one for some users and null for
   * others, and the create answer shows null: the sandbox gives every user a key right after the
   * create, so the list carries keys and the create answer does not.
   */
  apikey: string | null;
  is_admin: boolean;
  enabled: boolean;
  readonly: boolean;
  name: string | null;
  locale: string;
  can_edit_organizations: boolean;
  can_edit_settings: boolean;
  can_view_organizations: boolean;
}

/** One user's rights on one folder (POST .../folders/{folder}/users). */
export interface FolderPermission {
  can_view_dvr: boolean;
  can_use_ptz: boolean;
  can_use_actions: boolean;
  /** Days of archive the user may watch; null: as deep as the archive goes. */
  dvr_depth_limit: number | null;
}

/** A user's membership of a Watcher organization, with its rights and folder permissions. */
export interface WatcherMember {
  userId: number;
  can_edit_organization_cameras: boolean;
  can_edit_organization_users: boolean;
  can_view_organization_stats: boolean;
  can_view_organization_plists: boolean;
  can_edit_organization_plists: boolean;
  /** Folder id → rights. */
  folders: Map<number, FolderPermission>;
}

/** A camera folder of a Watcher organization; every organization has "Cameras" from its creation on. */
export interface WatcherFolder {
  id: number;
  organization_id: number;
  title: string;
  parent_id: number | null;
  level: number;
  order_num: number;
}

/** The Watcher user answer shape of the document (`GET /vsaas/api/v2/users`, `POST /users`). */
export function renderWatcherUser(user: WatcherUser, domainId: number, organizations: number[], withApikey: boolean): Record<string, unknown> {
  return {
    id: user.id,
    domain_id: domainId,
    login: user.login,
    apikey: withApikey ? user.apikey : null,
    is_admin: user.is_admin,
    authorized_ip: null,
    enabled: user.enabled,
    readonly: user.readonly,
    monitoring: false,
    name: user.name,
    locale: user.locale,
    note: null,
    phone: null,
    notification_email: null,
    external_id: null,
    max_sessions: null,
    can_edit_organizations: user.can_edit_organizations,
    can_edit_settings: user.can_edit_settings,
    can_view_organizations: user.can_view_organizations,
    organizations,
  };
}

/**
 * One element of `folders_permissions[]` in the member list. The document only ever shows the
 * array empty; the sandbox assumes the element is the POST answer's rights plus the folder's id.
 */
export function renderFolderPermission(folderId: number, permission: FolderPermission): Record<string, unknown> {
  return { folder_id: folderId, ...permission };
}

/** The member answer shape of the document (`GET/POST /vsaas/api/v2/organizations/{id}/users`). */
export function renderMember(member: WatcherMember, login: string): Record<string, unknown> {
  return {
    notification_email: null,
    can_view_organization_stats: member.can_view_organization_stats,
    can_view_organization_plists: member.can_view_organization_plists,
    login,
    can_edit_organization_cameras: member.can_edit_organization_cameras,
    can_edit_organization_plists: member.can_edit_organization_plists,
    user_id: member.userId,
    folders_permissions: [...member.folders].sort(([a], [b]) => a - b).map(([folderId, p]) => renderFolderPermission(folderId, p)),
    can_edit_organization_users: member.can_edit_organization_users,
  };
}

/** The folder answer shape of the document (`GET /vsaas/api/v2/organizations/{id}/folders`). */
export function renderFolder(folder: WatcherFolder, cameraCount = 0): Record<string, unknown> {
  return {
    level: folder.level,
    camera_count: cameraCount,
    organization_id: folder.organization_id,
    parent_id: folder.parent_id,
    map_topleft: null,
    id: folder.id,
    title: folder.title,
    map_bottomleft: null,
    order_num: folder.order_num,
    map_topright: null,
    coordinates: null,
  };
}

/** The preset answer shape of the document (`GET /vsaas/api/v2/organizations/{id}/presets`): a billing plan as the Watcher sees it. */
export function renderPreset(plan: VsaasTariffPlan, watcherDomainId: number): Record<string, unknown> {
  return {
    organization_id: null,
    preset: {
      dvr_depth: plan.dvrDepth ?? 0,
      dvr_lock_days: null,
      vision_params: {},
      vision_gpu: null,
      vision_alg: null,
      is_deleted: false,
      vision_enabled: null,
      is_adjustable: false,
      precise_thumbnails_days: 0,
      id: plan.external_id,
      title: plan.name,
      dvr_space: null,
      vision_areas: null,
    },
    domain_id: watcherDomainId,
    id: null,
    preset_id: plan.external_id,
  };
}
