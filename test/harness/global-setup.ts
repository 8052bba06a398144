import * as fs from "node:fs";
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { preparePackedInstall, REPO_ROOT, type PackedInstall } from "./packed-package";

declare module "vitest" {
  export interface ProvidedContext {
    /**
     * App folder (outside the repo) with the packed pulumi-telecom in `node_modules` and every
     * other dependency linked from the repo. Tests that need their own program copy files into a
     * subfolder of it. Read with `inject("packedAppDir")`.
     */
    packedAppDir: string;
    /** The tarball `npm pack` produced for that install. */
    packedTarball: string;
  }
}

let install: PackedInstall | undefined;

/**
 * Vitest globalSetup: packs the package once per run — from a never-built checkout of the working
 * tree, so `prepare` builds what the tarball holds, as for users (cached by tree hash) — and
 * installs it into a temporary app folder shared by all test files (provided as `packedAppDir`);
 * removes it at teardown. `npm test` builds first; when running vitest directly, run
 * `npm run build` before (a few tests run the repository's own dist/).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const entry = path.join(REPO_ROOT, "dist", "sdk", "index.js");
  if (!fs.existsSync(entry)) {
    throw new Error(
      `${path.relative(REPO_ROOT, entry)} does not exist: run \`npm run build\` before vitest ` +
        "(`npm test` does it for you). Some tests run the repository's own dist/ (e.g. the sandbox CLI).",
    );
  }
  install = await preparePackedInstall();
  project.provide("packedAppDir", install.appDir);
  project.provide("packedTarball", install.tarball);
  return async () => {
    await install?.cleanup();
    install = undefined;
  };
}
