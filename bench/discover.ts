/**
 * `npm run bench:discover [-- --sizes 2000,10000] [--adopt] [--adopt-cli] [--no-typecheck] [--no-import-file]`: figures, never
 * assertions. Seeds the sandbox with N subscribers, runs `pulumi-telecom discover` over it and
 * prints per resource kind the objects found, the HTTP calls the emulators logged (and discover
 * counted), the time, and for the program: its size, the time to type-check it against the
 * packed package and, with `--adopt`, the time and vendor writes of adopting everything through
 * Pulumi's real dynamic-provider host (preview + up, as the engine sends them), one step at a
 * time; with `--adopt-cli`, through the real Pulumi CLI (`pulumi up --parallel 64`, then `pulumi
 * preview --expect-no-changes`): what an operator runs, and the engine's own parallelism.
 *
 * N subscribers are seeded in EACH of the five systems (test/harness/discover-round-trip.ts
 * SEEDERS, the vendors' own `sandbox/<vendor>/<vendor>-seed.ts`); every registry resource with
 * `discover` is read (all of them, through their real discover).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox, type RunningSandbox } from "../sandbox";
import type { SandboxVendorName } from "../sandbox/sandbox-vendors";
import { clearVendorLogs, discoverInto, packedProviderTexts, placeholderConfig, pulumiConfigJson, roundTripSources, SANDBOX_VENDOR_NAMES, seed, vendorObjects, vendorRequestCounts } from "../test/harness/discover-round-trip";
import { MiniEngine } from "../test/harness/mini-engine";
import { preparePackedInstall } from "../test/harness/packed-package";
import { findPulumiCli, missingCliMessage } from "../test/harness/pulumi-cli";
import { PulumiStack } from "../test/harness/pulumi-stack";
import { runProgramUnderMocks } from "../test/harness/program-under-mocks";
import { ProviderHost } from "../test/harness/provider-host";
import { typecheckProgram } from "../test/harness/typecheck-program";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const sizes = (argument("--sizes") ?? "2000,10000").split(",").map(Number);
  const adopt = process.argv.includes("--adopt");
  const adoptCli = process.argv.includes("--adopt-cli");
  const typecheck = !process.argv.includes("--no-typecheck");
  const withImportFile = !process.argv.includes("--no-import-file");
  const install = await preparePackedInstall();
  const sources = await roundTripSources();
  console.log(`discover bench: kinds ${sources.map((s) => s.resource.definition.token).join(", ")}; N subscribers seeded in each of ${SANDBOX_VENDOR_NAMES.join(", ")}\n`);
  try {
    for (const size of sizes) {
      const sandbox = await startSandbox({});
      try {
        let t = performance.now();
        seed(sandbox, size);
        const seedMs = performance.now() - t;
        const dir = path.join(install.appDir, `bench-discover-${size}`);
        fs.mkdirSync(dir, { recursive: true });
        const configJson = path.join(os.tmpdir(), `bench-discover-${process.pid}.json`);
        fs.writeFileSync(configJson, pulumiConfigJson(sandbox), { mode: 0o600 });
        clearVendorLogs(sandbox);
        const before = vendorObjects(sandbox);
        const started = performance.now();
        const outcome = await discoverInto({
          out: dir,
          project: "bench",
          configJson,
          // At 10,000 subscribers the file would pass 900 MB (each resource carries `__provider` twice): more than one JSON string can hold.
          ...(withImportFile ? { importFile: path.join(dir, "import.json") } : {}),
          sources,
          providerText: packedProviderTexts(dir),
        });
        const total = performance.now() - started;
        fs.rmSync(configJson);
        const requests = vendorRequestCounts(sandbox);
        const unchanged = JSON.stringify(vendorObjects(sandbox)) === JSON.stringify(before);
        console.log(`N = ${size} subscribers in each of the five systems (seeded in ${seconds(seedMs)}): discover ${seconds(total)} in all, vendor objects ${unchanged ? "unchanged" : "CHANGED"}`);
        console.log(`  ${"kind".padEnd(28)} ${"found".padStart(6)} ${"calls".padStart(6)} ${"obj/call".padStart(8)}  time`);
        for (const k of outcome.kinds) {
          console.log(`  ${k.token.padEnd(28)} ${String(k.found).padStart(6)} ${String(k.calls).padStart(6)} ${(k.found / Math.max(1, k.calls)).toFixed(0).padStart(8)}  ${seconds(k.ms)}`);
        }
        for (const v of SANDBOX_VENDOR_NAMES) {
          const byRoute = requests[v];
          const logged = [...byRoute.values()].reduce((a, b) => a + b, 0);
          const found = outcome.kinds.filter((k) => k.vendor === v).reduce((n, k) => n + k.found, 0);
          console.log(`  ${v.padEnd(10)} ${String(found).padStart(6)} objects, ${String(logged).padStart(5)} requests logged: ${[...byRoute].map(([r, n]) => `${r} ×${n}`).join(", ")}`);
        }
        const programFiles = fs.readdirSync(dir).filter((f) => f === "index.ts" || /^subscribers-\d+\.ts$/.test(f));
        const program = { length: programFiles.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) };
        const importSize = withImportFile ? `; import file ${(fs.statSync(path.join(dir, "import.json")).size / 1024).toFixed(0)} KB` : "";
        console.log(`  program: ${outcome.plan!.groups.flatMap((g) => g.resources).length} resources, ${(program.length / 1024).toFixed(0)} KB in ${programFiles.length} file(s)${importSize}`);
        if (typecheck) {
          t = performance.now();
          const report = await typecheckProgram(dir, ["index.ts"]);
          console.log(`  type-check against the packed package: ${seconds(performance.now() - t)}, ${report === "" ? "clean" : `ERRORS:\n${report.slice(0, 2000)}`}`);
        }
        for (const k of outcome.kinds.filter((k) => k.error)) console.log(`  ${k.token}: ERROR ${k.error}`);
        if (adopt) await adoptAll(sandbox, dir, outcome.plan!.placeholders);
        if (adoptCli) await adoptThroughCli(sandbox, dir, outcome.plan!.placeholders);
      } finally {
        await sandbox.stop();
      }
      console.log();
    }
  } finally {
    await install.cleanup();
  }
}

/** Preview + up of the generated program through the real provider host; counts what reached the vendors. */
async function adoptAll(sandbox: RunningSandbox, dir: string, placeholders: ReadonlyArray<{ configKey: string; secret: boolean }>): Promise<void> {
  const config = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  const secretConfigKeys = sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
  // Values the vendors never return (passwords, verification codes): an operator sets them; the
  // bench sets made-up ones (adoption takes write-only values as declared, unchecked).
  const made = placeholderConfig("bench", placeholders);
  Object.assign(config, made.config);
  secretConfigKeys.push(...made.secretKeys);
  if (placeholders.length > 0) console.log(`  adopt: ${placeholders.length} placeholder config values set to made-up test-only values`);
  let t = performance.now();
  const { registrations } = await runProgramUnderMocks({ programFile: "index.ts", cwd: dir, config, secretConfigKeys, importedIds: true, project: "bench", timeoutMs: 600_000 });
  console.log(`  program run under mocks: ${registrations.length} registrations, ${seconds(performance.now() - t)}`);
  const host = await ProviderHost.start({ cwd: dir });
  try {
    const engine = new MiniEngine(host, { config, secretConfigKeys, project: "bench" });
    const before = vendorObjects(sandbox);
    clearVendorLogs(sandbox);
    t = performance.now();
    const preview = await engine.preview(registrations);
    const previewMs = performance.now() - t;
    t = performance.now();
    const up = await engine.up(registrations);
    const upMs = performance.now() - t;
    const failed = [...preview, ...up].filter((s) => s.error || s.op === "check-failed");
    const calls = count(vendorRequestCounts(sandbox));
    console.log(
      `  adopt (preview ${seconds(previewMs)}, up ${seconds(upMs)}): ${up.filter((s) => s.op === "create" && !s.error).length} adopted, ${failed.length} failed; ` +
        `vendor objects ${JSON.stringify(vendorObjects(sandbox)) === JSON.stringify(before) ? "unchanged (0 writes)" : "CHANGED"}; reads: ${calls}`,
    );
    for (const f of failed.slice(0, 5)) console.log(`    failed: ${f.op} ${f.urn} ${f.error ?? JSON.stringify(f.failures)}`.slice(0, 1500));
  } finally {
    await host.stop();
  }
}

/**
 * `pulumi up` of the generated program through the real CLI (file backend, the program inline),
 * then `pulumi preview --expect-no-changes`; counts what reached the vendors. The placeholders'
 * made-up values go in with one `config set-all` per 500 keys (on the command line: they are
 * test-only strings, not secrets anyone has).
 */
async function adoptThroughCli(sandbox: RunningSandbox, dir: string, placeholders: ReadonlyArray<{ configKey: string; secret: boolean }>): Promise<void> {
  const cli = findPulumiCli();
  if (!cli) throw new Error(missingCliMessage());
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench\nruntime: nodejs\n");
  const parallel = Number(argument("--parallel") ?? 64);
  // PULUMI_SKIP_CHECKPOINTS: the engine writes the whole state after every step, which grows with the
  // square of the resources (see the scale guide); `--checkpoints` keeps them, as the CLI's default.
  const env: Record<string, string> = process.argv.includes("--checkpoints") ? {} : { PULUMI_SKIP_CHECKPOINTS: "true" };
  // The program's Node process needs more than its default heap (~4 GB) for tens of thousands of
  // resources: at 35,583 it ran out after 7 minutes. Pulumi.yaml's `runtime.options.nodeargs` does
  // the same for a program the CLI runs (see the scale guide).
  // `--node-options "--stack-trace-limit=0"` and the like: more of the program's Node.js options.
  env["NODE_OPTIONS"] = `--max-old-space-size=${argument("--heap-mb") ?? 12_288} ${argument("--node-options") ?? ""}`.trim();
  const stack = await PulumiStack.create({ cli, programDir: dir, timeoutMs: 4 * 3600_000, env, keepEvents: false });
  try {
    await stack.setConfig(sandbox.pulumiConfig);
    const made = Object.entries(placeholderConfig("bench", placeholders).config);
    for (let i = 0; i < made.length; i += 500) {
      const batch = made.slice(i, i + 500);
      const run = await stack.run(["config", "set-all", ...batch.flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), "--stack", stack.stack]);
      if (run.exitCode !== 0) throw new Error(`pulumi config set-all failed:\n${run.stderr}`);
    }
    if (made.length > 0) console.log(`  adopt through the CLI (${cli.version}): ${made.length} placeholder config values set to made-up test-only values`);
    const before = vendorObjects(sandbox);
    clearVendorLogs(sandbox);
    let t = performance.now();
    const up = await stack.up(["--parallel", String(parallel), "--skip-preview", "--suppress-progress"]);
    const upMs = performance.now() - t;
    const upReads = vendorRequestCounts(sandbox);
    clearVendorLogs(sandbox);
    t = performance.now();
    const preview = await stack.preview(["--expect-no-changes", "--parallel", String(parallel)]);
    const previewMs = performance.now() - t;
    const previewReads = vendorRequestCounts(sandbox);
    const created = up.steps.filter((s) => s.op === "create" && s.status === "done").length;
    console.log(
      `  pulumi up --parallel ${parallel}: exit ${up.exitCode}, ${seconds(upMs)}, ${created} adopted; vendor objects ` +
        `${JSON.stringify(vendorObjects(sandbox)) === JSON.stringify(before) ? "unchanged (0 writes)" : "CHANGED"}; reads: ${count(upReads)}`,
    );
    // `--json` lists only the steps that change something; the sames are counted in changeSummary.
    const shown = preview.digest ? `change summary ${JSON.stringify(preview.digest.changeSummary ?? {})}, ${preview.steps.length} step(s) listed` : `no --json digest (${preview.stdout.length} bytes on stdout)`;
    console.log(`  pulumi preview --expect-no-changes: exit ${preview.exitCode}, ${seconds(previewMs)}, ${shown}; reads: ${count(previewReads)}`);
    if (up.exitCode !== 0) console.log(`  up stderr: ${up.stderr.slice(0, 3000)}`);
    if (preview.exitCode !== 0) console.log(`  preview stderr: ${preview.stderr.slice(0, 3000)}\n${preview.stdout.slice(-3000)}`);
  } finally {
    await fs.promises.rm(stack.root, { recursive: true, force: true });
  }
}

/** "forpost 12001 (GetAccounts ×1, …), stalker …": requests per vendor that had any, by route. */
function count(requests: Record<string, Map<string, number>>): string {
  return Object.entries(requests)
    .map(([vendor, byRoute]) => [vendor, [...byRoute.values()].reduce((a, b) => a + b, 0), byRoute] as const)
    .filter(([, n]) => n > 0)
    .map(([vendor, n, byRoute]) => `${vendor} ${n} (${[...byRoute].map(([r, k]) => `${r} ×${k}`).join(", ")})`)
    .join(", ");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
