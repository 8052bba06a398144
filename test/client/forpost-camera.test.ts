import { describe, expect, it } from "vitest";
import { ADOPT_KEY, IMPORT_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { forpostCamera } from "../../provider/forpost/camera";
import { CAMERA_CREATE_CALLS, CAMERA_INPUTS, PORTAL_ACCOUNT } from "../fixtures/forpost-subscriber";
import { checkAndCreate, checked, failureOf, useForpostSandbox } from "./forpost-setup";

/** ForpostCamera's own methods (what the host calls) against the emulator. */
const t = useForpostSandbox();
const account = (contract = "C-2001") => t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: contract }).ID;
const cameraOf = (accountId: number, extra: Record<string, unknown> = {}) => ({ accountId: String(accountId), ...CAMERA_INPUTS, ...extra });
const portalCamera = (accountId: number, name = CAMERA_INPUTS.name) =>
  t.emulator.cameras.add({ AccountID: accountId, Name: name, MasterID: 1, Login: "admin", IPOrDomain: "10.9.9.9", Port: 554, Protocol: "rtsp", MJPEG: "/x" });

describe("forpostCamera: create", () => {
  it("adds the camera without Forpost checking it is online (the default), in three calls", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostCamera, cameraOf(a));
    expect(id).toBe("7001");
    expect(outs).toMatchObject({ ...CAMERA_INPUTS, accountId: String(a), isActive: true, isSound: false, cameraId: 7001, groupIds: [], skipReachabilityCheck: true });
    expect(t.routes()).toEqual(CAMERA_CREATE_CALLS);
    const [sent] = t.sent("AddCamera");
    expect(sent).toMatchObject({ AccountID: String(a), Name: "Подъезд", MasterID: "1", IPOrDomain: "10.20.30.40", Port: "554", MJPEG: "/Streaming/Channels/101", RecordType: "1", SkipCameraCheck: "1", Password: "***" });
    expect(t.emulator.cameras.passwordMatches(7001, CAMERA_INPUTS.password)).toBe(true);
  });

  it("with skipReachabilityCheck false, a camera Forpost cannot reach is refused with what to do; an online one is added", async () => {
    const a = account();
    const error = await failureOf(checkAndCreate(forpostCamera, cameraOf(a, { skipReachabilityCheck: false })));
    expect(error.message).toMatch(/is not reachable[\s\S]*skipReachabilityCheck is false, so Forpost refuses a camera it cannot connect to/);
    expect(t.emulator.cameras.list()).toEqual([]);
    t.emulator.cameras.setReachable(["10.20.30.40"]);
    // Online and with a model, Forpost works out the stream itself.
    const { protocol: _p, streamPath: _s, ...noStream } = cameraOf(a, { skipReachabilityCheck: false, cameraModelId: 101 });
    const { id } = await checkAndCreate(forpostCamera, noStream);
    expect(t.emulator.cameras.get(Number(id))).toMatchObject({ Protocol: "rtsp", MJPEG: "/Streaming/Channels/101" });
    expect(t.sent("AddCamera").at(-1)).toMatchObject({ SkipCameraCheck: "0", CameraModelID: "101" });
  });

  it("check requires what AddCamera needs for a new camera, and Protocol/MJPEG unless Forpost can detect them", async () => {
    const a = account();
    const { failures } = await forpostCamera.check({}, { accountId: String(a), name: "x", cameraModelId: 101 });
    expect(failures).toEqual([
      { property: "masterId", reason: "is required to create a camera (AddCamera needs it)" },
      { property: "login", reason: "is required to create a camera (AddCamera needs it)" },
      { property: "ipOrDomain", reason: "is required to create a camera (AddCamera needs it)" },
      { property: "port", reason: "is required to create a camera (AddCamera needs it)" },
      { property: "protocol", reason: "is required while skipReachabilityCheck is true: Forpost detects it from cameraModelId only by connecting to the camera" },
      { property: "streamPath", reason: "is required while skipReachabilityCheck is true: Forpost detects it from cameraModelId only by connecting to the camera" },
    ]);
    expect((await forpostCamera.check({}, { ...cameraOf(a), port: 70000, mac: "00:11:22" })).failures).toEqual([
      { property: "port", reason: "must be a port number from 1 to 65535" },
      { property: "mac", reason: "must be a MAC address like 00:1A:2B:3C:4D:5E" },
    ]);
    // Importing or adopting an existing camera needs none of it.
    expect((await forpostCamera.check({}, { accountId: String(a), name: "x", [IMPORT_KEY]: "7001" })).failures).toEqual([
      { property: IMPORT_KEY, reason: 'Forpost has no camera with id "7001" (it does not exist, or is another kind of object): check the id' },
    ]);
    expect((await forpostCamera.check({}, { accountId: String(a), name: "x", [ADOPT_KEY]: true })).failures).toEqual([]);
    expect(t.routes()).toEqual(["GetCameras", "GetCameras"]); // only the import looked
  });

  it("keeps names unique per account: refuses a taken name, not a neighbour's, and adopts with adoptExisting", async () => {
    const a = account();
    const neighbour = account("C-2002");
    portalCamera(neighbour);
    const { id } = await checkAndCreate(forpostCamera, cameraOf(a));
    expect(id).toBe("7002");
    await expect(checkAndCreate(forpostCamera, cameraOf(a))).rejects.toThrow(/Forpost already has a camera with accountId "\d+", name "Подъезд" \(id 7002 "Подъезд"\); refusing to create a duplicate/);
    const adopted = await checkAndCreate(forpostCamera, { ...cameraOf(a, { isSound: true }), [ADOPT_KEY]: true });
    expect(adopted.id).toBe("7002");
    expect(t.emulator.cameras.get(7002)?.IsSound).toBe(1);
    expect(t.emulator.cameras.get(7001)).toMatchObject({ AccountID: neighbour, IsSound: 0 });
  });

  it("refuses to adopt when two cameras of the account have the name, changing nothing", async () => {
    const a = account();
    portalCamera(a);
    portalCamera(a);
    await expect(checkAndCreate(forpostCamera, { ...cameraOf(a), [ADOPT_KEY]: true })).rejects.toThrow(/has 2 cameras with accountId "\d+", name "Подъезд" \(id 7001 "Подъезд", 7002 "Подъезд"\), so adoptExisting cannot tell which is meant/);
    expect(t.emulator.cameras.list()).toHaveLength(2);
  });

  it("finds its own camera after a lost AddCamera answer; resends one that never arrived", async () => {
    const a = account();
    t.emulator.faults.set("AddCamera", { drop: "after", times: 1 });
    expect((await checkAndCreate(forpostCamera, cameraOf(a))).id).toBe("7001");
    expect(t.emulator.log.entries("AddCamera")).toHaveLength(1);
    t.emulator.faults.set("AddCamera", { drop: "before", times: 1 });
    expect((await checkAndCreate(forpostCamera, cameraOf(a, { name: "Двор" }))).id).toBe("7002");
    expect(t.emulator.log.entries("AddCamera")).toHaveLength(3);
    expect(t.emulator.cameras.list()).toHaveLength(2);
  });

  it("does not resend after a timeout (Forpost may still be adding it): leaves a pending placeholder that refresh resolves", async () => {
    const a = account();
    t.configure({ "forpost:timeoutSeconds": "1" });
    t.emulator.faults.set("AddCamera", { latencyMs: 1500, times: 1 });
    const error = await failureOf(checkAndCreate(forpostCamera, cameraOf(a)));
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    await new Promise((r) => setTimeout(r, 800));
    expect(t.emulator.log.entries("AddCamera")).toHaveLength(1);
    expect((await forpostCamera.read(error.id, error.properties)).id).toBe("7001");
    expect(t.emulator.cameras.list()).toHaveLength(1);
  });

  it("keeps a camera whose read-back failed in the state", async () => {
    const a = account();
    t.emulator.faults.set("GetCameras", { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" }, times: 3 });
    const error = await failureOf(checkAndCreate(forpostCamera, cameraOf(a)));
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toBe("7001");
    expect(error.properties).toMatchObject({ name: "Подъезд", cameraId: 7001, password: CAMERA_INPUTS.password });
  });

  it("reports what Forpost said about the motion detector", async () => {
    const a = account();
    const { outs } = await checkAndCreate(forpostCamera, cameraOf(a, { recordTypeId: 2 }));
    expect(outs["motionDetectorError"]).toMatch(/motion detector is not configured/);
    t.configure();
    expect((await forpostCamera.read("7001", outs)).props!["motionDetectorError"]).toBe(outs["motionDetectorError"]);
  });
});

describe("forpostCamera: update, refresh, delete", () => {
  it("edits only the changed fields (with the call's flags); the account and the cluster replace", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostCamera, cameraOf(a));
    t.emulator.log.clear();
    const news = await checked(forpostCamera, cameraOf(a, { isSound: true, ipOrDomain: "10.20.30.41", password: "test-only-camera-pw-2" }), outs);
    expect(await forpostCamera.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await forpostCamera.update(id, outs, news);
    expect(t.sent("EditCamera")).toEqual([{ ID: "7001", Password: "***", IPOrDomain: "10.20.30.41", IsSound: "1", SkipCameraCheck: "1" }]);
    expect(t.emulator.cameras.passwordMatches(7001, "test-only-camera-pw-2")).toBe(true);
    expect(after).toMatchObject({ isSound: true, ipOrDomain: "10.20.30.41" });
    // The replacement keeps the name, unique per account: the old camera must go first.
    expect(await forpostCamera.diff(id, after, await checked(forpostCamera, cameraOf(a, { masterId: 2 }), after))).toEqual({ changes: true, replaces: ["masterId"], deleteBeforeReplace: true });
    expect((await forpostCamera.diff(id, after, await checked(forpostCamera, cameraOf(a + 1), after))).replaces).toEqual(["accountId"]);
  });

  it("refuses a new name another camera of the account has", async () => {
    const a = account();
    portalCamera(a, "Двор");
    const { id, outs } = await checkAndCreate(forpostCamera, cameraOf(a));
    const news = await checked(forpostCamera, cameraOf(a, { name: "Двор" }), outs);
    await expect(forpostCamera.update(id, outs, news)).rejects.toThrow(/already has camera 7001 named "Двор"; camera names are kept unique per account/);
    expect(t.sent("EditCamera")).toEqual([]);
  });

  it("refresh shows drift in what GetCameras returns, keeps the write-only inputs, and reports gone a camera deleted or moved away", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostCamera, cameraOf(a));
    t.emulator.cameras.patch(7001, { IsActive: 0, RecordType: 2, IPOrDomain: "10.0.0.99" });
    t.configure();
    const read = await forpostCamera.read(id, outs);
    expect(read.inputs).toEqual({ ...cameraOf(a), recordTypeId: 2, skipReachabilityCheck: true });
    expect(read.props).toMatchObject({ isActive: false, ipOrDomain: CAMERA_INPUTS.ipOrDomain });
    const other = account("C-9");
    t.emulator.cameras.patch(7001, { AccountID: other });
    t.configure();
    expect(await forpostCamera.read(id, outs)).toEqual({});
    t.emulator.cameras.delete(7001);
    t.configure();
    expect(await forpostCamera.read(id, outs)).toEqual({});
  });

  it("deletes; deleting again succeeds", async () => {
    const a = account();
    const { id, outs } = await checkAndCreate(forpostCamera, cameraOf(a));
    await forpostCamera.delete(id, outs);
    expect(t.emulator.cameras.list()).toEqual([]);
    await expect(forpostCamera.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("forpostCamera: import by id", () => {
  it("verifies the declared account lists the camera; lists every difference; takes write-only inputs unchecked", async () => {
    const a = account();
    portalCamera(a);
    const declared = { accountId: String(a), name: CAMERA_INPUTS.name, ipOrDomain: "anything: not read back", isActive: true };
    expect((await forpostCamera.check({}, { ...declared, [IMPORT_KEY]: "7001" })).failures).toEqual([]);
    t.emulator.log.clear();
    const imported = await forpostCamera.create(await checked(forpostCamera, { ...declared, [IMPORT_KEY]: "7001" }));
    expect(imported.outs).toMatchObject({ accountId: String(a), ipOrDomain: "anything: not read back" });
    expect(t.routes().every((r) => r === "GetCameras")).toBe(true);
    const other = account("C-2002");
    const wrong = await forpostCamera.check({}, { ...declared, accountId: String(other), name: "Двор", [IMPORT_KEY]: "7001" });
    expect(wrong.failures.map((f) => [f.property, f.reason.split(" — ")[1]?.split(". ")[0]])).toEqual([
      ["accountId", `accountId: declared "${other}", Forpost has nothing`],
      ["name", 'name: declared "Двор", Forpost has "Подъезд"'],
    ]);
  });
});

describe("forpostCamera: coalesced refresh", () => {
  it("answers 40 concurrent reads of cameras in 4 accounts with one GetCameras per account", async () => {
    const accounts = [account("A1"), account("A2"), account("A3"), account("A4")];
    const cameras = Array.from({ length: 40 }, (_, i) => portalCamera(accounts[i % 4]!, `cam ${i}`));
    const reads = await Promise.all(cameras.map((c) => forpostCamera.read(String(c.ID), { accountId: String(c.AccountID), name: c.Name })));
    expect(reads.every((r) => r.id !== undefined)).toBe(true);
    expect(t.routes()).toEqual(["GetCameras", "GetCameras", "GetCameras", "GetCameras"]);
  });
});
