import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import type { ConfigKeySpec, ConfigSource, VendorConfig } from "../../provider/core/config";
import { registerSecret } from "../../provider/core/redact";
import type { VendorEntry } from "../../provider/registry";

/**
 * Where discover's configuration comes from — the same keys as the provider's (`forpost:url`, …),
 * read the same way: stack config values first, then the environment variables
 * (FORPOST_URL, …), then the keys' defaults.
 *
 * Stack config values come from, at most one of:
 *  - `--config-json <file|->`: what `pulumi config --json --show-secrets [--stack s]` prints —
 *    every value, secrets decrypted by the Pulumi CLI (the dependable way to reuse a stack's config);
 *  - `--stack <name>` / `--config-file <Pulumi.<stack>.yaml>`: the stack file itself. Its plain
 *    values are used; its secrets are encrypted (`secure: v1:…`) and only the Pulumi CLI can
 *    decrypt them, so each must also be given as its environment variable (discover says which).
 */
export interface StackValues {
  /** Flat keys (`forpost:url`, `<project>:<key>`) with their string values. */
  values: Map<string, string>;
  /** Keys whose value is encrypted in the file (not usable here). */
  encrypted: string[];
  /** Where they came from, for messages. */
  origin: string;
}

export function emptyStackValues(): StackValues {
  return { values: new Map(), encrypted: [], origin: "no stack config (environment variables only)" };
}

/** Values of a `Pulumi.<stack>.yaml` (its `config:` block). */
export function readStackFile(file: string): StackValues {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const config = (doc as { config?: unknown } | null)?.config;
  const out: StackValues = { values: new Map(), encrypted: [], origin: file };
  if (config === undefined || config === null) return out;
  if (typeof config !== "object" || Array.isArray(config)) throw new Error(`${file}: \`config:\` is not a map of keys to values`);
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) out.encrypted.push(key);
    else if (value !== undefined && value !== null) out.values.set(key, stringOf(value));
  }
  return out;
}

/** Values of `pulumi config --json --show-secrets` (`{"key": {"value": "…", "secret": true}}`). */
export function readConfigJson(text: string, origin: string): StackValues {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin} is not the JSON that \`pulumi config --json --show-secrets\` prints: ${(error as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${origin}: expected an object of config keys`);
  const out: StackValues = { values: new Map(), encrypted: [], origin };
  for (const [key, entry] of Object.entries(doc as Record<string, unknown>)) {
    const e = entry as { value?: unknown; objectValue?: unknown; secret?: boolean } | null;
    const value = e?.value ?? e?.objectValue;
    if (value === undefined || value === null) {
      // `pulumi config --json` without --show-secrets leaves secret values out.
      if (e?.secret) out.encrypted.push(key);
      continue;
    }
    const text = stringOf(value);
    if (e?.secret) registerSecret(text);
    out.values.set(key, text);
  }
  return out;
}

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function configSourceOf(values: StackValues): ConfigSource {
  return { get: (key) => values.values.get(key) };
}

/** What discover knows about a vendor's configuration before it calls anything. */
export interface VendorConfigState {
  vendor: VendorEntry;
  /** Some key without a default is set (in the stack values or the environment). */
  configured: boolean;
  /** Keys without a default that are not set, with their environment variables. */
  missing: Array<{ key: string; env: string; secret: boolean }>;
  /** Keys that are set only encrypted in a stack file (their environment variable must be set). */
  encryptedOnly: Array<{ key: string; env: string }>;
}

export function vendorConfigState(
  vendor: VendorEntry,
  config: VendorConfig<Record<string, ConfigKeySpec>>,
  stack: StackValues,
  env: NodeJS.ProcessEnv = process.env,
): VendorConfigState {
  const state: VendorConfigState = { vendor, configured: false, missing: [], encryptedOnly: [] };
  for (const [name, spec] of Object.entries(config.keys)) {
    const key = `${vendor.id}:${name}`;
    const set = (stack.values.get(key) ?? "") !== "" || (env[spec.env] ?? "") !== "";
    if (set && spec.default === undefined) state.configured = true;
    if (!set && stack.encrypted.includes(key)) state.encryptedOnly.push({ key, env: spec.env });
    if (!set && spec.default === undefined && !spec.schema.safeParse(undefined).success) state.missing.push({ key, env: spec.env, secret: spec.secret === true });
  }
  // A key that is only encrypted counts as an attempt to configure the vendor: say what to do rather than skip it.
  if (state.encryptedOnly.length > 0) state.configured = true;
  return state;
}
