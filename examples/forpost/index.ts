// A Forpost cloud video surveillance subscriber: the account with its tariffs, the camera at the
// front door, and (with a password configured) a family member who can log in and watch it.
//
// Point the stack at a Forpost (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set forpost:url https://forpost.example.net
//   pulumi config set forpost:adminLogin api-admin
//   pulumi config set --secret forpost:adminPassword <password>
// The viewer's login is created once its password is set:
//   pulumi config set --secret userPassword <password for the personal cabinet>
// Optional knobs: `pulumi config set maxCameraCount 16` changes the account in place;
// `cameraAddress` / `cameraPort` / `--secret cameraPassword` describe the camera; `cluster` and
// `tariffs` / `defaultTariff` pick Forpost's entries by name.
import * as pulumi from "@pulumi/pulumi";
import { ForpostAccount, ForpostCamera, ForpostUser, ForpostUserCameraAccess, forpost } from "pulumi-telecom";

const config = new pulumi.Config();

// Forpost's reference lists by name, not by id: the ids differ between installations.
const tariffs = forpost.getTariffsOutput({ names: config.getObject<string[]>("tariffs") ?? ["Архив 7 дней", "Архив 14 дней"] });
const defaultTariff = forpost.getTariffsOutput({ name: config.get("defaultTariff") ?? "Архив 14 дней" });
const cluster = forpost.getMastersOutput({ name: config.get("cluster") ?? "Москва-1" });
const recording = forpost.getRecordTypesOutput({ name: config.get("recordType") ?? "Постоянная запись" });

const acct = new ForpostAccount("acme", {
  name: config.get("name") ?? "ACME Ltd",
  maxCameraCount: config.getNumber("maxCameraCount") ?? 8,
  maxLoginCount: 3,
  maxCameraOnlineTranslationCount: 4,
  maxCameraArchivalTranslationCount: 2,
  maxCameraUserOnlineTranslationCount: 2,
  maxCameraUserArchivalTranslationCount: 1,
  contractNumber: config.get("contractNumber") ?? "C-1001",
  allowedTariffIds: tariffs.ids,
  defaultCameraTariffId: defaultTariff.ids[0],
});

// Forpost is told not to connect to the camera first (skipReachabilityCheck defaults to true), so
// this works before the installer has mounted it; protocol and stream path are given for that reason.
const frontDoor = new ForpostCamera("front-door", {
  accountId: acct.id,
  name: "Front door",
  masterId: cluster.ids[0],
  login: config.get("cameraLogin") ?? "admin",
  password: config.getSecret("cameraPassword"),
  ipOrDomain: config.get("cameraAddress") ?? "192.0.2.10",
  port: config.getNumber("cameraPort") ?? 554,
  protocol: "rtsp",
  streamPath: config.get("cameraStreamPath") ?? "/Streaming/Channels/101",
  recordTypeId: recording.ids[0],
});

export const forpostAccountId = acct.id;
export const forpostAccountActive = acct.isActive;
export const forpostCameraId = frontDoor.id;

// A family member who may watch the camera live and its archive, nothing else.
const userPassword = config.getSecret("userPassword");
const viewer = userPassword
  ? new ForpostUser("viewer", {
      accountId: acct.id,
      login: config.get("userLogin") ?? "acme-viewer",
      password: userPassword,
      fullName: "ACME front desk",
      isReadOnly: true,
    })
  : undefined;
if (viewer) {
  new ForpostUserCameraAccess("viewer-front-door", { userId: viewer.id, cameraId: frontDoor.id, review: true, viewArchive: true });
} else {
  pulumi.log.info("no userPassword configured, so the viewer login is not created: pulumi config set --secret userPassword <password>");
}

export const forpostUserLogin = viewer?.login;
