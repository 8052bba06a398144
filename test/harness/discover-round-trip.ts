import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { runDiscover, type DiscoverCommandOptions, type DiscoverOutcome } from "../../cli/discover/run";
import { progressDisplay } from "../../cli/discover/progress";
import type { DiscoverSource } from "../../cli/discover/sources";
import { registrySources } from "../../cli/discover/sources";
import { setStackConfig } from "../../provider/core/config";
import { seedBilling, seedHikConnect, type RunningSandbox } from "../../sandbox";
import { SANDBOX_VENDORS, type SandboxVendorName } from "../../sandbox/sandbox-vendors";

/**
 * Drivers for discover's round trip (test/discover/): a sandbox with existing objects → discover →
 * `pulumi up` adopts them all with zero vendor writes → a no-op preview → an edit updates in place
 * → destroy deletes only what was adopted. The programs run through the packed package, and the
 * provider calls through Pulumi's real dynamic-provider host (see host-fixture.ts).
 */

export const SANDBOX_VENDOR_NAMES = Object.keys(SANDBOX_VENDORS) as SandboxVendorName[];

/**
 * Parts of an emulator's state that change on reads (sessions, tokens, request accounting); the
 * rest are the vendor's objects, which a read-only run must leave exactly as they were.
 */
const VOLATILE_STATE: Partial<Record<SandboxVendorName, string[]>> = {
  billing: ["sessions"],
  hikconnect: ["liveTokens", "accounting"],
};

/** Every vendor's objects, as the emulators hold them (compare two snapshots to prove nothing was written). */
export function vendorObjects(sandbox: RunningSandbox): Record<SandboxVendorName, unknown> {
  const out = {} as Record<SandboxVendorName, unknown>;
  for (const v of SANDBOX_VENDOR_NAMES) {
    const state = structuredClone(sandbox[v].emulator.state()) as unknown as Record<string, unknown>;
    for (const key of VOLATILE_STATE[v] ?? []) delete state[key];
    out[v] = state;
  }
  return out;
}

/** Requests each emulator logged, as `METHOD route`. */
export function vendorRequests(sandbox: RunningSandbox): Record<SandboxVendorName, string[]> {
  const out = {} as Record<SandboxVendorName, string[]>;
  for (const v of SANDBOX_VENDOR_NAMES) out[v] = sandbox[v].emulator.log.entries().map((e) => `${e.method} ${e.route ?? e.path}`);
  return out;
}

/**
 * Requests per vendor and "METHOD route" since the logs were cleared: every request, where
 * {@link vendorRequests} holds only what the bounded logs keep (the last 10,000 per vendor).
 */
export function vendorRequestCounts(sandbox: RunningSandbox): Record<SandboxVendorName, Map<string, number>> {
  const out = {} as Record<SandboxVendorName, Map<string, number>>;
  for (const v of SANDBOX_VENDOR_NAMES) out[v] = sandbox[v].emulator.log.counts();
  return out;
}

export function clearVendorLogs(sandbox: RunningSandbox): void {
  for (const v of SANDBOX_VENDOR_NAMES) sandbox[v].emulator.log.clear();
}

/** The sandbox's config as `pulumi config --json --show-secrets` prints it, plus project values. */
export function pulumiConfigJson(sandbox: RunningSandbox, extra: Record<string, { value: string; secret: boolean }> = {}): string {
  const entries = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, { value: e.value, secret: e.secret }]));
  return JSON.stringify({ ...entries, ...extra }, null, 2);
}

/**
 * The kinds discover reads in the round trip: every registry resource that has `discover`, with
 * `overrides` standing in (by token) for resources whose discover is not built yet.
 */
export async function roundTripSources(overrides: DiscoverSource[] = []): Promise<DiscoverSource[]> {
  const registry = await registrySources();
  return registry
    .map((s) => (s.resource.definition.discover ? s : overrides.find((o) => o.resource.definition.token === s.resource.definition.token) ?? s))
    .filter((s) => s.resource.definition.discover);
}

/** Runs discover in this process (the sources may be test doubles), capturing what it prints. */
export async function discoverInto(
  options: DiscoverCommandOptions,
): Promise<DiscoverOutcome & { printed: string; progressLines: string }> {
  const stdout = new PassThrough();
  const progress = new PassThrough();
  let printed = "";
  let progressLines = "";
  stdout.setEncoding("utf8").on("data", (c: string) => (printed += c));
  progress.setEncoding("utf8").on("data", (c: string) => (progressLines += c));
  try {
    const outcome = await runDiscover({ ...options, stdout, progress: progressDisplay(progress as unknown as NodeJS.WriteStream, { CI: "true" }) });
    return { ...outcome, printed, progressLines };
  } finally {
    setStackConfig(undefined);
  }
}

/**
 * `__provider` as the packed package's discover serializes it, in a process of its own started in
 * the program's folder — the way `npx pulumi-telecom discover --import-file` runs.
 */
export async function packedProviderText(programDir: string, token: string): Promise<string> {
  const module = path.join(programDir, "node_modules", "pulumi-telecom", "dist", "cli", "discover", "import-file.js");
  const resolved = fs.existsSync(module) ? module : path.join(path.dirname(programDir), "node_modules", "pulumi-telecom", "dist", "cli", "discover", "import-file.js");
  const script = `require(${JSON.stringify(resolved)}).serializedProvider(${JSON.stringify(token)}).then((t) => process.stdout.write(t))`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: programDir, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/**
 * Fills each vendor's emulator with `count` subscribers through its own seeder
 * (sandbox/<vendor>/<vendor>-seed.ts, straight into its store: no requests logged). What a
 * subscriber is differs per vendor: a Forpost account with 2 users, 2 cameras and the users'
 * rights on them; a Stalker account (one box, some with channels / menu restrictions, families
 * sharing an account number); a VSAAS.IO organization with one member and its folder right; a
 * Hik-Connect site area with a device (some with a recorder, sub-areas, a second camera) and its
 * imported channels; a billing subscriber (the billing's resources are its homes and switches:
 * one home per 40 subscribers).
 */
export const SEEDERS: Record<SandboxVendorName, (sandbox: RunningSandbox, count: number) => void> = {
  forpost: (sandbox, count) => void sandbox.forpost.emulator.seed({ accounts: count }),
  stalker: (sandbox, count) => void sandbox.stalker.emulator.seed({ accounts: count }),
  vsaas: (sandbox, count) => void sandbox.vsaas.emulator.seed({ organizations: count }),
  hikconnect: (sandbox, count) => void seedHikConnect(sandbox.hikconnect.emulator, { subscribers: count }),
  billing: (sandbox, count) => void seedBilling(sandbox.billing.emulator, { subscribers: count }),
};

/** Seeds `count` subscribers in every vendor (see {@link SEEDERS}). */
export function seed(sandbox: RunningSandbox, count: number, vendors: readonly SandboxVendorName[] = SANDBOX_VENDOR_NAMES): void {
  for (const v of vendors) SEEDERS[v](sandbox, count);
}

/**
 * A few objects per vendor that appear after discover ran (an operator adds a subscriber in the
 * vendor's own interface meanwhile): not in the program, so adoption, updates and destroy must
 * leave them exactly as they are. Each is clear of what {@link SEEDERS} makes (own contract
 * numbers, logins, MACs, serials, addresses).
 */
export function seedNeighbours(sandbox: RunningSandbox, vendors: readonly SandboxVendorName[] = SANDBOX_VENDOR_NAMES): void {
  const has = (v: SandboxVendorName) => vendors.includes(v);
  if (has("forpost")) sandbox.forpost.emulator.seed({ accounts: 2, contractPrefix: "NB-", seed: 7 });
  if (has("stalker")) {
    for (let i = 1; i <= 2; i++) sandbox.stalker.emulator.addAccount({ login: `neighbour${i}`, full_name: `Neighbour ${i}`, account_number: "7000001", tariff_plan: "BASIC", stb_mac: `00:1A:79:0F:00:0${i}` });
  }
  if (has("vsaas")) sandbox.vsaas.emulator.seed({ organizations: 2, prefix: "neighbour" });
  if (has("hikconnect")) seedHikConnect(sandbox.hikconnect.emulator, { subscribers: 2, firstContract: 900_001, serialPrefix: "NB" });
  if (has("billing")) {
    const home = sandbox.billing.emulator.homes.add({ STREET: "Соседняя улица", S_NUMBER: 1, CITY: "Казань" });
    sandbox.billing.emulator.switches.add({ NAME: "Соседняя улица, 1: коммутатор", IP: 0x0ac80f01, HOME_ID: home.ID, PORTS_CNT: 28 });
  }
}

/**
 * Made-up values for the program's placeholders (values a vendor never returns: passwords,
 * verification codes), as an operator would set them with `pulumi config set [--secret]`: short
 * test-only strings that fit every field (a Hik-Connect verifyCode is at most 30 characters).
 * Adoption takes write-only values as declared, unchecked.
 */
export function placeholderConfig(project: string, placeholders: ReadonlyArray<{ configKey: string; secret: boolean }>): { config: Record<string, string>; secretKeys: string[] } {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  placeholders.forEach((p, i) => {
    config[`${project}:${p.configKey}`] = `test-only-${i + 1}`;
    if (p.secret) secretKeys.push(`${project}:${p.configKey}`);
  });
  return { config, secretKeys };
}

/**
 * Every record an emulator holds, as JSON strings (the values of each top-level list or map of its
 * state), to tell which records a run left exactly as they were.
 */
export function vendorRecords(sandbox: RunningSandbox): Record<SandboxVendorName, Set<string>> {
  const out = {} as Record<SandboxVendorName, Set<string>>;
  for (const [v, state] of Object.entries(vendorObjects(sandbox)) as Array<[SandboxVendorName, Record<string, unknown>]>) {
    const records = new Set<string>();
    for (const [key, value] of Object.entries(state)) {
      const items = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : [value];
      for (const item of items) records.add(`${key} ${JSON.stringify(item)}`);
    }
    out[v] = records;
  }
  return out;
}

/**
 * What discover at least has to call per vendor for what it found, where the vendors' documents
 * give no list or no list across parents (see each resource's docs page, "How it behaves"):
 * - forpost: FindAccounts lists every account (no paging), but the allowed tariffs and the default
 *   camera tariff are per account (2 calls each), users and cameras are listed per account
 *   (GetAccountUsers, GetCameras take an AccountID) and rights per user (GetUserCameraAccessRights):
 *   1 + 2A + A + A + U;
 * - stalker: one GET /accounts and one GET /itv_subscription list everything; STB_MODULES has no
 *   list: one GET per box (accounts with a MAC);
 * - vsaas: one billing organizations list, one Watcher users list, one Watcher organizations list,
 *   and one member list (which carries the folder rights) per subscriber organization (no list
 *   across organizations);
 * - hikconnect: a token, then areas, area cameras and devices, ⌈n/500⌉ pages each;
 * - billing: a login, CLN_HOME_LIST and CLN_SWITCH_LIST (no paging).
 */
export function discoverFloor(sandbox: RunningSandbox, found: (token: string) => number): Record<SandboxVendorName, number> {
  const pages = (n: number) => Math.max(1, Math.ceil(n / 500));
  const boxes = sandbox.stalker.emulator.listAccounts().filter((a) => a.stb_mac).length;
  // The default organization holds no subscriber: discover never reads its members.
  const watcherOrganizations = sandbox.vsaas.emulator.state().watcherOrganizations.filter((o) => !o.is_default).length;
  return {
    forpost: 1 + 4 * found("forpost:Account") + found("forpost:User"),
    stalker: 2 + boxes,
    vsaas: 3 + watcherOrganizations,
    hikconnect: 1 + pages(found("hikconnect:Area")) + pages(found("hikconnect:AreaCamera")) + pages(found("hikconnect:Device")),
    billing: 3,
  };
}

/**
 * {@link packedProviderText} for many tokens from ONE process (loading the packed package once
 * instead of once per token): a `providerText` for discover that asks for every registry token on
 * its first call and answers the rest from that.
 */
export function packedProviderTexts(programDir: string): (token: string) => Promise<string> {
  let all: Promise<Record<string, string>> | undefined;
  return async (token) => {
    all ??= (async () => {
      const module = path.join(programDir, "node_modules", "pulumi-telecom", "dist", "cli", "discover", "import-file.js");
      const resolved = fs.existsSync(module) ? module : path.join(path.dirname(programDir), "node_modules", "pulumi-telecom", "dist", "cli", "discover", "import-file.js");
      const registry = path.join(path.dirname(resolved), "..", "..", "provider", "registry.js");
      const script =
        `const { serializedProvider } = require(${JSON.stringify(resolved)}); const { resources } = require(${JSON.stringify(registry)});` +
        `Promise.all(resources.map(async (r) => [r.token, await serializedProvider(r.token)])).then((e) => process.stdout.write(JSON.stringify(Object.fromEntries(e))))`;
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: programDir, maxBuffer: 256 * 1024 * 1024 });
      return JSON.parse(stdout) as Record<string, string>;
    })();
    const text = (await all)[token];
    if (text === undefined) throw new Error(`the packed package has no resource ${token}`);
    return text;
  };
}
