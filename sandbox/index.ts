import type { LaunchedVendor, SandboxConfigEntry, VendorLauncher } from "./sandbox-vendor";
import { SANDBOX_VENDORS, type SandboxVendorName } from "./sandbox-vendors";

export * from "./core";
export * from "./forpost";
export * from "./hikconnect";
export type { ForpostSandbox, ForpostSandboxOptions } from "./forpost/forpost-launcher";
export * from "./stalker";
export type { StalkerSandbox, StalkerSandboxOptions } from "./stalker/stalker-launcher";
export * from "./vsaas";
export type { VsaasSandbox, VsaasSandboxOptions } from "./vsaas/vsaas-launcher";
export * from "./billing";
export type { BillingSandbox, BillingSandboxOptions } from "./billing/billing-launcher";
export type { SandboxConfigEntry } from "./sandbox-vendor";

type Vendors = typeof SANDBOX_VENDORS;
type OptionsOf<L> = L extends VendorLauncher<infer O, unknown> ? O : never;
type InfoOf<L> = L extends VendorLauncher<unknown, infer I> ? I : never;

/** Options of {@link startSandbox}; every field is optional. */
export type StartSandboxOptions = {
  /** Interface to listen on; default `127.0.0.1` (the sandbox is for this machine only). */
  host?: string;
  /** Fixed ports: vendor N listens on `portBase + N` (Forpost: `portBase`). Default: free ports. */
  portBase?: number;
} & { [K in SandboxVendorName]?: OptionsOf<Vendors[K]> };

/** A running sandbox: one entry per vendor, the config that points a stack at it, and `stop()`. */
export type RunningSandbox = { [K in SandboxVendorName]: InfoOf<Vendors[K]> } & {
  /** `pulumi config set` entries for every vendor (`secret: true` → `--secret`). */
  pulumiConfig: SandboxConfigEntry[];
  /** The same as environment variables (FORPOST_URL, ...). */
  env: Record<string, string>;
  /** What the sandbox command prints per vendor (URL, credentials, admin URL, certificate paths, ...). */
  summaries: Record<SandboxVendorName, Record<string, string>>;
  /** Stops every emulator. */
  stop(): Promise<void>;
};

/**
 * Starts every vendor emulator on loopback. Credentials are random per start unless given.
 * If one emulator fails to start (e.g. its fixed port is taken), those already started are stopped.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? "127.0.0.1";
  const launched: Array<[SandboxVendorName, LaunchedVendor<unknown>]> = [];
  const stopAll = async () => {
    await Promise.all(launched.map(([, vendor]) => vendor.stop()));
  };
  try {
    for (const name of Object.keys(SANDBOX_VENDORS) as SandboxVendorName[]) {
      const launcher = SANDBOX_VENDORS[name] as VendorLauncher<unknown, unknown>;
      const port = options.portBase === undefined ? 0 : options.portBase + launcher.portOffset;
      launched.push([name, await launcher.launch(options[name], { host, port })]);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const result: Record<string, unknown> = {
    pulumiConfig: launched.flatMap(([, vendor]) => vendor.pulumiConfig),
    env: Object.assign({}, ...launched.map(([, vendor]) => vendor.env)) as Record<string, string>,
    summaries: Object.fromEntries(launched.map(([name, vendor]) => [name, vendor.summary])),
    stop: stopAll,
  };
  for (const [name, vendor] of launched) result[name] = vendor.info;
  return result as RunningSandbox;
}
