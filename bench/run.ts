/**
 * `npm run bench`: figures, not assertions. `npm run bench -- --scale` (or BENCH_N / BENCH_P set)
 * runs the scale bench instead (bench/scale.ts: N objects per vendor at P in one provider host). For every resource: its check/diff cost, its CRUD
 * latency and HTTP calls per operation against the sandbox (in-process, request counts from each
 * emulator's request log); Hik-Connect's 12 concurrent creates at the provider's real default rate
 * limit; and a Check round trip through Pulumi's real dynamic-provider host with the packed package.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { setStackConfig } from "../provider/core/config";
import type { TelecomResource } from "../provider/core/resource";
import { resourceProvider } from "../provider";
import { hikDevice } from "../provider/hikconnect/device";
import { resources } from "../provider/registry";
import { hikconnectLauncher, startSandbox, type RunningSandbox, type VendorEmulator } from "../sandbox";
import type { PhysicalDeviceInput } from "../sandbox/hikconnect";
import { LENINA_INPUTS } from "../test/fixtures/billing-lenina";
import { SWITCH_INPUTS } from "../test/fixtures/billing-switch";
import { ACME_INPUTS } from "../test/fixtures/forpost-acme";
import { FRONT_DOOR } from "../test/fixtures/hikconnect-devices";
import { ALICE_INPUTS } from "../test/fixtures/stalker-alice";
import { DEMO_INPUTS } from "../test/fixtures/vsaas-demo";
import { preparePackedInstall, REPO_ROOT } from "../test/harness/packed-package";
import { runProgramUnderMocks } from "../test/harness/program-under-mocks";
import { ProviderHost } from "../test/harness/provider-host";

type Props = Record<string, unknown>;

/** Objects created, read, updated and deleted per resource (one after another). */
const OBJECTS = 50;
/** check and diff calls per resource. */
const PURE_CALLS = 20_000;
/** Concurrent Hik-Connect creates timed at the provider's default rate limit. */
const HIK_CONCURRENT = 12;

/** One row of the benchmark: everything that differs between resources. */
interface BenchCase {
  /** The emulator whose request log counts the resource's HTTP calls. */
  emulator(sandbox: RunningSandbox): VendorEmulator;
  /** Inputs of object `i` (unique where the vendor requires it). */
  inputs(sandbox: RunningSandbox, i: number): Props;
  /** The same inputs with one field changed in place. */
  update(inputs: Props): Props;
  /** Printed under the resource's figures. */
  note?: string;
}

/** The devices of the sandbox's Hik-Connect that can be added (not another account's, not offline). */
const addable = (devices: readonly PhysicalDeviceInput[]) => devices.filter((d) => !d.ownedByAnotherAccount && d.online !== false);

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
const stalkerMac = (i: number) => `00:1A:79:01:${hex2(i >> 8)}:${hex2(i & 0xff)}`;
/** The Stalker account whose box the box resources' object i is on, added to the emulator once. */
function stalkerBox(s: RunningSandbox, i: number): string {
  const login = `benchbox${i}`;
  if (!s.stalker.emulator.account(login)) s.stalker.emulator.addAccount({ login, account_number: `${5000 + i}`, stb_mac: stalkerMac(i) });
  return login;
}

/** The Forpost account the user, camera and access benches put their objects in (made once, not counted). */
const benchAccounts = new WeakMap<object, string>();
function benchAccount(s: RunningSandbox): string {
  const e = s.forpost.emulator;
  let id = benchAccounts.get(e);
  if (!id) {
    const account = e.accounts.add({
      Name: "Bench subscriber",
      ContractNumber: "BENCH-SUBSCRIBER",
      MaxCameraCount: 10_000,
      MaxLoginCount: 10_000,
      MaxCameraOnlineTranslationCount: 1,
      MaxCameraArchivalTranslationCount: 1,
      MaxCameraUserOnlineTranslationCount: 1,
      MaxCameraUserArchivalTranslationCount: 1,
    });
    id = String(account.ID);
    benchAccounts.set(e, id);
  }
  return id;
}

/** By resource token; every resource of the registry needs one (the bench says which lack it). */
const CASES: Record<string, BenchCase> = {
  "forpost:Account": {
    emulator: (s) => s.forpost.emulator,
    inputs: (_, i) => ({ ...ACME_INPUTS, contractNumber: `BENCH-${i}` }),
    update: (i) => ({ ...i, maxCameraCount: 16 }),
  },
  "forpost:User": {
    emulator: (s) => s.forpost.emulator,
    // Logins are unique across Forpost; every user goes into one bench account.
    inputs: (s, i) => ({ accountId: benchAccount(s), login: `bench-user-${i}`, password: "bench-only-user-pw", isReadOnly: true }),
    update: (i) => ({ ...i, email: "bench@example.org" }),
  },
  "forpost:Camera": {
    emulator: (s) => s.forpost.emulator,
    inputs: (s, i) => ({ accountId: benchAccount(s), name: `Bench camera ${i}`, masterId: 1, login: "admin", ipOrDomain: "192.0.2.10", port: 554, protocol: "rtsp", streamPath: "/play.sdp" }),
    update: (i) => ({ ...i, isSound: true }),
  },
  "forpost:UserCameraAccess": {
    emulator: (s) => s.forpost.emulator,
    // A viewer and a camera per object, made in the emulator directly (not counted).
    inputs: (s, i) => {
      const e = s.forpost.emulator;
      const account = Number(benchAccount(s));
      const user = e.users.add({ AccountID: account, Login: `bench-viewer-${i}`, Password: "bench-only-user-pw", IsReadOnly: 1 });
      const camera = e.cameras.add({ AccountID: account, Name: `Bench access camera ${i}`, MasterID: 1, Login: "admin", IPOrDomain: "192.0.2.10", Port: 554 });
      return { userId: String(user.ID), cameraId: String(camera.ID), review: true, viewArchive: true };
    },
    update: (i) => ({ ...i, snapshot: true }),
  },
  "stalker:Account": {
    emulator: (s) => s.stalker.emulator,
    // Login and MAC are unique in Stalker.
    inputs: (_, i) => ({ ...ALICE_INPUTS, login: `bench${i}`, accountNumber: `${1000 + i}`, stbMac: `00:1A:79:00:${hex2(i >> 8)}:${hex2(i & 0xff)}` }),
    update: (i) => ({ ...i, fullName: "Alice Renamed" }),
  },
  "stalker:ChannelSubscription": {
    emulator: (s) => s.stalker.emulator,
    // The box of account i (made here, outside the timed calls): one subscription per account.
    inputs: (s, i) => ({ login: stalkerBox(s, i), mac: stalkerMac(i), channels: ["27"] }),
    update: (i) => ({ ...i, channels: ["27", "41"] }),
    note: "create = natural-key look-up (2 GETs), box check, channel list (reused for a minute), PUT; refresh is 2 coalesced GETs",
  },
  "stalker:MenuRestrictions": {
    emulator: (s) => s.stalker.emulator,
    inputs: (s, i) => ({ login: stalkerBox(s, i), mac: stalkerMac(i), restricted: ["vclub"] }),
    update: (i) => ({ ...i, restricted: ["vclub", "karaoke"] }),
    note: "STB_MODULES has no list: a refresh costs a GET per box (plus a coalesced accounts GET)",
  },
  "vsaas:Organization": {
    emulator: (s) => s.vsaas.emulator,
    inputs: (_, i) => ({ ...DEMO_INPUTS, title: `Bench family ${i}`, owner: `bench${i}@example.org` }),
    update: (i) => ({ ...i, tariffPlanIds: [549, 550] }),
  },
  "vsaas:User": {
    emulator: (s) => s.vsaas.emulator,
    inputs: (_, i) => ({ login: `bench-user-${i}@example.org`, password: "bench-only-subscriber-pw", leaveDefaultOrganization: true }),
    update: (i) => ({ ...i, leaveDefaultOrganization: false }),
    note: "the first create also looks up the default organization (once per process); refresh reads one list for any number of users",
  },
  "vsaas:OrganizationUser": {
    emulator: (s) => s.vsaas.emulator,
    // The organization and the user exist (made in the emulator, not counted).
    inputs: (s, i) => ({
      watcherOrganizationId: s.vsaas.emulator.organizations.add({ title: `Bench member org ${i}`, owner: `bench-m${i}@example.org` })["external_id"],
      userId: s.vsaas.emulator.watcher.addUser(`bench-member-${i}@example.org`, "bench-only-pw").id,
    }),
    update: (i) => i,
    note: "no update in the API (a rights change replaces: delete + create); the update row is the no-op",
  },
  "vsaas:FolderAccess": {
    emulator: (s) => s.vsaas.emulator,
    // The membership exists (made in the emulator, not counted); the right is on the folder "Cameras".
    inputs: (s, i) => {
      const e = s.vsaas.emulator;
      const org = e.organizations.add({ title: `Bench folder org ${i}`, owner: `bench-f${i}@example.org` })["external_id"] as number;
      const user = e.watcher.addUser(`bench-folder-${i}@example.org`, "bench-only-pw").id;
      e.watcher.addMember(org, user);
      return { membershipId: `${org}/${user}`, folderId: e.watcher.folders(org)[0]!["id"], canViewDvr: true };
    },
    update: (i) => ({ ...i, canUsePtz: true }),
    note: "delete revokes by leaving and rejoining the organization (no revocation in the API): 5 calls, plus one per other folder right",
  },
  "hikconnect:Device": {
    emulator: (s) => s.hikconnect.emulator,
    // The sandbox has 16 addable physical devices; each object is deleted before the next create,
    // so object i re-adds device i mod 16 with its (random per start) verification code.
    inputs: (s, i) => {
      const devices = addable(s.hikconnect.physicalDevices);
      const d = devices[i % devices.length]!;
      return { ...FRONT_DOOR, serialNo: d.serialNo, verifyCode: d.verifyCode, name: `Bench camera ${i}` };
    },
    update: (i) => ({ ...i, name: `${String(i["name"])} renamed` }),
    note:
      "latency measured with hikconnect:requestsPerSecond=1000 and the emulator's limit lifted; at the default 4/s the " +
      "provider starts its requests ≥250 ms apart, which dominates any figure above — see the concurrent creates below",
  },
  "hikconnect:Area": {
    emulator: (s) => s.hikconnect.emulator,
    // Area names are unique under a parent: one per object. The API cannot delete areas: created
    // with onDestroy "fail", updated (the one in-place input) to "retain", so the delete costs nothing.
    inputs: (_, i) => ({ name: `Bench site ${i}`, onDestroy: "fail" }),
    update: (i) => ({ ...i, onDestroy: "retain" }),
    note: "update changes onDestroy (state only, no call); the delete then retains the area (no call)",
  },
  "hikconnect:AreaCamera": {
    emulator: (s) => s.hikconnect.emulator,
    // One device channel in one bench area, added and removed again for each object.
    inputs: (s, i) => ({ ...benchChannel(s), name: `Bench camera ${i}` }),
    update: (i) => i,
    note: "every input replaces (the API has no update): the update has nothing to send",
  },
  "billing:Home": {
    emulator: (s) => s.billing.emulator,
    // A home is identified by its address: a unique house number per object.
    inputs: (_, i) => ({ ...LENINA_INPUTS, number: 100 + i }),
    update: (i) => ({ ...i, zipCode: "420112" }),
  },
  "billing:Switch": {
    emulator: (s) => s.billing.emulator,
    // The switches live in one home added behind the API's back; home + IP is unique per object.
    inputs: (s, i) => ({ ...SWITCH_INPUTS, homeId: benchHome(s), ip: `10.21.${i >> 8}.${i & 255}`, pswSnmp: "bench-only-snmp" }),
    update: (i) => ({ ...i, name: `${String(i["name"])} (renamed)` }),
    note: "every create, update and delete restarts the billing's dhcpd once (CLN_SWITCH_EDIT); read and no-op none",
  },
};

/** A channel of a bench device and an area for it, made in the emulator once per sandbox. */
const benchChannels = new WeakMap<RunningSandbox, { areaId: string; channelId: string }>();
function benchChannel(s: RunningSandbox): { areaId: string; channelId: string } {
  let found = benchChannels.get(s);
  if (!found) {
    const controls = s.hikconnect.emulator.devices;
    controls.registerPhysical({ serialNo: "BENCH0001", verifyCode: "BENCHX" });
    const device = controls.addToAccount("BENCH0001", { name: "Bench recorder" });
    found = { areaId: controls.addArea("Bench area"), channelId: device.cameraChannels[0]!.id };
    benchChannels.set(s, found);
  }
  return found;
}

/** The home the bench's switches are installed in, added once per sandbox. */
const benchHomes = new WeakMap<RunningSandbox, number>();
function benchHome(s: RunningSandbox): number {
  let id = benchHomes.get(s);
  if (id === undefined) {
    id = s.billing.emulator.homes.add({ STREET: "Скамеечная улица", S_NUMBER: 1 }).ID;
    benchHomes.set(s, id);
  }
  return id;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`;
}

/** HTTP calls of one operation over all objects: "3", or "first 4, then 3" (a login/token), or "3–5". */
function callCounts(counts: number[]): string {
  const rest = new Set(counts.slice(1));
  if (rest.size <= 1 && (rest.size === 0 || rest.has(counts[0]!))) return `${counts[0]}`;
  if (rest.size === 1) return `first ${counts[0]}, then ${[...rest][0]}`;
  return `${Math.min(...counts)}–${Math.max(...counts)}`;
}

async function timed<T>(samples: number[], f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await f();
  samples.push(performance.now() - t);
  return r;
}

async function checked(resource: TelecomResource, news: Props): Promise<Props> {
  const result = await resource.check!({}, news);
  if (result.failures?.length) throw new Error(`bench inputs of ${resource.definition.token} fail check: ${JSON.stringify(result.failures)}`);
  return result.inputs as Props;
}

async function benchResource(r: TelecomResource, c: BenchCase, sandbox: RunningSandbox): Promise<void> {
  const log = c.emulator(sandbox).log;
  const ops = ["create", "read", "update", "delete"] as const;
  const samples = Object.fromEntries(ops.map((op) => [op, [] as number[]]));
  const calls = Object.fromEntries(ops.map((op) => [op, [] as number[]]));
  const count = async <T>(op: (typeof ops)[number], f: () => Promise<T>): Promise<T> => {
    log.clear();
    const result = await timed(samples[op]!, f);
    calls[op]!.push(log.entries().length);
    return result;
  };

  // CRUD against the emulator, one object after another; check runs untimed, as the engine would.
  const raws: Props[] = [];
  let firstOuts: { id: string; outs: Props } | undefined;
  for (let i = 0; i < OBJECTS; i++) {
    const raw = c.inputs(sandbox, i);
    raws.push(raw);
    const news = await checked(r, raw);
    const changed = await checked(r, c.update(raw));
    const created = await count("create", () => r.create(news));
    firstOuts ??= { id: created.id, outs: created.outs as Props };
    await count("read", () => r.read!(created.id, created.outs));
    const updated = await count("update", () => r.update!(created.id, created.outs, changed));
    await count("delete", () => r.delete!(created.id, (updated.outs ?? created.outs) as Props));
  }

  // check and diff in-process (pure: no vendor calls), cycling through the objects' inputs.
  const updates = raws.map((raw) => c.update(raw));
  let t = performance.now();
  for (let i = 0; i < PURE_CALLS; i++) await r.check!({}, (i & 1 ? updates : raws)[i % raws.length]!);
  const checkUs = ((performance.now() - t) * 1000) / PURE_CALLS;
  const diffNews = [await checked(r, raws[0]!), await checked(r, updates[0]!)];
  t = performance.now();
  for (let i = 0; i < PURE_CALLS; i++) await r.diff!(firstOuts!.id, firstOuts!.outs, diffNews[i & 1]!);
  const diffUs = ((performance.now() - t) * 1000) / PURE_CALLS;

  console.log(`\n${r.definition.token}`);
  console.log(`  check ${checkUs.toFixed(1)} µs/call, diff ${diffUs.toFixed(1)} µs/call (${PURE_CALLS} calls each)`);
  for (const op of ops) console.log(`  ${op.padEnd(7)} ${stats(samples[op]!)}, n=${OBJECTS}, HTTP calls: ${callCounts(calls[op]!)}`);
  if (c.note) console.log(`  note: ${c.note}`);
}

/**
 * HIK_CONCURRENT creates at once in one provider process, at the provider's default limit (4/s)
 * against an emulator enforcing the guide's 5/s: a fresh emulator (its own URL, so its own
 * client and limiter in this process), each create a different physical device.
 */
async function benchHikConcurrent(baseConfig: Record<string, string>): Promise<void> {
  const hik = await hikconnectLauncher.launch({}, { host: "127.0.0.1", port: 0 });
  try {
    const config: Record<string, string> = { ...baseConfig };
    delete config["hikconnect:requestsPerSecond"];
    for (const e of hik.pulumiConfig) config[e.key] = e.value;
    setStackConfig({ get: (k) => config[k] });
    const devices = addable(hik.info.physicalDevices).slice(0, HIK_CONCURRENT);
    const inputs = await Promise.all(
      devices.map((d, i) => checked(hikDevice, { ...FRONT_DOOR, serialNo: d.serialNo, verifyCode: d.verifyCode, name: `Concurrent ${i}` })),
    );
    const t = performance.now();
    await Promise.all(inputs.map((i) => hikDevice.create(i)));
    const seconds = (performance.now() - t) / 1000;
    const a = hik.info.emulator.accountingSnapshot();
    console.log(
      `\nhikconnect:Device, ${devices.length} concurrent creates at the default hikconnect:requestsPerSecond (4) against ` +
        `the emulator's ${a.rate.limit} per ${a.rate.windowMs} ms: ${seconds.toFixed(2)} s ` +
        `(${a.rate.admitted} requests admitted, ${a.rate.rejected} refused with 429, peak ${a.rate.peakArrivalsInWindow} in a window, ` +
        `${a.tokenRequests} token request)`,
    );
  } finally {
    await hik.stop();
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const config: Record<string, string> = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  try {
    // Latency, not pacing: lift Hik-Connect's limit on both sides (the concurrent figure below uses the real ones).
    sandbox.hikconnect.emulator.setRateLimit({ limit: 1_000_000 });
    const benchConfig: Record<string, string> = { ...config, "hikconnect:requestsPerSecond": "1000" };
    setStackConfig({ get: (k) => benchConfig[k] });
    console.log(`CRUD against the in-process sandbox, ${OBJECTS} objects per resource, one at a time`);
    const missing: string[] = [];
    for (const entry of resources) {
      const c = CASES[entry.token];
      if (c) await benchResource(resourceProvider(entry.token), c, sandbox);
      else missing.push(entry.token);
    }
    if (missing.length > 0) console.log(`\nno bench case yet (add one to CASES in bench/run.ts): ${missing.join(", ")}`);

    await benchHikConcurrent(config);

    // Check through the real dynamic-provider host (packed package)
    const install = await preparePackedInstall();
    try {
      for (const f of ["index.ts", "Pulumi.yaml"]) fs.copyFileSync(path.join(REPO_ROOT, "examples", "forpost", f), path.join(install.appDir, f));
      const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: install.appDir, config });
      const [reg] = run.registrations;
      const host = await ProviderHost.start({ cwd: install.appDir });
      try {
        await host.configure(config);
        const rpc: number[] = [];
        for (let i = 0; i < 300; i++) await timed(rpc, () => host.check(`urn:bench:${i}`, {}, reg!.inputs));
        console.log(`\nhost Check round trip (forpost:Account): ${stats(rpc.slice(20))}, n=280 (first call, incl. loading the provider: ${rpc[0]!.toFixed(1)} ms)`);
        console.log(`__provider: ${reg!.providerSize} bytes`);
      } finally {
        await host.stop();
      }
    } finally {
      await install.cleanup();
    }
  } finally {
    await sandbox.stop();
  }
}

const scale = process.argv.includes("--scale") || process.env["BENCH_N"] !== undefined || process.env["BENCH_P"] !== undefined;
(scale ? import("./scale").then((m) => m.main()) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
