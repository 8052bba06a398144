import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

/**
 * Type-checks a program folder (strict, node16 modules) with the TypeScript the program itself
 * resolves, against the packed package's `.d.ts`; returns tsc's report ("" when clean).
 *
 * `checkLibraries` also checks every declaration file (@pulumi/pulumi's included), which costs
 * ~10 s of CPU per run: one test (the Forpost example's) keeps it on, proving the packed
 * declarations are themselves valid for a consumer; the others only need their own program checked
 * against them (an unresolvable type would turn into `any` and trip their `@ts-expect-error` lines).
 */
export async function typecheckProgram(programDir: string, files: string[], options: { checkLibraries?: boolean } = {}): Promise<string> {
  const compilerOptions = {
    strict: true,
    module: "node16",
    moduleResolution: "node16",
    target: "ES2022",
    noEmit: true,
    types: [],
    skipLibCheck: !options.checkLibraries,
  };
  fs.writeFileSync(path.join(programDir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
  const tsc = require.resolve("typescript/bin/tsc", { paths: [programDir] });
  const result = await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: programDir }).catch(
    (error: { stdout?: string; stderr?: string }) => error,
  );
  return `${result.stdout ?? ""}${result.stderr ?? ""}`;
}
