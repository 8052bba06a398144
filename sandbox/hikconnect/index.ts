/** The Hik-Connect for Teams OpenAPI 2.13.0 emulator (region + area server). */
export type { AccountingSnapshot, RateLimitSettings } from "./hikconnect-accounting";
export { AREA_EXISTS, DEVICE_NOT_FOUND, type AreaExistsCode, type DeviceNotFoundCode } from "./hikconnect-answers";
export {
  DEVICE_CATEGORIES,
  HikDeviceControls,
  ROOT_AREA,
  type AddedDevice,
  type Area,
  type CameraChannel,
  type DeviceCategory,
  type PhysicalDevice,
  type PhysicalDeviceInput,
} from "./hikconnect-devices";
export { AREA_LISTENER, HikConnectEmulator, startHikConnectEmulator, type HikConnectEmulatorOptions, type HikConnectState } from "./hikconnect-emulator";
export { hikconnectLauncher, sandboxPhysicalDevices, type HikConnectSandbox, type HikConnectSandboxOptions } from "./hikconnect-launcher";
export { registerCameras, seedHikConnect, type HikConnectSeedOptions, type RegisterCamerasOptions, type SeededCamera, type SeededDevice, type SeededSubscriber as HikSeededSubscriber } from "./hikconnect-seed";
export { TIME_ZONES } from "./hikconnect-time-zones";
