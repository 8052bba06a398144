import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { ENGINE_REQUIRED, engineCli, skipBanner } from "../engine/engine-cli";
import {
  FROM_BILLING,
  FROM_BILLING_SANDBOX,
  FROM_BILLING_SUBSCRIBERS,
  fromBillingObjects,
  fromBillingSecrets,
  othersState,
  seedFromBilling,
} from "../engine/from-billing-lifecycle";
import { expectNoSecret } from "../engine/lifecycle";
import { copyExampleProgram } from "../harness/example-program";
import { PulumiStack, type CliRun } from "../harness/pulumi-stack";

/**
 * Acceptance of issue 14's "One subscriber from the billing": examples/from-billing through the
 * REAL Pulumi CLI (the engine suite's pinned build) against a sandbox seeded with 50 subscribers in
 * the range and neighbours around it. `up` provisions all of them, a second `up` changes nothing
 * and writes nothing, a preview writes nothing, `destroy` removes what was made and nothing else.
 * The program reads the billing (and Stalker's channel list, Hik-Connect's time zones) on every
 * run, preview included: those reads are expected; what is counted is vendor WRITES.
 */
const found = engineCli();
const N = FROM_BILLING_SUBSCRIBERS;
const TIMEOUT = 20 * 60_000;

if (!found.cli) {
  if (ENGINE_REQUIRED) {
    describe("examples/from-billing through the Pulumi CLI", () => {
      it("has a Pulumi CLI to run (PULUMI_TELECOM_REQUIRE_ENGINE=1)", () => {
        throw new Error(found.skip);
      });
    });
  } else {
    console.warn(skipBanner(found.skip));
  }
}

/** Billing procedures that only read; every other procedure writes. */
const BILLING_READS = new Set(["CLN_AUTH_LOGIN", "CLN_USR_FIND_2", "CLN_USR_GET", "CLN_HOME_LIST", "CLN_SWITCH_LIST"]);

let sandbox: RunningSandbox;
let stack: PulumiStack;
let before: unknown;

/** The vendor requests that change something (reads left out), as `vendor method route`. */
function writes(): string[] {
  return [
    ...sandbox.billing.emulator.log.entries().filter((e) => !BILLING_READS.has(e.route ?? "")).map((e) => `billing ${e.route}`),
    ...sandbox.stalker.emulator.log.entries().filter((e) => e.method !== "GET").map((e) => `stalker ${e.method} ${e.path}`),
    ...sandbox.hikconnect.emulator.log.entries().filter((e) => !(e.route ?? "").endsWith("/get")).map((e) => `hikconnect ${e.route}`),
  ];
}
function clearLogs(): void {
  for (const vendor of ["billing", "stalker", "hikconnect"] as const) sandbox[vendor].emulator.log.clear();
}
function ok(run: CliRun): void {
  expect(run.exitCode, `pulumi ${run.args.join(" ")} failed:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-3000)}`).toBe(0);
}
const seconds = (run: CliRun) => `${(run.durationMs / 1000).toFixed(0)} s`;

describe.skipIf(!found.cli)("examples/from-billing through the Pulumi CLI: 50 subscribers", () => {
  beforeAll(async () => {
    sandbox = await startSandbox(FROM_BILLING_SANDBOX);
    seedFromBilling(sandbox);
    stack = await PulumiStack.create({ cli: found.cli!, programDir: copyExampleProgram("from-billing", "cli-from-billing"), timeoutMs: TIMEOUT });
    await stack.setConfig(FROM_BILLING.config(sandbox));
    before = othersState(sandbox);
  }, 120_000);
  afterAll(async () => {
    if (stack) {
      console.log(`from-billing through the CLI: ${stack.runs.filter((r) => r.args[0] !== "config").map((r) => `${r.args[0]} ${seconds(r)}`).join(", ")}`);
      expectNoSecret(expect, stack.transcript(), fromBillingSecrets(sandbox), "the CLI's output");
      await stack.dispose();
    }
    await sandbox?.stop();
  }, 120_000);

  it("previews a create per resource with no vendor write", async () => {
    clearLogs();
    const preview = await stack.preview();
    ok(preview);
    expect(preview.steps.filter((s) => s.op === "create")).toHaveLength(5 * N);
    expect(writes()).toEqual([]);
    expect(fromBillingObjects(sandbox)).toEqual({ accounts: 0, subscriptions: 0, areas: 0, areasWithCameras: 0, devices: 0, cameras: 0 });
  }, TIMEOUT);

  it("provisions every subscriber of the range: 50 accounts, subscriptions, sites, devices and area cameras", async () => {
    const up = await stack.up(["--skip-preview"]);
    ok(up);
    expect(fromBillingObjects(sandbox)).toEqual({ accounts: N, subscriptions: N, areas: N, areasWithCameras: N, devices: N, cameras: N });
    expect(othersState(sandbox)).toEqual(before);
    const exported = await stack.exportStack();
    expectNoSecret(expect, exported.text, fromBillingSecrets(sandbox), "`pulumi stack export`");
    const outputs = await stack.outputs();
    expect(outputs["subscribers"]).toBe(N);
  }, TIMEOUT);

  it("changes nothing, and writes nothing, on a second up", async () => {
    clearLogs();
    const same = await stack.up(["--expect-no-changes"]);
    ok(same);
    expect(same.steps.filter((s) => s.op !== "same")).toEqual([]);
    expect(writes()).toEqual([]);
    const objects = fromBillingObjects(sandbox);
    expect(objects.accounts + objects.devices + objects.cameras).toBe(3 * N);
  }, TIMEOUT);

  it("destroys what it made and nothing else; the sites stay in Hik-Connect, empty (its API cannot delete an area)", async () => {
    const destroy = await stack.destroy(["--skip-preview"]);
    ok(destroy);
    expect(fromBillingObjects(sandbox)).toEqual({ accounts: 0, subscriptions: 0, areas: N, areasWithCameras: 0, devices: 0, cameras: 0 });
    expect(othersState(sandbox)).toEqual(before);
    expect(await stack.resources()).toEqual([]);
  }, TIMEOUT);
});
