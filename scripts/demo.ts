/**
 * `npm run demo`: the Forpost example's whole lifecycle against the local sandbox.
 * With a `pulumi` CLI on the PATH it runs `pulumi up` / `pulumi destroy` on a throw-away local
 * backend; without one it says how to install it and plays the lifecycle through Pulumi's real
 * dynamic-provider host instead. Either way the program uses the packed package, as a user would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox } from "../sandbox";
import { preparePackedInstall, REPO_ROOT } from "../test/harness/packed-package";
import { runThroughProviderHost } from "./demo/through-provider-host";
import { copyExample, installHint, pulumiCliVersion, runWithPulumiCli } from "./demo/with-pulumi-cli";

const PROJECT = "forpost-example";

export async function runDemo(options: { log?: (line: string) => void; pulumiCommand?: string } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const command = options.pulumiCommand ?? "pulumi";
  const sandbox = await startSandbox();
  const install = await preparePackedInstall();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-demo-state-"));
  try {
    log("pulumi-telecom demo: examples/forpost against the local sandbox");
    log(`Forpost emulator: ${sandbox.forpost.url} (admin ${sandbox.forpost.adminLogin}, password generated for this run)`);
    log(`Program: ${install.appDir} (examples/forpost with the packed pulumi-telecom in node_modules)`);
    copyExample(path.join(REPO_ROOT, "examples", "forpost"), install.appDir);
    const version = pulumiCliVersion(command);
    if (version) {
      log(`Pulumi CLI ${version} found: running the example with it.`);
      runWithPulumiCli({ programDir: install.appDir, stateDir, pulumiConfig: sandbox.pulumiConfig, project: PROJECT, log, command });
    } else {
      log(`\n${installHint()}`);
      await runThroughProviderHost({ programDir: install.appDir, sandbox, project: PROJECT, log });
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
