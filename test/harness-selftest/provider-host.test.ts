import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderHost, ProviderHostError, UNKNOWN, type PropertyMap } from "../harness/provider-host";
import { FAKE_THING_TYPE, prepareFakePackageApp, readStore, type FakePackageApp } from "./fake-package-app";

/**
 * A provider text of the shape closure serialization produces for a thin shim: it only names the
 * implementation package, which the host must resolve from its cwd (the app folder).
 */
const PROVIDER_TEXT = `exports.handler = () => ({
  configure: async (req) => require("fake-dynamic-pkg/impl").configure(req),
  check: async (olds, news) => require("fake-dynamic-pkg/impl").check(olds, news),
  diff: async (id, olds, news) => require("fake-dynamic-pkg/impl").diff(id, olds, news),
  create: async (inputs) => require("fake-dynamic-pkg/impl").create(inputs),
  read: async (id, props) => require("fake-dynamic-pkg/impl").read(id, props),
  update: async (id, olds, news) => require("fake-dynamic-pkg/impl").update(id, olds, news),
  delete: async (id, props) => require("fake-dynamic-pkg/impl").delete(id, props),
});`;

const urn = (name: string): string => `urn:pulumi:stack::project::${FAKE_THING_TYPE}::${name}`;
const withProvider = (inputs: PropertyMap): PropertyMap => ({ __provider: PROVIDER_TEXT, ...inputs });

async function rejectionOf(promise: Promise<unknown>): Promise<ProviderHostError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderHostError);
  return error as ProviderHostError;
}

let app: FakePackageApp;
let host: ProviderHost;

beforeAll(async () => {
  app = await prepareFakePackageApp();
  host = await ProviderHost.start({ cwd: app.appDir });
  await host.configure({ "fake:store": app.storePath, "fake:password": "hunter2-secret" }, { secretKeys: ["fake:password"] });
});

afterAll(async () => {
  await host?.stop();
  await app?.cleanup();
});

describe("ProviderHost", () => {
  it("starts the real host on the port it printed and configures it", () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.configured).toBe(true);
    expect(host.exitStatus).toBeNull();
  });

  it("check passes UNKNOWN through and returns the provider's failures", async () => {
    const result = await host.check(urn("check"), {}, withProvider({ name: "Not Valid", size: UNKNOWN }));
    expect(result.failures).toEqual([{ property: "name", reason: "name must be lowercase letters, digits and dashes" }]);
    // The host re-attaches __provider to the checked inputs.
    expect(result.inputs).toEqual(withProvider({ name: "Not Valid", size: UNKNOWN, label: "label-Not Valid-none-none" }));
  });

  it("never sends undefined: keys holding undefined are dropped", async () => {
    const result = await host.check(urn("undefined"), {}, withProvider({ name: "ok", zone: undefined }));
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual(withProvider({ name: "ok", size: 1, label: "label-ok-none-none" }));
  });

  it("create / diff / read / update / delete round-trip plain values", async () => {
    const created = await host.create(urn("round-trip"), withProvider({ name: "round-trip", size: 1 }));
    expect(created.id).toMatch(/^thing-\d+$/);
    expect(created.properties).toMatchObject({ name: "round-trip", size: 1, serial: 1, __provider: PROVIDER_TEXT });

    const same = await host.diff(urn("round-trip"), created.id, created.properties, withProvider({ name: "round-trip", size: 1 }));
    expect(same).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    const replace = await host.diff(urn("round-trip"), created.id, created.properties, withProvider({ name: "round-trip", size: 1, zone: "b" }));
    expect(replace).toEqual({ changes: "some", replaces: ["zone"], deleteBeforeReplace: true });

    const updated = await host.update(urn("round-trip"), created.id, created.properties, withProvider({ name: "round-trip", size: 3 }));
    expect(updated.properties).toMatchObject({ size: 3, serial: 2, __provider: PROVIDER_TEXT });

    const read = await host.read(urn("round-trip"), created.id, updated.properties, withProvider({ name: "round-trip", size: 3 }));
    expect(read.id).toBe(created.id);
    expect(read.inputs).toEqual(withProvider({ name: "round-trip", size: 3 }));
    expect(read.properties).toMatchObject({ name: "round-trip", size: 3, serial: 2 });

    await host.delete(urn("round-trip"), created.id, updated.properties);
    expect(readStore(app)[created.id]).toBeUndefined();
    const gone = await host.read(urn("round-trip"), created.id, updated.properties, {});
    expect(gone.id).toBe("");
    expect(gone.inputs).toBeUndefined();
    // Deleting something already gone succeeds.
    await host.delete(urn("round-trip"), created.id, updated.properties);
  });

  it("decodes ErrorResourceInitFailed from a failed create", async () => {
    const error = await rejectionOf(host.create(urn("init-failed"), withProvider({ name: "init-failed", failAfterCreate: true })));
    expect(error.code).toBe(2);
    expect(error.method).toBe("create");
    expect(error.message).toMatch(/^thing thing-\d+ was created but did not become ready$/);
    expect(error.initFailed?.id).toMatch(/^thing-\d+$/);
    expect(error.initFailed?.reasons).toEqual(["readiness probe failed"]);
    expect(error.initFailed?.properties).toMatchObject({ name: "init-failed", serial: 1, __provider: PROVIDER_TEXT });
    expect(readStore(app)[error.initFailed?.id ?? ""]).toMatchObject({ name: "init-failed" });
  });

  it("forwards initFailed properties verbatim: without __provider, a later Delete of that object fails in the host", async () => {
    const error = await rejectionOf(
      host.create(urn("no-provider"), withProvider({ name: "no-provider", failAfterCreate: "omit-provider" })),
    );
    expect(error.initFailed?.properties).not.toHaveProperty("__provider");
    const deleteError = await rejectionOf(host.delete(urn("no-provider"), error.initFailed?.id ?? "", error.initFailed?.properties ?? {}));
    expect(deleteError.method).toBe("delete");
    // require-from-string gets `undefined` as the provider text.
    expect(deleteError.message).toBe("code must be a string, not undefined");
    expect(readStore(app)[error.initFailed?.id ?? ""]).toBeDefined();
  });

  it("turns a provider exception into a ProviderHostError without initFailed, and collects the host's stderr", async () => {
    const error = await rejectionOf(host.check(urn("explode"), {}, withProvider({ name: "explode" })));
    expect(error.message).toBe("check exploded");
    expect(error.initFailed).toBeUndefined();
    await expect.poll(() => host.stderr).toContain("check exploded");
    const updateError = await rejectionOf(
      host.update(urn("missing"), "thing-missing", withProvider({ serial: 1 }), withProvider({ name: "missing" })),
    );
    expect(updateError.message).toBe("thing thing-missing does not exist");
    expect(updateError.initFailed).toBeUndefined();
  });

  it("logs and counts RPCs per method in the order they were sent", async () => {
    const before = host.rpcCounts();
    const start = host.rpcLog.length;
    await host.check(urn("counted"), {}, withProvider({ name: "counted" }));
    await host.check(urn("counted"), {}, withProvider({ name: "counted" }));
    await host.delete(urn("counted"), "thing-none", withProvider({ serial: 1 }));
    expect(host.rpcLog.slice(start)).toEqual([
      { method: "check", urn: urn("counted") },
      { method: "check", urn: urn("counted") },
      { method: "delete", urn: urn("counted") },
    ]);
    const after = host.rpcCounts();
    expect(after.check - before.check).toBe(2);
    expect(after.delete - before.delete).toBe(1);
    expect(after.create - before.create).toBe(0);
    expect(after.configure).toBe(1);
  });

  it("never shows the secret config value on stderr", () => {
    expect(host.stderr).not.toContain("hunter2-secret");
  });
});

describe("ProviderHost.start", () => {
  it("rejects with the host's stderr when the host cannot start", async () => {
    const error = await ProviderHost.start({ cwd: app.appDir, env: { NODE_OPTIONS: "--require=/nonexistent/preload.js" } }).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/exited with code \d+ before printing its port/);
    expect(error?.message).toContain("/nonexistent/preload.js");
  });

  it("runs from a subfolder of the app (modules resolve upwards), and stop() kills it", async () => {
    const subfolder = path.join(app.appDir, "sub", "dir");
    fs.mkdirSync(subfolder, { recursive: true });
    const second = await ProviderHost.start({ cwd: subfolder });
    try {
      await second.configure({ "fake:store": app.storePath });
      const result = await second.check(urn("subfolder"), {}, withProvider({ name: "subfolder" }));
      expect(result.failures).toEqual([]);
    } finally {
      await second.stop();
    }
    expect(second.exitStatus).not.toBeNull();
  });
});
