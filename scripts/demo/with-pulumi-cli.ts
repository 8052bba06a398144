import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SandboxConfigEntry } from "../../sandbox";

/** Whether a `pulumi` CLI answers on the PATH. */
export function pulumiCliVersion(command = "pulumi"): string | undefined {
  const result = spawnSync(command, ["version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

export interface CliDemoOptions {
  programDir: string;
  /** Folder for the throw-away local backend (file://). */
  stateDir: string;
  pulumiConfig: SandboxConfigEntry[];
  /** The example's project name (config keys of the example are `<project>:<key>`). */
  project: string;
  log: (line: string) => void;
  command?: string;
}

/**
 * The example's lifecycle with the real CLI, on a local file backend in a temporary folder:
 * `pulumi up`, an in-place change, `pulumi refresh`, `pulumi destroy`. Nothing touches the user's
 * own Pulumi login or stacks. Secrets are passed on stdin, never on the command line.
 */
export function runWithPulumiCli(options: CliDemoOptions): void {
  const { programDir, log } = options;
  const command = options.command ?? "pulumi";
  fs.mkdirSync(options.stateDir, { recursive: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${options.stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-telecom-demo-only",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const run = (args: string[], input?: string) => {
    const shown = input === undefined ? args.join(" ") : `${args.join(" ")} <secret on stdin>`;
    log(`\n$ pulumi ${shown}`);
    const result = spawnSync(command, args, {
      cwd: programDir,
      env,
      input,
      stdio: [input === undefined ? "inherit" : "pipe", "inherit", "inherit"],
    });
    if (result.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${result.status ?? result.signal})`);
  };
  const stack = "demo";
  run(["stack", "init", stack, "--non-interactive"]);
  try {
    for (const entry of options.pulumiConfig) {
      if (entry.secret) run(["config", "set", "--secret", entry.key], entry.value);
      else run(["config", "set", entry.key, entry.value]);
    }
    run(["up", "--yes", "--non-interactive"]);
    run(["config", "set", `${options.project}:maxCameraCount`, "16"]);
    run(["up", "--yes", "--non-interactive", "--diff"]);
    run(["refresh", "--yes", "--non-interactive"]);
    run(["destroy", "--yes", "--non-interactive"]);
  } finally {
    run(["stack", "rm", stack, "--yes", "--force", "--non-interactive"]);
  }
  log(`\nDone. The stack lived in ${options.stateDir}, which is removed now.`);
}

/** Where to get the CLI; shown when it is missing. */
export function installHint(): string {
  return [
    "No `pulumi` CLI found on the PATH, so `pulumi up` cannot run here. To run the example with it, install the CLI:",
    "    curl -fsSL https://get.pulumi.com | sh        # or: brew install pulumi/tap/pulumi",
    "and run `npm run demo` again (it uses a throw-away local backend; no Pulumi Cloud login).",
    "Meanwhile, here is the same lifecycle driven through Pulumi's real dynamic-provider host,",
    "with the engine's own call sequences:",
  ].join("\n");
}

export function copyExample(exampleDir: string, programDir: string): void {
  for (const file of ["index.ts", "Pulumi.yaml"]) fs.copyFileSync(path.join(exampleDir, file), path.join(programDir, file));
}
