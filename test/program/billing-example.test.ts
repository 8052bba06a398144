import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { LENINA_INPUTS } from "../fixtures/billing-lenina";

/** The billing example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = { "billing:url": "https://billing.example:1443", "billing:login": "api-cashier", "billing:password": "mock-only-billing-pw" };

beforeAll(() => {
  programDir = copyExampleProgram("billing", "program-billing");
});

describe("examples/billing under mocks", () => {
  it("registers one BillingHome with the example's inputs (Cyrillic intact) and the provider shim", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: ["billing:password"] });
    expect(run.registrations).toHaveLength(1);
    const [home] = run.registrations;
    expect(home).toMatchObject({ type: "pulumi-nodejs:dynamic/billing:Home", name: "lenina-12a", custom: true, secretInputKeys: [] });
    const { __provider, ...inputs } = home!.inputs;
    expect(inputs).toEqual(LENINA_INPUTS);
    expect(home!.providerSize).toBeLessThan(4096);
    expect(home!.provider).not.toContain("mock-only-billing-pw");
    expect(home!.provider).not.toContain("billing.example");
    expect(run.exports).toEqual({ billingHomeId: "lenina-12a-id", billingHomeStreet: "улица Ленина" });
  });

  it("takes the example's knobs from stack config, and leaves the id unknown in preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: { ...config, "billing-example:street": "проспект Победы" } });
    expect(run.registrations[0]!.inputs).toMatchObject({ street: "проспект Победы" });
    const preview = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, preview: true });
    expect(preview.exports.billingHomeId).toBe(UNKNOWN);
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { BillingHome, type BillingHomeArgs } from "pulumi-telecom";',
        'const args: BillingHomeArgs = { street: pulumi.output("Садовая"), number: 3, zipCode: "101000" };',
        'const h = new BillingHome("typed", args);',
        "export const homeId: pulumi.Output<number> = h.homeId;",
        "export const zip: pulumi.Output<string | undefined> = h.zipCode;",
        "// @ts-expect-error number must be a number",
        'new BillingHome("bad", { street: "x", number: "3" });',
        "// @ts-expect-error street is required",
        'new BillingHome("bad2", { number: 3 });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  });
});
