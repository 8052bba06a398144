import { HOME_EDIT_PARAMS, TEXT_LIMITS, type BillingHome, type BillingHomeFields, type BillingHomeStore } from "./billing-homes";
import { integerToIp } from "./billing-ip";
import { SWITCH_EDIT_PARAMS, SWITCH_TEXT_LIMITS, type BillingSwitch, type BillingSwitchFields, type BillingSwitchStore } from "./billing-switches";
import { USR_FIND_PARAMS, USR_GET_COLUMNS, type BillingUser, type BillingUserStore } from "./billing-users";
import { representable, type BillingEncoding, type BillingRow } from "./billing-xml";

/** A refusal, answered as `<error>message</error>`. Messages imitate what Firebird says. */
export class BillingError extends Error {}

/** Every procedure the document describes. */
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

/** How CLN_USR_FIND_2 matches its text arguments (the document does not say). */
export type FindMatching = "containing" | "exact" | "like";

export interface ProcedureContext {
  homes: BillingHomeStore;
  switches: BillingSwitchStore;
  users: BillingUserStore;
  ipPools: readonly number[];
  encoding: BillingEncoding;
  /** Answer the new home's or switch's `<id>` to an add (true) or nothing (false). */
  addAnswersId: boolean;
  dateFormat: "iso" | "ru";
  /** Whether CLN_SWITCH_LIST rows carry the PSW_* columns. */
  switchListPasswords: boolean;
  findMatching: FindMatching;
  /** Called once per CLN_SWITCH_EDIT that ran ("После выполнения процедуры происходит перезапуск dhcpd"). */
  restartDhcp(): void;
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
    if (id !== null && context.homes.get(id)) {
      // The billing's tables reference HOMES: a home with switches or subscribers cannot go.
      if (context.switches.inHome(id)) throw foreignKey("FK_SWITCHES_HOME", "SWITCHES");
      if (context.users.inHome(id)) throw foreignKey("FK_USERS_HOME", "USERS");
      context.homes.delete(id);
    }
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

/** INTEGER (signed 32-bit) from a decimal string; anything else fails as Firebird's conversion does. */
export function integer(value: Arg, name: string): number | null {
  if (value === null) return null;
  if (!/^\s*-?\d+\s*$/.test(value) || Number(value) > 2_147_483_647 || Number(value) < -2_147_483_648) {
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

function foreignKey(constraint: string, table: string): BillingError {
  return new BillingError(`violation of FOREIGN KEY constraint "${constraint}" on table "${table}"; Foreign key references are present for the record`);
}

/** A VARCHAR argument checked against its length and the database charset; NULL stays null. */
function varchar(value: Arg, column: string, limit: number, encoding: BillingEncoding): string | null {
  if (value === null) return null;
  if (!representable(value, encoding)) throw new BillingError(`Cannot transliterate character between character sets (column ${column})`);
  if ([...value].length > limit) {
    throw new BillingError(`arithmetic exception, numeric overflow, or string truncation; string right truncation (column ${column}, expected length ${limit})`);
  }
  return value;
}

/**
 * CLN_SWITCH_EDIT (arguments after P_SUID: P_OP, ID, NAME, IP, SWITCH_TYPE, PSW_SNMP, PSW_SSH,
 * PSW_TELNET, HOME_ID, PORTS_CNT, UPDATE_HOME_FLAG). Where the document is silent the sandbox
 * assumes a stored procedure over a SWITCHES table, like CLN_HOME_EDIT:
 * - P_OP 1 inserts (ID ignored — the document's "null если удаление" is read as "null when adding")
 *   and answers `<id>` (or nothing, with `addAnswersId: false`); P_OP 0 sets EVERY column of the
 *   switch with that ID (NULL clears); P_OP 2 deletes by ID, and the subscribers that hung off the
 *   switch lose their SWITCH_ID. An edit or delete of a missing ID changes nothing and succeeds.
 * - UPDATE_HOME_FLAG 1 gives every subscriber of the switch's home this switch (SWITCH_ID).
 * - NAME is NOT NULL; HOME_ID must name a home (foreign key); IP is an INTEGER (see billing-ip.ts);
 *   VARCHAR limits as documented. No column is unique: the document declares no key but ID.
 * - Every call that runs restarts dhcpd ("После выполнения процедуры происходит перезапуск dhcpd"),
 *   whether or not it changed anything; a call refused with an error does not get that far.
 */
export function switchEdit(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const named = Object.fromEntries(SWITCH_EDIT_PARAMS.map((name, index) => [name, args[index] ?? null])) as Record<(typeof SWITCH_EDIT_PARAMS)[number], Arg>;
  const op = integer(named.P_OP, "P_OP");
  if (op !== 0 && op !== 1 && op !== 2) throw new BillingError(`exception 1: CLN_SWITCH_EDIT: unknown operation P_OP = ${named.P_OP ?? "null"} (0 update, 1 add, 2 delete)`);
  let answer: BillingRow[] = [];
  if (op === 2) {
    const id = integer(named.ID, "ID");
    if (id !== null && context.switches.delete(id)) {
      context.users.each((user) => {
        if (user.SWITCH_ID === id) user.SWITCH_ID = null;
      });
    }
  } else {
    const fields = switchFields(named, context);
    const flag = integer(named.UPDATE_HOME_FLAG, "UPDATE_HOME_FLAG");
    let id: number | null;
    if (op === 1) {
      id = context.switches.create(fields).ID;
      if (context.addAnswersId) answer = [{ id }];
    } else {
      id = integer(named.ID, "ID");
      if (id !== null && !context.switches.replace(id, fields)) id = null;
    }
    if (flag === 1 && id !== null && fields.HOME_ID !== null) {
      const switchId = id;
      context.users.each((user) => {
        if (user.HOME_ID === fields.HOME_ID && user.END_USER === 1) user.SWITCH_ID = switchId;
      });
    }
  }
  context.restartDhcp();
  return answer;
}

/** Validates the columns of a switch add or edit the way the database would. */
export function switchFields(named: Record<string, Arg>, context: Pick<ProcedureContext, "homes" | "encoding">): BillingSwitchFields {
  const text = (name: keyof typeof SWITCH_TEXT_LIMITS) => varchar(named[name] ?? null, name, SWITCH_TEXT_LIMITS[name], context.encoding);
  const name = text("NAME");
  if (name === null) throw new BillingError('validation error for column "SWITCHES"."NAME", value "*** null ***"');
  const homeId = integer(named["HOME_ID"] ?? null, "HOME_ID");
  if (homeId !== null && !context.homes.get(homeId)) {
    throw new BillingError(`violation of FOREIGN KEY constraint "FK_SWITCHES_HOME" on table "SWITCHES"; Foreign key reference target does not exist (HOME_ID = ${homeId})`);
  }
  return {
    NAME: name,
    IP: integer(named["IP"] ?? null, "IP"),
    SWITCH_TYPE: text("SWITCH_TYPE"),
    PSW_SNMP: text("PSW_SNMP"),
    PSW_SSH: text("PSW_SSH"),
    PSW_TELNET: text("PSW_TELNET"),
    HOME_ID: homeId,
    PORTS_CNT: integer(named["PORTS_CNT"] ?? null, "PORTS_CNT"),
  };
}

/**
 * CLN_SWITCH_LIST (P_ID, P_HOME_ID), both optional: every switch, or the one with that ID, or those
 * of that home (both given: both apply). The document names no output columns: the sandbox answers
 * the CLN_SWITCH_EDIT columns in lower case — the passwords included, as a listing for the billing's
 * own switch editor would (switchable off) — plus `users_count`, a column the resource does not manage.
 */
export function switchList(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const id = integer(args[0] ?? null, "P_ID");
  const homeId = integer(args[1] ?? null, "P_HOME_ID");
  const users = new Map<unknown, number>();
  context.users.each((user) => users.set(user.SWITCH_ID, (users.get(user.SWITCH_ID) ?? 0) + 1));
  return context.switches
    .list()
    .filter((row) => (id === null || row.ID === id) && (homeId === null || row.HOME_ID === homeId))
    .map((row) => switchRow(row, users.get(row.ID) ?? 0, context));
}

function switchRow(row: BillingSwitch, users: number, context: Pick<ProcedureContext, "switchListPasswords">): BillingRow {
  const passwords: BillingRow = context.switchListPasswords ? { psw_snmp: row.PSW_SNMP, psw_ssh: row.PSW_SSH, psw_telnet: row.PSW_TELNET } : {};
  return { id: row.ID, name: row.NAME, ip: row.IP, switch_type: row.SWITCH_TYPE, ...passwords, home_id: row.HOME_ID, ports_cnt: row.PORTS_CNT, users_count: users };
}

/**
 * CLN_USR_GET (SELECT_ID): one row with every column the document lists, in lower case, for a
 * subscriber or a group; an ID that does not exist answers no row (assumed: the document shows no
 * error for it). NUMERIC(15,2) renders with two decimals, a DATE as YYYY-MM-DD; SWITCH_NAME is the
 * name of the subscriber's switch.
 */
export function usrGet(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const id = integer(args[0] ?? null, "SELECT_ID");
  const user = id === null ? undefined : context.users.get(id);
  if (!user) return [];
  const switchName = typeof user.SWITCH_ID === "number" ? (context.switches.get(user.SWITCH_ID)?.NAME ?? null) : null;
  const row: BillingRow = {};
  for (const [name, type] of USR_GET_COLUMNS) {
    const value = name === "SWITCH_NAME" ? switchName : user[name];
    row[name.toLowerCase()] = value !== null && type.startsWith("numeric") ? Number(value).toFixed(2) : value;
  }
  return [row];
}

/**
 * CLN_USR_FIND_2 ("получить информацию об абоненте по одному из полей"): 24 arguments after SUID;
 * a NULL argument does not filter (every one NULL: every user, groups included). Assumed where the
 * document is silent: text arguments (NAME_IN, LOGIN_IN, EMAIL_IN, CONTRACT_NUMBER_IN, SMS_IN,
 * SIP_ID) match as `findMatching` says — by default Firebird's CONTAINING (a case-insensitive
 * substring, what a search form does), or exactly, or as SQL LIKE; numbers and flags match
 * exactly; BALANCEL_IN/BALANCEH_IN bound BALANCE; PARENT_ID_IN ("не используется"), COUNT_USER_IN,
 * ALL_IN and ATTRIBUTE are ignored. The answer has the documented columns: IP as a dotted string,
 * PARENT_IDENTIFY the group's name, IDENTIFY the user's name.
 */
export function usrFind(args: readonly Arg[], context: ProcedureContext): BillingRow[] {
  const named = Object.fromEntries(USR_FIND_PARAMS.map((name, index) => [name, args[index] ?? null])) as Record<(typeof USR_FIND_PARAMS)[number], Arg>;
  const num = (name: (typeof USR_FIND_PARAMS)[number]) => integer(named[name], name);
  const money = (name: (typeof USR_FIND_PARAMS)[number]): number | null => {
    const value = named[name];
    if (value === null) return null;
    if (!/^\s*-?\d+(\.\d+)?\s*$/.test(value)) throw new BillingError(`conversion error from string "${value}" (parameter ${name})`);
    return Number(value);
  };
  const text = (name: (typeof USR_FIND_PARAMS)[number]) => named[name];
  const numeric: Array<[(typeof USR_FIND_PARAMS)[number], (u: BillingUser) => unknown]> = [
    ["ID_IN", (u) => u.USER_ID],
    ["IP_IN", (u) => u.IP],
    ["FINANCE_IN", (u) => u.FINANCE_USER],
    ["SERVER_IN", (u) => u.SERVER],
    ["END_USER_IN", (u) => u.END_USER],
    ["DELETED_IN", (u) => u.DELETED],
    ["TARIFF_ID", (u) => u.TARIF_ID],
    ["ROUTER_IP", (u) => u.ROUTER_IP],
    ["ROUTER_VLAN", (u) => u.ROUTER_VLAN],
    ["ROUTER_PORT", (u) => u.ROUTER_PORT],
    ["NAS_IP", (u) => u.NAS_IP],
  ];
  const wantedNumbers = numeric.map(([name, column]) => [num(name), column] as const).filter(([wanted]) => wanted !== null);
  const admin = num("ADMIN_IN");
  const low = money("BALANCEL_IN");
  const high = money("BALANCEH_IN");
  const texts: Array<[Arg, (u: BillingUser) => Array<string | number | null>]> = [
    [text("NAME_IN"), (u) => [u.NAME]],
    [text("LOGIN_IN"), (u) => [u.LOGIN]],
    [text("EMAIL_IN"), (u) => [u.EMAIL]],
    [text("CONTRACT_NUMBER_IN"), (u) => [u.CONTRACT_NUMBER]],
    [text("SMS_IN"), (u) => [u.SMS]],
    [text("SIP_ID"), (u) => u.SIP_IDS],
  ];
  const wantedTexts = texts.filter(([wanted]) => wanted !== null) as Array<[string, (u: BillingUser) => Array<string | number | null>]>;
  const all = context.users.list();
  const byId = new Map(all.map((u) => [u.USER_ID, u]));
  const children = new Map<unknown, number>();
  for (const u of all) children.set(u.PARENT_ID, (children.get(u.PARENT_ID) ?? 0) + 1);
  return all
    .filter((u) => wantedNumbers.every(([wanted, column]) => column(u) === wanted))
    .filter((u) => admin === null || (isAdmin(u) ? 1 : 0) === admin)
    .filter((u) => (low === null || Number(u.BALANCE) >= low) && (high === null || Number(u.BALANCE) <= high))
    .filter((u) => wantedTexts.every(([wanted, column]) => column(u).some((value) => textMatches(value, wanted, context.findMatching))))
    .map((u) => {
      const parent = typeof u.PARENT_ID === "number" ? byId.get(u.PARENT_ID) : undefined;
      return {
        id: u.USER_ID,
        parent_identify: parent ? parent.NAME : null,
        identify: u.NAME,
        ip: typeof u.IP === "number" ? integerToIp(u.IP) : null,
        balance: Number(u.BALANCE).toFixed(2),
        deleted: u.DELETED,
        end_user: u.END_USER,
        server: u.SERVER,
        parid: u.PARENT_ID,
        comment: u.COMMENT,
        parid1: u.PARENT_ID,
        id1: u.USER_ID,
        count_user: children.get(u.USER_ID) ?? 0,
        login: u.LOGIN,
        color: u.COLOR,
      };
    });
}

function isAdmin(u: BillingUser): boolean {
  return [u.ROOT_ADMIN, u.TECH_ADMIN, u.FIN_ADMIN, u.CARD_ADMIN, u.READ_ADMIN, u.FULL_ADMIN, u.SORM_ADMIN].some((flag) => flag === 1);
}

function textMatches(value: string | number | null, wanted: string, mode: FindMatching): boolean {
  if (value === null) return false;
  const text = String(value);
  if (mode === "exact") return text === wanted;
  if (mode === "containing") return text.toLowerCase().includes(wanted.toLowerCase());
  const pattern = [...wanted].map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${pattern}$`, "s").test(text);
}
