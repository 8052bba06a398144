/**
 * pulumi-telecom: Pulumi resources for what an ISP provisions for its subscribers.
 *
 * ```ts
 * import { ForpostAccount } from "pulumi-telecom";
 * ```
 */
export { ForpostAccount, type ForpostAccountArgs, type ForpostAccountOutputs } from "./forpost/account";
export { BillingHome, type BillingHomeArgs, type BillingHomeOutputs } from "./billing/home";
export type { InputArgs, OutputProperties } from "./telecom-resource";
