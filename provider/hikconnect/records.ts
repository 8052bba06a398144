import { z } from "zod";
import { wireInt } from "../core/wire";

/**
 * The answers of the list and detail endpoints (guide 5.2.1–5.2.2, A.3), read leniently where the
 * guide's examples and tables disagree (numbers as strings, flags as "1"/"0"), and what the
 * resources get from them.
 */

export const wireText = z.union([z.string(), z.number().transform(String)]);
/** "1"/"0", 1/0 or true/false. */
export const wireFlag = z.union([z.boolean(), z.literal(1), z.literal(0), z.literal("1"), z.literal("0")]).transform((v) => v === true || v === 1 || v === "1");
/** An online state: 1 online; 0 offline; 2 "unknown" (devices/get, A.3.65) and anything else: not online. */
const wireOnline = z.union([z.boolean(), z.number(), z.string()]).transform((v) => v === true || v === 1 || v === "1");
/** A count or page number; the guide's tables say String, its examples numbers. */
const wireCount = wireInt.optional();

export interface CameraChannelInfo {
  id: string;
  name: string;
  no: number;
  online: boolean;
}

/**
 * A device as the resources see it. From `devices/get` (a page of the list) every field but
 * `cameraChannels`; from `devicedetail/get` all of them.
 */
export interface DeviceView {
  id: string;
  name: string;
  category: string;
  serialNo: string;
  model: string;
  firmwareVersion: string;
  online: boolean;
  timeZoneId?: string;
  /** Only `devicedetail/get` has the channels. */
  cameraChannels?: CameraChannelInfo[];
}

/** devices/get (GetDevicesResVo, A.3.99; Device, A.3.65). */
export const deviceListResponse = z
  .looseObject({
    totalCount: wireCount,
    device: z
      .array(
        z.looseObject({
          id: z.string().min(1),
          name: wireText.optional(),
          category: wireText.optional(),
          type: wireText.optional(),
          serialNo: wireText.optional(),
          version: wireText.optional(),
          timeZone: wireText.optional(),
          onlineStatus: wireOnline.optional(),
        }),
      )
      .nullish(),
  })
  .nullish();

export function deviceFromList(d: NonNullable<NonNullable<z.output<typeof deviceListResponse>>["device"]>[number]): DeviceView {
  return {
    id: d.id,
    name: d.name ?? "",
    category: d.category ?? "",
    serialNo: d.serialNo?.trim() ?? "",
    model: d.type ?? "",
    firmwareVersion: d.version ?? "",
    online: d.onlineStatus ?? false,
    ...(d.timeZone !== undefined && d.timeZone !== "" ? { timeZoneId: d.timeZone } : {}),
  };
}

/** devicedetail/get (GetDeviceInfo). */
export const detailResponse = z
  .looseObject({
    device: z
      .looseObject({
        baseInfo: z.looseObject({
          id: z.string().min(1),
          name: wireText.optional(),
          category: z.string().optional(),
          serialNo: wireText.optional(),
          version: wireText.optional(),
          type: wireText.optional(),
        }),
        cameraChannel: z
          .array(z.looseObject({ id: wireText, name: wireText.optional(), no: wireInt.optional(), online: wireFlag.optional() }))
          .nullish(),
        onlineStatus: wireOnline.optional(),
        timeZoneID: wireText.optional(),
      })
      .nullish(),
  })
  .nullish();

/** An area (BriefArea, A.3.44). */
export interface AreaView {
  id: string;
  name: string;
  /** `"-1"` at the top of the tree. */
  parentAreaId: string;
  /** "root->a->b" when the answer has it (areadetail/get does; areas/get's example does not). */
  areaPath?: string;
  hasSubAreas: boolean;
}

const briefArea = z.looseObject({
  id: wireText,
  name: wireText.optional(),
  parentAreaID: wireText.optional(),
  existSubArea: wireFlag.optional(),
  areaPath: wireText.optional(),
  errorCode: wireText.optional(),
  message: wireText.optional(),
});
export type BriefAreaItem = z.output<typeof briefArea>;

export const areaListResponse = z.looseObject({ totalCount: wireCount, area: z.array(briefArea).nullish() }).nullish();
export const areaDetailResponse = z.looseObject({ area: z.array(briefArea).nullish() }).nullish();

export function areaFrom(a: BriefAreaItem): AreaView {
  return {
    id: a.id,
    name: a.name ?? "",
    parentAreaId: a.parentAreaID?.trim() || "-1",
    ...(a.areaPath !== undefined && a.areaPath !== "" ? { areaPath: a.areaPath } : {}),
    hasSubAreas: a.existSubArea ?? false,
  };
}

/** A logical camera: a device channel imported into an area (CameraInfo, A.3.48). */
export interface CameraView {
  /** The logical resource id (what areas/resources/add returns). */
  id: string;
  name: string;
  online: boolean;
  areaId: string;
  areaName: string;
  deviceId: string;
  deviceSerialNo: string;
  /** The device channel (devicedetail/get's `cameraChannel[].id`). */
  channelId: string;
  channelNo: number;
}

export const cameraListResponse = z
  .looseObject({
    totalCount: wireCount,
    camera: z
      .array(
        z.looseObject({
          id: wireText,
          name: wireText.optional(),
          online: wireFlag.optional(),
          area: z.looseObject({ id: wireText.optional(), name: wireText.optional() }).nullish(),
          device: z
            .looseObject({
              devInfo: z.looseObject({ id: wireText.optional(), serialNo: wireText.optional() }).nullish(),
              channelInfo: z.looseObject({ id: wireText.optional(), no: wireInt.optional() }).nullish(),
            })
            .nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();

export function cameraFrom(c: NonNullable<NonNullable<z.output<typeof cameraListResponse>>["camera"]>[number]): CameraView {
  return {
    id: c.id,
    name: c.name ?? "",
    online: c.online ?? false,
    areaId: c.area?.id ?? "",
    areaName: c.area?.name ?? "",
    deviceId: c.device?.devInfo?.id ?? "",
    deviceSerialNo: c.device?.devInfo?.serialNo?.trim() ?? "",
    channelId: c.device?.channelInfo?.id ?? "",
    channelNo: c.device?.channelInfo?.no ?? 0,
  };
}

/** areas/resources/add: ResourceAddResult (A.3.143), one per channel. */
export const resourceAddResponse = z
  .looseObject({
    resource: z
      .array(z.looseObject({ id: wireText.optional(), name: wireText.optional(), resourceType: wireText.optional(), channelID: wireText.optional(), errorCode: wireText.optional() }))
      .nullish(),
  })
  .nullish();

/** One time zone of timezone/get (TimeZoneInfo, A.3.162). */
export interface TimeZoneView {
  id: string;
  standardName: string;
  displayName: string;
  /** Minutes to add to local (standard) time for UTC: UTC+06:00 is -360. */
  bias: number;
  dstEnabled: boolean;
}

export const timeZoneResponse = z
  .looseObject({
    systemTimeZoneID: wireText.optional(),
    timeZone: z
      .array(
        z.looseObject({
          id: wireText,
          standardName: wireText.optional(),
          displayName: wireText.optional(),
          bias: wireInt.optional(),
          dst: z.looseObject({ enable: wireFlag.optional() }).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();
