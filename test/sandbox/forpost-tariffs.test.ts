import { beforeEach, describe, expect, it } from "vitest";
import { ForpostEmulator } from "../../sandbox/forpost";
import { ADMIN_PASSWORD, ADMIN_LOGIN, addAccount, callForpost, useForpostEmulator } from "./forpost-call";

const forpost = useForpostEmulator();
let account: string;

beforeEach(async () => {
  account = String(await addAccount(forpost.url));
});

function expectError(answer: { status: number; json: unknown }, code: number, text: string): void {
  expect(answer.json).toMatchObject({ ErrorCode: code });
  expect((answer.json as { Error: string }).Error).toContain(text);
}

describe("GetTariffs", () => {
  it("answers the seeded catalogue with ID, Name, Comment and Price (numbers as strings)", async () => {
    const answer = await callForpost(forpost.url, "GetTariffs");
    expect(answer.status).toBe(200);
    const tariffs = answer.json as Array<Record<string, unknown>>;
    expect(tariffs.map((tariff) => tariff.ID)).toEqual(["1", "2", "3"]);
    for (const tariff of tariffs) {
      expect(tariff).toEqual({ ID: expect.any(String), Name: expect.any(String), Comment: expect.any(String), Price: expect.stringMatching(/^\d+$/) });
    }
  });

  it("serves a catalogue given in the options", async () => {
    const custom = new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD, tariffs: [{ ID: 42, Name: "Only", Price: 1 }], numbersAsStrings: false });
    const customUrl = await custom.start();
    try {
      expect((await callForpost(customUrl, "GetTariffs")).json).toEqual([{ ID: 42, Name: "Only", Price: 1 }]);
    } finally {
      await custom.stop();
    }
  });
});

describe("SetAllowedAccountTariffs / GetAllowedAccountTariffs", () => {
  it("starts empty (all tariffs allowed), stores a list and answers it as [{ID}]", async () => {
    expect((await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: account })).json).toEqual([]);
    const set = await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account, TariffIDList: "[3, 1, 3]" });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ Status: 1 });
    expect((await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: account })).json).toEqual([{ ID: "1" }, { ID: "3" }]);
  });

  it("accepts an empty array, meaning all tariffs", async () => {
    await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account, TariffIDList: "[2]" });
    expect((await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account, TariffIDList: "[]" })).json).toEqual({ Status: 1 });
    expect((await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: account })).json).toEqual([]);
  });

  it.each([
    ["[9]", "tariff(s) 9 do not exist"],
    ["1,2", "JSON array"],
    ['["1"]', "JSON array"],
    ["[0]", "JSON array"],
    ['{"ID":1}', "JSON array"],
  ])("rejects TariffIDList=%s with ErrorCode 2 and keeps the old list", async (list, message) => {
    await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account, TariffIDList: "[2]" });
    const answer = await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account, TariffIDList: list });
    expect(answer.status).toBe(400);
    expectError(answer, 2, message);
    expect((await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: account })).json).toEqual([{ ID: "2" }]);
  });

  it("requires TariffIDList and an existing AccountID", async () => {
    expectError(await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: account }), 2, "TariffIDList is required");
    expectError(await callForpost(forpost.url, "SetAllowedAccountTariffs", { TariffIDList: "[]" }), 2, "AccountID is required");
    expectError(await callForpost(forpost.url, "SetAllowedAccountTariffs", { AccountID: "5", TariffIDList: "[]" }), 2, "Account 5 does not exist");
    expectError(await callForpost(forpost.url, "GetAllowedAccountTariffs", { AccountID: "5" }), 2, "Account 5 does not exist");
  });
});

describe("SetAccountDefaultCameraTariff / GetAccountDefaultCameraTariff", () => {
  it("answers ID 0 when none is set, stores a tariff, and clears it with 0", async () => {
    expect((await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: account })).json).toEqual({ ID: "0" });
    expect((await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: account, TariffID: "2" })).json).toEqual({ Status: 1 });
    expect((await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: account })).json).toEqual({ ID: "2" });
    expect((await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: account, TariffID: "0" })).json).toEqual({ Status: 1 });
    expect((await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: account })).json).toEqual({ ID: "0" });
  });

  it("rejects unknown or malformed tariffs and unknown accounts with ErrorCode 2", async () => {
    expectError(await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: account, TariffID: "9" }), 2, "tariff 9 does not exist");
    expectError(await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: account, TariffID: "-1" }), 2, "TariffID");
    expectError(await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: account }), 2, "TariffID is required");
    expectError(await callForpost(forpost.url, "SetAccountDefaultCameraTariff", { AccountID: "77", TariffID: "1" }), 2, "Account 77 does not exist");
    expectError(await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: "77" }), 2, "Account 77 does not exist");
    expect((await callForpost(forpost.url, "GetAccountDefaultCameraTariff", { AccountID: account })).json).toEqual({ ID: "0" });
  });
});
