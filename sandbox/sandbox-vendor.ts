import { randomBytes } from "node:crypto";

/** One stack config value that points a Pulumi stack at an emulator (`pulumi config set [--secret] key value`). */
export interface SandboxConfigEntry {
  key: string;
  value: string;
  secret: boolean;
}

/** Where a vendor emulator should listen. */
export interface VendorListen {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** A started vendor emulator, as {@link startSandbox} collects it. */
export interface LaunchedVendor<Info> {
  /** What tests use: URL, credentials, the emulator object. */
  info: Info;
  pulumiConfig: SandboxConfigEntry[];
  env: Record<string, string>;
  /**
   * What the sandbox command prints for this vendor (JSON-safe strings): its URL, credentials,
   * admin URL and anything else a user needs (e.g. where a CA certificate was written).
   * `--json` prints it as is; the human output prints `adminUrl` and every other key but
   * credentials, which are already in the config lines.
   */
  summary: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * How the sandbox starts one vendor's emulator. Adding a vendor = one launcher + one line in
 * `sandbox-vendors.ts`; `portOffset` is its port relative to `--port-base`.
 */
export interface VendorLauncher<Options, Info> {
  portOffset: number;
  launch(options: Options | undefined, listen: VendorListen): Promise<LaunchedVendor<Info>>;
}

/** A random credential for one sandbox run (never a fixed secret in the repository). */
export function randomSecret(): string {
  return randomBytes(18).toString("base64url");
}
