/** The Stalker Middleware REST API v1 emulator. */
export { accountAnswer, looksLikeMac, normalizeMac, WRITABLE_FIELDS, type StalkerAccountRecord, type WritableField } from "./stalker-account";
export { StalkerAccountStore, StalkerError, type StalkerWrite } from "./stalker-account-store";
export { DEFAULT_CHANNELS as STALKER_CHANNELS, type StalkerChannel } from "./stalker-channels";
export { seedStalker, type StalkerSeedOptions, type StalkerSeedSummary } from "./stalker-seed";
export {
  DEFAULT_TARIFF_PLANS as STALKER_TARIFF_PLANS,
  STALKER_API_PREFIX,
  StalkerEmulator,
  startStalkerEmulator,
  type StalkerAccountExtras,
  type StalkerAccountSeed,
  type StalkerEmulatorOptions,
  type StalkerState,
} from "./stalker-emulator";
