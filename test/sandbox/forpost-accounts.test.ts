import { beforeEach, describe, expect, it } from "vitest";
import { ForpostEmulator } from "../../sandbox/forpost";
import { ADMIN_PASSWORD, ADMIN_LOGIN, MINIMAL_ACCOUNT, addAccount, callForpost, useForpostEmulator } from "./forpost-call";

const forpost = useForpostEmulator();

const REQUIRED = [
  "Name",
  "MaxCameraCount",
  "MaxLoginCount",
  "MaxCameraOnlineTranslationCount",
  "MaxCameraArchivalTranslationCount",
  "MaxCameraUserOnlineTranslationCount",
  "MaxCameraUserArchivalTranslationCount",
];

async function listAccounts(): Promise<Array<Record<string, unknown>>> {
  const answer = await callForpost(forpost.url, "masAccounts");
  expect(answer.status).toBe(200);
  return answer.json as Array<Record<string, unknown>>;
}

function expectValidationError(answer: { status: number; json: unknown }, ...fieldNames: string[]): void {
  expect(answer.status).toBe(400);
  const body = answer.json as { ErrorCode: number; Error: string };
  expect(body.ErrorCode).toBe(2);
  for (const name of fieldNames) expect(body.Error).toContain(name);
}

describe("AddAccount", () => {
  it("answers the new ID as a number, counting up from 1001", async () => {
    const first = await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ ID: 1001 });
    expect((await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT })).json).toEqual({ ID: 1002 });
  });

  it("stores the document's defaults: IsActive 1, IsSupportEnabled 0, IsLoginLocked 0, optional fields null", async () => {
    const id = await addAccount(forpost.url);
    expect(await listAccounts()).toEqual([
      {
        ID: String(id),
        Name: "Иванов Иван",
        MaxCameraCount: "4",
        MaxLoginCount: "2",
        NetworkIP: null,
        NetworkMask: null,
        InternalServerAddr: null,
        MaxCameraOnlineTranslationCount: "3",
        MaxCameraArchivalTranslationCount: "2",
        MaxCameraUserOnlineTranslationCount: "1",
        MaxCameraUserArchivalTranslationCount: "1",
        MaxSMSPerMonth: null,
        Quota: null,
        IsActive: "1",
        IsSupportEnabled: "0",
        ContractNumber: null,
        IsLoginLocked: "0",
        LoginLockReason: null,
      },
    ]);
  });

  it("stores every optional field it is given", async () => {
    // Sent as form strings and, with numbers as strings (the default), read back identically.
    const optional = {
      NetworkIP: "10.20.0.0",
      NetworkMask: "255.255.0.0",
      InternalServerAddr: "10.20.0.1",
      MaxSMSPerMonth: "100",
      Quota: "604800",
      IsActive: "0",
      IsSupportEnabled: "1",
      ContractNumber: "Д-2024/001",
      IsLoginLocked: "1",
      LoginLockReason: "Задолженность",
    };
    await addAccount(forpost.url, optional);
    expect((await listAccounts())[0]).toMatchObject(optional);
  });

  it.each(REQUIRED)("rejects a call without %s (ErrorCode 2) and creates nothing", async (field) => {
    const fields: Record<string, string> = { ...MINIMAL_ACCOUNT };
    delete fields[field];
    expectValidationError(await callForpost(forpost.url, "AddAccount", fields), `${field} is required`);
    expect(await listAccounts()).toEqual([]);
  });

  it("rejects a blank Name", async () => {
    expectValidationError(await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT, Name: "  " }), "Name");
  });

  it.each([
    ["MaxCameraCount", "-1"],
    ["MaxCameraCount", "1.5"],
    ["MaxLoginCount", "two"],
    ["MaxLoginCount", ""],
    ["Quota", " 5"],
    ["MaxSMSPerMonth", "99999999999"],
    ["NetworkIP", "256.1.1.1"],
    ["NetworkMask", "255.255.255"],
    ["InternalServerAddr", "server.local"],
    ["IsActive", "2"],
    ["IsSupportEnabled", "true"],
    ["IsLoginLocked", "yes"],
  ])("rejects %s=%j (ErrorCode 2 naming the field) and creates nothing", async (field, value) => {
    expectValidationError(await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT, [field]: value }), field);
    expect(await listAccounts()).toEqual([]);
  });

  it("reports every invalid field in one answer", async () => {
    const answer = await callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT, MaxCameraCount: "x", NetworkIP: "1.2.3" });
    expectValidationError(answer, "MaxCameraCount", "NetworkIP");
  });

  it("ignores parameters the document does not define", async () => {
    await addAccount(forpost.url, { Colour: "red" });
    expect((await listAccounts())[0]).not.toHaveProperty("Colour");
  });
});

describe("EditAccount", () => {
  it("changes only the fields it is given and answers the ID as a number", async () => {
    const id = await addAccount(forpost.url, { ContractNumber: "C-1" });
    const answer = await callForpost(forpost.url, "EditAccount", { ID: String(id), MaxCameraCount: "16", IsLoginLocked: "1" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ID: id });
    expect((await listAccounts())[0]).toMatchObject({ MaxCameraCount: "16", IsLoginLocked: "1", ContractNumber: "C-1", MaxLoginCount: "2" });
  });

  it("clears a string field given as an empty string", async () => {
    const id = await addAccount(forpost.url, { ContractNumber: "C-1", LoginLockReason: "debt", NetworkIP: "10.0.0.0" });
    await callForpost(forpost.url, "EditAccount", { ID: String(id), ContractNumber: "", LoginLockReason: "", NetworkIP: "" });
    expect((await listAccounts())[0]).toMatchObject({ ContractNumber: null, LoginLockReason: null, NetworkIP: null });
  });

  it("validates each field it is given like AddAccount and changes nothing on error", async () => {
    const id = await addAccount(forpost.url);
    expectValidationError(await callForpost(forpost.url, "EditAccount", { ID: String(id), MaxCameraCount: "8", IsActive: "5" }), "IsActive");
    expectValidationError(await callForpost(forpost.url, "EditAccount", { ID: String(id), Name: "" }), "Name");
    expect((await listAccounts())[0]).toMatchObject({ MaxCameraCount: "4", IsActive: "1", Name: "Иванов Иван" });
  });

  it("requires the ID of an existing account", async () => {
    expectValidationError(await callForpost(forpost.url, "EditAccount", { Name: "x" }), "ID is required");
    expectValidationError(await callForpost(forpost.url, "EditAccount", { ID: "abc" }), "ID");
    expectValidationError(await callForpost(forpost.url, "EditAccount", { ID: "4242", Name: "x" }), "Account 4242 does not exist");
  });
});

describe("DeleteAccount", () => {
  it("deletes and answers Status 1; a second delete says the account does not exist", async () => {
    const keep = await addAccount(forpost.url, { Name: "keep" });
    const id = await addAccount(forpost.url, { Name: "drop" });
    const answer = await callForpost(forpost.url, "DeleteAccount", { ID: String(id) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ Status: 1 });
    expect((await listAccounts()).map((account) => account.ID)).toEqual([String(keep)]);
    expectValidationError(await callForpost(forpost.url, "DeleteAccount", { ID: String(id) }), `Account ${id} does not exist`);
  });

  it("never reuses a deleted account's ID", async () => {
    const id = await addAccount(forpost.url);
    await callForpost(forpost.url, "DeleteAccount", { ID: String(id) });
    expect(await addAccount(forpost.url)).toBe(id + 1);
  });
});

describe("FindAccounts", () => {
  async function find(params: Record<string, string>): Promise<string[]> {
    const answer = await callForpost(forpost.url, "FindAccounts", params);
    expect(answer.status).toBe(200);
    return (answer.json as Array<{ Name: string }>).map((account) => account.Name);
  }

  beforeEach(async () => {
    await addAccount(forpost.url, { Name: "ООО Ромашка", ContractNumber: "100" });
    await addAccount(forpost.url, { Name: "Ромашка-Сервис", ContractNumber: "200" });
    await addAccount(forpost.url, { Name: "Petrov", ContractNumber: "1000" });
  });

  it("finds by Name substring, ignoring case (Cyrillic included)", async () => {
    expect(await find({ Name: "РОМАШ" })).toEqual(["ООО Ромашка", "Ромашка-Сервис"]);
    expect(await find({ Name: "trov" })).toEqual(["Petrov"]);
  });

  it("finds by exact ContractNumber and exact ID", async () => {
    expect(await find({ ContractNumber: "100" })).toEqual(["ООО Ромашка"]);
    expect(await find({ ID: "1003" })).toEqual(["Petrov"]);
    expect(await find({ ID: "9999" })).toEqual([]);
  });

  it("requires every given filter to match", async () => {
    expect(await find({ Name: "ромашка", ContractNumber: "200" })).toEqual(["Ромашка-Сервис"]);
    expect(await find({ Name: "Petrov", ContractNumber: "100" })).toEqual([]);
  });

  it("answers every account without filters, with the account fields, string numbers and Groups", async () => {
    expect(await find({})).toHaveLength(3);
    const [first] = (await callForpost(forpost.url, "FindAccounts", { ID: "1001" })).json as Array<Record<string, unknown>>;
    expect(first).toMatchObject({ ID: "1001", MaxCameraCount: "4", ContractNumber: "100", IsActive: "1", Groups: [] });
  });

  it("rejects a malformed ID filter", async () => {
    expectValidationError(await callForpost(forpost.url, "FindAccounts", { ID: "x" }), "ID");
  });
});

describe("emulator options", () => {
  it("starts IDs at firstAccountId and can enforce unique ContractNumbers", async () => {
    const strict = new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD, firstAccountId: 7, uniqueContractNumber: true });
    const strictUrl = await strict.start();
    try {
      expect(await addAccount(strictUrl, { ContractNumber: "A1" })).toBe(7);
      expectValidationError(await callForpost(strictUrl, "AddAccount", { ...MINIMAL_ACCOUNT, ContractNumber: "A1" }), "ContractNumber");
      const other = await addAccount(strictUrl, { ContractNumber: "B2" });
      expectValidationError(await callForpost(strictUrl, "EditAccount", { ID: String(other), ContractNumber: "A1" }), "ContractNumber");
    } finally {
      await strict.stop();
    }
  });

  it("allows duplicate ContractNumbers by default (so duplicates made by retries stay visible)", async () => {
    await addAccount(forpost.url, { ContractNumber: "A1" });
    await addAccount(forpost.url, { ContractNumber: "A1" });
    expect((await callForpost(forpost.url, "FindAccounts", { ContractNumber: "A1" })).json).toHaveLength(2);
  });
});
