/**
 * An account of Stalker Middleware's REST API v1 (resource ACCOUNTS), as the wire names its fields.
 * The document lists login, password, full_name, account_number, tariff_plan, status, stb_mac for
 * writing and adds stb_sn, stb_type, subscribed when reading. `phone` and `comment` are accepted as
 * well (the contract relies on them; Ministra's admin panel has both), and `online` is read.
 */
export interface StalkerAccountRecord {
  login: string;
  /** Write-only: never part of a GET answer. */
  password: string;
  full_name: string;
  phone: string;
  comment: string;
  /** Not unique: several accounts may share one number (the document: "один ЛС может содержать больше одной приставки"). */
  account_number: string;
  /** External id of a tariff plan, "" when none. */
  tariff_plan: string;
  /** Administrative status: 1 on, 0 off. */
  status: 0 | 1;
  /** Upper case with colons, "" when the account has no set-top box. A create refuses one in use; a PUT does not. */
  stb_mac: string;
  stb_sn: string;
  stb_type: string;
  /** Whether the set-top box is connected now (only the sandbox admin changes it). */
  online: 0 | 1;
  /** Ids of optional packages the account subscribes to. */
  subscribed: string[];
  /** The box's "additional services" switch (video club, karaoke …): 1 on, 0 off. ITV_SUBSCRIPTION and STB write it. */
  additional_services_on: 0 | 1;
  /**
   * The box's optional channels (ITV_SUBSCRIPTION `sub_ch`), as stored: ids as strings, `[""]` after
   * `sub_ch[]=`. `null` while the account has no subscription row (none was ever written): such an
   * account is missing from ITV_SUBSCRIPTION answers, as in Stalker, whose rows join boxes to accounts.
   */
  sub_ch: string[] | null;
  /** STB_MODULES `disabled`: main-menu sections not shown (takes a reboot of the box). */
  modules_disabled: string[];
  /** STB_MODULES `restricted`: sections shown but locked. */
  modules_restricted: string[];
}

/** Fields `POST /accounts/` and `PUT /accounts/<id>` take; anything else in the body is ignored. */
export const WRITABLE_FIELDS = [
  "login",
  "password",
  "full_name",
  "phone",
  "comment",
  "account_number",
  "tariff_plan",
  "status",
  "stb_mac",
] as const;

export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** A new account's values for fields a POST leaves out; status defaults to 1 (on) as in the document's STB example. */
export const ACCOUNT_DEFAULTS: Omit<StalkerAccountRecord, "login"> = {
  password: "",
  full_name: "",
  phone: "",
  comment: "",
  account_number: "",
  tariff_plan: "",
  status: 1,
  stb_mac: "",
  stb_sn: "",
  stb_type: "",
  online: 0,
  subscribed: [],
  // The document's STB example 6 shows a box added without it as "1".
  additional_services_on: 1,
  sub_ch: null,
  modules_disabled: [],
  modules_restricted: [],
};

/**
 * The GET answer of one account: the document's example fields in its order, with phone, online
 * and comment added. Never the password.
 */
export function accountAnswer(account: StalkerAccountRecord): Record<string, unknown> {
  return {
    login: account.login,
    full_name: account.full_name,
    phone: account.phone,
    account_number: account.account_number,
    tariff_plan: account.tariff_plan,
    stb_sn: account.stb_sn,
    stb_mac: account.stb_mac,
    stb_type: account.stb_type,
    status: account.status,
    online: account.online,
    subscribed: [...account.subscribed],
    comment: account.comment,
  };
}

/**
 * A MAC address in upper case with colons, from `00:1a:79:00:39:5e`, `00-1A-79-00-39-5E` or
 * `001A7900395E`; undefined when it is not one. The document writes MACs with colons and upper case.
 */
export function normalizeMac(text: string): string | undefined {
  const hex = text.trim().replace(/[:-]/g, "");
  if (!/^[0-9A-Fa-f]{12}$/.test(hex)) return undefined;
  if (/[:-]/.test(text) && !/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/.test(text.trim())) return undefined;
  return hex.toUpperCase().match(/../g)!.join(":");
}

/**
 * Whether an identifier in the URL is read as a MAC address. The document only says identifiers
 * are "account number or MAC address"; the sandbox reads one as a MAC when it is at least 12
 * characters long and contains a colon after its first character (MACs are written with colons),
 * and as an account number otherwise. So `00-1A-79-00-39-5E` is looked up as an account number.
 */
export function looksLikeMac(identifier: string): boolean {
  return identifier.length >= 12 && identifier.indexOf(":") > 0;
}
