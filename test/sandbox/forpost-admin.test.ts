import { describe, expect, it } from "vitest";
import { type ForpostState } from "../../sandbox/forpost";
import { ADMIN_PASSWORD, ADMIN_LOGIN, addAccount, admin, callForpost, useForpostEmulator } from "./forpost-call";

const forpost = useForpostEmulator();
const emulator = forpost.emulator;

async function findById(id: number): Promise<Array<Record<string, unknown>>> {
  return (await callForpost(forpost.url, "FindAccounts", { ID: String(id) })).json as Array<Record<string, unknown>>;
}

describe("request log", () => {
  it("records vendor requests with route, redacted params and status; admin requests are not logged", async () => {
    await callForpost(forpost.url, "AddAccount", {});
    await callForpost(forpost.url, "NoSuch");
    await admin(forpost.url, "GET", "state");
    const { entries } = (await admin(forpost.url, "GET", "log")).json as { entries: Array<Record<string, unknown>> };
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: "POST",
      path: "/system-api/AddAccount",
      route: "AddAccount",
      params: { AdminLogin: ADMIN_LOGIN, AdminPassword: "***" },
      status: 400,
    });
    expect(Date.parse(entries[0]!["time"] as string)).not.toBeNaN();
    expect(entries[1]).toMatchObject({ route: null, status: 404 });
    expect(JSON.stringify(entries)).not.toContain(ADMIN_PASSWORD);
  });

  it("filters by route and clears with DELETE /__sandbox/log", async () => {
    await callForpost(forpost.url, "GetTariffs");
    await callForpost(forpost.url, "masAccounts");
    expect(((await admin(forpost.url, "GET", "log?route=GetTariffs")).json as { entries: unknown[] }).entries).toHaveLength(1);
    expect(emulator.log.entries("masAccounts")).toHaveLength(1);
    expect((await admin(forpost.url, "DELETE", "log")).status).toBe(200);
    expect(emulator.log.entries()).toEqual([]);
  });
});

describe("state and reset", () => {
  it("GET /__sandbox/state shows the accounts with their tariff settings, without credentials", async () => {
    const id = await addAccount(forpost.url, { ContractNumber: "C-9" });
    await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: String(id), TariffIDList: "[1]" });
    const answer = await admin(forpost.url, "GET", "state");
    const state = answer.json as ForpostState;
    expect(state.accounts).toEqual([expect.objectContaining({ ID: id, ContractNumber: "C-9", MaxCameraCount: 4, AllowedTariffIDs: [1], DefaultCameraTariffID: 0 })]);
    expect(state.tariffs.map((tariff) => tariff.ID)).toEqual([1, 2, 3]);
    expect(state.nextAccountId).toBe(id + 1);
    expect(answer.text).not.toContain(ADMIN_PASSWORD);
  });

  it("POST /__sandbox/reset empties accounts, log and faults, and restarts IDs", async () => {
    await addAccount(forpost.url);
    emulator.faults.set("GetTariffs", { status: 500 });
    expect((await admin(forpost.url, "POST", "reset")).status).toBe(200);
    expect(emulator.state().accounts).toEqual([]);
    expect(emulator.log.entries()).toEqual([]);
    expect(emulator.faults.list()).toEqual({});
    expect(await addAccount(forpost.url)).toBe(1001);
  });

  it("lists route names and answers unknown admin paths with 404", async () => {
    const routes = (await admin(forpost.url, "GET", "routes")).json as { routes: string[] };
    expect(routes.routes).toContain("AddAccount");
    expect(routes.routes).toHaveLength(48);
    expect((await admin(forpost.url, "GET", "nothing-here")).status).toBe(404);
    expect((await admin(forpost.url, "PUT", "state")).status).toBe(405);
  });
});

describe("changes behind the client's back", () => {
  it("accounts.patch changes what the API answers (drift)", async () => {
    const id = await addAccount(forpost.url);
    const patched = emulator.accounts.patch(id, { MaxCameraCount: 32, ContractNumber: "X-1", NetworkIP: null, DefaultCameraTariffID: 3 });
    expect(patched).toMatchObject({ ID: id, MaxCameraCount: 32, ContractNumber: "X-1" });
    expect((await findById(id))[0]).toMatchObject({ MaxCameraCount: "32", ContractNumber: "X-1" });
    expect((await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: String(id) })).json).toEqual({ ID: "3" });
    expect(emulator.accounts.get(id)).toMatchObject({ MaxCameraCount: 32, DefaultCameraTariffID: 3 });
  });

  it("accounts.patch validates like the API and refuses unknown accounts and fields", async () => {
    const id = await addAccount(forpost.url);
    expect(() => emulator.accounts.patch(id, { IsActive: 7 as 0 })).toThrow(/IsActive must be 1 or 0/);
    expect(() => emulator.accounts.patch(id, { AllowedTariffIDs: [99] })).toThrow(/99/);
    expect(() => emulator.accounts.patch(id, { Bogus: 1 } as never)).toThrow(/unknown account field/);
    expect(() => emulator.accounts.patch(9999, { MaxCameraCount: 1 })).toThrow(/does not exist/);
    expect(emulator.accounts.get(id)).toMatchObject({ IsActive: 1, AllowedTariffIDs: [] });
  });

  it("accounts.delete removes an account out of band; accounts.add makes one that pre-exists", async () => {
    const id = await addAccount(forpost.url);
    expect(emulator.accounts.delete(id)).toBe(true);
    expect(emulator.accounts.delete(id)).toBe(false);
    expect(await findById(id)).toEqual([]);
    const existing = emulator.accounts.add({
      Name: "Portal-made",
      MaxCameraCount: 2,
      MaxLoginCount: 1,
      MaxCameraOnlineTranslationCount: 1,
      MaxCameraArchivalTranslationCount: 1,
      MaxCameraUserOnlineTranslationCount: 1,
      MaxCameraUserArchivalTranslationCount: 1,
      ContractNumber: "P-1",
    });
    expect((await callForpost(forpost.url, "FindAccounts", { ContractNumber: "P-1" })).json).toEqual([
      expect.objectContaining({ ID: String(existing.ID), Name: "Portal-made", IsActive: "1" }),
    ]);
  });

  it("the admin routes GET/PATCH/DELETE /__sandbox/accounts/<id> and POST /__sandbox/accounts do the same over HTTP", async () => {
    const id = await addAccount(forpost.url);
    expect((await admin(forpost.url, "GET", `accounts/${id}`)).json).toMatchObject({ ID: id, MaxCameraCount: 4 });
    const patched = await admin(forpost.url, "PATCH", `accounts/${id}`, { IsLoginLocked: 1, LoginLockReason: "debt" });
    expect(patched.status).toBe(200);
    expect((await findById(id))[0]).toMatchObject({ IsLoginLocked: "1", LoginLockReason: "debt" });
    expect((await admin(forpost.url, "PATCH", `accounts/${id}`, { Quota: -5 })).status).toBe(400);
    expect((await admin(forpost.url, "DELETE", `accounts/${id}`)).json).toEqual({ ok: true });
    expect((await admin(forpost.url, "GET", `accounts/${id}`)).status).toBe(404);
    expect((await admin(forpost.url, "PATCH", `accounts/${id}`, { Quota: 5 })).status).toBe(404);
    const created = await admin(forpost.url, "POST", "accounts", { Name: "Portal", MaxCameraCount: 1, MaxLoginCount: 1 });
    expect(created.status).toBe(400);
    expect(created.json).toMatchObject({ error: expect.stringContaining("MaxCameraOnlineTranslationCount is required") });
  });
});

describe("users, cameras, access rights and reachability over the admin routes", () => {
  it("adds, reads, patches and deletes users and cameras; state never shows a password", async () => {
    const account = await addAccount(forpost.url);
    const user = (await admin(forpost.url, "POST", "users", { AccountID: account, Login: "ivanov", Password: "portal-user-pw" })).json as { ID: number };
    expect(user).toMatchObject({ ID: 5001, Login: "ivanov", IsActive: 1 });
    expect((await admin(forpost.url, "PATCH", `users/${user.ID}`, { IsActive: 0 })).json).toMatchObject({ IsActive: 0 });
    const camera = (await admin(forpost.url, "POST", "cameras", { AccountID: account, Name: "Двор", MasterID: 1, Login: "admin", IPOrDomain: "10.1.1.1", Port: 554, Password: "portal-cam-pw" }))
      .json as { ID: number };
    expect(camera).toMatchObject({ ID: 7001, Name: "Двор" });
    expect((await admin(forpost.url, "PUT", `access/${user.ID}/${camera.ID}`, { Review: 1 })).json).toMatchObject({ Review: 1, Download: 0 });
    expect((await admin(forpost.url, "PUT", "reachable-cameras", { addresses: ["10.1.1.1"] })).json).toEqual({ addresses: ["10.1.1.1"] });
    const state = await admin(forpost.url, "GET", "state");
    expect(state.json).toMatchObject({ users: [{ ID: 5001 }], cameras: [{ ID: 7001 }], access: [{ UserID: 5001, CameraID: 7001 }], reachableCameras: ["10.1.1.1"] });
    for (const secret of ["portal-user-pw", "portal-cam-pw", "PasswordDigest"]) expect(state.text).not.toContain(secret);
    expect((await admin(forpost.url, "DELETE", `access/${user.ID}/${camera.ID}`)).status).toBe(200);
    expect((await admin(forpost.url, "GET", `access/${user.ID}/${camera.ID}`)).status).toBe(404);
    expect((await admin(forpost.url, "DELETE", `cameras/${camera.ID}`)).status).toBe(200);
    expect((await admin(forpost.url, "DELETE", `users/${user.ID}`)).status).toBe(200);
    expect((await admin(forpost.url, "GET", `users/${user.ID}`)).status).toBe(404);
  });

  it("refuses invalid values with 400 naming them", async () => {
    const account = await addAccount(forpost.url);
    const answer = await admin(forpost.url, "POST", "cameras", { AccountID: account, Name: "x", MasterID: 1, Login: "a", IPOrDomain: "h", Port: 0 });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "Port must be a port number from 1 to 65535" });
    expect((await admin(forpost.url, "PUT", "reachable-cameras", { addresses: "10.1.1.1" })).status).toBe(400);
  });

  it("reset empties users, cameras and access rights and makes every camera unreachable again", async () => {
    const account = await addAccount(forpost.url);
    emulator.users.add({ AccountID: account, Login: "x", Password: "pw-x" });
    emulator.cameras.setReachable(["10.0.0.1"]);
    emulator.reset();
    expect(emulator.state()).toMatchObject({ users: [], cameras: [], access: [], reachableCameras: [], nextUserId: 5001, nextCameraId: 7001 });
  });
});
