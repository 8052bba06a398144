import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, USR_PASSWORD_COLUMNS, type RunningSandbox } from "../../sandbox";
import { copyExampleProgram } from "../harness/example-program";
import { ProgramRunError, runProgramUnderMocks } from "../harness/program-under-mocks";

/**
 * The billing functions as a program calls them (the SDK's `billing.*`, from the packed package),
 * run under pulumi mocks in its own process, against the billing emulator seeded with subscribers.
 */
const PASSWORD = "test-only-program-billing-pw";
const SECRET_KEYS = ["billing:password", "billing:clientKey"];
let sandbox: RunningSandbox;
let programDir: string;
let config: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ billing: { password: PASSWORD, seed: { subscribers: 60, subscribersPerHome: 30 } } });
  config = Object.fromEntries(sandbox.pulumiConfig.filter((e) => e.key.startsWith("billing:")).map((e) => [e.key, e.value]));
  programDir = copyExampleProgram("billing", "program-billing-functions");
  fs.writeFileSync(
    path.join(programDir, "lookups.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { billing } from "pulumi-telecom";',
      "const config = new pulumi.Config();",
      "// What a pipeline does: the subscribers of a contract range, then one by contract number.",
      'const range = billing.findSubscribers({ contractNumberFrom: config.require("from"), contractNumberTo: config.require("to") });',
      "export const contracts = range.then((list) => list.map((s) => s.contractNumber));",
      "export const subscribers = range;",
      'export const one = billing.getSubscriberOutput({ contractNumber: pulumi.output("D-000012") });',
      'export const homes = billing.getHomes({ street: "улица Ленина" }).then((list) => list.map((h) => h.id));',
      "export const switches = billing.getSwitchesOutput({ homeId: 101 });",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(programDir, "missing.ts"), ['import { billing } from "pulumi-telecom";', 'export const nobody = billing.getSubscriber({ login: "nobody-at-all" });'].join("\n"));
}, 120_000);

afterAll(() => sandbox?.stop());

/** Every password-like value the billing holds (subscribers' and switches'). */
function billingPasswords(): string[] {
  const e = sandbox.billing.emulator;
  return [
    ...e.users.list().flatMap((u) => USR_PASSWORD_COLUMNS.map((c) => u[c])),
    ...e.switches.list().flatMap((s) => [s.PSW_SNMP, s.PSW_SSH, s.PSW_TELNET]),
  ].filter((v): v is string => typeof v === "string" && v.length > 0);
}

describe("billing functions in a program under mocks", () => {
  it("answers a contract range, one subscriber, homes and switches — and no password anywhere in the results or the program's output", async () => {
    const run = await runProgramUnderMocks({ programFile: "lookups.ts", cwd: programDir, config: { ...config, "billing-example:from": "D-000010", "billing-example:to": "D-000014" }, secretConfigKeys: SECRET_KEYS });
    expect(run.exports["contracts"]).toEqual(["D-000010", "D-000011", "D-000012", "D-000013", "D-000014"]);
    expect(run.exports["one"]).toMatchObject({ login: "d000012", contractNumber: "D-000012", homeId: 101, switchId: 501, enabled: true });
    expect(run.exports["homes"]).toEqual([101]);
    expect(run.exports["switches"]).toEqual([{ id: 501, homeId: 101, name: "улица Ленина, 1: коммутатор 1", ip: "10.200.0.1", switchType: "D-Link DES-3200-28", portsCount: 28 }]);
    const passwords = billingPasswords();
    expect(passwords.length).toBeGreaterThan(100);
    const everything = [JSON.stringify(run.exports), run.stdout, run.stderr, JSON.stringify(sandbox.billing.emulator.log.entries())].join("\n");
    for (const secret of [...passwords, PASSWORD]) expect(everything).not.toContain(secret);
    expect(sandbox.billing.emulator.dhcpRestarts).toBe(0);
  });

  it("runs the example's lookup knob against the billing", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "billing-example:lookupContract": "D-000007" },
      secretConfigKeys: SECRET_KEYS,
    });
    expect(run.exports["subscriberLogin"]).toBe("d000007");
  });

  it("fails the program with the function's message when nothing matches", async () => {
    const error = await runProgramUnderMocks({ programFile: "missing.ts", cwd: programDir, config, secretConfigKeys: SECRET_KEYS }).then(
      () => undefined,
      (e: unknown) => e as ProgramRunError,
    );
    expect(error).toBeInstanceOf(ProgramRunError);
    expect(error!.message).toContain('billing.getSubscriber: nothing matches login "nobody-at-all".');
    expect(error!.message + error!.stderr).not.toContain(PASSWORD);
  });
});
