// One subscriber, provisioned in every system the operator runs, so that they can really use the
// services: the house in the billing's address directory with the access switch in it; video
// surveillance in Forpost (the account, the subscriber's own login, the camera at the front door);
// the cloud archive in VSAAS.IO (an organization, and the subscriber's Watcher login as a member who
// sees the organization's cameras); the front-door camera in Hik-Connect for Teams, in an area for
// the subscriber's site; and IPTV in Stalker Middleware (the account and the set-top box's channels).
//
// Point the stack at the systems (or at the sandbox: `npx pulumi-telecom-sandbox` prints every line,
// including the sandbox cameras' serial numbers and verification codes):
//   pulumi config set forpost:url ... / stalker:url ... / vsaas:user ... / hikconnect:url ... / billing:url ...
//   (the README's "Configuration" section lists every key)
// Then the subscriber's own data:
//   pulumi config set cameraSerial SBX000002
//   pulumi config set --secret cameraVerifyCode <code from the camera's label>
//   pulumi config set --secret videoPassword <the subscriber's Forpost password>
//   pulumi config set --secret cloudPassword <the subscriber's VSAAS.IO Watcher password>
// Optional knobs: `pulumi config set maxCameraCount 16` changes the Forpost account in place;
// `pulumi config set --secret tvPassword <pw>` sets the set-top box password; `videoLogin`,
// `cloudLogin` and `tvLogin` name the subscriber's logins (a new tvLogin replaces the IPTV account
// and its channel list; a new cloudLogin replaces the Watcher user, its membership and folder right);
// `cameraName` names the camera in the Hik-Connect area (a new name re-adds it there);
// `channels` picks the set-top box's channels by name; `timeZone` the camera's time zone by place.
import * as pulumi from "@pulumi/pulumi";
import {
  BillingHome,
  BillingSwitch,
  forpost,
  HikArea,
  HikAreaCamera,
  hikconnect,
  HikDevice,
  stalker,
  StalkerAccount,
  StalkerChannelSubscription,
  VideoSubscriber,
  vsaas,
  VsaasFolderAccess,
  VsaasOrganization,
  VsaasOrganizationUser,
  VsaasUser,
} from "pulumi-telecom";

const config = new pulumi.Config();
const subscriber = config.get("subscriber") ?? "Ivan Petrov";
// The contract number ties the subscriber's accounts together across systems.
const contract = config.get("contract") ?? "C-1001";
const street = config.get("street") ?? "улица Ленина";
const houseNumber = config.getNumber("houseNumber") ?? 12;

// --- Billing: the house, and the access switch the subscriber's line starts at.
const home = new BillingHome("home", {
  street,
  number: houseNumber,
  liter: "А",
  city: "Казань",
  zipCode: "420111",
  connectDate: "2026-11-01",
});

const accessSwitch = new BillingSwitch("home-switch", {
  homeId: home.homeId,
  name: `${street} ${houseNumber}А: подъезд 1`,
  ip: config.get("switchIp") ?? "10.20.0.11",
  switchType: "D-Link DES-3200-28",
  portsCount: 28,
  pswSnmp: config.getSecret("switchSnmpPassword"),
});

// --- Forpost: the account, the subscriber's login (an account administrator: it sees every camera of
// the account), and the front-door camera. Reference lists are looked up by name: ids differ between
// installations.
const tariffs = forpost.getTariffsOutput({ names: ["Архив 7 дней", "Архив 14 дней"] });
const defaultTariff = forpost.getTariffsOutput({ name: "Архив 14 дней" });
const cluster = forpost.getMastersOutput({ name: config.get("cluster") ?? "Москва-1" });
const recording = forpost.getRecordTypesOutput({ name: "Постоянная запись" });

const video = new VideoSubscriber(
  "video",
  {
    account: {
      name: subscriber,
      contractNumber: contract,
      maxCameraCount: config.getNumber("maxCameraCount") ?? 8,
      maxLoginCount: 3,
      maxCameraOnlineTranslationCount: 4,
      maxCameraArchivalTranslationCount: 2,
      maxCameraUserOnlineTranslationCount: 2,
      maxCameraUserArchivalTranslationCount: 1,
      allowedTariffIds: tariffs.ids,
      defaultCameraTariffId: defaultTariff.ids[0],
    },
    admin: {
      login: config.get("videoLogin") ?? "ivan-petrov",
      password: config.requireSecret("videoPassword"),
      fullName: subscriber,
    },
    cameras: [
      {
        key: "front-door",
        name: "Front door",
        masterId: cluster.ids[0],
        login: "admin",
        password: config.getSecret("cameraPassword"),
        ipOrDomain: config.get("cameraAddress") ?? "192.0.2.10",
        port: 554,
        // Forpost does not connect to the camera first, so `pulumi up` works before the installer has
        // mounted it; protocol and stream path are given because Forpost cannot detect them then.
        skipReachabilityCheck: true,
        protocol: "rtsp",
        streamPath: "/Streaming/Channels/101",
        recordTypeId: recording.ids[0],
      },
    ],
  },
  // The account used to be a top-level ForpostAccount "video": the alias keeps it (no delete + create).
  { childAliases: { account: [{ name: "video", parent: pulumi.rootStackResource }] } },
);

// --- VSAAS.IO: the organization (created in the Watcher cloud too), and the subscriber's Watcher login,
// a member of that organization (out of the Watcher's default one) who sees the cameras of its folder.
const cloud = new VsaasOrganization("cloud", {
  title: `${subscriber} (${contract})`,
  owner: config.get("ownerEmail") ?? "ivan.petrov@example.org",
  tariffPlanIds: [549],
});

// Not the owner's address: the billing made the owner a Watcher user (and a full member) already.
const cloudLogin = new VsaasUser("cloud-login", {
  login: config.get("cloudLogin") ?? "ivan.petrov.watcher@example.org",
  password: config.requireSecret("cloudPassword"),
  leaveDefaultOrganization: true,
});

const cloudMember = new VsaasOrganizationUser("cloud-member", {
  watcherOrganizationId: cloud.externalId,
  userId: cloudLogin.userId,
});

// Every organization has the folder "Cameras"; without a right on it a member sees no camera.
const camerasFolder = vsaas.getOrganizationFoldersOutput({ watcherOrganizationId: cloud.externalId, title: "Cameras" });
const cloudCameras = new VsaasFolderAccess("cloud-cameras", {
  membershipId: cloudMember.id,
  folderId: camerasFolder.ids[0]!,
  canViewDvr: true,
});

// --- Hik-Connect: the camera at the door, in an area for the subscriber's site.
const timeZone = hikconnect.getTimeZonesOutput({ name: config.get("timeZone") ?? "Moscow" });

const camera = new HikDevice("camera", {
  serialNo: config.require("cameraSerial"),
  verifyCode: config.requireSecret("cameraVerifyCode"),
  name: `${subscriber}: front door`,
  timeZoneId: timeZone.id,
});

// Hik-Connect's API cannot delete areas: "retain" leaves the area when the stack is destroyed, and
// adoptExisting takes it back (by name) when it is created again.
const site = new HikArea("site", { name: `${contract} ${street} ${houseNumber}`, onDestroy: "retain" }, { adoptExisting: true });

const siteCamera = new HikAreaCamera("site-camera", {
  areaId: site.id,
  // A camera has one channel; "" (no channel read back) fails the check with a clear message.
  channelId: camera.cameraChannels.apply((channels) => channels?.[0]?.id ?? ""),
  name: config.get("cameraName") ?? "Front door",
});

// --- Stalker: the IPTV account and the set-top box's channels (by name).
// With a MAC, Stalker addresses the account by it: neighbours sharing the contract number are safe.
const stbMac = config.get("stbMac") ?? "00:1A:79:00:39:5E";
const tv = new StalkerAccount("tv", {
  login: config.get("tvLogin") ?? "ivan-petrov",
  password: config.getSecret("tvPassword"),
  fullName: subscriber,
  accountNumber: contract,
  tariffPlan: "FULL",
  stbMac,
});

const channelNames = config.getObject<string[]>("channels") ?? ["Discovery Channel", "Eurosport 1"];
const tvChannels = new StalkerChannelSubscription("tv-channels", {
  // The account's id is its login: the subscription also waits for the account.
  login: tv.id,
  mac: stbMac,
  channels: channelNames.map((name) => stalker.getChannelOutput({ name }).id),
});

export const billingHomeId = home.id;
export const billingSwitchId = accessSwitch.switchId;
export const forpostAccountId = video.accountId;
export const forpostLogin = video.adminLogin;
export const forpostCameraIds = video.cameraIds;
export const watcherOrganizationId = cloud.externalId;
export const watcherLogin = cloudLogin.login;
export const watcherFolderId = cloudCameras.folderId;
export const cameraModel = camera.model;
export const hikAreaId = site.id;
export const hikCameraId = siteCamera.cameraId;
export const tvLogin = tv.id;
export const tvChannelIds = tvChannels.channels;
