import { randomSecret } from "../sandbox-vendor";
import type { VsaasStore } from "./vsaas-store";

/** How {@link seedVsaas} fills the emulator. */
export interface VsaasSeedOptions {
  /** Subscriber organizations to create (each with its owner and the folder "Cameras"). */
  organizations: number;
  /** Watcher users per organization (members with a right on "Cameras"). Default 1. */
  usersPerOrganization?: number;
  /**
   * Every Nth organization has the previous one's owner (one person with two subscriptions: the
   * neighbour a lookup by owner alone would confuse). 0: never. Default 10.
   */
  sharedOwnerEvery?: number;
  /** Every Nth organization repeats the previous one's title (titles are not unique). 0: never. Default 25. */
  namesakeEvery?: number;
  /** Every Nth user stays in the default organization "Unassigned cameras" (not removed as the scenario says). 0: never. Default 50. */
  leftInDefaultEvery?: number;
  /** Every Nth user is an installer (`can_edit_organization_cameras`). 0: never. Default 20. */
  installerEvery?: number;
  /** Prefix of titles, owners and logins, so two seedings do not collide. Default `seed`. */
  prefix?: string;
  /** The billing plans every organization gets besides the default. Default [549]. */
  tariffPlanIds?: number[];
}

/** One seeded subscriber organization. */
export interface SeededOrganization {
  /** Billing id (the VsaasOrganization id). */
  id: number;
  /** Watcher id (`external_id`). */
  externalId: number;
  title: string;
  owner: string;
  /** The organization's folder "Cameras". */
  folderId: number;
  users: Array<{ id: number; login: string; password: string; installer: boolean; inDefaultOrganization: boolean }>;
}

/**
 * Fills the emulator with realistic subscribers the way the document's scenarios build them: an
 * organization in the billing (so also in the Watcher) with an owner and plans, then per user
 * "create the user, add them to the organization, grant them the folder, remove them from the
 * default organization" — with neighbours: owners shared between organizations, repeated titles,
 * installers, and users the scenario's last step was forgotten for. Goes straight to the store
 * (no HTTP, no request log), linear in N: 10,000 subscribers take a second or two.
 */
export function seedVsaas(store: VsaasStore, options: VsaasSeedOptions): SeededOrganization[] {
  const perOrg = options.usersPerOrganization ?? 1;
  const sharedOwnerEvery = options.sharedOwnerEvery ?? 10;
  const namesakeEvery = options.namesakeEvery ?? 25;
  const leftEvery = options.leftInDefaultEvery ?? 50;
  const installerEvery = options.installerEvery ?? 20;
  const prefix = options.prefix ?? "seed";
  const every = (n: number, i: number) => n > 0 && i > 0 && i % n === 0;
  const fallback = store.watcher.defaultOrganization();
  const seeded: SeededOrganization[] = [];
  let userIndex = 0;
  for (let i = 0; i < options.organizations; i++) {
    const previous = seeded[i - 1];
    const title = every(namesakeEvery, i) && previous ? previous.title : `${prefix} subscriber ${i}`;
    const owner = every(sharedOwnerEvery, i) && previous ? previous.owner : `${prefix}-owner-${i}@example.org`;
    const record = store.createOrganization({ title, owner, tariff_plans: options.tariffPlanIds ?? [549] });
    const folder = store.watcher.foldersOf(record.external_id)[0]!;
    const org: SeededOrganization = { id: record.id, externalId: record.external_id, title, owner, folderId: folder.id, users: [] };
    for (let u = 0; u < perOrg; u++, userIndex++) {
      const login = `${prefix}-user-${i}-${u}@example.org`;
      const password = randomSecret();
      const installer = every(installerEvery, userIndex);
      const user = store.watcher.createUser({ login, password });
      store.watcher.addMember(record.external_id, { user_id: user.id, can_edit_organization_cameras: installer });
      store.watcher.grantFolder(record.external_id, folder.id, { user_id: user.id, can_view_dvr: 1, can_use_ptz: installer ? 1 : 0, can_use_actions: 0, dvr_depth_limit: null });
      const inDefault = every(leftEvery, userIndex);
      if (!inDefault && fallback) store.watcher.removeMember(fallback.id, user.id);
      org.users.push({ id: user.id, login, password, installer, inDefaultOrganization: inDefault });
    }
    seeded.push(org);
  }
  return seeded;
}
