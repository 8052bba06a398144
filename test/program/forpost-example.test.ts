import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startForpostEmulator, type ForpostEmulator } from "../../sandbox/forpost";
import { copyExampleProgram } from "../harness/example-program";
import { ProgramRunError, runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { ACME_INPUTS } from "../fixtures/forpost-acme";

/**
 * The Forpost example, installed against the packed package, run under pulumi.runtime.setMocks.
 * Its lookups (forpost.getTariffs, getMasters, getRecordTypes) run in the program's process and
 * ask a real Forpost: here the emulator.
 */
const ADMIN_PASSWORD = "mock-only-admin-pw";
const USER_PASSWORD = "mock-only-user-pw";
let programDir: string;
let emulator: ForpostEmulator;
let config: Record<string, string>;
const secretConfigKeys = ["forpost:adminPassword", "forpost-example:userPassword"];

beforeAll(async () => {
  programDir = copyExampleProgram("forpost", "program-forpost");
  emulator = await startForpostEmulator({ adminLogin: "api-admin", adminPassword: ADMIN_PASSWORD });
  config = { "forpost:url": emulator.url, "forpost:adminLogin": "api-admin", "forpost:adminPassword": ADMIN_PASSWORD };
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

const run = (extra: Record<string, string> = {}, options: { preview?: boolean; programFile?: string } = {}) =>
  runProgramUnderMocks({ programFile: options.programFile ?? "index.ts", cwd: programDir, config: { ...config, ...extra }, secretConfigKeys, preview: options.preview ?? false });

describe("examples/forpost under mocks", () => {
  it("registers the account and the camera, with ids from Forpost's lists looked up by name", async () => {
    const result = await run();
    expect(result.registrations.map((r) => `${r.type} ${r.name}`)).toEqual([
      "pulumi-nodejs:dynamic/forpost:Account acme",
      "pulumi-nodejs:dynamic/forpost:Camera front-door",
    ]);
    const [acct, camera] = result.registrations;
    const { __provider, ...inputs } = acct!.inputs;
    expect(inputs).toEqual(ACME_INPUTS);
    expect(typeof __provider).toBe("string");
    expect(acct!.providerSize).toBeLessThan(4096);
    expect(camera!.inputs).toMatchObject({ accountId: "acme-id", name: "Front door", masterId: 1, recordTypeId: 1, ipOrDomain: "192.0.2.10", port: 554 });
    for (const r of result.registrations) {
      expect(r.provider).not.toContain(ADMIN_PASSWORD);
      expect(r.provider).not.toContain(emulator.url);
    }
    expect(result.exports).toMatchObject({ forpostAccountId: "acme-id", forpostCameraId: "front-door-id" });
    expect(result.stdout + result.stderr).toContain("no userPassword configured");
    // The lookups asked Forpost once each, and read only.
    expect(emulator.log.entries().map((e) => e.route).sort()).toEqual(["GetMasters", "GetRecordTypes", "GetTariffs", "GetTariffs"]);
  });

  it("with a userPassword, adds the viewer (password secret) and its access to the camera", async () => {
    const result = await run({ "forpost-example:userPassword": USER_PASSWORD });
    // Registration order follows when each resource's inputs resolve: find them by name.
    const viewer = result.registrations.find((r) => r.name === "viewer");
    const access = result.registrations.find((r) => r.name === "viewer-front-door");
    expect(result.registrations).toHaveLength(4);
    expect(viewer).toMatchObject({ type: "pulumi-nodejs:dynamic/forpost:User", name: "viewer", secretInputKeys: ["password"] });
    expect(viewer!.additionalSecretOutputs).toContain("password");
    expect(viewer!.inputs).toMatchObject({ accountId: "acme-id", login: "acme-viewer", password: USER_PASSWORD, isReadOnly: true });
    expect(access).toMatchObject({ type: "pulumi-nodejs:dynamic/forpost:UserCameraAccess", name: "viewer-front-door" });
    expect(access!.inputs).toMatchObject({ userId: "viewer-id", cameraId: "front-door-id", review: true, viewArchive: true });
    expect(result.exports.forpostUserLogin).toBe("acme-viewer");
    for (const r of result.registrations) expect(r.provider ?? "").not.toContain(USER_PASSWORD);
  });

  it("takes the example's knobs from stack config", async () => {
    const result = await run({ "forpost-example:maxCameraCount": "16", "forpost-example:name": "ACME Holding", "forpost-example:cluster": "Казань-1", "forpost-example:defaultTariff": "Архив 7 дней" });
    expect(result.registrations.find((r) => r.name === "acme")!.inputs).toMatchObject({ maxCameraCount: 16, name: "ACME Holding", defaultCameraTariffId: 1 });
    expect(result.registrations.find((r) => r.name === "front-door")!.inputs).toMatchObject({ masterId: 2 });
  });

  it("leaves the id and every read-back output unknown during preview", async () => {
    const result = await run({}, { preview: true });
    expect(result.registrations).toHaveLength(2);
    expect(result.exports).toEqual({ forpostAccountId: UNKNOWN, forpostAccountActive: UNKNOWN, forpostCameraId: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { ForpostAccount, ForpostCamera, ForpostUser, ForpostUserCameraAccess, forpost, type ForpostAccountArgs } from "pulumi-telecom";',
        "const args: ForpostAccountArgs = {",
        '  name: pulumi.output("x"), maxCameraCount: 1, maxLoginCount: 1, maxCameraOnlineTranslationCount: 1,',
        "  maxCameraArchivalTranslationCount: 1, maxCameraUserOnlineTranslationCount: 1, maxCameraUserArchivalTranslationCount: 1,",
        "  allowedTariffIds: [pulumi.output(1), 2],",
        "};",
        'const a = new ForpostAccount("typed", args);',
        "export const id: pulumi.Output<string> = a.id;",
        "export const count: pulumi.Output<number | undefined> = a.maxCameraCount;",
        "export const accountId: pulumi.Output<number> = a.accountId;",
        'const u = new ForpostUser("u", { accountId: a.accountId, login: "x", password: pulumi.secret("y") });',
        'const c = new ForpostCamera("c", { accountId: a.id, name: "c", masterId: 1, login: "l", ipOrDomain: "h", port: 554, protocol: "rtsp", streamPath: "/p" });',
        'new ForpostUserCameraAccess("x", { userId: u.id, cameraId: c.cameraId, review: true, viewArchive: false });',
        "export const userId: pulumi.Output<number> = u.userId;",
        "export const groups: pulumi.Output<number[]> = c.groupIds;",
        'export const tariff: Promise<number[]> = forpost.getTariffs({ name: "t" }).then((r) => r.ids);',
        'export const protocols: pulumi.Output<string[]> = forpost.getProtocolsOutput().ids;',
        'export const model: pulumi.Output<string> = forpost.getCameraModelsOutput({ brand: pulumi.output("b") }).items[0]!.brand;',
        "// @ts-expect-error maxLoginCount must be a number",
        'new ForpostAccount("bad", { ...args, maxLoginCount: "3" });',
        "// @ts-expect-error name is required",
        'new ForpostAccount("bad2", { maxCameraCount: 1 });',
        "// @ts-expect-error review is required",
        'new ForpostUserCameraAccess("bad3", { userId: "1", cameraId: "2", viewArchive: true });',
        "// @ts-expect-error a tariff name is a string",
        "forpost.getTariffs({ name: 3 });",
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"], { checkLibraries: true })).toBe("");
  }, 240_000);
});

describe("forpost functions in a program under mocks", () => {
  const program = [
    'import * as pulumi from "@pulumi/pulumi";',
    'import { forpost } from "pulumi-telecom";',
    "export const tariffs = forpost.getTariffs();",
    'export const tariffByName = forpost.getTariffsOutput({ name: pulumi.output("  архив 14 ДНЕЙ ") });',
    'export const twoTariffs = forpost.getTariffsOutput({ names: ["Архив 30 дней", "Архив 7 дней"] }).ids;',
    'export const cluster = forpost.getMastersOutput({ name: "Казань-1" }).ids[0];',
    'export const model = forpost.getCameraModelsOutput({ brand: "Hikvision", name: "DS-2CD1023G0E-I" });',
    'export const hikvision = forpost.getCameraModelsOutput({ brand: "hikvision" }).ids;',
    'export const motion = forpost.getRecordTypes({ name: "Запись по детектору движения" }).then((r) => r.ids[0]);',
    "export const protocols = forpost.getProtocolsOutput().ids;",
    'export const tcp = forpost.getRtspTransportsOutput({ name: "TCP" }).ids[0];',
    'export const ptz = forpost.getPtzTypesOutput({ name: "ONVIF PTZ" }).ids[0];',
    'export const ldap = forpost.getAuthProvidersOutput({ name: "LDAP" }).ids[0];',
  ].join("\n");

  it("answer as promises and as Outputs, filtered by name (whole, without case)", async () => {
    fs.writeFileSync(path.join(programDir, "functions.ts"), program);
    const result = await run({}, { programFile: "functions.ts" });
    expect(result.exports).toEqual({
      tariffs: {
        ids: [1, 2, 3],
        items: [
          { id: 1, name: "Архив 7 дней", comment: "Запись в облако, хранение 7 дней", price: 150 },
          { id: 2, name: "Архив 14 дней", comment: "Запись в облако, хранение 14 дней", price: 250 },
          { id: 3, name: "Архив 30 дней", comment: "Запись в облако, хранение 30 дней", price: 400 },
        ],
      },
      tariffByName: { ids: [2], items: [{ id: 2, name: "Архив 14 дней", comment: "Запись в облако, хранение 14 дней", price: 250 }] },
      twoTariffs: [3, 1],
      cluster: 2,
      model: { ids: [102], items: [{ id: 102, name: "DS-2CD1023G0E-I", brandId: 1, brand: "Hikvision" }] },
      hikvision: [101, 102],
      motion: 2,
      protocols: ["rtsp", "mjpeg", "onvif"],
      tcp: "tcp",
      ptz: 1,
      ldap: 2,
    });
    expect(result.secretExportKeys).toEqual([]);
    expect(JSON.stringify(result) + result.stderr).not.toContain(ADMIN_PASSWORD);
    // One call per lookup: the model lookups read models and brands together.
    expect(emulator.log.entries().filter((e) => e.route === "GetCameraModelsAndBrands")).toHaveLength(2);
    expect(emulator.log.entries().map((e) => e.route)).not.toContain("GetCameraModels");
  });

  it("fail with a message naming what was asked and what there is", async () => {
    const calls = [
      'forpost.getCameraModels({ name: "IP Camera" })',
      'forpost.getTariffs({ name: "Безлимит" })',
      'forpost.getTariffs({ name: "" })',
      'forpost.getCameraModels({ brand: "Sony" })',
      'forpost.getMasters({ name: "Атлантида" })',
    ];
    fs.writeFileSync(
      path.join(programDir, "bad-functions.ts"),
      ['import { forpost } from "pulumi-telecom";', "const fails = (p: Promise<unknown>) => p.then(() => \"no error\", (e: Error) => e.message);", ...calls.map((c, i) => `export const e${i} = fails(${c});`)].join("\n"),
    );
    const { exports } = await run({}, { programFile: "bad-functions.ts" });
    expect(exports["e0"]).toMatch(/^forpost\.getCameraModels: 2 match model name "IP Camera": "IP Camera" \(id 402, Beward\), "IP Camera" \(id 501, Generic\)\. Narrow the filter/);
    expect(exports["e1"]).toMatch(/^forpost\.getTariffs: nothing matches tariff name "Безлимит"\. Available: "Архив 7 дней" \(id 1\), "Архив 14 дней" \(id 2\), "Архив 30 дней" \(id 3\)\.$/);
    expect(exports["e2"]).toBe("forpost.getTariffs: invalid arguments: name must not be empty");
    expect(exports["e3"]).toMatch(/^forpost\.getCameraModels: nothing matches brand "Sony"\. Available: "Hikvision" \(id 1\)/);
    expect(exports["e4"]).toBe('forpost.getMasters: nothing matches cluster name "Атлантида". Available: "Москва-1" (id 1), "Казань-1" (id 2).');
  });

  it("names the configuration keys when Forpost refuses the credentials, without echoing them", async () => {
    fs.writeFileSync(path.join(programDir, "functions.ts"), program);
    const error = await run({ "forpost:adminPassword": "wrong-mock-pw" }, { programFile: "functions.ts" }).then(
      () => expect.fail("the program should have failed"),
      (e: ProgramRunError) => e,
    );
    expect(error.message + error.stderr).toMatch(/access denied \(ErrorCode 3[\s\S]*forpost:adminPassword \/ FORPOST_ADMIN_PASSWORD/);
    expect(error.message + error.stderr).not.toContain("wrong-mock-pw");
  });
});
