import type { RunningSandbox, SandboxConfigEntry } from "../../sandbox";
import { configRecord, SUBSCRIBER } from "../../test/engine/example-lifecycles";
import { MiniEngine, type Step } from "../../test/harness/mini-engine";
import type { Registration } from "../../test/harness/program-under-mocks";
import { ProviderHost, UNKNOWN } from "../../test/harness/provider-host";
import { runWithKnownOutputs, type KnownResource } from "./known-outputs";

export interface HostDemoOptions {
  programDir: string;
  sandbox: RunningSandbox;
  /** The sandbox's config plus the example's own. */
  pulumiConfig: SandboxConfigEntry[];
  /** The example's project name (config keys of the example are `<project>:<key>`). */
  project: string;
  log: (line: string) => void;
}

export interface ProgramThroughHostOptions extends Pick<HostDemoOptions, "programDir" | "pulumiConfig" | "project"> {
  /** Called when a program run starts and ends: the vendor calls in between are the program's lookups, not the provider's. */
  aroundProgram?: (moment: "start" | "end") => void;
}

/**
 * A program played against Pulumi's real dynamic-provider host by the small engine: the program
 * runs under mocks to get exactly what it registers, with the resources the engine holds answering
 * their real ids and outputs. A resource whose inputs use outputs of one not created yet (unknown
 * under mocks) waits for the next wave, as the engine waits for its dependencies.
 */
export class ProgramThroughHost {
  private constructor(
    readonly engine: MiniEngine,
    readonly host: ProviderHost,
    private readonly options: ProgramThroughHostOptions,
  ) {}

  static async start(options: ProgramThroughHostOptions): Promise<ProgramThroughHost> {
    const config = Object.fromEntries(options.pulumiConfig.map((e) => [e.key, e.value]));
    const secretConfigKeys = options.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
    const host = await ProviderHost.start({ cwd: options.programDir });
    const engine = new MiniEngine(host, { config, secretConfigKeys, project: options.project, stack: "demo" });
    return new ProgramThroughHost(engine, host, options);
  }

  /** What the program registers now (as in a preview: what depends on objects not created yet is unknown). */
  async registrations(extra: Record<string, string> = {}): Promise<Registration[]> {
    const known: Record<string, KnownResource> = {};
    for (const state of Object.values(this.engine.state())) known[state.name] = { id: state.id, outputs: state.outputs };
    const config = { ...Object.fromEntries(this.options.pulumiConfig.map((e) => [e.key, e.value])), ...extra };
    const secretConfigKeys = this.options.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
    this.options.aroundProgram?.("start");
    try {
      return (await runWithKnownOutputs(known, { cwd: this.options.programDir, config, secretConfigKeys, preview: true })).registrations;
    } finally {
      this.options.aroundProgram?.("end");
    }
  }

  /** `pulumi preview` of the program. */
  async preview(extra: Record<string, string> = {}): Promise<Step[]> {
    return this.engine.preview(await this.registrations(extra));
  }

  /**
   * `pulumi up`: wave after wave, the resources whose inputs are all known, until every one is
   * there (or a step fails). One step per resource: its create/update/replace if it had one, else "same".
   */
  async up(extra: Record<string, string> = {}): Promise<Step[]> {
    const byUrn = new Map<string, Step>();
    for (let wave = 1; ; wave++) {
      const registrations = await this.registrations(extra);
      const ready = registrations.filter((r) => r.custom === false || !containsUnknown(r.inputs));
      const steps = await this.engine.up(ready);
      for (const step of steps) if (step.op !== "same" || !byUrn.has(step.urn)) byUrn.set(step.urn, step);
      const failed = steps.some((s) => s.error || s.failures);
      if (failed || ready.length === registrations.length) return [...byUrn.values()];
      if (wave >= 10) throw new Error(`after ${wave} waves, ${registrations.length - ready.length} resources still wait for unknown inputs`);
    }
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * The example's lifecycle without the CLI: preview / up / refresh / destroy played by the small
 * engine against Pulumi's real dynamic-provider host, which loads pulumi-telecom from the
 * program's node_modules (see {@link ProgramThroughHost}).
 */
export async function runThroughProviderHost(options: HostDemoOptions): Promise<void> {
  const { sandbox, project, log } = options;
  const emulators = vendorEmulators(sandbox);
  // Log positions where each program run started and ended: what the program's lookups asked.
  let lookups: Array<{ vendor: string; from: number; to?: number }> = [];
  const aroundProgram = (moment: "start" | "end") => {
    for (const [vendor, emulator] of Object.entries(emulators)) {
      const at = emulator.log.entries().length;
      if (moment === "start") lookups.push({ vendor, from: at });
      else [...lookups].reverse().find((l) => l.vendor === vendor && l.to === undefined)!.to = at;
    }
  };
  const program = await ProgramThroughHost.start({ ...options, aroundProgram });
  const { engine, host } = program;
  try {
    let step = 0;
    const phase = async (title: string, action: () => Promise<Step[]>) => {
      for (const emulator of Object.values(emulators)) emulator.log.clear();
      lookups = [];
      const before = outputsByUrn(engine);
      const steps = await action();
      log(`\n${++step}. ${title}`);
      for (const s of steps) log(`   ${describeStep(s, before[s.urn], outputsByUrn(engine)[s.urn])}`);
      const byProgram = (vendor: string, index: number) => lookups.some((l) => l.vendor === vendor && index >= l.from && index < (l.to ?? Infinity));
      const routesOf = (program: boolean) =>
        Object.entries(emulators)
          .map(([vendor, emulator]) => [vendor, emulator.log.entries().flatMap((e, i) => (byProgram(vendor, i) === program ? [e.route] : []))] as const)
          .filter(([, routes]) => routes.length > 0);
      const calls = routesOf(false);
      if (calls.length === 0) log("   vendor calls: none");
      for (const [vendor, routes] of calls) log(`   ${vendor} calls: ${routes.join(", ")}`);
      const asked = routesOf(true);
      if (asked.length > 0) log(`   (the program's lookups: ${asked.map(([vendor, routes]) => `${vendor} ${routes.length}`).join(", ")})`);
      const failed = steps.find((s) => s.error || s.failures);
      if (failed) throw new Error(`demo step failed: ${failed.error ?? JSON.stringify(failed.failures)}`);
    };

    await phase("pulumi preview (a new stack): Check only, nothing sent to any vendor", () => program.preview());
    await phase("pulumi up: the subscriber is provisioned in all five systems", () => program.up());
    await phase("pulumi refresh: read back, nothing changed", () => engine.refresh());
    await phase("pulumi up again: nothing to do", () => program.up());
    const { inPlace, drift } = SUBSCRIBER;
    const bigger = configRecord(inPlace.config);
    const knobs = inPlace.config.map((entry) => `${entry.key.slice(`${project}:`.length)} ${entry.value}`).join(", ");
    await phase(`pulumi config set ${knobs} && pulumi up: ${inPlace.resource} changes in place`, () => program.up(bigger));
    const drifted = Object.values(engine.state()).find((s) => s.name === drift.resource);
    drift.make(sandbox, drifted!.id);
    log(`\n   (someone changes ${drift.resource}'s ${drift.changes.join(", ")} in the vendor's portal)`);
    await phase("pulumi refresh: the drift is read back", () => engine.refresh());
    await phase("pulumi up: the declared value is restored", () => program.up(bigger));
    await phase("pulumi destroy: everything is deleted (the Hik-Connect area is retained: its API cannot delete areas)", () => engine.destroy());
    log(`\nDone: the state holds ${Object.keys(engine.state()).length} resources, Forpost ${sandbox.forpost.emulator.accounts.list().length} accounts. RPCs to the provider host: ${JSON.stringify(host.rpcCounts())}`);
  } finally {
    await program.stop();
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
const SHOWN = ["name", "maxCameraCount", "contractNumber", "street", "number", "city", "title", "externalId", "serialNo", "model", "login", "accountNumber", "stbMac", "ip", "channels", "folderId", "userId"];

function summary(outputs: Record<string, unknown>): string {
  return SHOWN.filter((k) => outputs[k] !== undefined).map((k) => `${k}=${JSON.stringify(outputs[k])}`).join(" ");
}

function diffOutputs(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string {
  if (!before || !after) return "";
  const keys = Object.keys(after).filter((k) => !k.startsWith("__") && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return keys.map((k) => `${k} ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`).join(", ") || "no field changed";
}
