/** The VSAAS.IO billing (API v1) + Flussonic Watcher (API v2) emulator. */
export { VsaasOrganizationControls } from "./vsaas-controls";
export { seedVsaas, type SeededOrganization, type VsaasSeedOptions } from "./vsaas-seed";
export { WatcherControls, type WatcherUserView } from "./vsaas-watcher-controls";
export { MEMBER_FLAGS as VSAAS_MEMBER_FLAGS, type MemberFlag as VsaasMemberFlag, type WatcherAccess } from "./vsaas-watcher-store";
export { BILLING_API_PREFIX, startVsaasEmulator, VsaasEmulator, WATCHER_API_PREFIX, type VsaasEmulatorOptions, type VsaasHeaderRecord, type VsaasState } from "./vsaas-emulator";
export { DEFAULT_TARIFF_PLANS as VSAAS_TARIFF_PLANS, type VsaasOrganizationRecord, type VsaasTariffPlan, type VsaasUser, type WatcherFolder, type WatcherOrganization, type WatcherUser as VsaasWatcherUser } from "./vsaas-records";
