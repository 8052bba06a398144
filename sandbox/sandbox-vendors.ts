import { forpostLauncher } from "./forpost/forpost-launcher";
import { stalkerLauncher } from "./stalker/stalker-launcher";

/** Every vendor emulator the sandbox starts, by the name used in config keys and results. */
export const SANDBOX_VENDORS = {
  forpost: forpostLauncher,
  stalker: stalkerLauncher,
} as const;

export type SandboxVendorName = keyof typeof SANDBOX_VENDORS;
