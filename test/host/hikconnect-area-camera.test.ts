import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedHikConnect, type AddedDevice } from "../../sandbox/hikconnect";
import { useHostFixture } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { UNKNOWN, type PropertyMap, type ProviderHost } from "../harness/provider-host";
import { PHYSICAL } from "../fixtures/hikconnect-devices";

/**
 * HikAreaCamera through the packed package and Pulumi's real dynamic-provider host, driven with the
 * engine's RPC sequences, against the Hik-Connect emulator (which counts requests itself). The
 * device and the area are made in the emulator directly: the camera's own behaviour is under test.
 */
const SECRET_KEY = "test-only-host-hik-camera-sk";
const CAMERA = "pulumi-nodejs:dynamic/hikconnect:AreaCamera";
const SECRET_CONFIG = ["hikconnect:secretKey", "hikconnect-example:verifyCode"];
const fixture = useHostFixture({
  vendor: "hikconnect",
  sandbox: { hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL, rateLimit: { limit: 100 } } } },
  secretKeys: SECRET_CONFIG,
  extraConfig: { "hikconnect:requestsPerSecond": "100", "hikconnect-example:serialNo": "Q00000001", "hikconnect-example:verifyCode": "TESTAA" },
});
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
let host: ProviderHost, config: Record<string, string>;
let provider: unknown;
let nvr: AddedDevice;
let lobby: string;
beforeAll(async () => {
  ({ host, config } = fixture);
  provider = (await fixture.program()).find((r) => r.type === CAMERA)!.inputs["__provider"];
  nvr = emulator().devices.addToAccount("Q00000002", { name: "Recorder" });
  lobby = emulator().devices.addArea("Lobby");
});
beforeEach(() => emulator().faults.clear());
const WRITES = ["areas/add", "areas/resources/add", "areas/resources/delete", "devices/add", "devices/update", "devices/delete"];
const writes = () => vendorCalls().filter((r) => r !== null && WRITES.includes(r));
const newEngine = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
function camera(inputs: Record<string, unknown>, name = "door"): ResourceDescriptor[] {
  return [{ type: CAMERA, name, inputs: { ...inputs, __provider: provider } }];
}
const channel = (i: number) => nvr.cameraChannels[i]!.id;
const DOOR = () => ({ areaId: lobby, channelId: channel(0), name: "Front door" });

describe("HikAreaCamera through the provider host", () => {
  const engine = () => fixture.engine;
  let id: string;

  it("previews a new camera with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine().preview(camera({ areaId: UNKNOWN, channelId: UNKNOWN, name: "Front door" }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine().lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("fails check naming each bad field, without a call", async () => {
    clearVendorLog();
    const [step] = await engine().preview(camera({ areaId: "", channelId: channel(0), name: "n".repeat(65) }));
    expect(step).toMatchObject({ op: "check-failed", failures: [{ property: "areaId", reason: "must not be empty" }, { property: "name", reason: "must be at most 64 characters" }] });
    expect(vendorCalls()).toEqual([]);
  });

  it("creates it: areas/resources/add and the read-back; the id is the camera's", async () => {
    clearVendorLog();
    const [step] = await engine().up(camera(DOOR()));
    id = step!.id!;
    expect(emulator().devices.cameras()).toEqual([{ id, name: "Front door", areaId: lobby, channelId: channel(0), deviceId: nvr.id }]);
    expect(vendorCalls()).toEqual(["token/get", "areas/resources/add", "areas/cameras/get"]);
    expect(Object.values(engine().state())[0]!.outputs).toMatchObject({ ...DOOR(), cameraId: id, deviceId: nvr.id, deviceSerialNo: "Q00000002", channelNo: 1, online: true });
    expect(engine().stateJson()).not.toContain(SECRET_KEY);
  });

  it("refreshes with one areas/cameras/get and no change; the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine().refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(["areas/cameras/get"]);
    clearVendorLog();
    expect((await engine().preview(camera(DOOR()))).map((s) => s.op)).toEqual(["same"]);
    expect((await engine().up(camera(DOOR()))).map((s) => s.op)).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("replaces on a new name, removing the old camera first (one channel, one camera)", async () => {
    clearVendorLog();
    const [plan] = await engine().preview(camera({ ...DOOR(), name: "Main door" }));
    expect(plan).toMatchObject({ op: "replace", replaceOrder: "delete-before-create", diff: { replaces: ["name"] } });
    const steps = await engine().up(camera({ ...DOOR(), name: "Main door" }));
    expect(steps.map((s) => [s.op, s.replacedId])).toEqual([
      ["delete", id],
      ["replace", undefined],
    ]);
    expect(vendorCalls()).toEqual(["areas/resources/delete", "areas/resources/add", "areas/cameras/get"]);
    id = steps[1]!.id!;
    expect(emulator().devices.cameras().map((c) => [c.id, c.name])).toEqual([[id, "Main door"]]);
  });

  it("shows a rename made in the portal on refresh, and the next plan replaces it", async () => {
    const e = newEngine();
    const [made] = await e.up(camera({ areaId: lobby, channelId: channel(3), name: "Yard" }, "yard"));
    emulator().devices.renameCamera(made!.id!, "Renamed in portal");
    expect(await e.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    const [plan] = await e.preview(camera({ areaId: lobby, channelId: channel(3), name: "Yard" }, "yard"));
    expect(plan).toMatchObject({ op: "replace", diff: { replaces: ["name"] } });
    await e.destroy();
  });

  it("deletes; deleting again succeeds (OPEN000503: gone), and a refresh of it is gone", async () => {
    const [state] = Object.values(engine().state());
    const outputs = { ...state!.outputs };
    clearVendorLog();
    expect(await engine().destroy()).toMatchObject([{ op: "delete", id }]);
    expect(vendorCalls()).toEqual(["areas/resources/delete"]);
    expect(emulator().devices.cameras()).toEqual([]);
    const urn = engine().urnOf(CAMERA, "door");
    await expect(host.delete(urn, id, outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, id, outputs, {})).id).toBe("");
  });

  it("never duplicates a camera whose create answer was lost, and keeps one whose read-back failed, finishing it on the next up", async () => {
    const lost = newEngine();
    emulator().faults.set("areas/resources/add", { drop: "after", times: 1 });
    const [made] = await lost.up(camera({ areaId: lobby, channelId: channel(1), name: "Stairs" }, "stairs"));
    expect(emulator().devices.cameras().map((c) => c.id)).toEqual([made!.id]);
    await lost.destroy();

    const partial = newEngine();
    emulator().faults.set("areas/cameras/get", { status: 500, body: "down" });
    const [failed] = await partial.up(camera({ areaId: lobby, channelId: channel(1), name: "Stairs" }, "stairs"));
    emulator().faults.clear();
    const [cam] = emulator().devices.cameras();
    expect(failed).toMatchObject({ op: "create", id: cam!.id, initFailed: { id: cam!.id } });
    expect(await partial.up(camera({ areaId: lobby, channelId: channel(1), name: "Stairs" }, "stairs"))).toMatchObject([{ op: "update", id: cam!.id }]);
    expect(Object.values(partial.state())[0]!.outputs).toMatchObject({ deviceId: nvr.id, channelNo: 2 });
    expect(emulator().devices.cameras()).toHaveLength(1);
    await partial.destroy();
  });

  it("imports by id (match: no writes; mismatch: every difference; missing: named) and adopts by area and channel", async () => {
    const existing = emulator().devices.importChannel(channel(2), lobby, "Made in the portal");
    const e = newEngine();
    const mismatch = await e.preview(camera({ areaId: lobby, channelId: channel(2), name: "Other", __import: existing }));
    expect(mismatch[0]!.failures!.map((f) => f.property)).toEqual(["name"]);
    const missing = await e.preview(camera({ ...DOOR(), __import: channel(2) }));
    expect(missing[0]!.failures![0]!.reason).toMatch(/has no area camera with id/);
    clearVendorLog();
    expect(await e.up(camera({ areaId: lobby, channelId: channel(2), name: "Made in the portal", __import: existing }))).toMatchObject([{ op: "create", id: existing }]);
    expect(writes()).toEqual([]);
    const adopt = newEngine();
    expect(await adopt.up(camera({ areaId: lobby, channelId: channel(2), name: "Made in the portal", __adopt: true }))).toMatchObject([{ op: "create", id: existing }]);
    expect(writes()).toEqual([]);
    const fresh = newEngine();
    const [created] = await fresh.up(camera({ areaId: lobby, channelId: channel(0), name: "Door again", __adopt: true }));
    expect(emulator().devices.cameras().find((c) => c.id === created!.id)).toMatchObject({ channelId: channel(0) });
    const twin = { id: "d".repeat(32), name: "x", online: "1", area: { id: lobby, name: "Lobby" }, device: { devInfo: { id: nvr.id, serialNo: "Q00000002" }, channelInfo: { id: channel(2), no: "3" } } };
    emulator().faults.set("areas/cameras/get", { status: 200, body: { errorCode: "0", data: { totalCount: 2, pageIndex: 1, pageSize: 500, camera: [{ ...twin, id: existing }, twin] } }, times: 1 });
    const [refused] = await newEngine().up(camera({ areaId: lobby, channelId: channel(2), name: "x", __adopt: true }));
    expect(refused!.error).toMatch(/has 2 area cameras with areaId .* so adoptExisting cannot tell which is meant; nothing was changed/);
    emulator().devices.removeCamera(existing);
    emulator().devices.removeCamera(created!.id!);
  });

  it("refreshes 600 cameras read 64 at a time with 2 areas/cameras/get calls, and leaves the neighbours alone", async () => {
    const cameras = seedHikConnect(emulator(), { subscribers: 420, firstContract: 5000 })
      .flatMap((s) => s.cameras)
      .slice(0, 600);
    const before = JSON.stringify(emulator().devices.cameras());
    const reader = await startHost();
    await reader.configure(config, { secretKeys: SECRET_CONFIG });
    clearVendorLog();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < cameras.length) {
          const c = cameras[next++]!;
          const outputs = { areaId: c.areaId, channelId: c.channelId, name: c.name, cameraId: c.id, __provider: provider } as PropertyMap;
          ids.push((await reader.read(fixture.engine.urnOf(CAMERA, c.id), c.id, outputs, {})).id);
        }
      }),
    );
    expect(ids.sort()).toEqual(cameras.map((c) => c.id).sort());
    expect(vendorCalls().filter((r) => r !== "token/get").length).toBeLessThanOrEqual(3);
    expect(new Set(vendorCalls())).toEqual(new Set(["token/get", "areas/cameras/get"]));
    expect(JSON.stringify(emulator().devices.cameras())).toBe(before);
  });
});
