import { randomBytes } from "node:crypto";

/** Device categories (guide A.1.3). */
export const DEVICE_CATEGORIES = ["alarmDevice", "encodingDevice", "mobileDevice", "accessControllerDevice", "videoIntercomDevice"] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

/** A device that exists in the world: what devices/add checks a serial number and code against. */
export interface PhysicalDevice {
  serialNo: string;
  /** The verification code printed on the device label. */
  verifyCode: string;
  /** Model, e.g. `DS-2CD2143G2-I` (devicedetail `baseInfo.type`). */
  model: string;
  /** Firmware (devicedetail `baseInfo.version`). */
  firmwareVersion: string;
  /** Camera channels the device brings (an NVR has several, a camera one). */
  cameraChannels: number;
  online: boolean;
  /** Already added to another Hik-Connect / Hik-ProConnect account: devices/add answers EVZ20013. */
  ownedByAnotherAccount: boolean;
}

export type PhysicalDeviceInput = Pick<PhysicalDevice, "serialNo" | "verifyCode"> & Partial<PhysicalDevice>;

export interface CameraChannel {
  id: string;
  name: string;
  no: number;
  online: boolean;
  areaId?: string;
}

/** A device added to the API account. */
export interface AddedDevice {
  id: string;
  serialNo: string;
  name: string;
  category: DeviceCategory;
  userName?: string;
  password?: string;
  streamSecretKey?: string;
  timeZoneId: string;
  applyTimeZoneToDevice: boolean;
  /** "yyyy-MM-dd HH:mm:ss", as devices/get shows it. */
  addTime: string;
  cameraChannels: CameraChannel[];
}

/** A 32-character hexadecimal id, the shape of the guide's device, channel and area ids. */
export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** Physical devices, devices added to the account, and areas. */
export class DeviceStore {
  readonly physical = new Map<string, PhysicalDevice>();
  readonly added = new Map<string, AddedDevice>();
  readonly areas = new Map<string, string>();

  constructor(private readonly initialPhysical: readonly PhysicalDeviceInput[]) {
    this.reset();
  }

  registerPhysical(input: PhysicalDeviceInput): PhysicalDevice {
    const device: PhysicalDevice = {
      model: "DS-2CD2143G2-I",
      firmwareVersion: "V5.7.3 build 220112",
      cameraChannels: 1,
      online: true,
      ownedByAnotherAccount: false,
      ...input,
    };
    this.physical.set(device.serialNo, device);
    return device;
  }

  addedBySerial(serialNo: string): AddedDevice | undefined {
    return [...this.added.values()].find((d) => d.serialNo === serialNo);
  }

  reset(): void {
    this.physical.clear();
    this.added.clear();
    this.areas.clear();
    for (const input of this.initialPhysical) this.registerPhysical(input);
  }
}

/** Changes behind the client's back, for tests: drift, out-of-band deletes, devices going offline. */
export class HikDeviceControls {
  constructor(private readonly store: DeviceStore) {}

  /** Makes a device exist in the world (it can then be added by serial number and code). */
  registerPhysical(input: PhysicalDeviceInput): PhysicalDevice {
    return structuredClone(this.store.registerPhysical(input));
  }

  /** Devices added to the account. */
  list(): AddedDevice[] {
    return [...this.store.added.values()].map((d) => structuredClone(d));
  }

  get(id: string): AddedDevice | undefined {
    const device = this.store.added.get(id);
    return device && structuredClone(device);
  }

  bySerial(serialNo: string): AddedDevice | undefined {
    const device = this.store.addedBySerial(serialNo);
    return device && structuredClone(device);
  }

  /** Edits an added device as someone in the portal would. */
  patch(id: string, patch: Partial<Pick<AddedDevice, "name" | "timeZoneId" | "userName" | "password">>): AddedDevice {
    const device = this.store.added.get(id);
    if (!device) throw new Error(`device ${id} is not added`);
    Object.assign(device, patch);
    return structuredClone(device);
  }

  /** Removes a device from the account as someone in the portal would. */
  delete(id: string): boolean {
    return this.store.added.delete(id);
  }

  /** Takes a physical device (and its channels) on- or offline. */
  setOnline(serialNo: string, online: boolean): void {
    const device = this.store.physical.get(serialNo);
    if (!device) throw new Error(`no physical device ${serialNo}`);
    device.online = online;
    const added = this.store.addedBySerial(serialNo);
    for (const channel of added?.cameraChannels ?? []) channel.online = online;
  }

  /** Creates an area (for importToArea.areaID) and returns its id. */
  addArea(name: string): string {
    const id = newId();
    this.store.areas.set(id, name);
    return id;
  }
}
