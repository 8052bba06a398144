import { DEVICE_NOT_FOUND, EVZ, HikError, OPEN, VMS, type DeviceNotFoundCode, type EvzCode } from "./hikconnect-answers";
import { DEVICE_CATEGORIES, newId, ROOT_AREA, type AddedDevice, type DeviceCategory, type DeviceStore } from "./hikconnect-devices";

export type Body = Record<string, unknown>;

export interface MethodContext {
  store: DeviceStore;
  timeZoneIds: readonly string[];
  /** Render the guide's Integer fields as strings (`"failed": "0"`), as its examples often do. */
  numbersAsStrings: boolean;
  /** Where a failed devices/add reports the code; see HikConnectEmulatorOptions.addFailureStyle. */
  addFailureStyle: "per-device" | "top-level";
  /** What devicedetail/get answers for a serial not on the account. */
  detailNotFound: "error" | "empty";
  /** The code of "device does not exist" (devicedetail/get, devices/update, devices/delete). */
  deviceNotFoundCode: DeviceNotFoundCode;
}

/** "The device does not exist", with the code the emulator is set to answer. */
export function deviceNotFound(ctx: MethodContext): HikError {
  return new HikError(ctx.deviceNotFoundCode, DEVICE_NOT_FOUND[ctx.deviceNotFoundCode]);
}

// ---- reading request bodies (every field is checked against the guide's "maximum length") ----

export function object(body: Body, key: string, required: boolean): Body | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw OPEN.verification(`${key} is required`);
    return undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) throw OPEN.conversion(`${key} must be an object`);
  return value as Body;
}

export function text(body: Body, key: string, opts: { required?: boolean; max: number; path?: string }): string | undefined {
  const name = opts.path ? `${opts.path}.${key}` : key;
  const value = body[key];
  if (value === undefined || value === null || value === "") {
    if (opts.required) throw OPEN.verification(`${name} is required`);
    return undefined;
  }
  // The guide's examples send numbers as strings and vice versa; both are read.
  if (typeof value !== "string" && typeof value !== "number") throw OPEN.conversion(`${name} must be a string`);
  const s = String(value);
  if (s.length > opts.max) throw OPEN.verification(`${name} must be at most ${opts.max} characters`);
  return s;
}

export function flag(body: Body, key: string, path: string, fallback: boolean): boolean {
  const value = body[key];
  if (value === undefined || value === null || value === "") return fallback;
  if (value === "1" || value === 1) return true;
  if (value === "0" || value === 0) return false;
  throw OPEN.verification(`${path}.${key} must be "0" or "1"`);
}

function category(body: Body, key: string): DeviceCategory {
  const value = text(body, key, { required: true, max: 32 })!;
  if (!(DEVICE_CATEGORIES as readonly string[]).includes(value)) throw OPEN.verification(`${key} ${JSON.stringify(value)} is not a device category`);
  return value as DeviceCategory;
}

function timeZone(body: Body, ctx: MethodContext, required: boolean): { id: string; apply: boolean } | undefined {
  const tz = object(body, "timeZone", required);
  if (!tz) return undefined;
  const id = text(tz, "id", { required: true, max: 8, path: "timeZone" })!;
  if (!ctx.timeZoneIds.includes(id)) throw OPEN.verification(`timeZone.id ${JSON.stringify(id)} is not a time zone of timezone/get`);
  // A.3.161 marks applyToDevice required; the emulator reads a missing one as "0".
  return { id, apply: flag(tz, "applyToDevice", "timeZone", false) };
}

const n = (ctx: MethodContext, value: number) => (ctx.numbersAsStrings ? String(value) : value);

// ---- the methods ----

/**
 * devices/add (5.2.1): checks the serial number and code against the physical devices. A device
 * that cannot be added is reported inside a "successful" answer (`failed: 1`, the code in
 * `deviceList[].errorCode`) or, with `addFailureStyle: "top-level"`, as the answer's errorCode.
 * Order of the device checks (the guide gives none): exists → another account → this account →
 * verification code → online.
 */
export function addDevice(body: Body, ctx: MethodContext): unknown {
  const deviceCategory = category(body, "deviceCategory");
  const info = object(body, "deviceInfo", true)!;
  const name = text(info, "name", { required: true, max: 64, path: "deviceInfo" })!;
  const serialNo = text(info, "ezvizSerialNo", { required: true, max: 30, path: "deviceInfo" })!.trim();
  const verifyCode = text(info, "ezvizVerifyCode", { required: true, max: 30, path: "deviceInfo" })!;
  const userName = text(info, "userName", { max: 32, path: "deviceInfo" });
  const password = text(info, "password", { max: 16, path: "deviceInfo" });
  const streamSecretKey = text(info, "streamSecretKey", { max: 64, path: "deviceInfo" });
  const tz = timeZone(body, ctx, true)!;
  const importTo = object(body, "importToArea", false);
  let areaId: string | undefined;
  if (importTo && flag(importTo, "enable", "importToArea", false)) {
    areaId = text(importTo, "areaID", { max: 32, path: "importToArea" });
    if (areaId !== undefined && !ctx.store.areas.has(areaId)) throw OPEN.areaDoesNotExist();
  }

  const physical = ctx.store.physical.get(serialNo);
  const failure: EvzCode | undefined = !physical
    ? "EVZ20002"
    : physical.ownedByAnotherAccount
      ? "EVZ20013"
      : ctx.store.addedBySerial(serialNo)
        ? "EVZ20017"
        : physical.verifyCode !== verifyCode
          ? "EVZ20010"
          : !physical.online
            ? "EVZ20007"
            : undefined;
  if (failure) {
    if (ctx.addFailureStyle === "top-level") throw new HikError(failure, EVZ[failure]);
    return {
      addDeviceResponse: {
        failed: n(ctx, 1),
        succeeded: n(ctx, 0),
        total: n(ctx, 1),
        deviceList: [{ alias: name.slice(0, 32), deviceId: "", deviceSerial: serialNo, errorCode: failure }],
      },
    };
  }

  if (importTo && flag(importTo, "enable", "importToArea", false) && areaId === undefined) {
    // "When area ID is empty, the area will be created according to device name." (A.3.105)
    // Assumed at the top level, and reused when a top-level area already has that name.
    const existing = [...ctx.store.areas.values()].find((a) => a.parentId === ROOT_AREA && a.name === name);
    areaId = (existing ?? ctx.store.addArea(name)).id;
  }
  const device: AddedDevice = {
    id: newId(),
    serialNo,
    name,
    category: deviceCategory,
    ...(userName !== undefined ? { userName } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(streamSecretKey !== undefined ? { streamSecretKey } : {}),
    timeZoneId: tz.id,
    applyTimeZoneToDevice: tz.apply,
    addTime: new Date().toISOString().replace("T", " ").slice(0, 19),
    cameraChannels: Array.from({ length: physical!.cameraChannels }, (_, i) => ({
      id: newId(),
      name: `Camera ${String(i + 1).padStart(2, "0")}`,
      no: i + 1,
      online: physical!.online,
    })),
  };
  // Importing makes every channel a logical resource of the area, named like the channel.
  if (areaId !== undefined) for (const channel of device.cameraChannels) ctx.store.importChannel(channel, areaId, channel.name);
  ctx.store.added.set(device.id, device);
  return {
    addDeviceResponse: {
      taskid: newId(),
      failed: n(ctx, 0),
      succeeded: n(ctx, 1),
      total: n(ctx, 1),
      deviceList: [{ alias: name.slice(0, 32), deviceId: device.id, deviceSerial: serialNo }],
    },
  };
}

/** devices/update (5.2.1, DeviceInfo (2)): name (≤ 32) is required; user name, password and time zone optional. */
export function updateDevice(body: Body, ctx: MethodContext): void {
  const info = object(body, "deviceInfo", true)!;
  const id = text(info, "id", { required: true, max: 32, path: "deviceInfo" })!;
  const name = text(info, "name", { required: true, max: 32, path: "deviceInfo" })!;
  const userName = text(info, "userName", { max: 32, path: "deviceInfo" });
  const password = text(info, "password", { max: 16, path: "deviceInfo" });
  const tz = timeZone(body, ctx, false);
  const device = ctx.store.added.get(id);
  if (!device) throw deviceNotFound(ctx);
  device.name = name;
  if (userName !== undefined) device.userName = userName;
  if (password !== undefined) device.password = password;
  if (tz) {
    device.timeZoneId = tz.id;
    device.applyTimeZoneToDevice = tz.apply;
  }
}

/**
 * devicedetail/get (5.2.1): the device with that serial on the account, shaped like the guide's
 * example (channel numbers and states as strings, `onlineStatus` a number), each channel with the
 * area it is imported into (empty id and name when it is in none). A serial that is not on the
 * account: "device does not exist" (VMS021307 by default; with `detailNotFound: "empty"`, no `device`).
 * The guide caps deviceSerialNo at 16 characters while devices/add takes 30; the emulator accepts
 * any serial it could have added.
 */
export function deviceDetail(body: Body, ctx: MethodContext): unknown {
  const serialNo = text(body, "deviceSerialNo", { required: true, max: 30 })!.trim();
  const device = ctx.store.addedBySerial(serialNo);
  if (!device) {
    if (ctx.detailNotFound === "empty") return {};
    throw deviceNotFound(ctx);
  }
  const physical = ctx.store.physical.get(serialNo);
  const online = physical?.online ?? false;
  const area = (areaId?: string) => ({ id: areaId ?? "", name: areaId ? (ctx.store.areas.get(areaId)?.name ?? "") : "" });
  return {
    device: {
      baseInfo: {
        id: device.id,
        name: device.name,
        category: device.category,
        serialNo: device.serialNo,
        version: physical?.firmwareVersion ?? "",
        type: physical?.model ?? "",
        streamEncryptEnable: n(ctx, device.streamSecretKey ? 1 : 0),
        availableCameraChannelNum: n(ctx, device.cameraChannels.length),
        availableAlarmInputChannelNum: n(ctx, 0),
        availableAlarmOutputChannelNum: n(ctx, 0),
      },
      cameraChannel: device.cameraChannels.map((c) => ({
        id: c.id,
        name: c.name,
        no: String(c.no),
        online: c.online ? "1" : "0",
        area: area(c.areaId),
      })),
      alarmInputChannel: [],
      alarmOutputChannel: [],
      onlineStatus: online ? 1 : 0,
      timeZoneID: device.timeZoneId,
    },
  };
}

/**
 * devices/delete (5.2.1): every id must be a device on the account ("device does not exist",
 * VMS021307 by default) of the given category (VMS021309 "Incorrect device type"), or the call
 * fails and deletes nothing (the guide does not say; all-or-nothing assumed). The device's logical
 * resources (channels imported into areas) go with it.
 */
export function deleteDevices(body: Body, ctx: MethodContext): void {
  const ids = body["deviceID"];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) {
    throw OPEN.verification("deviceID must be a non-empty list of device IDs");
  }
  const deviceCategory = category(body, "deviceCategory");
  for (const id of ids as string[]) {
    const device = ctx.store.added.get(id);
    if (!device) throw deviceNotFound(ctx);
    if (device.category !== deviceCategory) throw VMS.incorrectDeviceType();
  }
  for (const id of ids as string[]) ctx.store.added.delete(id);
}

/** pageIndex (from 1) and pageSize (1–500, else OPEN000025) of a list request. */
export function paging(body: Body): { pageIndex: number; pageSize: number } {
  const pageIndex = Number(body["pageIndex"]);
  const pageSize = Number(body["pageSize"]);
  if (!Number.isInteger(pageIndex) || pageIndex < 1) throw OPEN.verification("pageIndex must be a whole number from 1");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) throw OPEN.pageSizeOverLimit();
  return { pageIndex, pageSize };
}

/**
 * devices/get (5.2.1): a page of the account's devices in the order they were added, optionally
 * of one category, in one area (a device is in an area when one of its channels is), or
 * fuzzy-matched by name, serial or version. `totalCount` is the number of matching devices (the
 * guide's table calls it pages, its example shows a record count).
 */
export function listDevices(body: Body, ctx: MethodContext): unknown {
  const { pageIndex, pageSize } = paging(body);
  const wanted = text(body, "deviceCategory", { max: 32 });
  const inArea = text(body, "areaID", { max: 32 });
  if (inArea !== undefined && !ctx.store.areas.has(inArea)) throw OPEN.areaDoesNotExist();
  const matchKey = text(object(body, "filter", false) ?? {}, "matchKey", { max: 128, path: "filter" });
  const all = [...ctx.store.added.values()].filter((d) => {
    if (wanted !== undefined && d.category !== wanted) return false;
    if (inArea !== undefined && !d.cameraChannels.some((c) => c.areaId === inArea)) return false;
    if (matchKey === undefined) return true;
    const version = ctx.store.physical.get(d.serialNo)?.firmwareVersion ?? "";
    return [d.name, d.serialNo, version].some((s) => s.includes(matchKey));
  });
  return {
    totalCount: all.length,
    pageIndex,
    pageSize,
    device: all.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((d) => ({
      id: d.id,
      name: d.name,
      category: d.category,
      type: ctx.store.physical.get(d.serialNo)?.model ?? "",
      serialNo: d.serialNo,
      version: ctx.store.physical.get(d.serialNo)?.firmwareVersion ?? "",
      timeZone: d.timeZoneId,
      onlineStatus: ctx.store.physical.get(d.serialNo)?.online ? 1 : 0,
      addTime: d.addTime,
    })),
  };
}
