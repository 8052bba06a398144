import { describe, expect, it } from "vitest";
import { DOCUMENTED_METHODS, ForpostEmulator } from "../../sandbox/forpost";
import { ADMIN_PASSWORD, ADMIN_LOGIN, MINIMAL_ACCOUNT, addAccount, callForpost, send, useForpostEmulator } from "./forpost-call";

const IMPLEMENTED = [
  "AddAccount",
  "EditAccount",
  "DeleteAccount",
  "masAccounts",
  "FindAccounts",
  "GetTariffs",
  "SetAllowedAccountTariffs",
  "GetAllowedAccountTariffs",
  "SetAccountDefaultCameraTariff",
  "GetAccountDefaultCameraTariff",
  "AddUser",
  "GetAccountUsers",
  "EditUser",
  "EditUserPassword",
  "DeleteUser",
  "GetAuthProviders",
  "AddCamera",
  "GetCameras",
  "EditCamera",
  "DeleteCamera",
  "SyncCamera",
  "GetMasters",
  "GetCameraModels",
  "GetCameraModelsAndBrands",
  "GetCameraBrands",
  "GetRecordTypes",
  "GetProtocols",
  "GetRtspTransports",
  "GetPTZTypes",
  "GetUserCameraAccessRights",
  "UpdateUserCameraAccessRights",
];

const forpost = useForpostEmulator();
const emulator = forpost.emulator;

describe("credentials", () => {
  it.each(DOCUMENTED_METHODS)("%s answers ErrorCode 3 (HTTP 403) to a wrong password, never echoing it", async (method) => {
    const wrong = "wrong-password-d41d8c";
    const answer = await callForpost(forpost.url, method, { ...MINIMAL_ACCOUNT, ID: "1001", AccountID: "1001" }, { login: ADMIN_LOGIN, password: wrong });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ ErrorCode: 3 });
    expect(answer.text).not.toContain(wrong);
    expect(answer.text).not.toContain(ADMIN_PASSWORD);
  });

  it("answers ErrorCode 3 to a wrong login or missing credentials, and changes nothing", async () => {
    const wrongLogin = await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT }, { login: "intruder", password: ADMIN_PASSWORD });
    expect(wrongLogin.json).toMatchObject({ ErrorCode: 3 });
    expect(wrongLogin.text).not.toContain(ADMIN_PASSWORD);
    expect((await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT }, null)).json).toMatchObject({ ErrorCode: 3 });
    const onlyLogin = await callForpost(forpost.url, "masAccounts", { AdminLogin: ADMIN_LOGIN }, null);
    expect(onlyLogin.json).toMatchObject({ ErrorCode: 3 });
    expect(emulator.accounts.list()).toEqual([]);
  });

  it("keeps passwords out of the request log, even a wrong one or one sent in another field", async () => {
    await callForpost(forpost.url, "masAccounts", {}, { login: ADMIN_LOGIN, password: "wrong-password-d41d8c" });
    await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT, Name: `name ${ADMIN_PASSWORD}` });
    const log = JSON.stringify(emulator.log.entries());
    expect(log).not.toContain(ADMIN_PASSWORD);
    expect(log).not.toContain("wrong-password-d41d8c");
    expect(emulator.log.entries().map((entry) => entry.params["AdminPassword"])).toEqual(["***", "***"]);
    expect(emulator.log.entries()[1]!.params["Name"]).toBe("name ***");
  });
});

describe("transport", () => {
  it("answers a non-POST request with HTTP 405 and ErrorCode 1", async () => {
    const answer = await send(`${forpost.url}/system-api/masAccounts?AdminLogin=${ADMIN_LOGIN}&AdminPassword=${ADMIN_PASSWORD}`);
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("POST");
    expect(answer.json).toMatchObject({ ErrorCode: 1 });
  });

  it("reads nothing from a JSON body: the credentials are missing (ErrorCode 3)", async () => {
    const answer = await send(`${forpost.url}/system-api/AddAccount`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ AdminLogin: ADMIN_LOGIN, AdminPassword: ADMIN_PASSWORD, ...MINIMAL_ACCOUNT }),
    });
    expect(answer.json).toMatchObject({ ErrorCode: 3 });
    expect(emulator.accounts.list()).toEqual([]);
  });

  it("reads nothing from a multipart body: the credentials are missing (ErrorCode 3)", async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ AdminLogin: ADMIN_LOGIN, AdminPassword: ADMIN_PASSWORD, ...MINIMAL_ACCOUNT })) form.set(name, value);
    const answer = await send(`${forpost.url}/system-api/AddAccount`, { method: "POST", body: form });
    expect(answer.json).toMatchObject({ ErrorCode: 3 });
    expect(emulator.accounts.list()).toEqual([]);
  });

  it("reads nothing from the query string of a POST", async () => {
    const query = new URLSearchParams({ AdminLogin: ADMIN_LOGIN, AdminPassword: ADMIN_PASSWORD }).toString();
    const answer = await send(`${forpost.url}/system-api/masAccounts?${query}`, { method: "POST" });
    expect(answer.json).toMatchObject({ ErrorCode: 3 });
  });

  it("accepts a form body whose content type carries a charset", async () => {
    const body = new URLSearchParams({ AdminLogin: ADMIN_LOGIN, AdminPassword: ADMIN_PASSWORD }).toString();
    const answer = await send(`${forpost.url}/system-api/masAccounts`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([]);
  });

  it("answers an unknown method with HTTP 404 and ErrorCode 1", async () => {
    const answer = await callForpost(forpost.url, "GetAccounts");
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ ErrorCode: 1, Error: expect.stringContaining("GetAccounts") });
  });

  it.each(DOCUMENTED_METHODS.filter((method) => !IMPLEMENTED.includes(method)))(
    "answers %s (documented, not emulated) with ErrorCode 1 'not implemented by the sandbox'",
    async (method) => {
      const answer = await callForpost(forpost.url, method, { Name: "cam" });
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({ ErrorCode: 1, Error: `${method} is not implemented by the sandbox` });
    },
  );

  it("answers Format=xml with ErrorCode 1 (the sandbox speaks JSON only)", async () => {
    const answer = await callForpost(forpost.url, "masAccounts", { Format: "xml" });
    expect(answer.json).toEqual({ ErrorCode: 1, Error: "XML not supported by the sandbox" });
  });

  it("answers JSON with a JSON content type", async () => {
    const answer = await callForpost(forpost.url, "GetTariffs");
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("numbersAsStrings", () => {
  it("renders numbers in read answers as strings by default, but not in write answers", async () => {
    const added = await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT });
    expect(added.json).toEqual({ ID: 1001 });
    const [account] = (await callForpost(forpost.url, "masAccounts")).json as Array<Record<string, unknown>>;
    expect(account).toMatchObject({ ID: "1001", MaxCameraCount: "4", IsActive: "1" });
    expect((await callForpost(forpost.url, "DeleteAccount", { ID: "1001" })).json).toEqual({ Status: 1 });
  });

  it("renders numbers as numbers when switched off", async () => {
    const plain = new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD, numbersAsStrings: false });
    const plainUrl = await plain.start();
    try {
      const id = await addAccount(plainUrl);
      const [account] = (await callForpost(plainUrl, "FindAccounts", { ID: String(id) })).json as Array<Record<string, unknown>>;
      expect(account).toMatchObject({ ID: id, MaxCameraCount: 4, IsActive: 1, NetworkIP: null });
      expect((await callForpost(plainUrl, "GetAccountDefaultCameraTariff", { AccountID: String(id) })).json).toEqual({ ID: 0 });
    } finally {
      await plain.stop();
    }
  });
});

describe("errorStatus", () => {
  it('"mapped" (default) carries ErrorCode 3 on 403, 2 on 400, 1 on 500', async () => {
    expect((await callForpost(forpost.url, "masAccounts", {}, null)).status).toBe(403);
    expect((await callForpost(forpost.url, "AddAccount", {})).status).toBe(400);
    expect((await callForpost(forpost.url, "PayIn", {})).status).toBe(500);
  });

  it('"200" answers every error with HTTP 200, the ErrorCode in the body', async () => {
    const lenient = new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD, errorStatus: "200" });
    const lenientUrl = await lenient.start();
    try {
      const cases: Array<[Promise<{ status: number; json: unknown }>, number]> = [
        [callForpost(lenientUrl, "masAccounts", {}, null), 3],
        [callForpost(lenientUrl, "AddAccount", {}), 2],
        [callForpost(lenientUrl, "PayIn", {}), 1],
        [callForpost(lenientUrl, "NoSuchMethod", {}), 1],
        [send(`${lenientUrl}/system-api/masAccounts`), 1],
      ];
      for (const [pending, code] of cases) {
        const answer = await pending;
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ ErrorCode: code });
      }
    } finally {
      await lenient.stop();
    }
  });
});
