import { z } from "zod";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, sameValue, type CheckFailure } from "../core/schema";
import { DEVICE_CATEGORIES, HikConnectClient, type AddDeviceRequest, type DeviceView, type UpdateDeviceRequest } from "./client";
import { hikconnectConfig } from "./config";
import { addDeviceOnce, devicesWithSerial } from "./device-add";
import { everyCamera, everyPage, filtered, siteIndex } from "./discover";

/** devices/update takes a name of at most 32 characters (DeviceInfo (2)); devices/add takes 64. */
const UPDATE_NAME_MAX = 32;

const inputs = z.object({
  serialNo: input(field.text({ min: 1, max: 30 }), {
    onChange: "replace",
    doc: "Serial number on the device label (e.g. `G81652987`). A new one replaces the device: the old one is deleted first.",
  }),
  verifyCode: input(field.text({ min: 1, max: 30 }), {
    onChange: "replace",
    secret: true,
    writeOnly: true,
    doc: "Verification code on the device label. A new one re-adds the device (deleted first: one device cannot be added twice). Write-only: Hik-Connect never shows it.",
  }),
  name: input(field.text({ min: 1, max: 64 }), {
    onChange: "update",
    doc: `Device name: up to 64 characters when added, but a later rename (or any in-place change) takes at most ${UPDATE_NAME_MAX} — the update API's limit.`,
  }),
  category: input(z.enum(DEVICE_CATEGORIES, { error: `must be one of: ${DEVICE_CATEGORIES.join(", ")}` }).default("encodingDevice"), {
    onChange: "replace",
    doc: "Device Category (guide A.1.3): `encodingDevice` (cameras, recorders), `alarmDevice`, `mobileDevice`, `accessControllerDevice`, `videoIntercomDevice`. A change replaces the device.",
  }),
  userName: input(field.text({ max: 32 }).optional(), {
    onChange: "update",
    writeOnly: true,
    doc: "User name Hik-Connect uses to log in to the device. Write-only: Hik-Connect never shows it.",
  }),
  password: input(field.text({ max: 16 }).optional(), {
    onChange: "update",
    secret: true,
    writeOnly: true,
    doc: "Password for that user (≤ 16 characters). Write-only: Hik-Connect never shows it, so a change made in the portal is not detected.",
  }),
  streamSecretKey: input(field.text({ max: 64 }).optional(), {
    onChange: "ignore",
    secret: true,
    doc: "Stream encryption key of the device. Applied when the device is added only (the update API has no such field); a later change does nothing.",
  }),
  timeZoneId: input(field.text({ min: 1, max: 8 }), {
    onChange: "update",
    doc: 'Time zone ID from Hik-Connect\'s time zone list: `hikconnect.getTimeZones({ name: "Berlin" }).id` (timezone/get), e.g. `"26"`.',
  }),
  applyTimeZoneToDevice: input(field.bool().default(true), {
    onChange: "update",
    writeOnly: true,
    doc: "Also set the time zone on the device itself (`applyToDevice`). Sent with every time zone change; not read back.",
  }),
  importToArea: input(
    z
      .object({
        enable: field.bool(),
        areaId: field.text({ min: 1, max: 32 }).optional(),
      })
      .strict()
      .optional(),
    {
      onChange: "ignore",
      doc: "Import the device's channels into an area when it is added: `{ enable: true }` creates an area named after the device, `{ enable: true, areaId }` uses that area. Applied at creation only; later changes do nothing.",
    },
  ),
});

const channel = z.object({ id: z.string(), name: z.string(), no: z.number(), online: z.boolean() });
const outputs = z.object({
  deviceId: output(z.string(), "The platform's device ID (also the resource id)."),
  model: output(z.string(), "Device model, as the platform reports it."),
  firmwareVersion: output(z.string(), "Firmware version, as the platform reports it."),
  online: output(z.boolean(), "Whether the device was online at the last create, update or refresh."),
  cameraChannels: output(z.array(channel), "Camera channels: `{ id, name, no, online }` each."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

const REPLACING: Array<keyof Inputs> = ["serialNo", "verifyCode", "category"];
const IN_PLACE: Array<keyof Inputs> = ["name", "userName", "password", "timeZoneId", "applyTimeZoneToDevice"];

/** A camera, recorder or other device in Hik-Connect for Teams, added by serial number and verification code. */
export const hikDevice = defineResource({
  token: "hikconnect:Device",
  description:
    "A device (camera, recorder, alarm panel, …) in Hik-Connect for Teams (OpenAPI 2.13.0), added by serial number and verification code. A new serialNo, verifyCode or category replaces it (the old one is deleted first); name, userName, password and the time zone update in place.",
  inputs,
  outputs,
  deleteBeforeReplace: true,
  idPattern: /^[0-9A-Za-z_-]{1,64}$/,
  idDoc: "the Hik-Connect device ID (`deviceId`, 32 hexadecimal characters as the platform shows them)",
  // One physical device, one serial: the account holds it once, and devices/add refuses a serial
  // the account has with a definite EVZ20017 — so a create does not look the serial up first (it
  // would cost one of the 5 requests a second and prove nothing more); adoption still does.
  naturalKey: {
    fields: ["serialNo"],
    unique: true,
    checkBeforeCreate: false,
    find: (i) => devicesWithSerial(HikConnectClient.fromConfig(), i.serialNo!),
  },
  discover: discoverDevices,
  crossCheck: (i, known, olds) => {
    const failures: CheckFailure[] = [];
    if (known("importToArea") && i.importToArea?.areaId !== undefined && i.importToArea.enable === false) {
      failures.push({ property: "importToArea.areaId", reason: "is only used with enable: true — set enable: true or drop areaId" });
    }
    // A rename (or any in-place change, which always sends the name) goes through devices/update,
    // which takes at most 32 characters. A replacement adds the device again and may use 64.
    const existing = olds.serialNo !== undefined;
    const replacing = REPLACING.some((k) => !known(k) || !sameValue(olds[k], i[k]));
    const updating = IN_PLACE.some((k) => i[k] !== undefined && (!known(k) || !sameValue(olds[k], i[k])));
    if (existing && !replacing && updating && known("name") && (i.name?.length ?? 0) > UPDATE_NAME_MAX) {
      failures.push({
        property: "name",
        reason:
          `is ${i.name!.length} characters, but an existing device can only be renamed or changed with a name of at most ` +
          `${UPDATE_NAME_MAX} (the limit of Hik-Connect's devices/update; 64 applies only when the device is added): shorten it`,
      });
    }
    return failures;
  },
  handlers: {
    async create(i, progress, context) {
      registerInputSecrets(i);
      const client = HikConnectClient.fromConfig();
      const { id, detail } = await addDeviceOnce(client, addRequest(i), context);
      progress.created(id, { ...i, deviceId: id });
      const now = detail?.id === id ? detail : await client.devices.loadDirect({ id, serialNo: i.serialNo });
      if (!now?.cameraChannels) throw new Error(`Hik-Connect device ${i.serialNo} (${id}) disappeared right after it was added; run \`pulumi refresh\``);
      return { id, outs: outputsOf(id, i, { ...now, cameraChannels: now.cameraChannels }) };
    },

    async read(id, olds) {
      registerInputSecrets(olds);
      const client = HikConnectClient.fromConfig();
      // Many devices' reads arrive together (refresh): a devices/get page answers 500 of them.
      const listed = await client.devices.load({ id, ...(olds.serialNo ? { serialNo: olds.serialNo } : {}) });
      if (!listed) return undefined;
      const now = listed.cameraChannels || !needsDetail(listed, olds) ? listed : await client.devices.loadDirect({ id, serialNo: listed.serialNo });
      // devicedetail/get by serial finds the device gone, or the serial under another id: ours is gone.
      if (!now) return undefined;
      return outputsOf(id, olds, { ...now, cameraChannels: now.cameraChannels ?? olds.cameraChannels ?? [] });
    },

    async update(id, olds, news, changed) {
      registerInputSecrets(news);
      const client = HikConnectClient.fromConfig();
      if (changed.length === 0) {
        // Nothing to send. A create that failed after the add left no read-back: the engine calls
        // Update on the next `pulumi up` to finish it.
        if (olds.cameraChannels) return olds;
        const now = await client.devices.loadDirect({ id, serialNo: news.serialNo });
        if (!now?.cameraChannels) throw new Error(`Hik-Connect device ${news.serialNo} (${id}) is gone; run \`pulumi refresh\``);
        return outputsOf(id, { ...olds, ...news }, { ...now, cameraChannels: now.cameraChannels });
      }
      const request: UpdateDeviceRequest = {
        // The API requires the name with every update, changed or not.
        deviceInfo: {
          id,
          name: news.name,
          ...(changed.includes("userName") && news.userName !== undefined ? { userName: news.userName } : {}),
          ...(changed.includes("password") && news.password !== undefined ? { password: news.password } : {}),
        },
        ...(changed.includes("timeZoneId") || changed.includes("applyTimeZoneToDevice")
          ? { timeZone: { id: news.timeZoneId, applyToDevice: flag(news.applyTimeZoneToDevice) } }
          : {}),
      };
      await client.updateDevice(request);
      const now = await client.devices.loadDirect({ id, serialNo: news.serialNo });
      if (!now?.cameraChannels) throw new Error(`Hik-Connect device ${news.serialNo} (${id}) disappeared while it was being changed; run \`pulumi refresh\``);
      return outputsOf(id, { ...olds, ...news }, { ...now, cameraChannels: now.cameraChannels });
    },

    async delete(id, olds) {
      const client = HikConnectClient.fromConfig();
      try {
        await client.deleteDevices([id], olds.category ?? "encodingDevice");
      } catch (error) {
        if (!(error instanceof VendorApiError) || error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        // "Does not exist" (VMS021307 and its twins: a delete whose answer came too late was
        // retried), or any other refusal: the delete is done if the device is no longer there
        // under this id. A device still there was refused for a reason the error names.
        const key = { id, ...(olds.serialNo ? { serialNo: olds.serialNo } : {}) };
        const still = olds.serialNo ? await client.devices.loadDirect(key) : await client.devices.load(key);
        if (!still) return;
        throw error;
      }
    },
  },
});

/**
 * Whether a refresh must read the device's channels (devicedetail/get, one call per device): when
 * the state has none (import, adoption), when the list shows a change that can change them (online
 * state, model, firmware), or when `hikconnect:refreshChannels` is `always`.
 */
function needsDetail(listed: DeviceView, olds: Partial<Outputs>): boolean {
  if (!olds.cameraChannels) return true;
  if (hikconnectConfig.load().refreshChannels === "always") return true;
  return olds.online !== listed.online || olds.model !== listed.model || olds.firmwareVersion !== listed.firmwareVersion;
}

function addRequest(i: Inputs): AddDeviceRequest {
  return {
    deviceCategory: i.category,
    deviceInfo: {
      name: i.name,
      ezvizSerialNo: i.serialNo,
      ezvizVerifyCode: i.verifyCode,
      ...(i.userName !== undefined ? { userName: i.userName } : {}),
      ...(i.password !== undefined ? { password: i.password } : {}),
      ...(i.streamSecretKey !== undefined ? { streamSecretKey: i.streamSecretKey } : {}),
    },
    ...(i.importToArea
      ? { importToArea: { enable: flag(i.importToArea.enable), ...(i.importToArea.areaId ? { areaID: i.importToArea.areaId } : {}) } }
      : {}),
    timeZone: { id: i.timeZoneId, applyToDevice: flag(i.applyTimeZoneToDevice) },
  };
}

/** Outputs from what the platform shows plus what it never shows (secrets, applyToDevice, importToArea). */
function outputsOf(id: string, known: Partial<Outputs>, now: DeviceView & { cameraChannels: Outputs["cameraChannels"] }): Outputs {
  const category = isCategory(now.category) ? now.category : known.category;
  return {
    ...known,
    serialNo: now.serialNo,
    name: now.name,
    ...(category !== undefined ? { category } : {}),
    ...(now.timeZoneId !== undefined ? { timeZoneId: now.timeZoneId } : {}),
    deviceId: id,
    model: now.model,
    firmwareVersion: now.firmwareVersion,
    online: now.online,
    cameraChannels: now.cameraChannels,
  } as Outputs;
}

function isCategory(value: string): value is Inputs["category"] {
  return (DEVICE_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Every device of the account, from devices/get pages (500 a call), plus the area and camera
 * lists once each to tell the subscriber (the site its channels are in). Write-only inputs
 * (verifyCode, userName, password, …) are not discoverable: the program must supply verifyCode.
 */
async function* discoverDevices(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = HikConnectClient.fromConfig();
  let found = 0;
  const onCall = () => options.onProgress?.(found);
  const sites = await sharedRead(options, "hikconnect:areas", () => siteIndex(client, onCall));
  const areaOfDevice = new Map<string, string>();
  for (const c of await sharedRead(options, "hikconnect:cameras", () => everyCamera(client, onCall))) if (!areaOfDevice.has(c.deviceId)) areaOfDevice.set(c.deviceId, c.areaId);
  const all = async function* (): AsyncGenerator<DiscoveredObject> {
    for await (const page of everyPage((i, n) => client.listDevices(i, n), onCall)) {
      for (const d of page) {
        const area = areaOfDevice.get(d.id);
        const subscriber = area !== undefined ? sites.siteOf(area) : undefined;
        found++;
        yield {
          id: d.id,
          inputs: { serialNo: d.serialNo, name: d.name, ...(isCategory(d.category) ? { category: d.category } : {}), ...(d.timeZoneId ? { timeZoneId: d.timeZoneId } : {}) },
          ...(subscriber !== undefined ? { subscriber } : {}),
          name: d.name,
        };
      }
    }
  };
  yield* filtered(options, all());
}

function registerInputSecrets(values: Partial<Inputs>): void {
  registerSecret(values.verifyCode);
  registerSecret(values.password);
  registerSecret(values.streamSecretKey);
}

function flag(value: boolean | undefined): "0" | "1" {
  return value === false ? "0" : "1";
}
