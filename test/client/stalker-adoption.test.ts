import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import type { DiscoveredObject, TelecomResource } from "../../provider/core/resource";
import { stalkerAccount } from "../../provider/stalker/account";
import { stalkerChannelSubscription } from "../../provider/stalker/channel-subscription";
import { stalkerMenuRestrictions } from "../../provider/stalker/menu-restrictions";
import { startSandbox, type RunningSandbox } from "../../sandbox";

/**
 * Adoption, discovery and coalesced reads of the Stalker resources, against an emulator seeded with
 * realistic subscribers (families sharing account numbers, boxes with channels and restrictions).
 */
const PASSWORD = "test-only-stalker-adoption-pw";
let sandbox: RunningSandbox;
let config: Record<string, string>;
const emulator = () => sandbox.stalker.emulator;
const writes = () => emulator().log.entries().filter((e) => e.method !== "GET");
const MAC = "00:1A:79:00:00:0A";

beforeAll(async () => {
  sandbox = await startSandbox({ stalker: { password: PASSWORD } });
  config = { "stalker:url": sandbox.stalker.url, "stalker:user": sandbox.stalker.user, "stalker:password": PASSWORD, "stalker:maxRetries": "1" };
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().reset();
  setStackConfig({ get: (k) => config[k] }); // a fresh client: no account list of another test's Stalker
});

async function collect(iterable: AsyncIterable<DiscoveredObject>): Promise<DiscoveredObject[]> {
  const out: DiscoveredObject[] = [];
  for await (const o of iterable) out.push(o);
  return out;
}

/** Runs `work` over the items with at most `parallel` at a time, as the engine runs Reads (`--parallel`). */
async function pool<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe("StalkerAccount: import by login, adoption by login", () => {
  const ALICE = { login: "alice", fullName: "Alice", accountNumber: "100", tariffPlan: "FULL", stbMac: MAC };
  const neighbour = () => emulator().addAccount({ login: "neighbour", account_number: "100", full_name: "Neighbour", tariff_plan: "BASIC" });
  const neighbourUntouched = () => expect(emulator().account("neighbour")).toMatchObject({ full_name: "Neighbour", account_number: "100", tariff_plan: "BASIC" });

  it("imports by login alone (the account list finds it), listing every difference at check, writing nothing", async () => {
    neighbour();
    emulator().addAccount({ login: "alice", full_name: "Alice", account_number: "100", tariff_plan: "STANDART", stb_mac: MAC, password: "old-pw" });
    const matching = await stalkerAccount.check({}, { ...ALICE, tariffPlan: "STANDART", __import: "alice" });
    expect(matching.failures).toEqual([]);
    const differing = await stalkerAccount.check({}, { ...ALICE, fullName: "Alicia", __import: "alice" });
    expect(differing.failures).toEqual([
      { property: "fullName", reason: expect.stringMatching(/^differs from the account alice being imported — fullName: declared "Alicia", Stalker has "Alice"/) },
      { property: "tariffPlan", reason: expect.stringMatching(/tariffPlan: declared "FULL", Stalker has "STANDART"/) },
    ]);
    const missing = await stalkerAccount.check({}, { ...ALICE, __import: "nobody" });
    expect(missing.failures).toEqual([{ property: "__import", reason: 'Stalker has no account with id "nobody" (it does not exist, or is another kind of object): check the id' }]);
    // The password is never read back: an import takes the declared one.
    const imported = await stalkerAccount.create({ ...(matching.inputs as Record<string, unknown>), password: "declared-pw" });
    expect(imported.outs).toMatchObject({ login: "alice", tariffPlan: "STANDART", password: "declared-pw" });
    expect(writes()).toEqual([]);
    neighbourUntouched();
  });

  it("adoptExisting: creates when the login is free, adopts (applying what differs, by MAC) when it exists, never touching the neighbour", async () => {
    neighbour();
    const created = await stalkerAccount.create((await stalkerAccount.check({}, { ...ALICE, __adopt: true })).inputs);
    expect(created.id).toBe("alice");
    emulator().deleteAccount("alice");
    emulator().addAccount({ login: "alice", account_number: "100", stb_mac: MAC, full_name: "Old name", tariff_plan: "BASIC" });
    emulator().log.clear();
    const adopted = await stalkerAccount.create((await stalkerAccount.check({}, { ...ALICE, __adopt: true })).inputs);
    expect(adopted.outs).toMatchObject({ fullName: "Alice", tariffPlan: "FULL" });
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /stalker_portal/api/accounts/${MAC}`]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour", "alice"]);
    neighbourUntouched();
  });

  it("adoptExisting looks at the account list as it is now: an account deleted outside Pulumi just after a refresh listed it is created, not adopted", async () => {
    // Known by its login only, so the refresh reads the account list (a list kept two seconds for reads).
    emulator().addAccount({ login: "alice", account_number: "555", stb_mac: "00:1A:79:00:00:55", full_name: "Alice" });
    expect((await stalkerAccount.read("alice", { login: "alice" })).props).toMatchObject({ login: "alice" });
    emulator().deleteAccount("alice");
    emulator().log.clear();
    const created = await stalkerAccount.create((await stalkerAccount.check({}, { ...ALICE, __adopt: true })).inputs);
    expect(created.id).toBe("alice");
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual(["POST /stalker_portal/api/accounts/"]);
    expect(emulator().account("alice")).toMatchObject({ account_number: "100", stb_mac: MAC });
  });

  it("adoptExisting finds the login wherever it is (another MAC and number), and refuses a replacement it would need", async () => {
    emulator().addAccount({ login: "alice", account_number: "555", stb_mac: "00:1A:79:00:00:55", full_name: "Alice" });
    const adopted = await stalkerAccount.create((await stalkerAccount.check({}, { ...ALICE, __adopt: true })).inputs);
    expect(adopted.outs).toMatchObject({ accountNumber: "100", stbMac: MAC });
    expect(emulator().account("alice")).toMatchObject({ account_number: "100", stb_mac: MAC });
  });
});

describe("discover", () => {
  it("lists every account in one call; each round-trips through check and import with zero writes", async () => {
    const seeded = emulator().seed({ accounts: 300 });
    emulator().log.clear();
    let progress = 0;
    const found = await collect(stalkerAccount.definition.discover!({ onProgress: (n) => (progress = n) }));
    expect(found).toHaveLength(300);
    expect(progress).toBe(300);
    expect(emulator().log.entries().map((e) => e.route)).toEqual(["accounts.get"]);
    expect(found[3]).toMatchObject({ id: "sub00004", subscriber: found[2]!.subscriber, name: "sub00004" });
    expect(Object.keys(found[0]!.inputs).sort()).toEqual(["accountNumber", "active", "fullName", "login", "stbMac", "tariffPlan"]);
    expect(found.filter((o) => o.inputs.stbMac === undefined)).toHaveLength(seeded.withoutMac);
    await expectRoundTrip(stalkerAccount, found);
  });

  it("honours limit and subscriberPrefix", async () => {
    emulator().seed({ accounts: 40 });
    expect(await collect(stalkerAccount.definition.discover!({ limit: 5 }))).toHaveLength(5);
    const family = await collect(stalkerAccount.definition.discover!({ subscriberPrefix: "7000003" }));
    expect(family.map((o) => o.id)).toEqual(["sub00003", "sub00004"]);
  });

  it("finds channel subscriptions (two calls) and menu restrictions (a call per box), with refs to their accounts, round-tripping", async () => {
    const seeded = emulator().seed({ accounts: 120 });
    emulator().log.clear();
    const subs = await collect(stalkerChannelSubscription.definition.discover!({}));
    expect(emulator().log.entries().map((e) => e.route).sort()).toEqual(["accounts.get", "itv_subscription.get"]);
    expect(subs).toHaveLength(seeded.withChannels);
    expect(subs[0]).toMatchObject({ refs: { login: { token: "stalker:Account", id: subs[0]!.id } }, name: `${subs[0]!.id}-channels` });
    await expectRoundTrip(stalkerChannelSubscription, subs);
    emulator().log.clear();
    const menus = await collect(stalkerMenuRestrictions.definition.discover!({}));
    expect(menus).toHaveLength(seeded.withRestrictions);
    expect(emulator().log.entries("stb_modules.get")).toHaveLength(120 - seeded.withoutMac);
    await expectRoundTrip(stalkerMenuRestrictions, menus);
  });

  /** check + import of every discovered object: no failure, no write. */
  async function expectRoundTrip(resource: TelecomResource, found: DiscoveredObject[]) {
    emulator().log.clear();
    await pool(found, 16, async (o) => {
      const { failures } = await resource.check({}, { ...o.inputs, __import: o.id });
      expect(failures, o.id).toEqual([]);
    });
    expect(writes()).toEqual([]);
  }
});

describe("coalesced refresh", () => {
  it("reads 1,000 accounts at --parallel 64 with one multi-identifier GET per 64, matching records by MAC and login", async () => {
    emulator().seed({ accounts: 1000, withoutMacEvery: 0 });
    const found = await collect(stalkerAccount.definition.discover!({}));
    const states = found.map((o) => ({ id: o.id, olds: o.inputs }));
    emulator().log.clear();
    const read: Record<string, string> = {};
    await pool(states, 64, async (s) => {
      const r = await stalkerAccount.read(s.id, s.olds);
      read[s.id] = String(r.props!.login);
    });
    expect(Object.keys(read)).toHaveLength(1000);
    expect(Object.entries(read).every(([id, login]) => id === login)).toBe(true);
    const calls = emulator().log.entries().length;
    expect(calls).toBeLessThanOrEqual(2 * Math.ceil(1000 / 64));
    expect(emulator().log.entries().every((e) => e.route === "accounts.get")).toBe(true);
    // All at once (a larger --parallel): one GET per 200 MACs, the most a URL carries.
    emulator().log.clear();
    await Promise.all(states.map((s) => stalkerAccount.read(s.id, s.olds)));
    expect(emulator().log.entries().length).toBe(5);
  });

  it("never takes a neighbour sharing a MAC for the account, and reports a missing one gone while the others are read", async () => {
    emulator().addAccount({ login: "a", account_number: "1", stb_mac: "00:1A:79:00:00:01" });
    emulator().addAccount({ login: "b", account_number: "2", stb_mac: "00:1A:79:00:00:02" });
    emulator().addAccount({ login: "twin", account_number: "3", stb_mac: "00:1A:79:00:00:03" });
    emulator().editAccount("b", { stb_mac: "00:1A:79:00:00:01" }); // a and b now share a MAC; c is gone
    emulator().log.clear();
    const reads = await Promise.all([
      stalkerAccount.read("a", { stbMac: "00:1A:79:00:00:01" }),
      stalkerAccount.read("b", { stbMac: "00:1A:79:00:00:02" }),
      stalkerAccount.read("c", { stbMac: "00:1A:79:00:00:04" }),
      stalkerAccount.read("twin", { stbMac: "00:1A:79:00:00:03" }),
    ]);
    expect(reads.map((r) => r.props?.["login"] ?? "gone")).toEqual(["a", "b", "gone", "twin"]);
    expect(reads[1]!.props).toMatchObject({ stbMac: "00:1A:79:00:00:01", accountNumber: "2" });
  });

  it("reads 1,000 channel subscriptions at --parallel 64 with one accounts GET and one subscriptions GET per 64", async () => {
    emulator().seed({ accounts: 1000, withoutMacEvery: 0, subscriptionShare: 1 });
    const found = await collect(stalkerChannelSubscription.definition.discover!({}));
    expect(found).toHaveLength(1000);
    emulator().log.clear();
    await pool(found, 64, async (o) => {
      const r = await stalkerChannelSubscription.read(o.id, o.inputs);
      expect(r.props).toMatchObject({ login: o.id, channels: o.inputs.channels });
    });
    const routes = emulator().log.entries().map((e) => e.route);
    expect(routes.filter((r) => r === "itv_subscription.get").length).toBe(Math.ceil(1000 / 64));
    expect(routes.length).toBeLessThanOrEqual(2 * 2 * Math.ceil(1000 / 64));
  });
});
