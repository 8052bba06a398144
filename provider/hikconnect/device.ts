import { z } from "zod";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { defineResource, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, sameValue, type CheckFailure } from "../core/schema";
import { DEVICE_CATEGORIES, DEVICE_GONE_CODES, DeviceAddError, HikConnectClient, type AddDeviceRequest, type DeviceDetail, type UpdateDeviceRequest } from "./client";

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
    doc: "Verification code on the device label. A new one re-adds the device (deleted first: one device cannot be added twice).",
  }),
  name: input(field.text({ min: 1, max: 64 }), {
    onChange: "update",
    doc: `Device name: up to 64 characters when added, but a later rename (or any in-place change) takes at most ${UPDATE_NAME_MAX} — the update API's limit.`,
  }),
  category: input(z.enum(DEVICE_CATEGORIES, { error: `must be one of: ${DEVICE_CATEGORIES.join(", ")}` }).default("encodingDevice"), {
    onChange: "replace",
    doc: "Device Category (guide A.1.3): `encodingDevice` (cameras, recorders), `alarmDevice`, `mobileDevice`, `accessControllerDevice`, `videoIntercomDevice`. A change replaces the device.",
  }),
  userName: input(field.text({ max: 32 }).optional(), { onChange: "update", doc: "User name Hik-Connect uses to log in to the device." }),
  password: input(field.text({ max: 16 }).optional(), {
    onChange: "update",
    secret: true,
    doc: "Password for that user (≤ 16 characters). Write-only: Hik-Connect never shows it, so a change made in the portal is not detected.",
  }),
  streamSecretKey: input(field.text({ max: 64 }).optional(), {
    onChange: "ignore",
    secret: true,
    doc: "Stream encryption key of the device. Applied when the device is added only (the update API has no such field); a later change does nothing.",
  }),
  timeZoneId: input(field.text({ min: 1, max: 8 }), {
    onChange: "update",
    doc: 'Time zone ID from Hik-Connect\'s time zone list (timezone/get), e.g. `"26"`.',
  }),
  applyTimeZoneToDevice: input(field.bool().default(true), {
    onChange: "update",
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
    async create(i, progress) {
      registerInputSecrets(i);
      const client = HikConnectClient.fromConfig();
      const id = await addDevice(client, i);
      progress.created(id, { ...i, deviceId: id });
      return { id, outs: await readOrFail(client, id, i) };
    },

    async read(id, olds) {
      if (!olds.serialNo) throw new Error(`hikconnect:Device ${id}: the state has no serialNo to look the device up by; run \`pulumi up\` to re-create the state entry`);
      registerInputSecrets(olds);
      const client = HikConnectClient.fromConfig();
      const detail = await client.deviceDetail(olds.serialNo);
      // The serial now on the account under another id is another device: ours is gone.
      if (!detail || detail.id !== id) return undefined;
      return outputsOf(id, olds, detail);
    },

    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      registerInputSecrets(news);
      const client = HikConnectClient.fromConfig();
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
      return readOrFail(client, id, { ...olds, ...news });
    },

    async delete(id, olds) {
      const client = HikConnectClient.fromConfig();
      try {
        await client.deleteDevices([id], olds.category ?? "encodingDevice");
      } catch (error) {
        if (!(error instanceof VendorApiError) || error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        if (error.code && DEVICE_GONE_CODES.includes(error.code)) return;
        // Any other refusal: if the device is no longer there under this id, the delete already happened.
        const detail = olds.serialNo ? await client.deviceDetail(olds.serialNo) : undefined;
        if (olds.serialNo && detail?.id !== id) return;
        throw error;
      }
    },
  },
});

/**
 * devices/add, never blindly repeated: when its answer is lost (timeout, dropped connection) the
 * device is looked up by serial — one physical device can be on the account only once — and only
 * added again when it is not there.
 */
async function addDevice(client: HikConnectClient, i: Inputs): Promise<string> {
  const request: AddDeviceRequest = {
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
  let lost = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const id = await client.addDevice(request);
      if (id) return id;
      // Added, but the answer did not name the id: the serial finds it.
      const detail = await client.deviceDetail(i.serialNo);
      if (detail) return detail.id;
      throw new Error(`Hik-Connect said device ${i.serialNo} was added, but devicedetail/get does not find it; run \`pulumi up\` again`);
    } catch (error) {
      // Assumption: after a lost add, "added by yourself" on the repeat means the lost add did take
      // effect and the look-up ran before the platform showed it (still in progress, or a lagging
      // read). The device is then this create's own, found by its serial.
      if (lost && error instanceof DeviceAddError && error.code === "EVZ20017") {
        const detail = await client.deviceDetail(i.serialNo);
        if (detail) return detail.id;
      }
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown || attempt >= 2) throw error;
      lost = true;
      const detail = await client.deviceDetail(i.serialNo);
      if (detail) return detail.id;
      // Not on the account (yet): either the lost request never took effect, so sending it again
      // cannot duplicate it, or it did and the repeat answers EVZ20017 (handled above).
    }
  }
}

async function readOrFail(client: HikConnectClient, id: string, known: Partial<Outputs>): Promise<Outputs> {
  const detail = await client.deviceDetail(known.serialNo!);
  if (!detail || detail.id !== id) {
    throw new Error(`Hik-Connect device ${known.serialNo} (${id}) disappeared while it was being changed; run \`pulumi refresh\``);
  }
  return outputsOf(id, known, detail);
}

/** Outputs from devicedetail/get plus what the platform never shows (secrets, applyToDevice, importToArea). */
function outputsOf(id: string, known: Partial<Outputs>, detail: DeviceDetail): Outputs {
  const category = (DEVICE_CATEGORIES as readonly string[]).includes(detail.category) ? (detail.category as Inputs["category"]) : known.category;
  return {
    ...known,
    serialNo: detail.serialNo,
    name: detail.name,
    ...(category !== undefined ? { category } : {}),
    ...(detail.timeZoneId !== undefined ? { timeZoneId: detail.timeZoneId } : {}),
    deviceId: id,
    model: detail.model,
    firmwareVersion: detail.firmwareVersion,
    online: detail.online,
    cameraChannels: detail.cameraChannels,
  } as Outputs;
}

function registerInputSecrets(values: Partial<Inputs>): void {
  registerSecret(values.verifyCode);
  registerSecret(values.password);
  registerSecret(values.streamSecretKey);
}

function flag(value: boolean | undefined): "0" | "1" {
  return value === false ? "0" : "1";
}
