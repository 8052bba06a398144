import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import {
  CONTRACTS,
  FROM_BILLING_SANDBOX,
  FROM_BILLING_SUBSCRIBERS,
  fromBillingConfig,
  fromBillingSecrets,
  PROJECT,
  RANGE,
  resourcesOf,
  seedFromBilling,
  type FromBillingSeed,
} from "../engine/from-billing-lifecycle";
import { copyExampleProgram } from "../harness/example-program";
import { ProgramRunError, runProgramUnderMocks, type Registration } from "../harness/program-under-mocks";
import { UNKNOWN } from "../harness/provider-host";
import { typecheckProgram } from "../harness/typecheck-program";

/**
 * examples/from-billing under pulumi mocks, installed against the packed package. Resources are
 * mocked; the lookups (billing.findSubscribers, stalker.getChannels, hikconnect.getTimeZones) run
 * in the program's process against the sandbox, seeded with 50 subscribers in the range and
 * neighbours around it. The lifecycle through the real CLI is from-billing-lifecycle.test.ts.
 */
let sandbox: RunningSandbox;
let seed: FromBillingSeed;
let programDir: string;
let config: Record<string, string>;
let secretConfigKeys: string[];

beforeAll(async () => {
  sandbox = await startSandbox(FROM_BILLING_SANDBOX);
  seed = seedFromBilling(sandbox);
  programDir = copyExampleProgram("from-billing", "program-from-billing");
  const entries = [...sandbox.pulumiConfig.filter((e) => /^(billing|stalker|hikconnect):/.test(e.key)), ...fromBillingConfig(sandbox)];
  config = Object.fromEntries(entries.map((e) => [e.key, e.value]));
  secretConfigKeys = entries.filter((e) => e.secret).map((e) => e.key);
}, 60_000);
afterAll(() => sandbox?.stop());

const run = (extra: Record<string, string> = {}, options: { preview?: boolean } = {}) =>
  runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: { ...config, ...extra }, secretConfigKeys, timeoutMs: 120_000, mockOutputs: MOCK_OUTPUTS, ...options });

/** What a created camera reports (the mocks echo inputs; the program reads the channels). */
const MOCK_OUTPUTS = { "pulumi-nodejs:dynamic/hikconnect:Device": { cameraChannels: [{ id: "mock-channel-1", name: "Camera 01", no: 1, online: true }] } };

/** Registrations by name, without the provider text (the same for every resource of a kind). */
const byName = (registrations: Registration[]) => Object.fromEntries(registrations.map(({ name, type, inputs: { __provider, ...inputs } }) => [name, { type, inputs }]));

const logs = () => ({
  billing: sandbox.billing.emulator.log.entries().map((e) => e.route),
  stalker: sandbox.stalker.emulator.log.entries().map((e) => `${e.method} ${e.path}`),
  hikconnect: sandbox.hikconnect.emulator.log.entries().map((e) => e.route),
});
const clearLogs = () => {
  for (const vendor of ["billing", "stalker", "hikconnect"] as const) sandbox[vendor].emulator.log.clear();
};

describe("examples/from-billing under mocks", () => {
  it("registers, for each subscriber of the range, its IPTV and camera site, named after the contract number, from the billing's data", async () => {
    clearLogs();
    const result = await run();
    const expected = CONTRACTS.flatMap(resourcesOf).map((r) => [r.name, `pulumi-nodejs:dynamic/${r.resource.definition.token}`]);
    // Registered as their inputs resolve (not in program order): compared as a set.
    expect(result.registrations.map((r) => [r.name, r.type]).sort()).toEqual(expected.sort());
    expect(result.registrations).toHaveLength(5 * FROM_BILLING_SUBSCRIBERS);
    const resources = byName(result.registrations);
    const first = CONTRACTS[0]!;
    const row = sandbox.billing.emulator.users.get(seed.subscribers.get(first)!.userId)!;
    expect(resources[`tv-${first}`]!.inputs).toEqual({
      login: row.LOGIN,
      fullName: row.NAME,
      phone: row.SMS,
      accountNumber: first,
      tariffPlan: "FULL",
      active: true,
      stbMac: row.STB_MAC,
    });
    // "Discovery Channel" and "Eurosport 1", looked up once in Stalker's channel list.
    expect(resources[`channels-${first}`]!.inputs).toEqual({ login: `tv-${first}-id`, mac: row.STB_MAC, channels: ["27", "41"] });
    expect(resources[`site-${first}`]!.inputs).toEqual({ name: first, onDestroy: "retain", __adopt: true });
    const { verifyCode, ...device } = resources[`camera-${first}`]!.inputs;
    // Moscow: id 21 on the platform. The name: contract and the billing's name, 32 characters at most.
    expect(device).toEqual({ serialNo: seed.cameras.get(first)!.serialNo, name: `${first} ${row.NAME}`.slice(0, 32), timeZoneId: "21" });
    expect(JSON.stringify(verifyCode)).toContain(seed.cameras.get(first)!.verifyCode);
    expect(resources[`camera-${first}-1`]!.inputs).toEqual({ areaId: `site-${first}-id`, channelId: "mock-channel-1", name: `${first} camera 1` });
    expect(result.registrations.find((r) => r.name === `camera-${first}`)!.secretInputKeys).toContain("verifyCode");
    // Nothing of the billing's passwords, and no credential, anywhere in what the program registered or exported.
    const everything = JSON.stringify(result.registrations) + JSON.stringify(result.exports) + result.stdout + result.stderr;
    const leaked = fromBillingSecrets(sandbox).filter((secret) => !isVerifyCode(secret) && everything.includes(secret));
    expect(leaked, "a password or key in the registrations").toEqual([]);
    expect(result.exports).toMatchObject({ subscribers: 50, contracts: CONTRACTS });
    // Reads only: the billing's search (one CLN_USR_FIND_2, a CLN_USR_GET per candidate), one channel list, one time-zone list.
    const calls = logs();
    expect(calls.billing.filter((p) => !["CLN_AUTH_LOGIN", "CLN_USR_FIND_2", "CLN_USR_GET"].includes(p ?? ""))).toEqual([]);
    expect(calls.billing.filter((p) => p === "CLN_USR_FIND_2")).toHaveLength(1);
    // billing:contractNumberSearch "exact" (the default): every subscriber is read, the neighbours too.
    expect(calls.billing.filter((p) => p === "CLN_USR_GET")).toHaveLength(FROM_BILLING_SUBSCRIBERS + 2);
    expect(calls.stalker).toEqual(["GET /stalker_portal/api/itv/"]);
    expect(calls.hikconnect).toEqual(["token/get", "timezone/get"]);
  }, 180_000);

  it("names every resource after its contract number: billing rows in another order register the same resources", async () => {
    const before = byName((await run()).registrations);
    // Two subscribers re-entered in the billing (new user IDs: they now come last in every answer).
    const moved = [CONTRACTS[0]!, CONTRACTS[17]!];
    for (const contract of moved) {
      const s = seed.subscribers.get(contract)!;
      const { USER_ID: _id, ...columns } = sandbox.billing.emulator.users.get(s.userId)!;
      sandbox.billing.emulator.users.delete(s.userId);
      s.userId = sandbox.billing.emulator.users.add(columns).USER_ID as number;
    }
    const after = byName((await run()).registrations);
    expect(after).toEqual(before);
  }, 180_000);

  it("leaves out a subscriber deleted in the billing, switches the TV off for a disabled one, and follows a new set-top box", async () => {
    const [deleted, disabled, newBox] = [CONTRACTS[5]!, CONTRACTS[6]!, CONTRACTS[7]!];
    const users = sandbox.billing.emulator.users;
    const original = [deleted, disabled, newBox].map((c) => users.get(seed.subscribers.get(c)!.userId)!);
    users.patch(seed.subscribers.get(deleted)!.userId, { DELETED: 1 });
    users.patch(seed.subscribers.get(disabled)!.userId, { ENABLED: 0 });
    users.patch(seed.subscribers.get(newBox)!.userId, { STB_MAC: "00:1a:79:ff:00:07" });
    try {
      const resources = byName((await run()).registrations);
      expect(Object.keys(resources).filter((name) => name.includes(deleted))).toEqual([]);
      expect(Object.keys(resources)).toHaveLength(5 * (FROM_BILLING_SUBSCRIBERS - 1));
      expect(resources[`tv-${disabled}`]!.inputs).toMatchObject({ active: false });
      expect(resources[`tv-${newBox}`]!.inputs).toMatchObject({ stbMac: "00:1a:79:ff:00:07" });
      expect(resources[`channels-${newBox}`]!.inputs).toMatchObject({ mac: "00:1a:79:ff:00:07" });
    } finally {
      for (const row of original) users.patch(Number(row.USER_ID), { DELETED: row.DELETED, ENABLED: row.ENABLED, STB_MAC: row.STB_MAC });
    }
  }, 180_000);

  it("gives one subscriber the extra channels configured for its contract, and maps billing tariffs to Stalker tariff plans", async () => {
    const tariff = sandbox.billing.emulator.users.get(seed.subscribers.get(CONTRACTS[1]!)!.userId)!.TARIF_TXT as string;
    const resources = byName(
      (await run({ [`${PROJECT}:extraChannels`]: JSON.stringify({ [CONTRACTS[1]!]: ["Eurosport 2"] }), [`${PROJECT}:tariffPlans`]: JSON.stringify({ [tariff]: "STANDART" }) })).registrations,
    );
    expect(resources[`channels-${CONTRACTS[1]}`]!.inputs["channels"]).toEqual(["27", "41", "42"]);
    expect(resources[`channels-${CONTRACTS[2]}`]!.inputs["channels"]).toEqual(["27", "41"]);
    expect(resources[`tv-${CONTRACTS[1]}`]!.inputs["tariffPlan"]).toBe("STANDART");
  }, 180_000);

  it("refuses a range that finds nobody (it would deprovision everything), one that finds too many, and a camera without its code", async () => {
    const empty = await run({ [`${PROJECT}:contractFrom`]: "D-900000", [`${PROJECT}:contractTo`]: "D-900009" }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(ProgramRunError);
    expect((empty as ProgramRunError).message).toMatch(/no subscriber with a contract number from D-900000 to D-900009: refusing to deprovision everything .* set allowEmpty/);
    const allowed = await run({ [`${PROJECT}:contractFrom`]: "D-900000", [`${PROJECT}:contractTo`]: "D-900009", [`${PROJECT}:allowEmpty`]: "true" });
    expect(allowed.registrations).toEqual([]);
    const many = await run({ [`${PROJECT}:maxSubscribers`]: "10" }).catch((e: unknown) => e);
    expect((many as ProgramRunError).message).toMatch(new RegExp(`the range ${RANGE.from} … ${RANGE.to} has 50 subscribers, more than maxSubscribers \\(10\\)`));
    const reversed = await run({ [`${PROJECT}:contractFrom`]: RANGE.to, [`${PROJECT}:contractTo`]: RANGE.from }).catch((e: unknown) => e);
    expect((reversed as ProgramRunError).message).toMatch(/contractNumberFrom "D-000149" is after contractNumberTo "D-000100"/);
    const cameras = JSON.parse(config[`${PROJECT}:cameras`]!) as Record<string, { serialNo: string; channels?: unknown }>;
    cameras[CONTRACTS[4]!]!.channels = "four";
    const badCount = await run({ [`${PROJECT}:cameras`]: JSON.stringify(cameras) }).catch((e: unknown) => e);
    expect((badCount as ProgramRunError).message).toContain(`cameras.${CONTRACTS[4]}.channels must be a whole number from 1 to 256 (the device's camera channels), not "four"`);
    const codes = JSON.parse(config[`${PROJECT}:cameraVerifyCodes`]!) as Record<string, string>;
    delete codes[CONTRACTS[4]!];
    const noCode = await run({ [`${PROJECT}:cameraVerifyCodes`]: JSON.stringify(codes) }).catch((e: unknown) => e);
    expect((noCode as ProgramRunError).message).toContain(`no verification code for the camera of ${CONTRACTS[4]}: pulumi config set --secret --path 'cameraVerifyCodes.${CONTRACTS[4]}'`);
  }, 300_000);

  it("leaves ids and read-back outputs unknown during preview", async () => {
    const preview = await run({}, { preview: true });
    expect(preview.registrations).toHaveLength(5 * FROM_BILLING_SUBSCRIBERS);
    const tvLogins = preview.exports["tvLogins"] as Record<string, unknown>;
    expect(tvLogins[CONTRACTS[0]!]).toBe(UNKNOWN);
  }, 180_000);

  it("type-checks (strict) against the packed package's declarations", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import { billing } from "pulumi-telecom";',
        'export const logins: Promise<Array<string | undefined>> = billing.findSubscribers({ contractNumberFrom: "D-000100", contractNumberTo: "D-000149" }).then((l) => l.map((s) => s.login));',
        'export const mac: Promise<string | undefined> = billing.getSubscriber({ contractNumber: "D-000100" }).then((s) => s.stbMac);',
        "// @ts-expect-error the answer carries no password",
        'billing.getSubscriber({ contractNumber: "D-000100" }).then((s) => s.password);',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  }, 120_000);
});

function isVerifyCode(secret: string): boolean {
  return [...seed.cameras.values()].some((c) => c.verifyCode === secret);
}
