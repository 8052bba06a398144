/**
 * The one list of what pulumi-telecom provides: vendors, resources and functions. Everything that
 * enumerates them derives from here — the host's token table (provider/index.ts), the SDK classes
 * and functions (sdk/*.generated.ts, written by `npm run generate`), the reference docs (docs/),
 * the bench table and the tests that check each resource is covered.
 *
 * Adding a resource: write `provider/<vendor>/<object>.ts` exporting `<lowerCamel className>`
 * (made with `defineResource`), add one line to `resources`, run `npm run generate`.
 * Adding a function: export it (made with `defineFunction`) from a module of its vendor folder,
 * add one line to `functions`, run `npm run generate`.
 *
 * Nothing here loads a vendor's code: modules are required on first use, so a stack that manages
 * only Forpost accounts never loads another vendor's client.
 */
import type { Vendor } from "./core/errors";

export interface VendorEntry {
  id: Vendor;
  /** How people call the system. */
  title: string;
  /** The API the vendor document describes. */
  api: string;
  /** Module (under provider/) exporting `<id>Config`. */
  configModule: string;
}

export interface ResourceEntry {
  /** The SDK class users write (`new ForpostAccount(...)`). */
  className: string;
  /** `<vendor>:<Type>`; the engine sees `pulumi-nodejs:dynamic/<vendor>:<Type>`. */
  token: `${Vendor}:${string}`;
  /** Module under provider/ exporting the resource as `lowerFirst(className)`. */
  module: string;
}

export interface FunctionEntry {
  vendor: Vendor;
  /** The name in the vendor's SDK namespace (`forpost.getTariffs`). */
  name: string;
  /** Module under provider/ exporting the function definition under `name`. */
  module: string;
}

export const vendors: readonly VendorEntry[] = [
  { id: "forpost", title: "Forpost", api: "Forpost cloud video surveillance, System API 1.6.9", configModule: "forpost/config" },
  { id: "stalker", title: "Stalker", api: "Stalker Middleware (Ministra) REST API v1", configModule: "stalker/config" },
  { id: "vsaas", title: "VSAAS.IO", api: "VSAAS.IO billing API v1 and Flussonic Watcher API v2", configModule: "vsaas/config" },
  { id: "hikconnect", title: "Hik-Connect", api: "Hik-Connect for Teams (HikCentral Connect) OpenAPI 2.13.0", configModule: "hikconnect/config" },
  { id: "billing", title: "Billing", api: "ISP billing cashier API (`api.php`, CLN_* procedures)", configModule: "billing/config" },
];

export const resources: readonly ResourceEntry[] = [
  { className: "ForpostAccount", token: "forpost:Account", module: "forpost/account" },
  { className: "ForpostUser", token: "forpost:User", module: "forpost/user" },
  { className: "ForpostCamera", token: "forpost:Camera", module: "forpost/camera" },
  { className: "ForpostUserCameraAccess", token: "forpost:UserCameraAccess", module: "forpost/user-camera-access" },
  { className: "StalkerAccount", token: "stalker:Account", module: "stalker/account" },
  { className: "StalkerChannelSubscription", token: "stalker:ChannelSubscription", module: "stalker/channel-subscription" },
  { className: "StalkerMenuRestrictions", token: "stalker:MenuRestrictions", module: "stalker/menu-restrictions" },
  { className: "VsaasOrganization", token: "vsaas:Organization", module: "vsaas/organization" },
  { className: "VsaasUser", token: "vsaas:User", module: "vsaas/user" },
  { className: "VsaasOrganizationUser", token: "vsaas:OrganizationUser", module: "vsaas/organization-user" },
  { className: "VsaasFolderAccess", token: "vsaas:FolderAccess", module: "vsaas/folder-access" },
  { className: "HikDevice", token: "hikconnect:Device", module: "hikconnect/device" },
  { className: "HikArea", token: "hikconnect:Area", module: "hikconnect/area" },
  { className: "HikAreaCamera", token: "hikconnect:AreaCamera", module: "hikconnect/area-camera" },
  { className: "BillingHome", token: "billing:Home", module: "billing/home" },
  { className: "BillingSwitch", token: "billing:Switch", module: "billing/switch" },
];

export const functions: readonly FunctionEntry[] = [
  { vendor: "forpost", name: "getTariffs", module: "forpost/functions" },
  { vendor: "forpost", name: "getMasters", module: "forpost/functions" },
  { vendor: "forpost", name: "getCameraModels", module: "forpost/functions" },
  { vendor: "forpost", name: "getRecordTypes", module: "forpost/functions" },
  { vendor: "forpost", name: "getProtocols", module: "forpost/functions" },
  { vendor: "forpost", name: "getRtspTransports", module: "forpost/functions" },
  { vendor: "forpost", name: "getPtzTypes", module: "forpost/functions" },
  { vendor: "forpost", name: "getAuthProviders", module: "forpost/functions" },
  { vendor: "vsaas", name: "getTariffPlans", module: "vsaas/functions" },
  { vendor: "vsaas", name: "getOrganizationFolders", module: "vsaas/functions" },
  { vendor: "vsaas", name: "getOrganizationPresets", module: "vsaas/functions" },
  { vendor: "stalker", name: "getChannels", module: "stalker/functions" },
  { vendor: "stalker", name: "getChannel", module: "stalker/functions" },
  { vendor: "hikconnect", name: "getTimeZones", module: "hikconnect/functions" },
  { vendor: "hikconnect", name: "getAreas", module: "hikconnect/functions" },
  { vendor: "billing", name: "findSubscribers", module: "billing/functions" },
  { vendor: "billing", name: "getSubscriber", module: "billing/functions" },
  { vendor: "billing", name: "getHomes", module: "billing/functions" },
  { vendor: "billing", name: "getSwitches", module: "billing/functions" },
];

/** The export name of a resource in its module: `ForpostAccount` → `forpostAccount`. */
export function exportName(entry: ResourceEntry): string {
  return entry.className.charAt(0).toLowerCase() + entry.className.slice(1);
}
