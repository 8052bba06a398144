// A camera added to Hik-Connect for Teams by serial number and verification code, in an area of
// its own (the subscriber's site), with its time zone found by name.
//
// Point the stack at Hik-Connect (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines
// and the serial numbers and verification codes of the devices it offers):
//   pulumi config set hikconnect:url https://ieu.hikcentralconnect.com
//   pulumi config set hikconnect:appKey <AK>
//   pulumi config set --secret hikconnect:secretKey <SK>
// Then the device, from its label:
//   pulumi config set serialNo SBX000002
//   pulumi config set --secret verifyCode <code>
// Optional: `pulumi config set name "Back door"` renames the device in place; `pulumi config set
// --secret devicePassword <pw>` sets the password Hik-Connect uses to log in to it; `pulumi config
// set timeZone Moscow` picks another time zone (a place, or a standard name such as "Russian
// Standard Time"); `pulumi config set site "C-000042 Lenina 42"` names the area and `cameraName`
// the camera in it (a new name there re-adds the camera: Hik-Connect cannot rename it).
import * as pulumi from "@pulumi/pulumi";
import { HikArea, HikAreaCamera, HikDevice, hikconnect } from "pulumi-telecom";

const config = new pulumi.Config();

// The platform's id of the zone that lists this place (fails naming the candidates if none or several do).
const timeZone = hikconnect.getTimeZonesOutput({ name: config.get("timeZone") ?? "Berlin" });

// The subscriber's site. Hik-Connect's API cannot delete areas: "retain" leaves it in Hik-Connect
// when the stack is destroyed, and adoptExisting takes it back (by name) when it is created again.
const site = new HikArea("site", { name: config.get("site") ?? "Front door site", onDestroy: "retain" }, { adoptExisting: true });

const camera = new HikDevice("front-door", {
  serialNo: config.require("serialNo"),
  verifyCode: config.requireSecret("verifyCode"),
  name: config.get("name") ?? "Front door",
  timeZoneId: timeZone.id,
  userName: "admin",
  password: config.getSecret("devicePassword"),
});

// The camera's channel in the site: what live view, recording and alarm rules refer to.
const frontDoor = new HikAreaCamera("front-door-camera", {
  areaId: site.id,
  // A camera has one channel (a recorder one per connected camera); "" fails the check with a clear message.
  channelId: camera.cameraChannels.apply((channels) => channels?.[0]?.id ?? ""),
  name: config.get("cameraName") ?? "Front door",
});

export const deviceId = camera.id;
export const model = camera.model;
export const cameraChannels = camera.cameraChannels;
export const timeZoneId = timeZone.id;
export const siteId = site.id;
export const cameraId = frontDoor.cameraId;
