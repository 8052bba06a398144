/**
 * The fault suite (issue 13 §5): every resource of the registry through the packed package and
 * Pulumi's real dynamic-provider host, against the sandbox with a seeded 25 % of all vendor
 * requests faulted — lost answers after the emulator applied the request, connections reset before
 * it, refused connections (a restart: the listener closed), 5xx without and with Retry-After,
 * answers after the client's timeout (then applied), malformed answers, and lost sessions/tokens
 * (billing SUID, Hik-Connect token). The engine's retry is the operator's: after a failed
 * `pulumi up` / `pulumi refresh`, run it again, with the state the failed run left (pending
 * placeholders, partial creates kept by init errors). After every round, and at the end with
 * faults off (one clean up, refresh, preview, destroy), it counts from the emulators' own state:
 * duplicates, leaked objects, touched neighbours, secrets in state/errors/stderr, stuck steps and
 * unclear errors. All must be 0; the figures are printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { exportName, resources } from "../../provider/registry";
import { secretInputKeys } from "../../provider/core/resource";
import { startSandbox, type Fault, type RunningSandbox, type VendorEmulator } from "../../sandbox";
import { MiniEngine, type ResourceDescriptor, type Step } from "../harness/mini-engine";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { ProviderHost } from "../harness/provider-host";
import { auditObjects, neighbourRecords, secretsIn, snapshot, touchedNeighbours, unclear } from "./fault-audit";
import { faultCases, RESOURCE_SECRETS, type FaultCase } from "./fault-cases";
import { TcpProxy } from "./tcp-proxy";

/** FAULT_SEED=<n> plays another seeded run (a soak: `for s in 1 2 3; do FAULT_SEED=$s npx vitest run test/fault; done`). */
const SEED = Number(process.env.FAULT_SEED ?? 20_260_613);
const FAULT_RATE = 0.25;
/**
 * Objects per resource. A stack's steps run one at a time, so the wall time grows with N: 6 objects
 * and twelve rounds keep the suite above 1,000 operations in about 3 minutes on a loaded 2-core machine.
 */
const N = 6;
/** `pulumi up` runs an operator makes for one round before calling the stack stuck. */
const MAX_RUNS = 15;
const VENDORS = ["forpost", "stalker", "vsaas", "hikconnect", "billing"] as const;
type VendorName = (typeof VENDORS)[number];

/** Small seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type FaultKindName = "lost answer (applied)" | "reset before" | "refused (restart)" | "5xx" | "503 + Retry-After" | "late answer (applied)" | "malformed (applied)" | "session/token lost";
const KIND_WEIGHTS: Array<[FaultKindName, number]> = [
  ["lost answer (applied)", 3],
  ["reset before", 1],
  ["refused (restart)", 1],
  ["5xx", 2],
  ["503 + Retry-After", 1],
  ["late answer (applied)", 1],
  ["malformed (applied)", 1],
  ["session/token lost", 1],
];
/** The client's timeout in the suite (s), and how late a late answer is. */
const TIMEOUT_S = 1;
const LATE_MS = 1_300;
/** How long a refused-connections window lasts (a restart): long enough for the first retry to meet it. */
const REFUSAL_MS = 400;

interface Stack {
  c: FaultCase;
  engine: MiniEngine;
  /** Declared inputs per object (undefined: not declared). */
  declared: Array<Record<string, unknown> | undefined>;
  /** Objects re-declared after a removal: adopt what a retained delete left (Hik-Connect areas). */
  adopt: Set<number>;
}

const figures = {
  operations: { create: 0, update: 0, replace: 0, delete: 0, refresh: 0 },
  runs: 0,
  failedRuns: 0,
  maxRunsForOneRound: 1,
  faults: Object.fromEntries(KIND_WEIGHTS.map(([k]) => [k, 0])) as Record<FaultKindName, number>,
  requests: 0,
  refusalWindows: 0,
  pendingPlaceholders: 0,
  initErrors: 0,
  duplicates: [] as string[],
  leaked: [] as string[],
  retainedAreas: 0,
  neighboursTouched: [] as string[],
  secretsLeaked: [] as string[],
  stuck: [] as string[],
  unclearErrors: new Map<string, string>(),
  errorMessages: new Set<string>(),
};

let sandbox: RunningSandbox;
let host: ProviderHost;
let stacks: Stack[];
const proxies = new Map<VendorName, TcpProxy>();
let initial: ReturnType<typeof snapshot>;
let neighbours: Map<string, string>;
let credentials: string[];
let faultsOn = false;
const retainedAreaNames = new Set<string>();

function emulatorOf(v: VendorName): VendorEmulator {
  return sandbox[v].emulator as VendorEmulator;
}

function chooserFor(v: VendorName, random: () => number) {
  const kinds = KIND_WEIGHTS.filter(([k]) => k !== "session/token lost" || v === "billing" || v === "hikconnect");
  const total = kinds.reduce((sum, [, w]) => sum + w, 0);
  return (): Fault | undefined => {
    if (!faultsOn) return undefined;
    figures.requests += 1;
    if (random() >= FAULT_RATE) return undefined;
    let pick = random() * total;
    const [kind] = kinds.find(([, w]) => (pick -= w) < 0) ?? kinds[0]!;
    figures.faults[kind] += 1;
    switch (kind) {
      case "lost answer (applied)":
        return { drop: "after" };
      case "reset before":
        return { drop: "before" };
      case "refused (restart)":
        setImmediate(() => proxies.get(v)?.refuseFor(REFUSAL_MS));
        return { drop: "before" };
      case "5xx":
        return { status: random() < 0.5 ? 500 : 502, body: "<html><body>Bad Gateway</body></html>" };
      case "503 + Retry-After":
        return { status: 503, headers: { "Retry-After": "1" }, body: "Service Unavailable" };
      case "late answer (applied)":
        return { latencyMs: LATE_MS };
      case "malformed (applied)":
        return { malformed: true };
      case "session/token lost":
        if (v === "billing") sandbox.billing.emulator.expireSessions();
        else sandbox.hikconnect.emulator.revokeTokens(random() < 0.5 ? "OPEN000006" : "OPEN000007");
        return undefined;
    }
  };
}

const descriptor = (stack: Stack, i: number, provider: Map<string, string>): ResourceDescriptor => {
  const token = stack.c.token;
  const secrets = secretKeysByToken.get(token)!;
  return {
    type: `pulumi-nodejs:dynamic/${token}`,
    name: `${token.replace(":", "-")}-${i}`,
    inputs: { ...stack.declared[i]!, ...(stack.adopt.has(i) ? { __adopt: true } : {}), __provider: provider.get(token)! },
    secretInputKeys: secrets,
    additionalSecretOutputs: secrets,
  };
};

let providers: Map<string, string>;
const secretKeysByToken = new Map<string, string[]>();
const descriptors = (stack: Stack) =>
  stack.declared.flatMap((inputs, i) => (inputs === undefined ? [] : [descriptor(stack, i, providers)]));

function noteSteps(steps: Step[]): void {
  for (const step of steps) {
    if (step.initFailed) {
      figures.initErrors += 1;
      if (step.initFailed.id.startsWith("pending:")) figures.pendingPlaceholders += 1;
    }
    if (step.error !== undefined) {
      figures.errorMessages.add(step.error);
      const why = unclear(step.error);
      if (why) figures.unclearErrors.set(step.error, why);
    }
    if (step.op === "check-failed") figures.unclearErrors.set(JSON.stringify(step.failures), "check failed");
  }
}

/** The operator's loop: `pulumi up` (or refresh) again until it succeeds. Returns the runs needed. */
async function converge(stack: Stack, what: "up" | "refresh"): Promise<number> {
  for (let run = 1; run <= MAX_RUNS; run++) {
    figures.runs += 1;
    const steps = what === "up" ? await stack.engine.up(descriptors(stack)) : await stack.engine.refresh();
    noteSteps(steps);
    const failed = steps.some((s) => s.error !== undefined || s.op === "check-failed" || s.op === "read-failed");
    if (!failed) {
      figures.maxRunsForOneRound = Math.max(figures.maxRunsForOneRound, run);
      return run;
    }
    figures.failedRuns += 1;
  }
  figures.stuck.push(`${stack.c.token}: ${what} did not succeed in ${MAX_RUNS} runs with faults on`);
  return MAX_RUNS;
}

/**
 * Declared outputs of every stack, by token. A pending placeholder (a create that could not learn
 * its outcome) holds its declared inputs, so its natural key: the object behind it is reachable
 * from the state — the next `pulumi up`/`refresh`/`destroy` resolves it by that key — and is not
 * leaked. The final clean up must leave no placeholder at all (counted as stuck otherwise), and
 * after destroy nothing may remain, so no leak can hide behind one.
 */
function declaredOutputs(): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const stack of stacks) {
    const list = Object.values(stack.engine.state()).map((r) => r.outputs as Record<string, unknown>);
    out.set(stack.c.token, [...(out.get(stack.c.token) ?? []), ...list]);
  }
  return out;
}

function audit(label: string): void {
  const now = snapshot(sandbox);
  const objects = auditObjects(initial, now, declaredOutputs(), retainedAreaNames);
  figures.duplicates.push(...objects.duplicates.map((d) => `${label}: ${d}`));
  figures.leaked.push(...objects.leaked.map((d) => `${label}: ${d}`));
  figures.retainedAreas = objects.retained;
  figures.neighboursTouched.push(...touchedNeighbours(neighbours, now).map((d) => `${label}: ${d}`));
  const secrets = [...credentials, ...RESOURCE_SECRETS];
  for (const stack of stacks) {
    figures.secretsLeaked.push(...secretsIn(stack.engine.stateJson(), secrets).map(() => `${label}: ${stack.c.token} state`));
  }
}

/** One round: every stack changes its declarations, then converges (all stacks at once). */
async function round(label: string, change: (stack: Stack, i: number) => void, what: "up" | "refresh" = "up"): Promise<void> {
  for (const stack of stacks) for (let i = 0; i < N; i++) change(stack, i);
  await Promise.all(stacks.map((stack) => converge(stack, what)));
  audit(label);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const { cases } = faultCases(sandbox, N);
  for (const entry of resources) {
    const mod = (await import(`../../provider/${entry.module}`)) as Record<string, { definition: Parameters<typeof secretInputKeys>[0] }>;
    secretKeysByToken.set(entry.token, secretInputKeys(mod[exportName(entry)]!.definition));
  }
  expect(cases.map((c) => c.token).sort()).toEqual(resources.map((r) => r.token).sort());
  initial = snapshot(sandbox);
  neighbours = neighbourRecords(initial);
  credentials = [
    sandbox.forpost.adminPassword,
    sandbox.stalker.password,
    sandbox.vsaas.password,
    sandbox.vsaas.watcherApiKey,
    sandbox.hikconnect.secretKey,
    sandbox.billing.password,
  ].map(String);
  // Latency, not pacing: the limit is lifted on both sides (test/host/hikconnect-shared-rate-limit covers it).
  sandbox.hikconnect.emulator.setRateLimit({ limit: 1_000_000 });

  const config: Record<string, string> = {};
  for (const e of sandbox.pulumiConfig) config[e.key] = e.value;
  for (const v of VENDORS) {
    const proxy = await TcpProxy.start(config[`${v}:url`]!);
    proxies.set(v, proxy);
    config[`${v}:url`] = proxy.rewrite(config[`${v}:url`]!);
    config[`${v}:timeoutSeconds`] = String(TIMEOUT_S);
  }
  config["vsaas:watcherUrl"] = config["vsaas:url"]!;
  config["hikconnect:requestsPerSecond"] = "1000";
  const secretKeys = sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key);

  // A program under mocks registers one of each class: the `__provider` text the SDK gives each token.
  const programDir = path.join(inject("packedAppDir"), "fault-suite");
  fs.mkdirSync(programDir, { recursive: true });
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), "name: fault-suite\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  fs.writeFileSync(
    path.join(programDir, "index.ts"),
    `import * as telecom from "pulumi-telecom";\n` +
      cases.map((c) => `new (telecom as any).${c.className}("${c.className}", {});\n`).join(""),
  );
  const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: secretKeys });
  providers = new Map(run.registrations.map((r) => [r.type.replace("pulumi-nodejs:dynamic/", ""), r.provider!]));

  host = await ProviderHost.start({ cwd: programDir });
  stacks = cases.map((c) => ({
    c,
    engine: new MiniEngine(host, { config, secretConfigKeys: secretKeys, stack: c.token.replace(":", "-") }),
    declared: Array.from({ length: N }, () => undefined),
    adopt: new Set<number>(),
  }));
  VENDORS.forEach((v, n) => emulatorOf(v).faults.setChooser(chooserFor(v, prng(SEED + n))));
}, 180_000);

afterAll(async () => {
  for (const v of VENDORS) emulatorOf(v)?.faults.setChooser(undefined);
  await host?.stop();
  await Promise.all([...proxies.values()].map((p) => p.stop()));
  await sandbox?.stop();
});

describe("the fault suite: every resource, 25 % of requests faulted, the operator re-running pulumi up", () => {
  it("converges with 0 duplicates, leaks, touched neighbours, leaked secrets, stuck steps and unclear errors", async () => {
    const t0 = Date.now();
    const base = (stack: Stack, i: number) => stack.c.inputs(i);
    const set = (stack: Stack, i: number, inputs: Record<string, unknown> | undefined, op: keyof typeof figures.operations) => {
      stack.declared[i] = inputs;
      figures.operations[op] += 1;
    };
    faultsOn = true;

    await round("1 create", (st, i) => set(st, i, base(st, i), "create"));
    await round("2 refresh", () => figures.operations.refresh++, "refresh");
    await round("3 update", (st, i) => set(st, i, st.c.update(base(st, i), i), "update"));
    // A replacement where the schema has one; otherwise back to the base inputs (an update).
    await round("4 replace", (st, i) => (st.c.replace ? set(st, i, st.c.replace(base(st, i), i), "replace") : set(st, i, base(st, i), "update")));
    await round("5 refresh", () => figures.operations.refresh++, "refresh");
    await round("6 delete two", (st, i) => {
      if (i >= 2) return;
      if (st.c.token === "hikconnect:Area") retainedAreaNames.add(String(st.declared[i]!["name"]));
      set(st, i, undefined, "delete");
    });
    await round("7 re-create, back to base", (st, i) => {
      if (i < 2 && st.c.token === "hikconnect:Area") st.adopt.add(i);
      set(st, i, base(st, i), i < 2 ? "create" : st.c.replace ? "replace" : "update");
    });
    await round("8 refresh", () => figures.operations.refresh++, "refresh");
    await round("9 update", (st, i) => set(st, i, st.c.update(base(st, i), i), "update"));
    await round("10 back to base", (st, i) => set(st, i, base(st, i), "update"));
    await round("11 refresh", () => figures.operations.refresh++, "refresh");
    await round("12 refresh", () => figures.operations.refresh++, "refresh");
    const faultedSeconds = (Date.now() - t0) / 1000;

    // Faults off: one clean up must bring every stack to the declared state; refresh then sees no
    // drift, a preview plans nothing, and destroy removes everything.
    faultsOn = false;
    for (const stack of stacks) {
      const steps = await stack.engine.up(descriptors(stack));
      noteSteps(steps);
      for (const s of steps) if (s.error !== undefined || s.op === "check-failed") figures.stuck.push(`${s.urn}: clean up failed: ${s.error ?? "check"}`);
      const refreshed = await stack.engine.refresh();
      noteSteps(refreshed);
      for (const s of refreshed) if (s.op !== "refresh" || s.changed) figures.stuck.push(`${s.urn}: clean refresh ${s.op}${s.changed ? " (drift)" : ""}`);
      const planned = await stack.engine.preview(descriptors(stack));
      for (const s of planned) if (s.op !== "same") figures.stuck.push(`${s.urn}: a preview after the clean up plans ${s.op}`);
      const ids = Object.values(stack.engine.state()).map((r) => r.id);
      if (ids.length !== N || ids.some((id) => id.startsWith("pending:"))) figures.stuck.push(`${stack.c.token}: state holds ${ids.join(", ")}`);
    }
    audit("clean up");
    for (const stack of stacks) {
      if (stack.c.token === "hikconnect:Area") for (const d of stack.declared) retainedAreaNames.add(String(d!["name"]));
      const steps = await stack.engine.destroy();
      noteSteps(steps);
      for (const s of steps) if (s.error !== undefined) figures.stuck.push(`${s.urn}: clean destroy failed: ${s.error}`);
    }
    audit("destroy");
    figures.secretsLeaked.push(...secretsIn([...figures.errorMessages].join("\n"), [...credentials, ...RESOURCE_SECRETS]).map(() => "error messages"));
    figures.secretsLeaked.push(...secretsIn(host.stderr, [...credentials, ...RESOURCE_SECRETS]).map(() => "provider stderr"));
    figures.refusalWindows = [...proxies.values()].reduce((sum, p) => sum + p.windows, 0);

    const ops = Object.values(figures.operations).reduce((a, b) => a + b, 0);
    const injected = Object.values(figures.faults).reduce((a, b) => a + b, 0);
    const table: Array<[string, string | number]> = [
      ["resources (stacks) × objects", `${stacks.length} × ${N}`],
      ["operations (create/update/replace/delete/refresh)", `${ops} (${Object.entries(figures.operations).map(([k, v]) => `${k} ${v}`).join(", ")}) + clean up, refresh, destroy`],
      ["vendor requests with faults on", figures.requests],
      ["faults injected", `${injected} (${((100 * injected) / Math.max(1, figures.requests)).toFixed(1)} %)`],
      ...KIND_WEIGHTS.map(([k]): [string, number] => [`  ${k}`, figures.faults[k]]),
      ["  refusal windows opened (connections cut and refused)", figures.refusalWindows],
      ["pulumi up/refresh runs (of which failed: retries needed)", `${figures.runs} (${figures.failedRuns})`],
      ["most runs one stack needed for one round", figures.maxRunsForOneRound],
      ["init errors kept in state (of which pending placeholders)", `${figures.initErrors} (${figures.pendingPlaceholders})`],
      ["distinct error messages seen", figures.errorMessages.size],
      ["Hik-Connect areas retained by design (API cannot delete)", figures.retainedAreas],
      ["duplicates", figures.duplicates.length],
      ["leaked objects", figures.leaked.length],
      ["neighbours touched", figures.neighboursTouched.length],
      ["secrets in state/errors/stderr", figures.secretsLeaked.length],
      ["stuck steps", figures.stuck.length],
      ["unclear errors", figures.unclearErrors.size],
      ["wall time with faults on (s)", faultedSeconds.toFixed(0)],
    ];
    console.log(`\nfault suite, seed ${SEED}, fault rate ${FAULT_RATE * 100} %\n${table.map(([k, v]) => `  ${k.padEnd(58)} ${v}`).join("\n")}`);
    const problems = {
      duplicates: figures.duplicates,
      leaked: figures.leaked,
      neighboursTouched: figures.neighboursTouched,
      secretsLeaked: figures.secretsLeaked,
      stuck: figures.stuck,
      unclearErrors: [...figures.unclearErrors].map(([m, why]) => `${why}: ${m}`),
    };
    if (Object.values(problems).some((p) => p.length > 0)) console.log(JSON.stringify(problems, null, 2));
    if (process.env["FAULT_SUITE_ERRORS"]) fs.writeFileSync(process.env["FAULT_SUITE_ERRORS"], [...figures.errorMessages].join("\n----\n"));

    expect(ops).toBeGreaterThanOrEqual(1_000);
    expect(problems).toEqual({ duplicates: [], leaked: [], neighboursTouched: [], secretsLeaked: [], stuck: [], unclearErrors: [] });
  }, 600_000);
});
