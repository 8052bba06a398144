import { describe, expect, it } from "vitest";

import { MINIMAL_ACCOUNT, admin, callForpost, useForpostEmulator } from "./forpost-call";

const forpost = useForpostEmulator();
const emulator = forpost.emulator;

const addAccountCall = () => callForpost(forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT });

describe("fault injection, set programmatically", () => {
  it("latencyMs delays the answer, which is otherwise normal", async () => {
    emulator.faults.set("masAccounts", { latencyMs: 300 });
    const started = performance.now();
    const answer = await callForpost(forpost.url, "masAccounts");
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([]);
    expect(emulator.log.entries()[0]).toMatchObject({ route: "masAccounts", status: 200, faults: ["latency"] });
  });

  it("status answers as told (503 with Retry-After and a body) without processing the request", async () => {
    emulator.faults.set("AddAccount", { status: 503, headers: { "Retry-After": "2" }, body: "Service Unavailable", times: 1 });
    const answer = await addAccountCall();
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("2");
    expect(answer.text).toBe("Service Unavailable");
    expect(emulator.accounts.list()).toEqual([]);
    expect((await addAccountCall()).json).toEqual({ ID: 1001 });
  });

  it("a status fault with an object body answers JSON", async () => {
    emulator.faults.set("GetTariffs", { status: 200, body: { ErrorCode: 1, Error: "Database is down" } });
    const answer = await callForpost(forpost.url, "GetTariffs");
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ ErrorCode: 1, Error: "Database is down" });
  });

  it('drop "before" closes the connection unanswered and nothing happens', async () => {
    emulator.faults.set("AddAccount", { drop: "before", times: 1 });
    await expect(addAccountCall()).rejects.toThrow();
    expect(emulator.accounts.list()).toEqual([]);
    expect(emulator.log.entries()[0]).toMatchObject({ route: "AddAccount", status: null, faults: ["drop-before"] });
  });

  it('drop "after" processes the request (the account exists) but closes the connection unanswered', async () => {
    emulator.faults.set("AddAccount", { drop: "after", times: 1 });
    await expect(addAccountCall()).rejects.toThrow();
    expect(emulator.accounts.list().map((account) => account.ID)).toEqual([1001]);
    expect(emulator.log.entries()[0]).toMatchObject({ status: null, faults: ["drop-after"] });
  });

  it("malformed answers 200 with a body that is not JSON, after processing the request", async () => {
    emulator.faults.set("AddAccount", { malformed: true, times: 1 });
    const answer = await addAccountCall();
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text) as unknown).toThrow();
    expect(emulator.accounts.list()).toHaveLength(1);
  });

  it("times applies the fault to the next N matching requests only, then removes it", async () => {
    emulator.faults.set("masAccounts", { status: 502, times: 2 });
    expect((await callForpost(forpost.url, "GetTariffs")).status).toBe(200);
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(502);
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(502);
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(200);
    expect(emulator.faults.list()).toEqual({});
  });

  it("without times a fault stays until cleared", async () => {
    emulator.faults.set("masAccounts", { status: 500 });
    for (let i = 0; i < 3; i++) expect((await callForpost(forpost.url, "masAccounts")).status).toBe(500);
    emulator.faults.clear("masAccounts");
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(200);
  });

  it('"*" applies to every route; a route-specific fault wins over it', async () => {
    emulator.faults.set("*", { status: 503 });
    emulator.faults.set("GetTariffs", { status: 429 });
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(503);
    expect((await callForpost(forpost.url, "GetTariffs")).status).toBe(429);
    emulator.faults.clear();
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(200);
  });

  it("refuses unknown routes and contradictory faults", () => {
    expect(() => emulator.faults.set("AddAcount", { status: 500 })).toThrow(/unknown route "AddAcount"/);
    expect(() => emulator.faults.set("AddAccount", { status: 500, drop: "after" })).toThrow(/mutually exclusive/);
    expect(() => emulator.faults.set("AddAccount", { latencyMs: -1 })).toThrow(/invalid fault/);
    expect(emulator.faults.list()).toEqual({});
  });
});

describe("fault injection over the admin routes", () => {
  it("POST /__sandbox/faults sets, GET lists, DELETE clears", async () => {
    const set = await admin(forpost.url, "POST", "faults", { route: "AddAccount", fault: { status: 503, headers: { "Retry-After": "1" } } });
    expect(set.status).toBe(200);
    expect((await admin(forpost.url, "GET", "faults")).json).toEqual({ faults: { AddAccount: { status: 503, headers: { "Retry-After": "1" } } } });
    expect((await addAccountCall()).status).toBe(503);
    expect((await admin(forpost.url, "DELETE", "faults")).status).toBe(200);
    expect((await addAccountCall()).status).toBe(200);
  });

  it("DELETE /__sandbox/faults?route=X clears one route only", async () => {
    await admin(forpost.url, "POST", "faults", { route: "AddAccount", fault: { status: 500 } });
    await admin(forpost.url, "POST", "faults", { route: "masAccounts", fault: { status: 500 } });
    await admin(forpost.url, "DELETE", "faults?route=AddAccount");
    expect(Object.keys(emulator.faults.list())).toEqual(["masAccounts"]);
  });

  it("drops the connection on a fault set over HTTP", async () => {
    await admin(forpost.url, "POST", "faults", { route: "DeleteAccount", fault: { drop: "after", times: 1 } });
    const id = emulator.accounts.add({ ...numericMinimal() }).ID;
    await expect(callForpost(forpost.url, "DeleteAccount", { ID: String(id) })).rejects.toThrow();
    expect(emulator.accounts.get(id)).toBeUndefined();
  });

  it("answers 400 to an invalid fault and sets nothing", async () => {
    for (const body of [{ route: "AddAccount", fault: { drop: "sideways" } }, { route: "Nope", fault: { status: 500 } }, { fault: {} }]) {
      const answer = await admin(forpost.url, "POST", "faults", body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: expect.any(String) });
    }
    expect(emulator.faults.list()).toEqual({});
  });
});

function numericMinimal() {
  return {
    Name: "portal account",
    MaxCameraCount: 1,
    MaxLoginCount: 1,
    MaxCameraOnlineTranslationCount: 1,
    MaxCameraArchivalTranslationCount: 1,
    MaxCameraUserOnlineTranslationCount: 1,
    MaxCameraUserArchivalTranslationCount: 1,
  };
}

describe("a fault after the first requests of a route", () => {
  it('"after: 1" lets the first request through and faults the second (a create\'s read-back after its look-up)', async () => {
    emulator.faults.set("masAccounts", { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" }, times: 1 });
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(200);
    expect((await callForpost(forpost.url, "masAccounts")).json).toEqual({ ErrorCode: 1, Error: "busy" });
    expect((await callForpost(forpost.url, "masAccounts")).status).toBe(200);
    expect(emulator.log.entries().map((e) => e.faults ?? [])).toEqual([[], ["status"], []]);
  });
});
