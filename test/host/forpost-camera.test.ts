import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { READ_CALLS } from "../fixtures/forpost-acme";
import { CAMERA_CREATE_CALLS } from "../fixtures/forpost-subscriber";
import { named, resolved, TYPES, writesOf } from "./forpost-stack";

/** ForpostCamera through the packed package and the real dynamic-provider host, against the emulator. */
const ADMIN_PASSWORD = "test-only-host-forpost-camera-admin-pw";
const CAMERA_PASSWORD = "test-only-host-camera-pw-1";
const secretKeys = ["forpost:adminPassword", "forpost-example:cameraPassword"];
const fixture = useHostFixture({
  vendor: "forpost",
  sandbox: { forpost: { adminPassword: ADMIN_PASSWORD } },
  secretKeys,
  extraConfig: { "forpost-example:cameraPassword": CAMERA_PASSWORD },
});
const { vendorCalls, clearVendorLog, program } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let account: ResourceDescriptor, camera: ResourceDescriptor;
const emulator = () => sandbox.forpost.emulator;
const stack = (c: ResourceDescriptor = camera, e: MiniEngine = engine) => [account, resolved(e, c)];
const settle = () => new Promise((r) => setTimeout(r, 1100));
const urn = () => engine.urnOf(TYPES.camera, "front-door");

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  const regs = await program();
  account = named(regs, "acme");
  camera = named(regs, "front-door");
});

describe("ForpostCamera through the provider host", () => {
  it("previews with Check only and no vendor call, unknowns accepted; names bad inputs", async () => {
    clearVendorLog();
    const steps = await engine.preview([account, withInputs([camera], { accountId: UNKNOWN, masterId: UNKNOWN })[0]!]);
    expect(steps.map((s) => s.op)).toEqual(["create", "create"]);
    const [bad] = await engine.preview(withInputs([camera], { accountId: "1001", port: 0, ipOrDomain: undefined, name: "" }));
    expect(bad!.failures).toEqual([
      { property: "name", reason: "must not be empty" },
      { property: "port", reason: "must be a port number from 1 to 65535" },
    ]);
    const [missing] = await engine.preview(withInputs([camera], { accountId: "1001", ipOrDomain: undefined }));
    expect(missing!.failures).toEqual([{ property: "ipOrDomain", reason: "is required to create a camera (AddCamera needs it)" }]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the camera without Forpost contacting it; the password stays secret", async () => {
    await engine.up([account]);
    clearVendorLog();
    expect((await engine.up(stack())).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "7001"]]);
    expect(vendorCalls()).toEqual(CAMERA_CREATE_CALLS);
    expect(emulator().log.entries("AddCamera")[0]!.params).toMatchObject({ SkipCameraCheck: "1", IPOrDomain: "192.0.2.10", MasterID: "1", RecordType: "1" });
    expect(emulator().cameras.passwordMatches(7001, CAMERA_PASSWORD)).toBe(true);
    expect(engine.state()[urn()]!.secretOutputKeys).toContain("password");
  });

  it("refreshes without change (one GetCameras), and the next plan calls nothing", async () => {
    await settle();
    clearVendorLog();
    expect((await engine.refresh()).map((s) => s.changed)).toEqual([false, false]);
    expect(vendorCalls()).toEqual([...READ_CALLS, "GetCameras"]);
    clearVendorLog();
    expect((await engine.up(stack())).map((s) => s.op)).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates in place with EditCamera (the changed fields only), and replaces on a new cluster, old camera first", async () => {
    const moved = resolved(engine, named(await program({ "forpost-example:cameraAddress": "192.0.2.11" }), "front-door"));
    clearVendorLog();
    expect((await engine.up([account, moved])).map((s) => s.op)).toEqual(["same", "update"]);
    const { AdminLogin: _l, AdminPassword: _p, ...sent } = emulator().log.entries("EditCamera")[0]!.params;
    expect(sent).toEqual({ ID: "7001", IPOrDomain: "192.0.2.11", SkipCameraCheck: "1" });
    const kazan = resolved(engine, named(await program({ "forpost-example:cameraAddress": "192.0.2.11", "forpost-example:cluster": "Казань-1" }), "front-door"));
    expect((await engine.preview([account, kazan]))[1]).toMatchObject({ op: "replace", replaceOrder: "delete-before-create" });
    clearVendorLog();
    const steps = await engine.up([account, kazan]);
    expect(steps.map((s) => s.op)).toEqual(["same", "delete", "replace"]);
    expect(writesOf(vendorCalls())).toEqual(["DeleteCamera", "AddCamera"]);
    expect(emulator().cameras.list().map((c) => [c.ID, c.MasterID])).toEqual([[7002, 2]]);
    camera = named(await program({ "forpost-example:cameraAddress": "192.0.2.11", "forpost-example:cluster": "Казань-1" }), "front-door");
  });

  it("shows drift in what GetCameras returns; a camera moved to another account is gone for this stack", async () => {
    emulator().cameras.patch(7002, { IsActive: 0, RecordType: 3 });
    await settle();
    expect((await engine.refresh())[1]).toMatchObject({ op: "refresh", changed: true });
    expect(engine.state()[urn()]!.inputs).toMatchObject({ recordTypeId: 3 });
    expect((await engine.preview(stack())).map((s) => s.op)).toEqual(["same", "update"]);
    await engine.up(stack());
    expect(emulator().cameras.get(7002)?.RecordType).toBe(1);
    const other = emulator().accounts.add({ Name: "Other", MaxCameraCount: 1, MaxLoginCount: 1, MaxCameraOnlineTranslationCount: 1, MaxCameraArchivalTranslationCount: 1, MaxCameraUserOnlineTranslationCount: 1, MaxCameraUserArchivalTranslationCount: 1, ContractNumber: "C-OTHER" });
    emulator().cameras.patch(7002, { AccountID: other.ID });
    await settle();
    expect((await engine.refresh())[1]).toMatchObject({ op: "gone" });
    clearVendorLog();
    expect((await engine.up(stack())).map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["create", "7003"]]);
    expect(emulator().cameras.get(7002)).toMatchObject({ AccountID: other.ID }); // the neighbour's now: untouched
  });

  it("destroys; deleting again and reading a deleted camera both succeed", async () => {
    const state = engine.state()[urn()]!;
    clearVendorLog();
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete", "delete"]);
    expect(writesOf(vendorCalls())).toEqual(["DeleteCamera", "DeleteAccount"]);
    await expect(host.delete(urn(), state.id, state.outputs)).resolves.toBeUndefined();
    expect((await host.read(urn(), state.id, state.outputs, {})).id).toBe("");
    expect(emulator().cameras.list().map((c) => c.ID)).toEqual([7002]);
  });

  it("never duplicates after a lost AddCamera answer; keeps a camera whose read-back failed", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await fresh.up([account]);
    emulator().faults.set("AddCamera", { drop: "after", times: 1 });
    expect((await fresh.up(stack(camera, fresh))).map((s) => s.id)).toEqual(["1001", "7001"]);
    expect(emulator().cameras.list()).toHaveLength(1);
    await fresh.destroy();
    emulator().reset();
    const again = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await again.up([account]);
    emulator().faults.set("GetCameras", { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" }, times: 4 });
    const [, step] = await again.up(stack(camera, again));
    expect(step!.initFailed?.id).toBe("7001");
    emulator().faults.clear();
    expect((await again.up(stack(camera, again))).map((s) => s.op)).toEqual(["same", "update"]);
    expect(emulator().cameras.list()).toHaveLength(1);
    await again.destroy();
  });

  it("imports by id (checking the declared account lists it) and adopts by account + name; two of a name are an error", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await fresh.up([account]);
    const portal = () => emulator().cameras.add({ AccountID: 1001, Name: "Front door", MasterID: 2, Login: "admin", IPOrDomain: "10.0.0.1", Port: 554, RecordType: 1 });
    portal();
    clearVendorLog();
    const importing = withInputs([resolved(fresh, camera)], { __import: "7001" })[0]!;
    expect((await fresh.preview([account, importing]))[1]!.op).toBe("create");
    expect((await fresh.preview([account, withInputs([importing], { isSound: true })[0]!]))[1]!.failures!.map((f) => f.property)).toEqual(["isSound"]);
    expect((await fresh.up([account, importing])).map((s) => s.id)).toEqual(["1001", "7001"]);
    expect(writesOf(vendorCalls())).toEqual([]);
    await fresh.destroy();

    emulator().reset();
    const second = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await second.up([account]);
    portal();
    portal();
    const [, ambiguous] = await second.up([account, withInputs([resolved(second, camera)], { __adopt: true })[0]!]);
    expect(ambiguous!.error).toMatch(/has 2 cameras with accountId "1001", name "Front door" \(id 7001 "Front door", 7002 "Front door"\), so adoptExisting cannot tell which is meant; nothing was changed/);
    emulator().cameras.delete(7002);
    expect((await second.up([account, withInputs([resolved(second, camera)], { __adopt: true })[0]!])).map((s) => s.id)).toEqual(["1001", "7001"]);
    await second.destroy();
  });

  it("answers concurrent Reads of many cameras with one GetCameras per account", async () => {
    emulator().reset();
    await host.configure(config, { secretKeys });
    const { subscribers } = emulator().seed({ accounts: 6, usersPerAccount: 0, camerasPerAccount: 5 });
    clearVendorLog();
    const props = (accountId: number) => ({ __provider: camera.inputs["__provider"], accountId: String(accountId), __declared: ["accountId", "name"] });
    const reads = await Promise.all(subscribers.flatMap((s) => s.cameraIds.map((id) => host.read(urn(), String(id), props(s.accountId), {}))));
    expect(reads.filter((r) => r.id !== "")).toHaveLength(30);
    expect(vendorCalls()).toEqual(Array(6).fill("GetCameras"));
  });

  it("never leaves a password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) for (const secret of [ADMIN_PASSWORD, CAMERA_PASSWORD]) expect(text).not.toContain(secret);
  });
});
