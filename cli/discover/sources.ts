import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfigKeySpec, VendorConfig } from "../../provider/core/config";
import type { TelecomResource } from "../../provider/core/resource";
import { exportName, resources, vendors, type VendorEntry } from "../../provider/registry";

/** A resource kind discover can read: its SDK class name and its implementation (schema, check, discover). */
export interface DiscoverSource {
  /** The SDK class the generated program instantiates (`ForpostAccount`). */
  className: string;
  resource: TelecomResource;
}

/**
 * Every registry resource, in registry order. Loaded with `import()` (not `require`) so that, run
 * from the TypeScript sources (tests, `tsx`), the modules are the instances the rest of the process
 * uses: the schemas' field metadata lives in a module-level registry.
 */
export async function registrySources(): Promise<DiscoverSource[]> {
  const sources: DiscoverSource[] = [];
  for (const entry of resources) {
    const resource = (await loadProviderModule(entry.module))[exportName(entry)] as TelecomResource | undefined;
    if (!resource?.definition) throw new Error(`provider/${entry.module} does not export ${exportName(entry)}`);
    sources.push({ className: entry.className, resource });
  }
  return sources;
}

/** Every vendor's configuration keys (`provider/<vendor>/config`), in registry order. */
export async function registryVendorConfigs(): Promise<Array<{ vendor: VendorEntry; config: VendorConfig<Record<string, ConfigKeySpec>> }>> {
  const out = [];
  for (const vendor of vendors) {
    const config = (await loadProviderModule(vendor.configModule))[`${vendor.id}Config`] as VendorConfig<Record<string, ConfigKeySpec>> | undefined;
    if (!config?.keys) throw new Error(`provider/${vendor.configModule} does not export ${vendor.id}Config`);
    out.push({ vendor, config });
  }
  return out;
}

/** A module under provider/ (`forpost/account`), from the sources when running them, else from dist. */
async function loadProviderModule(module: string): Promise<Record<string, unknown>> {
  const file = path.join(__dirname, "..", "..", "provider", `${module}${__filename.endsWith(".ts") ? ".ts" : ".js"}`);
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  return { ...(loaded.default ?? {}), ...loaded };
}

/** The vendor a resource token belongs to (`forpost:Account` → `forpost`). */
export function vendorOf(token: string): string {
  return token.split(":")[0]!;
}
