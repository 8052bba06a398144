import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { stalkerAccount } from "../../provider/stalker/account";
import { startSandbox, type RunningSandbox } from "../../sandbox";

/** The resource's own methods (what the host calls), against the emulator, without the host. */
const PASSWORD = "test-only-stalker-resource-pw";
let sandbox: RunningSandbox;
const emulator = () => sandbox.stalker.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();

const ALICE = {
  login: "alice",
  password: "fake-subscriber-pw-1",
  fullName: "Alice Example",
  accountNumber: "100",
  tariffPlan: "FULL",
  stbMac: "00:1a:79:00:00:0a",
};
const ALICE_MAC = "00:1A:79:00:00:0A";

let baseConfig: Record<string, string>;
beforeAll(async () => {
  sandbox = await startSandbox({ stalker: { password: PASSWORD } });
  baseConfig = {
    "stalker:url": sandbox.stalker.url,
    "stalker:user": sandbox.stalker.user,
    "stalker:password": PASSWORD,
    "stalker:maxRetries": "1",
  };
  setStackConfig({ get: (k) => baseConfig[k] });
});
afterAll(() => sandbox.stop());
beforeEach(() => emulator().reset());

async function checked(news: Record<string, unknown>) {
  const { inputs, failures } = await stalkerAccount.check({}, news);
  expect(failures).toEqual([]);
  return inputs;
}
async function create(news: Record<string, unknown> = ALICE) {
  return stalkerAccount.create(await checked(news));
}
const neighbour = (extra: Record<string, string> = {}) =>
  emulator().addAccount({ login: "neighbour", account_number: "100", full_name: "Neighbour", tariff_plan: "BASIC", ...extra });

describe("check", () => {
  it("normalises the MAC, defaults active to true, and accepts unknown values", async () => {
    expect(await checked(ALICE)).toMatchObject({ stbMac: ALICE_MAC, active: true });
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect((await stalkerAccount.check({}, { login: unknown, stbMac: unknown })).failures).toEqual([]);
  });

  it("names each bad field: a missing login, a malformed MAC, an account number the API would misread", async () => {
    const { failures } = await stalkerAccount.check({}, { stbMac: "00:1A:79:00:00", accountNumber: "10,11" });
    expect(failures).toEqual([
      { property: "login", reason: "is required" },
      { property: "accountNumber", reason: expect.stringMatching(/^must not contain spaces or any of , \/ \\ :/) },
      { property: "stbMac", reason: "must be a MAC address such as 00:1A:79:00:39:5E" },
    ]);
  });

  it("requires accountNumber or stbMac, saying why", async () => {
    const { failures } = await stalkerAccount.check({}, { login: "x" });
    expect(failures).toEqual([{ property: "accountNumber", reason: expect.stringMatching(/^set accountNumber or stbMac .*never by its login$/) }]);
    expect((await stalkerAccount.check({}, { login: "x", stbMac: "" })).failures).toHaveLength(1);
  });

  it("replaces on a new login (deleting first), updates everything else in place", async () => {
    const olds = { ...(await checked(ALICE)) };
    expect(await stalkerAccount.diff("alice", olds, await checked({ ...ALICE, login: "alice2" }))).toEqual({
      changes: true,
      replaces: ["login"],
      deleteBeforeReplace: true,
    });
    expect(await stalkerAccount.diff("alice", olds, await checked({ ...ALICE, stbMac: "00:1A:79:00:00:0B", active: false }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("stalkerAccount against the emulator", () => {
  it("creates with one POST (form fields, status from active) and reads it back by MAC", async () => {
    const { id, outs } = await create();
    expect(id).toBe("alice");
    expect(outs).toMatchObject({ login: "alice", stbMac: ALICE_MAC, active: true, password: ALICE.password, stbSn: "", online: false, subscribed: [] });
    expect(outs[DECLARED_KEY]).toEqual(["login", "password", "fullName", "accountNumber", "tariffPlan", "active", "stbMac"]);
    expect(routes()).toEqual(["accounts.post", "accounts.get"]);
    expect(emulator().log.entries("accounts.post")[0]!.params).toEqual({
      login: "alice",
      password: "***",
      full_name: "Alice Example",
      account_number: "100",
      tariff_plan: "FULL",
      status: "1",
      stb_mac: ALICE_MAC,
    });
    expect(emulator().log.entries("accounts.get")[0]!.path).toBe(`/stalker_portal/api/accounts/${ALICE_MAC}`);
    expect(emulator().account("alice")!.password).toBe(ALICE.password);
  });

  it("updates only what changed, by MAC: GET to locate, PUT, GET to read back", async () => {
    const { outs } = await create();
    clearLog();
    const { outs: after } = await stalkerAccount.update("alice", outs, await checked({ ...ALICE, tariffPlan: "STANDART", active: false }));
    expect(routes()).toEqual(["accounts.get", "accounts.put", "accounts.get"]);
    const [put] = emulator().log.entries("accounts.put");
    expect(put!.path).toBe(`/stalker_portal/api/accounts/${ALICE_MAC}`);
    expect(put!.params).toEqual({ tariff_plan: "STANDART", status: "0" });
    expect(after).toMatchObject({ tariffPlan: "STANDART", active: false });
    clearLog();
    await stalkerAccount.update("alice", after, await checked({ ...ALICE, tariffPlan: "STANDART", active: false }));
    expect(routes()).toEqual([]);
  });

  it("sends a MAC change to the account's current MAC and reads it back at the new one", async () => {
    const { outs } = await create();
    clearLog();
    const { outs: after } = await stalkerAccount.update("alice", outs, await checked({ ...ALICE, stbMac: "00-1A-79-00-00-0B" }));
    const [put] = emulator().log.entries("accounts.put");
    expect(put).toMatchObject({ path: `/stalker_portal/api/accounts/${ALICE_MAC}`, params: { stb_mac: "00:1A:79:00:00:0B" } });
    expect(emulator().log.entries("accounts.get").at(-1)!.path).toBe("/stalker_portal/api/accounts/00:1A:79:00:00:0B");
    expect(after.stbMac).toBe("00:1A:79:00:00:0B");
  });

  it("a new password is sent and kept in the outputs; Stalker never reads it back", async () => {
    const { outs } = await create();
    const { outs: after } = await stalkerAccount.update("alice", outs, await checked({ ...ALICE, password: "fake-new-pw-2" }));
    expect(emulator().account("alice")!.password).toBe("fake-new-pw-2");
    expect(after.password).toBe("fake-new-pw-2");
  });

  it("shows drift on refresh, follows a MAC changed outside Pulumi, and reports a deleted account gone", async () => {
    const { outs } = await create();
    emulator().editAccount("alice", { full_name: "Changed", status: "0", stb_mac: "00:1A:79:00:00:0C", stb_type: "MAG250", online: 1 });
    const read = await stalkerAccount.read("alice", outs);
    expect(read.inputs).toMatchObject({ fullName: "Changed", active: false, stbMac: "00:1A:79:00:00:0C", password: ALICE.password });
    expect(read.props).toMatchObject({ stbType: "MAG250", online: true });
    expect(routes().slice(-2)).toEqual(["accounts.get", "accounts.get"]); // old MAC missed, found by number
    emulator().deleteAccount("alice");
    expect(await stalkerAccount.read("alice", outs)).toEqual({});
  });

  it("deletes by MAC, and deleting an account that is already gone succeeds", async () => {
    const { outs } = await create();
    clearLog();
    await stalkerAccount.delete("alice", outs);
    expect(routes()).toEqual(["accounts.get", "accounts.delete"]);
    expect(emulator().listAccounts()).toEqual([]);
    await expect(stalkerAccount.delete("alice", outs)).resolves.toBeUndefined();
  });
});

describe("a shared account number", () => {
  const NO_MAC = { login: "alice", accountNumber: "100", fullName: "Alice" };

  it("is read safely: only the account with this login counts", async () => {
    neighbour();
    const { outs } = await create(NO_MAC);
    expect(outs).toMatchObject({ login: "alice", fullName: "Alice", accountNumber: "100" });
    expect((await stalkerAccount.read("alice", outs)).props).toMatchObject({ fullName: "Alice" });
  });

  it("refuses to update or delete an account without a MAC, saying how many share it and to set stbMac", async () => {
    neighbour();
    const { outs } = await create(NO_MAC);
    clearLog();
    const update = stalkerAccount.update("alice", outs, await checked({ ...NO_MAC, fullName: "Renamed" }));
    await expect(update).rejects.toThrow(
      /^StalkerAccount "alice": account number "100" also belongs to 1 other subscriber, .*a PUT by account number would change all of them, so nothing was sent\. Set stbMac/,
    );
    await expect(stalkerAccount.delete("alice", outs)).rejects.toThrow(/a DELETE by account number would delete all of them, so nothing was sent\. Set stbMac/);
    expect(routes()).toEqual(["accounts.get", "accounts.get"]);
    expect(emulator().account("neighbour")).toMatchObject({ full_name: "Neighbour", account_number: "100" });
    expect(emulator().listAccounts()).toHaveLength(2);
  });

  it("updates and deletes by MAC when the account has one, never touching the neighbour", async () => {
    neighbour();
    const { outs } = await create({ ...NO_MAC, stbMac: ALICE_MAC });
    const { outs: after } = await stalkerAccount.update("alice", outs, await checked({ ...NO_MAC, stbMac: ALICE_MAC, tariffPlan: "STANDART", fullName: "Renamed" }));
    expect(after).toMatchObject({ tariffPlan: "STANDART", fullName: "Renamed" });
    expect(emulator().log.entries("accounts.put").map((e) => e.path)).toEqual([`/stalker_portal/api/accounts/${ALICE_MAC}`]);
    await stalkerAccount.delete("alice", after);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour"]);
    expect(emulator().account("neighbour")).toMatchObject({ full_name: "Neighbour", tariff_plan: "BASIC" });
  });

  it("uses the MAC Stalker has for the account even when the state knows only its number", async () => {
    const { outs } = await create(NO_MAC);
    neighbour();
    emulator().editAccount("alice", { stb_mac: ALICE_MAC }); // given a box in the admin panel
    await stalkerAccount.update("alice", outs, await checked({ ...NO_MAC, fullName: "Renamed" }));
    expect(emulator().log.entries("accounts.put").map((e) => e.path)).toEqual([`/stalker_portal/api/accounts/${ALICE_MAC}`]);
    expect(emulator().account("neighbour")!.full_name).toBe("Neighbour");
  });

  it("updates and deletes by number while it resolves to exactly this login", async () => {
    const { outs } = await create(NO_MAC);
    clearLog();
    await stalkerAccount.update("alice", outs, await checked({ ...NO_MAC, fullName: "Renamed" }));
    expect(emulator().log.entries("accounts.put").map((e) => e.path)).toEqual(["/stalker_portal/api/accounts/100"]);
    await stalkerAccount.delete("alice", outs);
    expect(emulator().listAccounts()).toEqual([]);
  });
});

// The document promises unique logins, not unique MACs: a PUT (ours or anyone's) can give one MAC
// to two accounts, and a PUT or DELETE by that MAC then hits both.
describe("a MAC another account also has", () => {
  const SHARED_MAC = "00:1A:79:00:00:0A";

  it("is not used to update or delete: the account's own number is, when it is exclusive", async () => {
    const { outs } = await create({ login: "alice", accountNumber: "100", stbMac: SHARED_MAC, fullName: "Alice" });
    emulator().addAccount({ login: "neighbour", account_number: "999", full_name: "Neighbour" });
    emulator().editAccount("neighbour", { stb_mac: SHARED_MAC }); // duplicated outside Pulumi
    const { outs: after } = await stalkerAccount.update("alice", outs, await checked({ login: "alice", accountNumber: "100", stbMac: SHARED_MAC, fullName: "Renamed" }));
    expect(after.fullName).toBe("Renamed");
    await stalkerAccount.delete("alice", after);
    expect(emulator().log.entries("accounts.put").map((e) => e.path)).toEqual(["/stalker_portal/api/accounts/100"]);
    expect(emulator().log.entries("accounts.delete").map((e) => e.path)).toEqual(["/stalker_portal/api/accounts/100"]);
    expect(emulator().listAccounts()).toMatchObject([{ login: "neighbour", full_name: "Neighbour", stb_mac: SHARED_MAC }]);
  });

  it("nor a MAC Stalker has for an account the state knows only by number", async () => {
    const { outs } = await create({ login: "alice", accountNumber: "100" });
    neighbour({ account_number: "100" });
    emulator().addAccount({ login: "carol", account_number: "300" });
    emulator().editAccount("alice", { stb_mac: SHARED_MAC });
    emulator().editAccount("carol", { stb_mac: SHARED_MAC });
    clearLog();
    await expect(stalkerAccount.delete("alice", outs)).rejects.toThrow(
      /^StalkerAccount "alice": MAC 00:1A:79:00:00:0A also belongs to 1 other account in Stalker, and account number "100" also belongs to 1 other subscriber; a DELETE by either would delete them too, so nothing was sent\./,
    );
    expect(routes()).toEqual(["accounts.get", "accounts.get"]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["alice", "neighbour", "carol"]);
  });

  it("is refused as the target of a MAC change before anything is sent", async () => {
    const { outs } = await create();
    emulator().addAccount({ login: "neighbour", account_number: "999", stb_mac: "00:1A:79:00:00:0B" });
    clearLog();
    const update = stalkerAccount.update("alice", outs, await checked({ ...ALICE, stbMac: "00:1a:79:00:00:0b" }));
    await expect(update).rejects.toThrow(
      /^stbMac 00:1A:79:00:00:0B: another Stalker account already has this MAC\. Stalker would give it to both, and could no longer tell them apart by it; nothing was sent\./,
    );
    expect(routes()).toEqual(["accounts.get", "accounts.get"]);
    expect(emulator().account("alice")!.stb_mac).toBe(ALICE_MAC);
  });
});

describe("creates whose outcome is unknown", () => {
  it("finds the account a lost POST created: no duplicate, no spurious 'Login already in use'", async () => {
    emulator().faults.set("accounts.post", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe("alice");
    expect(emulator().log.entries("accounts.post")).toHaveLength(1);
    expect(emulator().listAccounts()).toHaveLength(1);
  });

  it("sends the POST again when the lost one never took effect", async () => {
    emulator().faults.set("accounts.post", { drop: "before", times: 1 });
    await create({ login: "bob", accountNumber: "100" });
    expect(emulator().log.entries("accounts.post")).toHaveLength(2);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["bob"]);
  });

  it("finds it behind a cut-off answer too, and among accounts sharing its number", async () => {
    neighbour();
    emulator().faults.set("accounts.post", { malformed: true, times: 1 });
    await create({ login: "bob", accountNumber: "100" });
    expect(emulator().log.entries("accounts.post")).toHaveLength(1);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["neighbour", "bob"]);
  });

  it("never puts the subscriber's password in an error, even when Stalker echoes it", async () => {
    const echo = `Password ${ALICE.password} is too weak`;
    emulator().faults.set("accounts.post", { status: 200, body: { status: "ERROR", results: "", error: echo }, times: 1 });
    const error = (await create().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/is too weak/);
    expect(error.message).not.toContain(ALICE.password);
  });

  it("says the login exists when Stalker already has it, where, and how to adopt it", async () => {
    emulator().addAccount({ login: "alice", account_number: "999" });
    await expect(create()).rejects.toThrow(
      /^Stalker already has an account with login "alice" \(account number 999\), not made by this create \(POST \/accounts\/ answered "Login already in use"\)\. To manage it with this program, add the resource option `\{ adoptExisting: true \}` \(or `\{ import: "alice" \}`\); otherwise pick another login\.$/,
    );
  });

  it("takes 'Login already in use' for its own create when the account is exactly what it sends (a killed `pulumi up` made it)", async () => {
    await create();
    clearLog();
    const again = await create();
    expect(again.id).toBe("alice");
    expect(routes()).toEqual(["accounts.post", "accounts.get", "accounts.get"]);
    expect(emulator().listAccounts()).toHaveLength(1);
    // …but not an account with that login that differs from it in any value.
    emulator().editAccount("alice", { tariff_plan: "BASIC" });
    await expect(create()).rejects.toThrow(/already has an account with login "alice" \(MAC 00:1A:79:00:00:0A, account number 100\), not made by this create/);
  });

  it("never takes an account that had the login before for the one its lost POST made", async () => {
    emulator().addAccount({ login: "alice", account_number: "555", stb_mac: "00:1A:79:00:00:55" }); // someone else's, elsewhere
    emulator().faults.set("accounts.post", { drop: "after", times: 1 }); // refused ("Login already in use"), answer lost
    await expect(create()).rejects.toThrow(/already has an account with login "alice" \(MAC 00:1A:79:00:00:55, account number 555\), not made by this create/);
    expect(emulator().listAccounts()).toMatchObject([{ login: "alice", account_number: "555" }]);
  });

  it("ends pending when the POST's answer is lost and the look-ups fail too; the next read finds the account by its login", async () => {
    emulator().faults.set("accounts.post", { drop: "after", times: 1 });
    emulator().faults.set("accounts.get", { status: 502, times: 4 });
    const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    expect(error.message).toMatch(/could not tell whether Stalker created it \(login "alice"\)\. The stack keeps a placeholder/);
    emulator().faults.clear();
    const read = await stalkerAccount.read(error.id, error.properties);
    expect(read).toMatchObject({ id: "alice", props: { login: "alice", tariffPlan: "FULL" } });
    expect(emulator().log.entries("accounts.post")).toHaveLength(1);
  });

  it("ends pending after a timeout with no account yet (Stalker may still be creating it), never sending it twice", async () => {
    const config: Record<string, string> = {
      "stalker:url": sandbox.stalker.url,
      "stalker:user": sandbox.stalker.user,
      "stalker:password": PASSWORD,
      "stalker:maxRetries": "0",
      "stalker:timeoutSeconds": "1",
    };
    setStackConfig({ get: (k) => config[k] });
    try {
      emulator().faults.set("accounts.post", { latencyMs: 2500, status: 500, times: 1 });
      const error = (await create().catch((e: unknown) => e)) as ResourceInitError;
      expect(error.id).toMatch(/^pending:/);
      expect(error.message).toMatch(/may still be creating it/);
      await expect.poll(() => emulator().log.entries("accounts.post").length, { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(emulator().log.entries("accounts.post")).toHaveLength(1);
    } finally {
      setStackConfig({ get: (k) => baseConfig[k] });
    }
  });
});

describe("concurrent operations", () => {
  it("a create claiming a number cannot slip between another account's exclusivity check and its PUT", async () => {
    const { outs } = await create({ login: "alice", accountNumber: "100", fullName: "Alice" });
    // Slow the PUT down on the server: without serialisation the create would land in between.
    emulator().faults.set("accounts.put", { latencyMs: 300, times: 1 });
    const update = stalkerAccount.update("alice", outs, await checked({ login: "alice", accountNumber: "100", fullName: "Renamed" }));
    await new Promise((r) => setTimeout(r, 50));
    const other = create({ login: "bob", accountNumber: "100", fullName: "Bob" });
    await Promise.all([update, other]);
    expect(emulator().account("bob")!.full_name).toBe("Bob");
    expect(emulator().account("alice")!.full_name).toBe("Renamed");
  });

  it("a delete by number cannot take a subscriber created at the same moment with it", async () => {
    const { outs } = await create({ login: "alice", accountNumber: "100" });
    emulator().faults.set("accounts.delete", { latencyMs: 300, times: 1 });
    const del = stalkerAccount.delete("alice", outs);
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([del, create({ login: "bob", accountNumber: "100" })]);
    expect(emulator().listAccounts().map((a) => a.login)).toEqual(["bob"]);
  });

  it("two creates of one login: one account, and the other is told the login exists", async () => {
    emulator().faults.set("accounts.post", { drop: "after", times: 1 });
    const results = await Promise.allSettled([create(), create({ ...ALICE, stbMac: "00:1A:79:00:00:0F" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toMatch(/already has an account with login "alice"/);
    expect(emulator().listAccounts()).toHaveLength(1);
  });

  it("updates of two accounts sharing a number, each with a MAC, both go through and touch only their own", async () => {
    const a = await create({ login: "a", accountNumber: "100", stbMac: "00:1A:79:00:00:01", fullName: "A" });
    const b = await create({ login: "b", accountNumber: "100", stbMac: "00:1A:79:00:00:02", fullName: "B" });
    await Promise.all([
      stalkerAccount.update("a", a.outs, await checked({ login: "a", accountNumber: "100", stbMac: "00:1A:79:00:00:01", fullName: "A2" })),
      stalkerAccount.update("b", b.outs, await checked({ login: "b", accountNumber: "100", stbMac: "00:1A:79:00:00:02", fullName: "B2" })),
    ]);
    expect(emulator().listAccounts().map((x) => x.full_name)).toEqual(["A2", "B2"]);
  });
});
