import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";

/**
 * The SDK tells the user that `import` adopts rather than creates (the engine shows a `create`):
 * one line per import for a few, one line in all for a discover-written program of thousands.
 */
let programDir: string;

const program = (count: number) => `
import { StalkerAccount } from "pulumi-telecom";
for (let i = 1; i <= ${count}; i++) {
  new StalkerAccount(\`box-\${i}\`, { login: \`login-\${i}\`, accountNumber: \`A-\${i}\` }, { import: \`login-\${i}\` });
}
`;

beforeAll(() => {
  programDir = copyExampleProgram("stalker", "program-import-announcement");
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), "name: program-import-announcement\nruntime: nodejs\n");
  fs.writeFileSync(path.join(programDir, "few.ts"), program(3));
  fs.writeFileSync(path.join(programDir, "many.ts"), program(40));
});

const announcements = (output: string) => output.split("\n").filter((line) => line.includes("importing "));

describe("the import announcement", () => {
  it("names each of a few imports on a line of its own", async () => {
    const run = await runProgramUnderMocks({ programFile: "few.ts", cwd: programDir, importedIds: true });
    expect(run.registrations).toHaveLength(3);
    const lines = announcements(run.stdout + run.stderr);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain("importing stalker:Account login-1: nothing is created");
  });

  it("sums up thousands of imports in one line, with the count and the first ids", async () => {
    const run = await runProgramUnderMocks({ programFile: "many.ts", cwd: programDir, importedIds: true });
    expect(run.registrations).toHaveLength(40);
    const lines = announcements(run.stdout + run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("importing 40 resources (stalker:Account login-1, stalker:Account login-2, stalker:Account login-3, …): nothing is created");
  });
});
