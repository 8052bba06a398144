/**
 * The billing's access switches (CLN_SWITCH_EDIT / CLN_SWITCH_LIST) as the sandbox stores them: one
 * row per switch, columns named as the procedure's parameters. NULL is `null`.
 */
export interface BillingSwitch {
  ID: number;
  NAME: string;
  /** The switch's IPv4 address as the INTEGER column holds it (see billing-ip.ts). */
  IP: number | null;
  SWITCH_TYPE: string | null;
  PSW_SNMP: string | null;
  PSW_SSH: string | null;
  PSW_TELNET: string | null;
  HOME_ID: number | null;
  PORTS_CNT: number | null;
}

export type BillingSwitchFields = Omit<BillingSwitch, "ID">;

/** CLN_SWITCH_EDIT's parameters after P_SUID, in order (the positional arguments). */
export const SWITCH_EDIT_PARAMS = [
  "P_OP",
  "ID",
  "NAME",
  "IP",
  "SWITCH_TYPE",
  "PSW_SNMP",
  "PSW_SSH",
  "PSW_TELNET",
  "HOME_ID",
  "PORTS_CNT",
  "UPDATE_HOME_FLAG",
] as const;

/** Positions (1-based, after P_SUID) of the three passwords, which the request log must never show. */
export const SWITCH_PASSWORD_POSITIONS = ["PSW_SNMP", "PSW_SSH", "PSW_TELNET"].map((name) => SWITCH_EDIT_PARAMS.indexOf(name as never) + 1);

/** VARCHAR lengths of the document (`NAME VARCHAR(1024)`, `PSW_SNMP VARCHAR(40)` …). */
export const SWITCH_TEXT_LIMITS: Record<"NAME" | "SWITCH_TYPE" | "PSW_SNMP" | "PSW_SSH" | "PSW_TELNET", number> = {
  NAME: 1024,
  SWITCH_TYPE: 256,
  PSW_SNMP: 40,
  PSW_SSH: 40,
  PSW_TELNET: 40,
};

/** In-memory switches, IDs from their own generator. */
export class BillingSwitchStore {
  private readonly switches = new Map<number, BillingSwitch>();
  private nextId: number;

  constructor(private readonly firstId: number) {
    this.nextId = firstId;
  }

  get nextSwitchId(): number {
    return this.nextId;
  }

  create(fields: BillingSwitchFields): BillingSwitch {
    const row = { ID: this.nextId++, ...fields };
    this.switches.set(row.ID, row);
    return { ...row };
  }

  get(id: number): BillingSwitch | undefined {
    const row = this.switches.get(id);
    return row && { ...row };
  }

  list(): BillingSwitch[] {
    return [...this.switches.values()].sort((a, b) => a.ID - b.ID).map((row) => ({ ...row }));
  }

  /** Whether any switch is installed in the home (the foreign key a home delete would violate). */
  inHome(homeId: number): boolean {
    for (const row of this.switches.values()) if (row.HOME_ID === homeId) return true;
    return false;
  }

  /** Replaces every column (an UPDATE with all parameters); false when there is no such switch. */
  replace(id: number, fields: BillingSwitchFields): boolean {
    if (!this.switches.has(id)) return false;
    this.switches.set(id, { ID: id, ...fields });
    return true;
  }

  delete(id: number): boolean {
    return this.switches.delete(id);
  }

  reset(): void {
    this.switches.clear();
    this.nextId = this.firstId;
  }
}
