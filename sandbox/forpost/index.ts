/** The Forpost System API 1.6.9 emulator. */
export type { ForpostAccount, ForpostAccountFields, ForpostAccountRecord } from "./forpost-account";
export { ForpostAccountControls, type ForpostAccountInput, type ForpostAccountPatch } from "./forpost-account-controls";
export {
  DEFAULT_CATALOGUES,
  MOTION_RECORD_TYPE,
  type ForpostCameraModel,
  type ForpostCatalogues,
  type ForpostCodedEntry,
  type ForpostNamedEntry,
} from "./forpost-catalogues";
export { ForpostEmulator, startForpostEmulator, SYSTEM_API_PREFIX, type ForpostEmulatorOptions, type ForpostState } from "./forpost-emulator";
export type { ForpostErrorCode, ForpostErrorStatusMode } from "./forpost-errors";
export { DOCUMENTED_METHODS, type ForpostMethodName } from "./forpost-methods";
export type {
  ForpostAccessRecord,
  ForpostAccessRights,
  ForpostCameraFields,
  ForpostCameraRecord,
  ForpostUserFields,
  ForpostUserRecord,
} from "./forpost-records";
export { seedForpost, type ForpostSeedOptions, type ForpostSeedResult, type SeededSubscriber as ForpostSeededSubscriber } from "./forpost-seed";
export {
  ForpostAccessControls,
  ForpostCameraControls,
  ForpostUserControls,
  type ForpostCabinet,
  type ForpostCameraInput,
  type ForpostCameraPatch,
  type ForpostUserInput,
  type ForpostUserPatch,
} from "./forpost-subscriber-controls";
export { DEFAULT_TARIFFS, type ForpostTariff } from "./forpost-tariffs";
