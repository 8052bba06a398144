import { billingLauncher } from "./billing/billing-launcher";
import { forpostLauncher } from "./forpost/forpost-launcher";
import { stalkerLauncher } from "./stalker/stalker-launcher";
import { vsaasLauncher } from "./vsaas/vsaas-launcher";
import { hikconnectLauncher } from "./hikconnect/hikconnect-launcher";

/** Every vendor emulator the sandbox starts, by the name used in config keys and results. */
export const SANDBOX_VENDORS = {
  forpost: forpostLauncher,
  stalker: stalkerLauncher,
  vsaas: vsaasLauncher,
  hikconnect: hikconnectLauncher,
  billing: billingLauncher,
} as const;

export type SandboxVendorName = keyof typeof SANDBOX_VENDORS;
