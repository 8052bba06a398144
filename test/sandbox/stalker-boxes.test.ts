import { describe, expect, it } from "vitest";
import { admin } from "./forpost-call";
import { callStalker, createAccount, envelope, send, useStalkerEmulator, API_PASSWORD, API_USER } from "./stalker-call";

/** ITV, ITV_SUBSCRIPTION and STB_MODULES of the Stalker emulator, over raw HTTP, as the document describes them. */
const stalker = useStalkerEmulator();
const get = async (path: string) => envelope(await callStalker(stalker.api, "GET", path));
/** A form body with repeated names (`sub_ch[]=27&sub_ch[]=29`), which a Record cannot hold. */
async function put(path: string, body: string, method = "PUT") {
  const answer = await send(`${stalker.api}/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
  return envelope(answer);
}
const A = "00:1A:79:00:39:5E";
const B = "00:1A:79:00:15:B3";
const C = "00:1A:79:00:21:40";
const channelsOf = (login: string) => stalker.emulator.account(login)!.sub_ch;

/** Two boxes on account 1553 (a family), one on account 3. */
async function family() {
  await createAccount(stalker.api, { login: "a", stb_mac: A, account_number: "1553" });
  await createAccount(stalker.api, { login: "b", stb_mac: B, account_number: "1553" });
  await createAccount(stalker.api, { login: "c", stb_mac: C, account_number: "3" });
}

describe("ITV", () => {
  it("lists every channel with the document's fields, as strings, and by id", async () => {
    const all = (await get("itv")).results as Array<Record<string, string>>;
    expect(all).toContainEqual({ id: "37", name: "М-TV Украина", number: "64", base_ch: "0" });
    expect(all.length).toBe(stalker.emulator.listChannels().length);
    expect((await get("itv/37,27,999")).results).toEqual([
      { id: "27", name: "Discovery Channel", number: "27", base_ch: "0" },
      { id: "37", name: "М-TV Украина", number: "64", base_ch: "0" },
    ]);
  });

  it("has no create; channels are added by the admin route", async () => {
    expect(await put("itv/", "name=x", "POST")).toMatchObject({ status: "ERROR", error: 'Resource "itv" does not support action "create"' });
    const added = await admin(stalker.root, "POST", "channels", { id: "900", name: "Sandbox HD", number: 900 });
    expect(added.status).toBe(200);
    expect((await get("itv/900")).results).toEqual([{ id: "900", name: "Sandbox HD", number: "900", base_ch: "0" }]);
  });
});

describe("ITV_SUBSCRIPTION", () => {
  it("PUT by MAC sets one box's channels and answers its row (example 3's fields)", async () => {
    await family();
    const answer = await put(`itv_subscription/${A}`, "sub_ch[]=27&sub_ch[]=29&additional_services_on=0");
    expect(answer).toEqual({ status: "OK", results: [{ sub_ch: ["27", "29"], mac: A, ls: "1553", additional_services_on: "0" }] });
    expect((await get(`itv_subscription/${A}`)).results).toEqual([{ mac: A, sub_ch: ["27", "29"], ls: 1553, additional_services_on: "0" }]);
    expect(channelsOf("b")).toBeNull();
    expect(stalker.emulator.log.entries("itv_subscription.put")[0]!.params).toEqual({ sub_ch: ["27", "29"], additional_services_on: "0" });
  });

  it("PUT by account number changes EVERY box on it (example 4)", async () => {
    await family();
    const answer = await put("itv_subscription/1553", "sub_ch[]=27&sub_ch[]=29&additional_services_on=1");
    expect((answer.results as Array<{ mac: string }>).map((r) => r.mac)).toEqual([A, B]);
    expect([channelsOf("a"), channelsOf("b"), channelsOf("c")]).toEqual([["27", "29"], ["27", "29"], null]);
    expect(((await get("itv_subscription/1553")).results as unknown[]).length).toBe(2);
  });

  it("GET without identifiers lists every box with a subscription (example 1)", async () => {
    await family();
    await put(`itv_subscription/${A}`, "sub_ch[]=27");
    await put(`itv_subscription/${C}`, "sub_ch[]=58");
    expect(((await get("itv_subscription")).results as Array<{ mac: string }>).map((r) => r.mac)).toEqual([A, C]);
  });

  it("an identifier that matches no box is no filter: GET answers every box, PUT rewrites every subscription", async () => {
    await family();
    await put(`itv_subscription/${A}`, "sub_ch[]=27");
    await put(`itv_subscription/${B}`, "sub_ch[]=29");
    expect(((await get("itv_subscription/00:1A:79:99:99:99")).results as Array<{ mac: string }>).map((r) => r.mac)).toEqual([A, B]);
    await put("itv_subscription/00:1A:79:99:99:99", "sub_ch[]=70");
    expect([channelsOf("a"), channelsOf("b"), channelsOf("c")]).toEqual([["70"], ["70"], null]);
  });

  it("reads sub_ch[]= as [\"\"], a plain sub_ch as no channels, and additional_services_on alone leaves the channels", async () => {
    await family();
    await put(`itv_subscription/${A}`, "sub_ch[]=27");
    await put(`itv_subscription/${A}`, "additional_services_on=0");
    expect(stalker.emulator.account("a")).toMatchObject({ sub_ch: ["27"], additional_services_on: 0 });
    await put(`itv_subscription/${A}`, "sub_ch[]=");
    expect(channelsOf("a")).toEqual([""]);
    await put(`itv_subscription/${A}`, "sub_ch=27");
    expect(channelsOf("a")).toEqual([]);
  });

  it("refuses an empty body and one without its fields", async () => {
    await family();
    expect(await put(`itv_subscription/${A}`, "")).toMatchObject({ status: "ERROR", error: "HTTP PUT data is empty" });
    expect(await put(`itv_subscription/${A}`, "ls=5")).toMatchObject({ status: "ERROR", error: "Update data is empty" });
  });
});

describe("STB_MODULES", () => {
  it("PUT sets the lists (the document's example 1, sent as PUT) and GET reads them", async () => {
    await family();
    expect(await put(`stb_modules/${A}`, "restricted[]=vclub&restricted[]=karaoke&disabled[]=radio")).toEqual({
      status: "OK",
      results: { disabled: ["radio"], restricted: ["vclub", "karaoke"] },
    });
    expect((await get(`stb_modules/${A}`)).results).toEqual({ disabled: ["radio"], restricted: ["vclub", "karaoke"] });
    expect((await get(`stb_modules/${B}`)).results).toEqual({ disabled: [], restricted: [] });
  });

  it("clears with restricted[]=&disabled[]= and answers [\"\"] (example 2)", async () => {
    await family();
    await put(`stb_modules/${A}`, "restricted[]=vclub");
    expect((await put(`stb_modules/${A}`, "restricted[]=&disabled[]=")).results).toEqual({ disabled: [""], restricted: [""] });
  });

  it("takes PUT as its header says; the examples' POST is refused", async () => {
    await family();
    expect(await put(`stb_modules/${A}`, "restricted[]=vclub", "POST")).toEqual({
      status: "ERROR",
      results: "",
      error: 'Resource "stb_modules" does not support action "create"',
    });
    expect(stalker.emulator.account("a")!.modules_restricted).toEqual([]);
  });

  it("GET needs exactly one box; PUT by account number changes every box on it; an unknown MAC is refused", async () => {
    await family();
    expect(await get("stb_modules/1553")).toMatchObject({ status: "ERROR", error: "Only one identifier allowed" });
    expect(await get("stb_modules/00:1A:79:99:99:99")).toMatchObject({ status: "ERROR", error: "Empty stb list" });
    await put("stb_modules/1553", "restricted[]=vclub");
    expect(stalker.emulator.listAccounts().map((a) => a.modules_restricted)).toEqual([["vclub"], ["vclub"], []]);
    expect(await put("stb_modules/00:1A:79:99:99:99", "restricted[]=karaoke")).toMatchObject({ status: "ERROR", error: "Empty stb list" });
    expect(await put(`stb_modules/${A}`, "foo=1")).toMatchObject({ status: "ERROR", error: "Update data is empty" });
  });
});

describe("the seed", () => {
  it("makes N subscribers with unique logins and MACs, families sharing account numbers, a few without a box", async () => {
    const summary = stalker.emulator.seed({ accounts: 200 });
    expect(summary).toMatchObject({ accounts: 200, accountNumbers: 150, sharedAccountNumbers: 50, withoutMac: 4, firstLogin: "sub00001", lastLogin: "sub00200" });
    const accounts = stalker.emulator.listAccounts();
    expect(new Set(accounts.map((a) => a.login)).size).toBe(200);
    const macs = accounts.map((a) => a.stb_mac).filter((m) => m !== "");
    expect(new Set(macs).size).toBe(196);
    expect(accounts.filter((a) => a.sub_ch !== null).length).toBe(summary.withChannels);
    expect(summary.withChannels).toBeGreaterThan(80);
    expect(summary.withRestrictions).toBeGreaterThan(5);
    // Deterministic: the same options give the same subscribers.
    const first = structuredClone(accounts);
    stalker.emulator.reset();
    stalker.emulator.seed({ accounts: 200 });
    expect(stalker.emulator.listAccounts()).toEqual(first);
  });

  it("is served at POST /__sandbox/seed, and GET /accounts/ then lists every account in one answer", async () => {
    const seeded = await admin(stalker.root, "POST", "seed", { accounts: 50, loginPrefix: "x" });
    expect(seeded.json).toMatchObject({ accounts: 50, firstLogin: "x00001" });
    expect(((await get("accounts/")).results as unknown[]).length).toBe(50);
    expect((await admin(stalker.root, "POST", "seed", { accounts: 50, loginPrefix: "x" })).json).toEqual({ error: "Login already in use" });
  });
});
