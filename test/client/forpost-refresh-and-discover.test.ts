import { describe, expect, it } from "vitest";
import { IMPORT_KEY } from "../../provider/core/adoption";
import type { DiscoveredObject, TelecomResource } from "../../provider/core/resource";
import { forpostAccount } from "../../provider/forpost/account";
import { forpostCamera } from "../../provider/forpost/camera";
import { forpostUser } from "../../provider/forpost/user";
import { forpostUserCameraAccess } from "../../provider/forpost/user-camera-access";
import { seedForpost } from "../../sandbox/forpost";
import { useForpostSandbox } from "./forpost-setup";

/**
 * Refresh of many objects at `--parallel 64` (the engine sends that many Reads at once, each next
 * one as soon as one finishes) costs close to the floor the API allows; discover lists everything
 * read-only, and what it yields imports back without a difference or a write.
 */
const t = useForpostSandbox();
const PARALLEL = 64;

/** Runs the reads like the engine's refresh: at most PARALLEL at once. */
async function refreshAll(resource: TelecomResource, items: Array<{ id: string; props: Record<string, unknown> }>) {
  const results: Array<{ id?: string }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        results.push(await resource.read(item.id, item.props));
      }
    }),
  );
  return results;
}

const count = (route: string) => t.emulator.log.entries(route).length;
const WRITES = ["AddAccount", "EditAccount", "DeleteAccount", "SetAllowedAccountTariffs", "SetAccountDefaultCameraTariff", "AddUser", "EditUser", "EditUserPassword", "DeleteUser", "AddCamera", "EditCamera", "DeleteCamera", "UpdateUserCameraAccessRights"];

describe("refresh of 1,000 objects at --parallel 64", () => {
  it("accounts: one masAccounts (shared) plus the two tariff getters each — the floor is 1 + 2N", async () => {
    const { subscribers } = seedForpost(t.emulator, { accounts: 1000, usersPerAccount: 0, camerasPerAccount: 0 });
    const results = await refreshAll(forpostAccount, subscribers.map((s) => ({ id: String(s.accountId), props: { name: s.name } })));
    expect(results.filter((r) => r.id)).toHaveLength(1000);
    const total = t.emulator.log.entries().length;
    expect(count("GetAllowedAccountTariffs")).toBe(1000);
    expect(count("GetAccountDefaultCameraTariff")).toBe(1000);
    // One masAccounts answers every read arriving while it is fresh (2 s); on a slow machine a
    // long refresh fetches it again now and then, or reads a straggler with FindAccounts.
    expect(count("masAccounts") + count("FindAccounts")).toBeLessThanOrEqual(100);
    expect(total).toBeLessThanOrEqual(2 * (1 + 2 * 1000));
    console.log(`accounts: ${total} calls for 1000 (floor 2001): masAccounts ${count("masAccounts")}, FindAccounts ${count("FindAccounts")}`);
  }, 120_000);

  it("users, cameras and access rights: one list per account (or per user) — the floor without a global list", async () => {
    const { subscribers } = seedForpost(t.emulator, { accounts: 500 });
    const users = subscribers.flatMap((s) => s.userIds.map((id) => ({ id: String(id), props: { accountId: String(s.accountId) } })));
    const cameras = subscribers.flatMap((s) => s.cameraIds.map((id) => ({ id: String(id), props: { accountId: String(s.accountId) } })));
    const access = subscribers.flatMap((s) => s.cameraIds.map((c) => ({ id: `${s.userIds[1]}/${c}`, props: {} })));
    expect([users.length, cameras.length, access.length]).toEqual([1000, 1000, 1000]);

    expect((await refreshAll(forpostUser, users)).filter((r) => r.id)).toHaveLength(1000);
    expect(count("GetAccountUsers")).toBeLessThanOrEqual(2 * 500);
    console.log(`users: ${count("GetAccountUsers")} GetAccountUsers for 1000 users in 500 accounts (floor 500)`);

    expect((await refreshAll(forpostCamera, cameras)).filter((r) => r.id)).toHaveLength(1000);
    expect(count("GetCameras")).toBeLessThanOrEqual(2 * 500);
    console.log(`cameras: ${count("GetCameras")} GetCameras for 1000 cameras in 500 accounts (floor 500)`);

    expect((await refreshAll(forpostUserCameraAccess, access)).filter((r) => r.id)).toHaveLength(1000);
    expect(count("GetUserCameraAccessRights")).toBeLessThanOrEqual(2 * 500);
    console.log(`access: ${count("GetUserCameraAccessRights")} GetUserCameraAccessRights for 1000 rows of 500 users (floor 500)`);
    expect(t.emulator.log.entries().length).toBe(count("GetAccountUsers") + count("GetCameras") + count("GetUserCameraAccessRights"));
  }, 120_000);

  it("still reports each deleted object gone, and never answers one object with a neighbour's record", async () => {
    const { subscribers } = seedForpost(t.emulator, { accounts: 100 });
    const goneUser = subscribers[10]!.userIds[0]!;
    const goneCamera = subscribers[20]!.cameraIds[1]!;
    t.emulator.users.delete(goneUser);
    t.emulator.cameras.delete(goneCamera);
    const users = subscribers.flatMap((s) => s.userIds.map((id) => ({ id: String(id), props: { accountId: String(s.accountId) } })));
    const cameras = subscribers.flatMap((s) => s.cameraIds.map((id) => ({ id: String(id), props: { accountId: String(s.accountId) } })));
    const userReads = await refreshAll(forpostUser, users);
    const cameraReads = await refreshAll(forpostCamera, cameras);
    expect(userReads.filter((r) => !r.id)).toHaveLength(1);
    expect(cameraReads.filter((r) => !r.id)).toHaveLength(1);
    const read = await forpostCamera.read(String(subscribers[5]!.cameraIds[0]), { accountId: String(subscribers[5]!.accountId) });
    expect(read.props).toMatchObject({ cameraId: subscribers[5]!.cameraIds[0], accountId: String(subscribers[5]!.accountId), name: "Подъезд" });
  }, 60_000);
});

async function collect(resource: TelecomResource, options: Parameters<NonNullable<TelecomResource["definition"]["discover"]>>[0] = {}): Promise<DiscoveredObject[]> {
  const found: DiscoveredObject[] = [];
  for await (const object of resource.definition.discover!(options)) found.push(object);
  return found;
}

describe("discover", () => {
  it("finds every account, user, camera and access row through the lists, writing nothing", async () => {
    seedForpost(t.emulator, { accounts: 12 });
    const [accounts, users, cameras, access] = [await collect(forpostAccount), await collect(forpostUser), await collect(forpostCamera), await collect(forpostUserCameraAccess)];
    expect([accounts.length, users.length, cameras.length, access.length]).toEqual([12, 24, 24, 24]);
    expect(accounts[0]).toMatchObject({ id: "1001", subscriber: "C-000001", name: "c-000001", inputs: { contractNumber: "C-000001", maxLoginCount: expect.any(Number) } });
    expect(users[1]).toMatchObject({ id: "5002", subscriber: "C-000001", inputs: { accountId: "1001", login: "c000001-2", isReadOnly: true }, refs: { accountId: { token: "forpost:Account", id: "1001" } } });
    expect(users[0]!.inputs).not.toHaveProperty("password");
    expect(cameras[0]).toMatchObject({ id: "7001", inputs: { accountId: "1001", name: "Подъезд" }, refs: { accountId: { token: "forpost:Account", id: "1001" } } });
    expect(access[0]).toMatchObject({ id: "5002/7001", inputs: { userId: "5002", cameraId: "7001", review: true, viewArchive: true, snapshot: true }, refs: { userId: { token: "forpost:User", id: "5002" }, cameraId: { token: "forpost:Camera", id: "7001" } } });
    expect(WRITES.map(count).reduce((a, b) => a + b)).toBe(0);
  });

  it("honours limit and subscriberPrefix, and reports progress", async () => {
    seedForpost(t.emulator, { accounts: 30 });
    const progress: number[] = [];
    expect(await collect(forpostUser, { limit: 5, onProgress: (n) => progress.push(n) })).toHaveLength(5);
    expect(progress.at(-1)).toBe(5);
    const some = await collect(forpostCamera, { subscriberPrefix: "C-00002" });
    expect(new Set(some.map((c) => c.subscriber))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `C-00002${i}`)));
  });

  it("yields inputs that import back with no difference and no write, for every kind", async () => {
    seedForpost(t.emulator, { accounts: 6 });
    for (const resource of [forpostAccount, forpostUser, forpostCamera, forpostUserCameraAccess]) {
      for (const object of await collect(resource)) {
        const { inputs, failures } = await resource.check({}, { ...object.inputs, [IMPORT_KEY]: object.id });
        expect(failures, `${resource.definition.token} ${object.id}`).toEqual([]);
        const imported = await resource.create(inputs);
        expect(imported.id).toBe(object.id);
      }
    }
    expect(WRITES.map(count).reduce((a, b) => a + b)).toBe(0);
  }, 60_000);
});
