/** The Hik-Connect for Teams OpenAPI 2.13.0 emulator (region + area server). */
export type { AccountingSnapshot, RateLimitSettings } from "./hikconnect-accounting";
export { DEVICE_CATEGORIES, HikDeviceControls, type AddedDevice, type CameraChannel, type DeviceCategory, type PhysicalDevice, type PhysicalDeviceInput } from "./hikconnect-devices";
export { AREA_LISTENER, HikConnectEmulator, startHikConnectEmulator, type HikConnectEmulatorOptions, type HikConnectState } from "./hikconnect-emulator";
export { hikconnectLauncher, sandboxPhysicalDevices, type HikConnectSandbox, type HikConnectSandboxOptions } from "./hikconnect-launcher";
export { TIME_ZONES } from "./hikconnect-time-zones";
