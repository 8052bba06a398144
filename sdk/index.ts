/**
 * pulumi-telecom: Pulumi resources for what an ISP provisions for its subscribers.
 *
 * ```ts
 * import { ForpostAccount } from "pulumi-telecom";
 * ```
 */
export { ForpostAccount, type ForpostAccountArgs, type ForpostAccountOutputs } from "./forpost/account";
export { HikDevice, type HikDeviceArgs, type HikDeviceOutputs } from "./hikconnect/device";
export type { InputArgs, OutputProperties } from "./telecom-resource";
