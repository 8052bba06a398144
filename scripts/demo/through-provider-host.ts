import type { RunningSandbox, SandboxConfigEntry } from "../../sandbox";
import { configRecord, SUBSCRIBER } from "../../test/engine/example-lifecycles";
import { MiniEngine, type Step } from "../../test/harness/mini-engine";
import { runProgramUnderMocks } from "../../test/harness/program-under-mocks";
import { ProviderHost } from "../../test/harness/provider-host";

export interface HostDemoOptions {
  programDir: string;
  sandbox: RunningSandbox;
  /** The sandbox's config plus the example's own. */
  pulumiConfig: SandboxConfigEntry[];
  /** The example's project name (config keys of the example are `<project>:<key>`). */
  project: string;
  log: (line: string) => void;
}

/**
 * The example's lifecycle without the CLI: the program runs under Pulumi's mocks to get exactly
 * what it registers, and a small engine plays preview / up / refresh / destroy against Pulumi's
 * real dynamic-provider host, which loads pulumi-telecom from the program's node_modules.
 */
export async function runThroughProviderHost(options: HostDemoOptions): Promise<void> {
  const { programDir, sandbox, project, log } = options;
  const config = Object.fromEntries(options.pulumiConfig.map((e) => [e.key, e.value]));
  const secretConfigKeys = options.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
  const emulators = vendorEmulators(sandbox);
  const program = async (extra: Record<string, string> = {}) =>
    (await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: { ...config, ...extra }, secretConfigKeys })).registrations;

  const host = await ProviderHost.start({ cwd: programDir });
  try {
    const engine = new MiniEngine(host, { config, secretConfigKeys, project, stack: "demo" });
    let step = 0;
    const phase = async (title: string, action: () => Promise<Step[]>) => {
      for (const emulator of Object.values(emulators)) emulator.log.clear();
      const before = outputsByUrn(engine);
      const steps = await action();
      log(`\n${++step}. ${title}`);
      for (const s of steps) log(`   ${describeStep(s, before[s.urn], outputsByUrn(engine)[s.urn])}`);
      const calls = Object.entries(emulators)
        .map(([vendor, emulator]) => [vendor, emulator.log.entries().map((e) => e.route)] as const)
        .filter(([, routes]) => routes.length > 0);
      if (calls.length === 0) log("   vendor calls: none");
      for (const [vendor, routes] of calls) log(`   ${vendor} calls: ${routes.join(", ")}`);
      const failed = steps.find((s) => s.error || s.failures);
      if (failed) throw new Error(`demo step failed: ${failed.error ?? JSON.stringify(failed.failures)}`);
    };

    const initial = await program();
    await phase("pulumi preview (a new stack): Check only, nothing sent to any vendor", () => engine.preview(initial));
    await phase("pulumi up: the subscriber is provisioned in all five systems", () => engine.up(initial));
    await phase("pulumi refresh: read back, nothing changed", () => engine.refresh());
    await phase("pulumi up again: nothing to do", () => engine.up(initial));
    const { inPlace, drift } = SUBSCRIBER;
    const bigger = await program(configRecord(inPlace.config));
    const knobs = inPlace.config.map((entry) => `${entry.key.slice(`${project}:`.length)} ${entry.value}`).join(", ");
    await phase(`pulumi config set ${knobs} && pulumi up: ${inPlace.resource} changes in place`, () => engine.up(bigger));
    const drifted = Object.values(engine.state()).find((s) => s.name === drift.resource);
    drift.make(sandbox, drifted!.id);
    log(`\n   (someone changes ${drift.resource}'s ${drift.changes.join(", ")} in the vendor's portal)`);
    await phase("pulumi refresh: the drift is read back", () => engine.refresh());
    await phase("pulumi up: the declared value is restored", () => engine.up(bigger));
    await phase("pulumi destroy: everything is deleted", () => engine.destroy());
    log(`\nDone: the state holds ${Object.keys(engine.state()).length} resources, Forpost ${sandbox.forpost.emulator.accounts.list().length} accounts. RPCs to the provider host: ${JSON.stringify(host.rpcCounts())}`);
  } finally {
    await host.stop();
  }
}

interface LoggingEmulator {
  log: { clear(): void; entries(): Array<{ route: string }> };
}

/** Every emulator of the sandbox, by vendor name (each keeps a request log). */
function vendorEmulators(sandbox: RunningSandbox): Record<string, LoggingEmulator> {
  return Object.fromEntries(
    Object.keys(sandbox.summaries).map((vendor) => [vendor, (sandbox as unknown as Record<string, { emulator: LoggingEmulator }>)[vendor]!.emulator]),
  );
}

function outputsByUrn(engine: MiniEngine): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(engine.state()).map(([urn, s]) => [urn, s.outputs]));
}

function describeStep(s: Step, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string {
  const name = s.urn.split("::").pop();
  const changes = diffOutputs(before, after);
  switch (s.op) {
    case "create":
      return after ? `+ created ${name} (id ${s.id}): ${summary(after)}` : `+ would create ${name}`;
    case "update":
      return after && before ? `~ updated ${name}: ${changes}` : `~ would update ${name}`;
    case "same":
      return `= ${name} unchanged`;
    case "refresh":
      return s.changed ? `~ ${name} read back with drift: ${changes}` : `= ${name} read back, as in the state`;
    case "delete":
      return `- deleted ${name} (id ${s.id})`;
    default:
      return `${s.op} ${name}`;
  }
}

/** Outputs worth a line in the demo, per resource; the rest of the state is in the state file. */
const SHOWN = ["name", "maxCameraCount", "contractNumber", "street", "number", "city", "title", "externalId", "serialNo", "model", "login", "accountNumber", "stbMac"];

function summary(outputs: Record<string, unknown>): string {
  return SHOWN.filter((k) => outputs[k] !== undefined).map((k) => `${k}=${JSON.stringify(outputs[k])}`).join(" ");
}

function diffOutputs(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string {
  if (!before || !after) return "";
  const keys = Object.keys(after).filter((k) => !k.startsWith("__") && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return keys.map((k) => `${k} ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`).join(", ") || "no field changed";
}
