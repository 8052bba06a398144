import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The repository root (this file lives in `<repo>/test/harness/`). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Options of {@link preparePackedInstall}. */
export interface PreparePackedInstallOptions {
  /** Folder of the package to pack; defaults to the repository (which must have been built). */
  packageDir?: string;
  /**
   * `node_modules` whose entries are linked into the app, so the packed package and programs in
   * the app resolve the same dependency instances (one `@pulumi/pulumi`). Defaults to the repo's.
   */
  nodeModulesDir?: string;
}

/** A temporary application folder with a packed package installed in its `node_modules`. */
export interface PackedInstall {
  /** The app folder (outside the repository); programs placed here resolve the packed package. */
  appDir: string;
  /** Path of the tarball `npm pack` produced (kept until cleanup). */
  tarball: string;
  /** Name of the installed package (from its package.json). */
  packageName: string;
  /** Removes the app folder and the tarball. Safe to call twice. */
  cleanup(): Promise<void>;
}

interface NpmPackEntry {
  filename: string;
  name: string;
}

/**
 * Packs a package with `npm pack` and installs the tarball into a fresh app folder under
 * `os.tmpdir()` the way a user's `npm install` would lay it out: the package's files come only
 * from the tarball (so a missing `files` entry shows up as a failing import), and every other
 * dependency is a symlink into the repo's `node_modules`, so everything shares one module instance
 * per package (most importantly one `@pulumi/pulumi`).
 *
 * For the repository itself `npm run build` must have produced `dist/` first.
 */
export async function preparePackedInstall(options: PreparePackedInstallOptions = {}): Promise<PackedInstall> {
  const packageDir = path.resolve(options.packageDir ?? REPO_ROOT);
  const nodeModulesDir = path.resolve(options.nodeModulesDir ?? path.join(REPO_ROOT, "node_modules"));
  const packageName = readPackageName(packageDir);

  const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-packed-"));
  const cleanup = async (): Promise<void> => {
    await fs.promises.rm(workDir, { recursive: true, force: true });
  };
  try {
    const packDir = path.join(workDir, "pack");
    const appDir = path.join(workDir, "app");
    await fs.promises.mkdir(packDir);
    const tarball = await npmPack(packageDir, packDir);

    const installDir = path.join(appDir, "node_modules", ...packageName.split("/"));
    await fs.promises.mkdir(installDir, { recursive: true });
    // npm tarballs hold everything under a top-level `package/` folder.
    await execFileAsync("tar", ["-xzf", tarball, "-C", installDir, "--strip-components=1"]);

    // The repo's own entry is a self-link to the source tree: never let it stand in for a package.
    const skip = new Set([packageName, readPackageName(REPO_ROOT)]);
    await linkDependencies(nodeModulesDir, path.join(appDir, "node_modules"), skip);
    // A package.json makes the app a CommonJS project root, like a user's Pulumi project.
    await fs.promises.writeFile(
      path.join(appDir, "package.json"),
      JSON.stringify({ name: "packed-install-app", private: true, dependencies: { [packageName]: "*" } }, null, 2),
    );
    return { appDir, tarball, packageName, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function readPackageName(packageDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { name?: unknown };
  if (typeof manifest.name !== "string" || manifest.name === "") {
    throw new Error(`${packageDir}/package.json has no name`);
  }
  return manifest.name;
}

async function npmPack(packageDir: string, destination: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", destination],
      { cwd: packageDir, maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`npm pack failed in ${packageDir}: ${(error as Error).message}\n${stderr}`);
  }
  const entries = JSON.parse(stdout) as NpmPackEntry[];
  const entry = entries[0];
  if (!entry) throw new Error(`npm pack in ${packageDir} reported no tarball: ${stdout}`);
  return path.join(destination, entry.filename);
}

/**
 * Symlinks every entry of `from` into `to`, member by member for scoped folders, except the
 * packages in `skip` (the one being installed, and the repo's self-link
 * `node_modules/pulumi-telecom -> ..`, which would bypass the tarball) and npm's bookkeeping files.
 */
async function linkDependencies(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name === ".package-lock.json" || entry.name === ".cache") continue;
    const source = path.join(from, entry.name);
    if (entry.name.startsWith("@") && entry.isDirectory()) {
      const scopeDir = path.join(to, entry.name);
      await fs.promises.mkdir(scopeDir, { recursive: true });
      for (const member of await fs.promises.readdir(source)) {
        if (skip.has(`${entry.name}/${member}`)) continue;
        await fs.promises.symlink(path.join(source, member), path.join(scopeDir, member), "dir");
      }
      continue;
    }
    await fs.promises.symlink(source, path.join(to, entry.name), "dir");
  }
}
