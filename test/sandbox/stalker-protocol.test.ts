import { describe, expect, it } from "vitest";
import { API_PASSWORD, API_USER, callStalker, createAccount, envelope, getAccounts, send, useStalkerEmulator } from "./stalker-call";

const stalker = useStalkerEmulator();

describe("Stalker REST API v1: authentication", () => {
  // "При отсутствии этого заголовка или если в нем содержатся некорректные данные - ответ сервера
  // будет содержать HTTP статус 401 Unauthorized и сообщение: {"status":"ERROR","results":"","error":"401 Unauthorized request"}"
  it.each([
    ["no Authorization header", null],
    ["a wrong password", { user: API_USER, password: "wrong-password" }],
    ["a wrong user", { user: "someone", password: API_PASSWORD }],
  ])("answers 401 with WWW-Authenticate and the document's body for %s", async (_case, credentials) => {
    const answer = await callStalker(stalker.api, "GET", "accounts/", undefined, credentials);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(answer.json).toEqual({ status: "ERROR", results: "", error: "401 Unauthorized request" });
    expect(answer.text).not.toContain(API_PASSWORD);
  });

  it("refuses a create with bad credentials without creating anything", async () => {
    const answer = await callStalker(stalker.api, "POST", "accounts/", { login: "x", account_number: "1" }, { user: API_USER, password: "nope" });
    expect(answer.status).toBe(401);
    expect(stalker.emulator.listAccounts()).toEqual([]);
  });

  it("accepts the document's header: Authorization: Basic base64(login:password)", async () => {
    expect(envelope(await callStalker(stalker.api, "GET", "accounts/"))).toEqual({ status: "OK", results: [] });
  });
});

describe("Stalker REST API v1: the envelope and errors", () => {
  it("answers errors with HTTP 200 and status ERROR, the reason in `error`", async () => {
    const answer = await callStalker(stalker.api, "GET", "accounts/00:1A:79:00:00:01");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ status: "ERROR", results: "", error: "Account not found" });
  });

  it("reads bodies as form fields only: a JSON body is read as empty", async () => {
    const json = await send(`${stalker.api}/accounts/`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ login: "json-user", account_number: "1" }),
    });
    expect(envelope(json)).toMatchObject({ status: "ERROR", error: "HTTP POST data is empty" });
    expect(stalker.emulator.listAccounts()).toEqual([]);
  });

  it("answers ERROR for resources the sandbox does not emulate and for methods a resource does not have", async () => {
    expect(envelope(await callStalker(stalker.api, "GET", "stb_msg/1"))).toMatchObject({ status: "ERROR", error: expect.stringContaining("stb_msg") });
    expect(envelope(await callStalker(stalker.api, "POST", "itv_subscription/1", { sub_ch: "1" }))).toMatchObject({
      status: "ERROR",
      error: 'Resource "itv_subscription" does not support action "create"',
    });
    expect(envelope(await callStalker(stalker.api, "PATCH", "accounts/1", { status: "1" }))).toMatchObject({
      status: "ERROR",
      error: "Method PATCH is not supported",
    });
  });

  it("logs requests with the subscriber password redacted and without the Authorization header", async () => {
    await createAccount(stalker.api, { login: "log-user", password: "subscriber-secret-1", account_number: "9" });
    const [entry] = stalker.emulator.log.entries("accounts.post");
    expect(entry).toMatchObject({ method: "POST", path: "/stalker_portal/api/accounts/", status: 200 });
    expect(entry!.params).toEqual({ login: "log-user", password: "***", account_number: "9" });
    expect(JSON.stringify(stalker.emulator.log.entries())).not.toContain(API_PASSWORD);
  });

  it("names routes per method, so faults can target a create", async () => {
    expect(stalker.emulator.routeNames()).toEqual([
      "accounts.get",
      "accounts.post",
      "accounts.put",
      "accounts.delete",
      "itv.get",
      "itv_subscription.get",
      "itv_subscription.put",
      "stb_modules.get",
      "stb_modules.put",
      "other",
    ]);
    expect((await getAccounts(stalker.api)).status).toBe("OK");
    expect(stalker.emulator.log.entries().map((e) => e.route)).toEqual(["accounts.get"]);
  });
});

describe("Stalker REST API v1: faults", () => {
  it('drop "after" creates the account and closes the connection unanswered', async () => {
    stalker.emulator.faults.set("accounts.post", { drop: "after", times: 1 });
    await expect(callStalker(stalker.api, "POST", "accounts/", { login: "lost", account_number: "5" })).rejects.toThrow();
    expect(stalker.emulator.listAccounts().map((a) => a.login)).toEqual(["lost"]);
    expect(stalker.emulator.log.entries()[0]).toMatchObject({ route: "accounts.post", status: null, faults: ["drop-after"] });
  });

  it('drop "before" closes the connection and creates nothing', async () => {
    stalker.emulator.faults.set("accounts.post", { drop: "before", times: 1 });
    await expect(callStalker(stalker.api, "POST", "accounts/", { login: "lost", account_number: "5" })).rejects.toThrow();
    expect(stalker.emulator.listAccounts()).toEqual([]);
  });

  it("a status fault answers as told without touching the accounts", async () => {
    await createAccount(stalker.api, { login: "a", account_number: "5" });
    stalker.emulator.faults.set("accounts.delete", { status: 503, headers: { "Retry-After": "1" }, times: 1 });
    expect((await callStalker(stalker.api, "DELETE", "accounts/5")).status).toBe(503);
    expect(stalker.emulator.listAccounts()).toHaveLength(1);
  });
});
