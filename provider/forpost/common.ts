import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { sharedRead, type DiscoverOptions } from "../core/resource";
import type { ForpostAccountRecord, ForpostClient } from "./client";

/**
 * The id of another Forpost object (an account, a user, a camera) as an input: digits, as the
 * resource's `id` output gives it, or the number its `accountId`/`userId`/`cameraId` output
 * gives. Kept as a string of digits, so `account.id` and `account.accountId` mean the same.
 */
export function forpostId(what: string) {
  const error = `must be a Forpost ${what} ID: digits, e.g. the \`id\` output of the ${what}'s resource`;
  return z
    .union([z.string({ error }).regex(/^[1-9]\d{0,15}$/, { error }), z.number({ error }).int({ error }).positive({ error }).max(Number.MAX_SAFE_INTEGER, { error })], { error })
    .transform((v) => String(v));
}

/**
 * The objects an owner's list holds (an account's users or cameras), for a natural key's look-up:
 * an owner that does not exist (ErrorCode 2) has none, so the create goes on to say so clearly.
 */
export async function listOrNone<T>(list: () => Promise<T[]>): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof VendorApiError && !(error instanceof VendorAuthError) && error.code === "2") return [];
    throw error;
  }
}

/** A Forpost TCP port. */
export const port = () =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be a port number from 1 to 65535" })
    .max(65535, { error: "must be a port number from 1 to 65535" });

/** A positive id of a catalogue entry (a cluster, a model, a PTZ type). */
export const catalogueId = () =>
  z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be a positive id" }).max(Number.MAX_SAFE_INTEGER);

/**
 * Sends a create that is not idempotent (AddUser, AddCamera) without ever blindly repeating it:
 * after a lost answer the object is looked up by its natural key (`context.findNew`): one new →
 * it is ours; none, and Forpost ended the exchange itself → the request never took effect and
 * is sent again (at most 3 times); none while it may still be running, or the look-up fails →
 * {@link CreateOutcomeUnknownError} (the next `pulumi up` resolves it). A refusal after a lost
 * attempt may be that attempt having landed after all: it is looked up too.
 */
export async function createOnce(send: () => Promise<number>, context: CreateContext, what: string): Promise<{ id: number; recovered: boolean }> {
  let lost = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return { id: await send(), recovered: false };
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      if (!error.outcomeUnknown && !(lost && error.code === "2")) throw error;
      let found: string[];
      try {
        found = await context.findNew();
      } catch (lookupError) {
        throw new CreateOutcomeUnknownError(`${error.message}; looking up ${what} failed too (${describeError(lookupError)})`, { cause: error });
      }
      if (found.length === 1) return { id: Number(found[0]), recovered: true };
      if (found.length > 1 || !error.outcomeUnknown) throw error;
      if (mayStillBeRunning(error)) {
        // We stopped waiting, Forpost may not have: a list without it proves nothing yet.
        throw new CreateOutcomeUnknownError(`${error.message}; Forpost does not list ${what} yet but may still be creating it`, { cause: error });
      }
      if (attempt >= 3) throw error;
      lost = true;
    }
  }
}

/**
 * Deletes through `remove`; a refusal is checked with `stillThere`: an object that is gone was
 * already deleted (success). The document has no "not found" code, so any refusal is checked.
 */
export async function deleteTolerant(remove: () => Promise<void>, stillThere: () => Promise<boolean>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (error instanceof VendorAuthError || error instanceof VendorTransportError || !(error instanceof VendorApiError)) throw error;
    if (await stillThere()) throw error;
  }
}

/**
 * The accounts `discover` walks: masAccounts (one call), filtered by contract-number prefix, with
 * a per-account step run a few at a time and yielded in account order.
 */
export async function* eachAccount<T>(
  client: ForpostClient,
  options: DiscoverOptions,
  perAccount: (account: ForpostAccountRecord) => Promise<T[]>,
): AsyncGenerator<{ account: ForpostAccountRecord; item: T }> {
  const all = await sharedRead(options, "forpost:accounts", () => client.masAccounts());
  let found = 0;
  options.onProgress?.(found);
  const prefix = options.subscriberPrefix;
  const accounts = all.filter((a) => prefix === undefined || (typeof a.ContractNumber === "string" && a.ContractNumber.startsWith(prefix)));
  const limit = options.limit ?? Infinity;
  for (let i = 0; i < accounts.length && found < limit; i += DISCOVER_CONCURRENCY) {
    const chunk = accounts.slice(i, i + DISCOVER_CONCURRENCY);
    const results = await Promise.all(chunk.map((account) => perAccount(account)));
    for (const [k, items] of results.entries()) {
      for (const item of items) {
        if (found >= limit) break;
        found++;
        yield { account: chunk[k]!, item };
      }
      // After each account's own calls (its list, or its tariff getters).
      options.onProgress?.(found);
      if (found >= limit) return;
    }
  }
}

/** Accounts read at once by `discover` (Forpost documents no rate limit; this stays gentle). */
const DISCOVER_CONCURRENCY = 8;

/** The subscriber an account stands for in `discover`: its contract number, else its ID. */
export function subscriberOf(account: ForpostAccountRecord): string {
  return typeof account.ContractNumber === "string" && account.ContractNumber !== "" ? account.ContractNumber : `account-${account.ID}`;
}

/** A resource name from parts: lower case letters, digits and dashes. */
export function resourceName(...parts: Array<string | number>): string {
  return parts
    .map((p) => String(p).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""))
    .filter(Boolean)
    .join("-");
}

export function pick<T extends object>(values: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}
