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
  /**
   * Folder of the package to pack. Default: this repository, packed the way a user gets it — from
   * a checkout that was never built (see {@link packNeverBuiltCheckout}).
   */
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
 * The repository itself is packed from a never-built copy of its working tree, so its `prepare`
 * script (the build) is what puts `dist/` into the tarball, as for `npm pack`, `npm publish` and
 * `npm install <git url>` by users.
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
    const tarball =
      options.packageDir === undefined
        ? await copyInto(await packNeverBuiltCheckout(), packDir)
        : await npmPack(packageDir, packDir, { ignoreScripts: true });

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

async function npmPack(packageDir: string, destination: string, options: { ignoreScripts: boolean }): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      "npm",
      ["pack", ...(options.ignoreScripts ? ["--ignore-scripts"] : []), "--json", "--pack-destination", destination],
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

async function copyInto(file: string, dir: string): Promise<string> {
  const target = path.join(dir, path.basename(file));
  await fs.promises.copyFile(file, target);
  return target;
}

/** Where packed tarballs of the working tree are kept, one folder per tree hash (wiped by `npm ci`). */
export const PACK_CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "pulumi-telecom-pack");

/**
 * The git tree of the working tree as it is now — HEAD plus every change and every file not
 * ignored, committed or not — written with a temporary index (the real index is not touched).
 * Undefined when the repository is not a git checkout.
 */
export async function workingTreeHash(repo: string = REPO_ROOT): Promise<string | undefined> {
  const git = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    execFileAsync("git", args, { cwd: repo, env, maxBuffer: 64 * 1024 * 1024 }).then((r) => r.stdout.trim());
  const top = await git(["rev-parse", "--show-toplevel"]).catch(() => undefined);
  if (top === undefined || fs.realpathSync(top) !== fs.realpathSync(repo)) return undefined;
  const indexDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-index-"));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: path.join(indexDir, "index") };
    const hasHead = await git(["rev-parse", "--verify", "--quiet", "HEAD"]).then(() => true, () => false);
    if (hasHead) await git(["read-tree", "HEAD"], env);
    await git(["add", "--all", "."], env);
    return await git(["write-tree"], env);
  } finally {
    await fs.promises.rm(indexDir, { recursive: true, force: true });
  }
}

/**
 * `npm pack` of a checkout of this repository that was never built: the working tree (see
 * {@link workingTreeHash}) is exported with `git archive` into a temporary folder with no `dist/`,
 * the repository's installed `node_modules` is linked in (what `npm ci` would install there), and
 * `npm pack` runs there with its scripts, so the package's `prepare` builds what goes into the
 * tarball. The tarball is cached in {@link PACK_CACHE_DIR} by tree hash: a run without changes
 * since the last one reuses it. Returns the tarball's path (in the cache: copy it, do not move it).
 *
 * Outside a git checkout the repository folder itself is packed (its `prepare` still builds).
 */
export async function packNeverBuiltCheckout(): Promise<string> {
  const tree = await workingTreeHash();
  if (tree === undefined) {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-pack-"));
    return npmPack(REPO_ROOT, dir, { ignoreScripts: false });
  }
  const cacheDir = path.join(PACK_CACHE_DIR, tree);
  const cached = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).find((name) => name.endsWith(".tgz")) : undefined;
  if (cached) return path.join(cacheDir, cached);

  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-checkout-"));
  try {
    const checkout = path.join(work, "checkout");
    await fs.promises.mkdir(checkout);
    const archive = path.join(work, "tree.tar");
    await execFileAsync("git", ["archive", "--format=tar", "-o", archive, tree], { cwd: REPO_ROOT });
    await execFileAsync("tar", ["-xf", archive, "-C", checkout]);
    if (fs.existsSync(path.join(checkout, "dist"))) throw new Error(`git tree ${tree} holds a dist/ folder: it must never be committed`);
    await fs.promises.symlink(path.join(REPO_ROOT, "node_modules"), path.join(checkout, "node_modules"), "dir");
    const staging = path.join(work, "pack");
    await fs.promises.mkdir(staging);
    const tarball = await npmPack(checkout, staging, { ignoreScripts: false });
    await fs.promises.mkdir(cacheDir, { recursive: true });
    // Copy then rename, so a concurrent run never sees half a tarball.
    const target = path.join(cacheDir, path.basename(tarball));
    await fs.promises.copyFile(tarball, `${target}.${process.pid}`);
    await fs.promises.rename(`${target}.${process.pid}`, target);
    await pruneOldPacks(cacheDir);
    return target;
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** Keeps the cache small: the 5 most recently made tree folders stay. */
async function pruneOldPacks(keep: string): Promise<void> {
  const entries = await fs.promises.readdir(PACK_CACHE_DIR);
  const dated = await Promise.all(
    entries.map(async (name) => ({ dir: path.join(PACK_CACHE_DIR, name), mtime: (await fs.promises.stat(path.join(PACK_CACHE_DIR, name))).mtimeMs })),
  );
  const old = dated.filter((entry) => entry.dir !== keep).sort((a, b) => b.mtime - a.mtime).slice(4);
  await Promise.all(old.map((entry) => fs.promises.rm(entry.dir, { recursive: true, force: true })));
}
