/**
 * pulumi-telecom: Pulumi resources for what an ISP provisions for its subscribers.
 *
 * ```ts
 * import { ForpostAccount } from "pulumi-telecom";
 * ```
 */
export { ForpostAccount, type ForpostAccountArgs, type ForpostAccountOutputs } from "./forpost/account";
export { StalkerAccount, type StalkerAccountArgs, type StalkerAccountOutputs } from "./stalker/account";
export { VsaasOrganization, type VsaasOrganizationArgs, type VsaasOrganizationOutputs } from "./vsaas/organization";
export { HikDevice, type HikDeviceArgs, type HikDeviceOutputs } from "./hikconnect/device";
export { BillingHome, type BillingHomeArgs, type BillingHomeOutputs } from "./billing/home";
export type { InputArgs, OutputProperties } from "./telecom-resource";
