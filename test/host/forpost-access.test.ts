import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";
import { ACCESS_CREATE_CALLS } from "../fixtures/forpost-subscriber";
import { named, resolvedAll, TYPES, writesOf } from "./forpost-stack";

/** ForpostUserCameraAccess through the packed package and the real dynamic-provider host, against the emulator. */
const ADMIN_PASSWORD = "test-only-host-forpost-access-admin-pw";
const USER_PASSWORD = "test-only-host-access-viewer-pw";
const secretKeys = ["forpost:adminPassword", "forpost-example:userPassword"];
const fixture = useHostFixture({
  vendor: "forpost",
  sandbox: { forpost: { adminPassword: ADMIN_PASSWORD } },
  secretKeys,
  extraConfig: { "forpost-example:userPassword": USER_PASSWORD },
});
const { vendorCalls, clearVendorLog, program } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let account: ResourceDescriptor, camera: ResourceDescriptor, viewer: ResourceDescriptor, access: ResourceDescriptor;
const emulator = () => sandbox.forpost.emulator;
const settle = () => new Promise((r) => setTimeout(r, 1100));
const urn = () => engine.urnOf(TYPES.access, "viewer-front-door");

/** The whole example, created step by step (each resource's references resolved once they exist). */
async function upAll(e: MiniEngine, a: ResourceDescriptor = access): Promise<void> {
  await e.up([account]);
  await e.up(resolvedAll(e, [account, camera, viewer]));
  await e.up(resolvedAll(e, [account, camera, viewer, a]));
}
const stack = (e: MiniEngine = engine, a: ResourceDescriptor = access) => resolvedAll(e, [account, camera, viewer, a]);

beforeAll(async () => {
  ({ sandbox, host, engine, config } = fixture);
  const regs = await program();
  [account, camera, viewer, access] = ["acme", "front-door", "viewer", "viewer-front-door"].map((n) => named(regs, n)) as unknown as [ResourceDescriptor, ResourceDescriptor, ResourceDescriptor, ResourceDescriptor];
});

describe("ForpostUserCameraAccess through the provider host", () => {
  it("previews with Check only, ids unknown; refuses rights that grant nothing, by name", async () => {
    clearVendorLog();
    const steps = await engine.preview(withInputs([access], { userId: UNKNOWN, cameraId: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    const [bad] = await engine.preview(withInputs([access], { userId: "5001", cameraId: "7001", review: false, viewArchive: false, download: false }));
    expect(bad!.failures).toEqual([{ property: "review", reason: "every right is false, which Forpost cannot tell from no access at all: grant at least one right, or delete this resource to revoke access" }]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the rights: id <user>/<camera>, three calls", async () => {
    await engine.up([account]);
    await engine.up(resolvedAll(engine, [account, camera, viewer]));
    clearVendorLog();
    const steps = await engine.up(stack());
    expect(steps.map((s) => [s.op, s.id])).toEqual([["same", "1001"], ["same", "7001"], ["same", "5001"], ["create", "5001/7001"]]);
    expect(vendorCalls()).toEqual(ACCESS_CREATE_CALLS);
    expect(emulator().access.get(5001, 7001)).toMatchObject({ Review: 1, ViewArchive: 1, Admin: 0, PTZ: 0, Download: 1, Snapshot: 0 });
  });

  it("refreshes without change, and the next plan calls nothing", async () => {
    await settle();
    clearVendorLog();
    expect((await engine.refresh()).every((s) => s.op === "refresh" && !s.changed)).toBe(true);
    expect(vendorCalls().filter((c) => c === "GetUserCameraAccessRights")).toHaveLength(1);
    clearVendorLog();
    expect((await engine.up(stack())).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates the rights in place, sending all six; drift shows on refresh; all-zero rights read as gone", async () => {
    const more = withInputs([access], { snapshot: true })[0]!;
    clearVendorLog();
    expect((await engine.up(stack(engine, more))).map((s) => s.op)).toEqual(["same", "same", "same", "update"]);
    expect(writesOf(vendorCalls())).toEqual(["UpdateUserCameraAccessRights"]);
    expect(emulator().log.entries("UpdateUserCameraAccessRights")[0]!.params).toMatchObject({ Review: "1", ViewArchive: "1", Admin: "0", PTZ: "0", Download: "1", Snapshot: "1" });
    emulator().access.set(5001, 7001, { Review: 1 });
    await settle();
    expect((await engine.refresh())[3]).toMatchObject({ op: "refresh", changed: true });
    expect(engine.state()[urn()]!.inputs).toMatchObject({ viewArchive: false, download: false, snapshot: false });
    emulator().access.set(5001, 7001, {});
    await settle();
    expect((await engine.refresh())[3]).toMatchObject({ op: "gone" });
    expect((await engine.up(stack())).map((s) => s.op)).toEqual(["same", "same", "same", "create"]);
    expect(emulator().access.get(5001, 7001)).toMatchObject({ Review: 1, ViewArchive: 1, Snapshot: 0 });
  });

  it("replaces when the camera changes; destroy revokes; deleting again succeeds", async () => {
    const second = emulator().cameras.add({ AccountID: 1001, Name: "Двор", MasterID: 1, Login: "admin", IPOrDomain: "10.0.0.2", Port: 554 });
    const other = withInputs([access], { cameraId: String(second.ID) })[0]!;
    clearVendorLog();
    expect((await engine.up(stack(engine, other))).map((s) => s.op)).toEqual(["same", "same", "same", "replace", "delete"]);
    expect(emulator().access.get(5001, second.ID)).toMatchObject({ Review: 1 });
    expect(emulator().access.get(5001, 7001)).toMatchObject({ Review: 0, ViewArchive: 0, Download: 0 });
    const state = engine.state()[urn()]!;
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete", "delete", "delete", "delete"]);
    await expect(host.delete(urn(), state.id, state.outputs)).resolves.toBeUndefined();
    expect((await host.read(urn(), state.id, state.outputs, {})).id).toBe("");
  });

  it("survives a lost answer without duplicating, keeps rights whose read-back failed, and imports existing rights", async () => {
    emulator().reset();
    const fresh = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    emulator().faults.set("UpdateUserCameraAccessRights", { drop: "after", times: 1 });
    await upAll(fresh);
    expect(Object.values(fresh.state()).map((s) => s.id)).toEqual(["1001", "7001", "5001", "5001/7001"]);
    await fresh.destroy();

    emulator().reset();
    const again = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await again.up([account]);
    await again.up(resolvedAll(again, [account, camera, viewer]));
    emulator().faults.set("GetUserCameraAccessRights", { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" }, times: 4 });
    const steps = await again.up(stack(again));
    expect(steps[3]!.initFailed?.id).toBe("5001/7001");
    emulator().faults.clear();
    expect((await again.up(stack(again)))[3]!.op).toBe("update");

    // Import the rights the portal set: a match writes nothing, a mismatch lists the rights.
    const imported = new MiniEngine(host, { config, secretConfigKeys: secretKeys });
    await imported.up([withInputs([account], { __import: "1001" })[0]!]);
    await imported.up(resolvedAll(imported, [account, withInputs([camera], { __import: "7001" })[0]!, withInputs([viewer], { __import: "5001" })[0]!]));
    const importing = withInputs([access], { __import: "5001/7001" })[0]!;
    expect((await imported.preview(stack(imported, withInputs([importing], { ptz: true })[0]!)))[3]!.failures!.map((f) => f.property)).toEqual(["ptz"]);
    clearVendorLog();
    expect((await imported.up(stack(imported, importing)))[3]).toMatchObject({ op: "create", id: "5001/7001" });
    expect(writesOf(vendorCalls())).toEqual([]);
  });

  it("answers concurrent Reads of one user's rights on many cameras with one call", async () => {
    emulator().reset();
    await host.configure(config, { secretKeys });
    const { subscribers } = emulator().seed({ accounts: 1, usersPerAccount: 2, camerasPerAccount: 10 });
    const [s] = subscribers;
    clearVendorLog();
    const reads = await Promise.all(s!.cameraIds.map((c) => host.read(urn(), `${s!.userIds[1]}/${c}`, { __provider: access.inputs["__provider"] }, {})));
    expect(reads.filter((r) => r.id !== "")).toHaveLength(10);
    expect(vendorCalls()).toEqual(["GetUserCameraAccessRights"]);
  });

  it("never leaves a password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) for (const secret of [ADMIN_PASSWORD, USER_PASSWORD]) expect(text).not.toContain(secret);
  });
});
