import { describe, expect, it } from "vitest";
import { seedForpost } from "../../sandbox/forpost";
import { callForpost, useForpostEmulator } from "./forpost-call";

/** The seeding helper discovery and the benchmarks use to fill the emulator with subscribers. */
const forpost = useForpostEmulator();
const emulator = forpost.emulator;

describe("seedForpost", () => {
  it("adds N accounts with users, cameras and access rights, without API calls, deterministically", async () => {
    const { subscribers } = seedForpost(emulator, { accounts: 50 });
    expect(subscribers).toHaveLength(50);
    expect(emulator.log.entries()).toEqual([]);
    const [first] = subscribers;
    expect(first).toMatchObject({ accountId: 1001, contractNumber: "C-000001", logins: ["c000001", "c000001-2"], userIds: [5001, 5002], cameraIds: [7001, 7002] });
    expect(emulator.users.get(5001)).toMatchObject({ IsReadOnly: 0, AccountID: 1001 });
    expect(emulator.users.get(5002)).toMatchObject({ IsReadOnly: 1 });
    expect(emulator.access.list(5002)).toHaveLength(2);
    // Neighbours share camera names, never cameras.
    expect(emulator.cameras.list().filter((c) => c.Name === "Подъезд")).toHaveLength(50);
    const names = subscribers.map((s) => s.name);
    emulator.reset();
    expect(seedForpost(emulator, { accounts: 50 }).subscribers.map((s) => s.name)).toEqual(names);
  });

  it("serves the seeded data through the API like any other", async () => {
    seedForpost(emulator, { accounts: 3, usersPerAccount: 1, camerasPerAccount: 3, contractPrefix: "T-", firstContract: 100 });
    const accounts = (await callForpost(forpost.url, "masAccounts")).json as Array<Record<string, unknown>>;
    expect(accounts.map((a) => a["ContractNumber"])).toEqual(["T-000100", "T-000101", "T-000102"]);
    const cameras = (await callForpost(forpost.url, "GetCameras", { AccountID: "1002" })).json as Array<Record<string, unknown>>;
    expect(cameras.map((c) => c["Name"])).toEqual(["Подъезд", "Двор", "Парковка"]);
    expect((await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: "1001" })).status).toBe(200);
  });

  it("seeds 10,000 subscribers quickly enough for benchmarks", () => {
    const started = performance.now();
    seedForpost(emulator, { accounts: 10_000 });
    expect(emulator.users.list()).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
