import { describe, expect, it } from "vitest";
import { APP_KEY, callArea, getToken, send, session, useHikConnectEmulator } from "./hikconnect-call";

/** The Hik-Connect emulator against the guide: tokens (3.2, 5.1.1), answers (3.3), servers, rate (3.1). */
const hik = useHikConnectEmulator({ tokenLifetimeSeconds: 0.3, rateLimit: { limit: 5, windowMs: 1000 } });

describe("Hik-Connect emulator: token/get (5.1.1) on the region server", () => {
  it("answers a token, its expiry in epoch seconds, a userId and the area server as areaDomain", async () => {
    const answer = await getToken(hik.url);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ errorCode: "0", data: { accessToken: expect.stringMatching(/^hcc\.[a-z0-9]{32}$/), userId: expect.any(String) } });
    const data = answer.json!.data as { expireTime: number; areaDomain: string };
    expect(data.areaDomain).toBe(hik.emulator.areaUrl);
    expect(data.areaDomain).not.toBe(hik.url);
    expect(Math.abs(data.expireTime - Date.now() / 1000)).toBeLessThan(5);
  });

  it("answers the same token while it is valid, with its validity restored (3.2)", async () => {
    const a = await session(hik.url);
    const b = await session(hik.url);
    expect(b.token).toBe(a.token);
    expect(hik.emulator.accountingSnapshot()).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
  });

  it("refuses an unknown AK with OPEN000001 and a wrong SK like the guide's failure example (3.3), HTTP 200, echoing neither", async () => {
    const unknown = await getToken(hik.url, "no-such-ak");
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ errorCode: "OPEN000001", message: "The AK does not exist." });
    const wrong = await getToken(hik.url, APP_KEY, "wrong-secret-key");
    expect(wrong.json).toEqual({ errorCode: "OPEN300002", message: "SECRET_KEY_NOT_EQUALS{OPEN300002}" });
    expect(wrong.text).not.toContain("wrong-secret-key");
    expect(JSON.stringify(hik.emulator.log.entries())).not.toContain("wrong-secret-key");
    expect(JSON.stringify(hik.emulator.log.entries())).not.toContain(APP_KEY);
  });

  it("serves token/get only on the region server and the device API only on the area server", async () => {
    const { token, area } = await session(hik.url);
    expect((await send(`${area}/api/hccgw/platform/v1/token/get`, { method: "POST" })).status).toBe(404);
    expect((await callArea(hik.url, token, "devicedetail/get", { deviceSerialNo: "T00000001" })).status).toBe(404);
    const onArea = await callArea(area, token, "devicedetail/get", { deviceSerialNo: "T00000001" });
    expect(onArea.json?.errorCode).toBe("VMS021307");
    expect(hik.emulator.log.entries().map((e) => [e.route, e.listener])).toEqual([
      ["token/get", undefined],
      [null, "area"],
      [null, undefined],
      ["devicedetail/get", "area"],
    ]);
  });
});

describe("Hik-Connect emulator: the Token header", () => {
  it("refuses a missing or unknown token with OPEN000007 and an expired one with OPEN000006", async () => {
    const { token, area } = await session(hik.url);
    expect((await callArea(area, undefined, "timezone/get")).json).toEqual({ errorCode: "OPEN000007", message: "Token exception." });
    expect((await callArea(area, "hcc.forged", "timezone/get")).json?.errorCode).toBe("OPEN000007");
    expect((await callArea(area, token, "timezone/get")).json?.errorCode).toBe("0");
    await new Promise((r) => setTimeout(r, 350));
    expect((await callArea(area, token, "timezone/get")).json).toEqual({ errorCode: "OPEN000006", message: "Token expired." });
    const renewed = await session(hik.url);
    expect(renewed.token).not.toBe(token);
  });

  it("revocation (admin) kills live tokens early with the chosen code; the next token/get issues a new one", async () => {
    const { token, area } = await session(hik.url);
    const revoke = await send(`${hik.url}/__sandbox/tokens/revoke`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"code":"OPEN000006"}' });
    expect(revoke.json).toEqual({ revoked: 1 });
    expect((await callArea(area, token, "timezone/get")).json?.errorCode).toBe("OPEN000006");
    hik.emulator.revokeTokens();
    const next = await session(hik.url);
    expect(next.token).not.toBe(token);
    expect((await callArea(area, next.token, "timezone/get")).json?.errorCode).toBe("0");
    hik.emulator.revokeTokens("OPEN000007");
    expect((await callArea(area, next.token, "timezone/get")).json?.errorCode).toBe("OPEN000007");
    expect(hik.emulator.accountingSnapshot().tokensIssued).toBe(2);
  });

  it("answers OPEN000008 for a body that is not JSON", async () => {
    const { token, area } = await session(hik.url);
    const answer = await send(`${area}/api/hccgw/resource/v1/devicedetail/get`, { method: "POST", headers: { Token: token, "content-type": "text/plain" }, body: "x" });
    expect(answer.status).toBe(200);
    expect((answer.json as { errorCode: string }).errorCode).toBe("OPEN000008");
  });
});

describe("Hik-Connect emulator: 5 requests per second per account (3.1)", () => {
  it("refuses the 6th request within a second with HTTP 429 and counts it, independently of the client", async () => {
    const { token, area } = await session(hik.url);
    const answers = await Promise.all(Array.from({ length: 7 }, () => callArea(area, token, "timezone/get")));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 429, 429, 429]);
    expect(answers.find((a) => a.status === 429)!.json).toEqual({ message: "Too many requests: no more than 5 requests per 1000 ms are allowed" });
    expect(hik.emulator.accountingSnapshot().rate).toEqual({ limit: 5, windowMs: 1000, admitted: 5, rejected: 3, peakArrivalsInWindow: 8 });
    const accounting = await send(`${hik.url}/__sandbox/accounting`);
    expect((accounting.json as { rate: { rejected: number } }).rate.rejected).toBe(3);
  });

  it("does not count requests it cannot attribute to the account (unknown AK or token)", async () => {
    await Promise.all(Array.from({ length: 8 }, () => getToken(hik.url, "someone-else")));
    await Promise.all(Array.from({ length: 8 }, () => callArea(hik.emulator.areaUrl, "hcc.forged", "timezone/get")));
    expect(hik.emulator.accountingSnapshot().rate).toMatchObject({ admitted: 0, rejected: 0 });
  });
});

describe("Hik-Connect emulator: timezone/get", () => {
  it("lists time zones with the guide's fields", async () => {
    const { token, area } = await session(hik.url);
    const answer = await callArea(area, token, "timezone/get");
    expect(answer.json?.data).toMatchObject({ systemTimeZoneID: "30" });
    expect((answer.json?.data as { timeZone: unknown[] }).timeZone).toContainEqual(expect.objectContaining({ id: "19", displayName: "(UTC+06:00) Astana", bias: -360 }));
  });
});

