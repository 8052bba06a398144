import { describe, expect, it } from "vitest";
import { HikConnectEmulator } from "../../sandbox/hikconnect";
import { addBody, APP_KEY, callArea, DEVICES, SECRET_KEY, session, useHikConnectEmulator } from "./hikconnect-call";

/** Devices (5.2.1): add, update, detail, delete, list, against the physical registry and the guide's shapes. */
// The rate limit is tested in hikconnect-protocol; here it would only get in the way.
const hik = useHikConnectEmulator({ rateLimit: { limit: 1000 } });

async function add(serialNo: string, verifyCode: string, extra: Record<string, unknown> = {}) {
  const { token, area } = await session(hik.url);
  return { token, area, answer: await callArea(area, token, "devices/add", addBody(serialNo, verifyCode, extra)) };
}

describe("devices/add", () => {
  it("adds a device by serial and verification code; counts come as strings; deviceList names the new id", async () => {
    const { answer } = await add("T00000002", "BBBBBB");
    expect(answer.status).toBe(200);
    expect(answer.json?.errorCode).toBe("0");
    const response = (answer.json?.data as { addDeviceResponse: Record<string, unknown> }).addDeviceResponse;
    expect(response).toMatchObject({ failed: "0", succeeded: "1", total: "1" });
    const [entry] = response["deviceList"] as Array<{ deviceId: string; deviceSerial: string; alias: string }>;
    expect(entry).toMatchObject({ deviceSerial: "T00000002", alias: "cam T00000002", deviceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(hik.emulator.devices.get(entry!.deviceId)).toMatchObject({ serialNo: "T00000002", timeZoneId: "26", applyTimeZoneToDevice: true });
    expect(hik.emulator.devices.get(entry!.deviceId)!.cameraChannels).toHaveLength(4);
  });

  it.each([
    ["an unknown serial", "T99999999", "AAAAAA", "EVZ20002"],
    ["another account's device", "T00000003", "CCCCCC", "EVZ20013"],
    ["a wrong verification code", "T00000001", "ZZZZZZ", "EVZ20010"],
    ["an offline device", "T00000004", "DDDDDD", "EVZ20007"],
  ])("reports %s inside a successful answer: errorCode 0, failed 1, the code per device", async (_what, serial, code, expected) => {
    const { answer } = await add(serial, code);
    expect(answer.json?.errorCode).toBe("0");
    expect(answer.json?.data).toEqual({
      addDeviceResponse: { failed: "1", succeeded: "0", total: "1", deviceList: [{ alias: `cam ${serial}`, deviceId: "", deviceSerial: serial, errorCode: expected }] },
    });
    expect(hik.emulator.devices.list()).toEqual([]);
  });

  it("reports a device added twice with EVZ20017 and keeps the first", async () => {
    await add("T00000001", "AAAAAA");
    const { answer } = await add("T00000001", "AAAAAA");
    const list = (answer.json?.data as { addDeviceResponse: { deviceList: Array<{ errorCode: string }> } }).addDeviceResponse.deviceList;
    expect(list[0]!.errorCode).toBe("EVZ20017");
    expect(hik.emulator.devices.list()).toHaveLength(1);
  });

  it("with addFailureStyle top-level, answers the EVZ code as the errorCode", async () => {
    const other = new HikConnectEmulator({ appKey: APP_KEY, secretKey: SECRET_KEY, physicalDevices: DEVICES, addFailureStyle: "top-level", numbersAsStrings: false });
    const url = await other.start();
    try {
      const { token, area } = await session(url);
      const answer = await callArea(area, token, "devices/add", addBody("T00000001", "WRONG1"));
      expect(answer.json).toEqual({ errorCode: "EVZ20010", message: "Incorrect device verification code." });
      const okAnswer = await callArea(area, token, "devices/add", addBody("T00000001", "AAAAAA"));
      expect((okAnswer.json?.data as { addDeviceResponse: unknown }).addDeviceResponse).toMatchObject({ failed: 0, succeeded: 1, total: 1 });
    } finally {
      await other.stop();
    }
  });

  it.each([
    ["deviceInfo.name must be at most 64 characters", { deviceInfo: { name: "n".repeat(65), ezvizSerialNo: "T00000001", ezvizVerifyCode: "AAAAAA" } }],
    ["deviceInfo.password must be at most 16 characters", { deviceInfo: { name: "x", ezvizSerialNo: "T00000001", ezvizVerifyCode: "AAAAAA", password: "p".repeat(17) } }],
    ['deviceCategory "camera" is not a device category', { deviceCategory: "camera" }],
    ["timeZone is required", { timeZone: undefined }],
    ['timeZone.id "999" is not a time zone of timezone/get', { timeZone: { id: "999", applyToDevice: "0" } }],
  ])("refuses invalid parameters with OPEN000010: %s", async (reason, extra) => {
    const { answer } = await add("T00000001", "AAAAAA", extra);
    expect(answer.json).toEqual({ errorCode: "OPEN000010", message: `Parameter verification exception: ${reason}` });
    expect(hik.emulator.devices.list()).toEqual([]);
  });

  it("imports the channels into a new area named after the device when importToArea is enabled without an area (A.3.105)", async () => {
    const { answer, token, area } = await add("T00000002", "BBBBBB", { importToArea: { enable: "1", areaID: "" } });
    expect(answer.json?.errorCode).toBe("0");
    const detail = await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000002" });
    const channels = (detail.json?.data as { device: { cameraChannel: Array<{ area: { id: string; name: string } }> } }).device.cameraChannel;
    expect(channels.every((c) => c.area.name === "cam T00000002" && /^[0-9a-f]{32}$/.test(c.area.id))).toBe(true);
    const missing = await add("T00000001", "AAAAAA", { importToArea: { enable: "1", areaID: "0123456789abcdef0123456789abcdef" } });
    expect(missing.answer.json?.errorCode).toBe("OPEN000031");
  });
});

describe("devicedetail/get, devices/update, devices/delete, devices/get", () => {
  it("reads the device by serial in the guide's shape", async () => {
    const { token, area } = await add("T00000002", "BBBBBB");
    const detail = await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000002 " });
    const device = (detail.json?.data as { device: Record<string, unknown> }).device;
    expect(device).toMatchObject({
      baseInfo: { name: "cam T00000002", category: "encodingDevice", serialNo: "T00000002", type: "DS-7604NI-K1", version: "V4.62.210 build 230301", availableCameraChannelNum: "4" },
      onlineStatus: 1,
      timeZoneID: "26",
    });
    expect((device["cameraChannel"] as unknown[])[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: "Camera 01", no: "1", online: "1", area: { id: "", name: "" } });
    hik.emulator.devices.setOnline("T00000002", false);
    const offline = await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000002" });
    expect((offline.json?.data as { device: { onlineStatus: number } }).device.onlineStatus).toBe(0);
  });

  it("updates name (≤ 32), user name, password and time zone by id", async () => {
    const { token, area } = await add("T00000001", "AAAAAA");
    const id = hik.emulator.devices.bySerial("T00000001")!.id;
    const tooLong = await callArea(area, token, "devices/update", { deviceInfo: { id, name: "n".repeat(33) } });
    expect(tooLong.json).toEqual({ errorCode: "OPEN000010", message: "Parameter verification exception: deviceInfo.name must be at most 32 characters" });
    const updated = await callArea(area, token, "devices/update", { deviceInfo: { id, name: "hall", userName: "admin", password: "test-pw-1" }, timeZone: { id: "19", applyToDevice: "0" } });
    expect(updated.json).toEqual({ errorCode: "0" });
    expect(hik.emulator.devices.get(id)).toMatchObject({ name: "hall", userName: "admin", password: "test-pw-1", timeZoneId: "19", applyTimeZoneToDevice: false });
    const unknown = await callArea(area, token, "devices/update", { deviceInfo: { id: "0".repeat(32), name: "x" } });
    expect(unknown.json).toEqual({ errorCode: "VMS021307", message: "The device does not exist." });
  });

  it("deletes by id and category: a wrong category answers VMS021309, an id not on the account VMS021307 (the guide's code); the serial then reads as missing", async () => {
    const { token, area } = await add("T00000001", "AAAAAA");
    const id = hik.emulator.devices.bySerial("T00000001")!.id;
    expect((await callArea(area, token, "devices/delete", { deviceID: [id], deviceCategory: "alarmDevice" })).json).toEqual({ errorCode: "VMS021309", message: "Incorrect device type." });
    expect((await callArea(area, token, "devices/delete", { deviceID: [id], deviceCategory: "encodingDevice" })).json).toEqual({ errorCode: "0" });
    expect((await callArea(area, token, "devices/delete", { deviceID: [id], deviceCategory: "encodingDevice" })).json).toEqual({ errorCode: "VMS021307", message: "The device does not exist." });
    expect((await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000001" })).json).toEqual({ errorCode: "VMS021307", message: "The device does not exist." });
  });

  it.each(["OPEN000501", "CCF021307", "CCF038065", "VMS000003", "EVZ20002"] as const)("answers %s for a missing device when set to (the guide lists each)", async (code) => {
    const other = new HikConnectEmulator({ appKey: APP_KEY, secretKey: SECRET_KEY, physicalDevices: DEVICES, deviceNotFoundCode: code });
    const url = await other.start();
    try {
      const { token, area } = await session(url);
      expect((await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000001" })).json?.errorCode).toBe(code);
      expect((await callArea(area, token, "devices/delete", { deviceID: ["0".repeat(32)], deviceCategory: "encodingDevice" })).json?.errorCode).toBe(code);
    } finally {
      await other.stop();
    }
  });

  it("removes a deleted device's cameras from their areas", async () => {
    const { token, area } = await add("T00000002", "BBBBBB", { importToArea: { enable: "1", areaID: "" } });
    expect(hik.emulator.devices.cameras()).toHaveLength(4);
    const id = hik.emulator.devices.bySerial("T00000002")!.id;
    await callArea(area, token, "devices/delete", { deviceID: [id], deviceCategory: "encodingDevice" });
    expect(hik.emulator.devices.cameras()).toEqual([]);
  });

  it("lists devices of one area (those with a channel in it)", async () => {
    const { token, area } = await add("T00000002", "BBBBBB", { importToArea: { enable: "1", areaID: "" } });
    await callArea(area, token, "devices/add", addBody("T00000005", "EEEEEE"));
    const areaId = hik.emulator.devices.areas()[0]!.id;
    const page = await callArea(area, token, "devices/get", { pageIndex: 1, pageSize: 10, areaID: areaId });
    expect((page.json?.data as { device: Array<{ serialNo: string }> }).device.map((d) => d.serialNo)).toEqual(["T00000002"]);
    expect((await callArea(area, token, "devices/get", { pageIndex: 1, pageSize: 10, areaID: "f".repeat(32) })).json?.errorCode).toBe("OPEN000031");
  });

  it("lists devices a page at a time, filtered by category and fuzzy key", async () => {
    const { token, area } = await add("T00000001", "AAAAAA");
    await callArea(area, token, "devices/add", addBody("T00000005", "EEEEEE"));
    const page = await callArea(area, token, "devices/get", { pageIndex: 1, pageSize: 1, deviceCategory: "encodingDevice", filter: { matchKey: "T0000000" } });
    expect(page.json?.data).toMatchObject({ totalCount: 2, pageIndex: 1, pageSize: 1, device: [expect.objectContaining({ serialNo: "T00000001", onlineStatus: 1 })] });
    expect((await callArea(area, token, "devices/get", { pageIndex: 1, pageSize: 501 })).json?.errorCode).toBe("OPEN000025");
  });

  it("hides passwords, stream keys and verification codes from the state and the request log", async () => {
    const { token, area } = await add("T00000001", "AAAAAA", {
      deviceInfo: { name: "x", ezvizSerialNo: "T00000001", ezvizVerifyCode: "AAAAAA", password: "test-pw-2", streamSecretKey: "test-stream-key" },
    });
    await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000001" });
    const text = JSON.stringify([hik.emulator.state(), hik.emulator.log.entries()]);
    for (const secret of ["AAAAAA", "test-pw-2", "test-stream-key", token, SECRET_KEY]) expect(text).not.toContain(secret);
  });
});
