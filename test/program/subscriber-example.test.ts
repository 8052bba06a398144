import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { runWithKnownOutputs, type KnownResource } from "../../scripts/demo/known-outputs";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/**
 * The main example (one subscriber in five systems, able to use every service), installed against
 * the packed package, under mocks. Its lookups (Forpost tariffs, clusters and recording types,
 * VSAAS.IO folders, Hik-Connect time zones, Stalker channels) ask the sandbox; the outputs providers
 * compute (the organization's Watcher id, the user's id, the camera's channels) are given.
 */
let programDir: string;
let sandbox: RunningSandbox;
let known: Record<string, KnownResource>;
let externalId: number;
let folderId: number;
const VIDEO_PW = "mock-only-video-pw";
const CLOUD_PW = "mock-only-cloud-pw";
const own = {
  "subscriber-example:cameraSerial": "SBX000002",
  "subscriber-example:cameraVerifyCode": "MOCKCD",
  "subscriber-example:tvPassword": "mock-only-tv-pw",
  "subscriber-example:videoPassword": VIDEO_PW,
  "subscriber-example:cloudPassword": CLOUD_PW,
};
const ownSecrets = ["cameraVerifyCode", "tvPassword", "videoPassword", "cloudPassword"].map((k) => `subscriber-example:${k}`);
let config: Record<string, string>;
let secretConfigKeys: string[];

beforeAll(async () => {
  programDir = copyExampleProgram("subscriber", "program-subscriber");
  sandbox = await startSandbox();
  config = { ...Object.fromEntries(sandbox.pulumiConfig.map((e) => [e.key, e.value])), ...own };
  secretConfigKeys = [...sandbox.pulumiConfig.filter((e) => e.secret).map((e) => e.key), ...ownSecrets];
  // The organization the mocks say "cloud" is: the folder lookup asks the sandbox for its folders.
  externalId = sandbox.vsaas.emulator.organizations.add({ title: "Ivan Petrov (C-1001)", owner: "ivan.petrov@example.org", tariff_plans: [549] })["external_id"] as number;
  folderId = sandbox.vsaas.emulator.watcher.folders(externalId)[0]!["id"] as number;
  known = {
    cloud: { id: "cloud-id", outputs: { externalId } },
    "cloud-login": { id: "cloud-login-id", outputs: { userId: 4242 } },
    "cloud-member": { id: `${externalId}/4242` },
    camera: { id: "camera-id", outputs: { cameraChannels: [{ id: "CH-0001", name: "Camera 01", no: 1, online: true }], model: "DS-2CD2043G2-I" } },
  };
}, 120_000);
afterAll(() => sandbox?.stop());

const run = (extra: Record<string, string> = {}, preview = false) =>
  runWithKnownOutputs(preview ? {} : known, { cwd: programDir, config: { ...config, ...extra }, secretConfigKeys, preview });

describe("examples/subscriber under mocks", () => {
  it("registers what the subscriber needs in each system, sharing the contract number, with ids looked up by name and secrets marked", async () => {
    const result = await run();
    const byName = Object.fromEntries(result.registrations.map((r) => [r.name, r]));
    expect(Object.fromEntries(result.registrations.map((r) => [r.name, r.type]))).toEqual({
      home: "pulumi-nodejs:dynamic/billing:Home",
      "home-switch": "pulumi-nodejs:dynamic/billing:Switch",
      video: "telecom:index:VideoSubscriber",
      "video-account": "pulumi-nodejs:dynamic/forpost:Account",
      "video-admin": "pulumi-nodejs:dynamic/forpost:User",
      "video-camera-front-door": "pulumi-nodejs:dynamic/forpost:Camera",
      cloud: "pulumi-nodejs:dynamic/vsaas:Organization",
      "cloud-login": "pulumi-nodejs:dynamic/vsaas:User",
      "cloud-member": "pulumi-nodejs:dynamic/vsaas:OrganizationUser",
      "cloud-cameras": "pulumi-nodejs:dynamic/vsaas:FolderAccess",
      camera: "pulumi-nodejs:dynamic/hikconnect:Device",
      site: "pulumi-nodejs:dynamic/hikconnect:Area",
      "site-camera": "pulumi-nodejs:dynamic/hikconnect:AreaCamera",
      tv: "pulumi-nodejs:dynamic/stalker:Account",
      "tv-channels": "pulumi-nodejs:dynamic/stalker:ChannelSubscription",
    });
    // Forpost, through VideoSubscriber: the tariffs, cluster and recording type found by name.
    expect(byName["video-account"]!.inputs).toMatchObject({ contractNumber: "C-1001", maxCameraCount: 8, allowedTariffIds: [1, 2], defaultCameraTariffId: 2 });
    expect(byName["video-account"]!.parent).toMatch(/telecom:index:VideoSubscriber::video$/);
    expect(byName["video-admin"]!.inputs).toMatchObject({ accountId: "video-account-id", login: "ivan-petrov", isReadOnly: false, password: VIDEO_PW });
    expect(byName["video-admin"]!.secretInputKeys).toContain("password");
    expect(byName["video-camera-front-door"]!.inputs).toMatchObject({ accountId: "video-account-id", name: "Front door", masterId: 1, recordTypeId: 1, skipReachabilityCheck: true });
    // VSAAS.IO: the login joins the subscriber's organization and gets its "Cameras" folder, found in the sandbox.
    expect(byName["cloud"]!.inputs["title"]).toBe("Ivan Petrov (C-1001)");
    expect(byName["cloud-login"]!.inputs).toMatchObject({ login: "ivan.petrov.watcher@example.org", leaveDefaultOrganization: true });
    expect(byName["cloud-login"]!.secretInputKeys).toContain("password");
    expect(byName["cloud-member"]!.inputs).toMatchObject({ watcherOrganizationId: externalId, userId: 4242 });
    expect(byName["cloud-cameras"]!.inputs).toMatchObject({ membershipId: `${externalId}/4242`, folderId, canViewDvr: true });
    // Hik-Connect: the time zone by place (Moscow: id 21), the camera's channel in the site's area.
    expect(byName["camera"]!.inputs).toMatchObject({ serialNo: "SBX000002", verifyCode: "MOCKCD", timeZoneId: "21" });
    expect(byName["camera"]!.secretInputKeys).toContain("verifyCode");
    expect(byName["site"]!.inputs).toMatchObject({ name: "C-1001 улица Ленина 12", onDestroy: "retain", __adopt: true });
    expect(byName["site-camera"]!.inputs).toMatchObject({ areaId: "site-id", channelId: "CH-0001", name: "Front door" });
    // Billing: the switch in the home. Stalker: the box's channels by name, addressed by its MAC.
    expect(byName["home"]!.inputs).toMatchObject({ street: "улица Ленина", number: 12, city: "Казань" });
    expect(byName["home-switch"]!.inputs).toMatchObject({ name: "улица Ленина 12А: подъезд 1", ip: "10.20.0.11" });
    expect(byName["tv"]!.inputs).toMatchObject({ accountNumber: "C-1001", login: "ivan-petrov" });
    expect(byName["tv"]!.secretInputKeys).toContain("password");
    expect(byName["tv-channels"]!.inputs).toMatchObject({ login: "tv-id", mac: "00:1A:79:00:39:5E", channels: ["27", "41"] });
    for (const r of result.registrations) {
      if (r.provider === undefined) continue;
      expect(r.providerSize).toBeLessThan(4096);
      for (const secret of ["MOCKCD", "mock-only-tv-pw", VIDEO_PW, CLOUD_PW]) expect(r.provider).not.toContain(secret);
    }
    expect(result.exports).toMatchObject({
      billingHomeId: "home-id",
      forpostAccountId: "video-account-id",
      forpostLogin: "ivan-petrov",
      forpostCameraIds: { "front-door": "video-camera-front-door-id" },
      watcherOrganizationId: externalId,
      watcherFolderId: folderId,
      tvLogin: "tv-id",
      hikAreaId: "site-id",
    });
  });

  it("refuses to run without the camera's serial number or the subscriber's passwords, naming the config key", async () => {
    const without = (key: string) => Object.fromEntries(Object.entries(config).filter(([k]) => k !== `subscriber-example:${key}`));
    for (const key of ["cameraSerial", "videoPassword", "cloudPassword"]) {
      await expect(runProgramUnderMocks({ programFile: "index.ts", cwd: programDir, config: without(key) })).rejects.toThrow(new RegExp(key));
    }
  });

  it("leaves ids and read-back outputs unknown during preview", async () => {
    const result = await run({}, true);
    expect(result.registrations).toHaveLength(15);
    expect(result.exports["billingHomeId"]).toBe(UNKNOWN);
    expect(result.exports["watcherOrganizationId"]).toBe(UNKNOWN);
    expect(result.registrations.find((r) => r.name === "cloud-cameras")!.inputs["folderId"]).toBe(UNKNOWN);
  });

  it("type-checks against the packed package's declarations", async () => {
    expect(await typecheckProgram(programDir, ["index.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});
