// The provisioning pipeline of an ISP, as a Pulumi program: the subscribers of a contract-number
// range are read from the billing (the operator's source of truth) and each one gets its IPTV — a
// Stalker account for the set-top box and its optional channels — and its camera site: an area in
// Hik-Connect for Teams, the camera added by serial number, and the camera's channels in the area.
// Run it from a pipeline after each billing change: new subscribers are provisioned, changed ones
// (name, phone, tariff, set-top box, service switched off) updated in place, subscribers deleted in
// the billing deprovisioned. examples/from-billing/README.md says more.
//
// Point the stack at the systems (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set billing:url ... / stalker:url ... / hikconnect:url ...  (README, "Configuration")
// Then the range (both ends inclusive, the same text before the digits):
//   pulumi config set contractFrom D-000100
//   pulumi config set contractTo D-000149
// Where the data comes from:
//   - login, name, phone, contract number, whether the service is on (ENABLED), the billing tariff
//     and the set-top box MAC (STB_MAC, a CLN_USR_GET column of the billing document): the billing,
//     through billing.findSubscribers. The billing's passwords are never used (the lookup drops
//     them): the Stalker account gets none, the box signs in by its MAC.
//   - the camera's serial number and verification code: the billing has no column for them, so they
//     come from the installer's report, kept in the stack config by contract number:
//       pulumi config set --path 'cameras.D-000100.serialNo' SN00000001
//       pulumi config set --path 'cameras.D-000100.channels' 1          (optional: a recorder has more)
//       pulumi config set --secret --path 'cameraVerifyCodes.D-000100' ABCDEF
//   - which optional TV channels a subscriber bought: the billing cannot say (no documented procedure
//     reads a subscriber's services), so `channels` (names, for everyone) plus `extraChannels` by
//     contract number:  pulumi config set --path 'extraChannels.D-000100[0]' "Eurosport 2"
// Optional knobs: `tariffPlan` (Stalker tariff plan for everyone, default FULL) or `tariffPlans`
// (by the billing's tariff name), `timeZone` (default Moscow), `parentAreaId` (the Hik-Connect area
// the sites go under), `maxSubscribers` (default 1000: a range that finds more fails), `allowEmpty`
// (default false: a range that finds nobody fails instead of deprovisioning everyone), and
// `adoptExisting` (take over accounts and devices that already exist, by login / serial number).
import * as pulumi from "@pulumi/pulumi";
import { billing, HikArea, HikAreaCamera, HikDevice, hikconnect, stalker, StalkerAccount, StalkerChannelSubscription } from "pulumi-telecom";

interface CameraSpec {
  serialNo: string;
  /** How many camera channels the device has (a camera 1, a 4-channel recorder 4). Default 1. */
  channels?: number;
}

type Subscriber = Awaited<ReturnType<typeof billing.findSubscribers>>[number];

const config = new pulumi.Config();

export = async () => {
  const contractFrom = config.require("contractFrom");
  const contractTo = config.require("contractTo");
  const maxSubscribers = config.getNumber("maxSubscribers") ?? 1000;
  const adoptExisting = config.getBoolean("adoptExisting") ?? false;
  const cameras = camerasOf(config.getObject<Record<string, unknown>>("cameras") ?? {});
  const extraChannels = config.getObject<Record<string, string[]>>("extraChannels") ?? {};
  const tariffPlans = config.getObject<Record<string, string>>("tariffPlans") ?? {};
  const tariffPlan = config.get("tariffPlan") ?? "FULL";

  // One CLN_USR_FIND_2 plus one CLN_USR_GET per candidate (how many candidates depends on
  // billing:contractNumberSearch: docs/api-docs/billing/find-subscribers.md). Deleted subscribers
  // are left out, so their resources are destroyed by this `up`.
  const found = await billing.findSubscribers({ contractNumberFrom: contractFrom, contractNumberTo: contractTo });
  const subscribers = [...found].sort((a, b) => compare(a.contractNumber!, b.contractNumber!));
  if (subscribers.length === 0 && !config.getBoolean("allowEmpty")) {
    throw new Error(
      `the billing has no subscriber with a contract number from ${contractFrom} to ${contractTo}: refusing to deprovision everything this stack manages. ` +
        "Check contractFrom / contractTo (and billing:contractNumberSearch); set allowEmpty to true if the range really is empty now.",
    );
  }
  if (subscribers.length > maxSubscribers) {
    throw new Error(`the range ${contractFrom} … ${contractTo} has ${subscribers.length} subscribers, more than maxSubscribers (${maxSubscribers}): check the range, or raise maxSubscribers`);
  }
  // Resource names come from the contract number: two subscribers with one number cannot both be provisioned.
  const byContract = new Map<string, Subscriber>();
  for (const s of subscribers) {
    const other = byContract.get(s.contractNumber!);
    if (other) throw new Error(`the billing has two subscribers with contract number ${s.contractNumber}: ${other.id} (login ${other.login}) and ${s.id} (login ${s.login}); fix it in the billing`);
    byContract.set(s.contractNumber!, s);
  }
  const strays = Object.keys(cameras).filter((contract) => !byContract.has(contract));
  if (strays.length > 0) pulumi.log.warn(`cameras are configured for contract numbers the range has no subscriber with (not provisioned): ${strays.join(", ")}`);

  const withBox = subscribers.filter((s) => s.stbMac && s.login);
  const withCamera = subscribers.filter((s) => cameras[s.contractNumber!]);
  // Each lookup once per run, only when something needs it (a stack without cameras needs no Hik-Connect).
  const [channelList, timeZone] = await Promise.all([
    withBox.length > 0 ? stalker.getChannels({}) : Promise.resolve([]),
    withCamera.length > 0 ? hikconnect.getTimeZones({ name: config.get("timeZone") ?? "Moscow" }) : Promise.resolve(undefined),
  ]);
  const channelId = channelIds(channelList);
  const defaultChannels = config.getObject<string[]>("channels") ?? ["Discovery Channel", "Eurosport 1"];
  // Checked here, before anything is registered (an error thrown later, inside an Output, is
  // harder to read); each code then goes to its device wrapped as a secret.
  // (getObject reads the secret's value in this process only, as getSecretObject itself does.)
  const verifyCodes = config.getObject<Record<string, string>>("cameraVerifyCodes") ?? {};
  const noCode = withCamera.map((s) => s.contractNumber!).filter((contract) => typeof verifyCodes[contract] !== "string" || verifyCodes[contract] === "");
  if (noCode.length > 0) {
    throw new Error(`no verification code for the camera of ${noCode.join(", ")}: pulumi config set --secret --path 'cameraVerifyCodes.${noCode[0]}' <code from the label>`);
  }

  const tvLogins: Record<string, pulumi.Output<string>> = {};
  const cameraIds: Record<string, pulumi.Output<string>[]> = {};
  for (const s of subscribers) {
    const contract = s.contractNumber!;
    const key = nameKey(contract);

    // IPTV: one Stalker account per set-top box the billing knows. The MAC addresses the account,
    // so neighbours who share the contract number (Stalker's account number) are never written.
    if (s.stbMac && s.login) {
      const tv = new StalkerAccount(
        `tv-${key}`,
        {
          login: s.login,
          fullName: s.name ?? "",
          phone: s.phone ?? "",
          accountNumber: contract,
          tariffPlan: (s.tariffName !== undefined ? tariffPlans[s.tariffName] : undefined) ?? tariffPlan,
          // Switched off in the billing (debt, a pause): the TV goes off too; on again when it is.
          active: s.enabled,
          stbMac: s.stbMac,
        },
        { adoptExisting },
      );
      new StalkerChannelSubscription(
        `channels-${key}`,
        {
          login: tv.id,
          mac: s.stbMac,
          channels: [...defaultChannels, ...(extraChannels[contract] ?? [])].map((name) => channelId(name, contract)),
        },
        { adoptExisting },
      );
      tvLogins[contract] = tv.id;
    } else if (!s.stbMac) {
      pulumi.log.info(`${contract}: no set-top box in the billing (STB_MAC): no IPTV`);
    } else {
      pulumi.log.warn(`${contract}: subscriber ${s.id} has a set-top box but no login in the billing: no IPTV`);
    }

    // The camera site: the area is named after the contract number alone, so a new name in the
    // billing never replaces it. Hik-Connect cannot delete areas: a deprovisioned subscriber's
    // area is retained (empty), and taken back by name if the subscriber returns.
    const camera = cameras[contract];
    if (camera) {
      const site = new HikArea(`site-${key}`, { name: contract, onDestroy: "retain", ...parentArea() }, { adoptExisting: true });
      const device = new HikDevice(
        `camera-${key}`,
        {
          serialNo: camera.serialNo,
          verifyCode: pulumi.secret(verifyCodes[contract]!),
          // The subscriber's name from the billing: a change there renames the device in place (32 characters at most).
          name: truncate(`${contract} ${s.name ?? ""}`.trim(), 32),
          timeZoneId: timeZone!.id,
        },
        { adoptExisting },
      );
      cameraIds[contract] = [];
      for (let no = 1; no <= camera.channels; no++) {
        const areaCamera = new HikAreaCamera(`camera-${key}-${no}`, {
          areaId: site.id,
          channelId: device.cameraChannels.apply((channels) => {
            const channel = channels.find((c) => c.no === no);
            if (!channel) throw new Error(`the camera of ${contract} (${camera.serialNo}) has no channel ${no} (it has ${channels.length}): fix cameras.${contract}.channels`);
            return channel.id;
          }),
          // Not the subscriber's name: Hik-Connect cannot rename a camera, a new name would re-add it.
          name: `${contract} camera ${no}`,
        });
        cameraIds[contract]!.push(areaCamera.id);
      }
    }
  }

  return { subscribers: subscribers.length, contracts: subscribers.map((s) => s.contractNumber!), tvLogins, cameraIds };
};

/** The `cameras` config, checked: a serial number (the device checks its form) and a channel count per contract. */
function camerasOf(raw: Record<string, unknown>): Record<string, Required<CameraSpec>> {
  const out: Record<string, Required<CameraSpec>> = {};
  for (const [contract, spec] of Object.entries(raw)) {
    const { serialNo, channels = 1 } = (spec ?? {}) as { serialNo?: unknown; channels?: unknown };
    if (typeof serialNo !== "string" || serialNo === "") throw new Error(`cameras.${contract}.serialNo must be the serial number on the label: pulumi config set --path 'cameras.${contract}.serialNo' <serial>`);
    const count = Number(channels);
    if (!Number.isInteger(count) || count < 1 || count > 256) throw new Error(`cameras.${contract}.channels must be a whole number from 1 to 256 (the device's camera channels), not ${JSON.stringify(channels)}`);
    out[contract] = { serialNo, channels: count };
  }
  return out;
}

/** `parentAreaId` when configured: the sites go under that area, else at the top of the tree. */
function parentArea(): { parentAreaId?: string } {
  const parent = config.get("parentAreaId");
  return parent ? { parentAreaId: parent } : {};
}

/** Channel ids by name (case and surrounding spaces ignored, as stalker.getChannel matches). */
function channelIds(list: Array<{ id: string; name: string }>): (name: string, contract: string) => string {
  const byName = new Map<string, string[]>();
  for (const c of list) byName.set(c.name.trim().toLowerCase(), [...(byName.get(c.name.trim().toLowerCase()) ?? []), c.id]);
  return (name, contract) => {
    const ids = byName.get(name.trim().toLowerCase()) ?? [];
    if (ids.length === 1) return ids[0]!;
    const where = ` (channels of ${contract})`;
    if (ids.length === 0) throw new Error(`Stalker has no channel named ${JSON.stringify(name)}${where}; it has: ${list.map((c) => c.name).join(", ")}`);
    throw new Error(`Stalker has ${ids.length} channels named ${JSON.stringify(name)}${where} (ids ${ids.join(", ")}): rename one in Stalker`);
  };
}

/**
 * The contract number as part of a resource name: letters, digits, `.` and `-` as they are, every
 * other character as `_` and its code (one-to-one, so two contract numbers never share a name).
 */
function nameKey(contract: string): string {
  return contract.replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`);
}

/** Contract numbers in order: the same text before the digits, the digits as numbers. */
function compare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function truncate(text: string, length: number): string {
  const chars = [...text];
  return chars.length <= length ? text : chars.slice(0, length).join("").trimEnd();
}
