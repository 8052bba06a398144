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
import { DEFAULT_TARIFF_PLANS, renderTariffPlan, type VsaasOrganizationRecord, type VsaasTariffPlan, type VsaasUser, type WatcherOrganization } from "./vsaas-records";
import { VsaasStore, VsaasValidationError } from "./vsaas-store";

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
  watcherOrganizations: WatcherOrganization[];
  invitations: string[];
  nextOrganizationId: number;
  nextExternalId: number;
}

/**
 * An in-memory VSAAS.IO billing (my.vsaas.io API v1: tariff plans and organizations) plus the part
 * of the Flussonic Watcher API v2 that shows organizations, so a test can see that an organization
 * created in the billing appears in the Watcher with its `external_id`.
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
 *  - the Watcher answers a wrong or missing API key with 401 `{"error_message": "..."}`.
 */
export class VsaasEmulator extends VendorEmulator {
  /** Change the billing behind the client's back (drift, out-of-band deletes, default plan changes). */
  readonly organizations: VsaasOrganizationControls;
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
    });
    this.organizations = new VsaasOrganizationControls(this.store);
  }

  override state(): VsaasState {
    const s = this.store;
    return structuredClone({
      domain: { id: this.options.domainId, title: this.options.domainTitle },
      tariffPlans: s.plans,
      organizations: [...s.organizations.values()].sort((a, b) => a.id - b.id),
      users: s.users,
      watcherOrganizations: [...s.watcherOrganizations.values()].sort((a, b) => a.id - b.id),
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
      {
        name: "watcher.organizations.index",
        method: "GET",
        path: `${WATCHER_API_PREFIX}/organizations`,
        handler: (r) => this.watcher(r, () => jsonResponse(200, [...this.store.watcherOrganizations.values()].map((o) => this.store.renderWatcher(o)))),
      },
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

  private watcher(request: SandboxRequest, handler: () => SandboxResponse): SandboxResponse {
    const key = header(request, "x-vsaas-api-key");
    if (key === undefined || !sameSecret(key, this.options.watcherApiKey)) {
      return jsonResponse(401, { error_message: "invalid api key" });
    }
    return handler();
  }
}

/** Creates a VSAAS.IO emulator and starts it (default: `127.0.0.1`, a free port). */
export async function startVsaasEmulator(options: VsaasEmulatorOptions, listen: ListenOptions = {}): Promise<VsaasEmulator> {
  const emulator = new VsaasEmulator(options);
  await emulator.start(listen);
  return emulator;
}

class BadRequest extends Error {}

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
