import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_SEQUENCES } from "../harness/engine-sequences";
import { initErrorMessage, MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { ProviderHost, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN, type RpcRecord } from "../harness/provider-host";
import { runProgramUnderMocks, type Registration } from "../harness/program-under-mocks";
import { editStore, prepareFakePackageApp, readStore, thing, type FakePackageApp } from "./fake-package-app";

let app: FakePackageApp;
let host: ProviderHost;
let registrations: Registration[];
/** Registration of the program's first Thing: the template for the descriptors below. */
let template: Registration;

beforeAll(async () => {
  app = await prepareFakePackageApp();
  // allSettled: even when the program fails, keep the started host so afterAll stops it.
  const [started, run] = await Promise.allSettled([
    ProviderHost.start({ cwd: app.appDir }),
    runProgramUnderMocks({
      programFile: "two-things.ts",
      cwd: app.appDir,
      config: app.config,
      secretConfigKeys: ["fake:password"],
    }),
  ]);
  if (started.status === "fulfilled") host = started.value;
  if (started.status === "rejected") throw started.reason;
  if (run.status === "rejected") throw run.reason;
  registrations = run.value.registrations;
  const first = registrations.find((registration) => registration.name === "first");
  if (!first) throw new Error("the fixture program registered no 'first'");
  template = first;
});

afterAll(async () => {
  await host?.stop();
  await app?.cleanup();
});

/** A fresh engine (empty state) on the shared host. */
function newEngine(): MiniEngine {
  return new MiniEngine(host, { config: app.config, secretConfigKeys: ["fake:password"] });
}

/** The RPC methods of an operation, without the engine's one-time Configure. */
function calls(rpcs: RpcRecord[]): string[] {
  return rpcs.filter((record) => record.method !== "configure").map((record) => record.method);
}

function idOf(engine: MiniEngine, descriptor: ResourceDescriptor): string {
  const entry = engine.state()[engine.urnOf(descriptor.type, descriptor.name)];
  if (!entry) throw new Error(`${descriptor.name} is not in state`);
  return entry.id;
}

describe("MiniEngine.preview", () => {
  it("only checks new resources, accepting UNKNOWN values", async () => {
    const engine = newEngine();
    const steps = await engine.preview([thing(template, "preview-new", { name: UNKNOWN, size: UNKNOWN })]);
    expect(steps).toEqual([{ op: "create", urn: engine.urnOf(template.type, "preview-new") }]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.previewCreate);
    expect(Object.values(readStore(app)).some((object) => object.name === UNKNOWN)).toBe(false);
  });

  it("reports check failures with the property name", async () => {
    const engine = newEngine();
    const steps = await engine.preview([thing(template, "preview-bad", { name: "Bad Name" })]);
    expect(steps).toEqual([
      expect.objectContaining({ op: "check-failed", failures: [expect.objectContaining({ property: "name" })] }),
    ]);
  });

  it("checks and diffs existing resources (olds = outputs), without changing anything", async () => {
    const engine = newEngine();
    const original = thing(template, "preview-existing", { name: "preview-existing", size: 1 });
    await engine.up([original]);
    const before = readStore(app);
    const steps = await engine.preview([thing(template, "preview-existing", { name: "preview-existing", size: UNKNOWN })]);
    expect(steps.map((step) => step.op)).toEqual(["update"]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.previewSameOrUpdate);
    expect(readStore(app)).toEqual(before);
  });

  it("hands dependents the new inputs of an update as its outputs, computed outputs unknown, as the real engine does", async () => {
    const engine = newEngine();
    await engine.up([thing(template, "preview-outputs", { name: "preview-outputs", size: 1 })]);
    const [same] = await engine.preview([thing(template, "preview-outputs", { name: "preview-outputs", size: 1 })]);
    expect(same).toMatchObject({ op: "same", plannedOutputs: { size: 1, serial: 1 } });
    const [update] = await engine.preview([thing(template, "preview-outputs", { name: "preview-outputs", size: 2 })]);
    expect(update).toMatchObject({ op: "update", plannedOutputs: { name: "preview-outputs", size: 2 } });
    // `serial` is computed by the provider: a dependent taking it sees an unknown until the up.
    expect(update!.plannedOutputs).not.toHaveProperty("serial");
  });
});

describe("MiniEngine.up", () => {
  it("creates, then is a no-op, then updates in place", async () => {
    const engine = newEngine();
    const v1 = thing(template, "lifecycle", { name: "lifecycle", size: 1 });
    const created = await engine.up([v1]);
    expect(created).toEqual([expect.objectContaining({ op: "create", id: expect.stringMatching(/^thing-\d+$/) })]);
    // `pulumi up` previews first (its own provider process in the engine), then updates.
    expect(calls(engine.lastPreviewRpcs)).toEqual(ENGINE_SEQUENCES.previewCreate);
    expect(engine.lastRpcs.map((record) => record.method)).toEqual(["configure", ...ENGINE_SEQUENCES.create]);
    const id = idOf(engine, v1);

    const same = await engine.up([v1]);
    expect(same.map((step) => step.op)).toEqual(["same"]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.same);

    const updated = await engine.up([thing(template, "lifecycle", { name: "lifecycle", size: 4 })]);
    expect(updated).toEqual([expect.objectContaining({ op: "update", id })]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.update);
    expect(readStore(app)[id]).toMatchObject({ size: 4, serial: 2 });
    expect(engine.state()[engine.urnOf(v1.type, v1.name)]?.outputs).toMatchObject({ size: 4, serial: 2 });
  });

  it("checks an existing resource against its stored inputs, so defaults carry over", async () => {
    const engine = newEngine();
    await engine.up([thing(template, "carry", { name: "carry-a" })]);
    const id = idOf(engine, thing(template, "carry", {}));
    expect(readStore(app)[id]?.label).toBe("label-carry-a-none-none");
    await engine.up([thing(template, "carry", { name: "carry-b" })]);
    expect(readStore(app)[id]).toMatchObject({ name: "carry-b", label: "label-carry-a-none-none" });
  });

  it("replaces delete-before-create when the diff asks for it", async () => {
    const engine = newEngine();
    await engine.up([thing(template, "dbr", { name: "dbr", zone: "a" })]);
    const oldId = idOf(engine, thing(template, "dbr", {}));
    const steps = await engine.up([thing(template, "dbr", { name: "dbr", zone: "b" })]);
    expect(calls(engine.lastPreviewRpcs)).toEqual(ENGINE_SEQUENCES.previewReplace);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.replaceDeleteFirst);
    expect(steps.map((step) => step.op)).toEqual(["delete", "replace"]);
    expect(steps[1]).toMatchObject({ replaceOrder: "delete-before-create", diff: { replaces: ["zone"] } });
    const newId = idOf(engine, thing(template, "dbr", {}));
    expect(newId).not.toBe(oldId);
    expect(readStore(app)[oldId]).toBeUndefined();
    // The replacement was created from the second Check(olds = {}): defaults recomputed.
    expect(readStore(app)[newId]).toMatchObject({ zone: "b", label: "label-dbr-b-none" });
  });

  it("replaces create-before-delete otherwise, deleting the old object last", async () => {
    const engine = newEngine();
    await engine.up([thing(template, "cbd", { name: "cbd", kind: "small" })]);
    const oldId = idOf(engine, thing(template, "cbd", {}));
    const steps = await engine.up([thing(template, "cbd", { name: "cbd", kind: "large" })]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.replaceCreateFirst);
    expect(steps.map((step) => step.op)).toEqual(["replace", "delete"]);
    expect(steps[1]).toMatchObject({ id: oldId, replacedId: oldId });
    expect(readStore(app)[oldId]).toBeUndefined();
    expect(readStore(app)[idOf(engine, thing(template, "cbd", {}))]).toMatchObject({ kind: "large", label: "label-cbd-none-large" });
    expect(engine.pendingDeletes()).toEqual([]);
  });

  it("the deleteBeforeReplace option overrides the provider's choice", async () => {
    const engine = newEngine();
    await engine.up([thing(template, "dbr-option", { name: "dbr-option", kind: "small" })]);
    await engine.up([thing(template, "dbr-option", { name: "dbr-option", kind: "large" }, { deleteBeforeReplace: true })]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.replaceDeleteFirst);
  });

  it("stops before creating anything when a check fails in its preview", async () => {
    const engine = newEngine();
    const before = readStore(app);
    const steps = await engine.up([
      thing(template, "fine", { name: "fine" }),
      thing(template, "broken", { name: "Broken!" }),
    ]);
    expect(steps).toEqual([expect.objectContaining({ op: "check-failed", urn: engine.urnOf(template.type, "broken") })]);
    expect(calls(engine.lastPreviewRpcs)).toEqual(["check", "check"]);
    expect(calls(engine.lastRpcs)).toEqual([]);
    expect(engine.state()).toEqual({});
    expect(readStore(app)).toEqual(before);
  });

  it("with skipPreview (pulumi up --skip-preview), applies what was checked before a failing check", async () => {
    const engine = newEngine();
    const fine = thing(template, "fine-first", { name: "fine-first" });
    const steps = await engine.up([fine, thing(template, "broken-second", { name: "Broken!" })], { skipPreview: true });
    expect(steps.map((step) => [step.op, step.urn])).toEqual([
      ["create", engine.urnOf(template.type, "fine-first")],
      ["check-failed", engine.urnOf(template.type, "broken-second")],
    ]);
    expect(calls(engine.lastRpcs)).toEqual([...ENGINE_SEQUENCES.create, "check"]);
    expect(engine.lastPreviewRpcs).toEqual([]);
    await engine.destroy();
  });

  it("keeps an object whose create failed with initFailed, and updates it on the next up", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "half-made", { name: "half-made", failAfterCreate: true });
    const steps = await engine.up([descriptor]);
    // The engine shows only the reasons of an ErrorResourceInitFailed, not its message.
    expect(steps).toEqual([
      expect.objectContaining({
        op: "create",
        id: expect.stringMatching(/^thing-\d+$/),
        error: initErrorMessage(["readiness probe failed"]),
        initFailed: expect.objectContaining({ reasons: ["readiness probe failed"] }),
      }),
    ]);
    const entry = engine.state()[engine.urnOf(descriptor.type, descriptor.name)];
    expect(entry?.id).toBe(steps[0]?.id);
    expect(entry?.initErrors).toEqual(["readiness probe failed"]);
    expect(readStore(app)[entry?.id ?? ""]).toBeDefined();

    // Unchanged inputs, but init errors: the engine issues an update to let it finish initializing.
    expect((await engine.preview([descriptor])).map((step) => step.op)).toEqual(["update"]);
    const next = await engine.up([descriptor]);
    expect(next.map((step) => step.op)).toEqual(["update"]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.update);
    expect(engine.state()[engine.urnOf(descriptor.type, descriptor.name)]?.initErrors).toEqual([]);
    await engine.destroy();
    expect(readStore(app)[entry?.id ?? ""]).toBeUndefined();
  });

  it("deletes resources no longer registered, in reverse order", async () => {
    const engine = newEngine();
    const a = thing(template, "keep-a", { name: "keep-a" });
    const b = thing(template, "drop-b", { name: "drop-b" });
    const c = thing(template, "drop-c", { name: "drop-c" });
    await engine.up([a, b, c]);
    const steps = await engine.up([a]);
    expect(steps.map((step) => [step.op, step.urn])).toEqual([
      ["same", engine.urnOf(a.type, a.name)],
      ["delete", engine.urnOf(c.type, c.name)],
      ["delete", engine.urnOf(b.type, b.name)],
    ]);
  });

  it("refuses to delete a protected resource", async () => {
    const engine = newEngine();
    const guarded = thing(template, "guarded", { name: "guarded" }, { protect: true });
    await engine.up([guarded]);
    const steps = await engine.destroy();
    expect(steps).toEqual([expect.objectContaining({ op: "delete", error: expect.stringContaining("protected") })]);
    expect(calls(engine.lastRpcs)).toEqual([]);
    await engine.up([{ ...guarded, protect: false }]);
    expect((await engine.destroy()).map((step) => step.error)).toEqual([undefined]);
  });

  it("reports a failing update and stops", async () => {
    const engine = newEngine();
    const v1 = thing(template, "vanishing", { name: "vanishing", size: 1 });
    await engine.up([v1]);
    const id = idOf(engine, v1);
    editStore(app, (objects) => delete objects[id]);
    const steps = await engine.up([thing(template, "vanishing", { name: "vanishing", size: 2 })]);
    expect(steps).toEqual([expect.objectContaining({ op: "update", error: `thing ${id} does not exist` })]);
  });
});

describe("MiniEngine.refresh and destroy", () => {
  it("refresh reads drift into state; returned inputs make the next preview show the change", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "drifting", { name: "drifting", size: 1 });
    await engine.up([descriptor]);
    const id = idOf(engine, descriptor);
    editStore(app, (objects) => {
      objects[id]!.size = 9;
    });
    const steps = await engine.refresh();
    expect(steps).toEqual([{ op: "refresh", urn: engine.urnOf(descriptor.type, descriptor.name), id, changed: true }]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.refresh);
    const entry = engine.state()[engine.urnOf(descriptor.type, descriptor.name)];
    expect(entry?.inputs["size"]).toBe(9);
    expect(entry?.outputs["size"]).toBe(9);
    expect((await engine.preview([descriptor])).map((step) => step.op)).toEqual(["update"]);
  });

  it("refresh drops objects that are gone", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "deleted-outside", { name: "deleted-outside" });
    await engine.up([descriptor]);
    const id = idOf(engine, descriptor);
    editStore(app, (objects) => delete objects[id]);
    expect(await engine.refresh()).toEqual([{ op: "gone", urn: engine.urnOf(descriptor.type, descriptor.name), id }]);
    expect(calls(engine.lastRpcs)).toEqual(ENGINE_SEQUENCES.refreshGone);
    expect(engine.state()).toEqual({});
  });

  it("a refresh that reads the object back clears its init errors, as the engine does", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "half-refreshed", { name: "half-refreshed", failAfterCreate: true });
    await engine.up([descriptor]);
    const urn = engine.urnOf(descriptor.type, descriptor.name);
    expect(engine.state()[urn]?.initErrors).toEqual(["readiness probe failed"]);
    expect(await engine.refresh()).toEqual([expect.objectContaining({ op: "refresh" })]);
    expect(engine.state()[urn]?.initErrors).toEqual([]);
    await engine.destroy();
  });

  it("destroy deletes in reverse order, and succeeds when an object is already gone", async () => {
    const engine = newEngine();
    const first = thing(template, "destroy-1", { name: "destroy-1" });
    const second = thing(template, "destroy-2", { name: "destroy-2" });
    await engine.up([first, second]);
    const firstId = idOf(engine, first);
    editStore(app, (objects) => delete objects[firstId]);
    const steps = await engine.destroy();
    expect(steps.map((step) => [step.op, step.urn, step.error])).toEqual([
      ["delete", engine.urnOf(second.type, second.name), undefined],
      ["delete", engine.urnOf(first.type, first.name), undefined],
    ]);
    expect(engine.state()).toEqual({});
  });
});

describe("MiniEngine secrets", () => {
  it("sends secrets in plain text to the provider and marks matching outputs and additionalSecretOutputs secret", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "secretive", { name: "secretive", password: "s3cr3t-pw" });
    await engine.up([descriptor]);
    const id = idOf(engine, descriptor);
    expect(readStore(app)[id]?.password).toBe("s3cr3t-pw");
    const entry = engine.state()[engine.urnOf(descriptor.type, descriptor.name)];
    expect(entry?.secretInputKeys).toEqual(["password"]);
    expect(entry?.secretOutputKeys.sort()).toEqual(["password", "token"]);

    const exported = engine.stateJson();
    expect(exported).not.toContain("s3cr3t-pw");
    expect(exported).not.toContain(`token-for-${id}`);
    const resource = (JSON.parse(exported) as { deployment: { resources: Array<Record<string, Record<string, unknown>>> } })
      .deployment.resources.find((candidate) => candidate["id"] === (id as unknown));
    expect(resource?.["outputs"]?.["password"]).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: expect.any(String) });
    expect(resource?.["inputs"]?.["password"]).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: expect.any(String) });
    expect(resource?.["outputs"]?.["name"]).toBe("secretive");
    expect(host.stderr).not.toContain("s3cr3t-pw");
  });

  it("strips secret wrappers still present in inputs and treats their keys as secret", async () => {
    const engine = newEngine();
    const descriptor = thing(template, "wrapped", {
      name: "wrapped",
      password: { [SECRET_SIG_KEY]: SECRET_SIG, value: "wrapped-pw" },
    }, { secretInputKeys: [] });
    await engine.up([descriptor]);
    expect(readStore(app)[idOf(engine, descriptor)]?.password).toBe("wrapped-pw");
    expect(engine.stateJson()).not.toContain("wrapped-pw");
  });
});

describe("program registrations → MiniEngine", () => {
  it("a program's registrations drive preview, up and destroy directly", async () => {
    const engine = newEngine();
    expect((await engine.preview(registrations)).map((step) => step.op)).toEqual(["create", "create"]);
    const steps = await engine.up(registrations);
    expect(steps.map((step) => step.op)).toEqual(["create", "create"]);
    const stored = Object.values(engine.state());
    expect(stored.find((entry) => entry.name === "first")?.outputs).toMatchObject({ name: "first-thing", password: "hunter2-secret" });
    expect(engine.stateJson()).not.toContain("hunter2-secret");
    // "second" is protected by the program.
    const destroyed = await engine.destroy();
    expect(destroyed.find((step) => step.error)?.error).toContain("protected");
  });
});
