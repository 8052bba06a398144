/**
 * Writes what derives from the registry (provider/registry.ts) and the schemas, so none of it can
 * drift from the code:
 *   - sdk/resources.generated.ts   one class per resource, with its Args and output types, and
 *                                  each field's documentation as JSDoc;
 *   - sdk/functions.generated.ts   one namespace per vendor with its functions;
 *   - docs/                        the reference: an index, one page per vendor's configuration,
 *                                  one per resource and per function (the generated blocks; the
 *                                  prose around them is written by hand and kept).
 *
 *   npm run generate                 rewrites what is out of date
 *   npx tsx scripts/generate.ts --check   exits 1 if anything is out of date (npm test checks it)
 *
 * In a docs page a generated block sits between `<!-- generated:<name> -->` and
 * `<!-- /generated:<name> -->`; everything outside the blocks is hand-written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { z } from "zod";
import type { VendorConfig } from "../provider/core/config";
import { argMeta, type TelecomFunction } from "../provider/core/function";
import type { TelecomResource } from "../provider/core/resource";
import { fieldMeta, outputMeta } from "../provider/core/schema";
import { exportName, functions, resources, vendors, type FunctionEntry, type ResourceEntry, type VendorEntry } from "../provider/registry";

export const REPO_ROOT = join(__dirname, "..");

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
  default?: unknown;
};

// ---------------------------------------------------------------------------------------------
// Loading what the registry lists

const loaded = new Map<string, Record<string, unknown>>();

/**
 * Imports every module the registry names (once). Dynamic `import()`, not `require`, so that under
 * vitest the modules are the same instances the tests use (zod's field registries live in them).
 */
export async function loadRegistry(): Promise<void> {
  const modules = [...resources.map((r) => r.module), ...functions.map((f) => f.module), ...vendors.map((v) => v.configModule)];
  for (const module of modules) {
    if (!loaded.has(module)) loaded.set(module, (await import(join(REPO_ROOT, "provider", module))) as Record<string, unknown>);
  }
}

function moduleOf(module: string): Record<string, unknown> {
  const m = loaded.get(module);
  if (!m) throw new Error(`provider/${module} is not loaded: await loadRegistry() first`);
  return m;
}

export function loadResource(entry: ResourceEntry): TelecomResource {
  const resource = moduleOf(entry.module)[exportName(entry)] as TelecomResource | undefined;
  if (!resource?.definition) throw new Error(`provider/${entry.module}.ts does not export ${exportName(entry)} (registry entry ${entry.className})`);
  if (resource.definition.token !== entry.token) {
    throw new Error(`registry entry ${entry.className} says ${entry.token}, but its definition says ${resource.definition.token}`);
  }
  return resource;
}

export function loadFunction(entry: FunctionEntry): TelecomFunction {
  const fn = moduleOf(entry.module)[entry.name] as TelecomFunction | undefined;
  if (!fn?.definition) throw new Error(`provider/${entry.module}.ts does not export ${entry.name} (registry function ${entry.vendor}.${entry.name})`);
  if (fn.definition.token !== `${entry.vendor}:${entry.name}`) {
    throw new Error(`registry function ${entry.vendor}.${entry.name} has the token ${fn.definition.token} in its definition`);
  }
  return fn;
}

export function loadVendorConfig(vendor: VendorEntry): VendorConfig<Record<string, never>> {
  return moduleOf(vendor.configModule)[`${vendor.id}Config`] as VendorConfig<Record<string, never>>;
}

const vendorOf = (token: string) => {
  const v = vendors.find((x) => x.id === token.split(":")[0]);
  if (!v) throw new Error(`${token}: no vendor ${token.split(":")[0]} in the registry`);
  return v;
};

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** docs/ paths, relative to docs/. */
export const docPaths = {
  index: "README.md",
  config: (vendor: VendorEntry) => `configuration/${vendor.id}.md`,
  resource: (entry: ResourceEntry) => `api-docs/${entry.token.split(":")[0]}/${kebab(entry.token.split(":")[1]!)}.md`,
  function: (entry: FunctionEntry) => `api-docs/${entry.vendor}/${kebab(entry.name)}.md`,
};

// ---------------------------------------------------------------------------------------------
// Describing schemas

function describeType(s: JsonSchema): string {
  if (s.anyOf) {
    const parts = s.anyOf.filter((p) => p.const !== "");
    const emptyAllowed = parts.length < s.anyOf.length;
    return parts.map(describeType).join(" or ") + (emptyAllowed ? ' or ""' : "");
  }
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(", ")}`;
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
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
      return s.properties ? `object { ${Object.keys(s.properties).join(", ")} }` : "object";
    default:
      return s.type ?? "any";
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const jsonInput = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
const jsonOutput = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;

function configKeysOf(token: string): string {
  const vendor = vendorOf(token);
  const config = loadVendorConfig(vendor);
  const required = Object.entries(config.keys as Record<string, { default?: string; secret?: boolean; schema: z.ZodType }>)
    .filter(([, spec]) => spec.default === undefined && !spec.schema.safeParse(undefined).success)
    .map(([name, spec]) => `\`${vendor.id}:${name}\`${spec.secret ? " (secret)" : ""}`);
  return required.join(", ");
}

// ---------------------------------------------------------------------------------------------
// sdk/resources.generated.ts

const GENERATED_HEADER = (what: string) =>
  `// Generated by scripts/generate.ts from provider/registry.ts and the ${what}; do not edit.\n// Run \`npm run generate\` after changing them (npm test fails while this file is out of date).\n`;

function jsdoc(lines: string[], indent = ""): string {
  const body = lines.flatMap((l) => wrap(l, 96 - indent.length)).map((l) => `${indent} *${l ? ` ${l.replace(/\*\//g, "*\\/")}` : ""}`);
  return `${indent}/**\n${body.join("\n")}\n${indent} */`;
}

function wrap(text: string, width: number): string[] {
  if (text === "") return [""];
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

export function renderSdkResources(): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  for (const entry of resources) {
    const resource = loadResource(entry);
    const def = resource.definition;
    const name = entry.className;
    const ref = exportName(entry);
    const vendor = vendorOf(def.token);
    imports.push(`import { ${ref} } from "../provider/${entry.module}";`);
    const inputJson = jsonInput(def.inputs);
    const required = new Set(inputJson.required ?? []);
    const argLines: string[] = [];
    const outLines: string[] = [];
    for (const key of Object.keys(def.inputs.shape)) {
      const meta = fieldMeta(def.inputs.shape, key);
      const notes = [
        meta.onChange === "replace" ? "Changing it replaces the object." : meta.onChange === "ignore" ? "Used when the object is created only." : "",
        meta.secret ? "Secret: kept encrypted in the state." : "",
      ].filter(Boolean);
      argLines.push(jsdoc([meta.doc, ...(notes.length ? ["", notes.join(" ")] : [])], "  "));
      argLines.push(`  ${key}${required.has(key) ? "" : "?"}: Derived${name}Args[${JSON.stringify(key)}];`);
      outLines.push(jsdoc([meta.doc, "", "As last read back from the vendor."], "  "));
      outLines.push(`  readonly ${key}: pulumi.Output<${name}Outputs[${JSON.stringify(key)}]>;`);
    }
    for (const [key, schema] of Object.entries(def.outputs.shape) as Array<[string, z.ZodType]>) {
      outLines.push(jsdoc([outputMeta.get(schema)?.doc ?? ""], "  "));
      outLines.push(`  readonly ${key}: pulumi.Output<${name}Outputs[${JSON.stringify(key)}]>;`);
    }
    const docPage = `docs/${docPaths.resource(entry)}`;
    const secrets = Object.keys(def.inputs.shape).filter((k) => fieldMeta(def.inputs.shape, k).secret);
    const classDoc = [
      def.description,
      "",
      `Type token \`pulumi-nodejs:dynamic/${def.token}\`. ${vendor.title} configuration: ${configKeysOf(def.token)} (see docs/${docPaths.config(vendor)}).` +
        (secrets.length ? ` ${secrets.map((s) => `\`${s}\``).join(", ")} ${secrets.length === 1 ? "is" : "are"} kept secret.` : ""),
      "",
      `Reference: ${docPage}.`,
    ];
    bodies.push(
      [
        `// ${name} (${def.token})`,
        "",
        `type Derived${name}Args = InputArgs<z.input<typeof ${ref}.definition.inputs>>;`,
        "",
        jsdoc([`Arguments of {@link ${name}}.`]),
        `export interface ${name}Args {`,
        ...argLines,
        "}",
        "",
        jsdoc([`What ${vendor.title} holds for a {@link ${name}}, as last read.`]),
        `export type ${name}Outputs = ResourceOutputs<typeof ${ref}.definition.inputs.shape, typeof ${ref}.definition.outputs.shape>;`,
        "",
        jsdoc(classDoc),
        `export class ${name} extends TelecomResourceBase {`,
        `  constructor(name: string, args: ${name}Args, opts?: TelecomResourceOptions) {`,
        `    super(${ref}.definition, name, args, opts);`,
        "  }",
        "}",
        "",
        `export interface ${name} {`,
        ...outLines,
        "}",
        "",
        `// The documented Args must stay exactly the schema's inputs (a type error here means the generator is wrong).`,
        `assertSameType<${name}Args, Derived${name}Args>(true);`,
      ].join("\n"),
    );
  }
  return [
    GENERATED_HEADER("resource schemas"),
    'import type * as pulumi from "@pulumi/pulumi";',
    'import type { z } from "zod";',
    'import type { ResourceOutputs } from "../provider/core/resource";',
    ...imports,
    'import { assertSameType, TelecomResourceBase, type InputArgs, type TelecomResourceOptions } from "./telecom-resource";',
    "",
    bodies.join("\n\n"),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// sdk/functions.generated.ts

export function renderSdkFunctions(): string {
  const imports: string[] = [];
  const namespaces: string[] = [];
  for (const vendor of vendors) {
    const entries = functions.filter((f) => f.vendor === vendor.id);
    if (entries.length === 0) continue;
    const members: string[] = [];
    for (const entry of entries) {
      const fn = loadFunction(entry);
      const alias = `${vendor.id}_${entry.name}`;
      imports.push(`import { ${entry.name} as ${alias} } from "../provider/${entry.module}";`);
      const Name = entry.name.charAt(0).toUpperCase() + entry.name.slice(1);
      const argsJson = jsonInput(fn.definition.args);
      const required = new Set(argsJson.required ?? []);
      const argLines: string[] = [];
      for (const [key, schema] of Object.entries(fn.definition.args.shape) as Array<[string, z.ZodType]>) {
        argLines.push(jsdoc([argMeta.get(schema)?.doc ?? ""], "    "));
        argLines.push(`    ${key}${required.has(key) ? "" : "?"}: z.input<typeof ${alias}.definition.args>[${JSON.stringify(key)}];`);
      }
      const anyRequired = required.size > 0;
      const doc = [fn.definition.description, "", `Reference: docs/${docPaths.function(entry)}.`];
      members.push(
        [
          jsdoc([`Arguments of {@link ${vendor.id}.${entry.name}}.`], "  "),
          `  export interface ${Name}Args {`,
          ...argLines,
          "  }",
          jsdoc([`What {@link ${vendor.id}.${entry.name}} answers.`], "  "),
          `  export type ${Name}Result = z.output<typeof ${alias}.definition.result>;`,
          jsdoc(doc, "  "),
          `  export function ${entry.name}(args${anyRequired ? "" : "?"}: ${Name}Args): Promise<${Name}Result> {`,
          `    return invokeFunction(${alias}, args);`,
          "  }",
          jsdoc([...doc, "", "The arguments may be Outputs; so is the answer (unknown in a preview while an argument is)."], "  "),
          `  export function ${entry.name}Output(args${anyRequired ? "" : "?"}: InputArgs<${Name}Args>): pulumi.Output<${Name}Result> {`,
          `    return invokeFunctionOutput(${alias}, args);`,
          "  }",
          `  assertSameType<${Name}Args, z.input<typeof ${alias}.definition.args>>(true);`,
        ].join("\n"),
      );
    }
    namespaces.push([jsdoc([`Lookups in ${vendor.title} (${vendor.api}).`]), `export namespace ${vendor.id} {`, members.join("\n\n"), "}"].join("\n"));
  }
  return [
    GENERATED_HEADER("function definitions"),
    'import type * as pulumi from "@pulumi/pulumi";',
    'import type { z } from "zod";',
    ...imports,
    'import { invokeFunction, invokeFunctionOutput } from "./invoke";',
    'import { assertSameType, type InputArgs } from "./telecom-resource";',
    "",
    namespaces.length ? namespaces.join("\n\n") : "export {};",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// docs/

/** The inputs and outputs tables of one resource. */
export function renderResourceBlocks(entry: ResourceEntry): Record<string, string> {
  const def = loadResource(entry).definition;
  const vendor = vendorOf(def.token);
  const json = jsonInput(def.inputs);
  const required = new Set(json.required ?? []);
  const inputs = ["| Input | Type | Required | On change | Description |", "|---|---|---|---|---|"];
  for (const key of Object.keys(def.inputs.shape)) {
    const meta = fieldMeta(def.inputs.shape, key);
    const change = meta.onChange === "replace" ? "**replace**" : meta.onChange === "ignore" ? "none (creation only)" : "update in place";
    const secret = meta.secret ? " **Secret.**" : "";
    const dflt = json.properties?.[key]?.default !== undefined ? ` Default: \`${JSON.stringify(json.properties[key]!.default)}\`.` : "";
    inputs.push(
      `| \`${key}\` | ${cell(describeType(json.properties?.[key] ?? {}))} | ${required.has(key) ? "yes" : "no"} | ${change} | ${cell(meta.doc)}${dflt}${secret} |`,
    );
  }
  const outputs = ["| Output | Description |", "|---|---|", "| every input | As read back from the vendor on create, update and refresh. |"];
  for (const [key, schema] of Object.entries(def.outputs.shape) as Array<[string, z.ZodType]>) {
    outputs.push(`| \`${key}\` | ${cell(outputMeta.get(schema)?.doc ?? "")} |`);
  }
  const replacing = Object.keys(def.inputs.shape).filter((k) => fieldMeta(def.inputs.shape, k).onChange === "replace");
  const replaceLine = replacing.length
    ? `A change to ${replacing.map((k) => `\`${k}\``).join(", ")} replaces the object; ${def.deleteBeforeReplace ? "the old one is deleted **before** the new one is created (two cannot exist at once)" : "the new one is created before the old one is deleted"}. Every other input updates in place.`
    : "Every input updates in place; nothing replaces the object.";
  const summary = [
    `\`pulumi-nodejs:dynamic/${def.token}\` · ${vendor.api} · configuration: [${vendor.id}](${rel(docPaths.resource(entry), docPaths.config(vendor))})`,
    "",
    def.description,
  ].join("\n");
  return { summary, inputs: inputs.join("\n"), outputs: [...outputs, "", replaceLine].join("\n"), import: renderImport(entry) };
}

/** How an existing object is brought under management: import by id, adoption by natural key, what cannot be checked. */
function renderImport(entry: ResourceEntry): string {
  const def = loadResource(entry).definition;
  const vendor = vendorOf(def.token);
  const noun = def.token.split(":")[1]!.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  const unreadable = Object.keys(def.inputs.shape).filter((k) => {
    const meta = fieldMeta(def.inputs.shape, k);
    return meta.writeOnly || meta.onChange === "ignore";
  });
  const lines = [
    `An existing ${noun} is brought under management with the \`import\` resource option and its id${def.idDoc ? ` (${def.idDoc})` : ""}:`,
    "",
    "```ts",
    `new ${entry.className}("name", { /* its inputs, as ${vendor.title} has them */ }, { import: "<id>" });`,
    "```",
    "",
    `Nothing is created or changed: \`pulumi preview\` already reads the ${noun} and lists every declared input that differs from what ${vendor.title} has (field, declared value, ${vendor.title}'s value), and \`pulumi up\` fails the same way until the program matches. Once imported, the option has no effect and may be removed.`,
    "",
    def.naturalKey
      ? `For pipelines that must converge whether or not the ${noun} exists, \`{ adoptExisting: true }\` looks it up by ${def.naturalKey.fields.map((f) => `\`${f}\``).join(" + ")}${def.naturalKey.optionalFields?.length ? ` (+ ${def.naturalKey.optionalFields.map((f) => `\`${f}\``).join(", ")}, empty when not set)` : ""}${def.naturalKey.unique ? " (unique in " + vendor.title + ")" : " (not unique in " + vendor.title + ": two matches are an error, never a guess)"}: nothing found → created; one → adopted, and the declared inputs that differ are applied in place; a difference that needs a replacement fails without changing anything.`
      : `This resource has no natural key, so it can only be imported by id (\`adoptExisting\` is refused at preview).`,
  ];
  if (unreadable.length > 0) {
    lines.push("", `${vendor.title} never returns ${unreadable.map((k) => `\`${k}\``).join(", ")}: an import or adoption takes the declared value${unreadable.length > 1 ? "s" : ""} without being able to check ${unreadable.length > 1 ? "them" : "it"}, and refresh cannot detect a change made outside Pulumi.`);
  }
  return lines.join("\n");
}

/** docs/guides/bringing-existing-subscribers-under-management.md: what discover and import can and cannot check, per resource. */
export const ADOPTION_GUIDE = "docs/guides/bringing-existing-subscribers-under-management.md";

export function renderAdoptionBlocks(): Record<string, string> {
  const readback = [
    "| Resource | Import id | `adoptExisting` looks up | `discover` | Never returned by the vendor (adopted as declared, not checked; refresh cannot see changes) |",
    "|---|---|---|---|---|",
  ];
  const secrets = ["| Resource | Discover writes `config.requireSecret` / `config.require` for | Left out of the program (optional) |", "|---|---|---|"];
  for (const entry of resources) {
    const def = loadResource(entry).definition;
    const shape = def.inputs.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    const unreadable = keys.filter((k) => fieldMeta(shape, k).writeOnly || fieldMeta(shape, k).onChange === "ignore");
    const required = (k: string) => !shape[k]!.safeParse(undefined).success;
    const secret = (k: string) => fieldMeta(shape, k).secret === true;
    const list = (ks: string[], none = "—") => (ks.length ? ks.map((k) => `\`${k}\`${secret(k) ? " (secret)" : ""}`).join(", ") : none);
    readback.push(
      `| [\`${entry.className}\`](../${docPaths.resource(entry)}) | ${cell(def.idDoc ?? "its id")} | ${def.naturalKey ? def.naturalKey.fields.map((f) => `\`${f}\``).join(" + ") : "— (import by id only)"} | ${def.discover ? "yes" : "not yet"} | ${list(unreadable, "nothing: every input is read back")} |`,
    );
    const placeholders = keys.filter((k) => required(k) && (secret(k) || unreadable.includes(k)));
    const leftOut = keys.filter((k) => !required(k) && (secret(k) || unreadable.includes(k)));
    secrets.push(`| \`${entry.className}\` | ${list(placeholders)} | ${list(leftOut)} |`);
  }
  return { readback: readback.join("\n"), secrets: secrets.join("\n") };
}

export function renderFunctionBlocks(entry: FunctionEntry): Record<string, string> {
  const def = loadFunction(entry).definition;
  const vendor = vendorOf(def.token);
  const json = jsonInput(def.args);
  const required = new Set(json.required ?? []);
  const args = ["| Argument | Type | Required | Description |", "|---|---|---|---|"];
  for (const [key, schema] of Object.entries(def.args.shape) as Array<[string, z.ZodType]>) {
    args.push(`| \`${key}\` | ${cell(describeType(json.properties?.[key] ?? {}))} | ${required.has(key) ? "yes" : "no"} | ${cell(argMeta.get(schema)?.doc ?? "")} |`);
  }
  if (Object.keys(def.args.shape).length === 0) args.push("| — | | | No arguments. |");
  const result = jsonOutput(def.result);
  const resultLines = [`Answers ${describeType(result)}.`];
  const item = result.type === "array" ? result.items : result;
  if (item?.properties) {
    resultLines.push("", "| Field | Type |", "|---|---|");
    for (const [key, s] of Object.entries(item.properties)) resultLines.push(`| \`${key}\` | ${cell(describeType(s))} |`);
  }
  const summary = [
    `\`${vendor.id}.${entry.name}\` / \`${vendor.id}.${entry.name}Output\` · ${vendor.api} · configuration: [${vendor.id}](${rel(docPaths.function(entry), docPaths.config(vendor))})`,
    "",
    def.description,
  ].join("\n");
  return { summary, args: args.join("\n"), result: resultLines.join("\n") };
}

export function renderConfigBlock(vendor: VendorEntry): string {
  const config = loadVendorConfig(vendor);
  const lines = ["| Stack config key | Environment variable | Secret | Default | Description |", "|---|---|---|---|---|"];
  for (const [name, spec] of Object.entries(config.keys) as Array<[string, { env: string; secret?: boolean; default?: string; doc: string }]>) {
    lines.push(
      `| \`${vendor.id}:${name}\` | \`${spec.env}\` | ${spec.secret ? "yes" : "no"} | ${spec.default !== undefined ? `\`${spec.default}\`` : "—"} | ${cell(spec.doc)} |`,
    );
  }
  return lines.join("\n");
}

function rel(from: string, to: string): string {
  const r = relative(dirname(join("/docs", from)), join("/docs", to));
  return r.startsWith(".") ? r : `./${r}`;
}

/** docs/README.md, generated whole. */
export function renderDocsIndex(): string {
  const lines = [
    "<!-- Generated by scripts/generate.ts from provider/registry.ts; do not edit. -->",
    "# pulumi-telecom reference",
    "",
    "Laid out like a provider's page in the Pulumi Registry: how to configure each system, then one page per",
    "resource and per function. Every table is generated from the code's schemas; the prose around it is",
    "written by hand. Guides are in [guides/](guides/).",
    "",
    "## Configuration",
    "",
    "Stack config wins; the environment variable is the fallback. Only the systems a program uses need configuring.",
    "",
    "| System | API | Page |",
    "|---|---|---|",
    ...vendors.map((v) => `| ${v.title} | ${v.api} | [configuration/${v.id}.md](${docPaths.config(v)}) |`),
    "",
    "## Resources",
    "",
    "| Class | Type token | System | Page |",
    "|---|---|---|---|",
    ...resources.map((r) => `| \`${r.className}\` | \`pulumi-nodejs:dynamic/${r.token}\` | ${vendorOf(r.token).title} | [${docPaths.resource(r)}](${docPaths.resource(r)}) |`),
    "",
    "## Functions",
    "",
  ];
  if (functions.length === 0) lines.push("None yet.");
  else {
    lines.push("| Function | System | Page |", "|---|---|---|");
    for (const f of functions) lines.push(`| \`${f.vendor}.${f.name}\` | ${vendorOf(`${f.vendor}:x`).title} | [${docPaths.function(f)}](${docPaths.function(f)}) |`);
  }
  // Components (sdk/components/) are not in the registry: their pages are hand-written, listed here by title.
  const components = existsSync(join(REPO_ROOT, "docs", "api-docs", "components"))
    ? readdirSync(join(REPO_ROOT, "docs", "api-docs", "components")).filter((f) => f.endsWith(".md")).sort()
    : [];
  if (components.length > 0) {
    lines.push("", "## Components", "", "Groups of the resources above declared in one go (`pulumi.ComponentResource` classes of the SDK).", "", "| Class | Page |", "|---|---|");
    for (const file of components) {
      const title = /^# (.+)$/m.exec(readFileSync(join(REPO_ROOT, "docs", "api-docs", "components", file), "utf8"))?.[1] ?? file;
      lines.push(`| \`${title}\` | [api-docs/components/${file}](api-docs/components/${file}) |`);
    }
  }
  lines.push("", "## Also", "", "- [Assumptions](assumptions.md): where the vendor documents are silent, what the code assumes.", "- [The sandbox](sandbox.md): local emulators of the five systems.", "");
  return lines.join("\n");
}

/** The README's table of what the package offers, linking to the reference. */
export function renderReadmeResources(): string {
  const lines = ["| Resource | System | Reference |", "|---|---|---|"];
  for (const r of resources) lines.push(`| \`${r.className}\` | ${vendorOf(r.token).api} | [docs/${docPaths.resource(r)}](docs/${docPaths.resource(r)}) |`);
  if (functions.length > 0) {
    lines.push("", "| Function | System | Reference |", "|---|---|---|");
    for (const f of functions) lines.push(`| \`${f.vendor}.${f.name}\` | ${vendorOf(`${f.vendor}:x`).title} | [docs/${docPaths.function(f)}](docs/${docPaths.function(f)}) |`);
  }
  return lines.join("\n");
}

/** Replaces each generated block of a page; a missing block is an error (pages are hand-kept). */
export function updateBlocks(page: string, blocks: Record<string, string>, where: string): string {
  let out = page;
  for (const [name, body] of Object.entries(blocks)) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${where} lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, i + start.length)}\n${body}\n${out.slice(j)}`;
  }
  return out;
}

const block = (name: string, body: string) => `<!-- generated:${name} -->\n${body}\n<!-- /generated:${name} -->`;

/** The page a new resource or function starts with: the generated blocks and the sections to write. */
function newPage(title: string, blocks: Record<string, string>, before: string[], after: string[] = []): string {
  const names = Object.keys(blocks);
  const [first, ...rest] = names;
  return [
    `# ${title}`,
    "",
    block(first!, blocks[first!]!),
    "",
    ...before.flatMap((s) => [s, ""]),
    ...rest.flatMap((n) => [`## ${n.charAt(0).toUpperCase() + n.slice(1)}`, "", block(n, blocks[n]!), ""]),
    ...after.flatMap((s) => [s, ""]),
  ].join("\n");
}

/** Every file this script owns, with its expected content (`undefined` content: keep the page, check its blocks). */
export async function generatedFiles(): Promise<Array<{ path: string; content: string }>> {
  await loadRegistry();
  const files: Array<{ path: string; content: string }> = [
    { path: "sdk/resources.generated.ts", content: renderSdkResources() },
    { path: "sdk/functions.generated.ts", content: renderSdkFunctions() },
    { path: "docs/README.md", content: renderDocsIndex() },
    { path: "README.md", content: updateBlocks(readFileSync(join(REPO_ROOT, "README.md"), "utf8"), { resources: renderReadmeResources() }, "README.md") },
  ];
  const page = (path: string, title: string, blocks: Record<string, string>, before: string[], after: string[] = []) => {
    const full = join(REPO_ROOT, path);
    const current = existsSync(full) ? readFileSync(full, "utf8") : newPage(title, blocks, before, after);
    files.push({ path, content: updateBlocks(current, blocks, path) });
  };
  for (const vendor of vendors) {
    page(`docs/${docPaths.config(vendor)}`, `${vendor.title} configuration`, { config: renderConfigBlock(vendor) }, []);
  }
  for (const entry of resources) {
    page(
      `docs/${docPaths.resource(entry)}`,
      entry.className,
      renderResourceBlocks(entry),
      ["## Example usage", "```ts\n// Write a short, working program for this resource here.\n```"],
      ["## How it behaves"],
    );
  }
  page(ADOPTION_GUIDE, "Bringing existing subscribers under management", renderAdoptionBlocks(), []);
  for (const entry of functions) {
    page(`docs/${docPaths.function(entry)}`, `${entry.vendor}.${entry.name}`, renderFunctionBlocks(entry), ["## Example usage", "```ts\n// Write a short, working program for this resource here.\n```"]);
  }
  return files;
}

/** Problems with the hand-written parts that a generator cannot fix. */
export function pageProblems(): string[] {
  const problems: string[] = [];
  for (const entry of [...resources.map((r) => docPaths.resource(r)), ...functions.map((f) => docPaths.function(f))]) {
    const full = join(REPO_ROOT, "docs", entry);
    if (!existsSync(full)) continue;
    const text = readFileSync(full, "utf8");
    const example = /## Example usage\s+```ts\n([\s\S]*?)```/.exec(text);
    if (!example || example[1]!.trim() === "" || example[1]!.includes("Write a short, working program")) {
      problems.push(`docs/${entry}: "## Example usage" needs a TypeScript example`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const file of await generatedFiles()) {
    const full = join(REPO_ROOT, file.path);
    const current = existsSync(full) ? readFileSync(full, "utf8") : undefined;
    if (current === file.content) continue;
    stale.push(file.path);
    if (!check) {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, file.content);
    }
  }
  const problems = pageProblems();
  if (check && stale.length > 0) {
    console.error(`out of date: ${stale.join(", ")}\nrun \`npm run generate\``);
    process.exit(1);
  }
  if (!check && stale.length > 0) console.log(`updated: ${stale.join(", ")}`);
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
