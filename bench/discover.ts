/**
 * `npm run bench:discover [-- --sizes 2000,10000] [--adopt] [--no-typecheck]`: figures, never
 * assertions. Seeds the sandbox with N subscribers, runs `pulumi-telecom discover` over it and
 * prints per resource kind the objects found, the HTTP calls the emulators logged (and discover
 * counted), the time, and for the program: its size, the time to type-check it against the
 * packed package and, with `--adopt`, the time and vendor writes of adopting everything through
 * Pulumi's real dynamic-provider host (preview + up, as the engine sends them).
 *
 * Subscribers are spread over the vendors that have a seeder below. Until the vendor branches
 * land, only Forpost has one (and a test-only discover): add each vendor's
 * `sandbox/<vendor>/<vendor>-seed.ts` to SEEDERS as it arrives.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox, type RunningSandbox } from "../sandbox";
import type { SandboxVendorName } from "../sandbox/sandbox-vendors";
import { forpostAccountSource, seedForpostAccounts } from "../test/fixtures/discover-forpost-accounts";
import { clearVendorLogs, discoverInto, packedProviderText, pulumiConfigJson, roundTripSources, SANDBOX_VENDOR_NAMES, vendorObjects, vendorRequests } from "../test/harness/discover-round-trip";
import { MiniEngine } from "../test/harness/mini-engine";
import { preparePackedInstall } from "../test/harness/packed-package";
import { runProgramUnderMocks } from "../test/harness/program-under-mocks";
import { ProviderHost } from "../test/harness/provider-host";
import { typecheckProgram } from "../test/harness/typecheck-program";

/** How each vendor's emulator is filled with `count` subscribers whose numbers start with `prefix`. */
const SEEDERS: Partial<Record<SandboxVendorName, (sandbox: RunningSandbox, count: number, prefix: string) => void>> = {
  forpost: (sandbox, count, prefix) => seedForpostAccounts(sandbox.forpost.emulator, count, prefix),
};

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const sizes = (argument("--sizes") ?? "2000,10000").split(",").map(Number);
  const adopt = process.argv.includes("--adopt");
  const typecheck = !process.argv.includes("--no-typecheck");
  const install = await preparePackedInstall();
  const sources = await roundTripSources([forpostAccountSource()]);
  const seeded = SANDBOX_VENDOR_NAMES.filter((v) => SEEDERS[v]);
  console.log(`discover bench: kinds ${sources.map((s) => s.resource.definition.token).join(", ")}; seeded vendors ${seeded.join(", ")}`);
  console.log(`(no seeder yet: ${SANDBOX_VENDOR_NAMES.filter((v) => !SEEDERS[v]).join(", ") || "none"})\n`);
  try {
    for (const size of sizes) {
      const sandbox = await startSandbox({});
      try {
        const perVendor = Math.ceil(size / seeded.length);
        for (const v of seeded) SEEDERS[v]!(sandbox, perVendor, "B-");
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
          importFile: path.join(dir, "import.json"),
          sources,
          providerText: (token) => packedProviderText(dir, token),
        });
        const total = performance.now() - started;
        fs.rmSync(configJson);
        const requests = vendorRequests(sandbox);
        const unchanged = JSON.stringify(vendorObjects(sandbox)) === JSON.stringify(before);
        console.log(`N = ${size} (${perVendor} per seeded vendor): discover ${seconds(total)} in all, vendor objects ${unchanged ? "unchanged" : "CHANGED"}`);
        for (const k of outcome.kinds) {
          const logged = requests[k.vendor as SandboxVendorName]?.length ?? 0;
          console.log(`  ${k.token.padEnd(24)} ${String(k.found).padStart(6)} found  ${String(logged).padStart(5)} calls logged (${k.calls} counted)  ${(k.found / Math.max(1, logged)).toFixed(0).padStart(6)} objects/call  ${seconds(k.ms)}`);
        }
        const program = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
        console.log(`  program: ${outcome.plan!.groups.flatMap((g) => g.resources).length} resources, ${(program.length / 1024).toFixed(0)} KB; import file ${(fs.statSync(path.join(dir, "import.json")).size / 1024).toFixed(0)} KB`);
        if (typecheck) {
          const t = performance.now();
          const report = await typecheckProgram(dir, ["index.ts"]);
          console.log(`  type-check against the packed package: ${seconds(performance.now() - t)}, ${report === "" ? "clean" : `ERRORS:\n${report.slice(0, 2000)}`}`);
        }
        if (adopt) await adoptAll(sandbox, dir, outcome.plan!.placeholders.length);
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
async function adoptAll(sandbox: RunningSandbox, dir: string, placeholders: number): Promise<void> {
  if (placeholders > 0) {
    console.log(`  adopt: skipped (${placeholders} placeholder values would need setting)`);
    return;
  }
  const config = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  const secretConfigKeys = sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
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
    const requests = vendorRequests(sandbox);
    const calls = Object.entries(requests).filter(([, r]) => r.length > 0).map(([v, r]) => `${v} ${r.length}`).join(", ");
    console.log(
      `  adopt (preview ${seconds(previewMs)}, up ${seconds(upMs)}): ${up.filter((s) => s.op === "create" && !s.error).length} adopted, ${failed.length} failed; ` +
        `vendor objects ${JSON.stringify(vendorObjects(sandbox)) === JSON.stringify(before) ? "unchanged (0 writes)" : "CHANGED"}; reads: ${calls}`,
    );
  } finally {
    await host.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
