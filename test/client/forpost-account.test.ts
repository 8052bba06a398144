import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { forpostAccount } from "../../provider/forpost/account";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { ACME_INPUTS, CREATE_CALLS, READ_CALLS } from "../fixtures/forpost-acme";

/** The resource's own methods (what the host calls), against the emulator, without the host. */
const PASSWORD = "test-only-forpost-pw";
let sandbox: RunningSandbox;
const acme = ACME_INPUTS;
const log = (route?: string) => sandbox.forpost.emulator.log.entries(route);
const routes = () => log().map((e) => e.route);

beforeAll(async () => {
  sandbox = await startSandbox({ forpost: { adminPassword: PASSWORD } });
  const config: Record<string, string> = {
    "forpost:url": sandbox.forpost.url,
    "forpost:adminLogin": sandbox.forpost.adminLogin,
    "forpost:adminPassword": PASSWORD,
    "forpost:maxRetries": "1",
  };
  setStackConfig({ get: (k) => config[k] });
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  sandbox.forpost.emulator.reset();
  sandbox.forpost.emulator.faults.clear();
});

async function create(inputs: Record<string, unknown> = acme) {
  const { inputs: checked, failures } = await forpostAccount.check({}, inputs);
  expect(failures).toEqual([]);
  return forpostAccount.create(checked);
}

describe("forpostAccount against the emulator", () => {
  it("creates the account with its tariffs and returns every field as read back", async () => {
    const { id, outs } = await create();
    expect(id).toBe("1001");
    expect(outs).toMatchObject({ ...acme, accountId: 1001, isActive: true, isSupportEnabled: false, isLoginLocked: false });
    expect(outs[DECLARED_KEY]).toEqual(Object.keys(acme));
    expect(routes()).toEqual(CREATE_CALLS);
  });

  it("updates only what changed: EditAccount with just those fields, tariffs by their own calls", async () => {
    const { id, outs } = await create();
    sandbox.forpost.emulator.log.clear();
    const news = { ...acme, maxCameraCount: 16, isLoginLocked: true };
    const diff = await forpostAccount.diff(id, outs, news);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await forpostAccount.update(id, outs, news);
    const [edit] = log("EditAccount");
    const { AdminLogin: _l, AdminPassword: _p, ...sent } = edit!.params;
    expect(sent).toEqual({ ID: "1001", MaxCameraCount: "16", IsLoginLocked: "1" });
    expect(log("SetAllowedAccountTariffs")).toEqual([]);
    expect(after).toMatchObject({ maxCameraCount: 16, isLoginLocked: true });

    sandbox.forpost.emulator.log.clear();
    await forpostAccount.update(id, after, { ...news, allowedTariffIds: [3], defaultCameraTariffId: 3 });
    expect(routes()).toEqual(["SetAllowedAccountTariffs", "SetAccountDefaultCameraTariff", ...READ_CALLS]);
  });

  it("sends nothing when nothing changed", async () => {
    const { id, outs } = await create();
    sandbox.forpost.emulator.log.clear();
    expect(await forpostAccount.diff(id, outs, acme)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await forpostAccount.update(id, outs, acme);
    expect(log()).toEqual([]);
  });

  it("shows drift made outside Pulumi in the refreshed inputs, and reports a deleted account gone", async () => {
    const { id, outs } = await create();
    sandbox.forpost.emulator.accounts.patch(1001, { MaxCameraCount: 2, AllowedTariffIDs: [1], IsActive: 0 });
    const read = await forpostAccount.read(id, outs);
    expect(read.inputs).toMatchObject({ maxCameraCount: 2, allowedTariffIds: [1] });
    expect(read.inputs).not.toHaveProperty("isActive"); // not declared: not managed
    expect(read.props).toMatchObject({ isActive: false });
    expect((await forpostAccount.diff(id, read.props!, acme)).changes).toBe(true);

    sandbox.forpost.emulator.accounts.delete(1001);
    expect(await forpostAccount.read(id, outs)).toEqual({});
  });

  it("deletes, and deleting an account that is already gone succeeds", async () => {
    const { id, outs } = await create();
    await forpostAccount.delete(id, outs);
    expect(sandbox.forpost.emulator.accounts.list()).toEqual([]);
    await expect(forpostAccount.delete(id, outs)).resolves.toBeUndefined();
  });

  it("refuses to create a second account with a contract number that is taken", async () => {
    sandbox.forpost.emulator.accounts.add({ ...wire(acme), Name: "Someone else" });
    await expect(create()).rejects.toThrow(/Forpost already has an account with contractNumber "C-1001" \(id 1001 "Someone else"\); refusing to create a duplicate\. To manage it with this program, add the resource option `\{ adoptExisting: true \}`/);
    expect(log("AddAccount")).toEqual([]);
  });

  it("lets only one of two concurrent creates with the same contract number through", async () => {
    const results = await Promise.allSettled([create(), create({ ...acme, name: "ACME twin" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason)).toMatch(/refusing to create a duplicate/);
    expect(sandbox.forpost.emulator.accounts.list()).toHaveLength(1);
  });

  it("recovers a create whose answer was lost by finding the account by contract number — no duplicate", async () => {
    sandbox.forpost.emulator.faults.set("AddAccount", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe("1001");
    expect(sandbox.forpost.emulator.accounts.list()).toHaveLength(1);
    expect(log("AddAccount")).toHaveLength(1);
  });

  it("sends AddAccount again when the lost request never took effect", async () => {
    sandbox.forpost.emulator.faults.set("AddAccount", { drop: "before", times: 1 });
    // drop-before looks the same to the client as drop-after; the lookup tells them apart.
    const { id } = await create();
    expect(id).toBe("1001");
    expect(log("AddAccount")).toHaveLength(2);
    expect(sandbox.forpost.emulator.accounts.list()).toHaveLength(1);
  });

  it("without a contract number, stops after a lost answer instead of risking a duplicate", async () => {
    const { contractNumber: _c, ...noContract } = acme;
    sandbox.forpost.emulator.faults.set("AddAccount", { drop: "after", times: 1 });
    const error = await create(noContract).catch((e) => e);
    expect(error.message).toMatch(/may or may not have been created[\s\S]*Accounts named "ACME Ltd" now: ID 1001[\s\S]*Set contractNumber/);
    expect(log("AddAccount")).toHaveLength(1);
  });

  it("keeps an account whose tariff step failed: the error carries the id and the next update finishes", async () => {
    sandbox.forpost.emulator.faults.set("SetAllowedAccountTariffs", { status: 500, body: { ErrorCode: 1, Error: "db busy" }, times: 5 });
    const error = await create().catch((e) => e);
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toBe("1001");
    expect(error.message).toMatch(/created 1001, but a later step failed: Forpost SetAllowedAccountTariffs failed: unknown error on the Forpost side \(ErrorCode 1: db busy\)/);
    expect(error.properties).not.toHaveProperty("allowedTariffIds");
    sandbox.forpost.emulator.faults.clear();
    const { outs } = await forpostAccount.update(error.id, error.properties, acme);
    expect(outs).toMatchObject({ allowedTariffIds: [1, 2], defaultCameraTariffId: 2 });
  });

  it("check reports every invalid field with a reason, and never calls Forpost", async () => {
    const { failures } = await forpostAccount.check({}, {
      maxCameraCount: -1,
      maxLoginCount: 2.5,
      maxCameraOnlineTranslationCount: "4",
      networkIp: "10.0.0",
      allowedTariffIds: [1],
      defaultCameraTariffId: 2,
      isActive: "yes",
    });
    expect(failures).toEqual([
      { property: "name", reason: "is required" },
      { property: "maxCameraCount", reason: "must be 0 or more" },
      { property: "maxLoginCount", reason: "must be a whole number (got 2.5)" },
      { property: "maxCameraOnlineTranslationCount", reason: 'must be a number (got "4")' },
      { property: "maxCameraArchivalTranslationCount", reason: "is required" },
      { property: "maxCameraUserOnlineTranslationCount", reason: "is required" },
      { property: "maxCameraUserArchivalTranslationCount", reason: "is required" },
      { property: "networkIp", reason: "must be an IPv4 address in the form 192.168.10.0" },
      { property: "isActive", reason: 'must be true or false (got "yes")' },
    ]);
    const cross = await forpostAccount.check({}, { ...acme, allowedTariffIds: [1], defaultCameraTariffId: 2 });
    expect(cross.failures).toEqual([{ property: "defaultCameraTariffId", reason: "tariff 2 is not in allowedTariffIds [1]: add it there, or pick one of those" }]);
    expect(log()).toEqual([]);
  });
});

function wire(a: typeof acme) {
  return {
    Name: a.name,
    MaxCameraCount: a.maxCameraCount,
    MaxLoginCount: a.maxLoginCount,
    MaxCameraOnlineTranslationCount: a.maxCameraOnlineTranslationCount,
    MaxCameraArchivalTranslationCount: a.maxCameraArchivalTranslationCount,
    MaxCameraUserOnlineTranslationCount: a.maxCameraUserOnlineTranslationCount,
    MaxCameraUserArchivalTranslationCount: a.maxCameraUserArchivalTranslationCount,
    ContractNumber: a.contractNumber,
  };
}

describe("forpostAccount against a Forpost that answers numbers as numbers and errors with HTTP 200", () => {
  it("creates, reads and deletes alike, and still recognises errors", async () => {
    const other = await startSandbox({ forpost: { adminPassword: PASSWORD, emulator: { numbersAsStrings: false, errorStatus: "200" } } });
    const config: Record<string, string> = {
      "forpost:url": other.forpost.url,
      "forpost:adminLogin": other.forpost.adminLogin,
      "forpost:adminPassword": PASSWORD,
    };
    setStackConfig({ get: (k) => config[k] });
    try {
      const { id, outs } = await create();
      expect(outs).toMatchObject({ ...acme, accountId: Number(id) });
      expect((await forpostAccount.read(id, outs)).inputs).toEqual(acme);
      await forpostAccount.delete(id, outs);
      await expect(forpostAccount.delete(id, outs)).resolves.toBeUndefined();
      config["forpost:adminPassword"] = "not-the-password";
      setStackConfig({ get: (k) => config[k] });
      await expect(forpostAccount.read(id, outs)).rejects.toThrow(/access denied \(ErrorCode 3/);
    } finally {
      await other.stop();
      setStackConfig({
        get: (k) =>
          ({ "forpost:url": sandbox.forpost.url, "forpost:adminLogin": sandbox.forpost.adminLogin, "forpost:adminPassword": PASSWORD } as Record<string, string>)[k],
      });
    }
  });
});
