import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import type { InlineChildParameters, InlineChildResult } from "./pulumi-inline-child";
import type { PulumiCli } from "./pulumi-cli";

/** One stack config entry (`secret: true` → `pulumi config set --secret`, the value on stdin). */
export interface ConfigEntry {
  key: string;
  value: string;
  secret: boolean;
}

/** One run of the CLI. */
export interface CliRun {
  /** The arguments after `pulumi` (the global flags and `--client` left out). */
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Provider RPCs the engine sent during the run, in order (when the stack records them). */
  rpcs: ProviderRpc[];
  /** The engine events of an up/refresh/destroy (from `--event-log`). */
  events?: Array<Record<string, unknown>>;
}

/** One ResourceProvider call of the engine, from `PULUMI_DEBUG_GRPC` (payloads kept in memory only: they hold secrets). */
export interface ProviderRpc {
  /** e.g. `Check`, `Diff`, `Create`, `Read`, `Update`, `Delete`, `Configure`, `CheckConfig`. */
  method: string;
  /** The resource's URN ("" for calls about no resource). */
  urn: string;
  request: Record<string, unknown>;
  response: unknown;
  /** The gRPC error, when the call failed. */
  error?: unknown;
}

/** One step of `pulumi preview --json` (Pulumi's `display.PreviewStep`). */
export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff: boolean }> | null;
  oldState?: ExportedResource;
  newState?: ExportedResource;
}

/** The document `pulumi preview --json` prints (Pulumi's `display.PreviewDigest`). */
export interface PreviewDigest {
  config?: Record<string, string>;
  steps: PreviewStep[];
  diagnostics?: Array<{ urn?: string; message: string; severity: string }>;
  changeSummary?: Record<string, number>;
}

/** A resource as `pulumi stack export` and the JSON displays write it (Pulumi's `apitype.ResourceV3`). */
export interface ExportedResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  delete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  additionalSecretOutputs?: string[];
  initErrors?: string[];
  protect?: boolean;
  pendingReplacement?: boolean;
  [key: string]: unknown;
}

/** `pulumi stack export` (Pulumi's `apitype.UntypedDeployment`). */
export interface ExportedStack {
  version: number;
  deployment: {
    secrets_providers?: unknown;
    resources?: ExportedResource[];
    pending_operations?: unknown[];
    [key: string]: unknown;
  };
}

/** One resource step of an update, from its engine events. */
export interface UpdateStep {
  /** The step's operation (`create`, `update`, `same`, `delete`, `replace`, `create-replacement`, `delete-replaced`, `refresh`, ...). */
  op: string;
  urn: string;
  type: string;
  /** The id after the step (its `new` state), or of the object deleted. */
  id?: string;
  /** Replacement keys (`keys`), changed keys (`diffs`) and the detailed diff, as the engine reported them. */
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
  /** `done` once its outputs event arrived, `failed` on a resOpFailedEvent, else `started`. */
  status: "started" | "done" | "failed";
  /** Where the step's pre-event was in the stream (its order). */
  sequence: number;
}

/**
 * A `pulumi up/refresh/destroy` run: what the CLI printed for a person (`stdout`, the progress
 * display) and the engine events of the update, from `--event-log` (the structured stream the
 * Automation API reads; the same events `--json` prints).
 */
export interface UpdateRun extends CliRun {
  /** The engine events of the update itself, in order. */
  events: Array<Record<string, unknown>>;
  /** Every resource step of the update (the root stack and providers left out), in the order they started. */
  steps: UpdateStep[];
  /** Error and warning diagnostics, in order. */
  diagnostics: Array<{ urn?: string; severity: string; message: string }>;
  /** `succeeded` / `failed`, from the summary event. */
  result?: string;
}

export interface PreviewRun extends CliRun {
  /** The parsed digest (undefined when the CLI printed none, e.g. on a usage error). */
  digest?: PreviewDigest;
  /** Resource steps (the root stack and providers left out). */
  steps: PreviewStep[];
}

/** Options of {@link PulumiStack.create}. */
export interface PulumiStackOptions {
  cli: PulumiCli;
  /** A Pulumi project folder (Pulumi.yaml + index.ts) whose node_modules resolve `@pulumi/pulumi`. */
  programDir: string;
  /** Stack name (default `dev`). */
  stack?: string;
  /** Record the engine's provider RPCs of each run (`PULUMI_DEBUG_GRPC`); default false. */
  recordRpcs?: boolean;
  /** Extra environment for the CLI and the provider host (e.g. `PULUMI_PARALLEL`). */
  env?: Record<string, string>;
  /** Deadline of one CLI run (default 5 minutes), after which it is killed. */
  timeoutMs?: number;
  /**
   * Keep each update's engine events (`events`; default true). A bench of tens of thousands of
   * resources sets false: their events pass a gigabyte; the steps are read from them all the same.
   */
  keepEvents?: boolean;
}

const CHILD_SOURCE = path.join(__dirname, "pulumi-inline-child.ts");
/** Environment passed through to the CLI; everything else (PULUMI_*, vendor variables, tokens) is left out. */
const PASSED_ENV = ["PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "SYSTEMROOT", "GOCOVERDIR"];

/**
 * A stack of the real Pulumi CLI on a throw-away file backend (its own `PULUMI_HOME`, backend and
 * passphrase in a temporary folder; nothing touches the user's Pulumi login). `preview`, `up`,
 * `refresh` and `destroy` run the project's program inline (see pulumi-inline-child.ts); the other
 * commands run the CLI directly. Every run's output is kept in {@link transcript}.
 */
export class PulumiStack {
  /** Every run, in order. */
  readonly runs: CliRun[] = [];
  readonly stack: string;
  readonly programDir: string;
  readonly cli: PulumiCli;
  /** The temporary folder holding PULUMI_HOME, the backend and the plugin folder. */
  readonly root: string;

  private readonly env: Record<string, string>;
  private readonly programFile: string;
  private readonly childScript: string;
  private readonly recordRpcs: boolean;
  private readonly timeoutMs: number;
  private readonly keepEvents: boolean;
  private runCount = 0;
  private eventLogCount = 0;

  private constructor(options: PulumiStackOptions, root: string, programFile: string, childScript: string) {
    this.cli = options.cli;
    this.programDir = path.resolve(options.programDir);
    this.stack = options.stack ?? "dev";
    this.root = root;
    this.programFile = programFile;
    this.childScript = childScript;
    this.recordRpcs = options.recordRpcs ?? false;
    this.timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.keepEvents = options.keepEvents ?? true;
    const passed = Object.fromEntries(PASSED_ENV.flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]!]])));
    // The engine takes pulumi-resource-pulumi-nodejs from the PATH first (warning when it differs
    // from the one beside `pulumi`), then beside `pulumi`. The pinned build has one beside it: use
    // that and ignore the PATH; a CLI without one gets ours (from the program's @pulumi/pulumi) first
    // on the PATH.
    const bundled = fs.existsSync(path.join(path.dirname(fs.realpathSync(this.cli.command)), "pulumi-resource-pulumi-nodejs"));
    this.env = {
      ...passed,
      ...(bundled
        ? { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" }
        : { PATH: [path.join(root, "plugins"), passed.PATH ?? ""].join(path.delimiter) }),
      PULUMI_HOME: path.join(root, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "pulumi-telecom-engine-tests-only",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_DEBUG_COMMANDS: "true",
      ...options.env,
    };
  }

  /** Makes the temporary folders, compiles the program, and runs `pulumi stack init`. */
  static async create(options: PulumiStackOptions): Promise<PulumiStack> {
    const programDir = path.resolve(options.programDir);
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-stack-"));
    try {
      for (const dir of ["home", "state", "plugins", "rpc"]) await fs.promises.mkdir(path.join(root, dir));
      const programRequire = createRequire(path.join(programDir, "index.js"));
      const pulumiDir = path.dirname(programRequire.resolve("@pulumi/pulumi/package.json"));
      const plugin = path.join(root, "plugins", "pulumi-resource-pulumi-nodejs");
      await fs.promises.copyFile(path.join(pulumiDir, "pulumi-resource-pulumi-nodejs"), plugin);
      await fs.promises.chmod(plugin, 0o755);
      const programFile = compileProgram(programDir);
      const stack = new PulumiStack(options, root, programFile, compiledChildScript());
      const init = await stack.run(["stack", "init", stack.stack]);
      if (init.exitCode !== 0) throw new Error(`pulumi stack init failed:\n${init.stderr}${init.stdout}`);
      return stack;
    } catch (error) {
      await fs.promises.rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** Everything every run printed (stdout and stderr), for leak checks. */
  transcript(): string {
    return this.runs.map((run) => `$ pulumi ${run.args.join(" ")}\n${run.stdout}\n${run.stderr}`).join("\n");
  }

  /** `pulumi config set` for each entry; secrets go on stdin, never on the command line. */
  async setConfig(entries: ConfigEntry[]): Promise<void> {
    const plain = entries.filter((entry) => !entry.secret);
    if (plain.length > 0) {
      await this.ok(["config", "set-all", ...plain.flatMap((entry) => ["--plaintext", `${entry.key}=${entry.value}`]), "--stack", this.stack]);
    }
    for (const entry of entries.filter((e) => e.secret)) {
      await this.ok(["config", "set", "--secret", entry.key, "--stack", this.stack], { input: entry.value });
    }
  }

  /** `pulumi config rm` for each key. */
  async removeConfig(keys: string[]): Promise<void> {
    for (const key of keys) await this.ok(["config", "rm", key, "--stack", this.stack]);
  }

  /**
   * `pulumi preview --json` (plus `args`); `{ json: false }` for the display a person reads
   * (then there is no digest). Does not throw on a failing preview: check `exitCode`.
   */
  async preview(args: string[] = [], options: { json?: boolean } = {}): Promise<PreviewRun> {
    const json = options.json === false ? [] : ["--json"];
    const run = await this.runInline(["preview", ...json, "--stack", this.stack, ...args]);
    const digest = parseDigest(run.stdout);
    return { ...run, digest, steps: (digest?.steps ?? []).filter((step) => !isBookkeeping(step.urn) && !isComponentState(step.newState ?? step.oldState)) };
  }

  /** `pulumi up --yes` (plus `args`, e.g. `--expect-no-changes`, `--skip-preview`). */
  async up(args: string[] = []): Promise<UpdateRun> {
    return this.update("up", args);
  }

  /** `pulumi refresh --yes` (plus `args`). */
  async refresh(args: string[] = []): Promise<UpdateRun> {
    return this.update("refresh", args);
  }

  /** `pulumi destroy --yes` (plus `args`). */
  async destroy(args: string[] = []): Promise<UpdateRun> {
    return this.update("destroy", args);
  }

  /**
   * The human display on stdout (what a person sees), the engine events into a file with
   * `--event-log` (a debug flag, hence PULUMI_DEBUG_COMMANDS; the Automation API does the same).
   * Not `--json`: it would replace the display with those events, whose debug diagnostics hold
   * the Node SDK's "RegisterResource RPC finished … resp: …" lines, secret outputs in plaintext
   * included (docs/development.md, "What the engine suite found").
   */
  private async update(command: "up" | "refresh" | "destroy", args: string[]): Promise<UpdateRun> {
    const eventLog = path.join(this.root, `events-${++this.eventLogCount}.jsonl`);
    const run = await this.runInline([command, "--yes", "--event-log", eventLog, "--stack", this.stack, ...args]);
    const update = await parseUpdate(run, fs.existsSync(eventLog) ? eventLog : undefined, this.keepEvents);
    await fs.promises.rm(eventLog, { force: true });
    run.events = update.events;
    return update;
  }

  /** `pulumi stack export` (secrets stay encrypted), parsed; `text` is what the CLI printed. */
  async exportStack(): Promise<{ text: string; state: ExportedStack }> {
    const run = await this.ok(["stack", "export", "--stack", this.stack]);
    return { text: run.stdout, state: JSON.parse(run.stdout) as ExportedStack };
  }

  /** The stack's resources from `pulumi stack export`, the root stack and providers left out. */
  async resources(): Promise<ExportedResource[]> {
    const { state } = await this.exportStack();
    return (state.deployment.resources ?? []).filter((r) => !isRootStack(r.urn) && !r.type.startsWith("pulumi:providers:"));
  }

  /** `pulumi stack output --json --show-secrets=false`, parsed. */
  async outputs(): Promise<Record<string, unknown>> {
    const run = await this.ok(["stack", "output", "--json", "--stack", this.stack]);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }

  /** Runs the CLI directly (no program). Does not throw on a non-zero exit. */
  async run(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
    const started = Date.now();
    const rpcLog = this.rpcLogFile();
    const child = spawn(this.cli.command, ["--non-interactive", "--color", "never", ...args], {
      cwd: this.programDir,
      env: { ...this.envFor(rpcLog), ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    const { exitCode, stdout, stderr } = await this.collect(child, args);
    const run: CliRun = { args, exitCode, stdout, stderr, durationMs: Date.now() - started, rpcs: await readRpcs(rpcLog) };
    this.runs.push(run);
    return run;
  }

  /**
   * `pulumi import --file <file> --generate-code=false --yes` (plus `args`). The CLI asks the
   * project's language host which plugins the program needs (engine/plugins.go,
   * `gatherPluginsFromProgram`) although an import never runs the program, and the pinned build has
   * no `pulumi-language-nodejs` ("failed to load language plugin nodejs"; docs/development.md). A
   * stand-in is put first on the PATH for this run: it serves `@pulumi/pulumi`'s own LanguageServer
   * (the one the inline runs use) for those questions, and fails if asked to run the program.
   * A CLI with the real one beside it or on the PATH (a normal installation) runs without it.
   */
  async importFile(file: string, args: string[] = []): Promise<CliRun> {
    const importArgs = ["import", "--file", file, "--generate-code=false", "--yes", "--stack", this.stack, ...args];
    if (this.cli.nodejsLanguageHost) return this.run(importArgs);
    const dir = path.join(this.root, "language-host");
    fs.mkdirSync(dir, { recursive: true });
    const script = path.join(dir, "language-host.js");
    fs.writeFileSync(script, standInLanguageHost(this.programDir));
    const bin = path.join(dir, "pulumi-language-nodejs");
    fs.writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`);
    fs.chmodSync(bin, 0o755);
    const env = { PATH: [dir, this.env.PATH ?? ""].join(path.delimiter), PULUMI_IGNORE_AMBIENT_PLUGINS: "false" };
    return this.run(importArgs, { env });
  }

  /** Removes the temporary folder (state, home, logs). Safe to call twice. */
  async dispose(): Promise<void> {
    await fs.promises.rm(this.root, { recursive: true, force: true });
  }

  private async ok(args: string[], options: { input?: string } = {}): Promise<CliRun> {
    const run = await this.run(args, options);
    if (run.exitCode !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${run.exitCode}):\n${run.stderr}${run.stdout}`);
    return run;
  }

  /** Runs an engine command with the program served inline by a child process (pulumi-inline-child.ts). */
  private async runInline(args: string[]): Promise<CliRun> {
    const started = Date.now();
    const rpcLog = this.rpcLogFile();
    const resultFile = path.join(this.root, `result-${this.runCount}.json`);
    const parameters: InlineChildParameters = {
      cli: this.cli.command,
      args: ["--non-interactive", "--color", "never", ...args],
      programFile: this.programFile,
      cwd: this.programDir,
      resultFile,
    };
    const child = spawn(process.execPath, [this.childScript, JSON.stringify(parameters)], {
      cwd: this.programDir,
      env: this.envFor(rpcLog),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const driver = await this.collect(child, args);
    let result: InlineChildResult;
    try {
      result = JSON.parse(await fs.promises.readFile(resultFile, "utf8")) as InlineChildResult;
    } catch {
      throw new Error(`the inline-program driver of \`pulumi ${args.join(" ")}\` exited with ${driver.exitCode} and no result:\n${driver.stderr}${driver.stdout}`);
    }
    await fs.promises.rm(resultFile, { force: true });
    const run: CliRun = {
      args,
      exitCode: result.exitCode,
      stdout: result.stdout,
      // What the program itself printed (console.error, warnings) belongs to the CLI's output too.
      stderr: `${result.stderr}${driver.stderr}${driver.stdout}`,
      durationMs: Date.now() - started,
      rpcs: await readRpcs(rpcLog),
    };
    this.runs.push(run);
    return run;
  }

  private rpcLogFile(): string | undefined {
    this.runCount += 1;
    return this.recordRpcs ? path.join(this.root, "rpc", `${this.runCount}.jsonl`) : undefined;
  }

  private envFor(rpcLog: string | undefined): Record<string, string> {
    return rpcLog ? { ...this.env, PULUMI_DEBUG_GRPC: rpcLog } : this.env;
  }

  private async collect(child: ReturnType<typeof spawn>, args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: the driver, the CLI and the provider host it started.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, this.timeoutMs);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : -1)));
    }).finally(() => clearTimeout(timer));
    if (timedOut) throw new Error(`pulumi ${args.join(" ")} did not finish within ${this.timeoutMs} ms:\n${stderr}${stdout}`);
    return { exitCode, stdout, stderr };
  }
}

function isRootStack(urn: string): boolean {
  return urn.includes("::pulumi:pulumi:Stack::");
}

/** The root stack and provider resources: bookkeeping of the engine, not what a program declares. */
function isBookkeeping(urn: string): boolean {
  return isRootStack(urn) || urn.includes("::pulumi:providers:");
}

/**
 * A component resource (`custom: false`): the program's grouping of resources, which no provider
 * is called for. Left out of the runs' steps like the bookkeeping, so steps are the provider's
 * resources. (Engine events omit `custom` when false; a state without it is a component's.)
 */
function isComponentState(state: { custom?: boolean } | null | undefined): boolean {
  return state !== undefined && state !== null && state.custom !== true;
}

/** The document `pulumi preview --json` printed, if any. */
function parseDigest(stdout: string): PreviewDigest | undefined {
  const head = stdout.trim();
  if (!head.startsWith("{")) return undefined;
  try {
    return JSON.parse(head) as PreviewDigest;
  } catch {
    return undefined;
  }
}

interface StepMetadata {
  op: string;
  urn: string;
  type: string;
  old?: { id?: string; custom?: boolean } | null;
  new?: { id?: string; custom?: boolean } | null;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: UpdateStep["detailedDiff"];
}

/** The update's steps, diagnostics and result from its `--event-log` file, read a line at a time. */
async function parseUpdate(run: CliRun, eventLog: string | undefined, keepEvents: boolean): Promise<UpdateRun> {
  const events: Array<Record<string, unknown>> = [];
  const steps: UpdateStep[] = [];
  const diagnostics: UpdateRun["diagnostics"] = [];
  let result: string | undefined;
  // Per URN, its steps that started and have not finished: an event that ends one ends the latest.
  const running = new Map<string, UpdateStep[]>();
  const stepFor = (metadata: StepMetadata): UpdateStep | undefined => running.get(metadata.urn)?.pop();
  const lines = eventLog ? readline.createInterface({ input: fs.createReadStream(eventLog, "utf8"), crlfDelay: Infinity }) : [];
  for await (const line of lines) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    if (keepEvents) events.push(event);
    const sequence = event.sequence as number;
    const pre = (event.resourcePreEvent as { metadata: StepMetadata } | undefined)?.metadata;
    const outputs = (event.resOutputsEvent as { metadata: StepMetadata } | undefined)?.metadata;
    const failed = (event.resOpFailedEvent as { metadata: StepMetadata } | undefined)?.metadata;
    const diagnostic = event.diagnosticEvent as { urn?: string; severity: string; message: string } | undefined;
    const summary = event.summaryEvent as { result?: string } | undefined;
    if (pre && !isBookkeeping(pre.urn) && !isComponentState(pre.new ?? pre.old)) {
      const step: UpdateStep = {
        op: pre.op,
        urn: pre.urn,
        type: pre.type,
        ...idOf(pre),
        ...(pre.keys ? { keys: pre.keys } : {}),
        ...(pre.diffs ? { diffs: pre.diffs } : {}),
        ...(pre.detailedDiff !== undefined ? { detailedDiff: pre.detailedDiff } : {}),
        status: "started",
        sequence,
      };
      steps.push(step);
      running.set(step.urn, [...(running.get(step.urn) ?? []), step]);
    } else if (outputs && !isBookkeeping(outputs.urn)) {
      const step = stepFor(outputs);
      if (step) Object.assign(step, { status: "done", ...idOf(outputs), ...(outputs.detailedDiff ? { detailedDiff: outputs.detailedDiff } : {}), ...(outputs.op !== step.op ? { op: outputs.op } : {}) });
    } else if (failed && !isBookkeeping(failed.urn)) {
      const step = stepFor(failed);
      if (step) step.status = "failed";
    } else if (diagnostic && diagnostic.severity !== "debug") {
      diagnostics.push({ ...(diagnostic.urn ? { urn: diagnostic.urn } : {}), severity: diagnostic.severity, message: diagnostic.message });
    } else if (summary) {
      result = summary.result;
    }
  }
  return { ...run, events, steps, diagnostics, ...(result ? { result } : {}) };
}

function idOf(metadata: StepMetadata): { id?: string } {
  const id = metadata.new?.id || metadata.old?.id;
  return id ? { id } : {};
}

/** Provider RPCs from a `PULUMI_DEBUG_GRPC` log (completed calls only), or [] when none was recorded. */
async function readRpcs(file: string | undefined): Promise<ProviderRpc[]> {
  if (!file || !fs.existsSync(file)) return [];
  const text = await fs.promises.readFile(file, "utf8");
  await fs.promises.rm(file, { force: true });
  const rpcs: ProviderRpc[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { method?: string; progress?: string; request?: Record<string, unknown>; response?: unknown; errors?: unknown };
    if (!entry.method?.startsWith("/pulumirpc.ResourceProvider/") || entry.progress === "request_started") continue;
    const request = entry.request ?? {};
    rpcs.push({
      method: entry.method.slice("/pulumirpc.ResourceProvider/".length),
      urn: typeof request.urn === "string" ? request.urn : "",
      request,
      response: entry.response,
      ...(entry.errors ? { error: entry.errors } : {}),
    });
  }
  return rpcs;
}

/**
 * Compiles the program's TypeScript files (top level of the folder) to CommonJS next to it, in
 * `.pulumi-inline/`, and returns the compiled `index.js`: the inline driver then loads plain JS
 * with plain `require` (a TypeScript loader hook would double the time every `require` of
 * @pulumi/pulumi takes). Type checking is the program tests' job (test/program).
 */
function compileProgram(programDir: string): string {
  const ts = require("typescript") as typeof import("typescript");
  const outDir = path.join(programDir, ".pulumi-inline");
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs.readdirSync(programDir)) {
    if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
    const source = fs.readFileSync(path.join(programDir, file), "utf8");
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    fs.writeFileSync(path.join(outDir, file.replace(/\.ts$/, ".js")), outputText);
  }
  const entry = path.join(outDir, "index.js");
  if (!fs.existsSync(entry)) throw new Error(`${programDir} has no index.ts`);
  return entry;
}

/**
 * A `pulumi-language-nodejs` stand-in for {@link PulumiStack.importFile}: `@pulumi/pulumi`'s
 * LanguageServer (from the program's own node_modules) on a free port, printed on stdout as a
 * plugin does; its program throws, since nothing may run one.
 */
function standInLanguageHost(programDir: string): string {
  return `"use strict";
const { createRequire } = require("node:module");
const pulumiRequire = createRequire(createRequire(${JSON.stringify(path.join(programDir, "index.js"))}).resolve("@pulumi/pulumi/package.json"));
const grpc = pulumiRequire("@grpc/grpc-js");
const { LanguageServer } = pulumiRequire("./automation/server");
const { LanguageRuntimeService } = pulumiRequire("./proto/language_grpc_pb");
const server = new grpc.Server();
server.addService(LanguageRuntimeService, new LanguageServer(async () => {
  throw new Error("the pulumi-language-nodejs stand-in of the tests does not run programs (pulumi-stack.ts importFile)");
}));
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) { console.error(error.message); process.exit(1); }
  process.stdout.write(port + "\\n");
});
`;
}

/** pulumi-inline-child.ts compiled once per content into the temp folder (plain node starts it). */
function compiledChildScript(): string {
  const source = fs.readFileSync(CHILD_SOURCE, "utf8");
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const target = path.join(os.tmpdir(), `pulumi-telecom-inline-child-${hash}.js`);
  if (!fs.existsSync(target)) {
    const ts = require("typescript") as typeof import("typescript");
    const { outputText } = ts.transpileModule(source, {
      fileName: "pulumi-inline-child.ts",
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const temporary = `${target}.${process.pid}`;
    fs.writeFileSync(temporary, outputText);
    fs.renameSync(temporary, target);
  }
  return target;
}
