/**
 * The provider side of pulumi-telecom: what the Pulumi dynamic-provider host loads, by package
 * name, when a resource's serialized shim is called. Resource modules are loaded on first use, so
 * a program that manages only Forpost accounts never loads another vendor's code.
 */
import { setStackConfig, type ConfigSource } from "./core/config";
import type { TelecomResource } from "./core/resource";
import { exportName, resources } from "./registry";

const byToken = new Map(resources.map((entry) => [entry.token, entry]));

/** Tokens (`<vendor>:<Type>`) of every resource this package provides. */
export const resourceTokens = resources.map((entry) => entry.token);

/** The implementation of a resource's dynamic-provider methods. */
export function resourceProvider(token: string): TelecomResource {
  const entry = byToken.get(token as (typeof resourceTokens)[number]);
  if (!entry) {
    throw new Error(
      `pulumi-telecom has no resource ${JSON.stringify(token)}; the state was written by another version of ` +
        `pulumi-telecom — install the version that wrote it`,
    );
  }
  // Loaded on first use (see registry.ts).
  return require(`./${entry.module}`)[exportName(entry)] as TelecomResource;
}

/** Called by the host once per provider with the whole stack config. */
export async function configure(config: ConfigSource): Promise<void> {
  setStackConfig(config);
}

export { VendorApiError, VendorAuthError, VendorNotFoundError, VendorTransportError, ConfigError } from "./core/errors";
