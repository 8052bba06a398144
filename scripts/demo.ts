/**
 * `npm run demo`: the subscriber example (one subscriber in all five systems) through its whole
 * lifecycle against the local sandbox, with the program using the packed package, as a user would.
 *
 * Which engine runs it (it says which, and how to get the other):
 *   - a Pulumi CLI with its Node.js language host on the PATH: plain `pulumi up` / `pulumi destroy`
 *     in the project folder, on a throw-away local backend;
 *   - a Pulumi CLI without one (the pinned build, `npm run pulumi-cli`): the same commands, the
 *     program served inline as the Automation API serves it;
 *   - no CLI: the lifecycle played through Pulumi's real dynamic-provider host.
 * `PULUMI_TELECOM_DEMO=host` forces the last, `PULUMI_TELECOM_DEMO=cli` refuses to fall back to it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type RunningSandbox, type SandboxConfigEntry } from "../sandbox";
import { SUBSCRIBER, subscriberCamera } from "../test/engine/example-lifecycles";
import { preparePackedInstall, REPO_ROOT } from "../test/harness/packed-package";
import { findPulumiCli, missingCliMessage, pulumiVersionOf, type PulumiCli } from "../test/harness/pulumi-cli";
import { runThroughProviderHost } from "./demo/through-provider-host";
import { runWithInlineProgram } from "./demo/with-inline-program";
import { copyExample, installHint, runWithPulumiCli } from "./demo/with-pulumi-cli";

const PROJECT = SUBSCRIBER.project;
const EXAMPLE_DIR = path.join(REPO_ROOT, "examples", SUBSCRIBER.example);

/**
 * The example's own config: the camera to add is one of the sandbox's "physical" devices, with the
 * verification code it printed (a secret, as on a real label).
 */
export function exampleConfig(sandbox: RunningSandbox): SandboxConfigEntry[] {
  return subscriberCamera(sandbox);
}

export interface DemoOptions {
  log?: (line: string) => void;
  /** A `pulumi` command to use instead of looking for one (tests: a stand-in, or one that does not exist). */
  pulumiCommand?: string;
  /** `host`: the provider-host walkthrough even when a CLI is found; `cli`: fail instead of falling back to it. */
  mode?: "auto" | "host" | "cli";
}

/** The CLI the demo would use, or undefined. */
function demoCli(options: DemoOptions): PulumiCli | undefined {
  if (options.pulumiCommand === undefined) return findPulumiCli();
  const version = pulumiVersionOf(options.pulumiCommand);
  if (!version) return undefined;
  const beside = path.join(path.dirname(options.pulumiCommand), "pulumi-language-nodejs");
  return { command: options.pulumiCommand, version, source: "PATH", nodejsLanguageHost: fs.existsSync(beside) };
}

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.mode ?? (process.env.PULUMI_TELECOM_DEMO as DemoOptions["mode"]) ?? "auto";
  const cli = mode === "host" ? undefined : demoCli(options);
  if (mode === "cli" && !cli) throw new Error(missingCliMessage());
  const sandbox = await startSandbox();
  const install = await preparePackedInstall();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-demo-state-"));
  try {
    log("pulumi-telecom demo: examples/subscriber (one subscriber in five systems) against the local sandbox");
    for (const [vendor, summary] of Object.entries(sandbox.summaries)) log(`  ${vendor.padEnd(10)} emulator at ${summary.url} (credentials generated for this run)`);
    log(`Program: ${install.appDir} (examples/subscriber with the packed pulumi-telecom in node_modules)`);
    copyExample(EXAMPLE_DIR, install.appDir);
    const pulumiConfig = [...sandbox.pulumiConfig, ...exampleConfig(sandbox)];
    const other = "(PULUMI_TELECOM_DEMO=host npm run demo plays it through the provider host instead, without the CLI.)";
    if (cli?.nodejsLanguageHost) {
      log(`Pulumi CLI ${cli.version} found (${cli.command}) with its Node.js language host: running the example with plain \`pulumi up\`.\n${other}`);
      await runWithPulumiCli({ programDir: install.appDir, stateDir, pulumiConfig, inPlace: SUBSCRIBER.inPlace.config, log, command: cli.command });
    } else if (cli) {
      log(
        `Pulumi CLI ${cli.version} found (${cli.source}: ${cli.command}). It has no Node.js language host, so each command ` +
          `serves the program inline, the way the Automation API runs programs.\n${other}`,
      );
      await runWithInlineProgram({ cli, programDir: install.appDir, sandbox, row: SUBSCRIBER, log });
    } else {
      const reason =
        mode === "host"
          ? "The provider-host walkthrough was asked for (PULUMI_TELECOM_DEMO=host)."
          : options.pulumiCommand !== undefined
            ? `No Pulumi CLI answers at ${options.pulumiCommand}.`
            : missingCliMessage();
      log(`\n${installHint(reason)}`);
      await runThroughProviderHost({ programDir: install.appDir, sandbox, pulumiConfig, project: PROJECT, log });
    }
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
    await install.cleanup();
    await sandbox.stop();
  }
}

if (require.main === module) {
  runDemo().catch((error) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
