import {
  ADMIN_PREFIX,
  AdminRequestError,
  emptyResponse,
  jsonObjectOf,
  jsonResponse,
  sameSecret,
  VendorEmulator,
  type ListenOptions,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "../core";
import { VsaasOrganizationControls } from "./vsaas-controls";
import { DEFAULT_TARIFF_PLANS, renderPreset, renderTariffPlan, type VsaasOrganizationRecord, type VsaasTariffPlan, type VsaasUser } from "./vsaas-records";
import { seedVsaas, type SeededOrganization, type VsaasSeedOptions } from "./vsaas-seed";
import { VsaasStore, VsaasValidationError } from "./vsaas-store";
import { watcherAdminRoutes } from "./vsaas-watcher-admin";
import { WatcherControls, type WatcherUserView } from "./vsaas-watcher-controls";
import { MEMBER_FLAGS, WatcherError, type MemberFlag } from "./vsaas-watcher-store";

/** Where the billing API lives under the base URL. */
export const BILLING_API_PREFIX = "/api/v1";
/** Where the Watcher API lives (on the domain's own host in reality; on the same server in the sandbox). */
export const WATCHER_API_PREFIX = "/vsaas/api/v2";

export interface VsaasEmulatorOptions {
  /** X-USER: the domain administrator's e-mail address. */
  user: string;
  /** X-PASSWORD. Never echoed in answers or the request log. */
  password: string;
  /** X-DOMAIN-ID. Default 247 (the document's example domain). */
  domainId?: number;
  /** The domain's title in answers. Default `sandbox`. */
  domainTitle?: string;
  /** The Watcher administrator's API key (`x-vsaas-api-key`). */
  watcherApiKey: string;
  /** The billing's tariff plans; exactly one must be the default. Default {@link DEFAULT_TARIFF_PLANS}. */
  tariffPlans?: readonly VsaasTariffPlan[];
  /** Id of the first organization created. Default 797 (as in the document). */
  firstOrganizationId?: number;
  /** Watcher id (`external_id`) of the first organization created. Default 774. */
  firstExternalId?: number;
  /**
   * Membership flags the Watcher applies on `POST /organizations/{id}/users` (default all three:
   * `can_edit_organization_cameras`, `can_edit_organization_users`, `can_view_organization_stats`).
   * The document shows only the first in a request; narrowing this plays a Watcher that ignores the others.
   */
  acceptedMemberFlags?: readonly MemberFlag[];
}

/**
 * What the billing saw of one request's headers (the request log keeps parameters only). The
 * password is never kept: only whether it was sent and matched.
 */
export interface VsaasHeaderRecord {
  route: string | null;
  contentType: string | undefined;
  xUser: string | undefined;
  xDomainId: string | undefined;
  xPasswordSent: boolean;
  xPasswordMatched: boolean;
}

/** A JSON snapshot of the emulator, served at `GET /__sandbox/state`. */
export interface VsaasState {
  domain: { id: number; title: string };
  tariffPlans: VsaasTariffPlan[];
  organizations: VsaasOrganizationRecord[];
  users: VsaasUser[];
  /** Watcher users, without passwords or API keys. */
  watcherUsers: WatcherUserView[];
  /** Watcher organizations with their members (as the API lists them) and folders. */
  watcherOrganizations: Array<{ id: number; title: string; is_default: boolean; ownerWatcherId: number; members: Array<Record<string, unknown>>; folders: Array<Record<string, unknown>> }>;
  invitations: string[];
  nextOrganizationId: number;
  nextExternalId: number;
}

/**
 * An in-memory VSAAS.IO billing (my.vsaas.io API v1: tariff plans and organizations) plus the
 * Flussonic Watcher API v2 (cloud.vsaas.io) the document describes for subscribers: organizations,
 * users (with their API keys in the list, as documented), organization members with their rights
 * and `folders_permissions`, folders (every organization has "Cameras"), folder rights and presets.
 * An organization created in the billing appears in the Watcher under its `external_id`, with its
 * owner as a member.
 *
 * The document shows successful answers only. Where it is silent the sandbox answers as a Rails
 * application usually does (each choice is also in the README's Assumptions):
 *  - no or wrong X-USER / X-PASSWORD → 401 `{"error": "..."}`; right credentials with an X-DOMAIN-ID
 *    the user does not administer → 403 `{"error": "..."}`;
 *  - an unknown organization → 404 `{"error": "Not found"}`;
 *  - a write the billing refuses → 422 `{"errors": {"<field>": ["<message>", ...]}}`;
 *  - a body without the `organization` object → 400 `{"error": "param is missing ...: organization"}`;
 *  - `GET /api/v1/organizations/{id}` answers `{"organization": {...}}` (the document's heading
 *    promises "данные о конкретной организации" but shows only the list);
 *  - POST answers 201 (the issue's wording), PUT 200, DELETE 204 without a body (the document);
 *  - owners' e-mail addresses are stored lower-cased (Devise's default);
 *  - the Watcher answers a wrong or missing API key with 401 `{"error_message": "..."}`, and every
 *    other refusal as `{"error_message": "..."}` too (see {@link WatcherError} and the Watcher store
 *    for each choice: 404 for an unknown organization, user or folder in the path, 400 for a bad
 *    body, a taken login, a second membership, a folder right for a non-member);
 *  - Watcher creates answer 201, the folder grant 200, deletes 200 `{"success": true}`.
 */
export class VsaasEmulator extends VendorEmulator {
  /** Change the billing behind the client's back (drift, out-of-band deletes, default plan changes). */
  readonly organizations: VsaasOrganizationControls;
  /** Change the Watcher behind the client's back, and ask what a login can see. */
  readonly watcher: WatcherControls;
  private readonly options: Required<VsaasEmulatorOptions>;
  private readonly store: VsaasStore;
  private readonly headerRecords: VsaasHeaderRecord[] = [];

  constructor(options: VsaasEmulatorOptions) {
    super({ vendor: "vsaas" });
    if (!options.user || !options.password || !options.watcherApiKey) {
      throw new Error("VsaasEmulator needs user, password and watcherApiKey");
    }
    this.options = {
      domainId: 247,
      domainTitle: "sandbox",
      tariffPlans: DEFAULT_TARIFF_PLANS,
      firstOrganizationId: 797,
      firstExternalId: 774,
      acceptedMemberFlags: MEMBER_FLAGS,
      ...options,
    };
    this.store = new VsaasStore({
      domainId: this.options.domainId,
      domainTitle: this.options.domainTitle,
      adminEmail: this.options.user,
      watcherDomainId: 143,
      tariffPlans: this.options.tariffPlans,
      firstOrganizationId: this.options.firstOrganizationId,
      firstExternalId: this.options.firstExternalId,
      acceptedMemberFlags: this.options.acceptedMemberFlags,
    });
    this.organizations = new VsaasOrganizationControls(this.store);
    this.watcher = new WatcherControls(this.store.watcher);
  }

  /** Fills the billing and the Watcher with subscribers (see {@link seedVsaas}); straight to the store, not logged. */
  seed(options: VsaasSeedOptions): SeededOrganization[] {
    return seedVsaas(this.store, options);
  }

  override state(): VsaasState {
    const s = this.store;
    return structuredClone({
      domain: { id: this.options.domainId, title: this.options.domainTitle },
      tariffPlans: s.plans,
      organizations: [...s.organizations.values()].sort((a, b) => a.id - b.id),
      users: s.users,
      watcherUsers: this.watcher.users(),
      watcherOrganizations: [...s.watcherOrganizations.values()]
        .sort((a, b) => a.id - b.id)
        .map((o) => ({ id: o.id, title: o.title, is_default: o.is_default, ownerWatcherId: o.ownerWatcherId, members: s.watcher.renderMembers(o.id), folders: s.watcher.renderFolders(o.id) })),
      invitations: s.invitations,
      nextOrganizationId: s.nextOrganizationId,
      nextExternalId: s.nextExternalId,
    });
  }

  protected override resetState(): void {
    this.store.reset();
    this.headerRecords.length = 0;
  }

  /** The auth and content-type headers of every billing request since the last reset, oldest first. */
  billingHeaders(): VsaasHeaderRecord[] {
    return this.headerRecords.map((record) => ({ ...record }));
  }

  protected override secretValues(): readonly string[] {
    return [this.options.password, this.options.watcherApiKey];
  }

  protected override vendorRoutes(): readonly Route[] {
    const byId = new RegExp(`^${BILLING_API_PREFIX}/organizations/(?<id>[^/]+)$`);
    return [
      { name: "tariff_plans.index", method: "GET", path: `${BILLING_API_PREFIX}/tariff_plans`, handler: (r) => this.billing(r, () => this.listPlans()) },
      { name: "organizations.index", method: "GET", path: `${BILLING_API_PREFIX}/organizations`, handler: (r) => this.billing(r, () => this.listOrganizations()) },
      { name: "organizations.create", method: "POST", path: `${BILLING_API_PREFIX}/organizations`, handler: (r) => this.billing(r, () => this.create(r)) },
      { name: "organizations.show", method: "GET", path: byId, handler: (r) => this.billing(r, () => this.show(r)) },
      { name: "organizations.update", method: ["PUT", "PATCH"], path: byId, handler: (r) => this.billing(r, () => this.update(r)) },
      { name: "organizations.destroy", method: "DELETE", path: byId, handler: (r) => this.billing(r, () => this.destroy(r)) },
      ...this.watcherRoutes(),
    ];
  }

  /** The Watcher API v2 routes the document describes for organizations, users, members, folders and presets. */
  private watcherRoutes(): Route[] {
    const w = this.store.watcher;
    const api = WATCHER_API_PREFIX;
    const org = (r: SandboxRequest) => idParam(r, "org");
    const route = (name: string, method: string, path: string | RegExp, handler: (r: SandboxRequest) => SandboxResponse): Route => ({
      name,
      method,
      path,
      handler: (r) => this.watcherAuth(r, () => handler(r)),
    });
    const orgPath = (rest: string) => new RegExp(`^${api}/organizations/(?<org>[^/]+)${rest}$`);
    return [
      route("watcher.organizations.index", "GET", `${api}/organizations`, () =>
        jsonResponse(200, [...this.store.watcherOrganizations.values()].map((o) => this.store.renderWatcher(o))),
      ),
      route("watcher.users.index", "GET", `${api}/users`, () => jsonResponse(200, [...w.users.values()].map((u) => w.renderUser(u, true)))),
      route("watcher.users.create", "POST", `${api}/users`, (r) => jsonResponse(201, w.renderUser(w.createUser(watcherBody(r)), false))),
      route("watcher.users.destroy", "DELETE", new RegExp(`^${api}/users/(?<user>[^/]+)$`), (r) => {
        w.deleteUser(idParam(r, "user"));
        return jsonResponse(200, { success: true });
      }),
      route("watcher.organization_users.index", "GET", orgPath("/users"), (r) => jsonResponse(200, w.renderMembers(org(r)))),
      route("watcher.organization_users.create", "POST", orgPath("/users"), (r) => {
        const member = w.addMember(org(r), watcherBody(r));
        return jsonResponse(201, w.renderMembers(org(r)).find((m) => m["user_id"] === member.userId));
      }),
      // The document's example has a double slash (`.../ORGANIZATION-ID//users/USER-ID`); both forms are served.
      route("watcher.organization_users.destroy", "DELETE", orgPath("/+users/(?<user>[^/]+)"), (r) => {
        w.removeMember(org(r), idParam(r, "user"));
        return jsonResponse(200, { success: true });
      }),
      route("watcher.folders.index", "GET", orgPath("/folders"), (r) => jsonResponse(200, w.renderFolders(org(r)))),
      route("watcher.folder_users.create", "POST", orgPath("/folders/(?<folder>[^/]+)/users"), (r) => {
        const { userId, permission } = w.grantFolder(org(r), idParam(r, "folder"), watcherBody(r));
        const { can_use_ptz, can_use_actions, can_view_dvr, dvr_depth_limit } = permission;
        return jsonResponse(200, { can_use_ptz, can_use_actions, user_id: userId, can_view_dvr, dvr_depth_limit });
      }),
      route("watcher.presets.index", "GET", orgPath("/presets"), (r) => {
        w.organization(org(r));
        return jsonResponse(200, this.store.plansOfWatcherOrganization(org(r)).map((plan) => renderPreset(plan, w.domainId)));
      }),
    ];
  }

  protected override notFound(request: SandboxRequest): SandboxResponse {
    return jsonResponse(404, { error: `Not found: ${request.method} ${request.path}` });
  }

  protected override extraAdminRoutes(): readonly Route[] {
    const byId = new RegExp(`^${ADMIN_PREFIX}/organizations/(?<id>\\d+)$`);
    const planOf = new RegExp(`^${ADMIN_PREFIX}/organizations/(?<id>\\d+)/tariff_plans/(?<plan>\\d+)$`);
    const id = (request: SandboxRequest, key = "id") => Number(request.pathParams[key]);
    return [
      ...watcherAdminRoutes(this.watcher, (options) => this.seed(options)),
      {
        name: "admin.organizations.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/organizations`,
        handler: (request) => jsonResponse(200, this.organizations.add(jsonObjectOf(request) as never)),
      },
      {
        name: "admin.organizations.rename",
        method: "PATCH",
        path: byId,
        handler: (request) => {
          const title = jsonObjectOf(request)["title"];
          if (typeof title !== "string") throw new AdminRequestError('expected {"title": string}');
          this.organizations.rename(id(request), title);
          return jsonResponse(200, this.organizations.get(id(request)));
        },
      },
      {
        name: "admin.organizations.delete",
        method: "DELETE",
        path: byId,
        handler: (request) =>
          this.organizations.delete(id(request))
            ? jsonResponse(200, { ok: true })
            : jsonResponse(404, { error: `organization ${id(request)} does not exist` }),
      },
      {
        name: "admin.organizations.removeTariffPlan",
        method: "DELETE",
        path: planOf,
        handler: (request) => jsonResponse(200, { tariffPlanIds: this.organizations.removeTariffPlan(id(request), id(request, "plan")) }),
      },
      {
        name: "admin.defaultTariffPlan",
        method: "PUT",
        path: `${ADMIN_PREFIX}/default_tariff_plan`,
        handler: (request) => {
          const planId = jsonObjectOf(request)["id"];
          if (typeof planId !== "number") throw new AdminRequestError('expected {"id": number}');
          this.organizations.setDefaultTariffPlan(planId);
          return jsonResponse(200, { ok: true });
        },
      },
    ];
  }

  private listPlans(): SandboxResponse {
    return jsonResponse(200, { tariff_plans: this.store.plans.map(renderTariffPlan) });
  }

  private listOrganizations(): SandboxResponse {
    const records = [...this.store.organizations.values()].sort((a, b) => a.id - b.id);
    return jsonResponse(200, { organizations: records.map((record) => this.store.render(record)) });
  }

  private create(request: SandboxRequest): SandboxResponse {
    const record = this.store.createOrganization(organizationParam(request));
    return jsonResponse(201, { organization: this.store.render(record) });
  }

  private show(request: SandboxRequest): SandboxResponse {
    const record = this.store.organizations.get(organizationId(request));
    return record ? jsonResponse(200, { organization: this.store.render(record) }) : notFound();
  }

  private update(request: SandboxRequest): SandboxResponse {
    const id = organizationId(request);
    if (!this.store.organizations.has(id)) return notFound();
    const record = this.store.updateOrganization(id, organizationParam(request))!;
    return jsonResponse(200, { organization: this.store.render(record) });
  }

  private destroy(request: SandboxRequest): SandboxResponse {
    return this.store.deleteOrganization(organizationId(request)) ? emptyResponse(204) : notFound();
  }

  /** Billing auth (X-USER / X-PASSWORD / X-DOMAIN-ID), then the handler; validation errors → 422. */
  private billing(request: SandboxRequest, handler: () => SandboxResponse): SandboxResponse {
    const user = header(request, "x-user");
    const password = header(request, "x-password");
    this.headerRecords.push({
      route: request.route,
      contentType: header(request, "content-type"),
      xUser: user,
      xDomainId: header(request, "x-domain-id"),
      xPasswordSent: password !== undefined,
      xPasswordMatched: password !== undefined && sameSecret(password, this.options.password),
    });
    if (this.headerRecords.length > 1000) this.headerRecords.shift();
    if (user === undefined || password === undefined || !sameSecret(user.toLowerCase(), this.options.user.toLowerCase()) || !sameSecret(password, this.options.password)) {
      return jsonResponse(401, { error: "You need to sign in or sign up before continuing." });
    }
    if (header(request, "x-domain-id")?.trim() !== String(this.options.domainId)) {
      return jsonResponse(403, { error: "Access denied: only the owner and administrators of the domain may use the API" });
    }
    try {
      return handler();
    } catch (error) {
      if (error instanceof VsaasValidationError) return jsonResponse(422, { errors: error.errors });
      if (error instanceof BadRequest) return jsonResponse(400, { error: error.message });
      throw error;
    }
  }

  /** Watcher auth (`x-vsaas-api-key`), then the handler; refusals → `{"error_message": ...}`. */
  private watcherAuth(request: SandboxRequest, handler: () => SandboxResponse): SandboxResponse {
    const key = header(request, "x-vsaas-api-key");
    if (key === undefined || !sameSecret(key, this.options.watcherApiKey)) {
      return jsonResponse(401, { error_message: "invalid api key" });
    }
    try {
      return handler();
    } catch (error) {
      if (error instanceof WatcherError) return jsonResponse(error.status, { error_message: error.message });
      throw error;
    }
  }
}

/** Creates a VSAAS.IO emulator and starts it (default: `127.0.0.1`, a free port). */
export async function startVsaasEmulator(options: VsaasEmulatorOptions, listen: ListenOptions = {}): Promise<VsaasEmulator> {
  const emulator = new VsaasEmulator(options);
  await emulator.start(listen);
  return emulator;
}

class BadRequest extends Error {}

/** A numeric path parameter of a Watcher route; anything else is an object that cannot exist (404). */
function idParam(request: SandboxRequest, name: string): number {
  const raw = request.pathParams[name] ?? "";
  if (!/^\d+$/.test(raw)) throw new WatcherError(404, "Not found");
  return Number(raw);
}

/** The JSON object body of a Watcher write (the document sends JSON with Content-Type application/json). */
function watcherBody(request: SandboxRequest): Record<string, unknown> {
  const body = request.body.kind === "json" ? request.body.value : undefined;
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new WatcherError(400, "expected a JSON object body");
  return body as Record<string, unknown>;
}

function notFound(): SandboxResponse {
  return jsonResponse(404, { error: "Not found" });
}

function organizationId(request: SandboxRequest): number {
  const raw = request.pathParams["id"] ?? "";
  return /^\d+$/.test(raw) ? Number(raw) : -1;
}

/** `{"organization": {...}}` from a JSON body, as Rails' `params.require(:organization)` reads it. */
function organizationParam(request: SandboxRequest): Record<string, unknown> {
  const body = request.body.kind === "json" ? request.body.value : undefined;
  const organization = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>)["organization"] : undefined;
  if (!organization || typeof organization !== "object" || Array.isArray(organization)) {
    throw new BadRequest("param is missing or the value is empty: organization");
  }
  return organization as Record<string, unknown>;
}

function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
