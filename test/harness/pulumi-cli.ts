import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./packed-package";

/**
 * Where the Pulumi CLI for the engine suite (test/engine) and the demo comes from. In order:
 *
 *   1. `PULUMI_TELECOM_CLI`: an explicit path to a `pulumi` binary (`.ci/run` sets it to the pinned build);
 *   2. the pinned build in the cache (`tools/pulumi-cli/build.sh`, `npm run pulumi-cli`):
 *      `${PULUMI_TELECOM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/pulumi-telecom}/pulumi-<version>/bin/pulumi`;
 *   3. a `pulumi` on the PATH whose version is at least {@link MINIMUM_PULUMI_VERSION}.
 *
 * The pinned build comes before the PATH because it is the engine the suite was reconciled against;
 * a new-enough CLI on the PATH saves the 10–25 minute build.
 */

/** The command that builds the pinned CLI (named in every message about a missing CLI). */
export const BUILD_COMMAND = "npm run pulumi-cli";

/**
 * The oldest CLI the suite accepts from the PATH: 3.254.0 is the first whose `pulumi import --file`
 * takes per-resource inputs/outputs (the only import that works for dynamic providers), and the
 * engine behaviours test/engine asserts were checked on 3.274.1.
 */
export const MINIMUM_PULUMI_VERSION = "3.254.0";

/** The folder of the Go module that pins the CLI. */
export const PULUMI_CLI_MODULE_DIR = path.join(REPO_ROOT, "tools", "pulumi-cli");

/** A usable Pulumi CLI. */
export interface PulumiCli {
  /** Absolute path of the `pulumi` binary. */
  command: string;
  /** What `pulumi version` printed, e.g. `v3.274.1`. */
  version: string;
  /** Where it was found. */
  source: "PULUMI_TELECOM_CLI" | "cache" | "PATH";
  /**
   * Whether a real `pulumi-language-nodejs` is on the PATH or beside the binary, so that plain
   * `pulumi up` in a project folder works (the pinned build has none: see docs/development.md).
   */
  nodejsLanguageHost: boolean;
}

/** The CLI version `tools/pulumi-cli/go.mod` pins, e.g. `v3.274.1`. */
export function pinnedPulumiVersion(): string {
  const goMod = fs.readFileSync(path.join(PULUMI_CLI_MODULE_DIR, "go.mod"), "utf8");
  const match = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+\S*)/m.exec(goMod);
  if (!match) throw new Error("tools/pulumi-cli/go.mod requires no github.com/pulumi/pulumi/pkg/v3");
  return match[1]!;
}

/** The folder the pinned build lives in (the same rule as build.sh). */
export function pinnedPulumiBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.PULUMI_TELECOM_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-telecom");
  return path.join(cache, `pulumi-${pinnedPulumiVersion()}`, "bin");
}

/** `pulumi version` of a binary, or undefined when it does not run. */
export function pulumiVersionOf(command: string): string | undefined {
  const result = spawnSync(command, ["version"], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  const version = result.status === 0 ? result.stdout.trim() : "";
  return version === "" ? undefined : version;
}

/** Whether `version` (e.g. `v3.274.1`) is at least `minimum` (e.g. `3.254.0`). */
export function isAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => (/^v?(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1, 4) ?? []).map(Number);
  const [a, b] = [parse(version), parse(minimum)];
  if (a.length !== 3 || b.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** The first executable `name` on the PATH. */
export function onPath(name: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function hasNodejsLanguageHost(command: string): boolean {
  const beside = path.join(path.dirname(command), "pulumi-language-nodejs");
  return fs.existsSync(beside) || onPath("pulumi-language-nodejs") !== undefined;
}

/** Finds a usable Pulumi CLI (see the order above), or undefined. Never builds or downloads. */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): PulumiCli | undefined {
  const found = (command: string, source: PulumiCli["source"], version: string): PulumiCli => ({
    command,
    version,
    source,
    nodejsLanguageHost: hasNodejsLanguageHost(command),
  });
  const explicit = env.PULUMI_TELECOM_CLI;
  if (explicit) {
    const version = pulumiVersionOf(explicit);
    if (!version) throw new Error(`PULUMI_TELECOM_CLI=${explicit} does not answer \`pulumi version\``);
    return found(path.resolve(explicit), "PULUMI_TELECOM_CLI", version);
  }
  const pinned = path.join(pinnedPulumiBinDir(env), "pulumi");
  if (fs.existsSync(pinned)) {
    const version = pulumiVersionOf(pinned);
    if (version === pinnedPulumiVersion()) return found(pinned, "cache", version);
  }
  const fromPath = onPath("pulumi", env.PATH);
  if (fromPath) {
    const version = pulumiVersionOf(fromPath);
    if (version && isAtLeast(version, MINIMUM_PULUMI_VERSION)) return found(fromPath, "PATH", version);
  }
  return undefined;
}

/** Whether a Go toolchain answers on the PATH. */
export function goVersion(): string | undefined {
  if (!onPath("go")) return undefined;
  const result = spawnSync("go", ["version"], { encoding: "utf8", timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Runs `tools/pulumi-cli/build.sh` (a no-op when the cache is warm), streaming its progress to
 * `log`, and returns the built CLI. Rejects when the build fails.
 */
export async function buildPinnedPulumiCli(log: (line: string) => void = (line) => console.error(line)): Promise<PulumiCli> {
  const script = path.join(PULUMI_CLI_MODULE_DIR, "build.sh");
  const child = spawn("bash", [script], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  let pending = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) log(line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (pending !== "") log(pending);
  if (code !== 0) throw new Error(`${path.relative(REPO_ROOT, script)} failed with exit code ${code}`);
  const command = stdout.trim().split("\n").pop() ?? "";
  const version = pulumiVersionOf(command);
  if (!version) throw new Error(`${path.relative(REPO_ROOT, script)} printed ${JSON.stringify(command)}, which does not run`);
  return { command, version, source: "cache", nodejsLanguageHost: hasNodejsLanguageHost(command) };
}

/** What to tell someone who has no CLI. */
export function missingCliMessage(): string {
  const go = goVersion();
  return [
    `No Pulumi CLI: neither PULUMI_TELECOM_CLI, nor the pinned ${pinnedPulumiVersion()} in ${pinnedPulumiBinDir()},`,
    `nor a \`pulumi\` >= ${MINIMUM_PULUMI_VERSION} on the PATH.`,
    go
      ? `Build the pinned one with \`${BUILD_COMMAND}\` (${go}; 10–25 minutes the first time, a no-op afterwards).`
      : `Install Go >= 1.26 (https://go.dev/dl/) and run \`${BUILD_COMMAND}\` (10–25 minutes the first time), or put a Pulumi CLI >= ${MINIMUM_PULUMI_VERSION} on the PATH.`,
  ].join("\n");
}
