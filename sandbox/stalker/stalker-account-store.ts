import {
  ACCOUNT_DEFAULTS,
  looksLikeMac,
  normalizeMac,
  WRITABLE_FIELDS,
  type StalkerAccountRecord,
  type WritableField,
} from "./stalker-account";

/** A refusal the API reports as HTTP 200 `{"status":"ERROR","error": message}`. */
export class StalkerError extends Error {}

/** Writable fields as a form body carries them (strings). */
export type StalkerWrite = Partial<Record<WritableField, string>>;

/**
 * The emulator's accounts, in memory, in creation order. Logins are unique; a create refuses a MAC
 * in use but an update does not (see {@link update}); account numbers are not unique at all: one
 * number may belong to many accounts, and a PUT or DELETE addressed by account number changes or
 * deletes every one of them, as on a real Stalker.
 */
export class StalkerAccountStore {
  private records: StalkerAccountRecord[] = [];

  constructor(private readonly tariffPlans: () => readonly string[]) {}

  list(): StalkerAccountRecord[] {
    return this.records.map((record) => structuredClone(record));
  }

  byLogin(login: string): StalkerAccountRecord | undefined {
    const record = this.records.find((r) => r.login === login);
    return record && structuredClone(record);
  }

  /**
   * The accounts the URL's identifiers address. How the first identifier looks decides how all of
   * them are read (MAC or account number; see {@link looksLikeMac}); MACs match case-insensitively.
   */
  resolve(identifiers: readonly string[]): StalkerAccountRecord[] {
    if (identifiers.length === 0) return this.list();
    if (looksLikeMac(identifiers[0]!)) {
      const macs = new Set(identifiers.map((id) => normalizeMac(id) ?? id.toUpperCase()));
      return this.records.filter((r) => r.stb_mac !== "" && macs.has(r.stb_mac)).map((r) => structuredClone(r));
    }
    const numbers = new Set(identifiers);
    return this.records.filter((r) => r.account_number !== "" && numbers.has(r.account_number)).map((r) => structuredClone(r));
  }

  /**
   * The boxes (accounts) the identifiers of ITV_SUBSCRIPTION and STB_MODULES address. These
   * resources read identifiers differently from ACCOUNTS: the first identifier is a MAC when it is
   * at least 12 characters long (no colon needed), else every identifier is an account number; MACs
   * are normalised and one that is not a MAC matches nothing. Without identifiers: every account.
   */
  resolveBoxes(identifiers: readonly string[]): StalkerAccountRecord[] {
    if (identifiers.length === 0) return this.list();
    if (identifiers[0]!.length >= 12) {
      const macs = new Set(identifiers.map((id) => normalizeMac(id)).filter((m): m is string => m !== undefined));
      return this.records.filter((r) => r.stb_mac !== "" && macs.has(r.stb_mac)).map((r) => structuredClone(r));
    }
    const numbers = new Set(identifiers);
    return this.records.filter((r) => r.account_number !== "" && numbers.has(r.account_number)).map((r) => structuredClone(r));
  }

  /** Sets fields the REST API's ACCOUNTS resource does not write (subscriptions, modules) on the given accounts. */
  setBoxFields(
    targets: readonly StalkerAccountRecord[],
    fields: Partial<Pick<StalkerAccountRecord, "additional_services_on" | "sub_ch" | "modules_disabled" | "modules_restricted">>,
  ): void {
    const logins = new Set(targets.map((t) => t.login));
    for (const record of this.records) {
      if (logins.has(record.login)) Object.assign(record, structuredClone(fields));
    }
  }

  /** POST /accounts/: validates as the API does and stores the account. */
  create(fields: StalkerWrite, extra: Partial<StalkerAccountRecord> = {}): StalkerAccountRecord {
    const values = this.validate(fields);
    if (values.login === undefined || values.login === "") throw new StalkerError("Login required");
    if (this.records.some((r) => r.login === values.login)) throw new StalkerError("Login already in use");
    if (values.stb_mac && this.records.some((r) => r.stb_mac === values.stb_mac)) {
      throw new StalkerError("MAC address already in use");
    }
    const record: StalkerAccountRecord = { ...structuredClone(ACCOUNT_DEFAULTS), ...extra, ...values, login: values.login };
    this.records.push(record);
    return structuredClone(record);
  }

  /**
   * PUT /accounts/<id>: applies the fields to every addressed account (all of them, even several).
   * Unlike the create, it does not refuse a MAC another account has: the document promises no MAC
   * uniqueness (only "login ... Уникален"), so the sandbox lets two accounts end up with one MAC,
   * and a client must not rely on MACs being unique.
   */
  update(targets: readonly StalkerAccountRecord[], fields: StalkerWrite, extra: Partial<StalkerAccountRecord> = {}): void {
    const values = this.validate(fields);
    const logins = new Set(targets.map((t) => t.login));
    if (values.login !== undefined) {
      if (values.login === "") throw new StalkerError("Login required");
      const owner = this.records.find((r) => r.login === values.login);
      if ((owner && !logins.has(owner.login)) || (owner && targets.length > 1)) throw new StalkerError("Login already in use");
    }
    for (const record of this.records) {
      if (logins.has(record.login)) Object.assign(record, structuredClone(extra), values);
    }
  }

  /** DELETE /accounts/<id>: deletes every addressed account. */
  delete(targets: readonly StalkerAccountRecord[]): void {
    const logins = new Set(targets.map((t) => t.login));
    this.records = this.records.filter((r) => !logins.has(r.login));
  }

  reset(): void {
    this.records = [];
  }

  /**
   * Checks written values. Decisions where the document is silent: status must be 1 or 0; a
   * tariff plan must be one of the configured external ids ("" clears it); a MAC is normalised
   * to upper case with colons and anything else is "Not valid mac address"; "" clears the MAC.
   */
  private validate(fields: StalkerWrite): Partial<StalkerAccountRecord> {
    const values: Partial<StalkerAccountRecord> = {};
    for (const name of WRITABLE_FIELDS) {
      const raw = fields[name];
      if (raw === undefined) continue;
      switch (name) {
        case "status":
          if (raw !== "0" && raw !== "1") throw new StalkerError("Status must be 1 or 0");
          values.status = raw === "1" ? 1 : 0;
          break;
        case "stb_mac": {
          if (raw === "") {
            values.stb_mac = "";
            break;
          }
          const mac = normalizeMac(raw);
          if (!mac) throw new StalkerError("Not valid mac address");
          values.stb_mac = mac;
          break;
        }
        case "tariff_plan":
          if (raw !== "" && !this.tariffPlans().includes(raw)) throw new StalkerError(`Tariff plan ${raw} not found`);
          values.tariff_plan = raw;
          break;
        default:
          values[name] = raw;
      }
    }
    return values;
  }
}
