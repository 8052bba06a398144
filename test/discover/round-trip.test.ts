import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ImportFile } from "../../cli/discover/import-file";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { forpostAccountSource, seedForpostAccounts } from "../fixtures/discover-forpost-accounts";
import {
  clearVendorLogs,
  discoverInto,
  packedProviderText,
  pulumiConfigJson,
  roundTripSources,
  vendorObjects,
  vendorRequests,
} from "../harness/discover-round-trip";
import { MiniEngine, type ResourceState } from "../harness/mini-engine";
import { runProgramUnderMocks, type Registration } from "../harness/program-under-mocks";
import { ProviderHost } from "../harness/provider-host";
import { typecheckProgram } from "../harness/typecheck-program";

/**
 * The round trip of issue 12: existing subscribers → `pulumi-telecom discover` → `pulumi up` adopts
 * every object with zero vendor writes → `pulumi preview` shows no changes → an edit in the program
 * updates in place → `pulumi destroy` deletes only what was adopted. Through the packed package
 * and Pulumi's real dynamic-provider host, for every resource that has `discover` (today only a
 * test-only ForpostAccount discover stands in; the vendors' own replace it as they land, and their
 * seeders go into SEED below).
 */
const PREFIX = "RT-";
const SEEDED = 24;
const NEIGHBOURS = 3;
const PROJECT = "discovered";

/** What exists before discover runs: subscribers with the prefix, and neighbours without it. */
function seed(sandbox: RunningSandbox): void {
  seedForpostAccounts(sandbox.forpost.emulator, SEEDED, PREFIX);
  seedForpostAccounts(sandbox.forpost.emulator, NEIGHBOURS, "OTHER-");
}

let sandbox: RunningSandbox;
let host: ProviderHost | undefined;
let engine: MiniEngine;
let programDir: string;
let discovered: Awaited<ReturnType<typeof discoverInto>>;
let registrations: Registration[];
let adopted: ResourceState[];
let stackConfig: Record<string, string>;
let secretKeys: string[];

beforeAll(async () => {
  sandbox = await startSandbox({});
  seed(sandbox);
  programDir = path.join(inject("packedAppDir"), "discover-round-trip");
  fs.mkdirSync(programDir, { recursive: true });
  const configJson = path.join(programDir, "config.json");
  fs.writeFileSync(configJson, pulumiConfigJson(sandbox), { mode: 0o600 });
  const sources = await roundTripSources([forpostAccountSource()]);
  clearVendorLogs(sandbox);
  const before = vendorObjects(sandbox);
  discovered = await discoverInto({
    out: programDir,
    project: PROJECT,
    subscriberPrefix: PREFIX,
    configJson,
    importFile: path.join(programDir, "import.json"),
    sources,
    providerText: (token) => packedProviderText(programDir, token),
  });
  expect(vendorObjects(sandbox)).toEqual(before);
  stackConfig = Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value]));
  secretKeys = sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key);
  for (const p of discovered.plan?.placeholders ?? []) {
    // In a real stack these come from the operator; the round trip sets made-up ones.
    stackConfig[`${PROJECT}:${p.configKey}`] = `test-only-${p.configKey}`;
    if (p.secret) secretKeys.push(`${PROJECT}:${p.configKey}`);
  }
  host = await ProviderHost.start({ cwd: programDir });
  engine = new MiniEngine(host, { config: stackConfig, secretConfigKeys: secretKeys, project: PROJECT });
}, 180_000);

afterAll(async () => {
  await host?.stop();
  await sandbox?.stop();
});

const program = async () =>
  (await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: stackConfig, secretConfigKeys: secretKeys, importedIds: true, project: PROJECT })).registrations;

describe("discover → up → preview → edit → destroy", () => {
  it("reads through list calls only and writes a program with one resource per existing object", () => {
    expect(discovered.exitCode).toBe(0);
    const resources = discovered.plan!.groups.flatMap((g) => g.resources);
    expect(resources).toHaveLength(SEEDED);
    expect(new Set(resources.map((r) => r.subscriber))).toEqual(new Set(Array.from({ length: SEEDED }, (_, i) => `${PREFIX}${i + 1}`)));
    // One FindAccounts lists every Forpost account (the document has no paging).
    expect(vendorRequests(sandbox).forpost).toEqual(["POST FindAccounts"]);
    expect(discovered.kinds.map((k) => [k.token, k.found, k.calls])).toEqual([["forpost:Account", SEEDED, 1]]);
    expect(discovered.printed).toContain("calls per vendor: forpost 1");
    expect(discovered.progressLines).toContain("discover: forpost:Account: 24 found, 1 calls");
  });

  it("writes a program that type-checks (strict) against the packed package", async () => {
    expect(await typecheckProgram(programDir, ["index.ts"])).toBe("");
  });

  it("is adopted by `pulumi up` with zero vendor writes, after a preview that finds nothing to change", async () => {
    registrations = await program();
    expect(registrations).toHaveLength(SEEDED);
    const before = vendorObjects(sandbox);
    clearVendorLogs(sandbox);
    const preview = await engine.preview(registrations);
    expect(preview.filter((s) => s.op !== "create")).toEqual([]);
    const up = await engine.up(registrations);
    expect(up.filter((s) => s.op !== "create" || s.error)).toEqual([]);
    expect(vendorObjects(sandbox)).toEqual(before);
    // Only reads reached Forpost (the import check reads each account and its tariff settings).
    expect(new Set(vendorRequests(sandbox).forpost)).toEqual(new Set(["POST FindAccounts", "POST GetAllowedAccountTariffs", "POST GetAccountDefaultCameraTariff"]));
    adopted = Object.values(engine.state());
    const ids = adopted.map((s) => s.id).sort();
    expect(ids).toEqual(discovered.plan!.groups.flatMap((g) => g.resources.map((r) => r.id)).sort());
  });

  it("wrote an import file readable by its owner only (it may hold secrets), with __provider exactly as the program serializes it", () => {
    const importPath = path.join(programDir, "import.json");
    expect(fs.statSync(importPath).mode & 0o077).toBe(0);
    const file = JSON.parse(fs.readFileSync(importPath, "utf8")) as ImportFile;
    expect(file.resources).toHaveLength(SEEDED);
    const byName = new Map(registrations.map((r) => [r.name, r]));
    for (const spec of file.resources) {
      const registered = byName.get(spec.name)!;
      expect(spec.type).toBe(registered.type);
      expect(spec.inputs.__provider).toBe(registered.provider);
      expect(spec.outputs.__provider).toBe(registered.provider);
    }
  });

  it("wrote an import file holding the inputs and outputs the provider's own import kept", () => {
    const file = JSON.parse(fs.readFileSync(path.join(programDir, "import.json"), "utf8")) as ImportFile;
    for (const spec of file.resources) {
      const stored = adopted.find((s) => s.name === spec.name)!;
      const { __import: _i, ...storedInputs } = stored.inputs;
      expect(spec.inputs).toEqual(storedInputs);
      // What discover knows without extra calls: every output but the tariff settings (no list endpoint).
      for (const [key, value] of Object.entries(spec.outputs)) expect(stored.outputs[key], `${spec.name} ${key}`).toEqual(value);
    }
  });

  it("then previews no change, and an up changes nothing", async () => {
    clearVendorLogs(sandbox);
    expect((await engine.preview(await program())).map((s) => s.op)).toEqual(Array(SEEDED).fill("same"));
    const before = vendorObjects(sandbox);
    expect((await engine.up(await program())).map((s) => s.op)).toEqual(Array(SEEDED).fill("same"));
    expect(vendorObjects(sandbox)).toEqual(before);
    expect(vendorRequests(sandbox).forpost).toEqual([]);
  });

  it("updates an adopted object in place when the program is edited", async () => {
    const file = path.join(programDir, "index.ts");
    const text = fs.readFileSync(file, "utf8");
    const first = discovered.plan!.groups[0]!.resources[0]!;
    const start = text.indexOf(`new ForpostAccount(${JSON.stringify(first.name)}`);
    const edited = text.slice(0, start) + text.slice(start).replace(/maxCameraCount: (\d+),/, (_m, n: string) => `maxCameraCount: ${Number(n) + 10},`);
    fs.writeFileSync(file, edited);
    clearVendorLogs(sandbox);
    const steps = await engine.up(await program());
    expect(steps.filter((s) => s.op !== "same").map((s) => [s.op, s.id, s.error])).toEqual([["update", first.id, undefined]]);
    expect(vendorRequests(sandbox).forpost.filter((r) => r.includes("EditAccount"))).toEqual(["POST EditAccount"]);
    expect(sandbox.forpost.emulator.accounts.get(Number(first.id))!.MaxCameraCount).toBe((first.checked.maxCameraCount as number) + 10);
  });

  it("is destroyed without touching the neighbours it did not adopt", async () => {
    const steps = await engine.destroy();
    expect(steps.filter((s) => s.op !== "delete" || s.error)).toEqual([]);
    expect(steps).toHaveLength(SEEDED);
    expect(sandbox.forpost.emulator.accounts.list().map((a) => a.ContractNumber)).toEqual(["OTHER-1", "OTHER-2", "OTHER-3"]);
  });
});

