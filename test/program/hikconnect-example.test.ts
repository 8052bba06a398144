import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";

/** The Hik-Connect example, installed against the packed package, run under pulumi.runtime.setMocks. */
let programDir: string;
const config = {
  "hikconnect:url": "https://ieu.hikcentralconnect.com",
  "hikconnect:appKey": "mock-only-ak",
  "hikconnect:secretKey": "mock-only-sk",
  "hikconnect-example:serialNo": "G81652987",
  "hikconnect-example:verifyCode": "MOCKCD",
};
const secretConfigKeys = ["hikconnect:secretKey", "hikconnect-example:verifyCode", "hikconnect-example:devicePassword"];

beforeAll(() => {
  programDir = copyExampleProgram("hikconnect", "program-hikconnect");
});

describe("examples/hikconnect under mocks", () => {
  it("registers one HikDevice with the example's inputs, the code kept secret, and the provider shim", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys });
    expect(run.registrations).toHaveLength(1);
    const [cam] = run.registrations;
    expect(cam).toMatchObject({ type: "pulumi-nodejs:dynamic/hikconnect:Device", name: "front-door", custom: true });
    expect(cam!.secretInputKeys).toContain("verifyCode");
    expect(cam!.additionalSecretOutputs).toEqual(expect.arrayContaining(["verifyCode", "password", "streamSecretKey"]));
    const { __provider, verifyCode, password: _password, ...inputs } = cam!.inputs;
    expect(inputs).toEqual({ serialNo: "G81652987", name: "Front door", timeZoneId: "26", userName: "admin" });
    expect(JSON.stringify(verifyCode)).toContain("MOCKCD"); // wrapped as a secret
    expect(typeof __provider).toBe("string");
    expect(cam!.providerSize).toBeLessThan(4096);
    expect(cam!.provider).not.toContain("mock-only-sk");
    expect(cam!.provider).not.toContain("hikcentralconnect.com");
    expect(run.exports.deviceId).toBe("front-door-id");
  });

  it("takes the example's knobs from stack config, the device password as a secret", async () => {
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: programDir,
      config: { ...config, "hikconnect-example:name": "Back door", "hikconnect-example:devicePassword": "mock-pw" },
      secretConfigKeys,
    });
    expect(run.registrations[0]!.inputs).toMatchObject({ name: "Back door" });
    expect(run.registrations[0]!.secretInputKeys).toEqual(expect.arrayContaining(["verifyCode", "password"]));
  });

  it("leaves the id and every read-back output unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys, preview: true });
    expect(run.registrations).toHaveLength(1);
    expect(run.exports).toEqual({ deviceId: UNKNOWN, model: UNKNOWN, cameraChannels: UNKNOWN });
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { HikDevice, type HikDeviceArgs } from "pulumi-telecom";',
        "const args: HikDeviceArgs = {",
        '  serialNo: "G81652987", verifyCode: pulumi.secret("MOCKCD"), name: pulumi.output("Hall"), timeZoneId: "26",',
        '  category: "encodingDevice", applyTimeZoneToDevice: false, importToArea: { enable: true },',
        "};",
        'const d = new HikDevice("typed", args);',
        "export const id: pulumi.Output<string> = d.id;",
        "export const deviceId: pulumi.Output<string> = d.deviceId;",
        "export const channels: pulumi.Output<Array<{ id: string; name: string; no: number; online: boolean }>> = d.cameraChannels;",
        "// @ts-expect-error category must be one of the Device Category values",
        'new HikDevice("bad", { ...args, category: "camera" });',
        "// @ts-expect-error serialNo is required",
        'new HikDevice("bad2", { verifyCode: "x", name: "n", timeZoneId: "26" });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts"])).toBe("");
  });
});
