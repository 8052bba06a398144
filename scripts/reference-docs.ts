/**
 * Renders the README's reference sections (configuration keys, resource inputs and outputs) from
 * the resource schemas and vendor configs, so the docs cannot drift from the code.
 *
 *   npx tsx scripts/reference-docs.ts          rewrites the generated blocks in README.md
 *   npx tsx scripts/reference-docs.ts --check  exits 1 if README.md is out of date
 *
 * A block sits between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { VendorConfig } from "../provider/core/config";
import type { TelecomResource } from "../provider/core/resource";
import { fieldMeta, outputMeta } from "../provider/core/schema";
import { forpostAccount } from "../provider/forpost/account";
import { forpostConfig } from "../provider/forpost/config";
import { stalkerAccount } from "../provider/stalker/account";
import { stalkerConfig } from "../provider/stalker/config";
import { vsaasConfig } from "../provider/vsaas/config";
import { vsaasOrganization } from "../provider/vsaas/organization";
import { hikDevice } from "../provider/hikconnect/device";
import { hikconnectConfig } from "../provider/hikconnect/config";
import { billingHome } from "../provider/billing/home";
import { billingConfig } from "../provider/billing/config";

type JsonSchema = {
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  const?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** Every resource, in README order (a test checks this covers every token the provider serves). */
export const documentedResources: TelecomResource[] = [
  forpostAccount as unknown as TelecomResource,
  stalkerAccount as unknown as TelecomResource,
  vsaasOrganization as unknown as TelecomResource,
  hikDevice as unknown as TelecomResource,
  billingHome as unknown as TelecomResource,
];

/** The vendor configs, in README order. */
export const vendorConfigs: Array<VendorConfig<Record<string, never>>> = [
  forpostConfig as never,
  stalkerConfig as never,
  vsaasConfig as never,
  hikconnectConfig as never,
  billingConfig as never,
];

function describeType(s: JsonSchema): string {
  if (s.anyOf) {
    const parts = s.anyOf.filter((p) => p.const !== "");
    const emptyAllowed = parts.length < s.anyOf.length;
    return parts.map(describeType).join(" or ") + (emptyAllowed ? ' or ""' : "");
  }
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(", ")}`;
  switch (s.type) {
    case "integer": {
      const min = s.minimum !== undefined ? ` ≥ ${s.minimum}` : "";
      const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? ` ≤ ${s.maximum}` : "";
      return `integer${min}${max}`;
    }
    case "string": {
      if (s.format) return `string (${s.format})`;
      const len = s.maxLength !== undefined ? ` ≤ ${s.maxLength} chars` : "";
      const nonEmpty = s.minLength === 1 ? "non-empty " : "";
      return `${nonEmpty}string${len ? ` (${len.trim()})` : ""}`;
    }
    case "array":
      return `list of ${s.items ? describeType(s.items) : "values"}`;
    case "object":
      return "object";
    default:
      return s.type ?? "any";
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The inputs and outputs tables of one resource. */
export function renderResource(resource: TelecomResource): string {
  const def = resource.definition;
  const json = z.toJSONSchema(def.inputs, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const required = new Set(json.required ?? []);
  const lines = [
    def.description,
    "",
    "| Input | Type | Required | On change | Description |",
    "|---|---|---|---|---|",
  ];
  for (const key of Object.keys(def.inputs.shape)) {
    const meta = fieldMeta(def.inputs.shape, key);
    const change = meta.onChange === "replace" ? "**replace**" : meta.onChange === "ignore" ? "none (creation only)" : "update in place";
    const secret = meta.secret ? " **Secret.**" : "";
    lines.push(
      `| \`${key}\` | ${cell(describeType(json.properties?.[key] ?? {}))} | ${required.has(key) ? "yes" : "no"} | ${change} | ${cell(meta.doc)}${secret} |`,
    );
  }
  lines.push("", "| Output | Description |", "|---|---|", "| every input | As read back from the vendor on create, update and refresh. |");
  for (const [key, schema] of Object.entries(def.outputs.shape) as Array<[string, z.ZodType]>) {
    lines.push(`| \`${key}\` | ${cell(outputMeta.get(schema)?.doc ?? "")} |`);
  }
  if (def.deleteBeforeReplace) lines.push("", "A replacement deletes the old object before creating the new one.");
  return lines.join("\n");
}

/** The configuration table of every vendor. */
export function renderConfig(): string {
  const lines = ["| Stack config key | Environment variable | Secret | Default | Description |", "|---|---|---|---|---|"];
  for (const config of vendorConfigs) {
    for (const [name, spec] of Object.entries(config.keys) as Array<[string, { env: string; secret?: boolean; default?: string; doc: string }]>) {
      lines.push(
        `| \`${config.vendor}:${name}\` | \`${spec.env}\` | ${spec.secret ? "yes" : "no"} | ${spec.default !== undefined ? `\`${spec.default}\`` : "—"} | ${cell(spec.doc)} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Every generated block, by name. */
export function generatedBlocks(): Record<string, string> {
  const blocks: Record<string, string> = { config: renderConfig() };
  for (const resource of documentedResources) blocks[`resource:${resource.definition.token}`] = renderResource(resource);
  return blocks;
}

/** README text with every generated block replaced; throws if a block's markers are missing. */
export function updateReadme(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(generatedBlocks())) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, i + start.length)}\n${body}\n${out.slice(j)}`;
  }
  return out;
}

if (require.main === module) {
  const path = join(__dirname, "..", "README.md");
  const current = readFileSync(path, "utf8");
  const next = updateReadme(current);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error("README.md reference is out of date: run `npx tsx scripts/reference-docs.ts`");
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(path, next);
    console.log("README.md reference updated");
  }
}
