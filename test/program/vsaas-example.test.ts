import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { copyExampleProgram } from "../harness/example-program";
import { ProgramRunError, runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { DEMO_INPUTS } from "../fixtures/vsaas-demo";
import { EXAMPLE_USER_PASSWORD_KEY, runVsaasExample } from "../fixtures/vsaas-example";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/**
 * The VSAAS example and the vsaas.* functions, installed against the packed package, run under
 * pulumi.runtime.setMocks. The functions run in the program's process against the sandbox, as
 * they run against VSAAS.IO in a real `pulumi up`.
 */
const BILLING_PASSWORD = "mock-only-vsaas-pw";
const USER_PASSWORD = "mock-only-subscriber-pw";
let programDir: string;
let sandbox: RunningSandbox;
let config: Record<string, string>;
let externalId: number;
let camerasFolderId: number;
const secretConfigKeys = ["vsaas:password", "vsaas:watcherApiKey", EXAMPLE_USER_PASSWORD_KEY];

beforeAll(async () => {
  programDir = copyExampleProgram("vsaas", "program-vsaas");
  sandbox = await startSandbox({ vsaas: { password: BILLING_PASSWORD } });
  config = {
    ...Object.fromEntries(sandbox.pulumiConfig.filter((e) => e.key.startsWith("vsaas:")).map((e) => [e.key, e.value])),
    [EXAMPLE_USER_PASSWORD_KEY]: USER_PASSWORD,
  };
  // The organization the mocks say the program's VsaasOrganization is: its folder lookup asks the sandbox.
  externalId = sandbox.vsaas.emulator.organizations.add({ title: "Ivanov family", owner: "ivanov@example.org", tariff_plans: [549] })["external_id"] as number;
  camerasFolderId = sandbox.vsaas.emulator.watcher.folders(externalId)[0]!["id"] as number;
});
afterAll(() => sandbox.stop());

describe("examples/vsaas under mocks", () => {
  it("registers the organization, the subscriber's login, its membership and its folder right found by the lookup", async () => {
    const run = await runVsaasExample(programDir, { externalId, userId: 4242 }, { config, secretConfigKeys });
    // (Registered in the order their inputs resolve.)
    expect(run.registrations.map((r) => [r.type, r.name]).sort()).toEqual([
      ["pulumi-nodejs:dynamic/vsaas:FolderAccess", "ivanov-cameras"],
      ["pulumi-nodejs:dynamic/vsaas:Organization", "ivanov"],
      ["pulumi-nodejs:dynamic/vsaas:OrganizationUser", "ivanov-member"],
      ["pulumi-nodejs:dynamic/vsaas:User", "ivanov-login"],
    ]);
    const [org, user, member, folder] = ["ivanov", "ivanov-login", "ivanov-member", "ivanov-cameras"].map((name) => run.registrations.find((r) => r.name === name));
    const inputsOf = (r: typeof org) => Object.fromEntries(Object.entries(r!.inputs).filter(([k]) => k !== "__provider"));
    expect(inputsOf(org)).toEqual(DEMO_INPUTS);
    expect(inputsOf(user)).toEqual({ login: "ivanov.viewer@example.org", password: USER_PASSWORD });
    expect(user!.secretInputKeys).toEqual(["password"]);
    expect(user!.additionalSecretOutputs).toEqual(["password"]);
    expect(inputsOf(member)).toEqual({ watcherOrganizationId: externalId, userId: 4242 });
    // No hard-coded folder id: vsaas.getOrganizationFoldersOutput found "Cameras" of that organization in the sandbox.
    expect(inputsOf(folder)).toEqual({ membershipId: `${externalId}/4242`, folderId: camerasFolderId, canViewDvr: true });
    for (const r of run.registrations) {
      expect(r.providerSize).toBeLessThan(4096);
      for (const leak of [BILLING_PASSWORD, USER_PASSWORD, sandbox.vsaas.watcherApiKey, sandbox.vsaas.url]) expect(r.provider).not.toContain(leak);
    }
    expect(run.exports).toMatchObject({ vsaasOrganizationId: "ivanov-id", watcherOrganizationId: externalId, subscriberUserId: 4242, camerasFolderId });
    // The lookup went to the Watcher, with the API key, once.
    expect(sandbox.vsaas.emulator.log.entries().filter((e) => e.route === "watcher.folders.index")).toHaveLength(1);
  });

  it("takes the example's knobs from stack config, protect included", async () => {
    const run = await runVsaasExample(
      programDir,
      { externalId, userId: 4242 },
      {
        config: { ...config, "vsaas-example:tariffPlanIds": "[549,550]", "vsaas-example:title": "Ivanov household", "vsaas-example:protect": "true", "vsaas-example:canViewDvr": "false", "vsaas-example:login": "other@example.org" },
        secretConfigKeys,
      },
    );
    const named = (name: string) => run.registrations.find((r) => r.name === name)!;
    expect(named("ivanov").inputs).toMatchObject({ tariffPlanIds: [549, 550], title: "Ivanov household" });
    expect(named("ivanov").protect).toBe(true);
    expect(named("ivanov-login").inputs).toMatchObject({ login: "other@example.org" });
    expect(named("ivanov-cameras").inputs).toMatchObject({ canViewDvr: false });
  });

  it("leaves ids and the folder unknown during preview, calling no lookup", async () => {
    sandbox.vsaas.emulator.log.clear();
    const run = await runVsaasExample(programDir, { externalId, userId: 4242 }, { config, secretConfigKeys, preview: true });
    expect(run.exports).toEqual({
      vsaasOrganizationId: UNKNOWN,
      watcherOrganizationId: UNKNOWN,
      defaultTariffPlanIds: UNKNOWN,
      subscriberLogin: "ivanov.viewer@example.org",
      subscriberUserId: UNKNOWN,
      camerasFolderId: UNKNOWN,
    });
    expect(sandbox.vsaas.emulator.log.entries()).toEqual([]);
  });

  it("needs the subscriber's password in the stack config, saying which key", async () => {
    const { [EXAMPLE_USER_PASSWORD_KEY]: _, ...without } = config;
    const error = await runVsaasExample(programDir, { externalId, userId: 4242 }, { config: without }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramRunError);
    expect((error as ProgramRunError).message).toMatch(/Missing required configuration variable 'vsaas-example:userPassword'/);
  });

  it("type-checks against the packed package's declarations, which reject wrongly typed inputs", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { VsaasFolderAccess, VsaasOrganization, VsaasOrganizationUser, VsaasUser, vsaas, type VsaasOrganizationArgs } from "pulumi-telecom";',
        'const args: VsaasOrganizationArgs = { title: pulumi.output("x"), owner: "a@example.org", tariffPlanIds: [pulumi.output(549), 550] };',
        'const o = new VsaasOrganization("typed", args, { protect: true, adoptExisting: true });',
        "export const externalId: pulumi.Output<number> = o.externalId;",
        "export const defaults: pulumi.Output<number[]> = o.defaultTariffPlanIds;",
        "export const planNames = o.tariffPlans.apply((plans) => plans.map((p) => p.name));",
        'const u = new VsaasUser("u", { login: "x@example.org", password: pulumi.secret("pw"), leaveDefaultOrganization: false });',
        "export const userId: pulumi.Output<number> = u.userId;",
        'const m = new VsaasOrganizationUser("m", { watcherOrganizationId: o.externalId, userId: u.userId, canEditOrganizationCameras: true });',
        'const folders = vsaas.getOrganizationFoldersOutput({ watcherOrganizationId: o.externalId, title: "Cameras" });',
        'new VsaasFolderAccess("f", { membershipId: m.id, folderId: folders.apply((f) => f.ids[0]!), canUsePtz: true, dvrDepthLimit: 7 });',
        'export const plans: Promise<number[]> = vsaas.getTariffPlans({ names: ["Test plan"] }).then((r) => r.ids);',
        'export const presets = vsaas.getOrganizationPresetsOutput({ watcherOrganizationId: o.externalId }).presets;',
        "// @ts-expect-error tariffPlanIds are numbers",
        'new VsaasOrganization("bad", { ...args, tariffPlanIds: ["549"] });',
        "// @ts-expect-error owner is required",
        'new VsaasOrganization("bad2", { title: "x" });',
        "// @ts-expect-error the Watcher organization id is a number",
        'new VsaasOrganizationUser("bad3", { watcherOrganizationId: "774", userId: 1 });',
        "// @ts-expect-error folderId is required",
        'new VsaasFolderAccess("bad4", { membershipId: m.id });',
        "// @ts-expect-error the folder lookup needs the organization",
        'vsaas.getOrganizationFolders({ title: "Cameras" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});

describe("vsaas.* functions in a program under mocks", () => {
  const write = (file: string, lines: string[]) => fs.writeFileSync(path.join(programDir, file), ['import * as pulumi from "@pulumi/pulumi";', 'import { vsaas } from "pulumi-telecom";', ...lines].join("\n"));

  it("answer as promises and as Outputs, picking by exact name, never carrying a secret", async () => {
    write("functions.ts", [
      'export const plans = vsaas.getTariffPlans({ names: ["Test plan", "Default"] });',
      "export const allPlanIds = vsaas.getTariffPlansOutput().ids;",
      `const org = pulumi.output(${externalId});`,
      'export const cameras = vsaas.getOrganizationFoldersOutput({ watcherOrganizationId: org, title: "Cameras" }).ids;',
      `export const presets = vsaas.getOrganizationPresets({ watcherOrganizationId: ${externalId} });`,
      `export const defaultPreset = vsaas.getOrganizationPresetsOutput({ watcherOrganizationId: org, title: "Default" }).ids;`,
    ]);
    const run = await runProgramUnderMocks({ programFile: "functions.ts", cwd: programDir, config, secretConfigKeys });
    expect(run.exports["plans"]).toEqual({
      tariffPlans: [
        { id: 549, name: "Test plan", dateFrom: "27/04/2024", fullPrice: "100.0 USD", status: "Active", externalId: 392 },
        { id: 548, name: "Default", dateFrom: "27/04/2024", fullPrice: "0.0 USD", status: "Active", externalId: 391 },
      ],
      ids: [549, 548],
    });
    expect(run.exports["allPlanIds"]).toEqual([548, 549, 550]);
    expect(run.exports["cameras"]).toEqual([camerasFolderId]);
    expect(run.exports["presets"]).toEqual({ presets: [expect.objectContaining({ id: 391, title: "Default" }), expect.objectContaining({ id: 392, title: "Test plan" })], ids: [391, 392] });
    expect(run.exports["defaultPreset"]).toEqual([391]);
    const everything = JSON.stringify(run);
    for (const secret of [BILLING_PASSWORD, sandbox.vsaas.watcherApiKey]) expect(everything).not.toContain(secret);
  });

  it("fail clearly when nothing or more than one matches, naming what there is", async () => {
    write("none.ts", ['export const plans = vsaas.getTariffPlans({ names: ["Premium"] });']);
    const none = (await runProgramUnderMocks({ programFile: "none.ts", cwd: programDir, config, secretConfigKeys }).catch((e: unknown) => e)) as ProgramRunError;
    expect(none.message).toMatch(/vsaas\.getTariffPlans: nothing matches a plan named "Premium"\. Available: 548 "Default", 549 "Test plan", 550 "My demo plan"\./);
    const twin = sandbox.vsaas.emulator.watcher.addFolder(externalId, "Cameras").id;
    write("two.ts", [`export const f = vsaas.getOrganizationFolders({ watcherOrganizationId: ${externalId}, title: "Cameras" });`]);
    const two = (await runProgramUnderMocks({ programFile: "two.ts", cwd: programDir, config, secretConfigKeys }).catch((e: unknown) => e)) as ProgramRunError;
    expect(two.message).toMatch(new RegExp(`vsaas\\.getOrganizationFolders: 2 match a folder titled "Cameras" in Watcher organization ${externalId}: ${camerasFolderId} "Cameras", ${twin} "Cameras"`));
    expect(two.message + two.stderr).not.toContain(sandbox.vsaas.watcherApiKey);
    write("bad.ts", ['export const f = vsaas.getOrganizationFolders({ watcherOrganizationId: 0 } as never);']);
    const bad = (await runProgramUnderMocks({ programFile: "bad.ts", cwd: programDir, config, secretConfigKeys }).catch((e: unknown) => e)) as ProgramRunError;
    expect(bad.message).toMatch(/vsaas\.getOrganizationFolders: invalid arguments: watcherOrganizationId must be a Watcher organization id \(1 or more\)/);
  });

  it("name the configuration the Watcher needs when it is missing", async () => {
    write("unset.ts", ["export const f = vsaas.getOrganizationFolders({ watcherOrganizationId: 774 });"]);
    const { "vsaas:watcherUrl": _u, "vsaas:watcherApiKey": _k, ...billingOnly } = config;
    const error = (await runProgramUnderMocks({ programFile: "unset.ts", cwd: programDir, config: billingOnly, env: { VSAAS_WATCHER_URL: "", VSAAS_WATCHER_API_KEY: "" } }).catch((e: unknown) => e)) as ProgramRunError;
    expect(error.message).toMatch(/vsaas:watcherUrl is not set\. Set it with `pulumi config set vsaas:watcherUrl <value>` or the VSAAS_WATCHER_URL environment variable/);
    expect(error.message).toMatch(/vsaas:watcherApiKey is not set\. Set it with `pulumi config set --secret vsaas:watcherApiKey <value>`/);
  });
});
