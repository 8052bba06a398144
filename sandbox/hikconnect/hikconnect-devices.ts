import { randomBytes } from "node:crypto";

/** Device categories (guide A.1.3). */
export const DEVICE_CATEGORIES = ["alarmDevice", "encodingDevice", "mobileDevice", "accessControllerDevice", "videoIntercomDevice"] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

/** The parent id of a top-level area (the guide's `"-1"`). */
export const ROOT_AREA = "-1";

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

/**
 * A camera channel of an added device. Imported into an area (areas/resources/add, or
 * importToArea on devices/add) it becomes a logical resource with its own id: `resourceId`,
 * `resourceName` and `areaId` are then set. One channel is one logical resource at most.
 */
export interface CameraChannel {
  id: string;
  name: string;
  no: number;
  online: boolean;
  areaId?: string;
  resourceId?: string;
  resourceName?: string;
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

/** An area of the resource tree (5.2.2 "Areas"). */
export interface Area {
  id: string;
  name: string;
  /** The parent area's id, or {@link ROOT_AREA}. */
  parentId: string;
}

/** A 32-character hexadecimal id, the shape of the guide's device, channel and area ids. */
export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** Physical devices, devices added to the account, and areas. */
export class DeviceStore {
  readonly physical = new Map<string, PhysicalDevice>();
  readonly added = new Map<string, AddedDevice>();
  readonly areas = new Map<string, Area>();

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
    for (const d of this.added.values()) if (d.serialNo === serialNo) return d;
    return undefined;
  }

  addArea(name: string, parentId: string = ROOT_AREA): Area {
    const area: Area = { id: newId(), name, parentId };
    this.areas.set(area.id, area);
    return area;
  }

  /** The areas from the top down to `id` ("a->b->c"), as areadetail/get's `areaPath` shows it. */
  areaPath(id: string): string {
    const names: string[] = [];
    for (let area = this.areas.get(id); area && names.length < 64; area = this.areas.get(area.parentId)) names.unshift(area.name);
    return names.join("->");
  }

  /** Whether `id` is `ancestor` or below it. */
  isWithin(id: string, ancestor: string): boolean {
    if (ancestor === ROOT_AREA) return true;
    for (let area = this.areas.get(id), depth = 0; area && depth < 64; area = this.areas.get(area.parentId), depth++) {
      if (area.id === ancestor) return true;
    }
    return false;
  }

  /** Every camera channel that is a logical resource (in an area), with its device. */
  *logicalCameras(): Generator<{ device: AddedDevice; channel: CameraChannel & { resourceId: string; areaId: string } }> {
    for (const device of this.added.values()) {
      for (const channel of device.cameraChannels) {
        if (channel.resourceId !== undefined && channel.areaId !== undefined) yield { device, channel: channel as CameraChannel & { resourceId: string; areaId: string } };
      }
    }
  }

  /** The camera channel with this channel id, on whichever device. */
  channel(channelId: string): { device: AddedDevice; channel: CameraChannel } | undefined {
    for (const device of this.added.values()) {
      const channel = device.cameraChannels.find((c) => c.id === channelId);
      if (channel) return { device, channel };
    }
    return undefined;
  }

  /** Makes a channel a logical resource of an area. */
  importChannel(channel: CameraChannel, areaId: string, name: string): string {
    channel.areaId = areaId;
    channel.resourceId = newId();
    channel.resourceName = name;
    return channel.resourceId;
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

  /**
   * Puts a physical device on the account as a successful devices/add would (for seeding; no
   * request, no rate accounting). Returns the added device.
   */
  addToAccount(serialNo: string, settings: { name: string; category?: DeviceCategory; timeZoneId?: string }): AddedDevice {
    const physical = this.store.physical.get(serialNo);
    if (!physical) throw new Error(`no physical device ${serialNo}`);
    if (this.store.addedBySerial(serialNo)) throw new Error(`device ${serialNo} is already on the account`);
    const device: AddedDevice = {
      id: newId(),
      serialNo,
      name: settings.name,
      category: settings.category ?? "encodingDevice",
      timeZoneId: settings.timeZoneId ?? "26",
      applyTimeZoneToDevice: true,
      addTime: new Date().toISOString().replace("T", " ").slice(0, 19),
      cameraChannels: Array.from({ length: physical.cameraChannels }, (_, i) => ({
        id: newId(),
        name: `Camera ${String(i + 1).padStart(2, "0")}`,
        no: i + 1,
        online: physical.online,
      })),
    };
    this.store.added.set(device.id, device);
    return structuredClone(device);
  }

  /** Edits an added device as someone in the portal would. */
  patch(id: string, patch: Partial<Pick<AddedDevice, "name" | "timeZoneId" | "userName" | "password">>): AddedDevice {
    const device = this.store.added.get(id);
    if (!device) throw new Error(`device ${id} is not added`);
    Object.assign(device, patch);
    return structuredClone(device);
  }

  /** Removes a device from the account as someone in the portal would (its logical resources go with it). */
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

  /** Renames a channel or takes it on/offline on its own (an NVR's IP camera), as the device would. */
  patchChannel(channelId: string, patch: Partial<Pick<CameraChannel, "name" | "online">>): void {
    const found = this.store.channel(channelId);
    if (!found) throw new Error(`no camera channel ${channelId}`);
    Object.assign(found.channel, patch);
  }

  /** Creates an area (for importToArea.areaID, or as if made in the portal) and returns its id. */
  addArea(name: string, parentId: string = ROOT_AREA): string {
    if (parentId !== ROOT_AREA && !this.store.areas.has(parentId)) throw new Error(`no area ${parentId}`);
    return this.store.addArea(name, parentId).id;
  }

  areas(): Area[] {
    return [...this.store.areas.values()].map((a) => structuredClone(a));
  }

  area(id: string): Area | undefined {
    const area = this.store.areas.get(id);
    return area && structuredClone(area);
  }

  /** Renames an area as someone in the portal would. */
  renameArea(id: string, name: string): void {
    const area = this.store.areas.get(id);
    if (!area) throw new Error(`no area ${id}`);
    area.name = name;
  }

  /**
   * Deletes an area, its sub-areas and their logical resources, as someone in the portal would
   * (the OpenAPI itself has no way to delete an area).
   */
  deleteArea(id: string): boolean {
    if (!this.store.areas.has(id)) return false;
    const doomed = [...this.store.areas.keys()].filter((a) => this.store.isWithin(a, id));
    for (const a of doomed) this.store.areas.delete(a);
    for (const { channel } of [...this.store.logicalCameras()]) {
      if (doomed.includes(channel.areaId)) clearResource(channel);
    }
    return true;
  }

  /** Imports a channel into an area as if done in the portal; returns the logical resource id. */
  importChannel(channelId: string, areaId: string, name?: string): string {
    const found = this.store.channel(channelId);
    if (!found) throw new Error(`no camera channel ${channelId}`);
    if (!this.store.areas.has(areaId)) throw new Error(`no area ${areaId}`);
    return this.store.importChannel(found.channel, areaId, name ?? found.channel.name);
  }

  /** The logical cameras (channels imported into areas). */
  cameras(): Array<{ id: string; name: string; areaId: string; channelId: string; deviceId: string }> {
    return [...this.store.logicalCameras()].map(({ device, channel }) => ({
      id: channel.resourceId,
      name: channel.resourceName ?? channel.name,
      areaId: channel.areaId,
      channelId: channel.id,
      deviceId: device.id,
    }));
  }

  /** Renames a logical camera as someone in the portal would. */
  renameCamera(resourceId: string, name: string): void {
    const found = [...this.store.logicalCameras()].find((c) => c.channel.resourceId === resourceId);
    if (!found) throw new Error(`no logical camera ${resourceId}`);
    found.channel.resourceName = name;
  }

  /** Removes a logical camera from its area as someone in the portal would. */
  removeCamera(resourceId: string): boolean {
    const found = [...this.store.logicalCameras()].find((c) => c.channel.resourceId === resourceId);
    if (!found) return false;
    clearResource(found.channel);
    return true;
  }
}

/** The channel is no longer a logical resource. */
export function clearResource(channel: CameraChannel): void {
  delete channel.areaId;
  delete channel.resourceId;
  delete channel.resourceName;
}
