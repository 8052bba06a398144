import { beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { copyExampleProgram } from "../harness/example-program";
import { SECRET_SIG_KEY } from "../harness/provider-host";
import { PulumiStack, type ConfigEntry } from "../harness/pulumi-stack";
import { ENGINE_REQUIRED, engineCli, limiter, skipBanner } from "./engine-cli";
import { EXAMPLE_LIFECYCLES, type ExampleLifecycle } from "./example-lifecycles";
import {
  changedInputs,
  clearVendorCalls,
  ENGINE_SEQUENCES as SEQ,
  eventsWithoutSdkDebugLines,
  expectSequences,
  expectNoSecret,
  expectSafeExport,
  expectSuccess,
  exportedOf,
  idsOf,
  MUTATING_OR_READING,
  nameOf,
  opsOf,
  resourceRpcs,
  restoreConfig,
  sequencesFor,
  stepsOf,
  vendorCalls,
  type LifecycleContext,
} from "./lifecycle";

/**
 * The real Pulumi engine as the test oracle: every example (one row of example-lifecycles.ts
 * each) through the CLI users run — a file backend in a temporary folder, the packed package
 * installed in the program's folder, the sandbox as the vendors. What is asserted is what users
 * see: `pulumi preview/up/refresh/destroy --json`, `pulumi stack export`, the vendors' request logs.
 * How it runs (inline programs, the pinned CLI build): docs/development.md.
 */
const found = engineCli();
/** Lifecycles at once: each is a chain of CLI runs, each run three processes (driver, CLI, provider host). */
const inParallel = limiter(Number(process.env.PULUMI_TELECOM_ENGINE_CONCURRENCY ?? 3));
const LIFECYCLE_TIMEOUT = 15 * 60_000;
const SECRET = SECRET_SIG_KEY;
/** `PULUMI_TELECOM_ENGINE_EXAMPLES=forpost,stalker` runs only those rows (while working on them). */
const only = process.env.PULUMI_TELECOM_ENGINE_EXAMPLES?.split(",").map((name) => name.trim());
const ROWS = EXAMPLE_LIFECYCLES.filter((row) => !only || only.includes(row.example));

if (!found.cli) {
  if (ENGINE_REQUIRED) {
    describe("the real Pulumi engine", () => {
      it("has a Pulumi CLI to run (PULUMI_TELECOM_REQUIRE_ENGINE=1)", () => {
        throw new Error(found.skip);
      });
    });
  } else {
    console.warn(skipBanner(found.skip));
  }
}

describe.skipIf(!found.cli)("the real Pulumi engine", () => {
  const cli = found.cli!;
  beforeAll(() => {
    console.log(`engine suite: Pulumi CLI ${cli.version} (${cli.source}: ${cli.command})`);
  });

  for (const row of ROWS) {
    it.concurrent(
      `examples/${row.example}: preview, up, a no-op up, an in-place change, ${row.replace ? "a replacement, " : ""}drift on refresh, destroy twice`,
      async ({ expect }) => inParallel(() => withStack(row, `lifecycle-${row.example}`, (context) => lifecycle(context, expect))),
      LIFECYCLE_TIMEOUT,
    );
  }

  for (const row of ROWS.filter((r) => r.halfCreate)) {
    it.concurrent(
      `examples/${row.example}: a create that fails half-way stays in the state, and the next up finishes it`,
      async ({ expect }) => inParallel(() => withStack(row, `half-create-${row.example}`, (context) => halfCreate(context, expect))),
      LIFECYCLE_TIMEOUT,
    );
  }
});

/** Starts the row's sandbox and a fresh stack of its example, runs `body`, and cleans both up. */
async function withStack(row: ExampleLifecycle, folder: string, body: (context: Omit<LifecycleContext, "expect"> & { config: ConfigEntry[] }) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox(row.sandbox);
  let stack: PulumiStack | undefined;
  const started = Date.now();
  try {
    stack = await PulumiStack.create({ cli: found.cli!, programDir: copyExampleProgram(row.example, folder), recordRpcs: true });
    const config = row.config(sandbox);
    await stack.setConfig(config);
    await body({ row, sandbox, stack, config });
    // Nothing any run printed may hold a secret: not the config's, not the program's.
    expectNoSecret(expect, stack.transcript(), row.secrets(sandbox), "the CLI's output");
    expectNoSecret(expect, eventsWithoutSdkDebugLines(stack), row.secrets(sandbox), "the engine events");
  } finally {
    if (stack) {
      const timing = stack.runs.map((run) => `${run.args[0]}${run.args[0] === "config" ? "" : ` ${(run.durationMs / 1000).toFixed(1)}s`}`);
      console.log(`engine ${folder}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${stack.runs.length} CLI runs (${timing.filter((t) => !t.startsWith("config")).join(", ")})`);
      await stack.dispose();
    }
    await sandbox.stop();
  }
}

async function lifecycle(context: Omit<LifecycleContext, "expect"> & { config: ConfigEntry[] }, expect: LifecycleContext["expect"]): Promise<void> {
  const { row, sandbox, stack, config } = context;
  const ctx: LifecycleContext = { row, sandbox, stack, expect };
  const names = row.resources.map((r) => r.name);
  // The example's lookups run in the program: they read on every run, preview or not; nothing else may call.
  const lookups = row.lookupRoutes ?? [];
  const noVendorCall = (what: string) => expect(vendorCalls(ctx).filter((call) => !lookups.includes(call)), `${what} called a vendor`).toEqual([]);

  // Bad input: `pulumi preview` fails, naming the field, before anything reaches a vendor.
  clearVendorCalls(ctx);
  await stack.setConfig(row.badInput.config);
  const bad = await stack.preview();
  expect(bad.exitCode, "a preview with a bad input succeeded").not.toBe(0);
  const errors = (bad.digest?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message);
  expect(errors.join("\n")).toMatch(new RegExp(`resource '${row.badInput.resource}': property ${row.badInput.field} value .* has a problem`));
  noVendorCall("a failing preview");
  // The engine bails at the first failing check: the other resources may not be checked at all.
  expect(resourceRpcs(bad).filter((rpc) => rpc.endsWith(` ${row.badInput.resource}`))).toEqual([`Check ${row.badInput.resource}`]);
  await restoreConfig(stack, config, row.badInput.config);

  // preview of a new stack: Check only, no vendor call.
  const preview = await stack.preview();
  expectSuccess(expect, preview);
  expect(preview.steps.map((s) => `${s.op} ${nameOf(s.urn)}`).sort()).toEqual(names.map((n) => `create ${n}`).sort());
  expect(resourceRpcs(preview).filter((rpc) => MUTATING_OR_READING.includes(rpc.split(" ")[0]!))).toEqual([]);
  expectSequences(expect, preview, sequencesFor(row, SEQ.previewCreate));
  noVendorCall("pulumi preview");

  // up: every resource created, once.
  clearVendorCalls(ctx);
  const up = await stack.up();
  expectSuccess(expect, up);
  expect(opsOf(up).sort()).toEqual(names.map((n) => `create ${n}`).sort());
  expect(up.steps.every((s) => s.status === "done")).toBe(true);
  const upCalls = vendorCalls(ctx);
  for (const route of lookups) expect(upCalls, `the lookups' call ${route} during pulumi up`).toContain(route);
  // `pulumi up` is a preview pass, then the update pass (each in a provider process of its own).
  expectSequences(expect, up, sequencesFor(row, [...SEQ.previewCreate, ...SEQ.create]));
  expect(row.objects(sandbox)).toBe(names.length);
  let exported = await stack.exportStack();
  let resources = exported.state.deployment.resources ?? [];
  expectSafeExport(ctx, exported.text, resources);
  let ids = idsOf(row, resources);
  expect(await stack.outputs()).toMatchObject(row.outputs(ids, sandbox));
  // The lookups ran through the real CLI: their answers are in the inputs that take them.
  for (const [name, inputs] of Object.entries(row.lookupInputs?.(sandbox) ?? {})) {
    expect(exportedOf(resources, name)?.inputs, `${name}'s inputs from lookups`).toMatchObject(inputs);
  }

  // A second up with nothing changed: no changes (the CLI checks it), no vendor call.
  clearVendorCalls(ctx);
  const same = await stack.up(["--expect-no-changes", "--skip-preview"]);
  expectSuccess(expect, same);
  expect(opsOf(same).sort()).toEqual(names.map((n) => `same ${n}`).sort());
  expectSequences(expect, same, sequencesFor(row, SEQ.same));
  noVendorCall("a no-op pulumi up");

  // An in-place change: previewed as an update of exactly those inputs, applied with Update.
  const { inPlace } = row;
  await stack.setConfig(inPlace.config);
  const changePreview = await stack.preview();
  expectSuccess(expect, changePreview);
  const knockOn = (name: string) => row.previewKnockOn?.[name] ?? [];
  const knockOnSequences = (name: string) => Object.fromEntries(knockOn(name).map((k) => [k.resource, SEQ[k.sequence]]));
  // The dependents that take a computed output of the resource show a change in the preview (see previewKnockOn).
  expect(changePreview.steps.map((s) => `${s.op} ${nameOf(s.urn)}`).sort()).toEqual([`update ${inPlace.resource}`, ...knockOn(inPlace.resource).map((k) => `${k.op} ${k.resource}`)].sort());
  expect(changedInputs(stepsOf(changePreview.steps, inPlace.resource)[0]!)).toEqual([...inPlace.changes].sort());
  expectSequences(expect, changePreview, sequencesFor(row, SEQ.previewSameOrUpdate, knockOnSequences(inPlace.resource)));
  // Check gets the stored inputs as olds; Diff gets the stored OUTPUTS (secrets aside: the export has ciphertext).
  const before = exportedOf(resources, inPlace.resource)!;
  const rpcsOf = (method: string) => changePreview.rpcs.filter((rpc) => rpc.method === method && nameOf(rpc.urn) === inPlace.resource);
  const plainOf = (values: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(values).filter(([, v]) => !(v && typeof v === "object" && SECRET in v)));
  expect(rpcsOf("Check")[0]!.request.olds).toMatchObject(plainOf(before.inputs));
  expect(rpcsOf("Diff")[0]!.request.olds).toMatchObject(plainOf(before.outputs));
  noVendorCall("pulumi preview of a change");
  const change = await stack.up(["--skip-preview"]);
  expectSuccess(expect, change);
  expect(opsOf(change).filter((op) => !op.startsWith("same "))).toEqual([`update ${inPlace.resource}`]);
  expectSequences(expect, change, sequencesFor(row, SEQ.same, { [inPlace.resource]: SEQ.update }));
  resources = await stack.resources();
  const updated = exportedOf(resources, inPlace.resource)!;
  for (const key of inPlace.changes) expect(updated.outputs?.[key], `${inPlace.resource}.outputs.${key} after the update`).toEqual(updated.inputs?.[key]);
  expect(updated.id).toBe(ids[inPlace.resource]);

  // A change that replaces: in the order the resource declares, with the resources that take its outputs.
  if (row.replace) {
    const { replace } = row;
    const cascaded = replace.cascade ?? [];
    const cascade = cascaded.map((c) => c.resource);
    const replacedNames = [replace.resource, ...cascade];
    const deleteFirst = (name: string) => row.resources.find((r) => r.name === name)!.resource.definition.deleteBeforeReplace === true;
    replace.prepare?.(sandbox);
    await stack.setConfig(replace.config);
    clearVendorCalls(ctx);
    const replacePreview = await stack.preview();
    expectSuccess(expect, replacePreview);
    expect(replacePreview.steps.map((s) => `${s.op} ${nameOf(s.urn)}`).sort()).toEqual(replacedNames.map((n) => `replace ${n}`).sort());
    expect(stepsOf(replacePreview.steps, replace.resource)[0]!.replaceReasons).toEqual(expect.arrayContaining(replace.changes));
    const previewOf = (name: string) => SEQ[cascaded.find((c) => c.resource === name)?.preview ?? "previewReplace"];
    const updateOf = (name: string) => SEQ[cascaded.find((c) => c.resource === name)?.update ?? (deleteFirst(name) ? "replaceDeleteFirst" : "replaceCreateFirst")];
    expectSequences(expect, replacePreview, sequencesFor(row, SEQ.previewSameOrUpdate, Object.fromEntries(replacedNames.map((n) => [n, previewOf(n)]))));
    // The engine checks a replacement again from scratch (olds = {}), after the diff; a dependent it deletes first, only from scratch.
    for (const name of replacedNames) {
      const checks = replacePreview.rpcs.filter((rpc) => rpc.method === "Check" && nameOf(rpc.urn) === name);
      const expected = previewOf(name) === SEQ.previewReplace ? [true, false] : [false];
      expect(checks.map((rpc) => Object.keys((rpc.request.olds ?? {}) as object).length > 0), `${name}'s checks`).toEqual(expected);
    }
    noVendorCall("pulumi preview of a replacement");
    const replaced = await stack.up(["--skip-preview"]);
    expectSuccess(expect, replaced);
    // Delete-first when the resource says so, or when the engine deletes it ahead of what it depends on.
    const deletedFirst = (name: string) => { const seq: readonly string[] = updateOf(name); return seq.indexOf("delete") < seq.indexOf("create"); };
    const orderOf = (name: string) => (deletedFirst(name) ? ["delete-replaced", "replace", "create-replacement"] : ["create-replacement", "replace", "delete-replaced"]);
    for (const name of replacedNames) expect(stepsOf(replaced.steps, name).map((s) => s.op), `${name}'s steps`).toEqual(orderOf(name));
    // A dependent goes before what it depends on, and comes back after it.
    const at = (name: string, op: string) => replaced.steps.findIndex((s) => nameOf(s.urn) === name && s.op === op);
    for (const name of cascade) {
      expect(at(name, "create-replacement"), `${name} created after ${replace.resource}`).toBeGreaterThan(at(replace.resource, "create-replacement"));
      if (deleteFirst(replace.resource)) expect(at(name, "delete-replaced"), `${name} deleted before ${replace.resource}`).toBeLessThan(at(replace.resource, "delete-replaced"));
    }
    expectSequences(expect, replaced, sequencesFor(row, SEQ.same, Object.fromEntries(replacedNames.map((n) => [n, updateOf(n)]))));
    expect(row.objects(sandbox)).toBe(names.length);
    exported = await stack.exportStack();
    resources = exported.state.deployment.resources ?? [];
    expectSafeExport(ctx, exported.text, resources);
    const newIds = idsOf(row, resources);
    for (const name of replacedNames) expect(newIds[name], `${name}'s id after the replacement`).not.toBe(ids[name]);
    ids = newIds;
  }

  // Drift made in the vendor's system: refresh reads it into the state, and the next preview shows it.
  row.drift.make(sandbox, ids[row.drift.resource]!);
  clearVendorCalls(ctx);
  const refresh = await stack.refresh(["--skip-preview"]);
  expectSuccess(expect, refresh);
  expect(stepsOf(refresh.steps, row.drift.resource).map((s) => s.op)).toEqual(["update"]);
  expectSequences(expect, refresh, sequencesFor(row, SEQ.refresh));
  expect(vendorCalls(ctx).length).toBeGreaterThan(0);
  clearVendorCalls(ctx);
  const driftPreview = await stack.preview();
  expectSuccess(expect, driftPreview);
  const drifted = stepsOf(driftPreview.steps, row.drift.resource);
  expect(drifted.map((s) => s.op)).toEqual(["update"]);
  expect(changedInputs(drifted[0]!)).toEqual(expect.arrayContaining(row.drift.changes));
  for (const k of knockOn(row.drift.resource)) expect(stepsOf(driftPreview.steps, k.resource).map((s) => s.op), `${k.resource} in the preview after the drift`).toEqual([k.op]);
  expectSequences(expect, driftPreview, sequencesFor(row, SEQ.previewSameOrUpdate, knockOnSequences(row.drift.resource)));
  noVendorCall("pulumi preview after a refresh");

  // destroy, then destroy the empty stack again.
  const destroy = await stack.destroy(["--skip-preview"]);
  expectSuccess(expect, destroy);
  expect(opsOf(destroy).sort()).toEqual(names.map((n) => `delete ${n}`).sort());
  expectSequences(expect, destroy, sequencesFor(row, SEQ.destroy));
  expect(row.objects(sandbox), "objects left after pulumi destroy").toBe(row.retained?.length ?? 0);
  expect(await stack.resources()).toEqual([]);
  clearVendorCalls(ctx);
  const again = await stack.destroy(["--skip-preview"]);
  expectSuccess(expect, again);
  expect(again.steps).toEqual([]);
  expectSequences(expect, again, {});
  noVendorCall("a destroy of an empty stack");
}

async function halfCreate(context: Omit<LifecycleContext, "expect">, expect: LifecycleContext["expect"]): Promise<void> {
  const { row, sandbox, stack } = context;
  const ctx: LifecycleContext = { ...context, expect };
  const failing = row.halfCreate!;
  failing.inject(sandbox);
  const up = await stack.up();
  expect(up.exitCode, "an up whose create failed half-way succeeded").not.toBe(0);
  expect(stepsOf(up.steps, failing.resource).map((s) => [s.op, s.status])).toEqual([["create", "failed"]]);
  // The preview pass checks everything; the update pass gets no further than the failing create (the rest waits for its id).
  expectSequences(expect, up, sequencesFor(row, SEQ.previewCreate, { [failing.resource]: [...SEQ.previewCreate, ...SEQ.create] }));
  expect(up.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n")).toMatch(failing.error);
  expect(row.objects(sandbox)).toBe(1);
  // The object is in the state, with its id and the reason it did not finish.
  let exported = await stack.exportStack();
  let kept = exportedOf(exported.state.deployment.resources ?? [], failing.resource);
  expect(kept?.id).toMatch(/\S/);
  expect(kept?.initErrors?.length).toBeGreaterThan(0);
  expectNoSecret(expect, exported.text, row.secrets(sandbox), "`pulumi stack export`");

  // The vendor is fine again: the next up updates the object (not a second create) and clears the error.
  failing.clear(sandbox);
  const plan = await stack.preview();
  expectSuccess(expect, plan);
  // Diff finds nothing to change, but the init error makes it an update.
  expect(stepsOf(plan.steps, failing.resource).map((s) => s.op)).toEqual(["update"]);
  expectSequences(expect, plan, sequencesFor(row, SEQ.previewCreate, { [failing.resource]: SEQ.previewSameOrUpdate }));
  const next = await stack.up(["--skip-preview"]);
  expectSuccess(expect, next);
  expect(stepsOf(next.steps, failing.resource).map((s) => [s.op, s.status])).toEqual([["update", "done"]]);
  expect(opsOf(next).filter((op) => !op.endsWith(` ${failing.resource}`)).sort()).toEqual(row.resources.filter((r) => r.name !== failing.resource).map((r) => `create ${r.name}`).sort());
  expectSequences(expect, next, sequencesFor(row, SEQ.create, { [failing.resource]: SEQ.update }));
  expect(row.objects(sandbox)).toBe(row.resources.length);
  exported = await stack.exportStack();
  kept = exportedOf(exported.state.deployment.resources ?? [], failing.resource);
  expect(kept?.initErrors ?? []).toEqual([]);
  expectSafeExport(ctx, exported.text, exported.state.deployment.resources ?? []);
  expectSuccess(expect, await stack.destroy(["--skip-preview"]));
  expect(row.objects(sandbox)).toBe(row.retained?.length ?? 0);
}
