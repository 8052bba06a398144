import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { LENINA_INPUTS } from "../fixtures/billing-lenina";
import { SWITCH_INPUTS } from "../fixtures/billing-switch";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/** The billing example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = {
  "billing:url": "https://billing.example:1443",
  "billing:login": "api-cashier",
  "billing:password": "mock-only-billing-pw",
  "billing-example:switchSnmpPassword": "mock-only-snmp-community",
  "billing-example:switchSshPassword": "mock-only-ssh-password",
};
const SECRET_KEYS = ["billing:password", "billing-example:switchSnmpPassword", "billing-example:switchSshPassword"];

beforeAll(() => {
  programDir = copyExampleProgram("billing", "program-billing");
});

describe("examples/billing under mocks", () => {
  it("registers the BillingHome (Cyrillic intact) and its BillingSwitch, the switch passwords as secrets, and the provider shim", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys: SECRET_KEYS });
    expect(run.registrations.map((r) => r.type)).toEqual(["pulumi-nodejs:dynamic/billing:Home", "pulumi-nodejs:dynamic/billing:Switch"]);
    const [home, sw] = run.registrations;
    expect(home).toMatchObject({ type: "pulumi-nodejs:dynamic/billing:Home", name: "lenina-12a", custom: true, secretInputKeys: [] });
    const { __provider, ...inputs } = home!.inputs;
    expect(inputs).toEqual(LENINA_INPUTS);
    expect(home!.providerSize).toBeLessThan(4096);
    expect(home!.provider).not.toContain("mock-only-billing-pw");
    expect(home!.provider).not.toContain("billing.example");
    expect(sw).toMatchObject({ name: "lenina-12a-sw1", secretInputKeys: ["pswSnmp", "pswSsh"] });
    expect(sw!.additionalSecretOutputs).toEqual(expect.arrayContaining(["pswSnmp", "pswSsh", "pswTelnet"]));
    const { __provider: _p, homeId: _h, ...switchInputs } = sw!.inputs;
    expect(switchInputs).toEqual({ ...SWITCH_INPUTS, pswSnmp: "mock-only-snmp-community", pswSsh: "mock-only-ssh-password" });
    for (const r of run.registrations) {
      for (const secret of ["mock-only-snmp-community", "mock-only-ssh-password", "mock-only-billing-pw"]) expect(r.provider).not.toContain(secret);
    }
    expect(run.exports).toEqual({ billingHomeId: "lenina-12a-id", billingHomeStreet: "улица Ленина" });
  });

  it("takes the example's knobs from stack config, and leaves the id unknown in preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: { ...config, "billing-example:street": "проспект Победы", "billing-example:switchIp": "10.20.0.12" } });
    expect(run.registrations[0]!.inputs).toMatchObject({ street: "проспект Победы" });
    expect(run.registrations[1]!.inputs).toMatchObject({ ip: "10.20.0.12" });
    const preview = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, preview: true });
    expect(preview.exports.billingHomeId).toBe(UNKNOWN);
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { billing, BillingHome, BillingSwitch, type BillingHomeArgs } from "pulumi-telecom";',
        'const args: BillingHomeArgs = { street: pulumi.output("Садовая"), number: 3, zipCode: "101000" };',
        'const h = new BillingHome("typed", args);',
        "export const homeId: pulumi.Output<number> = h.homeId;",
        "export const zip: pulumi.Output<string | undefined> = h.zipCode;",
        "// @ts-expect-error number must be a number",
        'new BillingHome("bad", { street: "x", number: "3" });',
        "// @ts-expect-error street is required",
        'new BillingHome("bad2", { number: 3 });',
        'const s = new BillingSwitch("sw", { homeId: h.homeId, name: "sw", ip: "10.0.0.1", pswSnmp: pulumi.secret("x") });',
        "export const switchId: pulumi.Output<number> = s.switchId;",
        "// @ts-expect-error ip is required",
        'new BillingSwitch("bad3", { homeId: 1, name: "sw" });',
        "export const found: Promise<billing.FindSubscribersResult> = billing.findSubscribers({ contractNumberPrefix: \"D-\" });",
        "export const login: pulumi.Output<string | undefined> = billing.getSubscriberOutput({ id: h.homeId }).apply((s) => s.login);",
        "// @ts-expect-error id is a number",
        'billing.getSubscriber({ id: "7" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});
