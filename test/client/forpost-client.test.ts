import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../../provider/core/errors";
import { HttpTransport } from "../../provider/core/transport";
import { formFieldCredentials } from "../../provider/core/auth";
import { ForpostClient } from "../../provider/forpost/client";
import { startSandbox, type RunningSandbox } from "../../sandbox";

const PASSWORD = "test-only-forpost-pw";
let sandbox: RunningSandbox;

function client(password = PASSWORD) {
  return new ForpostClient(
    new HttpTransport({
      vendor: "forpost",
      baseUrl: sandbox.forpost.url,
      timeoutMs: 2_000,
      maxRetries: 2,
      retryBaseDelayMs: 5,
      auth: formFieldCredentials({ AdminLogin: sandbox.forpost.adminLogin, AdminPassword: password }, ["AdminPassword"]),
    }),
  );
}
const account = (name: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
  ["Name", name],
  ["MaxCameraCount", "8"],
  ["MaxLoginCount", "3"],
  ["MaxCameraOnlineTranslationCount", "4"],
  ["MaxCameraArchivalTranslationCount", "2"],
  ["MaxCameraUserOnlineTranslationCount", "2"],
  ["MaxCameraUserArchivalTranslationCount", "1"],
  ...extra,
];

beforeAll(async () => {
  sandbox = await startSandbox({ forpost: { adminPassword: PASSWORD } });
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  sandbox.forpost.emulator.reset();
  sandbox.forpost.emulator.faults.clear();
});

describe("ForpostClient against the Forpost emulator", () => {
  it("adds, finds, edits and deletes an account, reading numbers that arrive as strings", async () => {
    const c = client();
    const id = await c.addAccount(account("ACME", [["ContractNumber", "C-1"], ["IsActive", "0"]]));
    const [found] = await c.findAccounts({ id });
    expect(found).toMatchObject({ ID: id, Name: "ACME", MaxCameraCount: "8", IsActive: "0", ContractNumber: "C-1" });
    await c.editAccount(id, [["MaxCameraCount", "16"]]);
    expect((await c.findAccounts({ contractNumber: "C-1" }))[0]).toMatchObject({ ID: id, MaxCameraCount: "16" });
    expect((await c.masAccounts()).map((a) => a.ID)).toEqual([id]);
    await c.deleteAccount(id);
    expect(await c.findAccounts({ id })).toEqual([]);
  });

  it("sets and reads the tariff settings", async () => {
    const c = client();
    const id = await c.addAccount(account("T"));
    expect((await c.getTariffs()).map((t) => t.ID)).toEqual([1, 2, 3]);
    expect(await c.getAllowedAccountTariffs(id)).toEqual([]);
    expect(await c.getAccountDefaultCameraTariff(id)).toBe(0);
    await c.setAllowedAccountTariffs(id, [2, 1]);
    await c.setAccountDefaultCameraTariff(id, 2);
    expect((await c.getAllowedAccountTariffs(id)).sort()).toEqual([1, 2]);
    expect(await c.getAccountDefaultCameraTariff(id)).toBe(2);
  });

  it("sends every call as a form-urlencoded POST to /system-api/<Method> with the admin credentials", async () => {
    await client().findAccounts({ name: "x" });
    const [entry] = sandbox.forpost.emulator.log.entries("FindAccounts");
    expect(entry).toMatchObject({ method: "POST", path: "/system-api/FindAccounts", status: 200 });
    expect(entry!.params).toMatchObject({ AdminLogin: sandbox.forpost.adminLogin, AdminPassword: "***", Name: "x" });
  });

  it("maps ErrorCode 3 to an authentication error that names the keys and never echoes the password", async () => {
    const wrong = "wrong-password-value";
    const error = await client(wrong).findAccounts({}).catch((e) => e);
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error).toMatchObject({ vendor: "forpost", operation: "FindAccounts", code: "3", httpStatus: 403 });
    expect(error.message).toMatch(/access denied \(ErrorCode 3/);
    expect(error.message).toContain("forpost:adminPassword / FORPOST_ADMIN_PASSWORD");
    expect(error.message).not.toContain(wrong);
  });

  it("maps ErrorCode 2 with the vendor's text, whatever HTTP status carries it", async () => {
    for (const errorStatus of ["mapped", "200"] as const) {
      const local = await startSandbox({ forpost: { adminPassword: PASSWORD, emulator: { errorStatus } } });
      try {
        const c = new ForpostClient(
          new HttpTransport({
            vendor: "forpost",
            baseUrl: local.forpost.url,
            timeoutMs: 2_000,
            maxRetries: 0,
            auth: formFieldCredentials({ AdminLogin: local.forpost.adminLogin, AdminPassword: PASSWORD }, ["AdminPassword"]),
          }),
        );
        const error = await c.addAccount([["Name", "no limits"]]).catch((e) => e);
        expect(error).toBeInstanceOf(VendorApiError);
        expect(error.code).toBe("2");
        expect(error.message).toMatch(/^Forpost AddAccount failed: parameter validation failed \(ErrorCode 2: .*MaxCameraCount/);
      } finally {
        await local.stop();
      }
    }
  });

  it("retries reads through a passing 503, but never repeats an AddAccount whose answer was lost", async () => {
    const c = client();
    sandbox.forpost.emulator.faults.set("FindAccounts", { status: 503, times: 2 });
    expect(await c.findAccounts({})).toEqual([]);
    expect(sandbox.forpost.emulator.log.entries("FindAccounts")).toHaveLength(3);

    sandbox.forpost.emulator.faults.set("AddAccount", { drop: "after", times: 1 });
    const error = await c.addAccount(account("Lost")).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.outcomeUnknown).toBe(true);
    expect(sandbox.forpost.emulator.log.entries("AddAccount")).toHaveLength(1);
    expect(sandbox.forpost.emulator.accounts.list()).toHaveLength(1);
  });

  it("says so when an answer is not JSON", async () => {
    sandbox.forpost.emulator.faults.set("GetTariffs", { malformed: true });
    await expect(client().getTariffs()).rejects.toThrow(/^Forpost GetTariffs failed: the answer \(HTTP 200\) is not JSON.*Check that forpost:url \(FORPOST_URL\) points at the Forpost API itself/);
  });

  it("configures itself from stack config, naming what is missing", async () => {
    const { setStackConfig } = await import("../../provider/core/config");
    setStackConfig({ get: (k: string) => ({ "forpost:url": sandbox.forpost.url } as Record<string, string>)[k] });
    delete process.env.FORPOST_ADMIN_LOGIN;
    delete process.env.FORPOST_ADMIN_PASSWORD;
    expect(() => ForpostClient.fromConfig()).toThrow(/forpost:adminLogin is not set[\s\S]*forpost:adminPassword is not set/);
    setStackConfig({
      get: (k: string) =>
        ({ "forpost:url": sandbox.forpost.url, "forpost:adminLogin": sandbox.forpost.adminLogin, "forpost:adminPassword": PASSWORD } as Record<string, string>)[k],
    });
    expect(await ForpostClient.fromConfig().getTariffs()).toHaveLength(3);
  });
});
