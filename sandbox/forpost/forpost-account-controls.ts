import { AdminRequestError } from "../core";
import { ACCOUNT_DEFAULTS, ACCOUNT_FIELDS, type ForpostAccountFields, type ForpostAccountRecord } from "./forpost-account";
import type { ForpostAccountChanges, ForpostAccountStore } from "./forpost-account-store";
import type { ForpostTariff } from "./forpost-tariffs";
import { validateAccountFields } from "./forpost-validation";

/** Fields for {@link ForpostAccountControls.add}: AddAccount's required fields, any optional ones. */
export type ForpostAccountInput = Pick<
  ForpostAccountFields,
  | "Name"
  | "MaxCameraCount"
  | "MaxLoginCount"
  | "MaxCameraOnlineTranslationCount"
  | "MaxCameraArchivalTranslationCount"
  | "MaxCameraUserOnlineTranslationCount"
  | "MaxCameraUserArchivalTranslationCount"
> &
  Partial<ForpostAccountFields>;

/** Changes for {@link ForpostAccountControls.patch}: any account field (null clears a nullable one) and the tariff settings. */
export type ForpostAccountPatch = ForpostAccountChanges;

/**
 * Test-facing access to the emulator's accounts that bypasses the System API, to simulate changes
 * made outside Pulumi (in the Forpost web portal): drift, deletion, pre-existing accounts.
 * Values go through the same validation as the API; invalid ones throw.
 */
export class ForpostAccountControls {
  /** @param remove deletes an account with what belongs to it (default: the account alone) */
  constructor(
    private readonly store: ForpostAccountStore,
    private readonly tariffs: () => readonly ForpostTariff[],
    private readonly remove: (id: number) => boolean = (id) => store.delete(id),
  ) {}

  /** The account with its tariff settings, or undefined. */
  get(id: number): ForpostAccountRecord | undefined {
    return this.store.get(id);
  }

  /** Every account, by ascending ID. */
  list(): ForpostAccountRecord[] {
    return this.store.list();
  }

  /** Creates an account as the web portal would (e.g. one that exists before Pulumi adopts it). */
  add(fields: ForpostAccountInput): ForpostAccountRecord {
    const validated = this.validate(fields, "add");
    return this.store.create({ ...ACCOUNT_DEFAULTS, ...validated } as ForpostAccountFields);
  }

  /** Changes fields of an existing account; throws when it does not exist or a value is invalid. */
  patch(id: number, changes: ForpostAccountPatch): ForpostAccountRecord {
    if (!this.store.get(id)) throw new AdminRequestError(`account ${id} does not exist`);
    const { AllowedTariffIDs, DefaultCameraTariffID, ...fields } = changes;
    const update: ForpostAccountChanges = this.validate(fields, "edit");
    const known = new Set(this.tariffs().map((tariff) => tariff.ID));
    if (AllowedTariffIDs !== undefined) {
      const unknown = AllowedTariffIDs.filter((tariffId) => !known.has(tariffId));
      if (unknown.length > 0) throw new AdminRequestError(`tariff(s) ${unknown.join(", ")} do not exist`);
      update.AllowedTariffIDs = [...new Set(AllowedTariffIDs)].sort((a, b) => a - b);
    }
    if (DefaultCameraTariffID !== undefined) {
      if (DefaultCameraTariffID !== 0 && !known.has(DefaultCameraTariffID)) {
        throw new AdminRequestError(`tariff ${DefaultCameraTariffID} does not exist`);
      }
      update.DefaultCameraTariffID = DefaultCameraTariffID;
    }
    return this.store.update(id, update)!;
  }

  /** Deletes an account (with its users and cameras, as DeleteAccount does); false when it did not exist. */
  delete(id: number): boolean {
    return this.remove(id);
  }

  private validate(fields: Partial<Record<string, unknown>>, mode: "add" | "edit"): Partial<ForpostAccountFields> {
    const known = new Set<string>(ACCOUNT_FIELDS.map((field) => field.name));
    const unknown = Object.keys(fields).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new AdminRequestError(`unknown account field(s): ${unknown.join(", ")}`);
    const asForm: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      // null means "unset"; the API's way to clear a field is the empty string.
      asForm[name] = value === null ? "" : String(value);
    }
    const validated = validateAccountFields(asForm, mode);
    if (!validated.ok) throw new AdminRequestError(validated.errors.join("; "));
    return validated.value;
  }
}
