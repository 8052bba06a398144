import { withKeyLock } from "../core/key-lock";
import type { StalkerAccountRecord, StalkerAddress, StalkerClient } from "./client";
import { normalizeMac } from "./mac";

/**
 * Finding a Stalker account and choosing a URL that reaches it and no other. The API addresses
 * accounts only by MAC or account number, and a PUT or DELETE hits EVERY account the identifier
 * resolves to. The document promises unique logins only: account numbers are shared by design,
 * and MACs are unique only as far as the create checks them (a PUT gives a MAC in use without
 * complaint). So an address is used for a PUT or DELETE only after a GET of that very address
 * answered exactly this login — whatever the server makes of the identifier.
 */

/** What the state knows about where an account is. */
export type Addressable = { stbMac?: string; accountNumber?: string };

export interface Located {
  /** The address at which the login was found. */
  address: StalkerAddress;
  record: StalkerAccountRecord;
  /** Other accounts the same address resolves to. */
  others: number;
  /** Every account the address resolves to, this one included. */
  atAddress: StalkerAccountRecord[];
  /**
   * How it was found: `now` — a GET of {@link address} just for this (so `atAddress` is what a PUT
   * or DELETE there reaches now: the only source a write may rely on); `batch` — that GET coalesced
   * with other reads (answered from the account list when the batch's GET failed); `list` — the
   * account list (up to two seconds old).
   */
  via: "now" | "batch" | "list";
}

/**
 * Finds the account with this login: at its MAC first, then at its account number (a MAC changed
 * outside Pulumi still finds the account), then — a login being unique in Stalker — in the list of
 * every account (an account moved to another MAC and number, or one known by its login only, as in
 * an import). Only accounts whose login matches count: a MAC or number that now belongs to someone
 * else is not this account. Undefined when Stalker has no account with this login.
 *
 * The lookups at the addresses are coalesced with the reads that arrive together (a refresh of many
 * accounts costs a GET per 200 MACs), or — `now`, for a write or an adopt-or-create — GETs of their
 * own; the list is fetched only when they miss, once for all the reads that miss together (for `now`,
 * a list fetched for it or in flight, never one up to two seconds old: such a look-up must not miss an
 * account made or deleted outside Pulumi a moment ago).
 */
export async function locate(client: StalkerClient, login: string, known: Addressable, options: { now?: boolean } = {}): Promise<Located | undefined> {
  for (const address of addressesOf(known)) {
    const found = await lookAt(client, address, login, options.now === true);
    if (found) return found;
  }
  return inList(await client.allAccounts({ fresh: options.now === true }), login);
}

/** The account with this login in a list of every account, addressed by its MAC, else its number. */
export function inList(all: readonly StalkerAccountRecord[], login: string): Located | undefined {
  const record = all.find((r) => r.login === login);
  if (!record) return undefined;
  const [address] = addressesOf({ stbMac: stringOf(record.stb_mac), accountNumber: stringOf(record.account_number) });
  if (!address) return { address: { kind: "number", accountNumber: "" }, record, others: 0, atAddress: [record], via: "list" };
  const atAddress = all.filter((r) => r === record || sameAddress(address, addressOfRecord(r, address.kind)));
  return { address, record, others: atAddress.length - 1, atAddress, via: "list" };
}

/** The account with this login at an address: a GET now, or coalesced with the reads that arrive together. */
export async function lookAt(client: StalkerClient, address: StalkerAddress, login: string, now: boolean): Promise<Located | undefined> {
  const records = now ? await client.getAccounts(address) : await client.accountsAt(address);
  const record = records.find((r) => r.login === login);
  return record && { address, record, others: records.length - 1, atAddress: records, via: now ? "now" : "batch" };
}

/**
 * The addresses of an account, MAC first. An account number that a URL cannot carry as one
 * identifier (with `,` `/` `\` `:` or spaces, set outside Pulumi) is not an address at all.
 */
export function addressesOf(known: Addressable): StalkerAddress[] {
  const out: StalkerAddress[] = [];
  const mac = known.stbMac ? normalizeMac(known.stbMac) : undefined;
  if (mac) out.push({ kind: "mac", mac });
  if (known.accountNumber && usableNumber(known.accountNumber)) out.push({ kind: "number", accountNumber: known.accountNumber });
  return out;
}

/** Whether an account number can be one identifier of a URL (check refuses the others). */
export function usableNumber(n: string): boolean {
  return /^[^,/\\:\s]+$/.test(n) && !/^\.+$/.test(n);
}

function addressOfRecord(record: StalkerAccountRecord, kind: StalkerAddress["kind"]): StalkerAddress {
  return kind === "mac"
    ? { kind, mac: normalizeMac(stringOf(record.stb_mac)) ?? "" }
    : { kind, accountNumber: stringOf(record.account_number) };
}

/**
 * The address a PUT or DELETE may use so that it reaches this account and no other: the MAC
 * Stalker has for it, else its account number — each only when a GET of it answers exactly this
 * login (the lookup that found the account counts; another address costs one more GET).
 * Otherwise nothing is sent: the API would apply the call to every account there.
 */
export async function exclusiveAddress(client: StalkerClient, found: Located, login: string, method: "PUT" | "DELETE"): Promise<StalkerAddress> {
  const mac = typeof found.record.stb_mac === "string" ? normalizeMac(found.record.stb_mac) : undefined;
  const number = found.address.kind === "number" ? found.address.accountNumber : stringOf(found.record.account_number);
  const candidates: StalkerAddress[] = [];
  if (mac) candidates.push({ kind: "mac", mac });
  if (number && usableNumber(number)) candidates.push({ kind: "number", accountNumber: number });
  const shared: string[] = [];
  for (const address of candidates) {
    const there = found.via === "now" && sameAddress(address, found.address) ? found : await lookAt(client, address, login, true);
    if (there?.others === 0) return address;
    shared.push(describeSharing(address, there?.others));
  }
  const verb = method === "PUT" ? "change" : "delete";
  if (!mac) {
    throw new Error(
      `StalkerAccount ${JSON.stringify(login)}: ${shared[0] ?? "it has no account number either"}, and this account has no MAC in ` +
        `Stalker. The API can only address it by that number, and a ${method} by account number would ${verb} all of them, so ` +
        `nothing was sent. Set stbMac: give the account its set-top box's MAC in the Stalker admin panel, put the same MAC in ` +
        `stbMac and run \`pulumi refresh\`; or give the account a number no one else has.`,
    );
  }
  throw new Error(
    `StalkerAccount ${JSON.stringify(login)}: ${shared.join(", and ")}; a ${method} by ${shared.length > 1 ? "either" : "it"} would ` +
      `${verb} them too, so nothing ` +
      `was sent. Give the other account${shared.length > 1 ? "s" : ""} a MAC of their own in the Stalker admin panel (or this ` +
      `account a number of its own), then run \`pulumi refresh\`.`,
  );
}

function describeSharing(address: StalkerAddress, others: number | undefined): string {
  const where = address.kind === "mac" ? `MAC ${address.mac}` : `account number ${JSON.stringify(address.accountNumber)}`;
  if (others === undefined) return `${where} does not find it`;
  return address.kind === "mac"
    ? `${where} also belongs to ${others} other account${others === 1 ? "" : "s"} in Stalker`
    : `${where} also belongs to ${others} other subscriber${others === 1 ? "" : "s"}`;
}

/**
 * Refuses to move an account to a MAC another account has. Stalker's PUT would accept it, and the
 * two accounts could then no longer be told apart by MAC (the next PUT or DELETE by it hits both).
 */
export async function ensureMacFree(client: StalkerClient, login: string, mac: string): Promise<void> {
  const holders = (await client.getAccounts({ kind: "mac", mac })).filter((r) => r.login !== login);
  if (holders.length === 0) return;
  throw new Error(
    `stbMac ${mac}: another Stalker account already has this MAC. Stalker would give it to both, and could no longer tell ` +
      `them apart by it; nothing was sent. Check the MAC, or free it on the other account first.`,
  );
}

export function describeAddresses(known: Addressable): string {
  return addressesOf(known)
    .map((a) => (a.kind === "mac" ? `MAC ${a.mac}` : `account number ${JSON.stringify(a.accountNumber)}`))
    .join(" or ");
}

/**
 * The keys of everything an operation may address. The engine runs resources in parallel: a create
 * that claims an account number must not slip between another operation's check that the number
 * is exclusive and its PUT or DELETE; two creates of one login must not both look it up at once.
 * (This holds within one provider process; a change made by someone else at that moment cannot be
 * excluded — the check and the call are as close together as the API allows.)
 */
export function lockKeys(login: string, states: Addressable[]): string[] {
  const keys = new Set<string>([`stalker:login:${login}`]);
  for (const s of states) {
    for (const a of addressesOf(s)) keys.add(a.kind === "mac" ? `stalker:mac:${a.mac}` : `stalker:number:${a.accountNumber}`);
  }
  return [...keys].sort();
}

/** Takes every lock in a fixed (sorted) order, so two operations can never wait for each other. */
export function withLocks<T>(keys: string[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = keys;
  if (first === undefined) return work();
  return withKeyLock(first, () => withLocks(rest, work));
}

function sameAddress(a: StalkerAddress, b: StalkerAddress): boolean {
  return a.kind === "mac" ? b.kind === "mac" && a.mac === b.mac : b.kind === "number" && a.accountNumber === b.accountNumber;
}

export function stringOf(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}
