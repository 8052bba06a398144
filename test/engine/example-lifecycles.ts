import * as fs from "node:fs";
import { billingHome } from "../../provider/billing/home";
import { billingSwitch } from "../../provider/billing/switch";
import type { TelecomResource } from "../../provider/core/resource";
import { forpostAccount } from "../../provider/forpost/account";
import { forpostCamera } from "../../provider/forpost/camera";
import { forpostUser } from "../../provider/forpost/user";
import { hikArea } from "../../provider/hikconnect/area";
import { hikAreaCamera } from "../../provider/hikconnect/area-camera";
import { hikDevice } from "../../provider/hikconnect/device";
import { stalkerAccount } from "../../provider/stalker/account";
import { stalkerChannelSubscription } from "../../provider/stalker/channel-subscription";
import { vsaasFolderAccess } from "../../provider/vsaas/folder-access";
import { vsaasOrganization } from "../../provider/vsaas/organization";
import { vsaasOrganizationUser } from "../../provider/vsaas/organization-user";
import { vsaasUser } from "../../provider/vsaas/user";
import type { RunningSandbox, StartSandboxOptions } from "../../sandbox";
import type { SandboxVendorName } from "../../sandbox/sandbox-vendors";
import type { ConfigEntry } from "../harness/pulumi-stack";

/**
 * What the suites and the demo know about each example program, one row per example: its stack
 * config, a change it makes in place, a change that replaces, how to make drift in the sandbox,
 * a bad input, and the secrets that must never show. The engine suite (test/engine) plays every
 * row through the real Pulumi CLI; the demo and the host tests take their changes from here.
 *
 * A new example adds a row. Each resource names its definition: the secrets the export must hold
 * encrypted and the replace order expected (`deleteBeforeReplace`) are the ones it declares.
 */
export interface ExampleLifecycle {
  /** The folder under `examples/`. */
  example: string;
  /** The project name in its Pulumi.yaml: the example's own config keys are `<project>:<key>`. */
  project: string;
  /** The vendors whose emulators the example talks to (their request logs are watched). */
  vendors: SandboxVendorName[];
  /** `startSandbox` options: fixed credentials, so the suite can look for them where they must not be. */
  sandbox: StartSandboxOptions;
  /** The stack config: the sandbox's lines for those vendors, plus the example's own. */
  config(sandbox: RunningSandbox): ConfigEntry[];
  /** The resources the program declares, by name, with their definitions. */
  resources: Array<{ name: string; resource: TelecomResource }>;
  /** How many objects of the example exist in the sandbox now (one per resource after `up`, 0 after `destroy`). */
  objects(sandbox: RunningSandbox): number;
  /** Stack outputs expected after the first `up` (a subset), given each resource's id by name. */
  outputs(ids: Record<string, string>): Record<string, unknown>;
  /** Values that must appear neither in `pulumi stack export` nor in anything the CLI prints. */
  secrets(sandbox: RunningSandbox): string[];
  /** A config change that updates one resource in place, and the inputs it changes. */
  inPlace: ExampleChange;
  /** A config change that replaces one resource (absent when every field of the example updates in place). */
  replace?: ExampleChange & {
    /** What must be true in the sandbox first (e.g. the device was reset with the new code). */
    prepare?(sandbox: RunningSandbox): void;
  };
  /** Drift made in the vendor's system behind Pulumi's back, and the inputs it shows up in. */
  drift: { resource: string; changes: string[]; make(sandbox: RunningSandbox, id: string): void };
  /** A config value the resource rejects at check time, and the field the error must name. */
  badInput: { resource: string; config: ConfigEntry[]; field: string };
  /** A create that fails after the object exists (a vendor fault on a later call); for one-resource examples. */
  halfCreate?: { resource: string; inject(sandbox: RunningSandbox): void; clear(sandbox: RunningSandbox): void; error: RegExp };
}

/** A config change and what it does to one resource. */
export interface ExampleChange {
  resource: string;
  config: ConfigEntry[];
  /** The inputs that change (in place) or force the replacement. */
  changes: string[];
}

/** Plain config entries from a record (`<key>: <value>`). */
export function plain(values: Record<string, string>): ConfigEntry[] {
  return Object.entries(values).map(([key, value]) => ({ key, value, secret: false }));
}

/** Config entries as the `config` record program runs under mocks take. */
export function configRecord(entries: ConfigEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));
}

/** The sandbox's config lines for some vendors. */
export function sandboxConfig(sandbox: RunningSandbox, vendors: SandboxVendorName[]): ConfigEntry[] {
  return sandbox.pulumiConfig.filter((entry) => vendors.some((vendor) => entry.key.startsWith(`${vendor}:`)));
}

/**
 * A camera of the Hik-Connect sandbox that can be added (on line, not another account's, one
 * channel: SBX000001 is a recorder), with its serial number and verification code.
 */
export function sandboxCamera(sandbox: RunningSandbox): { serialNo: string; verifyCode: string } {
  const device = sandbox.hikconnect.physicalDevices.find((d) => !d.ownedByAnotherAccount && d.online !== false && d.serialNo !== "SBX000001");
  if (!device) throw new Error("the Hik-Connect sandbox offers no device that can be added");
  return { serialNo: device.serialNo, verifyCode: device.verifyCode };
}

/** The first line of the billing sandbox's client key (a secret that must never be shown). */
function billingKeyLine(sandbox: RunningSandbox): string {
  return fs.readFileSync(sandbox.billing.clientKeyPath, "utf8").split("\n")[1]!;
}

const FORPOST_PASSWORD = "test-only-engine-forpost-pw";
const STALKER_PASSWORD = "test-only-engine-stalker-pw";
const VSAAS_PASSWORD = "test-only-engine-vsaas-pw";
const HIK_SECRET_KEY = "test-only-engine-hik-sk";
const BILLING_PASSWORD = "test-only-engine-billing-pw";
/** examples/stalker's default set-top box password: in the program, so only the SDK keeps it secret. */
const STALKER_EXAMPLE_PASSWORD = "example-only-pw";
/** A device password for examples/hikconnect (≤ 16 characters). */
const HIK_DEVICE_PASSWORD = "test-pw-engine";
/** The code the Hik-Connect camera gets when it is reset (a new label): a replacement. */
const HIK_NEW_VERIFY_CODE = "NEWQRS";

const forpostDrift = (sandbox: RunningSandbox, id: string) => sandbox.forpost.emulator.accounts.patch(Number(id), { MaxCameraCount: 2 });

export const FORPOST: ExampleLifecycle = {
  example: "forpost",
  project: "forpost-example",
  vendors: ["forpost"],
  sandbox: { forpost: { adminPassword: FORPOST_PASSWORD } },
  config: (sandbox) => sandboxConfig(sandbox, ["forpost"]),
  resources: [{ name: "acme", resource: forpostAccount }],
  objects: (sandbox) => sandbox.forpost.emulator.accounts.list().length,
  outputs: (ids) => ({ forpostAccountId: ids.acme, forpostAccountActive: true }),
  secrets: () => [FORPOST_PASSWORD],
  inPlace: { resource: "acme", config: plain({ "forpost-example:maxCameraCount": "16" }), changes: ["maxCameraCount"] },
  drift: { resource: "acme", changes: ["maxCameraCount"], make: forpostDrift },
  badInput: { resource: "acme", config: plain({ "forpost-example:maxCameraCount": "-1" }), field: "maxCameraCount" },
  halfCreate: {
    resource: "acme",
    // AddAccount succeeds; setting the account's tariffs afterwards fails.
    inject: (sandbox) => sandbox.forpost.emulator.faults.set("SetAllowedAccountTariffs", { status: 500, body: { ErrorCode: 1, Error: "storage busy" } }),
    clear: (sandbox) => sandbox.forpost.emulator.faults.clear(),
    error: /created \d+, but a later step failed: Forpost SetAllowedAccountTariffs failed/,
  },
};

export const STALKER: ExampleLifecycle = {
  example: "stalker",
  project: "stalker-example",
  vendors: ["stalker"],
  sandbox: { stalker: { password: STALKER_PASSWORD } },
  config: (sandbox) => sandboxConfig(sandbox, ["stalker"]),
  resources: [{ name: "alice-tv", resource: stalkerAccount }],
  objects: (sandbox) => sandbox.stalker.emulator.listAccounts().length,
  outputs: (ids) => ({ stalkerLogin: ids["alice-tv"], stalkerOnline: false }),
  secrets: () => [STALKER_PASSWORD, STALKER_EXAMPLE_PASSWORD],
  inPlace: { resource: "alice-tv", config: plain({ "stalker-example:tariffPlan": "STANDART" }), changes: ["tariffPlan"] },
  replace: { resource: "alice-tv", config: plain({ "stalker-example:login": "alice2" }), changes: ["login"] },
  drift: { resource: "alice-tv", changes: ["fullName"], make: (sandbox, id) => sandbox.stalker.emulator.editAccount(id, { full_name: "Changed in the panel" }) },
  badInput: { resource: "alice-tv", config: plain({ "stalker-example:stbMac": "00:1A:79:00:39:ZZ" }), field: "stbMac" },
};

export const VSAAS: ExampleLifecycle = {
  example: "vsaas",
  project: "vsaas-example",
  vendors: ["vsaas"],
  sandbox: { vsaas: { password: VSAAS_PASSWORD } },
  config: (sandbox) => sandboxConfig(sandbox, ["vsaas"]),
  resources: [{ name: "ivanov", resource: vsaasOrganization }],
  objects: (sandbox) => sandbox.vsaas.emulator.organizations.list().length,
  outputs: (ids) => ({ vsaasOrganizationId: ids.ivanov }),
  secrets: () => [VSAAS_PASSWORD],
  inPlace: { resource: "ivanov", config: plain({ "vsaas-example:tariffPlanIds": "[549,550]" }), changes: ["tariffPlanIds"] },
  replace: { resource: "ivanov", config: plain({ "vsaas-example:title": "Ivanov household" }), changes: ["title"] },
  drift: { resource: "ivanov", changes: ["tariffPlanIds"], make: (sandbox, id) => void sandbox.vsaas.emulator.organizations.removeTariffPlan(Number(id), 550) },
  badInput: { resource: "ivanov", config: plain({ "vsaas-example:owner": "ivanov at example.org" }), field: "owner" },
};

export const HIKCONNECT: ExampleLifecycle = {
  example: "hikconnect",
  project: "hikconnect-example",
  vendors: ["hikconnect"],
  sandbox: { hikconnect: { secretKey: HIK_SECRET_KEY } },
  config: (sandbox) => {
    const camera = sandboxCamera(sandbox);
    return [
      ...sandboxConfig(sandbox, ["hikconnect"]),
      { key: "hikconnect-example:serialNo", value: camera.serialNo, secret: false },
      { key: "hikconnect-example:verifyCode", value: camera.verifyCode, secret: true },
      { key: "hikconnect-example:devicePassword", value: HIK_DEVICE_PASSWORD, secret: true },
    ];
  },
  resources: [{ name: "front-door", resource: hikDevice }],
  objects: (sandbox) => sandbox.hikconnect.emulator.devices.list().length,
  outputs: (ids) => ({ deviceId: ids["front-door"] }),
  secrets: (sandbox) => [HIK_SECRET_KEY, sandboxCamera(sandbox).verifyCode, HIK_NEW_VERIFY_CODE, HIK_DEVICE_PASSWORD, "v".repeat(31)],
  inPlace: { resource: "front-door", config: plain({ "hikconnect-example:name": "Back door" }), changes: ["name"] },
  replace: {
    resource: "front-door",
    config: [{ key: "hikconnect-example:verifyCode", value: HIK_NEW_VERIFY_CODE, secret: true }],
    changes: ["verifyCode"],
    prepare: (sandbox) => {
      const camera = sandbox.hikconnect.physicalDevices.find((d) => d.serialNo === sandboxCamera(sandbox).serialNo)!;
      sandbox.hikconnect.emulator.devices.registerPhysical({ ...camera, verifyCode: HIK_NEW_VERIFY_CODE });
    },
  },
  drift: { resource: "front-door", changes: ["name"], make: (sandbox, id) => void sandbox.hikconnect.emulator.devices.patch(id, { name: "Renamed in the portal" }) },
  // A secret input: the error must name the field and show "[secret]", never the value.
  badInput: { resource: "front-door", config: [{ key: "hikconnect-example:verifyCode", value: "v".repeat(31), secret: true }], field: "verifyCode" },
};

export const BILLING: ExampleLifecycle = {
  example: "billing",
  project: "billing-example",
  vendors: ["billing"],
  sandbox: { billing: { password: BILLING_PASSWORD } },
  config: (sandbox) => sandboxConfig(sandbox, ["billing"]),
  resources: [{ name: "lenina-12a", resource: billingHome }],
  objects: (sandbox) => sandbox.billing.emulator.homes.list().length,
  outputs: (ids) => ({ billingHomeId: ids["lenina-12a"], billingHomeStreet: "улица Ленина" }),
  secrets: (sandbox) => [BILLING_PASSWORD, billingKeyLine(sandbox)],
  inPlace: { resource: "lenina-12a", config: plain({ "billing-example:street": "проспект Победы" }), changes: ["street"] },
  drift: { resource: "lenina-12a", changes: ["street"], make: (sandbox, id) => void sandbox.billing.emulator.homes.patch(Number(id), { STREET: "улица Баумана" }) },
  badInput: { resource: "lenina-12a", config: plain({ "billing-example:number": "12.5" }), field: "number" },
};

/** The subscriber's own passwords in examples/subscriber: the Forpost login's and the Watcher login's. */
const SUBSCRIBER_VIDEO_PASSWORD = "test-only-engine-video-pw";
const SUBSCRIBER_CLOUD_PASSWORD = "test-only-engine-cloud-pw";
/** The subscriber's logins in examples/subscriber (set in the row's config, so the counts below find them). */
export const SUBSCRIBER_VIDEO_LOGIN = "ivan-petrov";
export const SUBSCRIBER_CLOUD_LOGIN = "ivan.petrov.watcher@example.org";

/**
 * The objects of examples/subscriber in the sandbox, one per resource the program declares (the
 * VideoSubscriber component itself is no object: its four children are). The Hik-Connect area
 * counts while it holds a camera: its API cannot delete areas, so the example retains it on destroy.
 */
export function subscriberObjects(sandbox: RunningSandbox): Record<string, number> {
  const watcher = sandbox.vsaas.emulator.watcher;
  const cloudUser = watcher.userByLogin(SUBSCRIBER_CLOUD_LOGIN);
  const organizations = sandbox.vsaas.emulator.organizations.list().map((o) => o["external_id"] as number);
  const hik = sandbox.hikconnect.emulator.devices;
  const hikCameras = hik.cameras();
  return {
    home: sandbox.billing.emulator.homes.list().length,
    "home-switch": sandbox.billing.emulator.switches.list().length,
    "video-account": sandbox.forpost.emulator.accounts.list().length,
    "video-admin": sandbox.forpost.emulator.users.list().length,
    "video-camera-front-door": sandbox.forpost.emulator.cameras.list().length,
    cloud: organizations.length,
    "cloud-login": cloudUser ? 1 : 0,
    "cloud-member": cloudUser ? organizations.flatMap((id) => watcher.members(id)).filter((m) => m["user_id"] === cloudUser.id).length : 0,
    "cloud-cameras": organizations
      .flatMap((organizationId) => watcher.folders(organizationId).map((f) => ({ organizationId, folderId: f["id"] as number })))
      .filter((where) => watcher.access({ login: SUBSCRIBER_CLOUD_LOGIN, ...where }).folder !== undefined).length,
    camera: hik.list().length,
    site: hik.areas().filter((area) => hikCameras.some((c) => c.areaId === area.id)).length,
    "site-camera": hikCameras.length,
    tv: sandbox.stalker.emulator.listAccounts().length,
    "tv-channels": sandbox.stalker.emulator.listAccounts().filter((a) => (a.sub_ch ?? []).some((ch) => ch !== "")).length,
  };
}

export const SUBSCRIBER: ExampleLifecycle = {
  example: "subscriber",
  project: "subscriber-example",
  vendors: ["forpost", "stalker", "vsaas", "hikconnect", "billing"],
  sandbox: {
    forpost: { adminPassword: FORPOST_PASSWORD },
    stalker: { password: STALKER_PASSWORD },
    vsaas: { password: VSAAS_PASSWORD },
    hikconnect: { secretKey: HIK_SECRET_KEY },
    billing: { password: BILLING_PASSWORD },
  },
  config: (sandbox) => [...sandbox.pulumiConfig, ...subscriberCamera(sandbox)],
  // What the program declares: every dynamic resource, the VideoSubscriber's children included
  // (the component is not a provider's resource: no Check/Create, no state of its own to check).
  resources: [
    { name: "home", resource: billingHome },
    { name: "home-switch", resource: billingSwitch },
    { name: "video-account", resource: forpostAccount },
    { name: "video-admin", resource: forpostUser },
    { name: "video-camera-front-door", resource: forpostCamera },
    { name: "cloud", resource: vsaasOrganization },
    { name: "cloud-login", resource: vsaasUser },
    { name: "cloud-member", resource: vsaasOrganizationUser },
    { name: "cloud-cameras", resource: vsaasFolderAccess },
    { name: "camera", resource: hikDevice },
    { name: "site", resource: hikArea },
    { name: "site-camera", resource: hikAreaCamera },
    { name: "tv", resource: stalkerAccount },
    { name: "tv-channels", resource: stalkerChannelSubscription },
  ],
  objects: (sandbox) => Object.values(subscriberObjects(sandbox)).reduce((a, b) => a + b, 0),
  outputs: (ids) => ({
    billingHomeId: ids.home,
    forpostAccountId: ids["video-account"],
    forpostLogin: SUBSCRIBER_VIDEO_LOGIN,
    forpostCameraIds: { "front-door": ids["video-camera-front-door"] },
    watcherLogin: SUBSCRIBER_CLOUD_LOGIN,
    hikAreaId: ids.site,
    hikCameraId: ids["site-camera"],
    tvLogin: ids.tv,
  }),
  secrets: (sandbox) => [
    FORPOST_PASSWORD,
    STALKER_PASSWORD,
    VSAAS_PASSWORD,
    HIK_SECRET_KEY,
    BILLING_PASSWORD,
    billingKeyLine(sandbox),
    sandboxCamera(sandbox).verifyCode,
    SUBSCRIBER_VIDEO_PASSWORD,
    SUBSCRIBER_CLOUD_PASSWORD,
  ],
  inPlace: { resource: "video-account", config: plain({ "subscriber-example:maxCameraCount": "16" }), changes: ["maxCameraCount"] },
  // A new login would replace the IPTV account AND its channel list (both are keyed by the login);
  // the camera's name in the Hik-Connect area replaces one resource alone (Hik-Connect cannot rename it).
  replace: { resource: "site-camera", config: plain({ "subscriber-example:cameraName": "Door" }), changes: ["name"] },
  // Someone sets the account's camera limit to 2 in the Forpost portal.
  drift: { resource: "video-account", changes: ["maxCameraCount"], make: forpostDrift },
  badInput: { resource: "video-account", config: plain({ "subscriber-example:maxCameraCount": "-1" }), field: "maxCameraCount" },
};

/**
 * The subscriber example's own config: the camera to add is one of the sandbox's "physical"
 * devices, with the verification code it printed (a secret, as on a real label); the subscriber's
 * logins and their passwords (secrets).
 */
export function subscriberCamera(sandbox: RunningSandbox): ConfigEntry[] {
  const camera = sandboxCamera(sandbox);
  return [
    { key: "subscriber-example:cameraSerial", value: camera.serialNo, secret: false },
    { key: "subscriber-example:cameraVerifyCode", value: camera.verifyCode, secret: true },
    { key: "subscriber-example:videoLogin", value: SUBSCRIBER_VIDEO_LOGIN, secret: false },
    { key: "subscriber-example:videoPassword", value: SUBSCRIBER_VIDEO_PASSWORD, secret: true },
    { key: "subscriber-example:cloudLogin", value: SUBSCRIBER_CLOUD_LOGIN, secret: false },
    { key: "subscriber-example:cloudPassword", value: SUBSCRIBER_CLOUD_PASSWORD, secret: true },
  ];
}

/**
 * The vendor routes examples/subscriber's lookups call (forpost.getTariffs/getMasters/getRecordTypes,
 * stalker.getChannel, hikconnect.getTimeZones with its token, vsaas.getOrganizationFolders once the
 * organization's Watcher id is known): read-only calls every preview and no-op `up` makes.
 */
export const SUBSCRIBER_LOOKUP_ROUTES = [
  "forpost:GetTariffs",
  "forpost:GetMasters",
  "forpost:GetRecordTypes",
  "stalker:itv.get",
  "hikconnect:token/get",
  "hikconnect:timezone/get",
  "vsaas:watcher.folders.index",
];

/** The passwords examples/subscriber gives the subscriber's logins (test-only values), for acceptance checks. */
export const SUBSCRIBER_PASSWORDS = { video: SUBSCRIBER_VIDEO_PASSWORD, cloud: SUBSCRIBER_CLOUD_PASSWORD };

/** Every example, one row each. */
export const EXAMPLE_LIFECYCLES: ExampleLifecycle[] = [FORPOST, STALKER, VSAAS, HIKCONNECT, BILLING, SUBSCRIBER];
