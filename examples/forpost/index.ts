// A Forpost cloud video surveillance account for one subscriber, with its tariffs.
//
// Point the stack at a Forpost (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set forpost:url https://forpost.example.net
//   pulumi config set forpost:adminLogin api-admin
//   pulumi config set --secret forpost:adminPassword <password>
// Optional knobs of this example: `pulumi config set maxCameraCount 16` changes the account in place.
import * as pulumi from "@pulumi/pulumi";
import { ForpostAccount } from "pulumi-telecom";

const config = new pulumi.Config();

const acct = new ForpostAccount("acme", {
  name: config.get("name") ?? "ACME Ltd",
  maxCameraCount: config.getNumber("maxCameraCount") ?? 8,
  maxLoginCount: 3,
  maxCameraOnlineTranslationCount: 4,
  maxCameraArchivalTranslationCount: 2,
  maxCameraUserOnlineTranslationCount: 2,
  maxCameraUserArchivalTranslationCount: 1,
  contractNumber: config.get("contractNumber") ?? "C-1001",
  allowedTariffIds: [1, 2],
  defaultCameraTariffId: 2,
});

export const forpostAccountId = acct.id;
export const forpostAccountActive = acct.isActive;
