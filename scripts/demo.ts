/**
 * `npm run demo`: the subscriber example (one subscriber in all five systems) through its whole
 * lifecycle against the local sandbox.
 * With a `pulumi` CLI on the PATH it runs `pulumi up` / `pulumi destroy` on a throw-away local
 * backend; without one it says how to install it and plays the lifecycle through Pulumi's real
 * dynamic-provider host instead. Either way the program uses the packed package, as a user would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type RunningSandbox, type SandboxConfigEntry } from "../sandbox";
import { preparePackedInstall, REPO_ROOT } from "../test/harness/packed-package";
import { runThroughProviderHost } from "./demo/through-provider-host";
import { copyExample, installHint, pulumiCliVersion, runWithPulumiCli } from "./demo/with-pulumi-cli";

const PROJECT = "subscriber-example";
const EXAMPLE_DIR = path.join(REPO_ROOT, "examples", "subscriber");

/**
 * The example's own config: the camera to add is one of the sandbox's "physical" devices, with the
 * verification code it printed (a secret, as on a real label).
 */
export function exampleConfig(sandbox: RunningSandbox): SandboxConfigEntry[] {
  const device = sandbox.hikconnect.physicalDevices.find((d) => !d.ownedByAnotherAccount && d.online !== false && d.serialNo !== "SBX000001");
  if (!device) throw new Error("the Hik-Connect sandbox offers no device that can be added");
  return [
    { key: `${PROJECT}:cameraSerial`, value: device.serialNo, secret: false },
    { key: `${PROJECT}:cameraVerifyCode`, value: device.verifyCode, secret: true },
  ];
}

export async function runDemo(options: { log?: (line: string) => void; pulumiCommand?: string } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const command = options.pulumiCommand ?? "pulumi";
  const sandbox = await startSandbox();
  const install = await preparePackedInstall();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-demo-state-"));
  try {
    log("pulumi-telecom demo: examples/subscriber (one subscriber in five systems) against the local sandbox");
    for (const [vendor, summary] of Object.entries(sandbox.summaries)) log(`  ${vendor.padEnd(10)} emulator at ${summary.url} (credentials generated for this run)`);
    log(`Program: ${install.appDir} (examples/subscriber with the packed pulumi-telecom in node_modules)`);
    copyExample(EXAMPLE_DIR, install.appDir);
    const pulumiConfig = [...sandbox.pulumiConfig, ...exampleConfig(sandbox)];
    const version = pulumiCliVersion(command);
    if (version) {
      log(`Pulumi CLI ${version} found: running the example with it.`);
      runWithPulumiCli({ programDir: install.appDir, stateDir, pulumiConfig, project: PROJECT, log, command });
    } else {
      log(`\n${installHint()}`);
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
