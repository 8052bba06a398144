// One subscriber, provisioned in every system the operator runs: the house in the billing's address
// directory, a Forpost video surveillance account, a VSAAS.IO organization, the camera at the door in
// Hik-Connect for Teams, and an IPTV account in Stalker Middleware.
//
// Point the stack at the systems (or at the sandbox: `npx pulumi-telecom-sandbox` prints every line,
// including the sandbox cameras' serial numbers and verification codes):
//   pulumi config set forpost:url ... / stalker:url ... / vsaas:user ... / hikconnect:url ... / billing:url ...
//   (the README's "Configuration" section lists every key)
// Then the subscriber's own data:
//   pulumi config set cameraSerial SBX000002
//   pulumi config set --secret cameraVerifyCode <code from the camera's label>
// Optional knobs: `pulumi config set maxCameraCount 16` changes the Forpost account in place;
// `pulumi config set --secret tvPassword <pw>` sets the set-top box password.
import * as pulumi from "@pulumi/pulumi";
import { BillingHome, ForpostAccount, HikDevice, StalkerAccount, VsaasOrganization } from "pulumi-telecom";

const config = new pulumi.Config();
const subscriber = config.get("subscriber") ?? "Ivan Petrov";
// The contract number ties the subscriber's accounts together across systems.
const contract = config.get("contract") ?? "C-1001";

const home = new BillingHome("home", {
  street: config.get("street") ?? "улица Ленина",
  number: config.getNumber("houseNumber") ?? 12,
  liter: "А",
  city: "Казань",
  zipCode: "420111",
  connectDate: "2026-11-01",
});

const video = new ForpostAccount("video", {
  name: subscriber,
  contractNumber: contract,
  maxCameraCount: config.getNumber("maxCameraCount") ?? 8,
  maxLoginCount: 3,
  maxCameraOnlineTranslationCount: 4,
  maxCameraArchivalTranslationCount: 2,
  maxCameraUserOnlineTranslationCount: 2,
  maxCameraUserArchivalTranslationCount: 1,
  allowedTariffIds: [1, 2],
  defaultCameraTariffId: 2,
});

const cloud = new VsaasOrganization("cloud", {
  title: `${subscriber} (${contract})`,
  owner: config.get("ownerEmail") ?? "ivan.petrov@example.org",
  tariffPlanIds: [549],
});

const camera = new HikDevice("camera", {
  serialNo: config.require("cameraSerial"),
  verifyCode: config.requireSecret("cameraVerifyCode"),
  name: `${subscriber}: front door`,
  timeZoneId: "26",
});

const tv = new StalkerAccount("tv", {
  login: config.get("tvLogin") ?? "ivan-petrov",
  password: config.getSecret("tvPassword"),
  fullName: subscriber,
  accountNumber: contract,
  tariffPlan: "FULL",
  // With a MAC, Stalker addresses the account by it: neighbours sharing the contract number are safe.
  stbMac: config.get("stbMac") ?? "00:1A:79:00:39:5E",
});

export const billingHomeId = home.id;
export const forpostAccountId = video.id;
export const watcherOrganizationId = cloud.externalId;
export const cameraModel = camera.model;
export const tvLogin = tv.id;
