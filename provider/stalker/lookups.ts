import { VendorApiError } from "../core/errors";
import { identifier, SOME_IDENTIFIERS_UNKNOWN, type StalkerAccountRecord, type StalkerAddress, type StalkerClient, type StalkerSubscriptionRow } from "./client";
import { normalizeMac } from "./mac";

/**
 * How many characters of identifiers one URL carries. 200 MACs (17 characters and a comma each)
 * make 3,599: far below the 8 KB request line of Apache's and nginx's defaults, with room for the
 * base URL and proxies in front of Stalker that allow less.
 */
export const IDENTIFIER_BUDGET = 3600;

/**
 * Accounts by MAC or by account number through `GET /accounts/<a>,<b>,…`, for the coalesced reads
 * of the client: each key maps to every account the answer has for it — matched by value (MAC
 * normalised, number as a string), never by position, so a MAC or number shared by two accounts
 * maps to both and a key the answer lacks maps to none.
 *
 * Stalker fails the whole GET ("One or more identifiers are incorrect") when it finds fewer accounts
 * than identifiers — some account is gone. Such a chunk is answered from the list of every account
 * instead: the reads that miss fetch that list anyway (a login is looked for in it before it is
 * called gone), and it is shared by every read of the next two seconds, so a refresh with some
 * accounts gone costs one list more, not a GET per identifier. A single identifier that matches
 * nothing answers "Account not found": none.
 */
export async function accountsByIdentifiers(
  client: StalkerClient,
  kind: StalkerAddress["kind"],
  keys: readonly string[],
): Promise<Map<string, StalkerAccountRecord[]>> {
  const wanted = [...new Set(keys)];
  const out = new Map<string, StalkerAccountRecord[]>(wanted.map((k) => [k, []]));
  const address = (k: string): StalkerAddress => (kind === "mac" ? { kind, mac: k } : { kind, accountNumber: k });
  const keyOf = (r: StalkerAccountRecord): string | undefined => {
    const v = kind === "mac" ? r["stb_mac"] : r["account_number"];
    const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
    return kind === "mac" ? normalizeMac(s) : s;
  };
  const run = async (part: string[]): Promise<void> => {
    let records: StalkerAccountRecord[];
    if (part.length === 1) records = await client.getAccounts(address(part[0]!));
    else {
      try {
        records = await client.getAccountsMany(part.map(address));
      } catch (error) {
        if (!(error instanceof VendorApiError) || error.code !== SOME_IDENTIFIERS_UNKNOWN) throw error;
        records = await client.allAccounts();
      }
    }
    const own = new Set(part);
    for (const record of records) {
      const key = keyOf(record);
      if (key !== undefined && own.has(key)) out.get(key)!.push(record);
    }
  };
  await Promise.all(chunks(wanted, (k) => identifier(address(k)).length).map(run));
  return out;
}

/**
 * Subscription rows by MAC through `GET /itv_subscription/<mac>,<mac>,…`, matched by MAC. When no
 * MAC of a chunk matches a box Stalker answers every box's row: matching by value is what keeps
 * another box's channels from being read as ours.
 */
export async function subscriptionsByMacs(client: StalkerClient, macs: readonly string[]): Promise<Map<string, StalkerSubscriptionRow[]>> {
  const wanted = [...new Set(macs)];
  const out = new Map<string, StalkerSubscriptionRow[]>(wanted.map((m) => [m, []]));
  await Promise.all(
    chunks(wanted, (m) => m.length).map(async (part) => {
      // Only this chunk's MACs: an answer of every box would also hold rows of other chunks' MACs.
      const own = new Set(part);
      for (const row of await client.getSubscriptions(part)) if (own.has(row.mac)) out.get(row.mac)!.push(row);
    }),
  );
  return out;
}

/** Consecutive groups whose identifiers, joined with commas, stay within {@link IDENTIFIER_BUDGET}. */
export function chunks<T>(items: readonly T[], length: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = length(item) + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + n > IDENTIFIER_BUDGET) {
      out.push(current);
      current = [];
      size = 0;
    }
    size += current.length > 0 ? length(item) + 1 : length(item);
    current.push(item);
  }
  if (current.length > 0) out.push(current);
  return out;
}
