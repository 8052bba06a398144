/** The Forpost emulator and provider configuration shared by the Forpost resource tests. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import type { TelecomResource } from "../../provider/core/resource";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import type { ForpostEmulator } from "../../sandbox/forpost";

export const PASSWORD = "test-only-forpost-resources-pw";

export interface ForpostTestContext {
  readonly sandbox: RunningSandbox;
  readonly emulator: ForpostEmulator;
  /** Routes of the vendor requests so far. */
  routes(): Array<string | null>;
  /** Sent parameters of a route's requests, without the admin credentials. */
  sent(route: string): Array<Record<string, unknown>>;
  /** A fresh provider configuration (and so a fresh client, with empty read caches). */
  configure(overrides?: Record<string, string>): void;
}

/**
 * Starts the sandbox for one test file. Before each test the Forpost emulator is reset and the
 * provider gets a fresh configuration: the client (and its shared lists) is per configuration, so
 * no list read in one test can answer a read of the next.
 */
export function useForpostSandbox(): ForpostTestContext {
  let sandbox: RunningSandbox | undefined;
  const context: ForpostTestContext = {
    get sandbox() {
      if (!sandbox) throw new Error("the sandbox is not started yet");
      return sandbox;
    },
    get emulator() {
      return context.sandbox.forpost.emulator;
    },
    routes: () => context.emulator.log.entries().map((e) => e.route),
    sent: (route) =>
      context.emulator.log.entries(route).map((e) => {
        const { AdminLogin: _l, AdminPassword: _p, ...rest } = e.params;
        return rest;
      }),
    configure(overrides = {}) {
      const config: Record<string, string> = {
        "forpost:url": context.sandbox.forpost.url,
        "forpost:adminLogin": context.sandbox.forpost.adminLogin,
        "forpost:adminPassword": PASSWORD,
        "forpost:maxRetries": "1",
        ...overrides,
      };
      setStackConfig({ get: (k) => config[k] });
    },
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ forpost: { adminPassword: PASSWORD } });
  });
  afterAll(() => sandbox?.stop());
  beforeEach(() => {
    context.emulator.reset();
    context.configure();
  });
  return context;
}

/** Check (which must pass) then create, as the engine does. */
export async function checkAndCreate(resource: TelecomResource, inputs: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const { inputs: checked, failures } = await resource.check(olds, inputs);
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  return resource.create(checked);
}

/** Check (which must pass) and return the checked inputs. */
export async function checked(resource: TelecomResource, inputs: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const result = await resource.check(olds, inputs);
  if (result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  return promise.then(
    () => {
      throw new Error("expected a failure, but it succeeded");
    },
    (error: Error) => error as Error & Record<string, any>,
  );
}
