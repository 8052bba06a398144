import * as fs from "node:fs";
import * as path from "node:path";
import { inject } from "vitest";
import { REPO_ROOT } from "./packed-package";

/**
 * Copies `examples/<example>/{index.ts,Pulumi.yaml}` into `<packedAppDir>/<folder>` and returns that
 * folder. The packed app directory has the packed `pulumi-telecom` installed, so the copy runs and
 * type-checks against the package as users get it. Call it inside a hook (it reads `inject`).
 */
export function copyExampleProgram(example: string, folder: string): string {
  const programDir = path.join(inject("packedAppDir"), folder);
  fs.mkdirSync(programDir, { recursive: true });
  for (const file of ["index.ts", "Pulumi.yaml"]) {
    fs.copyFileSync(path.join(REPO_ROOT, "examples", example, file), path.join(programDir, file));
  }
  return programDir;
}
