import * as fs from "node:fs";
import * as path from "node:path";
import { setStackConfig } from "../../provider/core/config";
import { redact } from "../../provider/core/redact";
import { collect, type KindReport } from "./collect";
import { configSourceOf, emptyStackValues, readConfigJson, readStackFile, vendorConfigState, type StackValues } from "./config";
import { renderImportFile, serializedProvider, type ImportFile, type ImportFileResult } from "./import-file";
import { planProgram, type ProgramPlan } from "./plan";
import { configSetCommand, GENERATED_MARKER, PART_FILE, renderProgramFiles, RESOURCES_PER_FILE } from "./program";
import { progressDisplay, type ProgressDisplay } from "./progress";
import { registrySources, registryVendorConfigs, vendorOf, type DiscoverSource } from "./sources";

export interface DiscoverCommandOptions {
  /** Only these vendors (`forpost`, `stalker`, …); a vendor named here must be configured. */
  vendors?: string[];
  subscriberPrefix?: string;
  /** At most this many objects of each kind. */
  limit?: number;
  /** The project folder the program is written to (`<out>/index.ts`, and `Pulumi.yaml` when there is none). */
  out: string;
  /** Also write the file `pulumi import --file` takes. */
  importFile?: string;
  /** Read `<out>/Pulumi.<stack>.yaml` for stack config values. */
  stack?: string;
  /** Read this stack file for stack config values. */
  configFile?: string;
  /** Read `pulumi config --json --show-secrets` output from this file (`-`: standard input). */
  configJson?: string;
  /** The project name (config namespace of the placeholders); default: `<out>/Pulumi.yaml`'s, else `discovered-subscribers`. */
  project?: string;
  /** Overwrite an `index.ts` that discover did not write. */
  force?: boolean;
  /** The command line, for the program's header. */
  commandLine?: string;
  // For tests and embedding:
  /** The kinds to read (default: every registry resource that has `discover`). */
  sources?: DiscoverSource[];
  /** The module the program imports the classes from (default `pulumi-telecom`). */
  sdkModule?: string;
  /** The `__provider` text of a token (default: serialized as the SDK does). */
  providerText?: (token: string) => Promise<string>;
  stdout?: NodeJS.WritableStream;
  progress?: ProgressDisplay;
  env?: NodeJS.ProcessEnv;
  readStdin?: () => string;
}

export interface DiscoverOutcome {
  exitCode: number;
  kinds: KindReport[];
  plan?: ProgramPlan;
  programFile?: string;
  importFile?: ImportFileResult;
}

/** A problem with the command line or the configuration: nothing was read. */
export class DiscoverUsageError extends Error {}

export const DEFAULT_PROJECT = "discovered-subscribers";

/** `pulumi-telecom discover`: see docs/guides/bringing-existing-subscribers-under-management.md. */
export async function runDiscover(options: DiscoverCommandOptions): Promise<DiscoverOutcome> {
  const stdout = options.stdout ?? process.stdout;
  const env = options.env ?? process.env;
  const say = (line = "") => stdout.write(`${line}\n`);
  const progress = options.progress ?? progressDisplay(process.stderr, env);

  const out = path.resolve(options.out);
  const programFile = path.join(out, "index.ts");
  if (fs.existsSync(programFile) && !options.force && !fs.readFileSync(programFile, "utf8").startsWith(GENERATED_MARKER)) {
    throw new DiscoverUsageError(`${programFile} exists and was not written by discover: pass --force to replace it, or --out <another folder>`);
  }
  const project = options.project ?? projectNameIn(out) ?? DEFAULT_PROJECT;
  const stack = readStackValues(options, out);
  if (stack.values.size > 0 || stack.encrypted.length > 0) setStackConfig(configSourceOf(stack));

  const sources = options.sources ?? (await registrySources());
  const vendorConfigs = await registryVendorConfigs();
  const known: string[] = vendorConfigs.map((v) => v.vendor.id);
  for (const v of options.vendors ?? []) {
    if (!known.includes(v)) throw new DiscoverUsageError(`--vendor ${v}: no such vendor; one of ${known.join(", ")}`);
  }
  const named = new Set<string>(options.vendors ?? []);
  const wanted = (vendor: string) => named.size === 0 || named.has(vendor);

  // Which kinds can be read: discover implemented, vendor configured (or named, then it must be).
  const selected: DiscoverSource[] = [];
  const problems: string[] = [];
  for (const { vendor, config } of vendorConfigs) {
    if (!wanted(vendor.id)) continue;
    const kinds = sources.filter((s) => vendorOf(s.resource.definition.token) === vendor.id);
    const readable = kinds.filter((s) => s.resource.definition.discover);
    for (const s of kinds.filter((k) => !k.resource.definition.discover)) {
      progress.note(`note: ${s.className} (${vendor.title}) cannot be discovered yet (it has no list reader); skipped`);
    }
    if (readable.length === 0) continue;
    const state = vendorConfigState(vendor, config, stack, env);
    if (!state.configured && !named.has(vendor.id)) {
      progress.note(`note: ${vendor.title} is not configured (${state.missing.map((m) => m.env).join(", ")} or the stack keys ${state.missing.map((m) => m.key).join(", ")}); skipped`);
      continue;
    }
    if (state.encryptedOnly.length > 0) {
      problems.push(
        `${vendor.title}: ${state.encryptedOnly.map((k) => k.key).join(", ")} ${state.encryptedOnly.length === 1 ? "is" : "are"} encrypted in ${stack.origin}, which only the Pulumi CLI can decrypt: ` +
          `set ${state.encryptedOnly.map((k) => k.env).join(", ")}, or pass \`--config-json -\` with \`pulumi config --json --show-secrets | \``,
      );
      continue;
    }
    try {
      config.load();
    } catch (error) {
      problems.push(redact((error as Error).message));
      continue;
    }
    selected.push(...readable);
  }
  if (problems.length > 0) throw new DiscoverUsageError(problems.join("\n"));
  if (selected.length === 0) {
    throw new DiscoverUsageError(
      named.size > 0
        ? `nothing to discover for ${[...named].join(", ")}: none of its resources can be discovered yet`
        : "nothing to discover: no configured vendor has a resource that can be discovered (set a vendor's environment variables, or pass --config-json / --stack)",
    );
  }

  const { found, kinds } = await collect({
    sources: selected,
    ...(options.subscriberPrefix !== undefined ? { subscriberPrefix: options.subscriberPrefix } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    progress,
  });
  progress.stop();
  const failed = kinds.filter((k) => k.error);
  if (failed.length > 0) {
    for (const k of failed) say(`error: ${k.token}: ${k.error}`);
    say("Nothing was written: a program without some of the objects would look complete. Fix the above, or leave that vendor out with --vendor.");
    return { exitCode: 1, kinds };
  }

  const plan = await planProgram(found);
  fs.mkdirSync(out, { recursive: true });
  const files = renderProgramFiles(plan, { ...(options.sdkModule ? { sdkModule: options.sdkModule } : {}), ...(options.commandLine ? { commandLine: options.commandLine } : {}) });
  const notOurs = [...files.keys()].map((f) => path.join(out, f)).filter((f) => f !== programFile && fs.existsSync(f) && !options.force && !fs.readFileSync(f, "utf8").startsWith(GENERATED_MARKER));
  if (notOurs.length > 0) throw new DiscoverUsageError(`${notOurs.join(", ")} exist${notOurs.length === 1 ? "s" : ""} and ${notOurs.length === 1 ? "was" : "were"} not written by discover: pass --force to replace, or --out <another folder>`);
  // Parts an earlier, larger run wrote and this one does not: they would still be imported by nothing, but type-checked.
  for (const f of fs.readdirSync(out)) {
    if (PART_FILE.test(f) && !files.has(f) && fs.readFileSync(path.join(out, f), "utf8").startsWith(GENERATED_MARKER)) fs.rmSync(path.join(out, f));
  }
  for (const [f, text] of files) fs.writeFileSync(path.join(out, f), text);
  const pulumiYaml = path.join(out, "Pulumi.yaml");
  const nodeArgs = largeProgramNodeArgs(plan.groups.reduce((n, g) => n + g.resources.length, 0));
  const wroteProject = !fs.existsSync(pulumiYaml);
  if (wroteProject) fs.writeFileSync(pulumiYaml, projectFile(project, nodeArgs));

  let importFile: ImportFileResult | undefined;
  if (options.importFile) {
    importFile = await renderImportFile(plan, {
      providerText: options.providerText ?? serializedProvider,
      placeholderValue: (key) => stack.values.get(`${project}:${key}`),
    });
    // It may hold secrets in plain text (the placeholders' values): readable by its owner only.
    writeImportFile(path.resolve(options.importFile), importFile.file);
  }

  report(say, { kinds, plan, programFile, files: files.size, project, importFile, importPath: options.importFile, wroteProject, nodeArgs });
  return { exitCode: 0, kinds, plan, programFile, ...(importFile ? { importFile } : {}) };
}

/**
 * The import file as `JSON.stringify(file, null, 2)` would write it, one resource at a time: each
 * resource carries `__provider` (about 2.5 KB) twice, so at 10,000 subscribers the text passes
 * 900 MB, more than one JavaScript string can hold.
 */
export function writeImportFile(file: string, data: ImportFile): void {
  const fd = fs.openSync(file, "w", 0o600);
  try {
    fs.writeSync(fd, '{\n  "resources": [');
    data.resources.forEach((r, i) => fs.writeSync(fd, `${i > 0 ? "," : ""}\n    ${JSON.stringify(r, null, 2).replace(/\n/g, "\n    ")}`));
    fs.writeSync(fd, `${data.resources.length > 0 ? "\n  " : ""}]\n}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

function readStackValues(options: DiscoverCommandOptions, out: string): StackValues {
  const given = [options.configJson, options.configFile, options.stack].filter((x) => x !== undefined);
  if (given.length > 1) throw new DiscoverUsageError("give at most one of --config-json, --config-file and --stack");
  if (options.configJson !== undefined) {
    const text = options.configJson === "-" ? (options.readStdin ?? (() => fs.readFileSync(0, "utf8")))() : readFile(options.configJson);
    return readConfigJson(text, options.configJson === "-" ? "standard input" : options.configJson);
  }
  if (options.configFile !== undefined) return readStackFile(existing(options.configFile));
  if (options.stack !== undefined) return readStackFile(existing(path.join(out, `Pulumi.${options.stack}.yaml`)));
  return emptyStackValues();
}

function existing(file: string): string {
  if (!fs.existsSync(file)) throw new DiscoverUsageError(`${file} does not exist`);
  return file;
}

function readFile(file: string): string {
  return fs.readFileSync(existing(file), "utf8");
}

function projectNameIn(dir: string): string | undefined {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return undefined;
  return /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(file, "utf8"))?.[1];
}

function projectFile(project: string, nodeArgs: string | undefined): string {
  return [
    `name: ${project}`,
    "description: Existing subscribers brought under management by `pulumi-telecom discover`.",
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    ...(nodeArgs ? ["    # A large program: see docs/guides/scale-and-rate-limits.md (the program's heap).", `    nodeargs: "${nodeArgs}"`] : []),
    "",
  ].join("\n");
}

/**
 * Node.js options for the program's process above {@link RESOURCES_PER_FILE} resources, else
 * undefined. Pulumi's Node.js SDK keeps about 200 KB per resource while a program runs (Node's
 * default heap of about 4 GB ran out at 35,583), and takes a stack trace for every promise it makes,
 * used only to debug promise leaks: `--stack-trace-limit=0` cut a 12,000-resource program from
 * 65 s to 19 s. Errors keep their messages; their stack traces are empty.
 */
export function largeProgramNodeArgs(resources: number): string | undefined {
  if (resources <= RESOURCES_PER_FILE) return undefined;
  const heapMb = Math.max(4_096, Math.ceil((resources * 0.25) / 1_024) * 1_024);
  return `--stack-trace-limit=0 --max-old-space-size=${heapMb}`;
}

function report(
  say: (line?: string) => void,
  r: { kinds: KindReport[]; plan: ProgramPlan; programFile: string; files: number; project: string; importFile: ImportFileResult | undefined; importPath: string | undefined; wroteProject: boolean; nodeArgs: string | undefined },
): void {
  const resources = r.plan.groups.flatMap((g) => g.resources).length;
  say();
  say("Read (list calls only; nothing was written to any vendor):");
  const byVendor = new Map<string, { calls: number; found: number; ms: number }>();
  for (const k of r.kinds) {
    say(`  ${k.token.padEnd(24)} ${String(k.found).padStart(7)} found  ${String(k.calls).padStart(6)} calls  ${(k.ms / 1000).toFixed(1).padStart(6)} s`);
    const v = byVendor.get(k.vendor) ?? { calls: 0, found: 0, ms: 0 };
    byVendor.set(k.vendor, { calls: v.calls + k.calls, found: v.found + k.found, ms: Math.max(v.ms, k.ms) });
  }
  say(`  calls per vendor: ${[...byVendor].map(([v, x]) => `${v} ${x.calls}`).join(", ")}`);
  say();
  const parts = r.files - 1;
  say(`Wrote ${r.programFile}${parts > 0 ? ` and ${parts} files it imports (subscribers-001.ts …)` : ""}: ${resources} resource${resources === 1 ? "" : "s"} in ${r.plan.groups.length} block${r.plan.groups.length === 1 ? "" : "s"}.`);
  if (r.plan.rejected.length > 0) {
    say(`${r.plan.rejected.length} object${r.plan.rejected.length === 1 ? " was" : "s were"} left out: the vendor's values fail the resource's checks (listed at the end of the program):`);
    for (const x of r.plan.rejected.slice(0, 20)) say(`  ${x.token} ${x.id}: ${x.reasons.join("; ")}`);
    if (r.plan.rejected.length > 20) say(`  … and ${r.plan.rejected.length - 20} more`);
  }
  if (r.plan.placeholders.length > 0) {
    say();
    say(`Set ${r.plan.placeholders.length === 1 ? "this value" : `these ${r.plan.placeholders.length} values`} before \`pulumi preview\` (the vendors never return them; project ${r.project}):`);
    for (const p of r.plan.placeholders) say(`  ${configSetCommand(p.configKey, p.secret)}   # ${p.resource.className} ${p.resource.id}: ${p.field}`);
  }
  if (r.importFile && r.importPath) {
    say();
    say(`Wrote ${r.importPath}: ${r.importFile.file.resources.length} resource${r.importFile.file.resources.length === 1 ? "" : "s"} for \`pulumi import --file ${r.importPath} --generate-code=false\`.`);
    if (r.importFile.skipped.length > 0) {
      say(`  ${r.importFile.skipped.length} left out of it: values discover was not given (${[...new Set(r.importFile.skipped.flatMap((s) => s.missing))].slice(0, 5).join(", ")}${r.importFile.skipped.length > 5 ? ", …" : ""}); their \`import\` option adopts them on \`pulumi up\`.`);
    }
  }
  say();
  say("Next: `pulumi preview` lists every difference an import would have; `pulumi up` adopts the objects without changing them.");
  const nodeArgs = r.nodeArgs;
  if (nodeArgs) {
    say(
      `A large program: ${r.wroteProject ? "Pulumi.yaml (written now) gives" : "give"} its Node.js \`nodeargs: "${nodeArgs}"\`${r.wroteProject ? "" : " in Pulumi.yaml's runtime options"}, ` +
        "and for the first adoption `pulumi up --skip-preview` saves the preview's reads, which the engine makes one at a time " +
        "(the update reads and compares every object all the same, and writes nothing). See docs/guides/scale-and-rate-limits.md.",
    );
  }
}
