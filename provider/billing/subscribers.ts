import { VendorApiError } from "../core/errors";
import type { BillingRow } from "./answer";
import type { BillingClient, FindCriteria } from "./client";
import { ipToWire, wireToIp } from "./ip";

/**
 * A subscriber as the functions answer it: the CLN_USR_GET columns a program has a use for, by
 * name. An allow-list: a column not named here (PSW, GEN_PWD, AD_PASS, the AD_* directory settings,
 * admin flags, anything a newer billing adds) never reaches a program.
 */
export interface Subscriber {
  id: number;
  login?: string;
  name?: string;
  contractNumber?: string;
  email?: string;
  phone?: string;
  groupId?: number;
  groupName?: string;
  tariffId?: number;
  tariffName?: string;
  balance?: number;
  credit?: number;
  enabled: boolean;
  deleted: boolean;
  ip?: string;
  mac?: string;
  homeId?: number;
  apartment?: number;
  switchId?: number;
  switchName?: string;
  switchIp?: string;
  switchPort?: number;
  vlan?: number;
  stbIp?: string;
  stbMac?: string;
  voipIp?: string;
  voipMac?: string;
  createDate?: string;
}

/** findSubscribers' arguments: exactly one criterion. */
export interface SubscriberSearch {
  login?: string;
  contractNumber?: string;
  contractNumberPrefix?: string;
  contractNumberFrom?: string;
  contractNumberTo?: string;
  ip?: string;
  phone?: string;
  sipId?: string;
  includeDeleted?: boolean;
}

/** CLN_USR_GET calls in flight at once for one search (the billing is one Firebird server). */
const CONCURRENT_GETS = 4;

/**
 * The subscribers matching one criterion, exactly. CLN_USR_FIND_2 finds candidates (how it matches
 * text is undocumented: maybe exactly, maybe a substring), its answer lacks the contract number,
 * phone and SIP id, so each candidate is read with CLN_USR_GET and checked. A contract-number
 * prefix or range cannot be asked of CLN_USR_FIND_2 (one value per field, no range): with
 * `billing:contractNumberSearch` `exact` every subscriber is read; `substring` / `like` ask for the
 * prefix (the range's common prefix) and check the candidates.
 */
export async function findSubscriberRecords(client: BillingClient, args: SubscriberSearch): Promise<Subscriber[]> {
  const plan = searchPlan(client.context.contractNumberSearch ?? "exact", args);
  const rows = await client.findUsers({ ...plan.criteria, END_USER_IN: 1, DELETED_IN: args.includeDeleted ? null : 0 });
  const candidates = rows.filter((row) => row["end_user"] !== "0" && (args.includeDeleted || row["deleted"] !== "1") && plan.candidate(row));
  const records = await mapLimited(candidates, CONCURRENT_GETS, async (row) => {
    const id = Number(row["id"]);
    const full = await client.getUser(id);
    // Gone between the two calls: not a match any more.
    return full && subscriberOf(full, row["parent_identify"] || undefined);
  });
  return records.filter((s): s is Subscriber => s !== undefined && (args.includeDeleted || !s.deleted) && plan.matches(s));
}

interface SearchPlan {
  criteria: FindCriteria;
  /** A cheap check on the CLN_USR_FIND_2 row, before any CLN_USR_GET. */
  candidate(row: BillingRow): boolean;
  /** The exact check on the full record. */
  matches(s: Subscriber): boolean;
}

function searchPlan(mode: "exact" | "substring" | "like", args: SubscriberSearch): SearchPlan {
  const given = (["login", "contractNumber", "contractNumberPrefix", "contractNumberFrom", "contractNumberTo", "ip", "phone", "sipId"] as const).filter((k) => args[k] !== undefined);
  const range = args.contractNumberFrom !== undefined || args.contractNumberTo !== undefined;
  const count = given.length - (args.contractNumberFrom !== undefined && args.contractNumberTo !== undefined ? 1 : 0);
  if (count !== 1 || (range && (args.contractNumberFrom === undefined || args.contractNumberTo === undefined))) {
    throw new Error(
      "billing.findSubscribers: give exactly one of login, contractNumber, contractNumberPrefix, contractNumberFrom + contractNumberTo (both), ip, phone, sipId " +
        `(got ${given.length === 0 ? "none" : given.join(" and ")})`,
    );
  }
  const any = () => true;
  // A prefix the billing can be asked for, as this billing matches CONTRACT_NUMBER_IN; none: ask for everyone.
  const byPrefix = (prefix: string): FindCriteria => (prefix === "" || mode === "exact" ? {} : { CONTRACT_NUMBER_IN: mode === "like" ? `${prefix}%` : prefix });
  if (args.login !== undefined) return { criteria: { LOGIN_IN: args.login }, candidate: (row) => row["login"] === args.login, matches: (s) => s.login === args.login };
  if (args.contractNumber !== undefined) return { criteria: { CONTRACT_NUMBER_IN: args.contractNumber }, candidate: any, matches: (s) => s.contractNumber === args.contractNumber };
  if (args.contractNumberPrefix !== undefined) {
    const prefix = args.contractNumberPrefix;
    return { criteria: byPrefix(prefix), candidate: any, matches: (s) => s.contractNumber?.startsWith(prefix) === true };
  }
  if (range) {
    const from = splitNumber(args.contractNumberFrom!, "contractNumberFrom");
    const to = splitNumber(args.contractNumberTo!, "contractNumberTo");
    if (from.prefix !== to.prefix) {
      throw new Error(`billing.findSubscribers: contractNumberFrom ${JSON.stringify(args.contractNumberFrom)} and contractNumberTo ${JSON.stringify(args.contractNumberTo)} must have the same text before their digits (${JSON.stringify(from.prefix)} ≠ ${JSON.stringify(to.prefix)})`);
    }
    if (from.value > to.value) throw new Error(`billing.findSubscribers: contractNumberFrom ${JSON.stringify(args.contractNumberFrom)} is after contractNumberTo ${JSON.stringify(args.contractNumberTo)}`);
    return {
      criteria: byPrefix(commonPrefix(args.contractNumberFrom!, args.contractNumberTo!)),
      candidate: any,
      matches: (s) => {
        const n = s.contractNumber === undefined ? undefined : tryNumber(s.contractNumber);
        return n !== undefined && n.prefix === from.prefix && n.value >= from.value && n.value <= to.value;
      },
    };
  }
  if (args.ip !== undefined) return { criteria: { IP_IN: ipToWire(args.ip) }, candidate: (row) => row["ip"] === args.ip, matches: (s) => s.ip === args.ip };
  if (args.phone !== undefined) return { criteria: { SMS_IN: args.phone }, candidate: any, matches: (s) => s.phone === args.phone };
  // SIP_ID belongs to a service, and no procedure returns a subscriber's services: as the billing matched it.
  return { criteria: { SIP_ID: args.sipId! }, candidate: any, matches: any };
}

/** `D-000150` → { prefix: "D-", value: 150n }. */
function tryNumber(text: string): { prefix: string; value: bigint } | undefined {
  const match = /^(.*?)(\d+)$/s.exec(text);
  return match ? { prefix: match[1]!, value: BigInt(match[2]!) } : undefined;
}

function splitNumber(text: string, arg: string): { prefix: string; value: bigint } {
  const n = tryNumber(text);
  if (!n) throw new Error(`billing.findSubscribers: ${arg} ${JSON.stringify(text)} must end in digits (a range compares the digits as numbers)`);
  return n;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** A CLN_USR_GET row (lower-case columns) as a {@link Subscriber}. */
export function subscriberOf(row: BillingRow, groupName?: string): Subscriber {
  const str = (column: string) => (row[column] ? row[column] : undefined);
  const int = (column: string) => {
    const v = row[column];
    if (v === undefined || v === "") return undefined;
    if (!/^-?\d+$/.test(v)) throw unreadable(row, column);
    return Number(v);
  };
  const money = (column: string) => {
    const v = row[column];
    if (v === undefined || v === "") return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw unreadable(row, column);
    return Number(v);
  };
  // Assumed: an address column holding 0 (0.0.0.0) or NULL means "none".
  const ip = (column: string) => {
    const v = row[column];
    if (v === undefined || v === "" || v === "0") return undefined;
    const dotted = wireToIp(v);
    if (dotted === undefined) throw unreadable(row, column);
    return dotted;
  };
  const out: Subscriber = {
    id: int("user_id")!,
    login: str("login"),
    name: str("name"),
    contractNumber: str("contract_number"),
    email: str("email"),
    phone: str("sms"),
    groupId: int("parent_id"),
    groupName,
    tariffId: int("tarif_id"),
    tariffName: str("tarif_txt"),
    balance: money("balance"),
    credit: money("credit"),
    enabled: row["enabled"] === "1",
    deleted: row["deleted"] === "1",
    ip: ip("ip"),
    mac: str("mac"),
    homeId: int("home_id"),
    apartment: int("a_home_number"),
    switchId: int("switch_id"),
    switchName: str("switch_name"),
    switchIp: ip("router_ip"),
    switchPort: int("router_port"),
    vlan: int("router_vlan"),
    stbIp: ip("stb_ip"),
    stbMac: str("stb_mac"),
    voipIp: ip("voip_ip"),
    voipMac: str("voip_mac"),
    createDate: row["create_date"] ? row["create_date"].slice(0, 10) : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as unknown as Subscriber;
}

function unreadable(row: BillingRow, column: string): VendorApiError {
  // Only allow-listed, non-secret columns are ever read, so the value may be quoted.
  return new VendorApiError(`billing CLN_USR_GET answered user ${row["user_id"]} with ${column} = ${JSON.stringify(row[column])}, which cannot be read`, { vendor: "billing", operation: "CLN_USR_GET" });
}

/** `f` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
