import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BillingClient } from "../../provider/billing/client";
import { setStackConfig } from "../../provider/core/config";
import { ForpostClient } from "../../provider/forpost/client";
import { HikConnectClient } from "../../provider/hikconnect/client";
import { StalkerClient } from "../../provider/stalker/client";
import { VsaasClient } from "../../provider/vsaas/client";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import type { SandboxVendorName } from "../../sandbox/sandbox-vendors";

/**
 * The cap on requests in flight, per vendor, as each emulator counts them itself: 64 reads at once
 * (what `pulumi refresh --parallel 64` sends) through the clients the resources use, built from
 * stack config like in the provider host. Every answer takes 100 ms, so requests overlap.
 */
const READS = 64;
let sandbox: RunningSandbox;
let stack: Record<string, string>;

const reads: Record<SandboxVendorName, () => Promise<unknown>> = {
  forpost: () => ForpostClient.fromConfig().getTariffs(),
  stalker: () => StalkerClient.fromConfig().getAccounts({ kind: "mac", mac: "00:1A:79:00:00:01" }),
  vsaas: () => VsaasClient.fromConfig().listTariffPlans(),
  hikconnect: () => HikConnectClient.fromConfig().deviceDetail("Q00000001"),
  billing: () => BillingClient.fromConfig().listHomes(),
};
const defaults: Record<SandboxVendorName, number> = { forpost: 8, stalker: 8, vsaas: 8, hikconnect: 8, billing: 4 };

function configure(extra: Record<string, string> = {}): void {
  const config = { ...stack, ...extra };
  setStackConfig({ get: (key) => config[key] });
}

/** Runs `count` reads at once and returns the emulator's peak of requests in flight, and the wall time. */
async function burst(vendor: SandboxVendorName, count: number, read = reads[vendor]): Promise<{ peak: number; ms: number }> {
  const emulator = sandbox[vendor].emulator;
  await read(); // sessions and tokens first: the burst measures reads only
  emulator.inFlight.resetPeak();
  const started = Date.now();
  await Promise.all(Array.from({ length: count }, () => read()));
  return { peak: emulator.inFlight.snapshot().peak, ms: Date.now() - started };
}

beforeAll(async () => {
  // Hik-Connect at 1000/s here: this file is about concurrency, not the 5-per-second rule.
  sandbox = await startSandbox({ hikconnect: { emulator: { rateLimit: { limit: 1000 } } } });
  stack = { ...Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value])), "hikconnect:requestsPerSecond": "1000" };
  for (const vendor of Object.keys(reads) as SandboxVendorName[]) sandbox[vendor].emulator.faults.set("*", { latencyMs: 100 });
});
afterAll(() => sandbox?.stop());

describe("the cap on requests in flight, counted by the emulators", () => {
  const figures: string[] = [];
  afterAll(() => console.log(`requests in flight at the server for ${READS} concurrent reads:\n${figures.join("\n")}`));

  for (const vendor of Object.keys(reads) as SandboxVendorName[]) {
    it(`${vendor}: at most its default of ${defaults[vendor]} in flight (and it is reached); many more without the cap`, async () => {
      configure();
      const capped = await burst(vendor, READS);
      configure({ [`${vendor}:maxConcurrentRequests`]: "256" });
      const uncapped = await burst(vendor, READS);
      figures.push(`  ${vendor}: capped at ${defaults[vendor]}: peak ${capped.peak}, ${capped.ms} ms; cap 256: peak ${uncapped.peak}, ${uncapped.ms} ms`);
      expect(capped.peak).toBe(defaults[vendor]);
      // Without the cap the peak is what the client manages to start at once (31-64 on an idle machine,
      // less on a busy one): above the cap in any case.
      expect(uncapped.peak).toBeGreaterThan(defaults[vendor]);
    });
  }

  it("is one budget per vendor for the whole process: clients re-created by a config change share it", async () => {
    configure({ "forpost:maxConcurrentRequests": "5" });
    const before = ForpostClient.fromConfig();
    const first = Array.from({ length: 20 }, () => before.getTariffs());
    configure({ "forpost:maxConcurrentRequests": "5", "forpost:timeoutSeconds": "20" });
    const after = ForpostClient.fromConfig();
    expect(after).not.toBe(before);
    const emulator = sandbox.forpost.emulator;
    emulator.inFlight.resetPeak();
    await Promise.all([...first, ...Array.from({ length: 20 }, () => after.getTariffs())]);
    expect(emulator.inFlight.snapshot().peak).toBe(5);
  });
});
