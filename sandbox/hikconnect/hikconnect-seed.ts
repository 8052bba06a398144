import type { HikConnectEmulator } from "./hikconnect-emulator";
import { ROOT_AREA } from "./hikconnect-devices";

/** Options of {@link seedHikConnect}. */
export interface HikConnectSeedOptions {
  /** Subscriber sites to create (each a top-level area with its devices). */
  subscribers: number;
  /** First contract number (default 1): several seeds can share one emulator. */
  firstContract?: number;
  /** Serial numbers are `<prefix><8 digits>` (default "SD"). */
  serialPrefix?: string;
  /** Time zone id of the devices (default "26"). */
  timeZoneId?: string;
}

/** One seeded camera channel imported into an area (a HikAreaCamera). */
export interface SeededCamera {
  /** The logical resource id (what areas/cameras/get calls the camera id). */
  id: string;
  name: string;
  areaId: string;
  channelId: string;
  deviceId: string;
}

/** One seeded device (a HikDevice). */
export interface SeededDevice {
  id: string;
  serialNo: string;
  verifyCode: string;
  name: string;
  category: "encodingDevice";
  timeZoneId: string;
  model: string;
  firmwareVersion: string;
  cameraChannels: Array<{ id: string; name: string; no: number; online: boolean }>;
}

/** One seeded subscriber: its site area, sub-areas, devices and logical cameras. */
export interface SeededSubscriber {
  contract: string;
  /** The site: a top-level area named `<contract> <address>`. */
  area: { id: string; name: string; parentId: string };
  /** Entrances of apartment blocks: areas under the site, their names repeated from site to site. */
  subAreas: Array<{ id: string; name: string; parentId: string }>;
  devices: SeededDevice[];
  cameras: SeededCamera[];
}

const STREETS = ["Lenina", "Mira", "Sadovaya", "Lesnaya", "Shkolnaya", "Sovetskaya", "Molodezhnaya", "Tsentralnaya"];

/**
 * Fills a Hik-Connect emulator with N realistic subscribers, directly (no requests, nothing on the
 * rate accounting): each a site area `C-000042 Lenina 42` at the top of the tree with a camera
 * whose channel is imported into it. Variety, by contract number: every 4th site has a 4-channel
 * recorder instead, every 10th a second camera, every 5th is an apartment block whose cameras sit
 * in sub-areas "Entrance 1" / "Entrance 2" (names repeated under every such site), every 25th has
 * no device yet, and every 50th device is on the account but in no area. Contract numbers are
 * neighbours by prefix (`C-000004` and `C-0000040` never both occur, but names like
 * `C-000004 Lenina 4` and `C-000040 Lenina 40` share a prefix), so look-ups must match exactly.
 */
export function seedHikConnect(emulator: HikConnectEmulator, options: HikConnectSeedOptions): SeededSubscriber[] {
  const first = options.firstContract ?? 1;
  const prefix = options.serialPrefix ?? "SD";
  const timeZoneId = options.timeZoneId ?? "26";
  const controls = emulator.devices;
  let serial = first * 4;
  const subscribers: SeededSubscriber[] = [];
  for (let n = first; n < first + options.subscribers; n++) {
    const contract = `C-${String(n).padStart(6, "0")}`;
    const siteName = `${contract} ${STREETS[n % STREETS.length]} ${n}`;
    const site = { id: controls.addArea(siteName, ROOT_AREA), name: siteName, parentId: ROOT_AREA };
    const block = n % 5 === 0;
    const subAreas = block ? ["Entrance 1", "Entrance 2"].map((name) => ({ id: controls.addArea(name, site.id), name, parentId: site.id })) : [];
    const subscriber: SeededSubscriber = { contract, area: site, subAreas, devices: [], cameras: [] };
    subscribers.push(subscriber);
    if (n % 25 === 0) continue;
    const deviceCount = n % 10 === 0 ? 2 : 1;
    for (let d = 0; d < deviceCount; d++) {
      const recorder = d === 0 && n % 4 === 0;
      const serialNo = `${prefix}${String(serial++).padStart(8, "0")}`;
      const verifyCode = verifyCodeFor(serialNo);
      const physical = controls.registerPhysical({
        serialNo,
        verifyCode,
        ...(recorder ? { model: "DS-7604NI-K1", firmwareVersion: "V4.62.210 build 230301", cameraChannels: 4 } : {}),
      });
      const name = `${contract} ${recorder ? "NVR" : `Camera ${d + 1}`}`;
      const added = controls.addToAccount(serialNo, { name, timeZoneId });
      subscriber.devices.push({
        id: added.id,
        serialNo,
        verifyCode,
        name,
        category: "encodingDevice",
        timeZoneId,
        model: physical.model,
        firmwareVersion: physical.firmwareVersion,
        cameraChannels: added.cameraChannels.map(({ id, name: channelName, no, online }) => ({ id, name: channelName, no, online })),
      });
      if (serial % 50 === 0) continue; // on the account, in no area
      const areaId = block ? subAreas[d % subAreas.length]!.id : site.id;
      for (const channel of added.cameraChannels) {
        const cameraName = `${contract} ${channel.name}`;
        subscriber.cameras.push({ id: controls.importChannel(channel.id, areaId, cameraName), name: cameraName, areaId, channelId: channel.id, deviceId: added.id });
      }
    }
  }
  return subscribers;
}

/** Options of {@link registerCameras}. */
export interface RegisterCamerasOptions {
  /** How many cameras. */
  count: number;
  /** Serial numbers are `<prefix><8 digits>` (default "SN"), from `first`. */
  serialPrefix?: string;
  /** The first serial's counter (default 1). */
  first?: number;
}

/**
 * Registers `count` single-channel cameras as "physical" devices that exist (on line, with their
 * label's serial number and verification code) but are on no account yet — what an installer
 * leaves behind at subscribers' homes for a provisioning pipeline to add. Nothing is added to the
 * account; deterministic serials and codes.
 */
export function registerCameras(emulator: HikConnectEmulator, options: RegisterCamerasOptions): Array<{ serialNo: string; verifyCode: string }> {
  const prefix = options.serialPrefix ?? "SN";
  const first = options.first ?? 1;
  const cameras: Array<{ serialNo: string; verifyCode: string }> = [];
  for (let n = first; n < first + options.count; n++) {
    const serialNo = `${prefix}${String(n).padStart(8, "0")}`;
    const verifyCode = verifyCodeFor(serialNo);
    emulator.devices.registerPhysical({ serialNo, verifyCode });
    cameras.push({ serialNo, verifyCode });
  }
  return cameras;
}

/** A fixed, obviously fake six-letter code per serial (seeds are reproducible; never a real code). */
function verifyCodeFor(serialNo: string): string {
  let h = 0;
  for (const c of serialNo) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return Array.from({ length: 6 }, (_, i) => String.fromCharCode(65 + ((h >>> (i * 4)) % 26))).join("");
}
