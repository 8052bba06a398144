import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { hikArea } from "../../provider/hikconnect/area";
import { hikAreaCamera } from "../../provider/hikconnect/area-camera";
import { HikConnectClient } from "../../provider/hikconnect/client";
import { hikDevice } from "../../provider/hikconnect/device";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { seedHikConnect, type HikSeededSubscriber as SeededSubscriber } from "../../sandbox/hikconnect";

/**
 * Coalesced refresh at scale, at the guide's real limit (the emulator refuses the 6th request in a
 * second; the provider runs at its default 4/s): ~1,000 objects of each kind read the way the
 * engine reads them during `pulumi refresh --parallel 64`, counted by the emulator itself.
 */
const SECRET_KEY = "test-only-hik-sk-refresh";
const SUBSCRIBERS = 1000;
const PARALLEL = 64;
let sandbox: RunningSandbox;
let seeded: SeededSubscriber[];
const emulator = () => sandbox.hikconnect.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
/** A later `pulumi refresh` is a new process: no list in hand. */
const nextCommand = () => HikConnectClient.fromConfig().devices.invalidate();

beforeAll(async () => {
  sandbox = await startSandbox({ hikconnect: { secretKey: SECRET_KEY } });
  const config: Record<string, string> = {
    "hikconnect:url": sandbox.hikconnect.url,
    "hikconnect:appKey": sandbox.hikconnect.appKey,
    "hikconnect:secretKey": SECRET_KEY,
  };
  setStackConfig({ get: (k) => config[k] });
  seeded = seedHikConnect(emulator(), { subscribers: SUBSCRIBERS });
});
afterAll(() => sandbox.stop());

/** Reads the way the engine does: at most `parallel` in flight, the next as soon as one finishes. */
async function refresh<T>(items: T[], read: (item: T) => Promise<{ id?: string }>): Promise<{ ms: number; gone: number }> {
  const started = Date.now();
  let next = 0;
  let gone = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) {
        const r = await read(items[next++]!);
        if (!r.id) gone++;
      }
    }),
  );
  return { ms: Date.now() - started, gone };
}

describe(`refresh of ${SUBSCRIBERS} seeded subscribers at --parallel ${PARALLEL}, 5 requests/s`, () => {
  it("devices: one devices/get per 500 devices, no devicedetail/get for unchanged ones, within the limit", async () => {
    const devices = seeded.flatMap((s) => s.devices);
    emulator().log.clear();
    const before = emulator().accountingSnapshot().rate;
    const { ms, gone } = await refresh(devices, (d) =>
      hikDevice.read(d.id, { serialNo: d.serialNo, verifyCode: d.verifyCode, name: d.name, category: d.category, timeZoneId: d.timeZoneId, applyTimeZoneToDevice: true, deviceId: d.id, model: d.model, firmwareVersion: d.firmwareVersion, online: true, cameraChannels: d.cameraChannels }),
    );
    const calls = routes().filter((r) => r !== "token/get");
    console.log(`hikconnect refresh: ${devices.length} devices, ${calls.length} calls (${JSON.stringify(countBy(calls))}), ${ms} ms`);
    expect(gone).toBe(0);
    expect(calls.every((r) => r === "devices/get")).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(devices.length / 500) + 1);
    expect(emulator().accountingSnapshot().rate.rejected - before.rejected).toBe(0);
  });

  it("devices: a device that went offline costs one devicedetail/get (its channels), one deleted behind our back one more to confirm", async () => {
    const devices = seeded.flatMap((s) => s.devices).slice(0, 600);
    emulator().devices.setOnline(devices[10]!.serialNo, false);
    emulator().devices.delete(devices[20]!.id);
    nextCommand();
    emulator().log.clear();
    const { gone } = await refresh(devices, (d) =>
      hikDevice.read(d.id, { serialNo: d.serialNo, name: d.name, category: d.category, timeZoneId: d.timeZoneId, deviceId: d.id, model: d.model, firmwareVersion: d.firmwareVersion, online: true, cameraChannels: d.cameraChannels }),
    );
    expect(gone).toBe(1);
    expect(countBy(routes().filter((r) => r !== "token/get"))).toEqual({ "devices/get": Math.ceil((seeded.flatMap((s) => s.devices).length - 1) / 500), "devicedetail/get": 2 });
    expect(emulator().accountingSnapshot().rate.rejected).toBe(0);
  });

  it("areas: one areas/get per 500 areas (or areadetail/get by id while that is cheaper)", async () => {
    const areas = seeded.flatMap((s) => [s.area, ...s.subAreas]);
    emulator().log.clear();
    const { ms, gone } = await refresh(areas, (a) => hikArea.read(a.id, { name: a.name, parentAreaId: a.parentId, onDestroy: "retain", areaId: a.id }));
    const calls = routes().filter((r) => r !== "token/get");
    console.log(`hikconnect refresh: ${areas.length} areas, ${calls.length} calls (${JSON.stringify(countBy(calls))}), ${ms} ms`);
    expect(gone).toBe(0);
    expect(calls.every((r) => r === "areas/get" || r === "areadetail/get")).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(areas.length / 500));
    expect(emulator().accountingSnapshot().rate.rejected).toBe(0);
  });

  it("area cameras: one areas/cameras/get per 500 cameras (a list page, or 500 ids)", async () => {
    // Less those of the device deleted above: they went with it.
    const cameras = seeded.flatMap((s) => s.cameras).filter((c) => emulator().devices.get(c.deviceId));
    emulator().log.clear();
    const { ms, gone } = await refresh(cameras, (c) => hikAreaCamera.read(c.id, { areaId: c.areaId, channelId: c.channelId, name: c.name, cameraId: c.id }));
    const calls = routes().filter((r) => r !== "token/get");
    console.log(`hikconnect refresh: ${cameras.length} area cameras, ${calls.length} calls (${JSON.stringify(countBy(calls))}), ${ms} ms`);
    expect(gone).toBe(0);
    expect(calls.every((r) => r === "areas/cameras/get")).toBe(true);
    // The floor is a call per 500 (pages, or 500 ids): while the rest of the list is not read yet,
    // a batch of reads missing from page 1 is looked up by id as long as that stays cheaper.
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(cameras.length / 500));
    expect(emulator().accountingSnapshot().rate.rejected).toBe(0);
  });

  it("one device far down the list: page 1, then devicedetail/get (cheaper than the other pages)", async () => {
    const few = seeded[990]!.devices.slice(0, 1);
    nextCommand();
    emulator().log.clear();
    await refresh(few, (d) =>
      hikDevice.read(d.id, { serialNo: d.serialNo, name: d.name, category: d.category, timeZoneId: d.timeZoneId, deviceId: d.id, model: d.model, firmwareVersion: d.firmwareVersion, online: true, cameraChannels: d.cameraChannels }),
    );
    expect(countBy(routes().filter((r) => r !== "token/get"))).toEqual({ "devices/get": 1, "devicedetail/get": 1 });
  });
});

function countBy(values: Array<string | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
