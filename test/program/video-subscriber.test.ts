import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks, type Registration } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";

/**
 * VideoSubscriber (sdk/components/video-subscriber.ts) under mocks, from the packed package: the
 * children it declares, their names and parents, the secrets it wraps, the options it passes down.
 */
let programDir: string;
const ADMIN_PW = "mock-only-admin-pw";
const VIEWER_PW = "mock-only-viewer-pw";
const CAMERA_PW = "mock-only-camera-pw";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { VideoSubscriber } from "pulumi-telecom";

const config = new pulumi.Config();
const withViewer = config.getBoolean("withViewer") ?? true;
const camera = (key: string, name: string) => ({
  key,
  name,
  masterId: 1,
  login: "admin",
  password: config.getSecret("cameraPassword"),
  ipOrDomain: "192.0.2.10",
  port: 554,
  protocol: "rtsp",
  streamPath: "/Streaming/Channels/101",
});

const sub = new VideoSubscriber(
  "petrov",
  {
    account: {
      name: "Ivan Petrov",
      contractNumber: "C-1001",
      maxCameraCount: 8,
      maxLoginCount: 3,
      maxCameraOnlineTranslationCount: 4,
      maxCameraArchivalTranslationCount: 2,
      maxCameraUserOnlineTranslationCount: 2,
      maxCameraUserArchivalTranslationCount: 1,
    },
    // A plain string: the component's SDK classes still keep it secret.
    admin: { login: "ivan-petrov", password: "${ADMIN_PW}", fullName: "Ivan Petrov" },
    viewer: withViewer ? { login: "ivan-petrov-family", password: config.requireSecret("viewerPassword") } : undefined,
    cameras: [
      { ...camera("front-door", "Front door") },
      { ...camera("yard", "Yard"), viewerRights: { review: true, viewArchive: false, snapshot: true } },
      { ...camera("garage", "Garage"), viewerRights: false },
    ],
  },
  { protect: config.getBoolean("protect") ?? false, adoptExisting: true },
);

export const accountId = sub.accountId;
export const adminLogin = sub.adminLogin;
export const adminUserId = sub.adminUserId;
export const viewerUserId = sub.viewerUserId;
export const cameraIds = sub.cameraIds;
`;

const BAD_KEYS = `
import { VideoSubscriber } from "pulumi-telecom";
const account = { name: "x", maxCameraCount: 1, maxLoginCount: 1, maxCameraOnlineTranslationCount: 1, maxCameraArchivalTranslationCount: 1, maxCameraUserOnlineTranslationCount: 1, maxCameraUserArchivalTranslationCount: 1 };
new VideoSubscriber("dup", { account, admin: { login: "a", password: "p" }, cameras: [{ key: "front-door", name: "A" }, { key: "front-door", name: "B" }] });
`;

const config = {
  "program-video-subscriber:viewerPassword": VIEWER_PW,
  "program-video-subscriber:cameraPassword": CAMERA_PW,
};
const secretConfigKeys = Object.keys(config);

beforeAll(() => {
  programDir = copyExampleProgram("subscriber", "program-video-subscriber");
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), "name: program-video-subscriber\nruntime: nodejs\n");
  fs.writeFileSync(path.join(programDir, "component.ts"), PROGRAM);
  fs.writeFileSync(path.join(programDir, "bad-keys.ts"), BAD_KEYS);
});

const run = (extra: Record<string, string> = {}, preview = false) =>
  runProgramUnderMocks({ programFile: "component.ts", cwd: programDir, config: { ...config, ...extra }, secretConfigKeys, preview });

describe("VideoSubscriber under mocks", () => {
  it("declares the account, the admin, the viewer, the cameras and the viewer's rights, named after it and parented to it", async () => {
    const { registrations, exports } = await run();
    const byName = Object.fromEntries(registrations.map((r) => [r.name, r]));
    expect(Object.fromEntries(registrations.map((r) => [r.name, r.type]))).toEqual({
      petrov: "telecom:index:VideoSubscriber",
      "petrov-account": "pulumi-nodejs:dynamic/forpost:Account",
      "petrov-admin": "pulumi-nodejs:dynamic/forpost:User",
      "petrov-camera-front-door": "pulumi-nodejs:dynamic/forpost:Camera",
      "petrov-camera-yard": "pulumi-nodejs:dynamic/forpost:Camera",
      "petrov-camera-garage": "pulumi-nodejs:dynamic/forpost:Camera",
      "petrov-viewer": "pulumi-nodejs:dynamic/forpost:User",
      "petrov-viewer-front-door": "pulumi-nodejs:dynamic/forpost:UserCameraAccess",
      "petrov-viewer-yard": "pulumi-nodejs:dynamic/forpost:UserCameraAccess",
    });
    const component = byName["petrov"]!;
    expect(component.custom).toBe(false);
    const componentUrn = "urn:pulumi:stack::program-video-subscriber::pulumi:pulumi:Stack$telecom:index:VideoSubscriber::petrov";
    for (const r of registrations.filter((x) => x.name !== "petrov")) {
      expect(r.parent, `${r.name}'s parent`).toBe(componentUrn);
      expect(r.custom).toBe(true);
    }
    // The children refer to each other by id: the account's, the users', the cameras'.
    expect(byName["petrov-admin"]!.inputs).toMatchObject({ accountId: "petrov-account-id", login: "ivan-petrov", isReadOnly: false, fullName: "Ivan Petrov" });
    expect(byName["petrov-viewer"]!.inputs).toMatchObject({ accountId: "petrov-account-id", login: "ivan-petrov-family", isReadOnly: true });
    expect(byName["petrov-camera-yard"]!.inputs).toMatchObject({ accountId: "petrov-account-id", name: "Yard", masterId: 1 });
    expect(byName["petrov-camera-yard"]!.inputs).not.toHaveProperty("key");
    expect(byName["petrov-camera-yard"]!.inputs).not.toHaveProperty("viewerRights");
    expect(byName["petrov-viewer-front-door"]!.inputs).toMatchObject({ userId: "petrov-viewer-id", cameraId: "petrov-camera-front-door-id", review: true, viewArchive: true });
    expect(byName["petrov-viewer-yard"]!.inputs).toMatchObject({ userId: "petrov-viewer-id", cameraId: "petrov-camera-yard-id", review: true, viewArchive: false, snapshot: true });
    // Passwords are secret, even the one given as a plain string.
    expect(byName["petrov-admin"]!.secretInputKeys).toContain("password");
    expect(byName["petrov-viewer"]!.secretInputKeys).toContain("password");
    expect(byName["petrov-camera-front-door"]!.secretInputKeys).toContain("password");
    for (const r of registrations) {
      if (r.provider === undefined) continue;
      expect(r.providerSize).toBeLessThan(4096);
      for (const secret of [ADMIN_PW, VIEWER_PW, CAMERA_PW]) expect(r.provider).not.toContain(secret);
    }
    // adoptExisting reaches every child (as the input the provider acts on); protect is passed down.
    for (const r of registrations.filter((x) => x.custom)) {
      expect(r.inputs["__adopt"], `${r.name} adopts`).toBe(true);
      expect(r.protect).toBe(false);
    }
    expect(exports).toMatchObject({
      accountId: "petrov-account-id",
      adminLogin: "ivan-petrov",
      adminUserId: "petrov-admin-id",
      viewerUserId: "petrov-viewer-id",
      cameraIds: { "front-door": "petrov-camera-front-door-id", yard: "petrov-camera-yard-id", garage: "petrov-camera-garage-id" },
    });
  });

  it("passes protect down to every child, and leaves the viewer and its rights out without a viewer", async () => {
    const { registrations, exports } = await run({ "program-video-subscriber:protect": "true", "program-video-subscriber:withViewer": "false" });
    expect(registrations.map((r) => r.name).sort()).toEqual(["petrov", "petrov-account", "petrov-admin", "petrov-camera-front-door", "petrov-camera-garage", "petrov-camera-yard"]);
    for (const r of registrations) expect(r.protect, `${r.name} is protected`).toBe(true);
    expect(exports["viewerUserId"]).toBeUndefined();
  });

  it("leaves the ids unknown during preview", async () => {
    const { registrations, exports } = await run({}, true);
    expect(registrations).toHaveLength(9);
    expect(exports["accountId"]).toBe(UNKNOWN);
    expect(registrations.find((r: Registration) => r.name === "petrov-admin")!.inputs["accountId"]).toBe(UNKNOWN);
  });

  it("refuses two cameras with one key, naming the key", async () => {
    await expect(runProgramUnderMocks({ programFile: "bad-keys.ts", cwd: programDir })).rejects.toThrow(/cameras\[1\]\.key "front-door" is used twice/);
  });

  it("type-checks against the packed package's declarations", async () => {
    expect(await typecheckProgram(programDir, ["component.ts"])).toBe("");
  });
});
