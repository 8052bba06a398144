import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SandboxConfigEntry } from "../../sandbox";
import { BUILD_COMMAND } from "../../test/harness/pulumi-cli";

export interface CliDemoOptions {
  programDir: string;
  /** Folder for the throw-away local backend (file://). */
  stateDir: string;
  pulumiConfig: SandboxConfigEntry[];
  /** The config change the example makes in place. */
  inPlace: SandboxConfigEntry[];
  log: (line: string) => void;
  command?: string;
}

/**
 * The example's lifecycle with the real CLI, on a local file backend in a temporary folder:
 * `pulumi up`, an in-place change, `pulumi refresh`, `pulumi destroy`. Nothing touches the user's
 * own Pulumi login or stacks. Secrets are passed on stdin, never on the command line. The CLI runs
 * asynchronously: the sandbox answers the provider from this very process.
 */
export async function runWithPulumiCli(options: CliDemoOptions): Promise<void> {
  const { programDir, log } = options;
  const command = options.command ?? "pulumi";
  fs.mkdirSync(options.stateDir, { recursive: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${options.stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-telecom-demo-only",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const run = async (args: string[], input?: string) => {
    const shown = input === undefined ? args.join(" ") : `${args.join(" ")} <secret on stdin>`;
    log(`\n$ pulumi ${shown}`);
    const child = spawn(command, args, { cwd: programDir, env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin!.end(input);
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (output.trim()) log(output.trimEnd());
    if (status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${status})`);
  };
  const stack = "demo";
  await run(["stack", "init", stack, "--non-interactive"]);
  try {
    for (const entry of options.pulumiConfig) {
      if (entry.secret) await run(["config", "set", "--secret", entry.key], entry.value);
      else await run(["config", "set", entry.key, entry.value]);
    }
    await run(["up", "--yes", "--non-interactive"]);
    for (const entry of options.inPlace) await run(["config", "set", entry.key, entry.value]);
    await run(["up", "--yes", "--non-interactive", "--diff"]);
    await run(["refresh", "--yes", "--non-interactive"]);
    await run(["destroy", "--yes", "--non-interactive"]);
  } finally {
    await run(["stack", "rm", stack, "--yes", "--force", "--non-interactive"]);
  }
  log(`\nDone. The stack lived in ${options.stateDir}, which is removed now.`);
}

/** Why the demo runs without the CLI, and how to get it; shown before the provider-host walkthrough. */
export function installHint(reason: string): string {
  return [
    reason,
    `To run the example with the real Pulumi CLI instead: \`${BUILD_COMMAND}\` builds the pinned CLI (Go >= 1.26;`,
    "10–25 minutes the first time, then cached in ~/.cache/pulumi-telecom), or install one:",
    "    curl -fsSL https://get.pulumi.com | sh        # or: brew install pulumi/tap/pulumi",
    "and run `npm run demo` again (it uses a throw-away local backend; no Pulumi Cloud login).",
    "Meanwhile, here is the same lifecycle driven through Pulumi's real dynamic-provider host,",
    "with the engine's own call sequences:",
  ].join("\n");
}

export function copyExample(exampleDir: string, programDir: string): void {
  for (const file of ["index.ts", "Pulumi.yaml"]) fs.copyFileSync(path.join(exampleDir, file), path.join(programDir, file));
}
