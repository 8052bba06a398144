// A Stalker Middleware IPTV account for one subscriber.
//
// Point the stack at a Stalker (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set stalker:url http://stalker.example.net/stalker_portal/api
//   pulumi config set stalker:user api-user
//   pulumi config set --secret stalker:password <password>
// Optional knobs of this example: `pulumi config set tariffPlan STANDART` changes the account in
// place; `pulumi config set login alice2` replaces it.
import * as pulumi from "@pulumi/pulumi";
import { StalkerAccount } from "pulumi-telecom";

const config = new pulumi.Config();

const tv = new StalkerAccount("alice-tv", {
  login: config.get("login") ?? "alice",
  // Kept secret in the state even as a plain string: the SDK marks `password` secret.
  password: config.get("tvPassword") ?? "example-only-pw",
  fullName: config.get("fullName") ?? "Alice Example",
  accountNumber: config.get("accountNumber") ?? "100",
  tariffPlan: config.get("tariffPlan") ?? "FULL",
  // With a MAC the API addresses the account by it, so neighbours sharing account number 100 are safe.
  stbMac: config.get("stbMac") ?? "00:1A:79:00:39:5E",
});

export const stalkerLogin = tv.id;
export const stalkerOnline = tv.online;
