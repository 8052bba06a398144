/**
 * Raw HTTP calls to the Hik-Connect emulator for the sandbox tests: plain fetch with JSON bodies and
 * the `Token` header, as the guide describes (3.2), and nothing from provider/.
 */
import { HikConnectEmulator, type HikConnectEmulatorOptions } from "../../sandbox/hikconnect";
import { send, type RawAnswer } from "./forpost-call";
import { useEmulator } from "./use-emulator";

export const APP_KEY = "test-only-app-key";
export const SECRET_KEY = "test-only-secret-key-9c1e";
export { send, type RawAnswer };

/** Devices every sandbox test file starts with. Codes are obviously fake. */
export const DEVICES = [
  { serialNo: "T00000001", verifyCode: "AAAAAA" },
  { serialNo: "T00000002", verifyCode: "BBBBBB", model: "DS-7604NI-K1", firmwareVersion: "V4.62.210 build 230301", cameraChannels: 4 },
  { serialNo: "T00000003", verifyCode: "CCCCCC", ownedByAnotherAccount: true },
  { serialNo: "T00000004", verifyCode: "DDDDDD", online: false },
  { serialNo: "T00000005", verifyCode: "EEEEEE" },
];

export interface HikAnswer<T = Record<string, unknown>> extends RawAnswer {
  json: { errorCode?: string; message?: string; data?: T } | undefined;
}

/** POST /api/hccgw/platform/v1/token/get on the region server. */
export async function getToken(url: string, appKey = APP_KEY, secretKey = SECRET_KEY): Promise<HikAnswer> {
  return (await send(`${url}/api/hccgw/platform/v1/token/get`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appKey, secretKey }),
  })) as HikAnswer;
}

/** A token and the area server's URL, from token/get. */
export async function session(url: string): Promise<{ token: string; area: string }> {
  const answer = await getToken(url);
  const data = answer.json?.data as { accessToken: string; areaDomain: string } | undefined;
  if (!data) throw new Error(`token/get failed: ${answer.text}`);
  return { token: data.accessToken, area: data.areaDomain };
}

/** POST `<area>/api/hccgw/resource/v1/<path>` with the Token header and a JSON body. */
export async function callArea(area: string, token: string | undefined, path: string, body: unknown = {}): Promise<HikAnswer> {
  return (await send(`${area}/api/hccgw/resource/v1/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { Token: token }) },
    body: JSON.stringify(body),
  })) as HikAnswer;
}

/** A devices/add body as in the guide's request example. */
export function addBody(serialNo: string, verifyCode: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceCategory: "encodingDevice",
    deviceInfo: { name: `cam ${serialNo}`, ezvizSerialNo: serialNo, ezvizVerifyCode: verifyCode, userName: "", password: "", streamSecretKey: "" },
    importToArea: { areaID: "", enable: "0" },
    timeZone: { id: "26", applyToDevice: "1" },
    ...extra,
  };
}

/**
 * A Hik-Connect emulator for one test file: started before all its tests, reset before each,
 * stopped after all.
 */
export function useHikConnectEmulator(options: Partial<HikConnectEmulatorOptions> = {}): {
  readonly emulator: HikConnectEmulator;
  readonly url: string;
} {
  return useEmulator(new HikConnectEmulator({ appKey: APP_KEY, secretKey: SECRET_KEY, physicalDevices: DEVICES, ...options }), "Hik-Connect");
}
