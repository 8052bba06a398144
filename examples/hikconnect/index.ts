// A camera added to Hik-Connect for Teams by serial number and verification code.
//
// Point the stack at Hik-Connect (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines
// and the serial numbers and verification codes of the devices it offers):
//   pulumi config set hikconnect:url https://ieu.hikcentralconnect.com
//   pulumi config set hikconnect:appKey <AK>
//   pulumi config set --secret hikconnect:secretKey <SK>
// Then the device, from its label:
//   pulumi config set serialNo SBX000002
//   pulumi config set --secret verifyCode <code>
// Optional: `pulumi config set name "Back door"` renames it in place; `pulumi config set --secret
// devicePassword <pw>` sets the password Hik-Connect uses to log in to it.
import * as pulumi from "@pulumi/pulumi";
import { HikDevice } from "pulumi-telecom";

const config = new pulumi.Config();

const camera = new HikDevice("front-door", {
  serialNo: config.require("serialNo"),
  verifyCode: config.requireSecret("verifyCode"),
  name: config.get("name") ?? "Front door",
  timeZoneId: config.get("timeZoneId") ?? "26",
  userName: "admin",
  password: config.getSecret("devicePassword"),
});

export const deviceId = camera.id;
export const model = camera.model;
export const cameraChannels = camera.cameraChannels;
