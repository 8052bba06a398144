/** The billing emulator and provider configuration shared by the billing client tests. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { startSandbox, type RunningSandbox } from "../../sandbox";

export const PASSWORD = "test-only-billing-client-pw";

export interface BillingTestContext {
  readonly sandbox: RunningSandbox;
  /** The config that reaches the sandbox over mutual TLS (file paths, session mode, one retry). */
  readonly config: Record<string, string>;
  /** Points the provider at `config` plus overrides (an `undefined` value removes a key). */
  configure(overrides?: Record<string, string | undefined>): void;
  /** Routes of the vendor requests so far. */
  routes(): Array<string | null>;
}

/** Starts the sandbox for one test file; resets the billing emulator and the provider config before each test. */
export function useBillingSandbox(): BillingTestContext {
  let sandbox: RunningSandbox | undefined;
  let config: Record<string, string> = {};
  const context: BillingTestContext = {
    get sandbox() {
      if (!sandbox) throw new Error("the sandbox is not started yet");
      return sandbox;
    },
    get config() {
      return config;
    },
    configure(overrides = {}) {
      const merged: Record<string, string | undefined> = { ...config, ...overrides };
      setStackConfig({ get: (key) => merged[key] });
    },
    routes: () => context.sandbox.billing.emulator.log.entries().map((entry) => entry.route),
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ billing: { password: PASSWORD } });
    const b = sandbox.billing;
    config = {
      "billing:url": b.url,
      "billing:login": b.login,
      "billing:password": PASSWORD,
      "billing:caCert": b.caCertPath,
      "billing:clientCert": b.clientCertPath,
      "billing:clientKey": b.clientKeyPath,
      "billing:maxRetries": "1",
    };
  });
  afterAll(() => sandbox?.stop());
  beforeEach(() => {
    context.sandbox.billing.emulator.reset();
    context.configure();
  });
  return context;
}
