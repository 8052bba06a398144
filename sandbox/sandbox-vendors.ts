import { billingLauncher } from "./billing/billing-launcher";
import { forpostLauncher } from "./forpost/forpost-launcher";

/** Every vendor emulator the sandbox starts, by the name used in config keys and results. */
export const SANDBOX_VENDORS = {
  forpost: forpostLauncher,
  billing: billingLauncher,
} as const;

export type SandboxVendorName = keyof typeof SANDBOX_VENDORS;
