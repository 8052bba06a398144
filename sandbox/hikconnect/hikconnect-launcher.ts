import { randomInt } from "node:crypto";
import { randomSecret, type VendorLauncher } from "../sandbox-vendor";
import type { PhysicalDeviceInput } from "./hikconnect-devices";
import { HikConnectEmulator, type HikConnectEmulatorOptions } from "./hikconnect-emulator";

/** Hik-Connect options of `startSandbox`. */
export interface HikConnectSandboxOptions {
  /** Fixed port of the region server (wins over `portBase`); default a free port. */
  port?: number;
  /** Port of the area server; default a free port (the provider learns it from the token answer). */
  areaPort?: number;
  /** Default: random for every start. */
  appKey?: string;
  /** Default: random for every start. */
  secretKey?: string;
  /** Further emulator options. `physicalDevices` defaults to {@link sandboxPhysicalDevices}. */
  emulator?: Omit<HikConnectEmulatorOptions, "appKey" | "secretKey">;
}

/** The running Hik-Connect emulator as `startSandbox` returns it. */
export interface HikConnectSandbox {
  /** The region server: what `hikconnect:url` points at (token/get). */
  url: string;
  /** The area server, returned as `areaDomain` by token/get. */
  areaUrl: string;
  appKey: string;
  secretKey: string;
  /** The physical devices that can be added, with their verification codes. */
  physicalDevices: PhysicalDeviceInput[];
  emulator: HikConnectEmulator;
}

/**
 * The devices the sandbox command offers: SBX000001 (a 4-channel recorder) to SBX000016 can be
 * added; SBX000017 belongs to another account, SBX000018 is offline. Verification codes are six
 * capital letters, random per start (printed by the sandbox command).
 */
export function sandboxPhysicalDevices(): PhysicalDeviceInput[] {
  const code = () => Array.from({ length: 6 }, () => String.fromCharCode(65 + randomInt(26))).join("");
  return Array.from({ length: 18 }, (_, i) => {
    const serialNo = `SBX${String(i + 1).padStart(6, "0")}`;
    const base: PhysicalDeviceInput = { serialNo, verifyCode: code() };
    if (i === 0) return { ...base, model: "DS-7604NI-K1", firmwareVersion: "V4.62.210 build 230301", cameraChannels: 4 };
    if (i === 16) return { ...base, ownedByAnotherAccount: true };
    if (i === 17) return { ...base, online: false };
    return base;
  });
}

export const hikconnectLauncher: VendorLauncher<HikConnectSandboxOptions, HikConnectSandbox> = {
  portOffset: 2,
  async launch(options = {}, listen) {
    const appKey = options.appKey ?? randomSecret();
    const secretKey = options.secretKey ?? randomSecret();
    const physicalDevices = [...(options.emulator?.physicalDevices ?? sandboxPhysicalDevices())];
    const emulator = new HikConnectEmulator({ ...options.emulator, physicalDevices, appKey, secretKey });
    const url = await emulator.start({
      host: listen.host,
      port: options.port ?? listen.port,
      ...(options.areaPort !== undefined ? { areaPort: options.areaPort } : {}),
    });
    const areaUrl = emulator.areaUrl;
    return {
      info: { url, areaUrl, appKey, secretKey, physicalDevices, emulator },
      pulumiConfig: [
        { key: "hikconnect:url", value: url, secret: false },
        { key: "hikconnect:appKey", value: appKey, secret: false },
        { key: "hikconnect:secretKey", value: secretKey, secret: true },
      ],
      env: { HIKCONNECT_URL: url, HIKCONNECT_APP_KEY: appKey, HIKCONNECT_SECRET_KEY: secretKey },
      summary: {
        url,
        appKey,
        secretKey,
        adminUrl: `${url}/__sandbox`,
        areaUrl,
        devices: physicalDevices
          .map((d) => `${d.serialNo}=${d.verifyCode}${d.ownedByAnotherAccount ? " (another account's)" : d.online === false ? " (offline)" : ""}`)
          .join(", "),
      },
      stop: () => emulator.stop(),
    };
  },
};
