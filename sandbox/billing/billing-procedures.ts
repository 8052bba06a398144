import { HOME_EDIT_PARAMS, TEXT_LIMITS, type BillingHome, type BillingHomeFields, type BillingHomeStore } from "./billing-homes";
import { representable, type BillingEncoding, type BillingRow } from "./billing-xml";

/** A refusal, answered as `<error>message</error>`. Messages imitate what Firebird says. */
export class BillingError extends Error {}

/** Every procedure the document describes. Only the address ones (and the login) are emulated. */
export const DOCUMENTED_PROCEDURES = [
  "CLN_AUTH_LOGIN",
  "CLN_HOME_EDIT",
  "CLN_HOME_LIST",
  "CLN_SWITCH_EDIT",
  "CLN_SWITCH_LIST",
  "CLN_USR_USLUGA_EDIT",
  "CLN_USR_GET",
  "WEB_USER_PROMISE_PAY",
  "CLN_USR_FIND_2",
  "CLN_FIN_OPER_ADD",
  "CLN_FIN_OPER",
] as const;

export type BillingProcedure = (typeof DOCUMENTED_PROCEDURES)[number];

/** A positional argument: the literal `null` (or a missing argument) is SQL NULL. */
export type Arg = string | null;

export interface ProcedureContext {
  homes: BillingHomeStore;
  ipPools: readonly number[];
  encoding: BillingEncoding;
  /** Answer the new home's `<id>` to an add (true) or nothing (false). */
  addAnswersId: boolean;
  dateFormat: "iso" | "ru";
}

/**
 * CLN_HOME_EDIT (arguments after SUID: P_OP, ID, PULL_ID, CONNECT_DATE, ZIP_CODE, COUNTRY, CITY,
 * REGION, STREET, S_NUMBER, S_LITER). The document gives the parameters only; the sandbox assumes a
 * stored procedure over a HOMES table:
 * - P_OP 1 inserts (ID ignored, a new one from the generator) and answers `<id>` (or, with
 *   `addAnswersId: false`, an empty result); P_OP 0 sets EVERY column to the given value (NULL
 *   clears); P_OP 2 deletes by ID. Edits and deletes of an ID that does not exist change nothing and
 *   succeed, as an UPDATE/DELETE … WHERE ID = :ID does.
 * - STREET is NOT NULL; PULL_ID must name an IP pool (foreign key); VARCHAR limits and INTEGER and
 *   TIMESTAMP conversions fail with Firebird's messages; characters the database charset cannot
 *   hold fail too.
 */
export function homeEdit(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const named = Object.fromEntries(HOME_EDIT_PARAMS.map((name, index) => [name, args[index] ?? null])) as Record<(typeof HOME_EDIT_PARAMS)[number], Arg>;
  const op = integer(named.P_OP, "P_OP");
  if (op === 2) {
    const id = integer(named.ID, "ID");
    if (id !== null) context.homes.delete(id);
    return [];
  }
  if (op !== 0 && op !== 1) throw new BillingError(`exception 1: CLN_HOME_EDIT: unknown operation P_OP = ${named.P_OP ?? "null"} (0 edit, 1 add, 2 delete)`);
  const fields = homeFields(named, context);
  if (op === 1) {
    const home = context.homes.create(fields);
    return context.addAnswersId ? [{ id: home.ID }] : [];
  }
  const id = integer(named.ID, "ID");
  if (id !== null) context.homes.replace(id, fields);
  return [];
}

/** CLN_HOME_LIST (P_ID): every home, or the one with that ID ("Список домов, ид если надо конкретный"). */
export function homeList(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const id = integer(args[0] ?? null, "P_ID");
  const homes = id === null ? context.homes.list() : [context.homes.get(id)].filter((home): home is BillingHome => home !== undefined);
  return homes.map((home) => homeRow(home, context.dateFormat));
}

/**
 * A CLN_HOME_LIST row: the columns in lower case, plus a column the resource does not manage
 * (`users_count`), so a client that expects exactly its own columns is caught.
 */
export function homeRow(home: BillingHome, dateFormat: "iso" | "ru"): BillingRow {
  return {
    id: home.ID,
    pull_id: home.PULL_ID,
    connect_date: home.CONNECT_DATE === null ? null : renderDate(home.CONNECT_DATE, dateFormat),
    zip_code: home.ZIP_CODE,
    country: home.COUNTRY,
    city: home.CITY,
    region: home.REGION,
    street: home.STREET,
    s_number: home.S_NUMBER,
    s_liter: home.S_LITER,
    users_count: 0,
  };
}

/** Validates the columns of an add or edit the way the database would. */
export function homeFields(named: Record<string, Arg>, context: Pick<ProcedureContext, "ipPools" | "encoding">): BillingHomeFields {
  const text = (name: keyof typeof TEXT_LIMITS): string | null => {
    const value = named[name] ?? null;
    if (value === null) return null;
    if (!representable(value, context.encoding)) {
      throw new BillingError(`Cannot transliterate character between character sets (column ${name})`);
    }
    if ([...value].length > TEXT_LIMITS[name]) {
      throw new BillingError(`arithmetic exception, numeric overflow, or string truncation; string right truncation (column ${name}, expected length ${TEXT_LIMITS[name]})`);
    }
    return value;
  };
  const street = text("STREET");
  if (street === null) throw new BillingError('validation error for column "HOMES"."STREET", value "*** null ***"');
  const pool = integer(named["PULL_ID"] ?? null, "PULL_ID");
  if (pool !== null && !context.ipPools.includes(pool)) {
    throw new BillingError(`violation of FOREIGN KEY constraint "FK_HOMES_PULL" on table "HOMES"; Foreign key reference target does not exist (PULL_ID = ${pool})`);
  }
  return {
    PULL_ID: pool,
    CONNECT_DATE: timestamp(named["CONNECT_DATE"] ?? null),
    ZIP_CODE: text("ZIP_CODE"),
    COUNTRY: text("COUNTRY"),
    CITY: text("CITY"),
    REGION: text("REGION"),
    STREET: street,
    S_NUMBER: integer(named["S_NUMBER"] ?? null, "S_NUMBER"),
    S_LITER: text("S_LITER"),
  };
}

/** INTEGER from a decimal string; anything else fails as Firebird's conversion does. */
export function integer(value: Arg, name: string): number | null {
  if (value === null) return null;
  if (!/^\s*-?\d+\s*$/.test(value) || Math.abs(Number(value)) > 2_147_483_647) {
    throw new BillingError(`conversion error from string "${value}" (parameter ${name})`);
  }
  return Number(value);
}

/**
 * TIMESTAMP from `YYYY-MM-DD[ HH:MM[:SS]]` or `DD.MM.YYYY[ HH:MM[:SS]]` (both are Firebird literals),
 * stored as `YYYY-MM-DD HH:MM:SS`.
 */
export function timestamp(value: Arg): string | null {
  if (value === null) return null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(value.trim());
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  const parts = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : ru ? [ru[3], ru[2], ru[1], ru[4], ru[5], ru[6]] : undefined;
  if (parts) {
    const [y, m, d, hh = "0", mm = "0", ss = "0"] = parts.map((p) => p ?? undefined) as string[];
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh), Number(mm), Number(ss)));
    if (date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) && Number(hh) < 24) {
      return date.toISOString().slice(0, 19).replace("T", " ");
    }
  }
  throw new BillingError(`conversion error from string "${value}" (parameter CONNECT_DATE)`);
}

function renderDate(stored: string, format: "iso" | "ru"): string {
  if (format === "iso") return stored;
  const [date, time] = stored.split(" ");
  const [y, m, d] = date!.split("-");
  return `${d}.${m}.${y} ${time}`;
}
