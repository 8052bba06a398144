import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ResourceDescriptor } from "./mini-engine";
import { REPO_ROOT } from "./packed-package";

/**
 * One resource registration of a program run under mocks, as the resource monitor received it.
 * It is a {@link ResourceDescriptor}: pass registrations straight to the mini engine.
 */
export interface Registration extends ResourceDescriptor {
  type: string;
  name: string;
  /** `false` for component resources (the mini engine skips them). */
  custom: boolean;
  /** Parent URN (the mock URN of the root stack for top-level resources). */
  parent: string;
  /** Inputs as sent to the monitor, secrets unwrapped (their keys are in `secretInputKeys`). */
  inputs: Record<string, unknown>;
  /** Top-level input keys whose value was (or contained) a secret. */
  secretInputKeys: string[];
  additionalSecretOutputs: string[];
  /** The `deleteBeforeReplace` option, `undefined` when the program did not set it. */
  deleteBeforeReplace: boolean | undefined;
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  /** The `import` option (`""` when unset). */
  importId: string;
  /** The serialized dynamic provider (`inputs.__provider`), `undefined` for other resources. */
  provider: string | undefined;
  /** Size of `provider` in UTF-8 bytes. */
  providerSize: number | undefined;
}

/** Options of {@link runProgramUnderMocks}. */
export interface RunProgramOptions {
  /** The program: a TypeScript (or JavaScript) file, run like the Node.js language host runs `main`. */
  programFile: string;
  /** Working directory of the program (e.g. the packed-install app folder or a subfolder of it). */
  cwd: string;
  /** Stack config, e.g. `{"forpost:url": "http://..."}` (becomes PULUMI_CONFIG). */
  config?: Record<string, string>;
  /** Config keys that are secret (becomes PULUMI_CONFIG_SECRET_KEYS). */
  secretConfigKeys?: string[];
  /** Run as a preview (`pulumi.runtime.isDryRun()`; resource ids are unknown). Default false. */
  preview?: boolean;
  /**
   * Project / stack names given to setMocks. The project defaults to the `name:` of a Pulumi.yaml
   * in `cwd` (what `new pulumi.Config()` namespaces by, as under the CLI), else "project";
   * the stack defaults to "stack".
   */
  project?: string;
  stack?: string;
  /** Extra environment for the program process. */
  env?: Record<string, string>;
  /** Kill the program after this many milliseconds (default 60 000). */
  timeoutMs?: number;
  /**
   * Give an imported resource (the `import` option, or the `__import` input pulumi-telecom's
   * classes turn it into) its import id, as the engine does, instead of `<name>-id`: references
   * between imported resources (`accountId: acct.id`) then carry the real ids. Default false.
   */
  importedIds?: boolean;
  /**
   * Outputs the mocked resources of a type report besides their inputs (by type token, e.g.
   * `pulumi-nodejs:dynamic/hikconnect:Device` → `{ cameraChannels: [...] }`), for programs that
   * read a computed output. Ignored in preview (outputs are unknown there). Default none.
   */
  mockOutputs?: Record<string, Record<string, unknown>>;
}

/** What a program run under mocks produced. */
export interface ProgramRun {
  /** Every resource registration except the root Stack, in registration order. */
  registrations: Registration[];
  /** The stack outputs (what the program module exported), secrets unwrapped. */
  exports: Record<string, unknown>;
  /** Export names whose value was secret. */
  secretExportKeys: string[];
  /** The program process's stderr and stdout. */
  stderr: string;
  stdout: string;
}

/** The program failed (threw, logged an error, or the process died); carries what was captured. */
export class ProgramRunError extends Error {
  readonly registrations: Registration[];
  readonly stderr: string;
  readonly stdout: string;
  readonly exitCode: number | null;

  constructor(message: string, details: { registrations: Registration[]; stderr: string; stdout: string; exitCode: number | null }) {
    super(message);
    this.name = "ProgramRunError";
    this.registrations = details.registrations;
    this.stderr = details.stderr;
    this.stdout = details.stdout;
    this.exitCode = details.exitCode;
  }
}

/** @internal Parameters passed to program-runner-child.ts. */
export interface ChildParameters {
  programFile: string;
  resultFile: string;
  preview: boolean;
  project: string;
  stack: string;
  importedIds: boolean;
  mockOutputs?: Record<string, Record<string, unknown>>;
}

/** @internal What program-runner-child.ts writes to its result file. */
export interface ChildResult {
  registrations: Registration[];
  exports: Record<string, unknown>;
  secretExportKeys: string[];
  error?: string;
}

const CHILD_SCRIPT = path.join(__dirname, "program-runner-child.ts");

/** The project name of a Pulumi.yaml in `dir`, if there is one. */
function projectNameIn(dir: string): string | undefined {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return undefined;
  const match = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(file, "utf8"));
  return match?.[1];
}

/** The tsx loader, resolved from the repo so it works from app folders outside it. */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(path.join(REPO_ROOT, "package.json")).resolve("tsx")).href;
}

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` in a separate Node process
 * (`node --import tsx`), with `@pulumi/pulumi` resolved from the program's folder and the stack
 * config set as the language host sets it. Resolves once every registration finished.
 * Rejects with {@link ProgramRunError} if the program throws or logs an error.
 */
export async function runProgramUnderMocks(options: RunProgramOptions): Promise<ProgramRun> {
  const programFile = path.resolve(options.cwd, options.programFile);
  const tempDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "program-under-mocks-"));
  const resultFile = path.join(tempDir, "result.json");
  const parameters: ChildParameters = {
    programFile,
    resultFile,
    preview: options.preview ?? false,
    project: options.project ?? projectNameIn(options.cwd) ?? "project",
    stack: options.stack ?? "stack",
    importedIds: options.importedIds ?? false,
    ...(options.mockOutputs ? { mockOutputs: options.mockOutputs } : {}),
  };
  try {
    const child = spawn(process.execPath, ["--import", tsxLoaderUrl(), CHILD_SCRIPT, JSON.stringify(parameters)], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretConfigKeys ?? []),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code));
    }).finally(() => clearTimeout(timer));

    const result = fs.existsSync(resultFile)
      ? (JSON.parse(await fs.promises.readFile(resultFile, "utf8")) as ChildResult)
      : undefined;
    const details = { registrations: result?.registrations ?? [], stderr, stdout, exitCode };
    if (timedOut) throw new ProgramRunError(`program ${programFile} did not finish within ${timeoutMs} ms`, details);
    if (!result) throw new ProgramRunError(`program runner exited with code ${exitCode} without a result:\n${stderr}`, details);
    if (result.error !== undefined || exitCode !== 0) {
      throw new ProgramRunError(`program ${programFile} failed: ${result.error ?? `exit code ${exitCode}`}\n${stderr}`, details);
    }
    return {
      registrations: result.registrations,
      exports: result.exports,
      secretExportKeys: result.secretExportKeys,
      stderr,
      stdout,
    };
  } finally {
    await fs.promises.rm(tempDir, { recursive: true, force: true });
  }
}
