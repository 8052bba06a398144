import { describe, expect, it } from "vitest";
import { MINIMAL_CAMERA, addAccount, addOne, callForpost, useForpostEmulator } from "./forpost-call";

/** AddCamera / GetCameras / EditCamera / DeleteCamera / SyncCamera and the camera catalogues, as the document describes them. */
const forpost = useForpostEmulator();
const emulator = forpost.emulator;

const skip = { SkipCameraCheck: "1" };
const cameras = async (params: Record<string, string>) => (await callForpost(forpost.url, "GetCameras", params)).json as Array<Record<string, unknown>>;
const errorOf = (answer: { json: unknown }) => (answer.json as { Error?: string }).Error ?? "";

describe("AddCamera", () => {
  it("refuses a camera it cannot reach (no camera is reachable unless a test says so) and adds nothing", async () => {
    const account = String(await addAccount(forpost.url));
    const answer = await callForpost(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA });
    expect(answer.json).toMatchObject({ ErrorCode: 2 });
    expect(errorOf(answer)).toContain("10.0.0.5:554 is not reachable");
    expect(emulator.cameras.list()).toEqual([]);
  });

  it("adds a reachable camera, or any camera with SkipCameraCheck=1; IDs count from 7001", async () => {
    const account = String(await addAccount(forpost.url));
    emulator.cameras.setReachable(["10.0.0.5"]);
    expect(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA })).toBe(7001);
    expect(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, IPOrDomain: "cam.example.net", ...skip })).toBe(7002);
    emulator.cameras.setReachable(["10.0.0.9:8554"]);
    expect((await callForpost(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, IPOrDomain: "10.0.0.9" })).json).toMatchObject({ ErrorCode: 2 });
    expect((await callForpost(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, IPOrDomain: "10.0.0.9", Port: "8554" })).json).toEqual({ ID: 7003 });
  });

  it("GetCameras answers only the documented fields, with the document's defaults", async () => {
    const account = String(await addAccount(forpost.url, { Quota: "604800" }));
    const id = await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip });
    expect(await cameras({ AccountID: account })).toEqual([
      { ID: String(id), Name: "Подъезд", IsActive: "1", IsSound: "0", RecordType: "0", MaxBandwidth: null, Quota: "604800", Groups: [] },
    ]);
    expect(emulator.cameras.get(id)).toMatchObject({ SyncCamera: 1, SecretKey: 0, HTTPPort: null, Login: "admin", MJPEG: "/play.sdp" });
    expect(emulator.cameras.passwordMatches(id, "camera-pw-1")).toBe(true);
  });

  it("requires Name, AccountID, MasterID, Login, IPOrDomain and Port; Protocol and MJPEG without a model", async () => {
    const answer = await callForpost(forpost.url, "AddCamera", {});
    for (const name of ["Name", "AccountID", "MasterID", "Login", "IPOrDomain", "Port"]) expect(errorOf(answer)).toContain(name);
    const account = String(await addAccount(forpost.url));
    const { Protocol: _p, MJPEG: _m, ...noStream } = MINIMAL_CAMERA;
    expect(errorOf(await callForpost(forpost.url, "AddCamera", { AccountID: account, ...noStream, ...skip }))).toBe("Protocol and MJPEG are required when CameraModelID is not given");
  });

  it("with a model, detects Protocol and MJPEG of a reachable camera, but cannot without reaching it", async () => {
    const account = String(await addAccount(forpost.url));
    const { Protocol: _p, MJPEG: _m, ...noStream } = MINIMAL_CAMERA;
    expect(errorOf(await callForpost(forpost.url, "AddCamera", { AccountID: account, ...noStream, CameraModelID: "101", ...skip }))).toContain("without reaching the camera");
    emulator.cameras.setReachable(["10.0.0.5"]);
    const id = await addOne(forpost.url, "AddCamera", { AccountID: account, ...noStream, CameraModelID: "101" });
    expect(emulator.cameras.get(id)).toMatchObject({ Protocol: "rtsp", MJPEG: "/Streaming/Channels/101", CameraModelID: 101 });
  });

  it("checks references against the catalogues and values against their types", async () => {
    const account = String(await addAccount(forpost.url));
    const answer = await callForpost(forpost.url, "AddCamera", {
      AccountID: account,
      ...MINIMAL_CAMERA,
      ...skip,
      MasterID: "9",
      CameraModelID: "999",
      Protocol: "ftp",
      RtspTransport: "sctp",
      PTZTypeID: "77",
      RecordType: "8",
    });
    for (const text of ["cluster 9", "camera model 999", "protocol ftp", "RTSP transport sctp", "PTZ type 77", "record type 8"]) expect(errorOf(answer)).toContain(text);
    expect(errorOf(await callForpost(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip, Port: "70000" }))).toBe("Port must be a port number from 1 to 65535");
    expect(errorOf(await callForpost(forpost.url, "AddCamera", { AccountID: "31337", ...MINIMAL_CAMERA, ...skip }))).toBe("Account 31337 does not exist");
  });

  it("answers CameraMotionDetectorError for a motion-recording camera it did not contact", async () => {
    const account = String(await addAccount(forpost.url));
    const answer = await callForpost(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip, RecordType: "2" });
    expect(answer.json).toEqual({ ID: 7001, CameraMotionDetectorError: expect.stringContaining("motion detector") });
  });

  it("does not keep camera names unique (the document does not say it does)", async () => {
    const account = String(await addAccount(forpost.url));
    await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip });
    await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip });
    expect((await cameras({ AccountID: account })).map((c) => c["Name"])).toEqual(["Подъезд", "Подъезд"]);
  });
});

describe("GetCameras", () => {
  it("needs AccountID unless ID is given; an ID that matches nothing is []; Quota falls back to the account's", async () => {
    expect((await callForpost(forpost.url, "GetCameras")).json).toEqual({ ErrorCode: 2, Error: "AccountID is required (unless ID is given)" });
    const a = String(await addAccount(forpost.url, { Quota: "3600" }));
    const id = await addOne(forpost.url, "AddCamera", { AccountID: a, ...MINIMAL_CAMERA, ...skip, Quota: "7200" });
    expect((await cameras({ ID: String(id) }))[0]).toMatchObject({ ID: String(id), Quota: "7200" });
    expect(await cameras({ ID: "7999" })).toEqual([]);
    emulator.cameras.patch(id, { GroupIDs: [31, 32] });
    expect((await cameras({ AccountID: a, IncludeParentGroups: "1" }))[0]).toMatchObject({ Groups: [{ ID: "31" }, { ID: "32" }], ParentGroups: [] });
  });
});

describe("EditCamera, DeleteCamera, SyncCamera", () => {
  it("changes only the fields given; a new address is checked unless SkipCameraCheck=1", async () => {
    const account = String(await addAccount(forpost.url));
    const id = String(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip }));
    expect((await callForpost(forpost.url, "EditCamera", { ID: id, Name: "Двор", IsSound: "1" })).json).toEqual({ ID: Number(id) });
    expect(emulator.cameras.get(Number(id))).toMatchObject({ Name: "Двор", IsSound: 1, IPOrDomain: "10.0.0.5" });
    expect(errorOf(await callForpost(forpost.url, "EditCamera", { ID: id, IPOrDomain: "10.0.0.6" }))).toContain("10.0.0.6:554 is not reachable");
    expect((await callForpost(forpost.url, "EditCamera", { ID: id, IPOrDomain: "10.0.0.6", ...skip })).json).toEqual({ ID: Number(id) });
    expect((await callForpost(forpost.url, "EditCamera", { ID: id, Password: "new-cam-pw", ...skip })).json).toEqual({ ID: Number(id) });
    expect(emulator.cameras.passwordMatches(Number(id), "new-cam-pw")).toBe(true);
  });

  it("DeleteCamera answers Status 1; a camera that does not exist is ErrorCode 2", async () => {
    const account = String(await addAccount(forpost.url));
    const id = String(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip }));
    expect((await callForpost(forpost.url, "DeleteCamera", { ID: id })).json).toEqual({ Status: 1 });
    expect((await callForpost(forpost.url, "DeleteCamera", { ID: id })).json).toEqual({ ErrorCode: 2, Error: `Camera ${id} does not exist` });
  });

  it("SyncCamera needs the camera online", async () => {
    const account = String(await addAccount(forpost.url));
    const id = String(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, ...skip }));
    expect((await callForpost(forpost.url, "SyncCamera", { ID: id })).json).toMatchObject({ ErrorCode: 2 });
    emulator.cameras.setReachable(["10.0.0.5"]);
    expect((await callForpost(forpost.url, "SyncCamera", { ID: id })).json).toEqual({ Status: 1 });
  });

  it("DeleteAccount takes the account's cameras along", async () => {
    const account = await addAccount(forpost.url);
    await addOne(forpost.url, "AddCamera", { AccountID: String(account), ...MINIMAL_CAMERA, ...skip });
    await callForpost(forpost.url, "DeleteAccount", { ID: String(account) });
    expect(emulator.cameras.list()).toEqual([]);
  });
});

describe("camera catalogues", () => {
  it("GetMasters, GetRecordTypes, GetProtocols (string ids), GetRtspTransports, GetPTZTypes", async () => {
    expect((await callForpost(forpost.url, "GetMasters")).json).toEqual([
      { ID: "1", Name: "Москва-1" },
      { ID: "2", Name: "Казань-1" },
    ]);
    expect((await callForpost(forpost.url, "GetRecordTypes")).json).toContainEqual({ ID: "2", Name: "Запись по детектору движения" });
    expect((await callForpost(forpost.url, "GetProtocols")).json).toContainEqual({ ID: "rtsp", Name: "RTSP (H.264/H.265)" });
    expect((await callForpost(forpost.url, "GetRtspTransports")).json).toContainEqual({ ID: "tcp", Name: "TCP" });
    expect((await callForpost(forpost.url, "GetPTZTypes")).json).toContainEqual({ ID: "1", Name: "ONVIF PTZ" });
  });

  it("GetCameraModels (optionally by BrandID), GetCameraBrands and GetCameraModelsAndBrands agree", async () => {
    const models = (await callForpost(forpost.url, "GetCameraModels")).json as Array<Record<string, unknown>>;
    expect(models[0]).toEqual({ ID: "101", Name: "DS-2CD2043G2-I" });
    expect(((await callForpost(forpost.url, "GetCameraModels", { BrandID: "2" })).json as unknown[]).length).toBe(1);
    const both = (await callForpost(forpost.url, "GetCameraModelsAndBrands")).json as { Models: Array<Record<string, unknown>>; Brands: unknown[] };
    expect(both.Models.map((m) => m["ID"])).toEqual(models.map((m) => m["ID"]));
    expect(both.Models[0]).toEqual({ ID: "101", Name: "DS-2CD2043G2-I", BrandID: "1" });
    expect(both.Brands).toEqual((await callForpost(forpost.url, "GetCameraBrands")).json);
  });
});
