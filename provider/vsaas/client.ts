import { z } from "zod";
import { headerCredentials } from "../core/auth";
import { listSnapshot } from "../core/coalesce";
import { VendorApiError, VendorAuthError, VendorNotFoundError, VendorTransportError } from "../core/errors";
import { HttpTransport, pathSegment, type HttpAnswer, type HttpMethod } from "../core/transport";
import { wireInt } from "../core/wire";
import { vsaasConfig } from "./config";
import { serverFailureAdvice } from "./watcher-client";

const tariffPlan = z.looseObject({
  id: wireInt,
  name: z.string().nullish(),
  date_from: z.string().nullish(),
  full_price: z.string().nullish(),
  status: z.string().nullish(),
  external_id: wireInt.nullish(),
});

const organization = z.looseObject({
  id: wireInt,
  title: z.string(),
  domain: z.looseObject({ id: wireInt, title: z.string().nullish() }).nullish(),
  owner: z.looseObject({ id: wireInt, email: z.string() }),
  discount: z.string().nullish(),
  trial_expired_at: z.string().nullish(),
  external_id: wireInt.nullish(),
  tariff_plans: z.array(tariffPlan).nullish(),
});

/** A billing tariff plan as the API answers it. */
export type VsaasTariffPlan = z.output<typeof tariffPlan>;
/** A billing organization as the API answers it. */
export type VsaasOrganization = z.output<typeof organization>;

const organizationAnswer = z.looseObject({ organization });
const organizationList = z.looseObject({ organizations: z.array(organization) });
const tariffPlanList = z.looseObject({ tariff_plans: z.array(tariffPlan) });

/** What POST and PUT send inside `{"organization": {...}}`. */
export interface OrganizationFields {
  title?: string;
  owner?: string;
  tariff_plans?: number[];
}

const AUTH_KEYS =
  "vsaas:user / VSAAS_USER, vsaas:password / VSAAS_PASSWORD and vsaas:domainId / VSAAS_DOMAIN_ID";

/**
 * How long a fetched organization list answers later reads (from when it arrived). The document
 * asks integrations not to poll the billing: a refresh reads the one list once, however many
 * organizations the stack has (its Reads arrive within a second or two of it); every write through
 * this client forgets the list.
 */
export const BILLING_LIST_MAX_AGE_MS = 2_000;
const LIST_MAX_AGE_MS = BILLING_LIST_MAX_AGE_MS;
/**
 * While a refresh's reads keep coming (each within 2 s of the last), the list keeps answering them,
 * for at most a minute after it was fetched: 1,000 reads spread over 30 s on a busy host cost one
 * call, not one every 2 s. Creates' look-ups ask for a fresh list and never see an old one.
 */
export const LIST_KEEP_ALIVE_MS = 60_000;

/**
 * VSAAS.IO billing API v1 client (my.vsaas.io): one method per endpoint the document describes.
 * Every request carries X-USER / X-PASSWORD / X-DOMAIN-ID and a JSON body; answers are JSON.
 * The Watcher (cloud.vsaas.io) has its own client (watcher-client.ts).
 */
export class VsaasClient {
  private readonly organizations = listSnapshot({ fetch: () => this.fetchOrganizations(), maxAgeMs: LIST_MAX_AGE_MS, keepAliveWhileReadMs: LIST_KEEP_ALIVE_MS });

  constructor(private readonly transport: HttpTransport) {}

  /** A client for the configured billing (stack config or environment), shared per process. */
  static fromConfig(): VsaasClient {
    const config = vsaasConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "vsaas",
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        auth: headerCredentials(
          { "X-USER": config.user, "X-PASSWORD": config.password, "X-DOMAIN-ID": String(config.domainId) },
          ["X-PASSWORD"],
        ),
      });
      cached = { config, client: new VsaasClient(transport) };
    }
    return cached.client;
  }

  /** GET /api/v1/tariff_plans. */
  async listTariffPlans(): Promise<VsaasTariffPlan[]> {
    return (await this.call("GET /tariff_plans", "GET", "/api/v1/tariff_plans", undefined, true, tariffPlanList)).tariff_plans;
  }

  /**
   * GET /api/v1/organizations: every organization of the domain. Reads arriving together share one
   * fetch (a refresh of N organizations costs one call); a write through this client forgets it.
   * `fresh`: a list fetched for this read (or in flight), for look-ups that must not miss a change
   * made a few seconds ago — the organizations that have a key before a create.
   */
  listOrganizations(options: { fresh?: boolean } = {}): Promise<VsaasOrganization[]> {
    return this.organizations.get(options.fresh ? { maxAgeMs: 0 } : undefined);
  }

  /** Forgets the shared list (the next read fetches). */
  forget(): void {
    this.organizations.invalidate();
  }

  /**
   * One organization, or undefined when the billing does not have it, from the documented list.
   * (The heading "список ... или данные о конкретной организации" suggests a GET by id, but the
   * document shows only the list: reading the list is what a refresh must do anyway, once.)
   */
  async getOrganization(id: number): Promise<VsaasOrganization | undefined> {
    return (await this.listOrganizations()).find((o) => o.id === id);
  }

  /**
   * POST /api/v1/organizations. Not idempotent: the transport never repeats it once it may have
   * arrived, and a failure whose outcome is unknown (no answer, a 5xx, an unreadable answer) says
   * so in `outcomeUnknown`, so the caller looks the organization up before sending it again.
   */
  async createOrganization(fields: OrganizationFields): Promise<VsaasOrganization> {
    return this.write(async () => (await this.call("POST /organizations", "POST", "/api/v1/organizations", { organization: fields }, false, organizationAnswer)).organization);
  }

  /** PUT /api/v1/organizations/{id} with `tariff_plans`: the whole list (the billing keeps its default plan by itself). */
  async updateTariffPlans(id: number, tariffPlanIds: number[]): Promise<VsaasOrganization> {
    const body = { organization: { tariff_plans: tariffPlanIds } };
    return this.write(async () => (await this.call("PUT /organizations/{id}", "PUT", `/api/v1/organizations/${pathSegment(id)}`, body, true, organizationAnswer)).organization);
  }

  /** DELETE /api/v1/organizations/{id} (204). False when the organization was already gone (404). */
  async deleteOrganization(id: number): Promise<boolean> {
    try {
      await this.write(() => this.call("DELETE /organizations/{id}", "DELETE", `/api/v1/organizations/${pathSegment(id)}`, undefined, true, null));
      return true;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return false;
      throw error;
    }
  }

  private async fetchOrganizations(): Promise<VsaasOrganization[]> {
    return (await this.call("GET /organizations", "GET", "/api/v1/organizations", undefined, true, organizationList)).organizations;
  }

  /** A write, then the list is forgotten — also after a failure, which may still have been applied. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.organizations.invalidate();
    }
  }

  private async call<T>(
    operation: string,
    method: HttpMethod,
    path: string,
    json: unknown,
    idempotent: boolean,
    schema: z.ZodType<T> | null,
  ): Promise<T> {
    const answer = await this.transport.send({ operation, method, path, json, idempotent });
    if (answer.status >= 400) throw errorOf(operation, answer, idempotent);
    if (schema === null) return undefined as T;
    let body: unknown;
    try {
      body = answer.json();
    } catch (error) {
      // A success status with a body that is not JSON: for a write, what happened is unknown.
      if (error instanceof VendorTransportError) throw error.with({ outcomeUnknown: !idempotent });
      throw error;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new VendorApiError(
        `VSAAS.IO ${operation} answered in an unexpected shape (${describeIssue(parsed.error)}); ` +
          `is vsaas:url pointing at the VSAAS.IO billing (https://my.vsaas.io)?`,
        { vendor: "vsaas", operation, httpStatus: answer.status, outcomeUnknown: !idempotent },
      );
    }
    return parsed.data;
  }
}

let cached: { config: ReturnType<typeof vsaasConfig.load>; client: VsaasClient } | undefined;

/**
 * The vendor's error answer as one of our errors. The document shows no error answers; the shapes
 * read here are the ones Rails applications send (`{"errors": {"field": ["msg"]}}`,
 * `{"errors": ["msg"]}`, `{"error": "msg"}`) plus the Watcher's `error_message`.
 */
function errorOf(operation: string, answer: HttpAnswer, idempotent: boolean): VendorApiError {
  const details = { vendor: "vsaas" as const, operation, httpStatus: answer.status, code: String(answer.status) };
  const messages = vendorMessages(answer);
  const said = messages.length > 0 ? `: ${messages.join("; ")}` : "";
  switch (answer.status) {
    case 401:
      return new VendorAuthError(
        `VSAAS.IO ${operation} was refused: the billing did not accept the credentials (HTTP 401${said}). Check ${AUTH_KEYS}.`,
        details,
      );
    case 403:
      return new VendorAuthError(
        `VSAAS.IO ${operation} was refused: the user may not use this domain's API (HTTP 403${said}). Only the domain's owner and ` +
          `administrators may; check ${AUTH_KEYS}.`,
        details,
      );
    case 404:
      return new VendorNotFoundError(`VSAAS.IO ${operation}: not found (HTTP 404${said})`, details);
    case 400:
    case 422:
      return new VendorApiError(`VSAAS.IO refused ${operation} (HTTP ${answer.status})${said || ": no reason given"}`, details);
    default: {
      // A 5xx to a create may come after the billing wrote the organization (a proxy timing out, a
      // crash after the insert) — except a 503 with Retry-After, which servers send before doing any work.
      const outcomeUnknown = !idempotent && answer.status >= 500 && !(answer.status === 503 && answer.headers["retry-after"] !== undefined);
      return new VendorApiError(`VSAAS.IO ${operation} failed: HTTP ${answer.status}${said}. ${serverFailureAdvice(answer.status, outcomeUnknown, "vsaas:url (VSAAS_URL)", "The VSAAS.IO billing")}`, {
        ...details,
        retryable: answer.status === 429 || answer.status >= 500,
        outcomeUnknown,
      });
    }
  }
}

/** "title can't be blank", "owner is invalid", or free-text messages; empty when the body says nothing readable. */
function vendorMessages(answer: HttpAnswer): string[] {
  let body: unknown;
  try {
    body = JSON.parse(answer.text());
  } catch {
    return [];
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return typeof body === "string" ? [body] : [];
  const record = body as Record<string, unknown>;
  const out: string[] = [];
  const errors = record["errors"];
  if (errors && typeof errors === "object" && !Array.isArray(errors)) {
    for (const [field, value] of Object.entries(errors)) {
      for (const message of Array.isArray(value) ? value : [value]) out.push(`${field} ${String(message)}`);
    }
  } else if (Array.isArray(errors)) {
    out.push(...errors.map(String));
  } else if (typeof errors === "string") out.push(errors);
  for (const key of ["error", "error_message", "message"]) {
    if (typeof record[key] === "string" && record[key] !== "") out.push(record[key] as string);
  }
  return out.map((m) => m.slice(0, 300));
}

/** Moved to core: every vendor's create needs it. Kept here for the VSAAS tests and callers. */
export { mayStillBeRunning } from "../core/errors";

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "answer"}: ${issue.message}` : "invalid";
}
