/** The VSAAS.IO billing (API v1) + Flussonic Watcher (API v2, organizations) emulator. */
export { VsaasOrganizationControls } from "./vsaas-controls";
export { BILLING_API_PREFIX, startVsaasEmulator, VsaasEmulator, WATCHER_API_PREFIX, type VsaasEmulatorOptions, type VsaasHeaderRecord, type VsaasState } from "./vsaas-emulator";
export { DEFAULT_TARIFF_PLANS as VSAAS_TARIFF_PLANS, type VsaasOrganizationRecord, type VsaasTariffPlan, type VsaasUser, type WatcherOrganization } from "./vsaas-records";
