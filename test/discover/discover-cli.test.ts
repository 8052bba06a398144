import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";

/** The `pulumi-telecom` command as users get it: the packed package's bin, in a process of its own. */
let appDir: string;
let bin: string;
beforeAll(() => {
  appDir = inject("packedAppDir");
  const manifest = JSON.parse(fs.readFileSync(path.join(appDir, "node_modules", "pulumi-telecom", "package.json"), "utf8")) as { bin: Record<string, string> };
  bin = path.join(appDir, "node_modules", "pulumi-telecom", manifest.bin["pulumi-telecom"]!);
});

/** The environment without any vendor's configuration. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  for (const key of Object.keys(env)) if (/^(FORPOST|STALKER|VSAAS|HIKCONNECT|BILLING)_/.test(key)) delete env[key];
  return env;
}

async function discover(args: string[], cwd: string) {
  const result = await promisify(execFile)(process.execPath, [bin, "discover", ...args], { cwd, env: cleanEnv() }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe("npx pulumi-telecom discover", () => {
  it("is the package's bin and explains itself", async () => {
    const dir = fs.mkdtempSync(path.join(appDir, "cli-"));
    const help = await discover(["--help"], dir);
    expect(help.code).toBe(0);
    for (const flag of ["--vendor", "--subscriber-prefix", "--limit", "--import-file", "--config-json", "--stack", "--out"]) expect(help.stdout).toContain(flag);
  });

  it("skips vendors without configuration with a note, and writes nothing when nothing can be read", async () => {
    const dir = fs.mkdtempSync(path.join(appDir, "cli-"));
    const run = await discover(["--out", dir], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pulumi-telecom discover: nothing to discover/m);
    expect(fs.existsSync(path.join(dir, "index.ts"))).toBe(false);
  });

  it("names a vendor that does not exist, and refuses to replace a program it did not write", async () => {
    const dir = fs.mkdtempSync(path.join(appDir, "cli-"));
    expect((await discover(["--vendor", "forpost,nope"], dir)).stderr).toContain("--vendor nope: no such vendor; one of forpost, stalker, vsaas, hikconnect, billing");
    fs.writeFileSync(path.join(dir, "index.ts"), "// my own program\n");
    const run = await discover(["--out", dir], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("index.ts exists and was not written by discover: pass --force");
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toBe("// my own program\n");
  });

  it("rejects a limit that is not a positive number", async () => {
    const dir = fs.mkdtempSync(path.join(appDir, "cli-"));
    const run = await discover(["--limit", "0"], dir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("must be a whole number, 1 or more");
  });
});
