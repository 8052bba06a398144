import { CreateOutcomeUnknownError } from "../core/adoption";
import { VendorApiError } from "../core/errors";
import { locate, lockKeys, stringOf, type Located } from "./addressing";
import type { StalkerAccountRecord, StalkerClient } from "./client";
import { normalizeMac } from "./mac";

/**
 * The set-top box of an account, for the settings Stalker keeps per box (ITV_SUBSCRIPTION,
 * STB_MODULES). In Stalker an account IS one box: these settings belong to the account, and the API
 * addresses them by the box's MAC or by account number. By account number a write reaches every
 * box on it — a family's other boxes — so these resources never use it: they find the account by
 * its login, take its MAC, and write by MAC only after a GET of that MAC has answered exactly this
 * account (two accounts can end up with one MAC: Stalker's account PUT allows it). On Stalker's v1
 * that check also matters for a MAC no box has: a PUT of `sub_ch` to one rewrites EVERY box's channels.
 */
export interface Box {
  login: string;
  /** Upper case with colons. */
  mac: string;
  record: StalkerAccountRecord;
}

/** What a box resource is doing, for messages. */
export type BoxOperation = "read" | "create" | "update" | "delete";

/**
 * The box of the account with this login: looked up at the MAC hint (the declared `mac`, or the
 * one seen last) with the reads that arrive together, else in the list of every account; then its
 * MAC must belong to this account alone. Undefined when Stalker has no account with this login.
 * `resource` names the resource in messages ("StalkerChannelSubscription").
 */
export async function boxOf(client: StalkerClient, resource: string, login: string, hint: string | undefined, operation: BoxOperation): Promise<Box | undefined> {
  for (let attempt = 1; ; attempt++) {
    // A write relies only on GETs made for it; a read may share them with the reads around it.
    const found = await locate(client, login, { stbMac: hint }, { now: operation !== "read" });
    if (!found) return undefined;
    const mac = normalizeMac(stringOf(found.record.stb_mac));
    if (!mac && found.via === "list" && attempt === 1) {
      // From an account list that may be a second old: ask again before refusing.
      client.forgetAccountList();
      continue;
    }
    if (!mac) {
      throw new Error(
        `${resource} ${JSON.stringify(login)}: the account has no set-top box MAC in Stalker, and the API addresses a box's ` +
          `settings only by its MAC or by account number — which would ${operation === "read" ? "mix in" : "change"} every box on that ` +
          `number. ${operation === "read" ? "Nothing can be read" : "Nothing was sent"}. Give the account its box's MAC (stbMac), then run \`pulumi up\` again.`,
      );
    }
    const holders = await holdersOf(client, found, mac, operation);
    if (!holders.some((r) => r.login === login)) {
      // Found in an account list older than this GET of its MAC: the account moved (or went) since.
      // Never take the MAC for its box: look again in a list fetched now.
      if (attempt === 1) {
        client.forgetAccountList();
        continue;
      }
      throw new Error(
        `${resource} ${JSON.stringify(login)}: the account's set-top box changed while it was being looked up (MAC ${mac} no longer ` +
          `belongs to it); nothing was ${operation === "read" ? "read" : "sent"}. Run the command again.`,
      );
    }
    if (holders.length > 1) {
      const others = holders.filter((r) => r.login !== login).map((r) => JSON.stringify(r.login));
      throw new Error(
        `${resource} ${JSON.stringify(login)}: MAC ${mac} also belongs to ${others.length === 1 ? "account" : "accounts"} ${others.join(", ")} in Stalker, ` +
          `so its settings cannot be ${operation === "read" ? "told apart from theirs" : "written without changing theirs too"}; ` +
          `${operation === "read" ? "nothing was read" : "nothing was sent"}. Give each account a MAC of its own in the Stalker admin panel, then run \`pulumi refresh\`.`,
      );
    }
    return { login, mac, record: found.record };
  }
}

/**
 * The accounts with this MAC: the answer of the GET that found the account at that MAC (for a write,
 * only a GET made for it), else a GET of the MAC — of its own for a write, coalesced for a read.
 */
async function holdersOf(client: StalkerClient, found: Located, mac: string, operation: BoxOperation): Promise<StalkerAccountRecord[]> {
  const write = operation !== "read";
  const trusted = write ? found.via === "now" : found.via !== "list";
  if (trusted && found.address.kind === "mac" && found.address.mac === mac) return found.atAddress;
  return write ? client.getAccounts({ kind: "mac", mac }) : client.accountsAt({ kind: "mac", mac });
}

/** Refuses a declared MAC that is not the account's: the program and Stalker disagree about the box. */
export function ensureDeclaredMac(resource: string, box: Box, declared: string | undefined): void {
  if (!declared || declared === box.mac) return;
  throw new Error(
    `${resource} ${JSON.stringify(box.login)}: mac is ${declared}, but the account's set-top box in Stalker is ${box.mac}; nothing was sent. ` +
      `Set mac to the account's stbMac, or change the account's MAC first.`,
  );
}

/** The error for a write to an account that does not exist. */
export function noAccount(resource: string, login: string, operation: BoxOperation): Error {
  return new Error(
    `${resource} ${JSON.stringify(login)}: Stalker has no account with this login, so its box's settings cannot be ${operation === "create" ? "set" : "changed"}; ` +
      `nothing was sent. Create the StalkerAccount first (reference it: \`login: account.id\`)` +
      (operation === "update" ? ", or run `pulumi refresh` to drop this resource from the state." : "."),
  );
}

/** The locks of a box write: the account's login and the box's MAC (shared with StalkerAccount's). */
export function boxLocks(login: string, macs: Array<string | undefined>): string[] {
  return lockKeys(login, macs.map((stbMac) => ({ stbMac })));
}

/**
 * Sends a box write, at most three times. The writes are sets (sending one twice changes nothing),
 * but a repeat is only safe after the MAC has been checked again: the transport never repeats it on
 * its own. `recheck` finds the box again (and throws when it is gone or shared now).
 */
export async function writeChecked<T>(box: Box, recheck: () => Promise<Box>, send: (mac: string) => Promise<T>): Promise<T> {
  let current = box;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(current.mac);
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown || attempt >= 3) throw error;
      current = await recheck();
    }
  }
}

/**
 * The first write of a box's settings (a subscription, menu restrictions), sent through
 * {@link writeChecked}. When even the last try could not be confirmed, Stalker may have applied it:
 * the create fails as outcome-unknown, so the state keeps a placeholder that the next `pulumi up`
 * resolves by reading the box (the write is a set: it never doubles anything).
 */
export async function firstBoxWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof VendorApiError && error.outcomeUnknown) {
      throw new CreateOutcomeUnknownError(`${error.message}; it was sent again after checking the box, and could still not be confirmed`, { cause: error });
    }
    throw error;
  }
}

/** Ids as Stalker stores them, in a stable order (numbers by value, then the rest). */
export function sortIds(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}
