import { describe, expect, it } from "vitest";
import { admin } from "./forpost-call";
import { callStalker, createAccount, envelope, getAccounts, useStalkerEmulator } from "./stalker-call";

const stalker = useStalkerEmulator();
const put = async (ids: string, form: Record<string, string>) => envelope(await callStalker(stalker.api, "PUT", `accounts/${ids}`, form));
const del = async (ids: string) => envelope(await callStalker(stalker.api, "DELETE", `accounts/${ids}`));
const logins = () => stalker.emulator.listAccounts().map((a) => a.login);

describe("POST /accounts/", () => {
  it("creates with the document's example fields and answers results: true, no id", async () => {
    // Пример 2: login=3210&password=1234&full_name=Test&account_number=123&tariff_plan=FULL&status=1
    const answer = envelope(
      await callStalker(stalker.api, "POST", "accounts/", {
        login: "3210",
        password: "1234",
        full_name: "Test",
        account_number: "123",
        tariff_plan: "FULL",
        status: "1",
      }),
    );
    expect(answer).toEqual({ status: "OK", results: true });
    expect(stalker.emulator.account("3210")).toMatchObject({ password: "1234", full_name: "Test", account_number: "123", tariff_plan: "FULL", status: 1 });
  });

  it("normalises the MAC to upper case with colons, and refuses one that is not a MAC", async () => {
    await createAccount(stalker.api, { login: "m", stb_mac: "00-1a-79-00-39-5e" });
    expect(stalker.emulator.account("m")!.stb_mac).toBe("00:1A:79:00:39:5E");
    expect(envelope(await callStalker(stalker.api, "POST", "accounts/", { login: "n", stb_mac: "00:1A:79" }))).toMatchObject({
      status: "ERROR",
      error: "Not valid mac address",
    });
  });

  it.each([
    [{ full_name: "no login" }, "Login required"],
    [{ login: "dup" }, "Login already in use"],
    [{ login: "other", stb_mac: "00:1A:79:00:00:01" }, "MAC address already in use"],
    [{ login: "t", tariff_plan: "GOLD" }, "Tariff plan GOLD not found"],
    [{ login: "s", status: "yes" }, "Status must be 1 or 0"],
    [{ unknown_field: "x" }, "Insert data is empty"],
  ])("refuses %j with %s", async (fields, error) => {
    await createAccount(stalker.api, { login: "dup", stb_mac: "00:1A:79:00:00:01" });
    const answer = envelope(await callStalker(stalker.api, "POST", "accounts/", fields as Record<string, string>));
    expect(answer).toEqual({ status: "ERROR", results: "", error });
    expect(logins()).toEqual(["dup"]);
  });

  it("defaults status to 1 and never answers the password on GET", async () => {
    await createAccount(stalker.api, { login: "p", password: "pw-of-subscriber", account_number: "77" });
    const { results } = await getAccounts(stalker.api, "77");
    expect(results).toEqual([
      {
        login: "p",
        full_name: "",
        phone: "",
        account_number: "77",
        tariff_plan: "",
        stb_sn: "",
        stb_mac: "",
        stb_type: "",
        status: 1,
        online: 0,
        subscribed: [],
        comment: "",
      },
    ]);
  });
});

describe("GET /accounts/<identifiers>", () => {
  it("finds by MAC (any case) or by account number, never by login", async () => {
    await createAccount(stalker.api, { login: "alice", stb_mac: "00:1A:79:00:00:0A", account_number: "100" });
    expect(((await getAccounts(stalker.api, "00:1a:79:00:00:0a")).results as Array<{ login: string }>)[0]!.login).toBe("alice");
    expect(((await getAccounts(stalker.api, "100")).results as Array<{ login: string }>)[0]!.login).toBe("alice");
    expect(await getAccounts(stalker.api, "alice")).toMatchObject({ status: "ERROR", error: "Account not found" });
  });

  it("answers every account sharing an account number", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100" });
    await createAccount(stalker.api, { login: "bob", account_number: "100" });
    await createAccount(stalker.api, { login: "carol", account_number: "200" });
    const shared = (await getAccounts(stalker.api, "100")).results as Array<{ login: string }>;
    expect(shared.map((a) => a.login)).toEqual(["alice", "bob"]);
    const both = (await getAccounts(stalker.api, "100,200")).results as Array<{ login: string }>;
    expect(both.map((a) => a.login)).toEqual(["alice", "bob", "carol"]);
    expect(((await getAccounts(stalker.api)).results as unknown[]).length).toBe(3);
    expect(await getAccounts(stalker.api, "200,999")).toMatchObject({ status: "ERROR", error: "One or more identifiers are incorrect" });
  });

  // Stalker compares how many accounts it found with how many identifiers it was given: an
  // identifier that matches nothing hides behind one that matches two accounts.
  it("fails a multi-identifier GET only when it finds fewer accounts than identifiers", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100", stb_mac: "00:1A:79:00:00:01" });
    await createAccount(stalker.api, { login: "bob", account_number: "100" });
    const shared = (await getAccounts(stalker.api, "100,999")).results as Array<{ login: string }>;
    expect(shared.map((a) => a.login)).toEqual(["alice", "bob"]);
    stalker.emulator.editAccount("bob", { stb_mac: "00:1A:79:00:00:01" }); // one MAC, two accounts
    const byMac = (await getAccounts(stalker.api, "00:1A:79:00:00:01,00:1A:79:00:00:99")).results as Array<{ login: string }>;
    expect(byMac.map((a) => a.login)).toEqual(["alice", "bob"]);
    expect(await getAccounts(stalker.api, "00:1A:79:00:00:01,00:1A:79:00:00:98,00:1A:79:00:00:99")).toMatchObject({
      status: "ERROR",
      error: "One or more identifiers are incorrect",
    });
  });
});

describe("PUT and DELETE /accounts/<identifier>", () => {
  it("updates by MAC (the document's example 3) and can move the account to another MAC", async () => {
    await createAccount(stalker.api, { login: "alice", stb_mac: "00:1A:79:00:39:5E", tariff_plan: "FULL" });
    expect(await put("00:1A:79:00:39:5E", { tariff_plan: "STANDART" })).toEqual({ status: "OK", results: true });
    expect(await put("00:1A:79:00:39:5E", { stb_mac: "00:1A:79:00:39:5F" })).toEqual({ status: "OK", results: true });
    expect(stalker.emulator.account("alice")).toMatchObject({ tariff_plan: "STANDART", stb_mac: "00:1A:79:00:39:5F" });
    expect(await put("00:1A:79:00:39:5E", { status: "0" })).toMatchObject({ status: "ERROR", error: "Account not found" });
  });

  it("a PUT by a shared account number changes every account with that number", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100", full_name: "Alice" });
    await createAccount(stalker.api, { login: "bob", account_number: "100", full_name: "Bob" });
    expect(await put("100", { full_name: "Renamed" })).toEqual({ status: "OK", results: true });
    expect(stalker.emulator.listAccounts().map((a) => a.full_name)).toEqual(["Renamed", "Renamed"]);
  });

  it("a DELETE by a shared account number deletes every account with that number", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100" });
    await createAccount(stalker.api, { login: "bob", account_number: "100" });
    await createAccount(stalker.api, { login: "carol", account_number: "200" });
    expect(await del("100")).toEqual({ status: "OK", results: true });
    expect(logins()).toEqual(["carol"]);
  });

  it("refuses no identifier, several identifiers, an unknown one, and a login that is taken", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100", stb_mac: "00:1A:79:00:00:01" });
    await createAccount(stalker.api, { login: "bob", account_number: "200", stb_mac: "00:1A:79:00:00:02" });
    expect(await put("", { status: "0" })).toMatchObject({ status: "ERROR", error: "Identifier required" });
    expect(await put("100,200", { status: "0" })).toMatchObject({ status: "ERROR", error: "Only one identifier allowed" });
    expect(await del("300")).toMatchObject({ status: "ERROR", error: "Account not found" });
    expect(await put("100", { login: "bob" })).toMatchObject({ status: "ERROR", error: "Login already in use" });
    expect(await put("100", {})).toMatchObject({ status: "ERROR", error: "HTTP PUT data is empty" });
    expect(logins()).toEqual(["alice", "bob"]);
  });

  // The document promises no MAC uniqueness; only the create refuses a MAC in use. A PUT gives the
  // MAC to every account it addresses, so two accounts can end up with one MAC — which a later
  // PUT or DELETE by that MAC then hits together.
  it("a PUT gives a MAC another account has, to every account it addresses", async () => {
    await createAccount(stalker.api, { login: "alice", account_number: "100", stb_mac: "00:1A:79:00:00:01" });
    await createAccount(stalker.api, { login: "bob", account_number: "200" });
    await createAccount(stalker.api, { login: "carol", account_number: "200" });
    expect(await put("200", { stb_mac: "00-1a-79-00-00-01" })).toEqual({ status: "OK", results: true });
    expect(stalker.emulator.listAccounts().map((a) => a.stb_mac)).toEqual(["00:1A:79:00:00:01", "00:1A:79:00:00:01", "00:1A:79:00:00:01"]);
    expect((await getAccounts(stalker.api, "00:1A:79:00:00:01")).results).toHaveLength(3);
    expect(await del("00:1A:79:00:00:01")).toEqual({ status: "OK", results: true });
    expect(logins()).toEqual([]);
  });
});

describe("admin routes", () => {
  it("seed an account sharing a number, edit it and delete it outside the API; state lists them", async () => {
    await createAccount(stalker.api, { login: "ours", account_number: "100" });
    const seeded = await admin(stalker.root, "POST", "accounts", { login: "neighbour", account_number: "100", stb_type: "MAG250", online: 1, subscribed: ["7"] });
    expect(seeded.status).toBe(200);
    expect(seeded.json).toMatchObject({ login: "neighbour", account_number: "100", stb_type: "MAG250", online: 1, subscribed: ["7"] });
    expect((await admin(stalker.root, "PATCH", "accounts/neighbour", { full_name: "Changed" })).json).toMatchObject({ full_name: "Changed" });
    expect((await admin(stalker.root, "PATCH", "accounts/neighbour", { stb_mac: "bad" })).status).toBe(400);
    expect(((await admin(stalker.root, "GET", "state")).json as { accounts: unknown[] }).accounts).toHaveLength(2);
    expect((await admin(stalker.root, "DELETE", "accounts/neighbour")).json).toEqual({ ok: true });
    expect((await admin(stalker.root, "GET", "accounts/neighbour")).status).toBe(404);
    expect(logins()).toEqual(["ours"]);
  });
});
