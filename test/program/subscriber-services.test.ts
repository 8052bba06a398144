import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { ProgramThroughHost } from "../../scripts/demo/through-provider-host";
import { SUBSCRIBER, SUBSCRIBER_CLOUD_LOGIN, SUBSCRIBER_PASSWORDS, SUBSCRIBER_VIDEO_LOGIN, subscriberObjects } from "../engine/example-lifecycles";
import { copyExampleProgram } from "../harness/example-program";

/**
 * Acceptance of examples/subscriber: after `up` (the program under mocks, its resources created
 * through Pulumi's real dynamic-provider host against the sandbox, wave by wave as their inputs
 * become known), the subscriber can really use the services — log in to Forpost and see their
 * camera, log in to the Watcher as a member of their organization who sees its cameras, watch
 * their channels — and `destroy` takes it all away again.
 */
let sandbox: RunningSandbox;
let program: ProgramThroughHost;

beforeAll(async () => {
  const programDir = copyExampleProgram("subscriber", "program-subscriber-services");
  sandbox = await startSandbox(SUBSCRIBER.sandbox);
  program = await ProgramThroughHost.start({ programDir, pulumiConfig: SUBSCRIBER.config(sandbox), project: SUBSCRIBER.project });
}, 120_000);
afterAll(async () => {
  await program?.stop();
  await sandbox?.stop();
});

const stateOf = (name: string) => {
  const found = Object.values(program.engine.state()).find((s) => s.name === name);
  if (!found) throw new Error(`${name} is not in the state`);
  return found;
};

describe("examples/subscriber: what the subscriber can do after pulumi up", () => {
  it("creates every resource once, the dependent ones after what they use", async () => {
    const steps = await program.up();
    expect(steps.filter((s) => s.error || s.failures)).toEqual([]);
    expect(steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort()).toEqual(SUBSCRIBER.resources.map((r) => `create ${r.name}`).sort());
    expect(subscriberObjects(sandbox)).toEqual(Object.fromEntries(SUBSCRIBER.resources.map((r) => [r.name, 1])));
  }, 300_000);

  it("lets the subscriber log in to Forpost with the admin login and see the front-door camera", () => {
    const forpost = sandbox.forpost.emulator;
    const cabinet = forpost.users.cabinet(SUBSCRIBER_VIDEO_LOGIN, SUBSCRIBER_PASSWORDS.video);
    expect(cabinet).toMatchObject({ accountId: Number(stateOf("video-account").id), userId: Number(stateOf("video-admin").id), admin: true });
    expect(cabinet!.cameras).toEqual([{ id: Number(stateOf("video-camera-front-door").id), name: "Front door", rights: expect.arrayContaining(["Review", "ViewArchive"]) }]);
    // The password is the one declared, and only that one opens the cabinet.
    expect(forpost.users.cabinet(SUBSCRIBER_VIDEO_LOGIN, "not-the-password")).toBeUndefined();
    // The camera was added without Forpost connecting to it (it is not reachable in the sandbox).
    expect(forpost.cameras.reachable()).toEqual([]);
  });

  it("makes the subscriber's Watcher login a member of their organization only, with the Cameras folder", () => {
    const watcher = sandbox.vsaas.emulator.watcher;
    const organizationId = stateOf("cloud").outputs["externalId"] as number;
    const folderId = stateOf("cloud-cameras").outputs["folderId"] as number;
    expect(watcher.folders(organizationId).find((f) => f["id"] === folderId)?.["title"]).toBe("Cameras");
    const access = watcher.access({ login: SUBSCRIBER_CLOUD_LOGIN, password: SUBSCRIBER_PASSWORDS.cloud, organizationId, folderId });
    expect(access).toMatchObject({ canLogIn: true, member: true, canViewCameras: true, folder: expect.objectContaining({ can_view_dvr: true }) });
    // Out of the Watcher's default organization ("Unassigned cameras"): only the subscriber's own.
    expect(access.organizations).toEqual([organizationId]);
    expect(watcher.access({ login: SUBSCRIBER_CLOUD_LOGIN, password: "not-the-password", organizationId, folderId }).canLogIn).toBe(false);
  });

  it("subscribes the set-top box to its channels, puts the switch in the home and the camera in the site's area", () => {
    const account = sandbox.stalker.emulator.account(stateOf("tv").id)!;
    expect([...(account.sub_ch ?? [])].sort()).toEqual(["27", "41"]);
    const homeId = Number(stateOf("home").id);
    expect(sandbox.billing.emulator.switches.list().map((s) => s.HOME_ID)).toEqual([homeId]);
    const hik = sandbox.hikconnect.emulator.devices;
    const device = hik.list()[0]!;
    expect(device.timeZoneId).toBe("21");
    expect(hik.cameras()).toEqual([expect.objectContaining({ areaId: stateOf("site").id, deviceId: device.id, name: "Front door" })]);
  });

  it("takes every service away on destroy (the Hik-Connect area stays, empty: its API cannot delete areas)", async () => {
    const steps = await program.engine.destroy();
    expect(steps.filter((s) => s.error)).toEqual([]);
    expect(subscriberObjects(sandbox)).toEqual(Object.fromEntries(SUBSCRIBER.resources.map((r) => [r.name, 0])));
    expect(sandbox.forpost.emulator.users.cabinet(SUBSCRIBER_VIDEO_LOGIN, SUBSCRIBER_PASSWORDS.video)).toBeUndefined();
    expect(sandbox.vsaas.emulator.watcher.userByLogin(SUBSCRIBER_CLOUD_LOGIN)).toBeUndefined();
  }, 300_000);
});
