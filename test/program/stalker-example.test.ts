import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { ALICE_INPUTS } from "../fixtures/stalker-alice";

/** The Stalker example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = { "stalker:url": "http://stalker.example.net/stalker_portal/api", "stalker:user": "api-user", "stalker:password": "mock-only-pw" };

beforeAll(() => {
  programDir = copyExampleProgram("stalker", "program-stalker");
});

describe("examples/stalker under mocks", () => {
  it("registers one StalkerAccount with the example's inputs, the password secret though given as plain text", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: ["stalker:password"] });
    expect(run.registrations).toHaveLength(1);
    const [acct] = run.registrations;
    expect(acct).toMatchObject({ type: "pulumi-nodejs:dynamic/stalker:Account", name: "alice-tv", custom: true, secretInputKeys: ["password"] });
    expect(acct!.additionalSecretOutputs).toContain("password");
    const { __provider, ...inputs } = acct!.inputs;
    expect(inputs).toEqual(ALICE_INPUTS);
    expect(acct!.providerSize).toBeLessThan(4096);
    expect(acct!.provider).not.toContain("mock-only-pw");
    expect(acct!.provider).not.toContain("stalker.example.net");
    expect(run.exports.stalkerLogin).toBe("alice-tv-id");
  });

  it("takes the example's knobs from stack config", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "stalker-example:tariffPlan": "STANDART", "stalker-example:login": "alice2" },
    });
    expect(run.registrations[0]!.inputs).toMatchObject({ tariffPlan: "STANDART", login: "alice2" });
  });

  it("leaves the id and every read-back output unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, preview: true });
    expect(run.exports).toEqual({ stalkerLogin: UNKNOWN, stalkerOnline: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { StalkerAccount, type StalkerAccountArgs } from "pulumi-telecom";',
        'const args: StalkerAccountArgs = { login: pulumi.output("bob"), password: pulumi.secret("x"), accountNumber: "7", active: false };',
        'const a = new StalkerAccount("typed", args);',
        "export const id: pulumi.Output<string> = a.id;",
        "export const online: pulumi.Output<boolean> = a.online;",
        "export const subscribed: pulumi.Output<string[]> = a.subscribed;",
        "// @ts-expect-error active must be a boolean",
        'new StalkerAccount("bad", { ...args, active: 1 });',
        "// @ts-expect-error login is required",
        'new StalkerAccount("bad2", { accountNumber: "7" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  });
});
