/**
 * `npm run bench -- --scale [--n 1000,10000] [--p 8,64] [--only forpost:Account,…]` (or the
 * environment: BENCH_N=1000,10000 BENCH_P=8,64 BENCH_ONLY=…): figures at scale, never assertions.
 *
 * For each row (the first resource of each vendor), N objects are created, refreshed and destroyed
 * in ONE provider host — Pulumi's real dynamic-provider host running the packed package, over gRPC —
 * by P workers at once, the way `pulumi up/refresh/destroy --parallel P` hands the provider P
 * operations at a time (each create is the engine's Check then Create). A fresh host per (row, N,
 * P), so its peak memory is that run's. Printed per phase: vendor calls per object next to the
 * floor the vendor's API allows (its reasoning below each row), the most requests in flight at the
 * vendor (counted by the emulator itself, sandbox/core/in-flight.ts) against the provider's cap,
 * and wall time; per run: the state size per resource (inputs + outputs as the engine stores them,
 * `__provider` included) and the host's RSS (VmHWM, the peak, and VmRSS at the end).
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { startSandbox, type RunningSandbox, type VendorEmulator } from "../sandbox";
import type { SandboxVendorName } from "../sandbox/sandbox-vendors";
import { LENINA_INPUTS } from "../test/fixtures/billing-lenina";
import { ACME_INPUTS } from "../test/fixtures/forpost-acme";
import { FRONT_DOOR } from "../test/fixtures/hikconnect-devices";
import { ALICE_INPUTS } from "../test/fixtures/stalker-alice";
import { DEMO_INPUTS } from "../test/fixtures/vsaas-demo";
import { packedProviderText } from "../test/harness/discover-round-trip";
import { preparePackedInstall } from "../test/harness/packed-package";
import { ProviderHost, type PropertyMap } from "../test/harness/provider-host";

type Props = Record<string, unknown>;

/** The floor of one phase for N objects read/written P at a time: calls in all, and why. */
interface Floor {
  calls: number;
  why: string;
}

interface ScaleCase {
  vendor: SandboxVendorName;
  /** Inputs of object i of run r (unique across runs: an emulator may keep what a run left). */
  inputs(sandbox: RunningSandbox, r: number, i: number): Props;
  floors(n: number, p: number): { create: Floor; refresh: Floor; destroy: Floor };
  /** The vendor needs a session first (a token, a login): one call more in a host's first phase. */
  session?: boolean;
  /**
   * When creating N objects is impractical, the objects are seeded in the emulator directly and
   * `seeded` returns their ids and outputs (refresh and destroy are measured; create is not).
   */
  seedInsteadAbove?: number;
  seeded?(sandbox: RunningSandbox, r: number, n: number, provider: string): Array<{ id: string; inputs: Props; outputs: Props }>;
  note?: string;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

const CASES: Record<string, ScaleCase> = {
  "forpost:Account": {
    vendor: "forpost",
    inputs: (_, r, i) => ({ ...ACME_INPUTS, contractNumber: `SCALE-${r}-${i}` }),
    floors: (n) => ({
      create: { calls: 3 * n, why: "AddAccount per account (no batch add) + SetAllowedAccountTariffs + SetAccountDefaultCameraTariff (both declared; no batch form); the contract check and read-back could come from one shared list" },
      refresh: { calls: 1 + 2 * n, why: "one masAccounts lists every account (no paging); GetAllowedAccountTariffs and GetAccountDefaultCameraTariff have no list form: 2 per account" },
      destroy: { calls: n, why: "DeleteAccount per account (no batch delete)" },
    }),
  },
  "vsaas:Organization": {
    vendor: "vsaas",
    inputs: (_, r, i) => ({ ...DEMO_INPUTS, title: `Scale family ${r}-${i}`, owner: `scale${r}-${i}@example.org` }),
    floors: (n) => ({
      create: { calls: n, why: "POST /organizations per organization (no batch create); the title+owner check could come from one shared list" },
      refresh: { calls: 1, why: "GET /api/v1/organizations lists every organization in one answer (the document shows no paging and no single-organization GET)" },
      destroy: { calls: n, why: "DELETE per organization" },
    }),
  },
  "hikconnect:Device": {
    vendor: "hikconnect",
    session: true,
    inputs: (s, r, i) => {
      const serialNo = `SC${r}${String(i).padStart(7, "0")}`;
      const verifyCode = "SCALEX";
      s.hikconnect.emulator.devices.registerPhysical({ serialNo, verifyCode });
      return { ...FRONT_DOOR, serialNo, verifyCode, name: `Scale camera ${r}-${i}` };
    },
    floors: (n) => ({
      create: { calls: 1 + 2 * n, why: "a token, then devices/add per device (no batch add) + devicedetail/get (the channels exist only there: no list)" },
      refresh: { calls: Math.ceil(n / 500), why: "devices/get answers 500 devices a page (channels re-read only for changed devices; plus a token when refresh is the host's first phase)" },
      destroy: { calls: n, why: "devices/delete per device" },
    }),
    seedInsteadAbove: 5_000,
    seeded: (s, r, n, provider) => {
      const out: Array<{ id: string; inputs: Props; outputs: Props }> = [];
      const controls = s.hikconnect.emulator.devices;
      for (let i = 0; i < n; i++) {
        const serialNo = `SD${r}${String(i).padStart(7, "0")}`;
        const physical = controls.registerPhysical({ serialNo, verifyCode: "SCALEX" });
        const name = `Scale camera ${r}-${i}`;
        const added = controls.addToAccount(serialNo, { name, timeZoneId: FRONT_DOOR.timeZoneId ?? "26" });
        const inputs = { ...FRONT_DOOR, serialNo, verifyCode: "SCALEX", name, __provider: provider };
        const cameraChannels = added.cameraChannels.map(({ id, name: channelName, no, online }) => ({ id, name: channelName, no, online }));
        out.push({
          id: added.id,
          inputs,
          outputs: { ...inputs, applyTimeZoneToDevice: true, deviceId: added.id, model: physical.model, firmwareVersion: physical.firmwareVersion, online: true, cameraChannels, category: "encodingDevice" },
        });
      }
      return out;
    },
    note: "hikconnect:requestsPerSecond raised to 1000 and the emulator's 5/s limit lifted for this bench (at the default 4/s a create of 1,000 devices alone takes 1,000 × 2 / 4 = 8+ minutes)",
  },
  "stalker:Account": {
    vendor: "stalker",
    inputs: (_, r, i) => ({ ...ALICE_INPUTS, login: `scale${r}x${i}`, accountNumber: `${r}${String(i).padStart(6, "0")}`, stbMac: `00:1A:79:${hex2(0x20 + r)}:${hex2(i >> 8)}:${hex2(i & 0xff)}` }),
    floors: (n, p) => ({
      create: { calls: n, why: "POST /accounts per account (no batch create); the read-back could be coalesced" },
      refresh: {
        calls: Math.ceil(n / Math.min(p, 200)),
        why: `GET /accounts/<mac>,<mac>,… (≤ 200 MACs a URL) for the ${Math.min(p, 200)} reads the engine has in flight at once: ⌈N/${Math.min(p, 200)}⌉ (the unpaged GET /accounts/ could answer every account in ONE call)`,
      },
      destroy: { calls: n, why: "DELETE /accounts/<mac> per account" },
    }),
  },
  "billing:Home": {
    vendor: "billing",
    session: true,
    inputs: (_, r, i) => ({ ...LENINA_INPUTS, street: `Масштабная улица ${r}`, number: 1 + i }),
    floors: (n) => ({
      create: { calls: 1 + n, why: "a login, then CLN_HOME_EDIT (P_OP 1) per home (no batch procedure); the address check and read-back could come from one CLN_HOME_LIST" },
      refresh: { calls: 1, why: "CLN_HOME_LIST without an id answers every home (no paging)" },
      destroy: { calls: n, why: "CLN_HOME_EDIT (P_OP 2) per home" },
    }),
  },
};

/** The providers' per-vendor cap on requests in flight, as configured for the bench (the defaults). */
const CAPS: Record<SandboxVendorName, number> = { forpost: 8, stalker: 8, vsaas: 8, hikconnect: 8, billing: 4 };

function list(flag: string, env: string, fallback: string): string[] {
  const i = process.argv.indexOf(flag);
  return (i >= 0 ? process.argv[i + 1]! : (process.env[env] ?? fallback)).split(",").filter(Boolean);
}

/** Runs `work(i)` for i in 0..n-1, at most `p` at once (the engine's --parallel). */
async function parallel(n: number, p: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(p, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

function memoryOf(pid: number): { hwmMb: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}

interface Phase {
  calls: number;
  peak: number;
  ms: number;
  floor: Floor;
  failed: number;
}

interface Row {
  token: string;
  n: number;
  p: number;
  create?: Phase;
  seeded?: boolean;
  refresh: Phase;
  destroy: Phase;
  stateBytes: number;
  memory: { hwmMb: number; rssMb: number };
}

async function measure(emulator: VendorEmulator, floor: Floor, f: () => Promise<number>): Promise<Phase> {
  emulator.log.clear();
  emulator.inFlight.resetPeak();
  const t = performance.now();
  const failed = await f();
  const ms = performance.now() - t;
  return { calls: emulator.log.entries().length, peak: emulator.inFlight.snapshot().peak, ms, floor, failed };
}

async function runOne(token: string, c: ScaleCase, sandbox: RunningSandbox, appDir: string, config: Record<string, string>, secretKeys: string[], provider: string, r: number, n: number, p: number): Promise<Row> {
  const emulator = sandbox[c.vendor].emulator as VendorEmulator;
  emulator.reset();
  if (c.vendor === "hikconnect") sandbox.hikconnect.emulator.setRateLimit({ limit: 1_000_000 });
  const floors = c.floors(n, p);
  const host = await ProviderHost.start({ cwd: appDir, rpcTimeoutMs: 600_000 });
  const pid = (host as unknown as { child: { pid: number } }).child.pid;
  const type = `pulumi-nodejs:dynamic/${token}`;
  const urn = (i: number) => `urn:pulumi:scale::bench::${type}::o${i}`;
  try {
    await host.configure(config, { secretKeys });
    const objects: Array<{ id: string; inputs: Props; outputs: Props } | undefined> = new Array(n);
    let create: Phase | undefined;
    const seeded = c.seeded !== undefined && c.seedInsteadAbove !== undefined && n > c.seedInsteadAbove;
    if (seeded) {
      c.seeded!(sandbox, r, n, provider).forEach((o, i) => (objects[i] = o));
    } else {
      const inputs = Array.from({ length: n }, (_, i) => ({ ...c.inputs(sandbox, r, i), __provider: provider }));
      create = await measure(emulator, floors.create, async () => {
        let failed = 0;
        await parallel(n, p, async (i) => {
          try {
            const checked = await host.check(urn(i), {}, inputs[i] as PropertyMap);
            if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
            const created = await host.create(urn(i), checked.inputs);
            objects[i] = { id: created.id, inputs: checked.inputs, outputs: created.properties };
          } catch (error) {
            if (failed++ === 0) console.log(`    first create failure: ${String(error).slice(0, 400)}`);
          }
        });
        return failed;
      });
    }
    const live = objects.map((o, i) => ({ o, i })).filter((x): x is { o: NonNullable<typeof x.o>; i: number } => x.o !== undefined);
    const stateBytes = live.length ? live.reduce((s, { o }) => s + Buffer.byteLength(JSON.stringify({ id: o.id, inputs: o.inputs, outputs: o.outputs })), 0) / live.length : 0;
    const refreshFloor = seeded && c.session ? { ...floors.refresh, calls: floors.refresh.calls + 1 } : floors.refresh;
    const refresh = await measure(emulator, refreshFloor, async () => {
      let failed = 0;
      await parallel(live.length, p, async (k) => {
        const { o, i } = live[k]!;
        try {
          const read = await host.read(urn(i), o.id, o.outputs as PropertyMap, o.inputs as PropertyMap);
          if (read.id !== o.id) throw new Error(`read answered id "${read.id}" for ${o.id}`);
          o.outputs = read.properties;
        } catch (error) {
          if (failed++ === 0) console.log(`    first refresh failure: ${String(error).slice(0, 400)}`);
        }
      });
      return failed;
    });
    const destroy = await measure(emulator, floors.destroy, async () => {
      let failed = 0;
      await parallel(live.length, p, async (k) => {
        const { o, i } = live[k]!;
        try {
          await host.delete(urn(i), o.id, o.outputs as PropertyMap, o.inputs as PropertyMap);
        } catch (error) {
          if (failed++ === 0) console.log(`    first delete failure: ${String(error).slice(0, 400)}`);
        }
      });
      return failed;
    });
    return { token, n, p, ...(create ? { create } : {}), seeded, refresh, destroy, stateBytes, memory: memoryOf(pid) };
  } finally {
    await host.stop();
  }
}

const perObject = (calls: number, n: number) => (calls / n).toFixed(calls / n < 0.1 ? 4 : 2);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function phaseCell(ph: Phase | undefined, n: number, cap: number): string {
  if (!ph) return "seeded (not measured)";
  const ratio = ph.floor.calls > 0 ? (ph.calls / ph.floor.calls).toFixed(2) : "–";
  return `${ph.calls} (${perObject(ph.calls, n)}/obj; floor ${ph.floor.calls}, ${ratio}×) · peak ${ph.peak}/${cap} · ${secs(ph.ms)}${ph.failed ? ` · ${ph.failed} FAILED` : ""}`;
}

export async function main(): Promise<void> {
  const ns = list("--n", "BENCH_N", "1000").map(Number);
  const ps = list("--p", "BENCH_P", "8,64").map(Number);
  const only = list("--only", "BENCH_ONLY", Object.keys(CASES).join(","));
  const install = await preparePackedInstall();
  const sandbox = await startSandbox();
  const config: Record<string, string> = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  config["hikconnect:requestsPerSecond"] = "1000";
  const secretKeys = sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
  const rows: Row[] = [];
  let run = 0;
  try {
    console.log(`Scale bench: N = ${ns.join(", ")}, P = ${ps.join(", ")}; one provider host (packed package) per run; caps ${JSON.stringify(CAPS)} (defaults)`);
    console.log(`Hik-Connect: hikconnect:requestsPerSecond = 1000 and the emulator's rate limit lifted (the default is 4/s against the guide's 5/s)\n`);
    for (const token of only) {
      const c = CASES[token];
      if (!c) throw new Error(`no scale case for ${token} (have ${Object.keys(CASES).join(", ")})`);
      const provider = await packedProviderText(install.appDir, token);
      for (const n of ns) {
        for (const p of ps) {
          run++;
          const row = await runOne(token, c, sandbox, install.appDir, config, secretKeys, provider, run, n, p);
          rows.push(row);
          const cap = CAPS[c.vendor];
          console.log(`${token} N=${n} P=${p}`);
          console.log(`  create  ${phaseCell(row.create, n, cap)}`);
          console.log(`  refresh ${phaseCell(row.refresh, n, cap)}`);
          console.log(`  destroy ${phaseCell(row.destroy, n, cap)}`);
          console.log(`  state ${(row.stateBytes / 1024).toFixed(1)} KB per resource; host RSS peak ${row.memory.hwmMb.toFixed(0)} MB (end ${row.memory.rssMb.toFixed(0)} MB)`);
        }
      }
      const f = c.floors(1000, 64);
      console.log(`  floors: create — ${f.create.why}; refresh — ${f.refresh.why}; destroy — ${f.destroy.why}`);
      if (c.note) console.log(`  note: ${c.note}`);
      console.log();
    }
  } finally {
    await sandbox.stop();
    await install.cleanup();
  }
  console.log("| resource | N | P | create: calls/obj (floor) · peak/cap · time | refresh: calls (floor, ×) · peak/cap · time | destroy: calls/obj (floor) · peak/cap · time | state/resource | host RSS peak |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const cap = CAPS[CASES[r.token]!.vendor];
    const cell = (ph: Phase | undefined, total = false) =>
      !ph
        ? "seeded (not measured)"
        : `${total ? ph.calls : perObject(ph.calls, r.n)} (${total ? ph.floor.calls : perObject(ph.floor.calls, r.n)}${total ? `, ${(ph.calls / ph.floor.calls).toFixed(2)}×` : ""}) · ${ph.peak}/${cap} · ${secs(ph.ms)}${ph.failed ? ` · **${ph.failed} failed**` : ""}`;
    console.log(`| ${r.token} | ${r.n} | ${r.p} | ${cell(r.create)} | ${cell(r.refresh, true)} | ${cell(r.destroy)} | ${(r.stateBytes / 1024).toFixed(1)} KB | ${r.memory.hwmMb.toFixed(0)} MB |`);
  }
}
