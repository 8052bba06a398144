import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VendorAuthError } from "../../provider/core/errors";
import { HttpTransport } from "../../provider/core/transport";
import { areaBase, HikConnectSession, renewAt } from "../../provider/hikconnect/session";
import { HikConnectEmulator } from "../../sandbox/hikconnect";

/** The token authenticator against the emulator's region server, with a controllable clock. */
const APP_KEY = "test-only-ak-session";
const SECRET_KEY = "test-only-sk-session";
const emulator = new HikConnectEmulator({ appKey: APP_KEY, secretKey: SECRET_KEY, tokenLifetimeSeconds: 3600 });
let url: string;
beforeAll(async () => {
  url = await emulator.start();
});
afterAll(() => emulator.stop());

const region = () => new HttpTransport({ vendor: "hikconnect", baseUrl: url, timeoutMs: 2000, maxRetries: 1, retryBaseDelayMs: 5 });

describe("HikConnectSession", () => {
  it("obtains one token for concurrent callers, points requests at areaDomain with the Token header", async () => {
    emulator.reset();
    const session = new HikConnectSession(region(), url, APP_KEY, SECRET_KEY);
    const sessions = await Promise.all(Array.from({ length: 5 }, () => session.current()));
    expect(new Set(sessions.map((s) => s.token)).size).toBe(1);
    expect(sessions[0]!.areaDomain).toBe(emulator.areaUrl);
    expect(emulator.accountingSnapshot().tokenRequests).toBe(1);
    const request = { operation: "x", method: "POST" as const, url: new URL(`${url}/api/hccgw/resource/v1/devices/get?a=1`), headers: {} as Record<string, string> };
    await session.authorize(request);
    expect(request.url.toString()).toBe(`${emulator.areaUrl}/api/hccgw/resource/v1/devices/get?a=1`);
    expect(request.headers["Token"]).toBe(sessions[0]!.token);
  });

  it("renews shortly before the announced expiry, without waiting for a refusal", async () => {
    emulator.reset();
    let now = Date.now();
    const session = new HikConnectSession(region(), url, APP_KEY, SECRET_KEY, () => now);
    await session.current();
    now += 3600_000 - 7 * 60_000; // 7 minutes before expiry of a 1-hour token: still fine
    await session.current();
    expect(emulator.accountingSnapshot().tokenRequests).toBe(1);
    now += 2 * 60_000; // 5 minutes before: inside the margin (a tenth of the life, 6 minutes)
    await session.current();
    expect(emulator.accountingSnapshot()).toMatchObject({ tokenRequests: 2, tokensIssued: 1 }); // same token, validity restored
  });

  it("renews once for any number of refusals of the same token, and not again for a token already replaced", async () => {
    emulator.reset();
    const session = new HikConnectSession(region(), url, APP_KEY, SECRET_KEY);
    const first = await session.current();
    emulator.revokeTokens();
    const refused = { operation: "x", method: "POST" as const, url: new URL(url), headers: { Token: first.token } };
    await Promise.all([session.renew(refused), session.renew(refused), session.renew(refused)]);
    await session.renew(refused);
    expect(emulator.accountingSnapshot()).toMatchObject({ tokenRequests: 2, tokensIssued: 2 });
    expect((await session.current()).token).not.toBe(first.token);
  });

  it("says which configuration keys to fix for a wrong AK or SK, without the SK", async () => {
    const wrongAk = await new HikConnectSession(region(), url, "no-such-ak", SECRET_KEY).current().catch((e: Error) => e);
    expect(wrongAk).toBeInstanceOf(VendorAuthError);
    expect((wrongAk as Error).message).toMatch(/the AK does not exist \(OPEN000001: The AK does not exist\.\)\. Check hikconnect:appKey \/ HIKCONNECT_APP_KEY/);
    const wrongSk = await new HikConnectSession(region(), url, APP_KEY, "test-only-wrong-sk").current().catch((e: Error) => e);
    // The guide's own failure example (3.3): OPEN300002, not the table's OPEN000002.
    expect(wrongSk).toBeInstanceOf(VendorAuthError);
    expect((wrongSk as Error).message).toMatch(/the SK is wrong \(OPEN300002: SECRET_KEY_NOT_EQUALS\{OPEN300002\}\)/);
    expect((wrongSk as Error).message).toContain("hikconnect:secretKey / HIKCONNECT_SECRET_KEY");
    expect((wrongSk as Error).message).not.toContain("test-only-wrong-sk");
  });
});

describe("renewAt and areaBase", () => {
  it("renews a tenth of the life (at most 10 minutes) early; reads milliseconds; ignores a past or missing expiry", () => {
    const now = 1_700_000_000_000;
    expect(renewAt(now / 1000 + 100, now)).toBe(now + 90_000);
    expect(renewAt(now / 1000 + 7 * 86400, now)).toBe(now + 7 * 86400_000 - 600_000);
    expect(renewAt(now + 100_000, now)).toBe(now + 90_000);
    expect(renewAt(now / 1000 - 5, now)).toBeUndefined();
    expect(renewAt(undefined, now)).toBeUndefined();
  });

  it("takes areaDomain as an origin, a bare host as https, and falls back to the region server", () => {
    expect(areaBase("https://isgp.hikcentralconnect.com", "https://r")).toBe("https://isgp.hikcentralconnect.com");
    expect(areaBase("https://isgp.hikcentralconnect.com/", "https://r")).toBe("https://isgp.hikcentralconnect.com");
    expect(areaBase("ieu.hikcentralconnect.com", "https://r")).toBe("https://ieu.hikcentralconnect.com");
    expect(areaBase("", "https://region.example")).toBe("https://region.example");
    expect(areaBase(undefined, "https://region.example")).toBe("https://region.example");
  });
});
