import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { packNeverBuiltCheckout, preparePackedInstall, REPO_ROOT, workingTreeHash, type PackedInstall } from "../harness/packed-package";
import { FAKE_PACKAGE_DIR } from "./fake-package-app";

/** Files of an npm tarball, relative to its `package/` folder. */
function tarballFiles(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line !== "" && !line.endsWith("/"))
    .map((line) => line.replace(/^package\//, ""))
    .sort();
}

/** Files under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((entry) => fs.statSync(path.join(dir, entry)).isFile())
    .sort();
}

let install: PackedInstall;

beforeAll(async () => {
  install = await preparePackedInstall({ packageDir: FAKE_PACKAGE_DIR });
});

afterAll(async () => {
  await install?.cleanup();
});

describe("preparePackedInstall", () => {
  it("creates the app folder outside the repository", () => {
    expect(install.appDir.startsWith(fs.realpathSync(os.tmpdir())) || install.appDir.startsWith(os.tmpdir())).toBe(true);
    expect(path.relative(REPO_ROOT, install.appDir).startsWith("..")).toBe(true);
    expect(install.packageName).toBe("fake-dynamic-pkg");
  });

  it("installs exactly the tarball's files as a real folder, not a link to the sources", () => {
    const installed = path.join(install.appDir, "node_modules", "fake-dynamic-pkg");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(filesUnder(installed)).toEqual(tarballFiles(install.tarball));
    expect(filesUnder(installed)).toEqual(["impl.js", "index.js", "package.json"]);
  });

  it("links the other dependencies, scoped ones member by member, and leaves out the repo's self-link", () => {
    const nodeModules = path.join(install.appDir, "node_modules");
    expect(fs.lstatSync(path.join(nodeModules, "@pulumi")).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(path.join(nodeModules, "@pulumi", "pulumi")).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(nodeModules, "zod")).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(nodeModules, "pulumi-telecom"))).toBe(false);
  });

  it("gives the program and the installed package one @pulumi/pulumi instance (same real path)", () => {
    const fromProgram = createRequire(path.join(install.appDir, "index.ts")).resolve("@pulumi/pulumi");
    const fromPackage = createRequire(path.join(install.appDir, "node_modules", "fake-dynamic-pkg", "index.js")).resolve(
      "@pulumi/pulumi",
    );
    expect(fs.realpathSync(fromProgram)).toBe(fs.realpathSync(fromPackage));
    expect(fs.realpathSync(fromProgram)).toBe(fs.realpathSync(require.resolve("@pulumi/pulumi")));
  });

  it("cleanup removes the app folder and the tarball", async () => {
    const other = await preparePackedInstall({ packageDir: FAKE_PACKAGE_DIR });
    expect(fs.existsSync(other.tarball)).toBe(true);
    await other.cleanup();
    expect(fs.existsSync(other.appDir)).toBe(false);
    expect(fs.existsSync(other.tarball)).toBe(false);
  });
});

describe("global setup", () => {
  it("provides an app folder with the packed pulumi-telecom (from dist/, not the self-link)", () => {
    const appDir = inject("packedAppDir");
    const installed = path.join(appDir, "node_modules", "pulumi-telecom");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { name: string };
    expect(manifest.name).toBe("pulumi-telecom");
    expect(fs.existsSync(path.join(installed, "dist", "sdk", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "provider"))).toBe(false);
    expect(tarballFiles(inject("packedTarball")).length).toBe(filesUnder(installed).length);
  });
});

describe("packNeverBuiltCheckout", () => {
  it("packs the working tree as a never-built checkout: the tree has no dist/, the tarball has the build", async () => {
    const tree = await workingTreeHash();
    expect(tree).toMatch(/^[0-9a-f]{40}$/);
    const treeFiles = execFileSync("git", ["ls-tree", "-r", "--name-only", tree!], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n");
    expect(treeFiles.filter((file) => file.startsWith("dist/"))).toEqual([]);
    expect(treeFiles).toContain("package.json");
    const files = tarballFiles(await packNeverBuiltCheckout());
    for (const built of ["dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/provider/index.js", "dist/sandbox/cli.js"]) expect(files).toContain(built);
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("reuses the tarball of an unchanged tree, and the tree hash follows uncommitted changes", async () => {
    const first = await packNeverBuiltCheckout();
    const started = Date.now();
    expect(await packNeverBuiltCheckout()).toBe(first);
    expect(Date.now() - started).toBeLessThan(10_000);
    const before = await workingTreeHash();
    const scratch = path.join(REPO_ROOT, "test", `.pack-selftest-${process.pid}.txt`);
    fs.writeFileSync(scratch, "an uncommitted file");
    try {
      expect(await workingTreeHash()).not.toBe(before);
    } finally {
      fs.rmSync(scratch, { force: true });
    }
    expect(await workingTreeHash()).toBe(before);
  });
});
