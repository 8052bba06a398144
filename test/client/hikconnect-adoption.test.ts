import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADOPT_KEY, IMPORT_KEY } from "../../provider/core/adoption";
import { setStackConfig } from "../../provider/core/config";
import type { DiscoveredObject, TelecomResource } from "../../provider/core/resource";
import { hikArea } from "../../provider/hikconnect/area";
import { hikAreaCamera } from "../../provider/hikconnect/area-camera";
import { HikConnectClient } from "../../provider/hikconnect/client";
import { hikDevice } from "../../provider/hikconnect/device";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { seedHikConnect, type HikSeededSubscriber as SeededSubscriber } from "../../sandbox/hikconnect";
import { PHYSICAL } from "../fixtures/hikconnect-devices";

/**
 * Issue 12 for every Hik-Connect resource: discover → import with zero writes, import by id (match,
 * mismatch, missing), adopt-or-create by natural key (absent, present, ambiguous), neighbours
 * untouched — against a seeded emulator.
 */
const SECRET_KEY = "test-only-hik-sk-adoption";
let sandbox: RunningSandbox;
let seeded: SeededSubscriber[];
const emulator = () => sandbox.hikconnect.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const WRITES = ["devices/add", "devices/update", "devices/delete", "areas/add", "areas/resources/add", "areas/resources/delete"];
const writes = () => routes().filter((r) => r !== null && WRITES.includes(r));
const nextCommand = () => {
  const c = HikConnectClient.fromConfig();
  c.devices.invalidate();
  c.areas.invalidate();
  c.cameras.invalidate();
};

beforeAll(async () => {
  sandbox = await startSandbox({ hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL, rateLimit: { limit: 1000 } } } });
  const config: Record<string, string> = {
    "hikconnect:url": sandbox.hikconnect.url,
    "hikconnect:appKey": sandbox.hikconnect.appKey,
    "hikconnect:secretKey": SECRET_KEY,
    "hikconnect:requestsPerSecond": "1000",
  };
  setStackConfig({ get: (k) => config[k] });
  seeded = seedHikConnect(emulator(), { subscribers: 40 });
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().log.clear();
  emulator().faults.clear();
  nextCommand();
});

async function collect(resource: TelecomResource, options: Parameters<NonNullable<TelecomResource["definition"]["discover"]>>[0] = {}): Promise<DiscoveredObject[]> {
  const out: DiscoveredObject[] = [];
  for await (const o of resource.definition.discover!(options)) out.push(o);
  return out;
}

/** What a generated program declares for a discovered object: its inputs, plus the write-only ones it must supply. */
function declared(resource: TelecomResource, o: DiscoveredObject): Record<string, unknown> {
  if (resource === hikDevice) {
    const d = seeded.flatMap((s) => s.devices).find((x) => x.id === o.id)!;
    return { ...o.inputs, verifyCode: d.verifyCode };
  }
  return o.inputs;
}

describe.each([
  ["HikDevice", () => hikDevice as TelecomResource, () => seeded.flatMap((s) => s.devices).length],
  ["HikArea", () => hikArea as TelecomResource, () => seeded.flatMap((s) => [s.area, ...s.subAreas]).length],
  ["HikAreaCamera", () => hikAreaCamera as TelecomResource, () => seeded.flatMap((s) => s.cameras).length],
])("%s: discover, then import with zero writes", (_name, resource, count) => {
  it("discovers every object through list pages, read-only, and each imports with no difference and no write", async () => {
    const found = await collect(resource());
    expect(found).toHaveLength(count());
    expect(new Set(found.map((o) => o.id)).size).toBe(found.length);
    expect(writes()).toEqual([]);
    const listCalls = routes().length;
    expect(listCalls).toBeLessThanOrEqual(6); // a page of 500 per list, at most three lists
    emulator().log.clear();
    for (const o of found) {
      const { inputs, failures } = await resource().check({}, { ...declared(resource(), o), [IMPORT_KEY]: o.id });
      expect(failures, `${o.id} ${JSON.stringify(o.inputs)}`).toEqual([]);
      const kept = await resource().create(inputs);
      expect(kept.id).toBe(o.id);
    }
    expect(writes()).toEqual([]);
  });

  it("honours limit and subscriberPrefix, and tells progress after each call", async () => {
    const calls: number[] = [];
    const some = await collect(resource(), { limit: 3, subscriberPrefix: "C-00001", onProgress: (n) => calls.push(n) });
    expect(some).toHaveLength(3);
    expect(some.every((o) => o.subscriber?.startsWith("C-00001"))).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
  });
});

describe("discovered objects refer to each other", () => {
  it("areas name their parent area, cameras their area; devices group by the site their channels are in", async () => {
    const areas = await collect(hikArea);
    const block = seeded.find((s) => s.subAreas.length > 0)!;
    expect(areas.find((a) => a.id === block.subAreas[0]!.id)).toEqual({
      id: block.subAreas[0]!.id,
      inputs: { name: "Entrance 1", parentAreaId: block.area.id },
      refs: { parentAreaId: { token: "hikconnect:Area", id: block.area.id } },
      subscriber: block.area.name,
      name: "Entrance 1",
    });
    const cameras = await collect(hikAreaCamera);
    const cam = block.cameras[0]!;
    expect(cameras.find((c) => c.id === cam.id)).toEqual({
      id: cam.id,
      inputs: { areaId: cam.areaId, channelId: cam.channelId, name: cam.name },
      refs: { areaId: { token: "hikconnect:Area", id: cam.areaId } },
      subscriber: block.area.name,
      name: cam.name,
    });
    const devices = await collect(hikDevice);
    const dev = block.devices[0]!;
    expect(devices.find((d) => d.id === dev.id)).toEqual({
      id: dev.id,
      inputs: { serialNo: dev.serialNo, name: dev.name, category: "encodingDevice", timeZoneId: "26" },
      subscriber: block.area.name,
      name: dev.name,
    });
  });
});

describe("import by id", () => {
  it("lists every declared input that differs, and writes nothing", async () => {
    const d = seeded[0]!.devices[0]!;
    const { failures } = await hikDevice.check({}, { serialNo: d.serialNo, verifyCode: d.verifyCode, name: "Other name", timeZoneId: "19", [IMPORT_KEY]: d.id });
    expect(failures.map((f) => f.property)).toEqual(["name", "timeZoneId"]);
    expect(failures[0]!.reason).toMatch(new RegExp(`^differs from the device ${d.id} being imported — name: declared "Other name", Hik-Connect has "${d.name}"`));
    const a = seeded[1]!.area;
    const area = await hikArea.check({}, { name: a.name, parentAreaId: seeded[0]!.area.id, [IMPORT_KEY]: a.id });
    expect(area.failures.map((f) => f.property)).toEqual(["parentAreaId"]);
    expect(writes()).toEqual([]);
  });

  it("refuses an id that does not exist (or is another kind of object) clearly", async () => {
    const d = seeded[0]!.devices[0]!;
    const { failures } = await hikDevice.check({}, { serialNo: d.serialNo, verifyCode: "X", name: "n", timeZoneId: "26", [IMPORT_KEY]: "0".repeat(32) });
    expect(failures).toEqual([{ property: IMPORT_KEY, reason: `Hik-Connect has no device with id "${"0".repeat(32)}" (it does not exist, or is another kind of object): check the id` }]);
    const area = await hikArea.check({}, { name: "x", [IMPORT_KEY]: d.id }); // a device id is no area
    expect(area.failures[0]!.reason).toMatch(/has no area with id/);
    const cam = await hikAreaCamera.check({}, { areaId: seeded[0]!.area.id, channelId: d.cameraChannels[0]!.id, name: "x", [IMPORT_KEY]: d.cameraChannels[0]!.id }); // a channel id is no camera id
    expect(cam.failures[0]!.reason).toMatch(/has no area camera with id/);
  });
});

describe("adoptExisting by natural key", () => {
  it("HikDevice: creates a device that is not there; adopts one that is (applying a differing name in place), by serial", async () => {
    const before = emulator().devices.list().length;
    const fresh = (await hikDevice.check({}, { serialNo: "Q00000001", verifyCode: "TESTAA", name: "Fresh", timeZoneId: "26", [ADOPT_KEY]: true })).inputs;
    const created = await hikDevice.create(fresh);
    expect(emulator().devices.list()).toHaveLength(before + 1);
    expect(created.id).toBe(emulator().devices.bySerial("Q00000001")!.id);

    const d = seeded[2]!.devices[0]!;
    emulator().log.clear();
    const adopt = (await hikDevice.check({}, { serialNo: d.serialNo, verifyCode: d.verifyCode, name: "Renamed by adoption", timeZoneId: "26", [ADOPT_KEY]: true })).inputs;
    const adopted = await hikDevice.create(adopt);
    expect(adopted.id).toBe(d.id);
    expect(writes()).toEqual(["devices/update"]);
    expect(emulator().devices.get(d.id)!.name).toBe("Renamed by adoption");
    emulator().devices.patch(d.id, { name: d.name });
  });

  it("HikArea: adopts the area with the same parent and name; creates one under another parent", async () => {
    const s = seeded[3]!;
    const adopt = (await hikArea.check({}, { name: s.area.name, [ADOPT_KEY]: true })).inputs;
    expect((await hikArea.create(adopt)).id).toBe(s.area.id);
    expect(writes()).toEqual([]);
    const under = (await hikArea.check({}, { name: s.area.name, parentAreaId: seeded[4]!.area.id, [ADOPT_KEY]: true })).inputs;
    const made = await hikArea.create(under);
    expect(made.id).not.toBe(s.area.id);
    expect(writes()).toEqual(["areas/add"]);
  });

  it("HikAreaCamera: adopts the camera of that channel in that area; a differing name needs a replacement, so it refuses", async () => {
    const cam = seeded[5]!.cameras[0]!;
    const same = (await hikAreaCamera.check({}, { areaId: cam.areaId, channelId: cam.channelId, name: cam.name, [ADOPT_KEY]: true })).inputs;
    expect((await hikAreaCamera.create(same)).id).toBe(cam.id);
    const renamed = (await hikAreaCamera.check({}, { areaId: cam.areaId, channelId: cam.channelId, name: "Other", [ADOPT_KEY]: true })).inputs;
    await expect(hikAreaCamera.create(renamed)).rejects.toThrow(/differs in what can only change by replacing it — name: declared "Other", Hik-Connect has/);
    expect(writes()).toEqual([]);
  });

  it("refuses to choose when the key is ambiguous, changing nothing", async () => {
    const s = seeded[6]!;
    const twin = { id: "f".repeat(32), name: s.area.name, parentAreaID: "-1", existSubArea: 0, areaPath: s.area.name };
    emulator().faults.set("areas/get", {
      status: 200,
      body: { errorCode: "0", data: { totalCount: 2, pageIndex: 1, pageSize: 500, area: [{ id: s.area.id, name: s.area.name, parentAreaID: "-1", existSubArea: 0 }, twin] } },
      times: 1,
    });
    const adopt = (await hikArea.check({}, { name: s.area.name, [ADOPT_KEY]: true })).inputs;
    await expect(hikArea.create(adopt)).rejects.toThrow(/Hik-Connect has 2 areas with parentAreaId "-1", name "C-000007 [^"]+" .* so adoptExisting cannot tell which is meant; nothing was changed/);
    expect(writes()).toEqual([]);
  });

  it("leaves every neighbour as it was", async () => {
    const state = () => JSON.stringify({ devices: emulator().devices.list().filter((d) => d.serialNo.startsWith("SD")).map((d) => ({ ...d, name: d.name })), cameras: emulator().devices.cameras() });
    const snapshot = state();
    // A look-up of a name that only shares a prefix with its neighbours.
    const prefix = (await hikArea.check({}, { name: seeded[0]!.area.name.slice(0, -1), [ADOPT_KEY]: true })).inputs;
    const made = await hikArea.create(prefix);
    expect(seeded.some((s) => s.area.id === made.id)).toBe(false);
    expect(state()).toBe(snapshot);
  });
});
