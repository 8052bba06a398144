import { z } from "zod";
import { headerCredentials } from "../core/auth";
import { listSnapshot, type ListSnapshot } from "../core/coalesce";
import { CreateOutcomeUnknownError } from "../core/adoption";
import { describeError, VendorApiError, VendorAuthError, VendorNotFoundError, VendorTransportError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { HttpTransport, pathSegment, type HttpAnswer, type HttpMethod } from "../core/transport";
import { wireInt } from "../core/wire";
import { vsaasWatcherConfig } from "./config";

/** 1/0, "1"/"0" or true/false (the document sends 1 and answers true). */
const wireBool = z.union([z.boolean(), z.literal(1).transform(() => true), z.literal(0).transform(() => false), z.enum(["1", "0", "true", "false"]).transform((s) => s === "1" || s === "true")]);

/**
 * A Watcher user as the API answers it, minus `apikey`: the list carries every user's own API key
 * (the document shows one), which is a credential. It is registered for redaction and dropped
 * here, at the client boundary, so it can reach no state, output, log or error.
 */
const user = z.object({
  id: wireInt,
  login: z.string(),
  domain_id: wireInt.nullish(),
  is_admin: wireBool.nullish(),
  enabled: wireBool.nullish(),
  readonly: wireBool.nullish(),
  name: z.string().nullish(),
  can_edit_organizations: wireBool.nullish(),
  can_edit_settings: wireBool.nullish(),
  can_view_organizations: wireBool.nullish(),
  organizations: z.array(wireInt).nullish(),
});
export type WatcherUser = z.output<typeof user>;

const organization = z.object({
  id: wireInt,
  title: z.string(),
  is_default: wireBool.nullish(),
  owner: z.object({ id: wireInt.nullish(), login: z.string().nullish() }).nullish(),
  user_count: wireInt.nullish(),
  camera_count: wireInt.nullish(),
});
export type WatcherOrganization = z.output<typeof organization>;

/**
 * One user's rights on one folder, read from `folders_permissions[]`. The document never shows an
 * element (its examples are empty arrays): the reading assumes the POST answer's fields plus the
 * folder's id as `folder_id` (or `folder: {id}`, or `id`). An element without a readable folder id
 * keeps `folderId` undefined, and the resources that depend on it say so instead of guessing.
 */
export interface WatcherFolderRights {
  folderId?: number;
  canViewDvr?: boolean;
  canUsePtz?: boolean;
  canUseActions?: boolean;
  /** null: no limit. */
  dvrDepthLimit?: number | null;
}

const member = z.object({
  user_id: wireInt,
  login: z.string().nullish(),
  can_edit_organization_cameras: wireBool.nullish(),
  can_edit_organization_users: wireBool.nullish(),
  can_view_organization_stats: wireBool.nullish(),
  can_view_organization_plists: wireBool.nullish(),
  can_edit_organization_plists: wireBool.nullish(),
  folders_permissions: z.array(z.unknown()).nullish(),
});
export type WatcherMember = Omit<z.output<typeof member>, "folders_permissions"> & { folders: WatcherFolderRights[] };

const folder = z.object({
  id: wireInt,
  title: z.string(),
  organization_id: wireInt.nullish(),
  parent_id: wireInt.nullish(),
  level: wireInt.nullish(),
  order_num: wireInt.nullish(),
  camera_count: wireInt.nullish(),
});
export type WatcherFolder = z.output<typeof folder>;

const preset = z.object({
  preset_id: wireInt,
  organization_id: wireInt.nullish(),
  preset: z
    .object({
      id: wireInt.nullish(),
      title: z.string().nullish(),
      dvr_depth: z.number().nullish(),
      dvr_space: z.number().nullish(),
      dvr_lock_days: z.number().nullish(),
      is_adjustable: wireBool.nullish(),
      is_deleted: wireBool.nullish(),
      precise_thumbnails_days: z.number().nullish(),
    })
    .nullish(),
});
export type WatcherPreset = z.output<typeof preset>;

const grantAnswer = z.object({
  user_id: wireInt.nullish(),
  can_view_dvr: wireBool.nullish(),
  can_use_ptz: wireBool.nullish(),
  can_use_actions: wireBool.nullish(),
  dvr_depth_limit: wireInt.nullish(),
});

/** Membership rights a POST may carry. */
export interface MemberFlags {
  can_edit_organization_cameras?: boolean;
  can_edit_organization_users?: boolean;
  can_view_organization_stats?: boolean;
}

/** The folder rights POST body (the document sends 1/0 and null). */
export interface FolderGrant {
  can_view_dvr: boolean;
  can_use_ptz: boolean;
  can_use_actions: boolean;
  dvr_depth_limit: number | null;
}

const KEY_SETTINGS = "vsaas:watcherApiKey / VSAAS_WATCHER_API_KEY (and vsaas:watcherUrl / VSAAS_WATCHER_URL: your domain's own host)";

/**
 * How long a fetched Watcher list answers later reads (from when it arrived). A refresh's Reads
 * arrive within a second or two of each other, and a whole list is the only read the API has for
 * users and members; every write through this client forgets the lists it may have changed. A
 * change made outside Pulumi is seen by any read that starts later than this after the list.
 */
export const WATCHER_LIST_MAX_AGE_MS = 2_000;
const LIST_MAX_AGE_MS = WATCHER_LIST_MAX_AGE_MS;
/** As the billing list (client.ts): kept while a refresh's reads keep coming, at most a minute. */
const LIST_KEEP_ALIVE_MS = 60_000;

/**
 * Flussonic Watcher API v2 client (cloud.vsaas.io, on the domain's own host): one method per
 * endpoint the document describes. Every request carries `x-vsaas-api-key`; lists are bare JSON
 * arrays. Reads of whole lists are shared by the reads that arrive together (list snapshots:
 * users, organizations, and each organization's members), so a refresh of N objects costs one
 * list per kind (members: one per organization), not N calls.
 */
export class WatcherClient {
  private readonly users = listSnapshot({ fetch: () => this.fetchUsers(), maxAgeMs: LIST_MAX_AGE_MS, keepAliveWhileReadMs: LIST_KEEP_ALIVE_MS });
  private readonly organizations = listSnapshot({ fetch: () => this.fetchOrganizations(), maxAgeMs: LIST_MAX_AGE_MS, keepAliveWhileReadMs: LIST_KEEP_ALIVE_MS });
  private readonly members = new Map<number, ListSnapshot<WatcherMember>>();
  private defaultOrganization: Promise<number | undefined> | undefined;

  constructor(private readonly transport: HttpTransport) {}

  /** A client for the configured Watcher (stack config or environment), shared per process. */
  static fromConfig(): WatcherClient {
    const config = vsaasWatcherConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "vsaas",
        // `vsaas:watcherUrl` is the domain's host; a value that already ends in the API path is taken as it is.
        baseUrl: `${config.watcherUrl.replace(/\/vsaas\/api\/v2$/, "")}/vsaas/api/v2`,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        auth: headerCredentials({ "x-vsaas-api-key": config.watcherApiKey }, ["x-vsaas-api-key"]),
      });
      cached = { config, client: new WatcherClient(transport) };
    }
    return cached.client;
  }

  // ---- users -------------------------------------------------------------------------------

  /**
   * GET /users: every user of the domain (one list, shared by the reads arriving together).
   * `fresh`: fetched for this read or in flight, never an older list (look-ups before a create).
   */
  listUsers(options: { fresh?: boolean } = {}): Promise<WatcherUser[]> {
    return this.users.get(freshness(options));
  }

  /** POST /users. Not idempotent: never repeated once it may have arrived (`outcomeUnknown` tells). */
  async createUser(login: string, password: string): Promise<WatcherUser> {
    return this.write(["users", "members"], () => this.call("POST /users", "POST", "/users", { login, password }, false, user));
  }

  /** DELETE /users/{id}; false when the user was already gone (404). */
  async deleteUser(id: number): Promise<boolean> {
    return this.write(["users", "members"], () => this.gone(this.call("DELETE /users/{id}", "DELETE", `/users/${pathSegment(id)}`, undefined, true, null)));
  }

  // ---- organizations -----------------------------------------------------------------------

  /** GET /organizations: every Watcher organization (the default "Unassigned cameras" included). */
  listOrganizations(): Promise<WatcherOrganization[]> {
    return this.organizations.get();
  }

  /**
   * The id of the domain's default organization ("Unassigned cameras", `is_default: true`), which
   * every new user joins. Fetched once per process: a domain's default organization does not change.
   */
  defaultOrganizationId(): Promise<number | undefined> {
    this.defaultOrganization ??= this.listOrganizations().then(
      (list) => list.find((o) => o.is_default === true)?.id,
      (error: unknown) => {
        this.defaultOrganization = undefined;
        throw error;
      },
    );
    return this.defaultOrganization;
  }

  // ---- members -----------------------------------------------------------------------------

  /**
   * GET /organizations/{id}/users: the organization's members with their rights and folder
   * rights; undefined when the organization does not exist (404). One list per organization,
   * shared by the reads arriving together (memberships and folder rights of that organization).
   */
  async listMembers(organizationId: number, options: { fresh?: boolean } = {}): Promise<WatcherMember[] | undefined> {
    let snapshot = this.members.get(organizationId);
    if (!snapshot) {
      snapshot = listSnapshot({ fetch: () => this.fetchMembers(organizationId), maxAgeMs: LIST_MAX_AGE_MS, keepAliveWhileReadMs: LIST_KEEP_ALIVE_MS });
      this.members.set(organizationId, snapshot);
    }
    try {
      return await snapshot.get(freshness(options));
    } catch (error) {
      if (error instanceof VendorNotFoundError) return undefined;
      throw error;
    }
  }

  /** POST /organizations/{id}/users. Not idempotent (a second POST for a member is refused). */
  async addMember(organizationId: number, userId: number, flags: MemberFlags): Promise<WatcherMember> {
    return this.write(["users", organizationId], async () =>
      toMember(await this.call("POST /organizations/{id}/users", "POST", `/organizations/${pathSegment(organizationId)}/users`, { user_id: userId, ...flags }, false, member)),
    );
  }

  /** DELETE /organizations/{id}/users/{user}; false when the user was not a member (or the organization is gone: 404). */
  async removeMember(organizationId: number, userId: number): Promise<boolean> {
    const path = `/organizations/${pathSegment(organizationId)}/users/${pathSegment(userId)}`;
    return this.write(["users", organizationId], () => this.gone(this.call("DELETE /organizations/{id}/users/{user}", "DELETE", path, undefined, true, null)));
  }

  // ---- folders and presets -----------------------------------------------------------------

  /** GET /organizations/{id}/folders (every organization has "Cameras"). */
  async listFolders(organizationId: number): Promise<WatcherFolder[]> {
    return this.call("GET /organizations/{id}/folders", "GET", `/organizations/${pathSegment(organizationId)}/folders`, undefined, true, z.array(folder));
  }

  /**
   * POST /organizations/{id}/folders/{folder}/users: the user's rights on the folder. The document
   * shows no update and no revocation; sending it again with other rights is assumed to replace
   * them (callers verify by reading the member list back). Marked idempotent: the same grant twice
   * leaves the same rights.
   */
  async grantFolder(organizationId: number, folderId: number, userId: number, grant: FolderGrant): Promise<WatcherFolderRights> {
    const body = {
      user_id: userId,
      can_view_dvr: grant.can_view_dvr ? 1 : 0,
      can_use_ptz: grant.can_use_ptz ? 1 : 0,
      can_use_actions: grant.can_use_actions ? 1 : 0,
      dvr_depth_limit: grant.dvr_depth_limit,
    };
    const path = `/organizations/${pathSegment(organizationId)}/folders/${pathSegment(folderId)}/users`;
    const answer = await this.write([organizationId], () => this.call("POST /organizations/{id}/folders/{folder}/users", "POST", path, body, true, grantAnswer));
    return {
      folderId,
      canViewDvr: answer.can_view_dvr ?? undefined,
      canUsePtz: answer.can_use_ptz ?? undefined,
      canUseActions: answer.can_use_actions ?? undefined,
      dvrDepthLimit: answer.dvr_depth_limit ?? null,
    };
  }

  /** GET /organizations/{id}/presets: the presets (billing plans, by `external_id`) the organization's cameras may use. */
  async listPresets(organizationId: number): Promise<WatcherPreset[]> {
    return this.call("GET /organizations/{id}/presets", "GET", `/organizations/${pathSegment(organizationId)}/presets`, undefined, true, z.array(preset));
  }

  /** Forgets the default organization's id (it is remembered for the process's life). */
  forgetDefaultOrganization(): void {
    this.defaultOrganization = undefined;
  }

  /** Forgets every list (the next read fetches). */
  forget(): void {
    this.users.invalidate();
    this.organizations.invalidate();
    for (const snapshot of this.members.values()) snapshot.invalidate();
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private async fetchUsers(): Promise<WatcherUser[]> {
    const raw = await this.call("GET /users", "GET", "/users", undefined, true, z.array(z.unknown()));
    return raw.map((item) => parseRecord("GET /users", user, withoutApikey(item)));
  }

  private async fetchOrganizations(): Promise<WatcherOrganization[]> {
    return this.call("GET /organizations", "GET", "/organizations", undefined, true, z.array(organization));
  }

  private async fetchMembers(organizationId: number): Promise<WatcherMember[]> {
    const list = await this.call("GET /organizations/{id}/users", "GET", `/organizations/${pathSegment(organizationId)}/users`, undefined, true, z.array(member));
    return list.map(toMember);
  }

  /**
   * Runs a write and then forgets the lists it may have changed — also when it failed, since a
   * failed write may still have been applied and a read-back must never miss it.
   */
  private async write<T>(affects: Array<"users" | "members" | number>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      for (const what of affects) {
        if (what === "users") this.users.invalidate();
        else if (what === "members") for (const snapshot of this.members.values()) snapshot.invalidate();
        else this.members.get(what)?.invalidate();
      }
      this.organizations.invalidate();
    }
  }

  private async gone(work: Promise<unknown>): Promise<boolean> {
    try {
      await work;
      return true;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return false;
      throw error;
    }
  }

  private async call<T>(operation: string, method: HttpMethod, path: string, json: unknown, idempotent: boolean, schema: z.ZodType<T> | null): Promise<T> {
    const answer = await this.transport.send({ operation, method, path, json, idempotent });
    if (answer.status >= 400) throw watcherErrorOf(operation, answer, idempotent);
    if (schema === null) return undefined as T;
    let body: unknown;
    try {
      body = answer.json();
    } catch (error) {
      throw new VendorTransportError((error as Error).message, { vendor: "vsaas", operation, httpStatus: answer.status, outcomeUnknown: !idempotent, cause: error });
    }
    // The user answers of POST /users may carry the new user's key as well.
    if (body && typeof body === "object" && !Array.isArray(body)) body = withoutApikey(body);
    return parseRecord(operation, schema, body, answer.status, !idempotent);
  }
}

let cached: { config: ReturnType<typeof vsaasWatcherConfig.load>; client: WatcherClient } | undefined;

const freshness = (options: { fresh?: boolean }) => (options.fresh ? { maxAgeMs: 0 } : undefined);

/** Registers a user record's `apikey` for redaction and returns the record without it. */
function withoutApikey(item: unknown): unknown {
  if (!item || typeof item !== "object" || Array.isArray(item)) return item;
  const { apikey, ...rest } = item as Record<string, unknown>;
  if (typeof apikey === "string") registerSecret(apikey);
  return rest;
}

function parseRecord<T>(operation: string, schema: z.ZodType<T>, body: unknown, httpStatus = 200, outcomeUnknown = false): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new VendorApiError(
    `VSAAS.IO Watcher ${operation} answered in an unexpected shape (${issue ? `${issue.path.join(".") || "answer"}: ${issue.message}` : "invalid"}); ` +
      `is vsaas:watcherUrl your domain's Watcher (https://YOUR-DOMAIN-NAME.vsaas.io)?`,
    { vendor: "vsaas", operation, httpStatus, outcomeUnknown },
  );
}

function toMember(raw: z.output<typeof member>): WatcherMember {
  const { folders_permissions, ...rest } = raw;
  return { ...rest, folders: (folders_permissions ?? []).map(folderRightsOf) };
}

/** One `folders_permissions[]` element, read as leniently as its undocumented shape requires. */
function folderRightsOf(element: unknown): WatcherFolderRights {
  if (!element || typeof element !== "object") return {};
  const e = element as Record<string, unknown>;
  const nested = e["folder"] && typeof e["folder"] === "object" ? (e["folder"] as Record<string, unknown>)["id"] : undefined;
  const id = [e["folder_id"], nested, e["id"]].map((v) => wireInt.safeParse(v)).find((r) => r.success)?.data;
  const flag = (key: string) => {
    const r = wireBool.safeParse(e[key]);
    return r.success ? r.data : undefined;
  };
  const depth = e["dvr_depth_limit"];
  const rights: WatcherFolderRights = {};
  if (id !== undefined) rights.folderId = id;
  for (const [key, wire] of [["canViewDvr", "can_view_dvr"], ["canUsePtz", "can_use_ptz"], ["canUseActions", "can_use_actions"]] as const) {
    const value = flag(wire);
    if (value !== undefined) rights[key] = value;
  }
  if (depth === null) rights.dvrDepthLimit = null;
  else if (wireInt.safeParse(depth).success) rights.dvrDepthLimit = wireInt.parse(depth);
  return rights;
}

/** Whether a Watcher refusal says the object is already there (a taken login, a member already in). */
export function isAlreadyThere(error: unknown): boolean {
  return error instanceof VendorApiError && error.httpStatus !== undefined && error.httpStatus >= 400 && error.httpStatus < 500 && /already|exists|taken|unique|duplicate/i.test(error.message);
}

/**
 * The Watcher's refusal as one of our errors. The document shows no Watcher error answer; design.md
 * notes errors "may come as `error_message`": that is read first, then `error`, `detail`, `message`
 * and Django REST framework's `{"field": ["message"]}`.
 */
function watcherErrorOf(operation: string, answer: HttpAnswer, idempotent: boolean): VendorApiError {
  const details = { vendor: "vsaas" as const, operation, httpStatus: answer.status, code: String(answer.status) };
  const messages = watcherMessages(answer);
  const said = messages.length > 0 ? `: ${messages.join("; ")}` : "";
  switch (answer.status) {
    case 401:
      return new VendorAuthError(`VSAAS.IO Watcher ${operation} was refused: the API key was not accepted (HTTP 401${said}). Check ${KEY_SETTINGS}.`, details);
    case 403:
      return new VendorAuthError(
        `VSAAS.IO Watcher ${operation} was refused (HTTP 403${said}): only the owner and administrators may use the Watcher API; the key must be an administrator's. Check ${KEY_SETTINGS}.`,
        details,
      );
    case 404:
      return new VendorNotFoundError(`VSAAS.IO Watcher ${operation}: not found (HTTP 404${said})`, details);
    case 400:
    case 409:
    case 422:
      return new VendorApiError(`VSAAS.IO Watcher refused ${operation} (HTTP ${answer.status})${said || ": no reason given"}`, details);
    default: {
      const outcomeUnknown = !idempotent && answer.status >= 500 && !(answer.status === 503 && answer.headers["retry-after"] !== undefined);
      return new VendorApiError(`VSAAS.IO Watcher ${operation} failed: HTTP ${answer.status}${said}. ${serverFailureAdvice(answer.status, outcomeUnknown, "vsaas:watcherUrl (VSAAS_WATCHER_URL)", "The Watcher")}`, {
        ...details,
        retryable: answer.status === 429 || answer.status >= 500,
        outcomeUnknown,
      });
    }
  }
}

/**
 * What to do after a 5xx/429 (or another unexpected status) that the transport's retries did not
 * get past: the fault is the vendor's, so run again later; say whether the request may have landed.
 */
export function serverFailureAdvice(status: number, outcomeUnknown: boolean, urlSetting: string, service: string): string {
  const what =
    status === 429
      ? `${service} is refusing requests for now (too many): run \`pulumi up\` again in a while`
      : status >= 500
        ? `${service} or a proxy in front of it failed: run \`pulumi up\` again once it answers normally`
        : `run \`pulumi up\` again; if it repeats, check ${urlSetting}`;
  const persists = status >= 500 || status === 429 ? `; if it persists, check ${urlSetting} and the service's health` : "";
  const landed = outcomeUnknown ? ` VSAAS.IO may have applied the request: the next \`pulumi up\` (or \`pulumi refresh\`) checks before repeating it, so do not repeat it by hand.` : "";
  return `${what}${persists}.${landed}`;
}

function watcherMessages(answer: HttpAnswer): string[] {
  let body: unknown;
  try {
    body = JSON.parse(answer.text());
  } catch {
    return [];
  }
  if (typeof body === "string") return [body.slice(0, 300)];
  if (!body || typeof body !== "object" || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ["error_message", "error", "detail", "message"]) {
    if (typeof record[key] === "string" && record[key] !== "") out.push(record[key] as string);
  }
  if (out.length === 0) {
    for (const [field, value] of Object.entries(record)) {
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.push(`${field}: ${value.join(", ")}`);
    }
  }
  return out.map((m) => m.slice(0, 300));
}

/**
 * Reads the object a create found after a lost answer (`context.findNew()` named it). The object
 * exists and is this create's, so a failure of this read must not end the create with nothing in
 * the state: it ends as a pending create (the core keeps a placeholder; the next `pulumi up` or
 * `refresh` finds the object by its natural key). Found by the fault suite: a cut-off `GET /users`
 * right after the look-up dropped a VsaasUser, and the next run refused its login as taken.
 */
export async function readMade<T>(read: () => Promise<T | undefined>, lost: Error, what: string): Promise<T | undefined> {
  try {
    return await read();
  } catch (readError) {
    throw new CreateOutcomeUnknownError(`${lost.message}; VSAAS.IO lists ${what}, but reading it failed (${describeError(readError)})`, { cause: lost });
  }
}
