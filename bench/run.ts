/**
 * `npm run bench`: figures, not assertions. ForpostAccount's check/diff cost, its CRUD latency and
 * HTTP calls per operation against the sandbox (in-process), and a Check round trip through
 * Pulumi's real dynamic-provider host with the packed package.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { setStackConfig } from "../provider/core/config";
import { forpostAccount } from "../provider/forpost/account";
import { startSandbox } from "../sandbox";
import { ACME_INPUTS } from "../test/fixtures/forpost-acme";
import { preparePackedInstall, REPO_ROOT } from "../test/harness/packed-package";
import { runProgramUnderMocks } from "../test/harness/program-under-mocks";
import { ProviderHost } from "../test/harness/provider-host";

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, n=${samples.length}`;
}

async function timed<T>(samples: number[], f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await f();
  samples.push(performance.now() - t);
  return r;
}

async function main(): Promise<void> {
  // 1. check + diff, in-process
  const n = 20_000;
  let t = performance.now();
  for (let i = 0; i < n; i++) await forpostAccount.check({}, { ...ACME_INPUTS, maxCameraCount: i });
  const checkUs = ((performance.now() - t) * 1000) / n;
  const outs = { ...ACME_INPUTS, accountId: 1 };
  t = performance.now();
  for (let i = 0; i < n; i++) await forpostAccount.diff("1", outs, { ...ACME_INPUTS, maxCameraCount: i });
  const diffUs = ((performance.now() - t) * 1000) / n;
  console.log(`check: ${checkUs.toFixed(1)} µs/call   diff: ${diffUs.toFixed(1)} µs/call   (${n} calls each)`);

  // 2. CRUD against the Forpost emulator, in-process
  const sandbox = await startSandbox();
  const config = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  setStackConfig({ get: (k) => config[k] });
  const log = sandbox.forpost.emulator.log;
  const samples: Record<string, number[]> = { create: [], read: [], update: [], delete: [] };
  const calls: Record<string, number> = { create: 0, read: 0, update: 0, delete: 0 };
  const count = async (op: string, f: () => Promise<unknown>) => {
    log.clear();
    await timed(samples[op]!, f);
    calls[op] = log.entries().length;
  };
  for (let i = 0; i < 50; i++) {
    const inputs = { ...ACME_INPUTS, contractNumber: `BENCH-${i}` };
    let created: { id: string; outs: Record<string, unknown> } | undefined;
    await count("create", async () => (created = await forpostAccount.create(inputs)));
    await count("read", () => forpostAccount.read(created!.id, created!.outs));
    await count("update", () => forpostAccount.update(created!.id, created!.outs, { ...inputs, maxCameraCount: 16 }));
    await count("delete", () => forpostAccount.delete(created!.id, created!.outs));
  }
  for (const op of Object.keys(samples)) console.log(`${op.padEnd(7)} ${stats(samples[op]!)}, ${calls[op]} HTTP calls`);

  // 3. Check through the real dynamic-provider host (packed package)
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
      console.log(`host Check round trip: ${stats(rpc.slice(20))} (first call, incl. loading the provider: ${rpc[0]!.toFixed(1)} ms)`);
      console.log(`__provider: ${reg!.providerSize} bytes`);
    } finally {
      await host.stop();
    }
  } finally {
    await install.cleanup();
    await sandbox.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
