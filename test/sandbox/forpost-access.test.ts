import { describe, expect, it } from "vitest";
import { MINIMAL_CAMERA, MINIMAL_USER, addAccount, addOne, callForpost, useForpostEmulator } from "./forpost-call";

/** GetUserCameraAccessRights / UpdateUserCameraAccessRights as the document describes them. */
const forpost = useForpostEmulator();
const emulator = forpost.emulator;

async function userAndCamera(): Promise<{ account: string; user: string; camera: string }> {
  const account = String(await addAccount(forpost.url));
  const user = String(await addOne(forpost.url, "AddUser", { AccountID: account, ...MINIMAL_USER, IsReadOnly: "1" }));
  const camera = String(await addOne(forpost.url, "AddCamera", { AccountID: account, ...MINIMAL_CAMERA, SkipCameraCheck: "1" }));
  return { account, user, camera };
}
const rights = async (user: string) => (await callForpost(forpost.url, "GetUserCameraAccessRights", { UserID: user })).json;

describe("UpdateUserCameraAccessRights", () => {
  it("sets a user's rights on a camera with the document's defaults (PTZ 0, Download 1, Snapshot 0)", async () => {
    const { user, camera } = await userAndCamera();
    expect(await rights(user)).toEqual([]);
    const answer = await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: camera, Review: "1", ViewArchive: "0", Admin: "0" });
    expect(answer.json).toEqual({ Status: 1 });
    expect(await rights(user)).toEqual([{ CameraID: camera, Review: "1", ViewArchive: "0", Admin: "0", PTZ: "0", Download: "1", Snapshot: "0" }]);
  });

  it("requires Review, ViewArchive and Admin; refuses an unknown user or camera and a camera of another account", async () => {
    const { user, camera } = await userAndCamera();
    const missing = await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: camera });
    expect(missing.json).toEqual({ ErrorCode: 2, Error: "Review is required; ViewArchive is required; Admin is required" });
    const all = { Review: "1", ViewArchive: "1", Admin: "0" };
    expect((await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: "5999", CameraID: camera, ...all })).json).toEqual({ ErrorCode: 2, Error: "User 5999 does not exist" });
    expect((await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: "7999", ...all })).json).toEqual({ ErrorCode: 2, Error: "Camera 7999 does not exist" });
    const other = String(await addAccount(forpost.url));
    const foreign = String(await addOne(forpost.url, "AddCamera", { AccountID: other, ...MINIMAL_CAMERA, SkipCameraCheck: "1" }));
    expect(((await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: foreign, ...all })).json as { Error: string }).Error).toContain("does not belong");
  });

  it("keeps a row whose rights are all set to 0 (there is no call that removes one)", async () => {
    const { user, camera } = await userAndCamera();
    const zero = { Review: "0", ViewArchive: "0", Admin: "0", PTZ: "0", Download: "0", Snapshot: "0" };
    await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: camera, ...zero });
    expect(await rights(user)).toEqual([{ CameraID: camera, ...zero }]);
  });

  it("GetUserCameraAccessRights of a user that does not exist is ErrorCode 2; deleting the user or camera drops the rows", async () => {
    expect((await callForpost(forpost.url, "GetUserCameraAccessRights", { UserID: "5999" })).json).toEqual({ ErrorCode: 2, Error: "User 5999 does not exist" });
    const { user, camera } = await userAndCamera();
    await callForpost(forpost.url, "UpdateUserCameraAccessRights", { UserID: user, CameraID: camera, Review: "1", ViewArchive: "1", Admin: "1" });
    await callForpost(forpost.url, "DeleteCamera", { ID: camera });
    expect(await rights(user)).toEqual([]);
    expect(emulator.access.list()).toEqual([]);
  });
});
