/**
 * The billing's house directory (CLN_HOME_EDIT / CLN_HOME_LIST) as the sandbox stores it: one row
 * per home, columns named as the procedure's parameters. NULL is `null`.
 */
export interface BillingHome {
  ID: number;
  PULL_ID: number | null;
  /** Stored as the timestamp the billing keeps: `YYYY-MM-DD HH:MM:SS`. */
  CONNECT_DATE: string | null;
  ZIP_CODE: string | null;
  COUNTRY: string | null;
  CITY: string | null;
  REGION: string | null;
  STREET: string;
  S_NUMBER: number | null;
  S_LITER: string | null;
}

export type BillingHomeFields = Omit<BillingHome, "ID">;

/** CLN_HOME_EDIT's parameters after SUID, in order (the positional arguments). */
export const HOME_EDIT_PARAMS = [
  "P_OP",
  "ID",
  "PULL_ID",
  "CONNECT_DATE",
  "ZIP_CODE",
  "COUNTRY",
  "CITY",
  "REGION",
  "STREET",
  "S_NUMBER",
  "S_LITER",
] as const;

/** VARCHAR lengths of the document (`ZIP_CODE VARCHAR(10)` …). */
export const TEXT_LIMITS: Record<"ZIP_CODE" | "COUNTRY" | "CITY" | "REGION" | "STREET" | "S_LITER", number> = {
  ZIP_CODE: 10,
  COUNTRY: 256,
  CITY: 256,
  REGION: 256,
  STREET: 256,
  S_LITER: 32,
};

/** In-memory homes, IDs from a generator as a Firebird sequence would hand them out. */
export class BillingHomeStore {
  private readonly homes = new Map<number, BillingHome>();
  private nextId: number;

  constructor(private readonly firstId: number) {
    this.nextId = firstId;
  }

  get nextHomeId(): number {
    return this.nextId;
  }

  create(fields: BillingHomeFields): BillingHome {
    const home = { ID: this.nextId++, ...fields };
    this.homes.set(home.ID, home);
    return { ...home };
  }

  get(id: number): BillingHome | undefined {
    const home = this.homes.get(id);
    return home && { ...home };
  }

  list(): BillingHome[] {
    return [...this.homes.values()].sort((a, b) => a.ID - b.ID).map((home) => ({ ...home }));
  }

  /** Replaces every column (what an UPDATE with all parameters does); false when there is no such home. */
  replace(id: number, fields: BillingHomeFields): boolean {
    if (!this.homes.has(id)) return false;
    this.homes.set(id, { ID: id, ...fields });
    return true;
  }

  delete(id: number): boolean {
    return this.homes.delete(id);
  }

  reset(): void {
    this.homes.clear();
    this.nextId = this.firstId;
  }
}
