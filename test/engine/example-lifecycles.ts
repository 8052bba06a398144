import * as fs from "node:fs";
import { billingHome } from "../../provider/billing/home";
import { billingSwitch } from "../../provider/billing/switch";
import type { TelecomResource } from "../../provider/core/resource";
import { forpostAccount } from "../../provider/forpost/account";
import { forpostCamera } from "../../provider/forpost/camera";
import { forpostUser } from "../../provider/forpost/user";
import { forpostUserCameraAccess } from "../../provider/forpost/user-camera-access";
import { hikArea } from "../../provider/hikconnect/area";
import { hikAreaCamera } from "../../provider/hikconnect/area-camera";
import { hikDevice } from "../../provider/hikconnect/device";
import { stalkerAccount } from "../../provider/stalker/account";
import { stalkerChannelSubscription } from "../../provider/stalker/channel-subscription";
import { stalkerMenuRestrictions } from "../../provider/stalker/menu-restrictions";
import { vsaasFolderAccess } from "../../provider/vsaas/folder-access";
import { vsaasOrganization } from "../../provider/vsaas/organization";
import { vsaasOrganizationUser } from "../../provider/vsaas/organization-user";
import { vsaasUser } from "../../provider/vsaas/user";
import { DEFAULT_TARIFFS, USR_PASSWORD_COLUMNS, type RunningSandbox, type StartSandboxOptions } from "../../sandbox";
import type { SandboxVendorName } from "../../sandbox/sandbox-vendors";
import type { EngineSequence } from "../harness/engine-sequences";
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
  /**
   * How many objects of the example exist in the sandbox now: one per resource after `up`; after
   * `destroy`, one per resource of {@link retained} (0 for most examples). Objects a row seeds for
   * its lookups or as neighbours are not counted.
   */
  objects(sandbox: RunningSandbox): number;
  /** Resources whose object `pulumi destroy` leaves in the vendor's system by design (`onDestroy: "retain"`). */
  retained?: string[];
  /**
   * Stack outputs expected after the first `up` (a subset), given each resource's id by name: the
   * outputs of the example's lookups included, with the values the sandbox holds.
   */
  outputs(ids: Record<string, string>, sandbox: RunningSandbox): Record<string, unknown>;
  /**
   * Inputs of the example's resources that take a lookup's answer (`forpost.getTariffs`, …), by
   * resource name, with the values the sandbox's lists give: proof the functions ran through the
   * real CLI even where the example exports nothing of theirs.
   */
  lookupInputs?(sandbox: RunningSandbox): Record<string, Record<string, unknown>>;
  /**
   * The vendor routes (`vendor:route`, as the request logs name them) the example's lookups call:
   * functions run in the program, so every preview and no-op `up` makes these read-only calls
   * (a data source is read on every run); nothing else may reach a vendor then. A first `up` must
   * have made each of them at least once.
   */
  lookupRoutes?: string[];
  /** Values that must appear neither in `pulumi stack export` nor in anything the CLI prints. */
  secrets(sandbox: RunningSandbox): string[];
  /**
   * What a preview of an in-place update of a resource (by name) also shows for the resources that
   * take one of its computed outputs: the dynamic-provider host cannot preview an Update, so the
   * engine gives the update's new INPUTS as its outputs in a preview (provider_plugin.go, Update
   * with Preview), a computed output is unknown there, and the dependents' plans say what an unknown
   * means for them. The `up` itself leaves them alone (asserted). `sequence`: their preview RPCs.
   */
  previewKnockOn?: Record<string, Array<{ resource: string; op: "update" | "replace"; sequence: EngineSequence }>>;
  /** A config change that updates one resource in place, and the inputs it changes. */
  inPlace: ExampleChange;
  /** A config change that replaces one resource (absent when every field of the example updates in place). */
  replace?: ExampleChange & {
    /** What must be true in the sandbox first (e.g. the device was reset with the new code). */
    prepare?(sandbox: RunningSandbox): void;
    /**
     * The resources replaced along with it, because an input that forces their replacement takes
     * one of its outputs (its id, say): unknown at preview, new after the update. With the RPC
     * sequences the engine sends them in the preview and in the update (ENGINE_SEQUENCES): a plain
     * replacement (previewReplace, then replaceDeleteFirst/replaceCreateFirst as they declare) or,
     * below a resource replaced delete-first, previewReplaceDependent then replaceDependent.
     */
    cascade?: Array<{ resource: string; preview: EngineSequence; update: EngineSequence }>;
  };
  /** Drift made in the vendor's system behind Pulumi's back, and the inputs it shows up in. */
  drift: { resource: string; changes: string[]; make(sandbox: RunningSandbox, id: string): void };
  /** A config value the resource rejects at check time, and the field the error must name. */
  badInput: { resource: string; config: ConfigEntry[]; field: string };
  /**
   * A create that fails after the object exists (a vendor fault on a later call). The failing
   * resource must be one every other resource of the example depends on: nothing else is made.
   */
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
/** examples/forpost's viewer login password and camera password (the viewer exists only with a password). */
const FORPOST_USER_PASSWORD = "test-only-engine-forpost-viewer-pw";
const FORPOST_CAMERA_PASSWORD = "test-only-engine-forpost-cam-pw";
/** examples/vsaas's subscriber login password (required by the example). */
const VSAAS_USER_PASSWORD = "test-only-engine-vsaas-viewer-pw";
/** The login examples/vsaas gives the subscriber. */
const VSAAS_LOGIN = "ivanov.viewer@example.org";
/** examples/billing's switch management passwords. */
const BILLING_SNMP_PASSWORD = "test-only-engine-snmp";
const BILLING_SSH_PASSWORD = "test-only-engine-ssh-pw";
/** The seeded subscriber examples/billing looks up by contract number (its `lookupContract` knob). */
const BILLING_LOOKUP_CONTRACT = "D-000001";

const forpostDrift = (sandbox: RunningSandbox, id: string) => sandbox.forpost.emulator.accounts.patch(Number(id), { MaxCameraCount: 2 });
const anyRight = (row: object) => Object.entries(row).some(([key, value]) => key !== "UserID" && key !== "CameraID" && value === 1);
/** Forpost reference-list ids by name (the sandbox's default tariffs and catalogues), as the example's lookups must find them. */
const forpostTariffIds = (names: string[]) => names.map((name) => DEFAULT_TARIFFS.find((t) => t.Name === name)!.ID);
const catalogueId = (sandbox: RunningSandbox, list: "masters" | "recordTypes", name: string) => sandbox.forpost.emulator.catalogueData()[list].find((entry) => entry.Name === name)!.ID;

export const FORPOST: ExampleLifecycle = {
  example: "forpost",
  project: "forpost-example",
  vendors: ["forpost"],
  sandbox: { forpost: { adminPassword: FORPOST_PASSWORD } },
  // With a userPassword the example also makes the viewer login and its access to the camera.
  config: (sandbox) => [
    ...sandboxConfig(sandbox, ["forpost"]),
    { key: "forpost-example:userPassword", value: FORPOST_USER_PASSWORD, secret: true },
    { key: "forpost-example:cameraPassword", value: FORPOST_CAMERA_PASSWORD, secret: true },
  ],
  resources: [
    { name: "acme", resource: forpostAccount },
    { name: "front-door", resource: forpostCamera },
    { name: "viewer", resource: forpostUser },
    { name: "viewer-front-door", resource: forpostUserCameraAccess },
  ],
  objects: (sandbox) => {
    const e = sandbox.forpost.emulator;
    // Revoking rights leaves a row of zeros (the API has no delete): only rows granting something count.
    const grants = e.access.list().filter((row) => anyRight(row) && e.users.get(row.UserID) && e.cameras.get(row.CameraID));
    return e.accounts.list().length + e.users.list().length + e.cameras.list().length + grants.length;
  },
  outputs: (ids, sandbox) => ({
    forpostAccountId: ids.acme,
    forpostAccountActive: true,
    forpostCameraId: ids["front-door"],
    forpostUserLogin: "acme-viewer",
  }),
  // getTariffs (by names, and by name), getMasters and getRecordTypes, as the sandbox lists them.
  lookupInputs: (sandbox) => ({
    acme: { allowedTariffIds: forpostTariffIds(["Архив 7 дней", "Архив 14 дней"]), defaultCameraTariffId: forpostTariffIds(["Архив 14 дней"])[0] },
    "front-door": { masterId: catalogueId(sandbox, "masters", "Москва-1"), recordTypeId: catalogueId(sandbox, "recordTypes", "Постоянная запись") },
  }),
  lookupRoutes: ["forpost:GetTariffs", "forpost:GetMasters", "forpost:GetRecordTypes"],
  secrets: () => [FORPOST_PASSWORD, FORPOST_USER_PASSWORD, FORPOST_CAMERA_PASSWORD],
  inPlace: { resource: "acme", config: plain({ "forpost-example:maxCameraCount": "16" }), changes: ["maxCameraCount"] },
  // Another cluster (getMasters by name): the camera is re-added there, and the viewer's access with it.
  replace: {
    resource: "front-door",
    config: plain({ "forpost-example:cluster": "Казань-1" }),
    changes: ["masterId"],
    cascade: [{ resource: "viewer-front-door", preview: "previewReplaceDependent", update: "replaceDependent" }],
  },
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
  resources: [
    { name: "alice-tv", resource: stalkerAccount },
    { name: "alice-channels", resource: stalkerChannelSubscription },
    { name: "alice-menu", resource: stalkerMenuRestrictions },
  ],
  // The subscription and the restrictions live on the account (sub_ch, modules_restricted): each counts when set.
  objects: (sandbox) =>
    sandbox.stalker.emulator
      .listAccounts()
      .reduce((n, a) => n + 1 + ((a.sub_ch ?? []).some((ch) => ch !== "") ? 1 : 0) + (a.modules_restricted.length > 0 ? 1 : 0), 0),
  outputs: (ids, sandbox) => ({
    stalkerLogin: ids["alice-tv"],
    stalkerOnline: false,
    // stalker.getChannel by name, the ids the sandbox's channel list has.
    stalkerChannels: ["Discovery Channel", "Eurosport 1"].map((name) => sandbox.stalker.emulator.listChannels().find((c) => c.name === name)!.id),
    stalkerRestricted: ["vclub"],
  }),
  lookupInputs: (sandbox) => ({ "alice-channels": { channels: ["Discovery Channel", "Eurosport 1"].map((name) => sandbox.stalker.emulator.listChannels().find((c) => c.name === name)!.id) } }),
  // stalker.getChannel lists the channels (one list per name).
  lookupRoutes: ["stalker:itv.get"],
  secrets: () => [STALKER_PASSWORD, STALKER_EXAMPLE_PASSWORD],
  inPlace: { resource: "alice-tv", config: plain({ "stalker-example:tariffPlan": "STANDART" }), changes: ["tariffPlan"] },
  // The channels and the restrictions take the account's id (its login): they move to the new account.
  replace: {
    resource: "alice-tv",
    config: plain({ "stalker-example:login": "alice2" }),
    changes: ["login"],
    cascade: [
      { resource: "alice-channels", preview: "previewReplaceDependent", update: "replaceDependent" },
      { resource: "alice-menu", preview: "previewReplaceDependent", update: "replaceDependent" },
    ],
  },
  drift: { resource: "alice-tv", changes: ["fullName"], make: (sandbox, id) => void sandbox.stalker.emulator.editAccount(id, { full_name: "Changed in the panel" }) },
  badInput: { resource: "alice-tv", config: plain({ "stalker-example:stbMac": "00:1A:79:00:39:ZZ" }), field: "stbMac" },
};

/** The Watcher ("Cameras" folder) side of examples/vsaas in one organization: the membership and the folder right. */
function vsaasMemberObjects(sandbox: RunningSandbox, watcherOrganizationId: number): number {
  const watcher = sandbox.vsaas.emulator.watcher;
  const cameras = watcher.folders(watcherOrganizationId).find((f) => f["title"] === "Cameras");
  if (!cameras) return 0;
  const access = watcher.access({ login: VSAAS_LOGIN, organizationId: watcherOrganizationId, folderId: cameras["id"] as number });
  return (access.member ? 1 : 0) + (access.folder ? 1 : 0);
}

export const VSAAS: ExampleLifecycle = {
  example: "vsaas",
  project: "vsaas-example",
  vendors: ["vsaas"],
  sandbox: { vsaas: { password: VSAAS_PASSWORD } },
  config: (sandbox) => [...sandboxConfig(sandbox, ["vsaas"]), { key: "vsaas-example:userPassword", value: VSAAS_USER_PASSWORD, secret: true }],
  resources: [
    { name: "ivanov", resource: vsaasOrganization },
    { name: "ivanov-login", resource: vsaasUser },
    { name: "ivanov-member", resource: vsaasOrganizationUser },
    { name: "ivanov-cameras", resource: vsaasFolderAccess },
  ],
  // The owner's Watcher user is the billing's doing (made with the organization), not one of the example's.
  objects: (sandbox) => {
    const e = sandbox.vsaas.emulator;
    const orgs = e.organizations.list();
    const login = e.watcher.userByLogin(VSAAS_LOGIN) ? 1 : 0;
    return orgs.length + login + orgs.reduce((n, o) => n + vsaasMemberObjects(sandbox, o["external_id"] as number), 0);
  },
  outputs: (ids, sandbox) => {
    const org = sandbox.vsaas.emulator.organizations.get(Number(ids.ivanov))!;
    const externalId = org["external_id"] as number;
    return {
      vsaasOrganizationId: ids.ivanov,
      watcherOrganizationId: externalId,
      subscriberLogin: VSAAS_LOGIN,
      subscriberUserId: Number(ids["ivanov-login"]),
      // vsaas.getOrganizationFolders by title: the organization's folder "Cameras".
      camerasFolderId: sandbox.vsaas.emulator.watcher.folders(externalId).find((f) => f["title"] === "Cameras")!["id"],
    };
  },
  // vsaas.getOrganizationFolders (once the organization's Watcher id is known: not in the first preview).
  lookupRoutes: ["vsaas:watcher.folders.index"],
  secrets: (sandbox) => [VSAAS_PASSWORD, VSAAS_USER_PASSWORD, sandbox.vsaas.watcherApiKey],
  // The membership takes the organization's externalId (a computed output): unknown in a preview of the organization's update.
  previewKnockOn: {
    ivanov: [
      { resource: "ivanov-member", op: "replace", sequence: "previewReplace" },
      { resource: "ivanov-cameras", op: "replace", sequence: "previewReplaceDependent" },
    ],
  },
  inPlace: { resource: "ivanov", config: plain({ "vsaas-example:tariffPlanIds": "[549,550]" }), changes: ["tariffPlanIds"] },
  // A new title makes a new organization: the membership and the folder right follow it (new Watcher organization id).
  // The organization is replaced create-first, the membership (delete-first) by its own diff, the folder right below it.
  replace: {
    resource: "ivanov",
    config: plain({ "vsaas-example:title": "Ivanov household" }),
    changes: ["title"],
    cascade: [
      { resource: "ivanov-member", preview: "previewReplace", update: "replaceDeleteFirst" },
      { resource: "ivanov-cameras", preview: "previewReplaceDependent", update: "replaceDependent" },
    ],
  },
  drift: { resource: "ivanov", changes: ["tariffPlanIds"], make: (sandbox, id) => void sandbox.vsaas.emulator.organizations.removeTariffPlan(Number(id), 550) },
  badInput: { resource: "ivanov", config: plain({ "vsaas-example:owner": "ivanov at example.org" }), field: "owner" },
};

/** The name examples/hikconnect gives its area. */
const HIK_SITE = "Front door site";

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
  resources: [
    { name: "site", resource: hikArea },
    { name: "front-door", resource: hikDevice },
    { name: "front-door-camera", resource: hikAreaCamera },
  ],
  objects: (sandbox) => {
    const devices = sandbox.hikconnect.emulator.devices;
    const sites = devices.areas().filter((a) => a.name === HIK_SITE);
    return devices.list().length + sites.length + devices.cameras().filter((c) => sites.some((s) => s.id === c.areaId)).length;
  },
  // Hik-Connect's API cannot delete an area: the example says `onDestroy: "retain"`.
  retained: ["site"],
  outputs: (ids) => ({
    deviceId: ids["front-door"],
    siteId: ids.site,
    cameraId: ids["front-door-camera"],
    // hikconnect.getTimeZones by a place: the sandbox's zone listing Berlin.
    timeZoneId: "26",
  }),
  // hikconnect.getTimeZones, with the token it needs.
  lookupRoutes: ["hikconnect:token/get", "hikconnect:timezone/get"],
  secrets: (sandbox) => [HIK_SECRET_KEY, sandboxCamera(sandbox).verifyCode, HIK_NEW_VERIFY_CODE, HIK_DEVICE_PASSWORD, "v".repeat(31)],
  // The area camera takes the device's cameraChannels (a computed output): unknown in a preview of the device's update.
  previewKnockOn: { "front-door": [{ resource: "front-door-camera", op: "replace", sequence: "previewReplace" }] },
  inPlace: { resource: "front-door", config: plain({ "hikconnect-example:name": "Back door" }), changes: ["name"] },
  replace: {
    resource: "front-door",
    config: [{ key: "hikconnect-example:verifyCode", value: HIK_NEW_VERIFY_CODE, secret: true }],
    changes: ["verifyCode"],
    prepare: (sandbox) => {
      const camera = sandbox.hikconnect.physicalDevices.find((d) => d.serialNo === sandboxCamera(sandbox).serialNo)!;
      sandbox.hikconnect.emulator.devices.registerPhysical({ ...camera, verifyCode: HIK_NEW_VERIFY_CODE });
    },
    // The re-added device's channel has a new id: the camera in the area is imported again.
    cascade: [{ resource: "front-door-camera", preview: "previewReplaceDependent", update: "replaceDependent" }],
  },
  drift: { resource: "front-door", changes: ["name"], make: (sandbox, id) => void sandbox.hikconnect.emulator.devices.patch(id, { name: "Renamed in the portal" }) },
  // A secret input: the error must name the field and show "[secret]", never the value.
  badInput: { resource: "front-door", config: [{ key: "hikconnect-example:verifyCode", value: "v".repeat(31), secret: true }], field: "verifyCode" },
};

/** examples/billing's home (its address), to tell it from the seeded subscribers' homes. */
const isExampleHome = (home: { S_NUMBER?: unknown; S_LITER?: unknown; CITY?: unknown }) => home.S_NUMBER === 12 && home.S_LITER === "А" && home.CITY === "Казань";

export const BILLING: ExampleLifecycle = {
  example: "billing",
  project: "billing-example",
  vendors: ["billing"],
  // One seeded subscriber (with its home and switch: neighbours the example must not touch) for the lookup.
  sandbox: { billing: { password: BILLING_PASSWORD, seed: { subscribers: 1, subscribersPerHome: 1, deletedEvery: 0 } } },
  config: (sandbox) => [
    ...sandboxConfig(sandbox, ["billing"]),
    { key: "billing-example:switchSnmpPassword", value: BILLING_SNMP_PASSWORD, secret: true },
    { key: "billing-example:switchSshPassword", value: BILLING_SSH_PASSWORD, secret: true },
    { key: "billing-example:lookupContract", value: BILLING_LOOKUP_CONTRACT, secret: false },
  ],
  resources: [
    { name: "lenina-12a", resource: billingHome },
    { name: "lenina-12a-sw1", resource: billingSwitch },
  ],
  objects: (sandbox) => {
    const e = sandbox.billing.emulator;
    const homes = e.homes.list().filter(isExampleHome).map((h) => h.ID);
    return homes.length + e.switches.list().filter((s) => s.HOME_ID !== null && homes.includes(s.HOME_ID)).length;
  },
  outputs: (ids, sandbox) => ({
    billingHomeId: ids["lenina-12a"],
    billingHomeStreet: "улица Ленина",
    billingSwitchId: Number(ids["lenina-12a-sw1"]),
    // billing.getSubscriber by contract number: the seeded subscriber's login.
    subscriberLogin: sandbox.billing.emulator.users.list().find((u) => u["CONTRACT_NUMBER"] === BILLING_LOOKUP_CONTRACT)?.["LOGIN"],
  }),
  // billing.getSubscriber: a session, the search by contract number, the subscriber's row.
  lookupRoutes: ["billing:CLN_AUTH_LOGIN", "billing:CLN_USR_FIND_2", "billing:CLN_USR_GET"],
  // The seeded subscriber's passwords too: the lookup's answer must not carry them.
  secrets: (sandbox) => [
    BILLING_PASSWORD,
    billingKeyLine(sandbox),
    BILLING_SNMP_PASSWORD,
    BILLING_SSH_PASSWORD,
    ...sandbox.billing.emulator.users.list().flatMap((u) => USR_PASSWORD_COLUMNS.map((c) => u[c])).filter((v): v is string => typeof v === "string" && v.length >= 6),
  ],
  // The switch takes the home's homeId (a computed output): unknown in a preview of the home's update.
  previewKnockOn: { "lenina-12a": [{ resource: "lenina-12a-sw1", op: "update", sequence: "previewSameOrUpdate" }] },
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
  // The lookups (forpost.getTariffs/getMasters/getRecordTypes, stalker.getChannel,
  // hikconnect.getTimeZones with its token, vsaas.getOrganizationFolders once the organization's
  // Watcher id is known): read-only calls every preview and no-op `up` makes.
  lookupRoutes: [
  "forpost:GetTariffs",
  "forpost:GetMasters",
  "forpost:GetRecordTypes",
  "stalker:itv.get",
  "hikconnect:token/get",
  "hikconnect:timezone/get",
  "vsaas:watcher.folders.index",
],
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
export const SUBSCRIBER_LOOKUP_ROUTES = SUBSCRIBER.lookupRoutes!;

/** The passwords examples/subscriber gives the subscriber's logins (test-only values), for acceptance checks. */
export const SUBSCRIBER_PASSWORDS = { video: SUBSCRIBER_VIDEO_PASSWORD, cloud: SUBSCRIBER_CLOUD_PASSWORD };

/** Every example, one row each. */
export const EXAMPLE_LIFECYCLES: ExampleLifecycle[] = [FORPOST, STALKER, VSAAS, HIKCONNECT, BILLING, SUBSCRIBER];
