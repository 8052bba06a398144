import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { ACME_INPUTS } from "../fixtures/forpost-acme";

/** The Forpost example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = { "forpost:url": "https://forpost.example.net", "forpost:adminLogin": "api-admin", "forpost:adminPassword": "mock-only-pw" };

beforeAll(() => {
  programDir = copyExampleProgram("forpost", "program-forpost");
});

describe("examples/forpost under mocks", () => {
  it("registers one ForpostAccount with the example's inputs and the provider shim", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: ["forpost:adminPassword"] });
    expect(run.registrations).toHaveLength(1);
    const [acct] = run.registrations;
    expect(acct).toMatchObject({ type: "pulumi-nodejs:dynamic/forpost:Account", name: "acme", custom: true, secretInputKeys: [] });
    const { __provider, ...inputs } = acct!.inputs;
    expect(inputs).toEqual(ACME_INPUTS);
    expect(typeof __provider).toBe("string");
    expect(acct!.providerSize).toBeLessThan(4096);
    expect(acct!.provider).not.toContain("mock-only-pw");
    expect(acct!.provider).not.toContain("forpost.example.net");
    expect(run.exports.forpostAccountId).toBe("acme-id");
  });

  it("takes the example's knobs from stack config", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "forpost-example:maxCameraCount": "16", "forpost-example:name": "ACME Holding" },
    });
    expect(run.registrations[0]!.inputs).toMatchObject({ maxCameraCount: 16, name: "ACME Holding" });
  });

  it("leaves the id and every read-back output unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, preview: true });
    expect(run.registrations).toHaveLength(1);
    expect(run.exports).toEqual({ forpostAccountId: UNKNOWN, forpostAccountActive: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { ForpostAccount, type ForpostAccountArgs } from "pulumi-telecom";',
        "const args: ForpostAccountArgs = {",
        '  name: pulumi.output("x"), maxCameraCount: 1, maxLoginCount: 1, maxCameraOnlineTranslationCount: 1,',
        "  maxCameraArchivalTranslationCount: 1, maxCameraUserOnlineTranslationCount: 1, maxCameraUserArchivalTranslationCount: 1,",
        "  allowedTariffIds: [pulumi.output(1), 2],",
        "};",
        'const a = new ForpostAccount("typed", args);',
        "export const id: pulumi.Output<string> = a.id;",
        "export const count: pulumi.Output<number | undefined> = a.maxCameraCount;",
        "export const accountId: pulumi.Output<number> = a.accountId;",
        "// @ts-expect-error maxLoginCount must be a number",
        'new ForpostAccount("bad", { ...args, maxLoginCount: "3" });',
        "// @ts-expect-error name is required",
        'new ForpostAccount("bad2", { maxCameraCount: 1 });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"], { checkLibraries: true })).toBe("");
  });
});
