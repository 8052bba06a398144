import { createHash } from "node:crypto";
import { z } from "zod";
import type { RateLimiter } from "../core/auth";
import { VendorApiError } from "../core/errors";
import { accountRateLimiter } from "../core/shared-rate-limiter";
import { HttpTransport } from "../core/transport";
import { wireInt } from "../core/wire";
import { hikError, HIK_OK, parseHikAnswer } from "./answers";
import { hikconnectConfig } from "./config";
import { HikConnectSession } from "./session";
import { AREA_GONE_CODES, DEVICE_GONE_CODES } from "./codes";
import { PagedDirectory } from "./paged-directory";
import {
  areaDetailResponse,
  areaFrom,
  areaListResponse,
  cameraFrom,
  cameraListResponse,
  detailResponse,
  deviceFromList,
  deviceListResponse,
  resourceAddResponse,
  timeZoneResponse,
  wireText,
  type AreaView,
  type CameraChannelInfo,
  type CameraView,
  type DeviceView,
  type TimeZoneView,
} from "./records";

/** Device categories (guide A.1.3). */
export const DEVICE_CATEGORIES = ["encodingDevice", "alarmDevice", "mobileDevice", "accessControllerDevice", "videoIntercomDevice"] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

/** devices/add body (5.2.1) in the guide's names; flags go as "0"/"1" like its example. */
export interface AddDeviceRequest {
  deviceCategory: DeviceCategory;
  deviceInfo: { name: string; ezvizSerialNo: string; ezvizVerifyCode: string; userName?: string; password?: string; streamSecretKey?: string };
  importToArea?: { enable: "0" | "1"; areaID?: string };
  timeZone: { id: string; applyToDevice: "0" | "1" };
}

/** devices/update body (5.2.1, DeviceInfo (2)). */
export interface UpdateDeviceRequest {
  deviceInfo: { id: string; name: string; userName?: string; password?: string };
  timeZone?: { id: string; applyToDevice: "0" | "1" };
}

/** What devicedetail/get says about a device: everything, its camera channels included. */
export type DeviceDetail = DeviceView & { cameraChannels: CameraChannelInfo[] };
export type { AreaView, CameraChannelInfo, CameraView, DeviceView, TimeZoneView };
export { DEVICE_GONE_CODES };

/** A page of a list endpoint: its records and the total the answer states. */
export interface Page<T> {
  records: T[];
  total?: number;
}

/** The filter of areas/get (5.2.2). */
export interface AreaListFilter {
  /** Children of this area (`"-1"`: the top level); omitted: every area. */
  parentAreaId?: string;
  /** Everything below the parent, not only its children. */
  includeSubAreas?: boolean;
}

/** The filter of areas/cameras/get (5.2.2); all given parts apply. */
export interface CameraListFilter {
  areaId?: string;
  includeSubAreas?: boolean;
  deviceSerialNo?: string;
  cameraIds?: readonly string[];
}

/** One channel for areas/resources/add. */
export interface AreaResourceRequest {
  name: string;
  type: "camera" | "alarmInput" | "alarmOutput";
  channelId: string;
}

/** What areas/resources/add answered for one channel: the new resource id, or the item's error code. */
export interface AreaResourceResult {
  channelId: string;
  id?: string;
  name?: string;
  /** "0" on success. */
  errorCode: string;
}

/** The key a device is read by: its id, and its serial number when known (the direct look-up needs it). */
export interface DeviceKey {
  id: string;
  serialNo?: string;
}

/** Records per page: the guide allows 1–500 (OPEN000025 beyond). Ids per request: 500 assumed (OPEN000024 beyond). */
export const PAGE_SIZE = 500;

const addResponse = z
  .looseObject({
    addDeviceResponse: z
      .looseObject({
        failed: wireInt.optional(),
        succeeded: wireInt.optional(),
        total: wireInt.optional(),
        deviceList: z
          .array(z.looseObject({ deviceId: wireText.optional(), deviceSerial: wireText.optional(), errorCode: wireText.optional() }))
          .nullish(),
      })
      .nullish(),
  })
  .nullish();

/** What a failed devices/add means, in words an installer acts on (A.4: EVZ and VMS0213xx codes). */
const ADD_FAILURES: Record<string, string> = {
  EVZ20010: "the verification code is wrong — check verifyCode against the device label (or the code set in the device's own settings)",
  EVZ20013:
    "the device belongs to another Hik-Connect or Hik-ProConnect account — remove it from that account first",
  VMS021316: "the device belongs to another user — remove it from that account first",
  EVZ20017: "the device is already added to this account",
  VMS021302: "the device is already added to this account",
  VMS021303: "the device is already added to this account",
  VMS021305: "another device of this account already has this name — choose another name",
  EVZ20002: "no device with this serial number is registered in this region — check serialNo, and that hikconnect:url is the device's region",
  EVZ20007: "the device is offline — connect it to the network and run `pulumi up` again",
  VMS021314: "the device is offline — connect it to the network and run `pulumi up` again",
  EVZ20014: "the serial number is wrong — check serialNo against the device label",
  VMS021315: "the serial number is not valid — check serialNo against the device label",
  EVZ20008: "the device did not answer in time — check its network and run `pulumi up` again",
  VMS021309: "the device is not of this category — check category",
  VMS021311: "no more devices can be added to this account — remove unused devices, or extend the service package",
};

/** A devices/add that the platform answered but that did not add the device. */
export class DeviceAddError extends VendorApiError {}

/**
 * Hik-Connect for Teams OpenAPI 2.13.0 client: one method per endpoint. JSON POSTs; the token comes
 * from the region server, every other call goes to its areaDomain with the `Token` header (see
 * {@link HikConnectSession}); errors are HTTP 200 with errorCode ≠ "0". All calls of the process to
 * one account share one token and one rate limiter.
 */
export class HikConnectClient {
  constructor(
    private readonly area: HttpTransport,
    readonly session: HikConnectSession,
  ) {}

  /** The client for the configured account (stack config or environment), one per process and account. */
  static fromConfig(): HikConnectClient {
    const config = hikconnectConfig.load();
    const redis = config.rateLimitRedisUrl === undefined ? "" : sha(config.rateLimitRedisUrl);
    const key = [config.url, config.appKey, sha(config.secretKey), config.requestsPerSecond, config.timeoutSeconds, config.maxRetries, config.maxConcurrentRequests, redis].join("\n");
    let client = clients.get(key);
    if (!client) {
      // One limiter per account: the platform counts requests per account, whatever else differs.
      const limiterKey = `${config.url}\n${config.appKey}\n${redis}`;
      let limiter = limiters.get(limiterKey);
      if (!limiter) {
        limiter = hikRateLimiter(config);
        limiters.set(limiterKey, limiter);
      }
      const common = {
        vendor: "hikconnect" as const,
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        rateLimiter: limiter,
      };
      const session = new HikConnectSession(new HttpTransport(common), config.url, config.appKey, config.secretKey);
      client = new HikConnectClient(new HttpTransport({ ...common, auth: session }), session);
      clients.set(key, client);
    }
    return client;
  }

  /**
   * devices/add. Not idempotent: repeated by the transport only when it certainly never arrived or
   * was refused with 429. A failure reported inside the answer (`failed > 0` or a per-device
   * errorCode, with a top-level "0") is a {@link DeviceAddError} naming the serial and the code.
   * Returns the new device's id when the answer names it.
   */
  async addDevice(request: AddDeviceRequest): Promise<string | undefined> {
    const serial = request.deviceInfo.ezvizSerialNo;
    let data: unknown;
    try {
      data = await this.call("devices/add", "/api/hccgw/resource/v1/devices/add", request, false);
    } catch (error) {
      // The guide also lists the EVZ codes as answer codes: the same failure, told the same way.
      if (error instanceof VendorApiError && error.code && ADD_FAILURES[error.code]) throw addFailure(serial, error.code, error.message);
      throw error;
    } finally {
      this.devices.invalidate();
      if (request.importToArea?.enable === "1") {
        this.areas.invalidate();
        this.cameras.invalidate();
      }
    }
    const parsed = addResponse.safeParse(data);
    if (!parsed.success) throw unexpected("devices/add", parsed.error);
    const response = parsed.data?.addDeviceResponse;
    const entries = response?.deviceList ?? [];
    const mine = entries.find((d) => d.deviceSerial?.trim() === serial) ?? (entries.length === 1 ? entries[0] : undefined);
    const code = mine?.errorCode?.trim();
    if (code && code !== HIK_OK) throw addFailure(serial, code);
    if ((response?.failed ?? 0) > 0) throw addFailure(serial, undefined);
    const id = mine?.deviceId?.trim();
    return id ? id : undefined;
  }

  /** devices/update: name is always required by the API (≤ 32). */
  async updateDevice(request: UpdateDeviceRequest): Promise<void> {
    try {
      await this.call("devices/update", "/api/hccgw/resource/v1/devices/update", request, true);
    } finally {
      this.devices.invalidate();
    }
  }

  /** devicedetail/get by serial; undefined when the serial is not on the account (any of {@link DEVICE_GONE_CODES}). */
  async deviceDetail(serialNo: string): Promise<DeviceDetail | undefined> {
    let data: unknown;
    try {
      data = await this.call("devicedetail/get", "/api/hccgw/resource/v1/devicedetail/get", { deviceSerialNo: serialNo }, true);
    } catch (error) {
      if (error instanceof VendorApiError && error.code && DEVICE_GONE_CODES.includes(error.code)) return undefined;
      throw error;
    }
    const parsed = detailResponse.safeParse(data);
    if (!parsed.success) throw unexpected("devicedetail/get", parsed.error);
    const device = parsed.data?.device;
    if (!device) return undefined; // "device" is optional in the answer (5.2.1): absent means not found
    const base = device.baseInfo;
    return {
      id: base.id,
      name: base.name ?? "",
      category: base.category ?? "",
      serialNo: base.serialNo?.trim() || serialNo,
      model: base.type ?? "",
      firmwareVersion: base.version ?? "",
      online: device.onlineStatus ?? false,
      ...(device.timeZoneID !== undefined ? { timeZoneId: device.timeZoneID } : {}),
      cameraChannels: (device.cameraChannel ?? []).map((c) => ({ id: c.id, name: c.name ?? "", no: c.no ?? 0, online: c.online ?? false })),
    };
  }

  /** devices/get: one page of the account's devices (in no documented order), optionally fuzzy-matched (name, serial, firmware). */
  async listDevices(pageIndex: number, pageSize: number, matchKey?: string): Promise<Page<DeviceView>> {
    const body = { pageIndex, pageSize, ...(matchKey !== undefined ? { filter: { matchKey } } : {}) };
    const parsed = deviceListResponse.safeParse(await this.call("devices/get", "/api/hccgw/resource/v1/devices/get", body, true));
    if (!parsed.success) throw unexpected("devices/get", parsed.error);
    return { records: (parsed.data?.device ?? []).map(deviceFromList), ...total(parsed.data?.totalCount) };
  }

  /** devices/delete; a device that does not exist answers one of {@link DEVICE_GONE_CODES}. */
  async deleteDevices(ids: string[], category: string): Promise<void> {
    try {
      await this.call("devices/delete", "/api/hccgw/resource/v1/devices/delete", { deviceID: ids, deviceCategory: category }, true);
    } finally {
      this.devices.invalidate();
      this.cameras.invalidate(); // the devices' logical cameras go with them
    }
  }

  /** areas/add: the new area's id. Not idempotent (a taken name is refused, see AREA_TAKEN_CODES). */
  async addArea(parentAreaId: string, name: string): Promise<string> {
    let data: unknown;
    try {
      data = await this.call("areas/add", "/api/hccgw/resource/v1/areas/add", { parentAreaID: parentAreaId, areaName: name }, false);
    } finally {
      this.areas.invalidate();
    }
    // The guide's table says `areaID`; its example shows the same key (rendered "arealD").
    const parsed = z.looseObject({ areaID: wireText }).safeParse(data);
    if (!parsed.success || parsed.data.areaID.trim() === "") throw unexpected("areas/add", parsed.error ?? new z.ZodError([]));
    return parsed.data.areaID.trim();
  }

  /** areas/get: one page of areas. */
  async listAreas(pageIndex: number, pageSize: number, filter: AreaListFilter = {}): Promise<Page<AreaView>> {
    const body = {
      pageIndex,
      pageSize,
      ...(filter.parentAreaId !== undefined ? { filter: { parentAreaID: filter.parentAreaId, includeSubArea: filter.includeSubAreas ? "-1" : "0" } } : {}),
    };
    const parsed = areaListResponse.safeParse(await this.call("areas/get", "/api/hccgw/resource/v1/areas/get", body, true));
    if (!parsed.success) throw unexpected("areas/get", parsed.error);
    return { records: (parsed.data?.area ?? []).map(areaFrom), ...total(parsed.data?.totalCount) };
  }

  /**
   * areadetail/get for up to {@link PAGE_SIZE} ids: each found area, undefined for one that does
   * not exist (an item with VMS021101 inside a successful answer, as the guide's example shows).
   * A top-level OPEN000031 (the table's "Area does not exist") for a single id means it is gone;
   * for several, they are asked one by one to tell which.
   */
  async areaDetails(ids: readonly string[]): Promise<Map<string, AreaView | undefined>> {
    const out = new Map<string, AreaView | undefined>();
    if (ids.length === 0) return out;
    let data: unknown;
    try {
      data = await this.call("areadetail/get", "/api/hccgw/resource/v1/areadetail/get", { areaID: ids }, true);
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.code || !AREA_GONE_CODES.includes(error.code)) throw error;
      if (ids.length === 1) return new Map([[ids[0]!, undefined]]);
      for (const id of ids) out.set(id, (await this.areaDetails([id])).get(id));
      return out;
    }
    const parsed = areaDetailResponse.safeParse(data);
    if (!parsed.success) throw unexpected("areadetail/get", parsed.error);
    for (const item of parsed.data?.area ?? []) {
      const code = item.errorCode?.trim();
      if (code && code !== HIK_OK) {
        if (!AREA_GONE_CODES.includes(code)) throw hikError("areadetail/get", code, item.message ?? "", 200);
        out.set(item.id, undefined);
      } else out.set(item.id, areaFrom(item));
    }
    return out;
  }

  /**
   * areas/resources/add: imports device channels into an area. Each channel succeeds or fails on
   * its own inside a successful answer; the results come back in the request's order, matched by
   * channel id.
   */
  async addAreaResources(areaId: string, channels: readonly AreaResourceRequest[]): Promise<AreaResourceResult[]> {
    let data: unknown;
    try {
      data = await this.call(
        "areas/resources/add",
        "/api/hccgw/resource/v1/areas/resources/add",
        { areaID: areaId, devChannel: channels.map((c) => ({ resourceName: c.name, resourceType: c.type, channelID: c.channelId })) },
        false,
      );
    } finally {
      this.cameras.invalidate();
    }
    const parsed = resourceAddResponse.safeParse(data);
    if (!parsed.success) throw unexpected("areas/resources/add", parsed.error);
    const items = parsed.data?.resource ?? [];
    return channels.map((c, i) => {
      const item = items.find((r) => r.channelID?.trim() === c.channelId) ?? (items.length === channels.length ? items[i] : undefined);
      if (!item) return { channelId: c.channelId, errorCode: "" };
      const code = item.errorCode?.trim() || (item.id ? HIK_OK : "");
      return { channelId: c.channelId, errorCode: code, ...(item.id?.trim() ? { id: item.id.trim() } : {}), ...(item.name !== undefined ? { name: item.name } : {}) };
    });
  }

  /** areas/resources/delete: removes logical resources from their areas by resource id. */
  async deleteAreaResources(ids: readonly string[]): Promise<void> {
    try {
      await this.call("areas/resources/delete", "/api/hccgw/resource/v1/areas/resources/delete", { ids }, true);
    } finally {
      this.cameras.invalidate();
    }
  }

  /** areas/cameras/get: one page of logical cameras (channels imported into areas). */
  async listCameras(pageIndex: number, pageSize: number, filter: CameraListFilter = {}): Promise<Page<CameraView>> {
    const body = {
      pageIndex,
      pageSize,
      filter: {
        ...(filter.areaId !== undefined ? { areaID: filter.areaId, includeSubArea: filter.includeSubAreas ? "-1" : "0" } : {}),
        ...(filter.deviceSerialNo !== undefined ? { deviceSerialNo: filter.deviceSerialNo } : {}),
        ...(filter.cameraIds !== undefined ? { cameraID: filter.cameraIds } : {}),
      },
    };
    const parsed = cameraListResponse.safeParse(await this.call("areas/cameras/get", "/api/hccgw/resource/v1/areas/cameras/get", body, true));
    if (!parsed.success) throw unexpected("areas/cameras/get", parsed.error);
    return { records: (parsed.data?.camera ?? []).map(cameraFrom), ...total(parsed.data?.totalCount) };
  }

  /** timezone/get: the platform's time zones and its own (systemTimeZoneID). Static: asked once per process. */
  timeZones(): Promise<{ systemTimeZoneId?: string; zones: TimeZoneView[] }> {
    this.zones ??= (async () => {
      const parsed = timeZoneResponse.safeParse(await this.call("timezone/get", "/api/hccgw/resource/v1/timezone/get", {}, true));
      if (!parsed.success) throw unexpected("timezone/get", parsed.error);
      const zones = (parsed.data?.timeZone ?? []).map((t) => ({
        id: t.id,
        standardName: t.standardName ?? "",
        displayName: t.displayName ?? "",
        bias: t.bias ?? 0,
        dstEnabled: t.dst?.enable ?? false,
      }));
      return { ...(parsed.data?.systemTimeZoneID ? { systemTimeZoneId: parsed.data.systemTimeZoneID } : {}), zones };
    })();
    this.zones.catch(() => (this.zones = undefined));
    return this.zones;
  }

  private zones: Promise<{ systemTimeZoneId?: string; zones: TimeZoneView[] }> | undefined;

  /**
   * Devices read together (refresh, import): pages of devices/get, or devicedetail/get per device
   * (by serial), whichever the reads make cheaper (see {@link PagedDirectory}).
   */
  readonly devices = new PagedDirectory<DeviceKey, DeviceView>({
    operation: "devices/get",
    pageSize: PAGE_SIZE,
    fetchPage: (i, size) => this.listDevices(i, size),
    idOf: (d) => d.id,
    keyId: (k) => k.id,
    direct: {
      canLookUp: (k) => k.serialNo !== undefined && k.serialNo !== "",
      cost: (n) => n,
      lookUp: async (keys) => {
        const found = await Promise.all(keys.map((k) => this.deviceDetail(k.serialNo!)));
        // The serial now on the account under another id is another device: this one is gone.
        return new Map(keys.map((k, i) => [k.id, found[i]?.id === k.id ? found[i] : undefined]));
      },
    },
  });

  /** Areas read together: pages of areas/get, or areadetail/get by id (500 a call). */
  readonly areas = new PagedDirectory<string, AreaView>({
    operation: "areas/get",
    pageSize: PAGE_SIZE,
    fetchPage: (i, size) => this.listAreas(i, size),
    idOf: (a) => a.id,
    keyId: (id) => id,
    direct: { canLookUp: () => true, cost: (n) => Math.ceil(n / PAGE_SIZE), lookUp: (ids) => this.inChunks(ids, (chunk) => this.areaDetails(chunk)) },
  });

  /** Logical cameras read together: pages of areas/cameras/get, or areas/cameras/get by camera id (500 a call). */
  readonly cameras = new PagedDirectory<string, CameraView>({
    operation: "areas/cameras/get",
    pageSize: PAGE_SIZE,
    fetchPage: (i, size) => this.listCameras(i, size),
    idOf: (c) => c.id,
    keyId: (id) => id,
    direct: {
      canLookUp: () => true,
      cost: (n) => Math.ceil(n / PAGE_SIZE),
      lookUp: (ids) =>
        this.inChunks(ids, async (chunk) => {
          const { records } = await this.listCameras(1, PAGE_SIZE, { cameraIds: chunk });
          return new Map(chunk.map((id) => [id, records.find((c) => c.id === id)]));
        }),
    },
  });

  private async inChunks<V>(ids: readonly string[], ask: (chunk: string[]) => Promise<Map<string, V | undefined>>): Promise<Map<string, V | undefined>> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += PAGE_SIZE) chunks.push(ids.slice(i, i + PAGE_SIZE));
    const out = new Map<string, V | undefined>();
    for (const answer of await Promise.all(chunks.map(ask))) for (const [id, v] of answer) out.set(id, v);
    return out;
  }

  private async call(operation: string, path: string, json: unknown, idempotent: boolean): Promise<unknown> {
    const answer = await this.area.send({ operation, method: "POST", path, json, idempotent });
    const body = parseHikAnswer(answer, operation);
    if (body.errorCode !== HIK_OK) {
      const error = hikError(operation, body.errorCode, body.text, answer.status);
      if (["OPEN000006", "OPEN000007"].includes(body.errorCode)) {
        throw new VendorApiError(`${error.message}; the token was renewed once and refused again — check the API account in Hik-Connect`, {
          vendor: "hikconnect",
          operation,
          code: body.errorCode,
          httpStatus: answer.status,
        });
      }
      throw error;
    }
    return body.data;
  }
}

const clients = new Map<string, HikConnectClient>();
const limiters = new Map<string, RateLimiter>();

/**
 * The guide allows "no more than 5 requests per second" per account. Without a Redis, each process
 * keeps to requestsPerSecond (default 4) on its own: starts spaced 250 ms apart, each request's
 * place held until a second after its answer (see slidingWindowRateLimiter). With
 * hikconnect:rateLimitRedisUrl, every process of the account shares one budget of requestsPerSecond,
 * named by the region server's host and a hash of the appKey (never the key itself).
 */
function hikRateLimiter(config: ReturnType<typeof hikconnectConfig.load>): RateLimiter {
  const redisUrl = config.rateLimitRedisUrl;
  return accountRateLimiter({
    limit: config.requestsPerSecond,
    intervalMs: 1000,
    ...(redisUrl === undefined
      ? {}
      : {
          shared: {
            redisUrl,
            budget: `hikconnect:${new URL(config.url).host}:${sha(config.appKey).slice(0, 32)}`,
            unreachableTimeoutMs: config.timeoutSeconds * 1000,
            settings: { redisUrl: "hikconnect:rateLimitRedisUrl (HIKCONNECT_RATE_LIMIT_REDIS_URL)", limit: "hikconnect:requestsPerSecond" },
          },
        }),
  });
}

function addFailure(serial: string, code: string | undefined, vendorText?: string): DeviceAddError {
  const meaning = code ? (ADD_FAILURES[code] ?? `the platform refused it${vendorText ? ` (${vendorText})` : ""}`) : "the answer counts it as failed without saying why";
  return new DeviceAddError(`Hik-Connect could not add device ${serial}${code ? ` (${code})` : ""}: ${meaning}`, {
    vendor: "hikconnect",
    operation: "devices/add",
    ...(code ? { code } : {}),
  });
}

/** The total an answer states, as a spreadable field. */
function total(count: number | undefined): { total?: number } {
  return count === undefined ? {} : { total: count };
}

function unexpected(operation: string, error: z.ZodError): VendorApiError {
  return new VendorApiError(`Hik-Connect ${operation} answered in an unexpected shape (${error.issues[0]?.message ?? "invalid"} at ${error.issues[0]?.path.join(".")})`, {
    vendor: "hikconnect",
    operation,
  });
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
