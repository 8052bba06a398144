import { afterAll, beforeAll } from "vitest";
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from "../../sandbox";
import type { SandboxVendorName } from "../../sandbox/sandbox-vendors";
import { copyExampleProgram } from "./example-program";
import { MiniEngine, type ResourceDescriptor } from "./mini-engine";
import { runProgramUnderMocks, type Registration } from "./program-under-mocks";
import { ProviderHost } from "./provider-host";

export interface HostFixtureOptions<V extends SandboxVendorName> {
  /** The sandbox vendor whose emulator the tests talk to; its `<vendor>:` config keys point the stack at it. */
  vendor: V;
  /** Options for `startSandbox` (typically fixed credentials, so the tests can look for leaks). */
  sandbox: StartSandboxOptions;
  /** Config keys passed as secrets, to the program under mocks and to the engine. */
  secretKeys: string[];
  /** The folder under `examples/` to run; default the vendor's name. */
  example?: string;
  /** The folder in the packed app directory to copy it into; default `host-<vendor>` (one per test file that shares an example). */
  folder?: string;
  /** More stack config on top of the vendor's sandbox config (example knobs, provider tuning). */
  extraConfig?: Record<string, string>;
}

export interface HostFixture<V extends SandboxVendorName> {
  /** The running sandbox (every vendor's emulator); readable once the file's tests run. */
  readonly sandbox: RunningSandbox;
  /** The example copied into the packed app directory (`host-<vendor>`). */
  readonly programDir: string;
  /** The first provider host, started before all tests. */
  readonly host: ProviderHost;
  /** A MiniEngine over {@link host} with {@link config} and the secret keys. */
  readonly engine: MiniEngine;
  /** The stack config: the vendor's sandbox `pulumiConfig` entries plus `extraConfig`. */
  readonly config: Record<string, string>;
  /** The vendor's emulator. */
  emulator(): RunningSandbox[V]["emulator"];
  /** Routes the vendor's emulator has logged, in order. */
  vendorCalls(): Array<string | null>;
  clearVendorLog(): void;
  /** Runs the example under mocks with {@link config} (plus `extraConfig`) and returns what it registers. */
  program(extraConfig?: Record<string, string>): Promise<Registration[]>;
  /** Starts another provider host in the program's folder; stopped after all tests. */
  startHost(env?: Record<string, string>): Promise<ProviderHost>;
}

/**
 * The setup of a host test (`test/host/<vendor>-<object>.test.ts`): registers a `beforeAll` that
 * starts the sandbox, copies the vendor's example into the packed app directory, starts a provider
 * host and a MiniEngine over it, and an `afterAll` that stops every host started and the sandbox.
 * The returned accessors throw if read before the `beforeAll` has run.
 */
export function useHostFixture<V extends SandboxVendorName>(options: HostFixtureOptions<V>): HostFixture<V> {
  let state: { sandbox: RunningSandbox; programDir: string; host: ProviderHost; engine: MiniEngine; config: Record<string, string> } | undefined;
  let sandbox: RunningSandbox | undefined;
  let programDir: string | undefined;
  const hosts: ProviderHost[] = [];
  const started = () => {
    if (!state) throw new Error(`host fixture for ${options.vendor}: not started yet (read it inside a test or a later hook)`);
    return state;
  };
  const startHost = async (env?: Record<string, string>): Promise<ProviderHost> => {
    if (programDir === undefined) throw new Error(`host fixture for ${options.vendor}: not started yet`);
    const h = await ProviderHost.start({ cwd: programDir, ...(env ? { env } : {}) });
    hosts.push(h);
    return h;
  };

  beforeAll(async () => {
    sandbox = await startSandbox(options.sandbox);
    const prefix = `${options.vendor}:`;
    const config = {
      ...Object.fromEntries(sandbox.pulumiConfig.filter((e) => e.key.startsWith(prefix)).map((e) => [e.key, e.value])),
      ...options.extraConfig,
    };
    programDir = copyExampleProgram(options.example ?? options.vendor, options.folder ?? `host-${options.vendor}`);
    const host = await startHost();
    const engine = new MiniEngine(host, { config, secretConfigKeys: options.secretKeys });
    state = { sandbox, programDir, host, engine, config };
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await sandbox?.stop();
  });

  const emulator = () => started().sandbox[options.vendor].emulator;
  return {
    get sandbox() {
      return started().sandbox;
    },
    get programDir() {
      return started().programDir;
    },
    get host() {
      return started().host;
    },
    get engine() {
      return started().engine;
    },
    get config() {
      return started().config;
    },
    emulator,
    vendorCalls: () => emulator().log.entries().map((e) => e.route),
    clearVendorLog: () => emulator().log.clear(),
    async program(extraConfig: Record<string, string> = {}) {
      const { config, programDir } = started();
      const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: { ...config, ...extraConfig }, secretConfigKeys: options.secretKeys });
      return run.registrations;
    },
    startHost,
  };
}

/** The registrations with inputs changed; an `undefined` value removes that input. */
export function withInputs(r: ResourceDescriptor[], inputs: Record<string, unknown>): ResourceDescriptor[] {
  return r.map((x) => {
    const merged: Record<string, unknown> = { ...x.inputs, ...inputs };
    for (const [k, v] of Object.entries(inputs)) if (v === undefined) delete merged[k];
    return { ...x, inputs: merged };
  });
}

/** The registrations without one input. */
export function without(r: ResourceDescriptor[], key: string): ResourceDescriptor[] {
  return r.map((x) => ({ ...x, inputs: Object.fromEntries(Object.entries(x.inputs).filter(([k]) => k !== key)) }));
}
