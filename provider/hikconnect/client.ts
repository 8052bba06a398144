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

export interface CameraChannelInfo {
  id: string;
  name: string;
  no: number;
  online: boolean;
}

/** What devicedetail/get says about a device. */
export interface DeviceDetail {
  id: string;
  name: string;
  category: string;
  serialNo: string;
  model: string;
  firmwareVersion: string;
  online: boolean;
  timeZoneId?: string;
  cameraChannels: CameraChannelInfo[];
}

/** "1"/"0", 1/0 or true/false. */
const wireFlag = z.union([z.boolean(), z.literal(1), z.literal(0), z.literal("1"), z.literal("0")]).transform((v) => v === true || v === 1 || v === "1");
const wireText = z.union([z.string(), z.number().transform(String)]);

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

const detailResponse = z
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
        onlineStatus: wireFlag.optional(),
        timeZoneID: wireText.optional(),
      })
      .nullish(),
  })
  .nullish();

/**
 * "Device does not exist" as the guide's error tables spell it for the platform (OPEN000501),
 * its resource service (CCF021307, CCF038065) and VMS (VMS000003 "no resource found").
 */
export const DEVICE_GONE_CODES = ["OPEN000501", "CCF021307", "CCF038065", "VMS000003"];

/** What a failed devices/add means, in words an installer acts on (A.4 EVZ codes). */
const ADD_FAILURES: Record<string, string> = {
  EVZ20010: "the verification code is wrong — check verifyCode against the device label (or the code set in the device's own settings)",
  EVZ20013:
    "the device belongs to another Hik-Connect or Hik-ProConnect account — remove it from that account first",
  EVZ20017: "the device is already added to this account — delete it there, or leave this resource out",
  EVZ20002: "no device with this serial number is registered in this region — check serialNo, and that hikconnect:url is the device's region",
  EVZ20007: "the device is offline — connect it to the network and run `pulumi up` again",
  EVZ20014: "the serial number is wrong — check serialNo against the device label",
  EVZ20008: "the device did not answer in time — check its network and run `pulumi up` again",
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
    await this.call("devices/update", "/api/hccgw/resource/v1/devices/update", request, true);
  }

  /** devicedetail/get by serial; undefined when the serial is not on the account. */
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

  /** devices/delete; a device that does not exist answers one of {@link DEVICE_GONE_CODES}. */
  async deleteDevices(ids: string[], category: string): Promise<void> {
    await this.call("devices/delete", "/api/hccgw/resource/v1/devices/delete", { deviceID: ids, deviceCategory: category }, true);
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

function unexpected(operation: string, error: z.ZodError): VendorApiError {
  return new VendorApiError(`Hik-Connect ${operation} answered in an unexpected shape (${error.issues[0]?.message ?? "invalid"} at ${error.issues[0]?.path.join(".")})`, {
    vendor: "hikconnect",
    operation,
  });
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
