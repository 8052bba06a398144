import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { mayStillBeRunning, VendorApiError, VendorTransportError } from "./errors";
import { redact } from "./redact";
import { fieldMeta, sameValue } from "./schema";

/**
 * Adoption of objects that already exist, and creates whose outcome is unknown. Built once here;
 * a resource takes part by declaring its natural key (see {@link NaturalKey}) and a `read` that
 * works from the id alone.
 *
 * - `import` (the resource option): Pulumi's own import cannot work for dynamic providers (the
 *   engine's ImportStep reads with no `__provider`, pulumi/pulumi#3550), so the SDK class takes the
 *   option out of the options the engine sees and hands the id to the provider as the input
 *   `__import`. `check` (so also `pulumi preview`) reads the object and fails listing every
 *   declared input that differs; `create` reads it again and keeps it, writing nothing.
 * - `adoptExisting` (an SDK option): `__adopt`. The create looks the natural key up: nothing →
 *   create; one object → keep it and apply the declared inputs that differ; several → an error.
 * - Pending creates: a create whose request may have been applied but could not be confirmed (the
 *   answer was lost and so were the look-ups) ends with an init error whose id is `pending:…`; the
 *   engine keeps that placeholder in the state, and the next `pulumi up`, `refresh` or `destroy`
 *   finds the object by its natural key (excluding the objects that had it before the create).
 *   When the request timed out (the vendor may still apply it), the placeholder also says until
 *   when: "not there" counts only after that ({@link settleByOf}, {@link settledFind}).
 */

/** Inputs the SDK adds for adoption; never part of a resource's schema. */
export const IMPORT_KEY = "__import";
export const ADOPT_KEY = "__adopt";
/**
 * Set by the SDK beside `__import` when the program runs for an update, not a preview: then Check
 * leaves the read to Create. The engine calls Check one resource at a time (its step generation is
 * sequential, pulumi/pulumi#12351; only Diff has an opt-in parallel mode), so a read in Check would
 * make the engine wait on a vendor round trip per imported object — at 35,583 objects, hours, and
 * one Hik-Connect device at a time at 4 requests/s. Create runs `--parallel` at once, and refuses
 * a mismatch listing every difference, as Check does in a preview.
 */
export const IMPORT_IN_CREATE_KEY = "__importInCreate";
/** In a pending create's state: what is needed to find the object later. */
export const PENDING_KEY = "__pending";
export const PENDING_PREFIX = "pending:";

/** Keys core adds to inputs or outputs besides the schema's. */
export const CORE_INPUT_KEYS = ["__provider", IMPORT_KEY, IMPORT_IN_CREATE_KEY, ADOPT_KEY] as const;

/**
 * A resource's natural key: what the vendor identifies the object by besides its id (a contract
 * number, a login, a serial number, an address). It finds the object a create made when the
 * answer was lost, the object `adoptExisting` adopts, and the one a pending create left.
 */
export interface NaturalKey<I> {
  /** The inputs that make up the key, in the order messages name them. */
  fields: readonly string[];
  /**
   * Optional inputs that are part of the key too (an address's letter, city, zip code): one that is
   * not set counts as empty, so "12" and "12А" are different keys. `fields` must still be set for
   * the key to apply.
   */
  optionalFields?: readonly string[];
  /**
   * Whether the vendor keeps the key unique. A unique key that is taken fails a create (unless it
   * adopts); a key that is not unique (a title and an owner) only tells objects apart from those
   * that had it before the create.
   */
  unique: boolean;
  /**
   * Whether a create looks the key up before sending (default true). Leave it on unless the
   * vendor itself refuses a taken key with a definite answer (then the lookup costs a request and
   * proves nothing more); adoption always looks up.
   */
  checkBeforeCreate?: boolean;
  /**
   * The objects that have this key now, exactly (never a partial match): their ids, or ids with a
   * label for messages (`{ id: "1001", label: "ACME Ltd" }`). With `fresh`, the answer must come
   * from a read made after the call (no list fetched earlier): the core asks for it while it waits
   * for a request that timed out to land (see {@link settledFind}).
   */
  find(inputs: I, options?: { fresh: true }): Promise<Array<string | { id: string; label?: string }>>;
}

/** What a create that had to give up without knowing its outcome needs to report. */
export class CreateOutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = "CreateOutcomeUnknownError";
  }
}

/** What `create` handlers learn from the core's look-up before they send anything. */
export interface CreateContext {
  /** Ids that had the natural key before this create (empty when the key was not looked up). */
  before: readonly string[];
  /**
   * Ids that have the natural key now but did not before: after a lost answer, the object this
   * create made (one), nothing yet (none), or an ambiguity (several). Empty when the resource has
   * no natural key for these inputs.
   */
  findNew(): Promise<string[]>;
}

export interface PendingCreate {
  /** The natural key's values, by input name. */
  key: Record<string, unknown>;
  /** Ids that had the key before the create: never mistaken for this create's object. */
  before: string[];
  /** When the create gave up (ISO time), for the messages. */
  since: string;
  /**
   * Until when (ISO time) the vendor may still apply the request, when it timed out: until then an
   * object that is not there yet proves nothing, so a resolution waits for this before creating
   * again (which would make a duplicate when the late request lands) or dropping the placeholder.
   */
  settleBy?: string;
}

/** The shortest and the longest a resolution waits for a late request to land (see {@link settleByOf}). */
export const MIN_SETTLE_MS = 5_000;
export const MAX_SETTLE_MS = 120_000;

/**
 * When a create that ended with `error` may still take effect: the request timed out (the vendor
 * may be working on it) → now + the request's timeout (as long again as the client waited; 30 s
 * for a gateway's 504, whose own timeout is unknown), at least {@link MIN_SETTLE_MS} and at most
 * {@link MAX_SETTLE_MS}; otherwise undefined (a lost answer or a refused connection: whatever
 * happened has happened). Found by the fault suite: an add answered 0.3 s after the timeout, a
 * placeholder resolved 0.1 s after it found nothing, created again, and the billing held the
 * address twice.
 */
export function settleByOf(error: unknown, now = Date.now()): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current instanceof VendorApiError && mayStillBeRunning(current)) {
      const timeoutMs = current instanceof VendorTransportError ? current.failure?.timeoutMs : undefined;
      return new Date(now + Math.min(Math.max(timeoutMs ?? 30_000, MIN_SETTLE_MS), MAX_SETTLE_MS)).toISOString();
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `look()` until it finds something or the pending create's `settleBy` has passed (a read about
 * every second); at once when there is no `settleBy` or it has passed.
 */
export async function settledFind(pending: Pick<PendingCreate, "settleBy">, look: () => Promise<string[]>): Promise<string[]> {
  let found = await look();
  const until = pending.settleBy ? Date.parse(pending.settleBy) : Number.NaN;
  while (found.length === 0 && Date.now() < until) {
    await sleep(Math.min(1_000, Math.max(50, until - Date.now())));
    found = await look();
  }
  return found;
}

/**
 * The key's values from inputs or outputs; undefined when a field is missing (the key does not
 * apply). Optional fields that are not set are null.
 */
export function keyValues(fields: readonly string[], values: Record<string, unknown>, optionalFields: readonly string[] = []): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f];
    if (v === undefined || v === null || v === "") return undefined;
    out[f] = v;
  }
  for (const f of optionalFields) {
    const v = values[f];
    out[f] = v === undefined || v === "" ? null : v;
  }
  return out;
}

export function describeKey(key: Record<string, unknown>): string {
  return Object.entries(key)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
}

/** The placeholder id of a pending create: one per create that gave up (never reused). */
export function pendingId(token: string, pending: PendingCreate): string {
  const hash = createHash("sha256")
    .update(`${token}\u0000${JSON.stringify(pending.key)}\u0000${pending.since}\u0000${randomBytes(8).toString("hex")}`)
    .digest("hex")
    .slice(0, 20);
  return `${PENDING_PREFIX}${hash}`;
}

export function isPendingId(id: string): boolean {
  return id.startsWith(PENDING_PREFIX);
}

/**
 * Pending creates this process is resolving. The engine replaces a pending placeholder (our diff
 * asks for it) with Diff, then Create, then Delete of the placeholder, all in the one provider
 * process of the deployment; the diff notes the key here so the create adopts the object the
 * earlier create made instead of refusing it as a duplicate, and the delete of the placeholder
 * then deletes nothing.
 */
const expected = new Map<string, { pendingId: string; pending: PendingCreate }>();
const resolved = new Set<string>();

// The key's fields in a fixed order: the pending key comes back from the state through a protobuf
// Struct, whose fields need not keep the order the create wrote them in.
const markerKey = (token: string, key: Record<string, unknown>) =>
  `${token}\u0000${JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;

export function expectResolution(token: string, id: string, pending: PendingCreate): void {
  expected.set(markerKey(token, pending.key), { pendingId: id, pending });
}

/** The pending create a new create resolves, if the diff of a placeholder with its key came first. */
export function takeResolution(token: string, key: Record<string, unknown>): { pendingId: string; pending: PendingCreate } | undefined {
  const k = markerKey(token, key);
  const found = expected.get(k);
  if (found) expected.delete(k);
  return found;
}

export function markResolved(pendingId: string): void {
  resolved.add(pendingId);
}

export function wasResolved(pendingId: string): boolean {
  return resolved.has(pendingId);
}

/** One declared input whose value differs from the vendor's. */
export interface Difference {
  field: string;
  declared: unknown;
  vendor: unknown;
  /** Whether changing it means replacing the object. */
  replaces: boolean;
  secret: boolean;
}

/**
 * The declared inputs whose value differs from what the vendor has (`now`, as the resource's
 * `read` returns it). Inputs the vendor never returns (`writeOnly`) and creation-only inputs are
 * not compared: they are adopted as declared.
 */
export function differences(
  schema: z.ZodObject,
  now: Record<string, unknown>,
  declared: Record<string, unknown>,
  comparable?: (olds: Record<string, unknown>, news: Record<string, unknown>) => { olds: Record<string, unknown>; news: Record<string, unknown> },
): Difference[] {
  const view = comparable ? comparable(now, declared) : { olds: now, news: declared };
  const out: Difference[] = [];
  for (const key of Object.keys(schema.shape)) {
    if (declared[key] === undefined) continue;
    const meta = fieldMeta(schema.shape, key);
    if (meta.writeOnly || meta.onChange === "ignore") continue;
    if (sameValue(view.olds[key], view.news[key], meta.compare)) continue;
    out.push({ field: key, declared: declared[key], vendor: now[key], replaces: meta.onChange === "replace", secret: meta.secret === true });
  }
  return out;
}

/** `field: declared X, <vendor> has Y` — secret values are never shown. */
export function describeDifference(d: Difference, vendorTitle: string): string {
  if (d.secret) return `${d.field}: differs from what ${vendorTitle} has (a secret: values not shown)`;
  return `${d.field}: declared ${show(d.declared)}, ${vendorTitle} has ${show(d.vendor)}`;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The declared inputs a vendor never returns, to keep in the outputs of an adopted object. */
export function writeOnlyInputs(schema: z.ZodObject, declared: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const meta = fieldMeta(schema.shape, key);
    if ((meta.writeOnly || meta.onChange === "ignore") && declared[key] !== undefined) out[key] = declared[key];
  }
  return out;
}
