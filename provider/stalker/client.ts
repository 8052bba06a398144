import { z } from "zod";
import { basicCredentials } from "../core/auth";
import { coalescedLookup, listSnapshot, type CoalescedLookup, type ListSnapshot } from "../core/coalesce";
import { VendorApiError, VendorAuthError, VendorNotFoundError } from "../core/errors";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { wireInt } from "../core/wire";
import { stalkerConfig } from "./config";
import { accountsByIdentifiers, subscriptionsByMacs } from "./lookups";
import { normalizeMac } from "./mac";

/** An account as `GET /accounts/<id>` answers it (wire names); fields beyond `login` may be missing. */
export type StalkerAccountRecord = { login: string } & Record<string, unknown>;

/** Form fields in wire names (`full_name`, `stb_mac`, `sub_ch[]`, ...), already encoded. */
export type StalkerParams = Array<[string, string]>;

/**
 * How an account is addressed in a URL. The API knows no other way: never by login. A MAC is
 * unique; an account number may belong to several accounts.
 */
export type StalkerAddress = { kind: "mac"; mac: string } | { kind: "number"; accountNumber: string };

/** A channel of `GET /itv`. */
export interface StalkerChannel {
  id: string;
  name: string;
  number: number;
  /** `base_ch` 1: in the base package every box gets; 0: an optional channel a box subscribes to. */
  baseChannel: boolean;
}

/** One box's row of `GET /itv_subscription`: the document's fields, read leniently (numbers or strings). */
export interface StalkerSubscriptionRow {
  /** Upper case with colons, as the document writes MACs. */
  mac: string;
  /** Channel ids; `[""]` (what `sub_ch[]=` stores) and unreadable values read as no channels. */
  channels: string[];
  accountNumber: string;
  additionalServicesOn?: boolean;
}

/** What `GET /stb_modules/<mac>` answers, without the `""` that clearing leaves (`[""]`). */
export interface StalkerModules {
  disabled: string[];
  restricted: string[];
}

export type StalkerResource = "accounts" | "itv" | "itv_subscription" | "stb_modules";

const envelope = z.looseObject({
  status: z.enum(["OK", "ERROR"]),
  results: z.unknown().optional(),
  error: z.unknown().optional(),
});
const text = z.union([z.string(), z.number().transform(String)]);
const accountList = z.array(z.looseObject({ login: text }));
const channelList = z.array(z.looseObject({ id: text, name: z.string(), number: wireInt, base_ch: z.union([z.string(), z.number()]).optional() }));
const idList = z.array(z.unknown()).transform((values) => values.filter((v) => typeof v === "string" || typeof v === "number").map(String).filter((v) => v !== ""));
const subscriptionList = z.array(
  z.looseObject({
    mac: z.string(),
    // PHP's unserialize gives false for a damaged row; null for none.
    sub_ch: z.union([idList, z.unknown().transform(() => [] as string[])]),
    ls: text.optional(),
    additional_services_on: z.union([z.string(), z.number()]).optional(),
  }),
);
const modules = z.looseObject({ disabled: z.union([idList, z.unknown().transform(() => [] as string[])]), restricted: z.union([idList, z.unknown().transform(() => [] as string[])]) });

/**
 * The error texts Stalker answers (HTTP 200, status ERROR) when the identifier matches nothing:
 * ACCOUNTS "Account not found", STB_MODULES "Empty stb list". Read as "no such account / box" for
 * GET (gone) and DELETE (already deleted); the document does not list error texts.
 */
export const ACCOUNT_NOT_FOUND = "Account not found";
export const NO_SUCH_BOX = "Empty stb list";
/** A GET with several identifiers that found fewer accounts than identifiers (at least one matches nothing). */
export const SOME_IDENTIFIERS_UNKNOWN = "One or more identifiers are incorrect";

/**
 * Stalker Middleware REST API v1 client (ACCOUNTS, ITV, ITV_SUBSCRIPTION, STB_MODULES): one
 * method per call. Basic auth on every request, form bodies (the API reads JSON bodies as empty),
 * answers `{status, results, error}` with HTTP 200 even for errors — except 401 for bad credentials.
 *
 * Reads that arrive together (a refresh, many read-backs) are coalesced: accounts by MAC and by
 * account number through the multi-identifier GET, subscriptions likewise, the account list and the
 * channel list through short-lived snapshots that every write of this client invalidates.
 */
export class StalkerClient {
  private readonly byMac: CoalescedLookup<string, StalkerAccountRecord[]>;
  private readonly byNumber: CoalescedLookup<string, StalkerAccountRecord[]>;
  private readonly subscriptions: CoalescedLookup<string, StalkerSubscriptionRow[]>;
  private readonly accountList: ListSnapshot<StalkerAccountRecord>;
  private readonly channelList: ListSnapshot<StalkerChannel>;

  constructor(private readonly transport: HttpTransport) {
    // A wave of the engine's parallel Reads reaches the provider through gRPC one by one: on a busy
    // host 64 of them spread over tens of milliseconds, and once a wave has split in two batches it
    // would stay split. A batch waits until no read has joined it for 40 ms, and while the previous
    // batch is being answered (at most a second in all): a lone read waits 40 ms, a wave stays one call.
    const timing = { idleMs: 40, windowMs: 1000, afterPrevious: true };
    this.byMac = coalescedLookup({ ...timing, batch: (macs) => accountsByIdentifiers(this, "mac", macs) });
    this.byNumber = coalescedLookup({ ...timing, batch: (numbers) => accountsByIdentifiers(this, "number", numbers) });
    this.subscriptions = coalescedLookup({ ...timing, batch: (macs) => subscriptionsByMacs(this, macs) });
    this.accountList = listSnapshot({ fetch: () => this.listAccounts() });
    // Channels change in the admin panel, rarely, and never through us: a minute is fresh enough.
    this.channelList = listSnapshot({ fetch: () => this.listChannels(), maxAgeMs: 60_000 });
  }

  /** A client for the configured Stalker (stack config or environment), shared per process. */
  static fromConfig(): StalkerClient {
    const config = stalkerConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "stalker",
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        auth: basicCredentials(config.user, config.password),
      });
      cached = { config, client: new StalkerClient(transport) };
    }
    return cached.client;
  }

  // ---- ACCOUNTS ---------------------------------------------------------------------------

  /**
   * `GET /accounts/<address>`, now (never coalesced): every account the address resolves to — one
   * for a MAC, any number for an account number — and an empty list when none ("Account not found").
   * For existence checks, where "none" is the expected answer.
   */
  async getAccounts(address: StalkerAddress): Promise<StalkerAccountRecord[]> {
    try {
      return parseAccounts(await this.call("GET", "accounts", identifier(address), undefined, { idempotent: true }));
    } catch (error) {
      if (error instanceof VendorNotFoundError) return [];
      throw error;
    }
  }

  /**
   * The same answer, coalesced with the reads that arrive together into `GET /accounts/<a>,<b>,…`
   * (one per address kind). For reads of accounts that are expected to exist (refresh, read-backs).
   */
  accountsAt(address: StalkerAddress): Promise<StalkerAccountRecord[]> {
    return address.kind === "mac" ? this.byMac.load(address.mac).then(orEmpty) : this.byNumber.load(address.accountNumber).then(orEmpty);
  }

  /**
   * `GET /accounts/<a>,<b>,…` (one kind of identifier: Stalker reads all of them the way it reads
   * the first). Fails with {@link SOME_IDENTIFIERS_UNKNOWN} when it finds fewer accounts than it
   * was given identifiers; callers match the answer to identifiers themselves.
   */
  async getAccountsMany(addresses: readonly StalkerAddress[]): Promise<StalkerAccountRecord[]> {
    return parseAccounts(await this.call("GET", "accounts", addresses.map(identifier).join(","), undefined, { idempotent: true }));
  }

  /**
   * `GET /accounts/`: every account in Stalker. Not shown by the document (which shows one or
   * several identifiers); Stalker's v1 answers every account to a GET without identifiers, as the
   * STB resource's example 1 does for boxes. One answer with all of them: for finding a login.
   */
  async listAccounts(): Promise<StalkerAccountRecord[]> {
    return parseAccounts(await this.call("GET", "accounts", undefined, undefined, { idempotent: true }));
  }

  /**
   * {@link listAccounts}, shared by the reads that arrive together (forgotten after every write).
   * `fresh`: a list fetched for this read (or in flight), never one up to two seconds old — for the
   * look-ups a write or a create's adoption relies on, which must not miss a change made outside
   * Pulumi a moment ago (an account deleted or made just before).
   */
  allAccounts(options: { fresh?: boolean } = {}): Promise<StalkerAccountRecord[]> {
    return this.accountList.get(options.fresh ? { maxAgeMs: 0 } : undefined);
  }

  /** Makes the next {@link allAccounts} fetch the list again (it was found to be older than a GET). */
  forgetAccountList(): void {
    this.accountList.invalidate();
  }

  /**
   * `POST /accounts/`. Not idempotent (a second one answers "Login already in use"), so it is
   * repeated only when it certainly never reached Stalker; the answer is `true`, no id.
   */
  async addAccount(params: StalkerParams): Promise<void> {
    await this.write(() => this.call("POST", "accounts", undefined, params, { idempotent: false }));
  }

  /**
   * `PUT /accounts/<address>`. Changes EVERY account the address resolves to: callers must have
   * checked that it resolves to exactly the one they mean. `idempotent` is false when the PUT
   * moves the account to another MAC (a repeat would address the old MAC, which no longer exists).
   */
  async updateAccount(address: StalkerAddress, params: StalkerParams, opts: { idempotent: boolean }): Promise<void> {
    await this.write(() => this.call("PUT", "accounts", identifier(address), params, opts));
  }

  /**
   * `DELETE /accounts/<address>`. Deletes EVERY account the address resolves to (see updateAccount).
   * `idempotent: false` keeps the transport from repeating it on its own (callers re-check first).
   */
  async deleteAccount(address: StalkerAddress, opts: { idempotent: boolean }): Promise<void> {
    await this.write(() => this.call("DELETE", "accounts", identifier(address), undefined, opts));
  }

  // ---- ITV --------------------------------------------------------------------------------

  /** `GET /itv`: every channel. */
  async listChannels(): Promise<StalkerChannel[]> {
    const parsed = channelList.safeParse(await this.call("GET", "itv", undefined, undefined, { idempotent: true }));
    if (!parsed.success) throw this.unexpected("GET /itv/", "results is not a list of channels");
    return parsed.data.map((c) => ({ id: c.id, name: c.name, number: c.number, baseChannel: c.base_ch === 1 || c.base_ch === "1" }));
  }

  /** {@link listChannels}, reused for a minute. */
  channels(): Promise<StalkerChannel[]> {
    return this.channelList.get();
  }

  // ---- ITV_SUBSCRIPTION --------------------------------------------------------------------

  /**
   * `GET /itv_subscription/<mac>,<mac>,…`: the rows of these boxes. Beware: when NO identifier
   * matches a box, Stalker answers every box's row — callers match rows to MACs themselves.
   */
  async getSubscriptions(macs: readonly string[]): Promise<StalkerSubscriptionRow[]> {
    const ids = macs.map((mac) => identifier({ kind: "mac", mac })).join(",");
    return parseSubscriptions(await this.call("GET", "itv_subscription", ids, undefined, { idempotent: true }), this);
  }

  /** `GET /itv_subscription`: every box that has a subscription row. */
  async listSubscriptions(): Promise<StalkerSubscriptionRow[]> {
    return parseSubscriptions(await this.call("GET", "itv_subscription", undefined, undefined, { idempotent: true }), this);
  }

  /** The rows with this MAC (normally one; none when the box has no row or no box has the MAC), coalesced. */
  subscriptionsAt(mac: string): Promise<StalkerSubscriptionRow[]> {
    return this.subscriptions.load(mac).then(orEmpty);
  }

  /**
   * `PUT /itv_subscription/<mac>` with `sub_ch[]=…` and/or `additional_services_on`. Reaches every
   * box the MAC resolves to — and, on Stalker's v1, EVERY box when it resolves to none: callers
   * must have checked that exactly one account has the MAC, just before. Never repeated by the
   * transport (a repeat must be checked again); answers the boxes' rows.
   */
  async setSubscription(mac: string, change: { channels?: readonly string[]; additionalServicesOn?: boolean }): Promise<StalkerSubscriptionRow[]> {
    const form: StalkerParams = [];
    if (change.channels !== undefined) form.push(...listField("sub_ch", change.channels));
    if (change.additionalServicesOn !== undefined) form.push(["additional_services_on", change.additionalServicesOn ? "1" : "0"]);
    const results = await this.call("PUT", "itv_subscription", identifier({ kind: "mac", mac }), form, { idempotent: false });
    // A newer Stalker answers `false` when no row was written.
    return results === false ? [] : parseSubscriptions(results, this);
  }

  // ---- STB_MODULES -------------------------------------------------------------------------

  /** `GET /stb_modules/<mac>` (one box only; there is no list); undefined when no box has the MAC ("Empty stb list"). */
  async getModules(mac: string): Promise<StalkerModules | undefined> {
    try {
      return this.parseModules(await this.call("GET", "stb_modules", identifier({ kind: "mac", mac }), undefined, { idempotent: true }));
    } catch (error) {
      if (error instanceof VendorNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * `PUT /stb_modules/<mac>` with `disabled[]` / `restricted[]` (an empty list is sent as `x[]=`,
   * as the document clears them). The document's header names PUT; its examples say POST, which
   * Stalker's v1 refuses ("does not support action create"). Reaches every box the MAC resolves
   * to: callers check it is exactly one first — and again before a repeat, so the transport never
   * repeats it on its own.
   */
  async setModules(mac: string, change: Partial<StalkerModules>): Promise<StalkerModules> {
    const form: StalkerParams = [];
    if (change.disabled !== undefined) form.push(...listField("disabled", change.disabled));
    if (change.restricted !== undefined) form.push(...listField("restricted", change.restricted));
    return this.parseModules(await this.call("PUT", "stb_modules", identifier({ kind: "mac", mac }), form, { idempotent: false }));
  }

  // ---- transport ---------------------------------------------------------------------------

  private async write<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } finally {
      // Even a failed write may have been applied: the next read must not come from before it.
      this.accountList.invalidate();
    }
  }

  private parseModules(results: unknown): StalkerModules {
    const parsed = modules.safeParse(results);
    if (!parsed.success) throw this.unexpected("GET /stb_modules/{id}", "results is not {disabled, restricted}");
    return { disabled: parsed.data.disabled, restricted: parsed.data.restricted };
  }

  private async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    resource: StalkerResource,
    identifiers: string | undefined,
    form: StalkerParams | undefined,
    opts: { idempotent: boolean },
  ): Promise<unknown> {
    const operation = `${method} /${resource}/${identifiers ? "{id}" : ""}`;
    const answer = await this.transport.send({
      operation,
      method,
      path: `/${resource}/${identifiers ?? ""}`,
      form,
      idempotent: opts.idempotent,
    });
    if (answer.status === 401) {
      throw new VendorAuthError(
        `Stalker ${operation} failed: HTTP 401, the REST API refused the credentials. Check ` +
          `stalker:user / STALKER_USER and stalker:password / STALKER_PASSWORD (HTTP basic authentication).`,
        { vendor: "stalker", operation, httpStatus: 401 },
      );
    }
    const body = parseEnvelope(answer);
    if (!body) {
      // A 5xx without the API's answer (PHP died half-way) or a cut-off body: the request may
      // have been applied, so a create must look the account up before it tries again.
      throw this.unexpected(operation, `HTTP ${answer.status} without the API's {status, results} answer`, answer.status, {
        outcomeUnknown: method !== "GET" && (answer.status >= 500 || answer.status === 200),
      });
    }
    if (body.status === "ERROR") {
      const reason = typeof body.error === "string" && body.error !== "" ? body.error : "no reason given";
      const details = { vendor: "stalker" as const, operation, code: reason, httpStatus: answer.status };
      if (reason === ACCOUNT_NOT_FOUND || reason === NO_SUCH_BOX) throw new VendorNotFoundError(`Stalker ${operation} failed: ${reason}`, details);
      throw new VendorApiError(`Stalker ${operation} failed: ${reason}`, details);
    }
    return body.results;
  }

  /** An answer that is not what the document shows. */
  unexpected(operation: string, what: string, httpStatus?: number, extra: { outcomeUnknown?: boolean } = {}): VendorApiError {
    return new VendorApiError(
      `Stalker ${operation} answered in an unexpected shape (${what}); is stalker:url the REST API base, ` +
        `e.g. http://stalker.example.net/stalker_portal/api?`,
      { vendor: "stalker", operation, httpStatus, outcomeUnknown: extra.outcomeUnknown },
    );
  }
}

let cached: { config: ReturnType<typeof stalkerConfig.load>; client: StalkerClient } | undefined;

function orEmpty<T>(value: T[] | undefined): T[] {
  return value ?? [];
}

function parseAccounts(results: unknown): StalkerAccountRecord[] {
  const parsed = accountList.safeParse(results);
  if (!parsed.success) {
    throw new VendorApiError(`Stalker GET /accounts/ answered in an unexpected shape (results is not a list of accounts)`, {
      vendor: "stalker",
      operation: "GET /accounts/{id}",
    });
  }
  return parsed.data as StalkerAccountRecord[];
}

function parseSubscriptions(results: unknown, client: StalkerClient): StalkerSubscriptionRow[] {
  const parsed = subscriptionList.safeParse(results);
  if (!parsed.success) throw client.unexpected("GET /itv_subscription/{id}", "results is not a list of {mac, sub_ch, ls}");
  return parsed.data.map((row) => {
    const flag = row.additional_services_on;
    return {
      mac: normalizeMac(row.mac) ?? row.mac,
      channels: row.sub_ch,
      accountNumber: row.ls ?? "",
      ...(flag === undefined ? {} : { additionalServicesOn: flag === 1 || flag === "1" }),
    };
  });
}

/** `name[]=a&name[]=b`, or `name[]=` for none (how the document clears a list). */
function listField(name: string, values: readonly string[]): StalkerParams {
  return values.length === 0 ? [[`${name}[]`, ""]] : values.map((v) => [`${name}[]`, v]);
}

/**
 * The URL segment of an address. MACs go with literal colons, as the document writes them (and the
 * server tells a MAC from an account number by its colons); account numbers are percent-encoded.
 */
export function identifier(address: StalkerAddress): string {
  if (address.kind === "mac") {
    if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(address.mac)) throw new Error(`not a normalised MAC: ${address.mac}`);
    return address.mac;
  }
  return encodeURIComponent(address.accountNumber);
}

/** The `{status, results, error}` answer, or undefined when the body is not one (HTML, cut-off JSON). */
function parseEnvelope(answer: HttpAnswer): z.infer<typeof envelope> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(answer.text());
  } catch {
    return undefined;
  }
  const parsed = envelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
