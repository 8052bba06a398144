import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHikConnectEmulator, type HikConnectEmulator } from "../../sandbox/hikconnect";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/**
 * The Hik-Connect example, installed against the packed package, run under pulumi.runtime.setMocks.
 * Resources are mocked; the time zone look-up (a function, run in the program's own process) asks
 * a Hik-Connect emulator, as it would ask Hik-Connect.
 */
let programDir: string;
let emulator: HikConnectEmulator;
let config: Record<string, string>;
const secretConfigKeys = ["hikconnect:secretKey", "hikconnect-example:verifyCode", "hikconnect-example:devicePassword"];

beforeAll(async () => {
  programDir = copyExampleProgram("hikconnect", "program-hikconnect");
  emulator = await startHikConnectEmulator({ appKey: "mock-only-ak", secretKey: "mock-only-sk", rateLimit: { limit: 100 } });
  config = {
    "hikconnect:url": emulator.url,
    "hikconnect:appKey": "mock-only-ak",
    "hikconnect:secretKey": "mock-only-sk",
    "hikconnect-example:serialNo": "G81652987",
    "hikconnect-example:verifyCode": "MOCKCD",
  };
});
afterAll(() => emulator.stop());

describe("examples/hikconnect under mocks", () => {
  it("registers the site, the device with the time zone found by name, and its channel in the site; the code kept secret", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys });
    expect(run.registrations.map((r) => [r.name, r.type])).toEqual([
      ["site", "pulumi-nodejs:dynamic/hikconnect:Area"],
      ["front-door", "pulumi-nodejs:dynamic/hikconnect:Device"],
      ["front-door-camera", "pulumi-nodejs:dynamic/hikconnect:AreaCamera"],
    ]);
    const [site, cam, channel] = run.registrations;
    expect(site!.inputs).toMatchObject({ name: "Front door site", onDestroy: "retain", __adopt: true });
    expect(cam!.secretInputKeys).toContain("verifyCode");
    expect(cam!.additionalSecretOutputs).toEqual(expect.arrayContaining(["verifyCode", "password", "streamSecretKey"]));
    const { __provider, verifyCode, password: _password, ...inputs } = cam!.inputs;
    // "Berlin" is listed by W. Europe Standard Time, id 26 on the platform.
    expect(inputs).toEqual({ serialNo: "G81652987", name: "Front door", timeZoneId: "26", userName: "admin" });
    expect(JSON.stringify(verifyCode)).toContain("MOCKCD"); // wrapped as a secret
    expect(channel!.inputs).toMatchObject({ areaId: "site-id", name: "Front door" });
    for (const r of run.registrations) {
      expect(typeof r.inputs["__provider"]).toBe("string");
      expect(r.providerSize).toBeLessThan(4096);
      expect(r.provider).not.toContain("mock-only-sk");
      expect(r.provider).not.toContain(emulator.url);
    }
    expect(typeof __provider).toBe("string");
    expect(run.exports).toMatchObject({ deviceId: "front-door-id", siteId: "site-id", timeZoneId: "26" });
    expect(emulator.log.entries().map((e) => e.route)).toEqual(["token/get", "timezone/get"]);
  });

  it("takes the example's knobs from stack config: another time zone by place, names, the device password as a secret", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "hikconnect-example:name": "Back door", "hikconnect-example:devicePassword": "mock-pw", "hikconnect-example:timeZone": "moscow", "hikconnect-example:site": "C-000042 Lenina 42" },
      secretConfigKeys,
    });
    const byName = Object.fromEntries(run.registrations.map((r) => [r.name, r]));
    expect(byName["front-door"]!.inputs).toMatchObject({ name: "Back door", timeZoneId: "21" });
    expect(byName["front-door"]!.secretInputKeys).toEqual(expect.arrayContaining(["verifyCode", "password"]));
    expect(byName["site"]!.inputs).toMatchObject({ name: "C-000042 Lenina 42" });
  });

  it("leaves the ids and every read-back output unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys, preview: true });
    expect(run.registrations).toHaveLength(3);
    expect(run.exports).toEqual({ deviceId: UNKNOWN, model: UNKNOWN, cameraChannels: UNKNOWN, timeZoneId: "26", siteId: UNKNOWN, cameraId: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject wrongly typed inputs and arguments", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { HikArea, HikAreaCamera, HikDevice, hikconnect, type HikDeviceArgs } from "pulumi-telecom";',
        "const args: HikDeviceArgs = {",
        '  serialNo: "G81652987", verifyCode: pulumi.secret("MOCKCD"), name: pulumi.output("Hall"), timeZoneId: "26",',
        '  category: "encodingDevice", applyTimeZoneToDevice: false, importToArea: { enable: true },',
        "};",
        'const d = new HikDevice("typed", args);',
        "export const id: pulumi.Output<string> = d.id;",
        "export const deviceId: pulumi.Output<string> = d.deviceId;",
        "export const channels: pulumi.Output<Array<{ id: string; name: string; no: number; online: boolean }>> = d.cameraChannels;",
        'const a = new HikArea("a", { name: "Site", parentAreaId: "-1", onDestroy: "fail" });',
        'const c = new HikAreaCamera("c", { areaId: a.id, channelId: d.cameraChannels.apply((x) => x[0]!.id), name: "Door" });',
        "export const cameraId: pulumi.Output<string> = c.cameraId;",
        "export const channelNo: pulumi.Output<number> = c.channelNo;",
        'export const tz: Promise<string> = hikconnect.getTimeZones({ utcOffset: "+03:00", name: "Moscow" }).then((z) => z.id);',
        'export const area: pulumi.Output<string> = hikconnect.getAreasOutput({ name: "Site", parentAreaId: pulumi.output("-1") }).id;',
        "// @ts-expect-error category must be one of the Device Category values",
        'new HikDevice("bad", { ...args, category: "camera" });',
        "// @ts-expect-error serialNo is required",
        'new HikDevice("bad2", { verifyCode: "x", name: "n", timeZoneId: "26" });',
        "// @ts-expect-error onDestroy is fail or retain",
        'new HikArea("bad3", { name: "x", onDestroy: "delete" });',
        "// @ts-expect-error getTimeZones has no such argument",
        'hikconnect.getTimeZones({ city: "Berlin" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});
