import { cloneRecord } from "./forpost-records";
import type { ForpostAccountFields, ForpostAccountRecord } from "./forpost-account";

/** Account changes the store applies as given (validation happens before). */
export type ForpostAccountChanges = Partial<ForpostAccountFields & Pick<ForpostAccountRecord, "AllowedTariffIDs" | "DefaultCameraTariffID">>;

/**
 * The emulator's accounts, in memory. IDs increase from `firstId` and are never reused after a
 * delete (as with an AUTO_INCREMENT column); `reset()` starts over from `firstId`.
 */
export class ForpostAccountStore {
  private readonly records = new Map<number, ForpostAccountRecord>();
  private nextId: number;

  constructor(private readonly firstId: number) {
    this.nextId = firstId;
  }

  /** The ID the next account will get. */
  get nextAccountId(): number {
    return this.nextId;
  }

  create(fields: ForpostAccountFields): ForpostAccountRecord {
    // Without a default tariff, and with an empty allowed list, i.e. all tariffs allowed: the
    // document does not say what a new account starts with; "no restriction" is the neutral choice.
    const record: ForpostAccountRecord = { ID: this.nextId++, ...fields, AllowedTariffIDs: [], DefaultCameraTariffID: 0 };
    this.records.set(record.ID, record);
    return cloneRecord(record);
  }

  get(id: number): ForpostAccountRecord | undefined {
    const record = this.records.get(id);
    return record && cloneRecord(record);
  }

  /** Every account, by ascending ID. */
  list(): ForpostAccountRecord[] {
    return [...this.records.values()].sort((a, b) => a.ID - b.ID).map((record) => cloneRecord(record));
  }

  /** Applies `changes`; undefined when the account does not exist. */
  update(id: number, changes: ForpostAccountChanges): ForpostAccountRecord | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    Object.assign(record, cloneRecord(changes));
    return cloneRecord(record);
  }

  /** False when the account did not exist. */
  delete(id: number): boolean {
    return this.records.delete(id);
  }

  reset(): void {
    this.records.clear();
    this.nextId = this.firstId;
  }
}
