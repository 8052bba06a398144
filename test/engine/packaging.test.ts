import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { startSandbox } from "../../sandbox";
import { REPO_ROOT } from "../harness/packed-package";
import { PulumiStack } from "../harness/pulumi-stack";
import { engineCli } from "./engine-cli";
import { FORPOST } from "./example-lifecycles";
import { exportedOf, expectNoSecret, expectSafeExport, expectSuccess, opsOf } from "./lifecycle";

/**
 * What a user gets: the tarball `npm pack` made of a never-built checkout (the global setup's),
 * installed with a real `npm install` into a new program folder — no links into this repository —
 * and `pulumi up` / `pulumi destroy` of examples/forpost with the real CLI.
 * (examples.test.ts says why the suite is skipped or fails without a CLI.)
 */
const found = engineCli();

describe.skipIf(!found.cli)("the packed package, installed with npm", () => {
  it("installs into a new program from the tarball of a never-built checkout, and pulumi up / destroy work", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-npm-install-"));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const programDir = path.join(tmp, "program");
    fs.mkdirSync(programDir);
    const pulumiVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
    fs.writeFileSync(path.join(programDir, "package.json"), JSON.stringify({ name: "npm-install-program", private: true }, null, 2));
    const tarball = inject("packedTarball");
    // The same @pulumi/pulumi as the repository's (the newest ones need Node 22); the rest resolves as for a user.
    await promisify(execFile)("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${pulumiVersion}`], {
      cwd: programDir,
      maxBuffer: 64 * 1024 * 1024,
    });
    const installed = path.join(programDir, "node_modules", "pulumi-telecom");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, "dist", "sdk", "index.js"))).toBe(true);
    for (const file of ["index.ts", "Pulumi.yaml"]) fs.copyFileSync(path.join(REPO_ROOT, "examples", FORPOST.example, file), path.join(programDir, file));

    const sandbox = await startSandbox(FORPOST.sandbox);
    const stack = await PulumiStack.create({ cli: found.cli!, programDir });
    try {
      await stack.setConfig(FORPOST.config(sandbox));
      const up = await stack.up();
      expectSuccess(expect, up);
      // Every resource of the example (the row's config makes it create all of them).
      expect(opsOf(up).sort()).toEqual(FORPOST.resources.map((r) => `create ${r.name}`).sort());
      expect(FORPOST.objects(sandbox)).toBe(FORPOST.resources.length);
      const exported = await stack.exportStack();
      const resources = exported.state.deployment.resources ?? [];
      expectSafeExport({ row: FORPOST, sandbox, stack, expect }, exported.text, resources);
      // The provider shim loads the implementation from the program's own node_modules.
      expect(exportedOf(resources, "acme")!.inputs!.__provider).toContain('require("pulumi-telecom/provider")');
      expectSuccess(expect, await stack.destroy(["--skip-preview"]));
      expect(FORPOST.objects(sandbox)).toBe(0);
      expectNoSecret(expect, stack.transcript(), FORPOST.secrets(sandbox), "the CLI's output");
    } finally {
      await stack.dispose();
      await sandbox.stop();
    }
  }, 10 * 60_000);
});
