import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { DEMO_INPUTS } from "../fixtures/vsaas-demo";

/** The VSAAS example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = { "vsaas:user": "admin@isp.example", "vsaas:password": "mock-only-vsaas-pw", "vsaas:domainId": "247" };

beforeAll(() => {
  programDir = copyExampleProgram("vsaas", "program-vsaas");
});

describe("examples/vsaas under mocks", () => {
  it("registers one VsaasOrganization with the example's inputs and the provider shim", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: ["vsaas:password"] });
    expect(run.registrations).toHaveLength(1);
    const [org] = run.registrations;
    expect(org).toMatchObject({ type: "pulumi-nodejs:dynamic/vsaas:Organization", name: "ivanov", custom: true, secretInputKeys: [] });
    const { __provider, ...inputs } = org!.inputs;
    expect(inputs).toEqual(DEMO_INPUTS);
    expect(typeof __provider).toBe("string");
    expect(org!.providerSize).toBeLessThan(4096);
    expect(org!.provider).not.toContain("mock-only-vsaas-pw");
    expect(org!.provider).not.toContain("admin@isp.example");
    expect(run.exports.vsaasOrganizationId).toBe("ivanov-id");
  });

  it("takes the example's knobs from stack config, protect included", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "vsaas-example:tariffPlanIds": "[549,550]", "vsaas-example:title": "Ivanov household", "vsaas-example:protect": "true" },
    });
    expect(run.registrations[0]!.inputs).toMatchObject({ tariffPlanIds: [549, 550], title: "Ivanov household" });
    expect(run.registrations[0]!.protect).toBe(true);
  });

  it("leaves the id and the Watcher id unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, preview: true });
    expect(run.exports).toEqual({ vsaasOrganizationId: UNKNOWN, watcherOrganizationId: UNKNOWN, defaultTariffPlanIds: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject wrongly typed inputs", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { VsaasOrganization, type VsaasOrganizationArgs } from "pulumi-telecom";',
        'const args: VsaasOrganizationArgs = { title: pulumi.output("x"), owner: "a@example.org", tariffPlanIds: [pulumi.output(549), 550] };',
        'const o = new VsaasOrganization("typed", args, { protect: true });',
        "export const externalId: pulumi.Output<number | undefined> = o.externalId;",
        "export const defaults: pulumi.Output<number[]> = o.defaultTariffPlanIds;",
        "export const planNames = o.tariffPlans.apply((plans) => plans.map((p) => p.name));",
        "// @ts-expect-error tariffPlanIds are numbers",
        'new VsaasOrganization("bad", { ...args, tariffPlanIds: ["549"] });',
        "// @ts-expect-error owner is required",
        'new VsaasOrganization("bad2", { title: "x" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  });
});
