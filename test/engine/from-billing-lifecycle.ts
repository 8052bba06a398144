import * as fs from "node:fs";
import type { TelecomResource } from "../../provider/core/resource";
import { hikArea } from "../../provider/hikconnect/area";
import { hikAreaCamera } from "../../provider/hikconnect/area-camera";
import { hikDevice } from "../../provider/hikconnect/device";
import { stalkerAccount } from "../../provider/stalker/account";
import { stalkerChannelSubscription } from "../../provider/stalker/channel-subscription";
import type { RunningSandbox } from "../../sandbox";
import { seedBilling } from "../../sandbox/billing/billing-seed";
import { registerCameras, seedHikConnect } from "../../sandbox/hikconnect/hikconnect-seed";
import { seedStalker } from "../../sandbox/stalker/stalker-seed";
import type { ConfigEntry } from "../harness/pulumi-stack";
import { plain, sandboxConfig, type ExampleLifecycle } from "./example-lifecycles";

/**
 * examples/from-billing against a sandbox seeded with {@link FROM_BILLING_SUBSCRIBERS} subscribers
 * in the range, and neighbours: the subscriber just before and just after the range (in the
 * billing, with their IPTV and camera site already provisioned by someone else), other Stalker
 * accounts and Hik-Connect sites. Shared by the engine row and test/program/from-billing-*.test.ts.
 */
export const FROM_BILLING_SUBSCRIBERS = 50;
const FIRST = 100;
export const PROJECT = "from-billing-example";

const BILLING_PASSWORD = "test-only-engine-billing-pw";
const STALKER_PASSWORD = "test-only-engine-stalker-pw";
const HIK_SECRET_KEY = "test-only-engine-hik-sk";

export const contractOf = (n: number) => `D-${String(n).padStart(6, "0")}`;
/** The contracts of the range, in order. */
export const CONTRACTS = Array.from({ length: FROM_BILLING_SUBSCRIBERS }, (_, i) => contractOf(FIRST + i));
export const RANGE = { from: CONTRACTS[0]!, to: CONTRACTS.at(-1)! };
/** The neighbours just outside the range. */
export const NEIGHBOUR_CONTRACTS = [contractOf(FIRST - 1), contractOf(FIRST + FROM_BILLING_SUBSCRIBERS)];

/** What the seed made, per contract number (in range and neighbours). */
export interface FromBillingSeed {
  subscribers: Map<string, { login: string; stbMac: string; userId: number }>;
  cameras: Map<string, { serialNo: string; verifyCode: string }>;
  /** Every password-like value the billing holds: none may ever show. */
  billingPasswords: string[];
}

const seeded = new WeakMap<RunningSandbox, FromBillingSeed>();

/**
 * Seeds the sandbox once (later calls answer the same seed): the billing's subscribers D-000099 …
 * D-000150, each with a set-top box; one physical camera per subscriber, not on the account yet;
 * the two neighbours already provisioned (Stalker account + channels, Hik-Connect site + device +
 * camera); and unrelated Stalker accounts and Hik-Connect sites.
 */
export function seedFromBilling(sandbox: RunningSandbox): FromBillingSeed {
  const known = seeded.get(sandbox);
  if (known) return known;
  const count = FROM_BILLING_SUBSCRIBERS + 2;
  const result = seedBilling(sandbox.billing.emulator, { subscribers: count, firstContract: FIRST - 1, iptvEvery: 1, deletedEvery: 0, subscribersPerHome: 20 });
  const cameras = registerCameras(sandbox.hikconnect.emulator, { count, serialPrefix: "SN", first: 1 });
  const seed: FromBillingSeed = { subscribers: new Map(), cameras: new Map(), billingPasswords: [] };
  result.subscribers.forEach((s, i) => {
    const row = sandbox.billing.emulator.users.get(s.id)!;
    seed.subscribers.set(s.contractNumber, { login: s.login, stbMac: String(row.STB_MAC), userId: s.id });
    if (cameras[i]!.serialNo !== serialOf(s.contractNumber)) throw new Error(`seed: ${s.contractNumber} got camera ${cameras[i]!.serialNo}`);
    seed.cameras.set(s.contractNumber, cameras[i]!);
    for (const column of ["PSW", "GEN_PWD", "AD_PASS"] as const) if (row[column]) seed.billingPasswords.push(String(row[column]));
  });
  // Unrelated subscribers of the other systems.
  seedStalker(sandbox.stalker.emulator, { accounts: 8, loginPrefix: "other" });
  seedHikConnect(sandbox.hikconnect.emulator, { subscribers: 3 });
  // The neighbours, provisioned already (by another stack, or by hand).
  for (const contract of NEIGHBOUR_CONTRACTS) {
    const s = seed.subscribers.get(contract)!;
    sandbox.stalker.emulator.addAccount({ login: s.login, full_name: "Neighbour", account_number: contract, tariff_plan: "FULL", stb_mac: s.stbMac.toUpperCase(), sub_ch: ["27", "41"] });
    const camera = seed.cameras.get(contract)!;
    const devices = sandbox.hikconnect.emulator.devices;
    const area = devices.addArea(contract);
    const device = devices.addToAccount(camera.serialNo, { name: `${contract} neighbour`, timeZoneId: "21" });
    devices.importChannel(device.cameraChannels[0]!.id, area, `${contract} camera 1`);
  }
  seeded.set(sandbox, seed);
  return seed;
}

/**
 * The installer's report: each contract's camera serial (registerCameras numbers them in the
 * billing's contract order from SN00000001, D-000099 first), some replaced by `serials`.
 */
export function camerasConfig(serials: Record<string, string> = {}): Record<string, { serialNo: string }> {
  return Object.fromEntries(CONTRACTS.map((c) => [c, { serialNo: serials[c] ?? serialOf(c) }]));
}

function serialOf(contract: string): string {
  return `SN${String(Number(contract.slice(2)) - (FIRST - 1) + 1).padStart(8, "0")}`;
}

/** The example's own config for the seeded sandbox: the range, and the cameras by contract number. */
export function fromBillingConfig(sandbox: RunningSandbox): ConfigEntry[] {
  const seed = seedFromBilling(sandbox);
  const cameras = camerasConfig();
  const codes = Object.fromEntries(CONTRACTS.map((c) => [c, seed.cameras.get(c)!.verifyCode]));
  return [
    ...plain({ [`${PROJECT}:contractFrom`]: RANGE.from, [`${PROJECT}:contractTo`]: RANGE.to, [`${PROJECT}:cameras`]: JSON.stringify(cameras) }),
    { key: `${PROJECT}:cameraVerifyCodes`, value: JSON.stringify(codes), secret: true },
  ];
}

/** The resource names of one subscriber (the example derives them from the contract number). */
export function resourcesOf(contract: string): Array<{ name: string; resource: TelecomResource }> {
  return [
    { name: `tv-${contract}`, resource: stalkerAccount },
    { name: `channels-${contract}`, resource: stalkerChannelSubscription },
    { name: `site-${contract}`, resource: hikArea },
    { name: `camera-${contract}`, resource: hikDevice },
    { name: `camera-${contract}-1`, resource: hikAreaCamera },
  ];
}

/** The example's objects in each system (the neighbours' and the unrelated ones left out). */
export function fromBillingObjects(sandbox: RunningSandbox): { accounts: number; subscriptions: number; areas: number; areasWithCameras: number; devices: number; cameras: number } {
  const seed = seedFromBilling(sandbox);
  const logins = new Set(CONTRACTS.map((c) => seed.subscribers.get(c)!.login));
  const serials = new Set(CONTRACTS.map((c) => seed.cameras.get(c)!.serialNo));
  const ours = new Set(CONTRACTS);
  const accounts = sandbox.stalker.emulator.listAccounts().filter((a) => logins.has(a.login));
  const devices = sandbox.hikconnect.emulator.devices.list().filter((d) => serials.has(d.serialNo));
  const deviceIds = new Set(devices.map((d) => d.id));
  const cameras = sandbox.hikconnect.emulator.devices.cameras().filter((c) => deviceIds.has(c.deviceId));
  const areas = sandbox.hikconnect.emulator.devices.areas().filter((a) => ours.has(a.name));
  const withCameras = new Set(cameras.map((c) => c.areaId));
  return {
    accounts: accounts.length,
    subscriptions: accounts.filter((a) => (a.sub_ch ?? []).some((id) => id !== "")).length,
    areas: areas.length,
    areasWithCameras: areas.filter((a) => withCameras.has(a.id)).length,
    devices: devices.length,
    cameras: cameras.length,
  };
}

/**
 * Everything in Stalker and Hik-Connect that is not the example's (the neighbours, the unrelated
 * subscribers, the retained areas aside), to compare before and after.
 */
export function othersState(sandbox: RunningSandbox): unknown {
  const seed = seedFromBilling(sandbox);
  const logins = new Set(CONTRACTS.map((c) => seed.subscribers.get(c)!.login));
  const serials = new Set(CONTRACTS.map((c) => seed.cameras.get(c)!.serialNo));
  const devices = sandbox.hikconnect.emulator.devices;
  const ours = new Set(devices.list().filter((d) => serials.has(d.serialNo)).map((d) => d.id));
  return {
    stalker: sandbox.stalker.emulator.listAccounts().filter((a) => !logins.has(a.login)),
    devices: devices.list().filter((d) => !ours.has(d.id)),
    cameras: devices.cameras().filter((c) => !ours.has(c.deviceId)),
    areas: devices.areas().filter((a) => !CONTRACTS.includes(a.name)),
  };
}

/** The first line of the billing sandbox's client key (a secret that must never be shown). */
function billingKeyLine(sandbox: RunningSandbox): string {
  return fs.readFileSync(sandbox.billing.clientKeyPath, "utf8").split("\n")[1]!;
}

/** Every value that must never show: credentials, the cameras' codes, the billing's subscriber passwords. */
export function fromBillingSecrets(sandbox: RunningSandbox): string[] {
  const seed = seedFromBilling(sandbox);
  return [BILLING_PASSWORD, STALKER_PASSWORD, HIK_SECRET_KEY, billingKeyLine(sandbox), ...CONTRACTS.map((c) => seed.cameras.get(c)!.verifyCode), ...seed.billingPasswords];
}

export const FROM_BILLING_SANDBOX = {
  billing: { password: BILLING_PASSWORD },
  stalker: { password: STALKER_PASSWORD },
  hikconnect: { secretKey: HIK_SECRET_KEY },
};

/**
 * The engine row of examples/from-billing: 50 subscribers, 5 resources each (250). The suite's
 * `objects` must be one per resource after `up` and 0 after `destroy`; Hik-Connect's API cannot
 * delete an area, so the example retains its sites (`onDestroy: "retain"`, adopted back by name):
 * an area counts here while it holds the subscriber's camera, and the program test asserts the
 * retained areas separately. A subscription counts while the box has channels (destroy empties it).
 */
export const FROM_BILLING: ExampleLifecycle = {
  example: "from-billing",
  project: PROJECT,
  vendors: ["billing", "stalker", "hikconnect"],
  sandbox: FROM_BILLING_SANDBOX,
  config: (sandbox) => [...sandboxConfig(sandbox, ["billing", "stalker", "hikconnect"]), ...fromBillingConfig(sandbox)],
  resources: CONTRACTS.flatMap(resourcesOf),
  objects: (sandbox) => {
    const o = fromBillingObjects(sandbox);
    return o.accounts + o.subscriptions + o.areasWithCameras + o.devices + o.cameras;
  },
  outputs: (ids) => ({
    subscribers: FROM_BILLING_SUBSCRIBERS,
    contracts: CONTRACTS,
    tvLogins: Object.fromEntries(CONTRACTS.map((c) => [c, ids[`tv-${c}`]])),
    cameraIds: Object.fromEntries(CONTRACTS.map((c) => [c, [ids[`camera-${c}-1`]]])),
  }),
  secrets: fromBillingSecrets,
  // One subscriber bought an extra channel package (the billing cannot say which: stack config).
  inPlace: { resource: `channels-${CONTRACTS[1]}`, config: plain({ [`${PROJECT}:extraChannels`]: JSON.stringify({ [CONTRACTS[1]!]: ["Eurosport 2"] }) }), changes: ["channels"] },
  // Someone renames one subscriber's account in the Stalker admin panel; the billing still has the name.
  drift: { resource: `tv-${CONTRACTS[2]}`, changes: ["fullName"], make: (sandbox, id) => void sandbox.stalker.emulator.editAccount(id, { full_name: "Changed in the panel" }) },
  // A camera serial mistyped in the installer's report (the label's serial is at most 30 characters).
  badInput: {
    resource: `camera-${CONTRACTS[3]}`,
    config: plain({ [`${PROJECT}:cameras`]: JSON.stringify(camerasConfig({ [CONTRACTS[3]!]: "S".repeat(31) })) }),
    field: "serialNo",
  },
};

