/** The Forpost System API 1.6.9 emulator. */
export type { ForpostAccount, ForpostAccountFields, ForpostAccountRecord } from "./forpost-account";
export { ForpostAccountControls, type ForpostAccountInput, type ForpostAccountPatch } from "./forpost-account-controls";
export { ForpostEmulator, startForpostEmulator, SYSTEM_API_PREFIX, type ForpostEmulatorOptions, type ForpostState } from "./forpost-emulator";
export type { ForpostErrorCode, ForpostErrorStatusMode } from "./forpost-errors";
export { DOCUMENTED_METHODS, type ForpostMethodName } from "./forpost-methods";
export { DEFAULT_TARIFFS, type ForpostTariff } from "./forpost-tariffs";
