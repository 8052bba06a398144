import { createHash } from "node:crypto";
import {
  ADMIN_PREFIX,
  AdminRequestError,
  jsonBodyOf,
  jsonResponse,
  MAIN_LISTENER,
  sameSecret,
  VendorEmulator,
  type ListenOptions,
  type Route,
  type SandboxRequest,
  type SandboxResponse,
} from "../core";
import { RequestAccounting, type AccountingSnapshot, type RateLimitSettings } from "./hikconnect-accounting";
import { errorAnswer, HikError, OPEN, ok, type AreaExistsCode, type DeviceNotFoundCode } from "./hikconnect-answers";
import { addArea, addAreaResources, areaDetail, deleteAreaResources, listAreas, listCameras, type AreaContext } from "./hikconnect-areas";
import { DeviceStore, HikDeviceControls, ROOT_AREA, type PhysicalDeviceInput } from "./hikconnect-devices";
import { addDevice, deleteDevices, deviceDetail, listDevices, updateDevice, type Body } from "./hikconnect-methods";
import { TIME_ZONES } from "./hikconnect-time-zones";
import { TokenStore } from "./hikconnect-tokens";

/** The name of the area server's listener. */
export const AREA_LISTENER = "area";
const API = "/api/hccgw";

export interface HikConnectEmulatorOptions {
  /** The API account's AK. */
  appKey: string;
  /** ... and SK. Never echoed in answers or the request log. */
  secretKey: string;
  /** Token validity (guide 3.2: 7 days). Short in tests. */
  tokenLifetimeSeconds?: number;
  /** The request frequency rule (guide 3.1: 5 per second). */
  rateLimit?: Partial<RateLimitSettings>;
  /** Render the guide's Integer fields as strings in answers, as its examples often do. Default true. */
  numbersAsStrings?: boolean;
  /**
   * How a devices/add that cannot add the device answers. "per-device" (default): errorCode "0" with
   * `failed: 1` and the EVZ code in `deviceList[].errorCode`; "top-level": the EVZ code as the
   * answer's errorCode. The guide documents both fields without saying which is used when.
   */
  addFailureStyle?: "per-device" | "top-level";
  /** devicedetail/get for a serial not on the account: the "does not exist" error (default) or no `device` ("empty"). */
  detailNotFound?: "error" | "empty";
  /**
   * The code of "device does not exist" for devicedetail/get, devices/update and devices/delete.
   * The guide's table lists several (VMS021307, OPEN000501, CCF021307, …) without saying which
   * call answers which; default VMS021307.
   */
  deviceNotFoundCode?: DeviceNotFoundCode;
  /**
   * Where area names must be unique: among siblings (default) or across the platform. The guide
   * only says a taken name is refused (OPEN000510 "Area already exists. Edit area name.").
   */
  areaNameScope?: "siblings" | "platform";
  /** The code areas/add answers for a taken area name (the guide lists four); default OPEN000510. */
  areaExistsCode?: AreaExistsCode;
  /** The devices that exist in the world (serial number + verification code). */
  physicalDevices?: readonly PhysicalDeviceInput[];
}

/** `GET /__sandbox/state`. */
export interface HikConnectState {
  regionUrl: string;
  areaUrl: string;
  devices: ReturnType<HikDeviceControls["list"]>;
  physicalDevices: Array<{ serialNo: string; model: string; online: boolean; ownedByAnotherAccount: boolean; cameraChannels: number }>;
  areas: Array<{ id: string; name: string; parentId: string }>;
  cameras: ReturnType<HikDeviceControls["cameras"]>;
  liveTokens: number;
  accounting: AccountingSnapshot;
}

/**
 * An in-memory Hik-Connect for Teams OpenAPI 2.13.0 with its two servers: the region server
 * (`url`, what users configure: token/get only) and the area server (`areaUrl`, the token answer's
 * `areaDomain`: everything else, with the `Token` header). Errors are HTTP 200 with an errorCode;
 * the per-account limit of 5 requests per second is enforced with HTTP 429; tokens expire and can
 * be revoked; devices are added from a registry of physical devices (serial + verification code);
 * areas hold logical cameras (device channels imported into them). Every area call counts against
 * the limit the same way, whatever it is.
 *
 * Order of checks on an area call (the guide gives none): rate limit (429) → body is a JSON
 * object (OPEN000008) → token (OPEN000006/OPEN000007) → the method's own checks.
 */
export class HikConnectEmulator extends VendorEmulator {
  /** Devices behind the client's back. */
  readonly devices: HikDeviceControls;
  private options: Required<Omit<HikConnectEmulatorOptions, "rateLimit">> & { rateLimit: RateLimitSettings };
  private readonly store: DeviceStore;
  private readonly tokens: TokenStore;
  private readonly accounting: RequestAccounting;

  constructor(options: HikConnectEmulatorOptions) {
    super({ vendor: "hikconnect", secretKeyPattern: /(password|token|secret|verifycode|app[-_]?key|authorization)/i });
    if (!options.appKey || !options.secretKey) throw new Error("HikConnectEmulator needs appKey and secretKey");
    this.options = {
      tokenLifetimeSeconds: 7 * 24 * 3600,
      numbersAsStrings: true,
      addFailureStyle: "per-device",
      detailNotFound: "error",
      deviceNotFoundCode: "VMS021307",
      areaNameScope: "siblings",
      areaExistsCode: "OPEN000510",
      physicalDevices: [],
      ...options,
      rateLimit: { limit: 5, windowMs: 1000, ...options.rateLimit },
    };
    this.store = new DeviceStore(this.options.physicalDevices);
    this.devices = new HikDeviceControls(this.store);
    this.tokens = new TokenStore(this.options.tokenLifetimeSeconds * 1000);
    this.accounting = new RequestAccounting(this.options.rateLimit);
  }

  /** Starts the region server (resolves to its URL) and the area server on the same host. */
  override async start(options: ListenOptions & { areaPort?: number } = {}): Promise<string> {
    const { areaPort, ...listen } = options;
    const url = await super.start(listen);
    await this.listenAlso(AREA_LISTENER, { ...listen, port: areaPort ?? 0 });
    return url;
  }

  /** The area server's base URL (the token answer's `areaDomain`). */
  get areaUrl(): string {
    return this.listenerUrl(AREA_LISTENER);
  }

  /** What the emulator counted itself: token requests, tokens issued, requests admitted and refused. */
  accountingSnapshot(): AccountingSnapshot {
    return this.accounting.snapshot();
  }

  /**
   * Changes the enforced request frequency from now on (tests that are not about the limit run
   * faster with a higher one; the guide's rule is 5 per 1000 ms).
   */
  setRateLimit(settings: Partial<RateLimitSettings>): void {
    this.options.rateLimit = { ...this.options.rateLimit, ...settings };
    this.accounting.settings = this.options.rateLimit;
  }

  /** Invalidates every live token early; area calls with one then answer `code`. Returns how many. */
  revokeTokens(code: "OPEN000006" | "OPEN000007" = "OPEN000007"): number {
    return this.tokens.revokeAll(code);
  }

  override state(): HikConnectState {
    return {
      regionUrl: this.url,
      areaUrl: this.areaUrl,
      devices: this.devices.list().map((d) => ({ ...d, ...(d.password ? { password: "***" } : {}), ...(d.streamSecretKey ? { streamSecretKey: "***" } : {}) })),
      physicalDevices: [...this.store.physical.values()].map(({ verifyCode: _code, ...rest }) => rest),
      areas: this.devices.areas(),
      cameras: this.devices.cameras(),
      liveTokens: this.tokens.liveCount(),
      accounting: this.accounting.snapshot(),
    };
  }

  protected override resetState(): void {
    this.store.reset();
    this.tokens.reset();
    this.accounting.reset();
  }

  protected override secretValues(): readonly string[] {
    return [this.options.secretKey];
  }

  protected override vendorRoutes(): readonly Route[] {
    const area = (name: string, path: string, method: (body: Body, ctx: AreaContext) => unknown): Route => ({
      name,
      method: "POST",
      path: `${API}${path}`,
      listener: AREA_LISTENER,
      handler: (request) => this.areaCall(request, method),
    });
    return [
      { name: "token/get", method: "POST", path: `${API}/platform/v1/token/get`, listener: MAIN_LISTENER, handler: (r) => this.tokenGet(r) },
      area("devices/add", "/resource/v1/devices/add", addDevice),
      area("devices/update", "/resource/v1/devices/update", (body, ctx) => updateDevice(body, ctx)),
      area("devices/get", "/resource/v1/devices/get", listDevices),
      area("devicedetail/get", "/resource/v1/devicedetail/get", deviceDetail),
      area("devices/delete", "/resource/v1/devices/delete", (body, ctx) => deleteDevices(body, ctx)),
      area("timezone/get", "/resource/v1/timezone/get", () => ({ timeZone: TIME_ZONES, systemTimeZoneID: "30" })),
      area("areas/add", "/resource/v1/areas/add", addArea),
      area("areas/get", "/resource/v1/areas/get", listAreas),
      area("areadetail/get", "/resource/v1/areadetail/get", areaDetail),
      area("areas/resources/add", "/resource/v1/areas/resources/add", addAreaResources),
      area("areas/resources/delete", "/resource/v1/areas/resources/delete", (body, ctx) => deleteAreaResources(body, ctx)),
      area("areas/cameras/get", "/resource/v1/areas/cameras/get", listCameras),
    ];
  }

  protected override extraAdminRoutes(): readonly Route[] {
    const byId = new RegExp(`^${ADMIN_PREFIX}/devices/(?<id>[0-9a-f]+)$`);
    const areaById = new RegExp(`^${ADMIN_PREFIX}/areas/(?<id>[0-9a-f]+)$`);
    return [
      {
        name: "admin.tokens.revoke",
        method: "POST",
        path: `${ADMIN_PREFIX}/tokens/revoke`,
        handler: (request) => {
          const code = (jsonBodyOf(request) as { code?: unknown } | undefined)?.code ?? "OPEN000007";
          if (code !== "OPEN000006" && code !== "OPEN000007") throw new AdminRequestError('code must be "OPEN000006" or "OPEN000007"');
          return jsonResponse(200, { revoked: this.revokeTokens(code) });
        },
      },
      { name: "admin.accounting", method: "GET", path: `${ADMIN_PREFIX}/accounting`, handler: () => jsonResponse(200, this.accountingSnapshot()) },
      {
        name: "admin.physical-devices.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/physical-devices`,
        handler: (request) => {
          const body = jsonBodyOf(request) as PhysicalDeviceInput | undefined;
          if (!body || typeof body.serialNo !== "string" || typeof body.verifyCode !== "string") {
            throw new AdminRequestError("expected {serialNo, verifyCode, model?, firmwareVersion?, cameraChannels?, online?, ownedByAnotherAccount?}");
          }
          const { verifyCode: _code, ...shown } = this.devices.registerPhysical(body);
          return jsonResponse(200, shown);
        },
      },
      {
        name: "admin.devices.patch",
        method: "PATCH",
        path: byId,
        handler: (request) => {
          const id = request.pathParams["id"]!;
          if (!this.devices.get(id)) return jsonResponse(404, { error: `device ${id} is not added` });
          const { name, timeZoneId } = (jsonBodyOf(request) ?? {}) as { name?: string; timeZoneId?: string };
          const { password: _p, streamSecretKey: _s, ...shown } = this.devices.patch(id, {
            ...(name !== undefined ? { name } : {}),
            ...(timeZoneId !== undefined ? { timeZoneId } : {}),
          });
          return jsonResponse(200, shown);
        },
      },
      {
        name: "admin.devices.delete",
        method: "DELETE",
        path: byId,
        handler: (request) => jsonResponse(200, { ok: this.devices.delete(request.pathParams["id"]!) }),
      },
      {
        name: "admin.areas.add",
        method: "POST",
        path: `${ADMIN_PREFIX}/areas`,
        handler: (request) => {
          const { name, parentId } = (jsonBodyOf(request) ?? {}) as { name?: unknown; parentId?: unknown };
          if (typeof name !== "string" || name === "" || (parentId !== undefined && typeof parentId !== "string")) throw new AdminRequestError("expected {name, parentId?}");
          if (parentId !== undefined && parentId !== ROOT_AREA && !this.devices.area(parentId)) return jsonResponse(404, { error: `no area ${parentId}` });
          return jsonResponse(200, this.devices.area(this.devices.addArea(name, parentId)));
        },
      },
      {
        // Deleting an area is only possible in the portal: this route is that portal.
        name: "admin.areas.delete",
        method: "DELETE",
        path: areaById,
        handler: (request) => jsonResponse(200, { ok: this.devices.deleteArea(request.pathParams["id"]!) }),
      },
    ];
  }

  /** token/get (5.1.1) on the region server: AK/SK → token, expiry (epoch seconds) and areaDomain. */
  private tokenGet(request: SandboxRequest): SandboxResponse {
    const body = request.body.kind === "json" && isObject(request.body.value) ? request.body.value : undefined;
    const ownAccount = typeof body?.["appKey"] === "string" && sameSecret(body["appKey"], this.options.appKey);
    if (ownAccount) {
      const limited = this.rateLimited();
      if (limited) return limited;
      this.accounting.tokenRequests++;
    }
    if (!body) return errorAnswer(OPEN.conversion("the body must be a JSON object"));
    if (!ownAccount) return errorAnswer(OPEN.akDoesNotExist());
    if (typeof body["secretKey"] !== "string" || !sameSecret(body["secretKey"], this.options.secretKey)) return errorAnswer(OPEN.incorrectSk());
    const issued = this.tokens.obtain();
    if (issued.isNew) this.accounting.tokensIssued++;
    return ok({
      accessToken: issued.token,
      expireTime: Math.floor(issued.expiresAt / 1000),
      userId: createHash("sha256").update(this.options.appKey).digest("hex").slice(0, 32),
      areaDomain: this.areaUrl,
    });
  }

  private areaCall(request: SandboxRequest, method: (body: Body, ctx: AreaContext) => unknown): SandboxResponse {
    const token = headerOf(request, "token");
    if (this.tokens.knows(token)) {
      const limited = this.rateLimited();
      if (limited) return limited;
    }
    try {
      const body = request.body.kind === "json" ? request.body.value : request.body.kind === "empty" ? {} : undefined;
      if (!isObject(body)) throw OPEN.conversion("the body must be a JSON object (Content-Type: application/json)");
      const refusal = this.tokens.refusal(token);
      if (refusal) throw refusal;
      const data = method(body, this.methodContext());
      return ok(data ?? undefined);
    } catch (error) {
      if (error instanceof HikError) return errorAnswer(error);
      throw error;
    }
  }

  /**
   * Past the limit: HTTP 429. The guide states the limit (3.1) but no answer for exceeding it; an
   * API gateway's 429 is assumed, with a Retry-After only when configured.
   */
  private rateLimited(): SandboxResponse | undefined {
    if (this.accounting.admit()) return undefined;
    const retryAfter = this.options.rateLimit.retryAfterSeconds;
    return jsonResponse(
      429,
      { message: `Too many requests: no more than ${this.options.rateLimit.limit} requests per ${this.options.rateLimit.windowMs} ms are allowed` },
      retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
    );
  }

  private methodContext(): AreaContext {
    return {
      store: this.store,
      timeZoneIds: TIME_ZONES.map((tz) => tz.id),
      numbersAsStrings: this.options.numbersAsStrings,
      addFailureStyle: this.options.addFailureStyle,
      detailNotFound: this.options.detailNotFound,
      deviceNotFoundCode: this.options.deviceNotFoundCode,
      areaNameScope: this.options.areaNameScope,
      areaExistsCode: this.options.areaExistsCode,
    };
  }
}

/** Creates a Hik-Connect emulator and starts both its servers. */
export async function startHikConnectEmulator(
  options: HikConnectEmulatorOptions,
  listen: ListenOptions & { areaPort?: number } = {},
): Promise<HikConnectEmulator> {
  const emulator = new HikConnectEmulator(options);
  await emulator.start(listen);
  return emulator;
}

function isObject(value: unknown): value is Body {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function headerOf(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
