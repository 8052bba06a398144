import { describe, expect, it } from "vitest";
import { ADOPT_KEY, IMPORT_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { forpostUserCameraAccess } from "../../provider/forpost/user-camera-access";
import { ACCESS_CREATE_CALLS, ACCESS_INPUTS, PORTAL_ACCOUNT } from "../fixtures/forpost-subscriber";
import { checkAndCreate, checked, failureOf, useForpostSandbox } from "./forpost-setup";

/** ForpostUserCameraAccess's own methods against the emulator. */
const t = useForpostSandbox();

function subscriber(contract = "C-2001") {
  const account = t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: contract }).ID;
  const user = t.emulator.users.add({ AccountID: account, Login: `viewer-${contract}`, Password: "pw-x", IsReadOnly: 1 }).ID;
  const camera = t.emulator.cameras.add({ AccountID: account, Name: "Двор", MasterID: 1, Login: "admin", IPOrDomain: "10.1.1.1", Port: 554 }).ID;
  return { account, user, camera };
}
const accessOf = (s: { user: number; camera: number }, extra: Record<string, unknown> = {}) => ({ userId: String(s.user), cameraId: String(s.camera), ...ACCESS_INPUTS, ...extra });
const zero = { Review: 0, ViewArchive: 0, Admin: 0, PTZ: 0, Download: 0, Snapshot: 0 } as const;

describe("forpostUserCameraAccess", () => {
  it("sets all six rights in one call; the id is <user>/<camera>; three calls", async () => {
    const s = subscriber();
    const { id, outs } = await checkAndCreate(forpostUserCameraAccess, accessOf(s));
    expect(id).toBe(`${s.user}/${s.camera}`);
    expect(outs).toMatchObject({ review: true, viewArchive: true, admin: false, ptz: false, download: false, snapshot: false, granted: ["review", "viewArchive"] });
    expect(t.routes()).toEqual(ACCESS_CREATE_CALLS);
    expect(t.sent("UpdateUserCameraAccessRights")).toEqual([
      { UserID: String(s.user), CameraID: String(s.camera), Review: "1", ViewArchive: "1", Admin: "0", PTZ: "0", Download: "0", Snapshot: "0" },
    ]);
  });

  it("refuses rights that grant nothing (indistinguishable from no access), at preview", async () => {
    const s = subscriber();
    const { failures } = await forpostUserCameraAccess.check({}, accessOf(s, { review: false, viewArchive: false }));
    expect(failures).toEqual([{ property: "review", reason: "every right is false, which Forpost cannot tell from no access at all: grant at least one right, or delete this resource to revoke access" }]);
    expect(t.routes()).toEqual([]);
  });

  it("refuses to take over rights set in the portal unless adopting; adoption applies the declared rights", async () => {
    const s = subscriber();
    t.emulator.access.set(s.user, s.camera, { Review: 1 });
    await expect(checkAndCreate(forpostUserCameraAccess, accessOf(s))).rejects.toThrow(/already has a user camera access with userId "\d+", cameraId "\d+"/);
    const { id } = await checkAndCreate(forpostUserCameraAccess, { ...accessOf(s), [ADOPT_KEY]: true });
    expect(id).toBe(`${s.user}/${s.camera}`);
    expect(t.emulator.access.get(s.user, s.camera)).toMatchObject({ Review: 1, ViewArchive: 1, Download: 0 });
  });

  it("treats an all-zero row as no access: a create is not refused, a refresh reports it gone", async () => {
    const s = subscriber();
    t.emulator.access.set(s.user, s.camera, zero);
    const { id, outs } = await checkAndCreate(forpostUserCameraAccess, accessOf(s));
    t.emulator.access.set(s.user, s.camera, zero);
    t.configure();
    expect(await forpostUserCameraAccess.read(id, outs)).toEqual({});
    t.emulator.access.set(s.user, s.camera, { Review: 1 });
    t.emulator.access.remove(s.user, s.camera);
    t.configure();
    expect(await forpostUserCameraAccess.read(id, outs)).toEqual({});
  });

  it("explains a camera that is not in the user's account", async () => {
    const s = subscriber();
    const other = subscriber("C-2002");
    await expect(checkAndCreate(forpostUserCameraAccess, accessOf({ user: s.user, camera: other.camera }))).rejects.toThrow(
      /does not belong to the account of user[\s\S]*Check that user \d+ and camera \d+ exist and that the camera is in the user's account/,
    );
  });

  it("survives a lost answer (the set is repeated: no duplicates are possible) and keeps it when only the read-back fails", async () => {
    const s = subscriber();
    t.emulator.faults.set("UpdateUserCameraAccessRights", { drop: "after", times: 1 });
    const { outs } = await checkAndCreate(forpostUserCameraAccess, accessOf(s));
    expect(outs).toMatchObject({ review: true });
    expect(t.emulator.log.entries("UpdateUserCameraAccessRights")).toHaveLength(2);
    const s2 = subscriber("C-3");
    t.emulator.faults.set("GetUserCameraAccessRights", { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" }, times: 3 });
    const error = await failureOf(checkAndCreate(forpostUserCameraAccess, accessOf(s2)));
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toBe(`${s2.user}/${s2.camera}`);
  });

  it("updates every right in place, revokes on delete (all zeros), and a delete of a gone user succeeds", async () => {
    const s = subscriber();
    const { id, outs } = await checkAndCreate(forpostUserCameraAccess, accessOf(s));
    const news = await checked(forpostUserCameraAccess, accessOf(s, { ptz: true }), outs);
    expect(await forpostUserCameraAccess.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await forpostUserCameraAccess.update(id, outs, news);
    expect(after).toMatchObject({ ptz: true, granted: ["review", "viewArchive", "ptz"] });
    expect((await forpostUserCameraAccess.diff(id, after, await checked(forpostUserCameraAccess, accessOf({ user: s.user, camera: s.camera + 1 }), after))).replaces).toEqual(["cameraId"]);
    await forpostUserCameraAccess.delete(id, after);
    expect(t.emulator.access.get(s.user, s.camera)).toMatchObject(zero);
    t.emulator.users.delete(s.user);
    await expect(forpostUserCameraAccess.delete(id, after)).resolves.toBeUndefined();
  });

  it("imports by id alone; a mismatch lists the rights that differ", async () => {
    const s = subscriber();
    t.emulator.access.set(s.user, s.camera, { Review: 1, ViewArchive: 1 });
    const id = `${s.user}/${s.camera}`;
    expect((await forpostUserCameraAccess.read(id, {})).props).toMatchObject({ userId: String(s.user), cameraId: String(s.camera), review: true, download: false });
    expect((await forpostUserCameraAccess.check({}, { ...accessOf(s), [IMPORT_KEY]: id })).failures).toEqual([]);
    const mismatch = await forpostUserCameraAccess.check({}, { ...accessOf(s, { download: true, snapshot: true }), [IMPORT_KEY]: id });
    expect(mismatch.failures.map((f) => f.property)).toEqual(["download", "snapshot"]);
    expect((await forpostUserCameraAccess.check({}, { ...accessOf(s), [IMPORT_KEY]: "5001" })).failures[0]!.reason).toMatch(/is not a valid user camera access id \(expected `<user ID>\/<camera ID>`/);
  });

  it("answers concurrent reads of many cameras of one user with one GetUserCameraAccessRights", async () => {
    const s = subscriber();
    const cameras = Array.from({ length: 12 }, (_, i) => t.emulator.cameras.add({ AccountID: s.account, Name: `c${i}`, MasterID: 1, Login: "a", IPOrDomain: "h", Port: 1 }).ID);
    for (const c of cameras) t.emulator.access.set(s.user, c, { Review: 1 });
    const reads = await Promise.all(cameras.map((c) => forpostUserCameraAccess.read(`${s.user}/${c}`, {})));
    expect(reads.every((r) => r.id)).toBe(true);
    expect(t.routes()).toEqual(["GetUserCameraAccessRights"]);
  });
});
