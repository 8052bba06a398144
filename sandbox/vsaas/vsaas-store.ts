import { renderTariffPlan, type VsaasOrganizationRecord, type VsaasTariffPlan, type VsaasUser, type WatcherOrganization } from "./vsaas-records";
import { WatcherStore, type MemberFlag } from "./vsaas-watcher-store";

/** Field messages of a rejected write, as a Rails backend renders them: `{ "title": ["can't be blank"] }`. */
export class VsaasValidationError extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super(Object.entries(errors).map(([field, messages]) => `${field} ${messages.join(", ")}`).join("; "));
  }
}

export interface VsaasStoreSettings {
  domainId: number;
  domainTitle: string;
  /** The X-USER admin; also a user of the domain. */
  adminEmail: string;
  watcherDomainId: number;
  tariffPlans: readonly VsaasTariffPlan[];
  firstOrganizationId: number;
  firstExternalId: number;
  /** See {@link WatcherStoreSettings.acceptedMemberFlags}. */
  acceptedMemberFlags?: readonly MemberFlag[];
}

/**
 * Devise's default e-mail check (`/\A[^@\s]+@[^@\s]+\z/`); the document only says `owner` is an
 * e-mail address, so the sandbox accepts what Rails apps usually accept.
 */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** The billing and the Watcher cloud in memory. One store per emulator. */
export class VsaasStore {
  plans: VsaasTariffPlan[] = [];
  organizations = new Map<number, VsaasOrganizationRecord>();
  users: VsaasUser[] = [];
  /** The Watcher (cloud.vsaas.io): users, organizations with their members, folders. */
  readonly watcher: WatcherStore;
  private usersByEmail = new Map<string, VsaasUser>();
  private usersById = new Map<number, VsaasUser>();
  /** Addresses the billing "sent" an invitation to (owners that did not exist yet). */
  invitations: string[] = [];
  nextOrganizationId = 0;
  nextExternalId = 0;
  private nextUserId = 0;

  constructor(private readonly settings: VsaasStoreSettings) {
    this.watcher = new WatcherStore({ watcherDomainId: settings.watcherDomainId, acceptedMemberFlags: settings.acceptedMemberFlags });
    this.reset();
  }

  /** The Watcher organizations by id (each billing organization's `external_id`, plus the default one). */
  get watcherOrganizations(): Map<number, WatcherOrganization> {
    return this.watcher.organizations;
  }

  reset(): void {
    const s = this.settings;
    this.plans = s.tariffPlans.map((plan) => ({ ...plan }));
    if (this.plans.filter((plan) => plan.isDefault).length !== 1) throw new Error("the sandbox needs exactly one default tariff plan");
    this.organizations.clear();
    this.watcher.reset();
    this.invitations = [];
    this.nextUserId = 410;
    this.users = [];
    this.usersByEmail.clear();
    this.usersById.clear();
    const admin = this.userFor(s.adminEmail, false);
    const adminInWatcher = this.watcher.users.get(admin.watcherId)!;
    adminInWatcher.is_admin = true;
    adminInWatcher.can_edit_organizations = adminInWatcher.can_edit_settings = adminInWatcher.can_view_organizations = true;
    this.nextOrganizationId = s.firstOrganizationId;
    this.nextExternalId = s.firstExternalId;
    // Every Watcher domain has the default organization "Unassigned cameras" (the document's list shows it).
    this.watcher.addOrganization({ id: 752, title: "Unassigned cameras", ownerWatcherId: admin.watcherId, ownerLogin: admin.email, is_default: true });
  }

  defaultPlan(): VsaasTariffPlan {
    return this.plans.find((plan) => plan.isDefault)!;
  }

  /**
   * POST /api/v1/organizations: creates the organization in the billing and in the Watcher. The
   * organization gets the domain's default plan besides the requested ones (the document: "создаётся
   * ... с тарифом по умолчанию Default"). An unknown owner address becomes a new invited user.
   */
  createOrganization(fields: Record<string, unknown>): VsaasOrganizationRecord {
    const errors: Record<string, string[]> = {};
    const title = fields["title"];
    if (title !== undefined && title !== null && typeof title !== "string") addError(errors, "title", "must be a string");
    else if (typeof title !== "string" || title.trim() === "") addError(errors, "title", "can't be blank");
    const owner = fields["owner"];
    if (owner === undefined || owner === null || owner === "") addError(errors, "owner", "can't be blank");
    else if (typeof owner !== "string" || !EMAIL.test(owner.trim())) addError(errors, "owner", "is invalid");
    const plans = this.validatePlanIds(fields["tariff_plans"], errors);
    if (Object.keys(errors).length > 0) throw new VsaasValidationError(errors);
    const user = this.userFor((owner as string).trim(), true);
    const record: VsaasOrganizationRecord = {
      id: this.nextOrganizationId++,
      title: title as string,
      ownerId: user.id,
      discount: "0%",
      trial_expired_at: "",
      external_id: this.nextExternalId++,
      tariffPlanIds: this.withDefault(plans),
    };
    this.organizations.set(record.id, record);
    this.watcher.addOrganization({ id: record.external_id, title: record.title, ownerWatcherId: user.watcherId, ownerLogin: user.email, is_default: false });
    return record;
  }

  /**
   * PUT /api/v1/organizations/{id}: replaces the organization's plans. The default plan always stays
   * (the document: an empty list removes every plan "кроме тарифа по умолчанию"). Other fields are
   * not changeable through the API and are ignored, as Rails strong parameters ignore them.
   */
  updateOrganization(id: number, fields: Record<string, unknown>): VsaasOrganizationRecord | undefined {
    const record = this.organizations.get(id);
    if (!record) return undefined;
    if (!("tariff_plans" in fields)) return record;
    const errors: Record<string, string[]> = {};
    const plans = this.validatePlanIds(fields["tariff_plans"], errors);
    if (Object.keys(errors).length > 0) throw new VsaasValidationError(errors);
    record.tariffPlanIds = this.withDefault(plans);
    return record;
  }

  /** DELETE: the billing organization and its Watcher organization. */
  deleteOrganization(id: number): boolean {
    const record = this.organizations.get(id);
    if (!record) return false;
    this.organizations.delete(id);
    this.watcher.deleteOrganization(record.external_id);
    return true;
  }

  /** The document's organization answer shape. */
  render(record: VsaasOrganizationRecord): Record<string, unknown> {
    const owner = this.userById(record.ownerId)!;
    return {
      id: record.id,
      title: record.title,
      domain: { id: this.settings.domainId, title: this.settings.domainTitle },
      owner: { id: owner.id, email: owner.email },
      discount: record.discount,
      trial_expired_at: record.trial_expired_at,
      external_id: record.external_id,
      tariff_plans: record.tariffPlanIds.map((planId) => renderTariffPlan(this.plans.find((plan) => plan.id === planId)!)),
    };
  }

  /**
   * The billing plans of a Watcher organization (its presets: a plan's `external_id` is the
   * preset id): those of the billing organization with this `external_id`, or the domain's default
   * plan for an organization the billing does not have (the default "Unassigned cameras").
   */
  plansOfWatcherOrganization(watcherId: number): VsaasTariffPlan[] {
    const record = [...this.organizations.values()].find((o) => o.external_id === watcherId);
    const ids = record ? record.tariffPlanIds : [this.defaultPlan().id];
    return ids.map((id) => this.plans.find((plan) => plan.id === id)!);
  }

  /** The Watcher API v2 organization shape. */
  renderWatcher(org: WatcherOrganization): Record<string, unknown> {
    return {
      domain: { title: this.settings.domainTitle, id: this.settings.watcherDomainId },
      title: org.title,
      mosaic_count: 0,
      camera_count: 0,
      owner: { login: org.ownerLogin, id: org.ownerWatcherId },
      can_view_stats: true,
      can_edit_cameras: true,
      camera_limit: 1000,
      dvr_limit: 100,
      can_edit_users: true,
      id: org.id,
      user_count: org.members.size,
      is_member: false,
      user_limit: 1000,
      is_default: org.is_default,
    };
  }

  /**
   * Makes another plan the domain default, as the web interface's "Apply to Organisations by
   * default" does: the previous default becomes an ordinary plan (the document says so). The
   * document does not say what happens to existing organizations; the sandbox assumes the billing
   * keeps the new default in every organization too (it "always keeps" the default) and leaves the
   * old one where it was.
   */
  setDefaultPlan(planId: number): void {
    const plan = this.plans.find((p) => p.id === planId);
    if (!plan) throw new VsaasValidationError({ tariff_plan: [`${planId} does not exist`] });
    for (const p of this.plans) p.isDefault = p.id === planId;
    for (const record of this.organizations.values()) {
      if (!record.tariffPlanIds.includes(planId)) record.tariffPlanIds.unshift(planId);
    }
  }

  private withDefault(planIds: number[]): number[] {
    const defaultId = this.defaultPlan().id;
    return [defaultId, ...planIds.filter((planId) => planId !== defaultId)];
  }

  private validatePlanIds(raw: unknown, errors: Record<string, string[]>): number[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      addError(errors, "tariff_plans", "must be a list of tariff plan ids");
      return [];
    }
    // Rails casts "549" to 549; anything that is not a whole number is refused.
    const ids = raw.map((item) => (typeof item === "string" && /^\d+$/.test(item) ? Number(item) : item));
    if (ids.some((id) => typeof id !== "number" || !Number.isInteger(id))) {
      addError(errors, "tariff_plans", "must be a list of tariff plan ids");
      return [];
    }
    const unknown = (ids as number[]).filter((id) => !this.plans.some((plan) => plan.id === id));
    if (unknown.length > 0) addError(errors, "tariff_plans", `contain unknown tariff plans: ${unknown.join(", ")}`);
    return [...new Set(ids as number[])];
  }

  private userById(id: number): VsaasUser | undefined {
    return this.usersById.get(id);
  }

  /**
   * The billing user with this address, made (and invited) when there is none. Every billing user
   * is a Watcher user too (login = the address): one the Watcher already has is reused, else one
   * is made without a password (the invitation sets it).
   */
  private userFor(email: string, invite: boolean): VsaasUser {
    // Devise stores e-mail addresses lower-cased: the answer shows the owner as stored.
    const normalized = email.toLowerCase();
    let user = this.usersByEmail.get(normalized);
    if (!user) {
      const inWatcher = this.watcher.findLogin(normalized) ?? this.watcher.addUser(normalized, null, {});
      user = { id: this.nextUserId++, email: normalized, watcherId: inWatcher.id };
      this.users.push(user);
      this.usersByEmail.set(normalized, user);
      this.usersById.set(user.id, user);
      if (invite) this.invitations.push(normalized);
    }
    return user;
  }
}

function addError(errors: Record<string, string[]>, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}
