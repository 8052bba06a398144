import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/** The main example (one subscriber in five systems), installed against the packed package, under mocks. */
let programDir: string;
const config = {
  "subscriber-example:cameraSerial": "SBX000002",
  "subscriber-example:cameraVerifyCode": "MOCKCD",
  "subscriber-example:tvPassword": "mock-only-tv-pw",
};
const secretConfigKeys = ["subscriber-example:cameraVerifyCode", "subscriber-example:tvPassword"];

beforeAll(() => {
  programDir = copyExampleProgram("subscriber", "program-subscriber");
});

describe("examples/subscriber under mocks", () => {
  it("registers one resource per system, sharing the contract number, with secrets marked", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys });
    const byName = Object.fromEntries(run.registrations.map((r) => [r.name, r]));
    expect(Object.fromEntries(run.registrations.map((r) => [r.name, r.type]))).toEqual({
      home: "pulumi-nodejs:dynamic/billing:Home",
      video: "pulumi-nodejs:dynamic/forpost:Account",
      cloud: "pulumi-nodejs:dynamic/vsaas:Organization",
      camera: "pulumi-nodejs:dynamic/hikconnect:Device",
      tv: "pulumi-nodejs:dynamic/stalker:Account",
    });
    expect(byName.video!.inputs.contractNumber).toBe("C-1001");
    expect(byName.tv!.inputs.accountNumber).toBe("C-1001");
    expect(byName.cloud!.inputs.title).toBe("Ivan Petrov (C-1001)");
    expect(byName.home!.inputs).toMatchObject({ street: "улица Ленина", number: 12, city: "Казань" });
    expect(byName.camera!.inputs).toMatchObject({ serialNo: "SBX000002", verifyCode: "MOCKCD" });
    expect(byName.camera!.secretInputKeys).toContain("verifyCode");
    expect(byName.tv!.secretInputKeys).toContain("password");
    for (const r of run.registrations) {
      expect(r.providerSize).toBeLessThan(4096);
      expect(r.provider).not.toContain("MOCKCD");
      expect(r.provider).not.toContain("mock-only-tv-pw");
    }
    expect(run.exports).toMatchObject({ billingHomeId: "home-id", forpostAccountId: "video-id", tvLogin: "tv-id" });
  });

  it("refuses to run without the camera's serial number, naming the config key", async () => {
    const run = runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: {} });
    await expect(run).rejects.toThrow(/cameraSerial/);
  });

  it("leaves ids and read-back outputs unknown during preview", async () => {
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config, secretConfigKeys, preview: true });
    expect(run.registrations).toHaveLength(5);
    expect(run.exports.billingHomeId).toBe(UNKNOWN);
    expect(run.exports.watcherOrganizationId).toBe(UNKNOWN);
  });

  it("type-checks against the packed package's declarations", async () => {
    expect(await typecheckProgram(programDir, ["index.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});
