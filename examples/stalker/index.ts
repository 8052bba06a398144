// A Stalker Middleware IPTV subscriber: the account, the optional channels of its set-top box, and
// the menu sections the box may not open.
//
// Point the stack at a Stalker (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set stalker:url http://stalker.example.net/stalker_portal/api
//   pulumi config set stalker:user api-user
//   pulumi config set --secret stalker:password <password>
// Optional knobs of this example: `pulumi config set tariffPlan STANDART` changes the account in
// place; `pulumi config set login alice2` replaces it; `pulumi config set --path 'channels[0]' "Eurosport 2"`
// picks other channels (by name); `pulumi config set --path 'restrictedSections[0]' karaoke`.
import * as pulumi from "@pulumi/pulumi";
import { stalker, StalkerAccount, StalkerChannelSubscription, StalkerMenuRestrictions } from "pulumi-telecom";

const config = new pulumi.Config();
const stbMac = config.get("stbMac") ?? "00:1A:79:00:39:5E";

const tv = new StalkerAccount("alice-tv", {
  login: config.get("login") ?? "alice",
  // Kept secret in the state even as a plain string: the SDK marks `password` secret.
  password: config.get("tvPassword") ?? "example-only-pw",
  fullName: config.get("fullName") ?? "Alice Example",
  accountNumber: config.get("accountNumber") ?? "100",
  tariffPlan: config.get("tariffPlan") ?? "FULL",
  // With a MAC the API addresses the account by it, so neighbours sharing account number 100 are safe.
  stbMac,
});

// The box's optional channels, by name: stalker.getChannel looks each id up in Stalker's channel
// list (and fails naming the channels there are when a name matches none, or several).
const channelNames = config.getObject<string[]>("channels") ?? ["Discovery Channel", "Eurosport 1"];
// `login: tv.id` (the account's id is its login) also makes the channels wait for the account.
const channels = new StalkerChannelSubscription("alice-channels", {
  login: tv.id,
  mac: stbMac,
  channels: channelNames.map((name) => stalker.getChannelOutput({ name }).id),
});

// Video club locked on this box. Written by the box's MAC, never by the account number it shares.
const menu = new StalkerMenuRestrictions("alice-menu", {
  login: tv.id,
  mac: stbMac,
  restricted: config.getObject<string[]>("restrictedSections") ?? ["vclub"],
});

export const stalkerLogin = tv.id;
export const stalkerOnline = tv.online;
export const stalkerChannels = channels.channels;
export const stalkerRestricted = menu.restricted;
