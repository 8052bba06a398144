/**
 * The billing's subscribers (and their groups) as the sandbox stores them: one row per user with every
 * column CLN_USR_GET returns (the document lists them), plus what CLN_USR_FIND_2 answers besides
 * (COMMENT, COLOR) and the SIP ids of the user's services (CLN_USR_FIND_2 searches by SIP_ID; the
 * services themselves are not emulated). Groups are users with END_USER 0; subscribers have 1.
 */

/** CLN_USR_GET's columns in the document's order, with their SQL types. */
export const USR_GET_COLUMNS = [
  ["USER_ID", "integer"], ["PARENT_ID", "integer"], ["TARIF_ID", "integer"], ["USE_PARENT_TARIF", "integer"],
  ["LOGIN", "varchar(32)"], ["NAME", "varchar(128)"], ["EMAIL", "varchar(128)"], ["PULL_ID", "integer"],
  ["USE_PARENT_PULL", "integer"], ["IP", "integer"], ["SNATIP", "integer"], ["USE_PARENT_SNATIP", "integer"],
  ["NET_SIZE", "integer"], ["OSTATOK", "numeric(15,2)"], ["CREDIT", "numeric(15,2)"],
  ["DEBIT", "numeric(15,2)"], ["BALANCE", "numeric(15,2)"], ["LIMIT", "numeric(15,2)"],
  ["UNLIMITED", "smallint"], ["FINANCE_USER", "smallint"], ["ENABLED", "smallint"], ["DELETED", "smallint"],
  ["END_USER", "smallint"], ["ROOT_ADMIN", "smallint"], ["TECH_ADMIN", "smallint"],
  ["FIN_ADMIN", "smallint"], ["CARD_ADMIN", "smallint"], ["AUTO_ACCOUNT", "integer"],
  ["AUTO_INTERVAL", "integer"], ["SERVER", "smallint"], ["PSW", "varchar(16)"],
  ["BALANCE_BUH", "numeric(15,2)"], ["NEXT_AUTO_ACOUNT", "timestamp"], ["AUTO_ACCOUNT_LOCK", "integer"],
  ["LIMIT_LOCK", "integer"], ["ALLOW_RECONNECT", "integer"], ["ALLOW_MAIL", "integer"],
  ["ALLOW_INTERNET_CONNECT", "integer"], ["LIMIT_WARNING", "numeric(15,2)"],
  ["USE_LIMIT_WARNING", "integer"], ["LOGGED", "integer"], ["USERS_COUNT", "integer"],
  ["DEL_COUNT", "integer"], ["ALLOW_VIEW_PARENT_LIMIT", "integer"], ["DISABLED_DATE", "timestamp"],
  ["ABONENT_PAY", "numeric(15,2)"], ["REDIRECT_MAIL", "integer"], ["AUTH_TYPE", "integer"],
  ["USE_PARENT_AUTH_TYPE", "integer"], ["AD_IS", "integer"], ["AD_BASEDN", "varchar(256)"],
  ["AD_BINDDN", "varchar(256)"], ["AD_PASS", "varchar(64)"], ["AD_HOST", "integer"],
  ["AD_UPDATE", "timestamp"], ["AD_FILTER", "varchar(256)"], ["DEF_ALLOW_MAIL", "integer"],
  ["DEF_AUTO_ACCOUNT_INTERVAL", "integer"], ["DEF_ALLOW_RECONNECT", "integer"],
  ["DEF_ALLOW_INTERNET_CONNECT", "integer"], ["DEF_ALLOW_VIEW_PARENT_LIMIT", "integer"],
  ["DEF_OSTATOK", "numeric(15,2)"], ["DEF_LIMIT", "numeric(15,2)"], ["DEF_WARNING", "numeric(15,2)"],
  ["AD_DOMAIN", "varchar(256)"], ["AD_LDAP_GROUP", "varchar(128)"], ["AD_WINDOWS_GROUP", "varchar(128)"],
  ["MAC", "varchar(17)"], ["ALLOW_MAIL_INTERNET", "integer"], ["DEF_ALLOW_MAIL_INTERNET", "integer"],
  ["AD_DOMAIN_ISJOIN", "integer"], ["CONTRACT_NUMBER", "varchar(32)"], ["USE_PARENT_ABONENT_PAY", "integer"],
  ["FORCE_MAILDIR", "integer"], ["ALWAYS_LOGGED", "integer"], ["PLAN_NEXT_ID", "integer"],
  ["READ_ADMIN", "smallint"], ["ROUTER_IP", "integer"], ["ROUTER_VLAN", "integer"],
  ["ROUTER_PORT", "integer"], ["NAS_IP", "integer"], ["OPT82", "integer"], ["OWN_DISABLED_END", "timestamp"],
  ["PROMISE_PAY", "numeric(15,2)"], ["PROMISE_DATE_END", "timestamp"], ["HOST_IP", "integer"],
  ["FULL_ADMIN", "integer"], ["NAS_IP_LOCK", "integer"], ["CODE1C", "varchar(32)"], ["SYNC1C", "integer"],
  ["HOST_PULL_ID", "integer"], ["KILL_TIME", "timestamp"], ["SMS", "varchar(32)"],
  ["GEN_PWD", "varchar(32)"], ["COMPANY", "integer"], ["SEND_ACT", "integer"], ["HOME_ID", "integer"],
  ["SWITCH_ID", "integer"], ["SWITCH_NAME", "varchar(1024)"], ["A_HOME_NUMBER", "integer"],
  ["ACL", "integer"], ["TARIF_TXT", "varchar(32)"], ["IP_RANGE", "varchar(32)"], ["SNATIP_CACHE", "integer"],
  ["CREATE_DATE", "date"], ["STB_IP", "integer"], ["STB_IP_PULL_ID", "integer"],
  ["STB_USE_PARENT_PULL", "integer"], ["STB_MAC", "varchar(17)"], ["VOIP_IP", "integer"],
  ["VOIP_IP_PULL_ID", "integer"], ["VOIP_USE_PARENT_PULL", "integer"], ["VOIP_MAC", "varchar(17)"],
  ["SORM_ADMIN", "smallint"],
] as const satisfies ReadonlyArray<readonly [string, string]>;

export type UsrGetColumn = (typeof USR_GET_COLUMNS)[number][0];

/** The password-like columns of CLN_USR_GET: the sandbox fills them so tests can see they never leak. */
export const USR_PASSWORD_COLUMNS = ["PSW", "GEN_PWD", "AD_PASS"] as const satisfies readonly UsrGetColumn[];

/** A user row: every CLN_USR_GET column (NULL is null), plus the CLN_USR_FIND_2 extras. */
export type BillingUser = { [K in UsrGetColumn]: string | number | null } & {
  COMMENT: string | null;
  COLOR: string | null;
  /** SIP_ID of each of the user's services (IPTV number, VoIP number …). */
  SIP_IDS: string[];
};

/** What a test or the seed gives: USER_ID is assigned by the store. */
export type BillingUserInput = Partial<Omit<BillingUser, "USER_ID">>;

/** CLN_USR_FIND_2's parameters after SUID, in order (the positional arguments). */
export const USR_FIND_PARAMS = [
  "NAME_IN",
  "LOGIN_IN",
  "ID_IN",
  "EMAIL_IN",
  "IP_IN",
  "FINANCE_IN",
  "SERVER_IN",
  "ADMIN_IN",
  "BALANCEL_IN",
  "BALANCEH_IN",
  "PARENT_ID_IN",
  "END_USER_IN",
  "COUNT_USER_IN",
  "ALL_IN",
  "DELETED_IN",
  "ATTRIBUTE",
  "CONTRACT_NUMBER_IN",
  "TARIFF_ID",
  "ROUTER_IP",
  "ROUTER_VLAN",
  "ROUTER_PORT",
  "SIP_ID",
  "SMS_IN",
  "NAS_IP",
] as const;

/** Defaults of a new row: what a subscriber created in the billing's interface gets. */
function emptyUser(id: number): BillingUser {
  const row: Record<string, unknown> = {};
  for (const [name, type] of USR_GET_COLUMNS) row[name] = type === "smallint" || type.startsWith("numeric") ? 0 : null;
  return { ...(row as BillingUser), USER_ID: id, ENABLED: 1, END_USER: 1, DELETED: 0, COMMENT: null, COLOR: null, SIP_IDS: [] };
}

/** In-memory users, IDs from a generator. */
export class BillingUserStore {
  private readonly users = new Map<number, BillingUser>();
  private nextId: number;

  constructor(private readonly firstId: number) {
    this.nextId = firstId;
  }

  get nextUserId(): number {
    return this.nextId;
  }

  create(fields: BillingUserInput): BillingUser {
    const id = this.nextId++;
    const row = { ...emptyUser(id), ...withoutUndefined(fields), USER_ID: id };
    this.users.set(id, row);
    return structuredClone(row);
  }

  get(id: number): BillingUser | undefined {
    const row = this.users.get(id);
    return row && structuredClone(row);
  }

  list(): BillingUser[] {
    return [...this.users.values()].sort((a, b) => Number(a.USER_ID) - Number(b.USER_ID)).map((row) => structuredClone(row));
  }

  /** Changes the given columns; false when there is no such user. */
  patch(id: number, changes: BillingUserInput): boolean {
    const row = this.users.get(id);
    if (!row) return false;
    this.users.set(id, { ...row, ...withoutUndefined(changes), USER_ID: id });
    return true;
  }

  /** Every user, for procedures that update many rows at once (UPDATE_HOME_FLAG, a switch deleted). */
  each(change: (row: BillingUser) => void): void {
    for (const row of this.users.values()) change(row);
  }

  /** Whether any user lives in the home (the foreign key a home delete would violate). */
  inHome(homeId: number): boolean {
    for (const row of this.users.values()) if (row.HOME_ID === homeId) return true;
    return false;
  }

  delete(id: number): boolean {
    return this.users.delete(id);
  }

  reset(): void {
    this.users.clear();
    this.nextId = this.firstId;
  }
}

function withoutUndefined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
