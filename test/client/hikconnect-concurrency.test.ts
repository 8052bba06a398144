import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { hikDevice } from "../../provider/hikconnect/device";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { camera, PHYSICAL } from "../fixtures/hikconnect-devices";

/**
 * Many devices at once in one process, against the emulator's own accounting of the 5-per-second
 * limit (it counts arrivals itself and refuses the excess with 429).
 */
const SECRET_KEY = "test-only-hik-sk-concurrency";
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL } } });
  const config: Record<string, string> = {
    "hikconnect:url": sandbox.hikconnect.url,
    "hikconnect:appKey": sandbox.hikconnect.appKey,
    "hikconnect:secretKey": SECRET_KEY,
  };
  setStackConfig({ get: (k) => config[k] });
});
afterAll(() => sandbox.stop());

describe("hikDevice under concurrency", () => {
  it("creates 8 devices at once with one token and never a request over the limit", async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => hikDevice.create((await hikDevice.check({}, camera(i + 1))).inputs)),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(8);
    const accounting = sandbox.hikconnect.emulator.accountingSnapshot();
    expect(accounting.tokenRequests).toBe(1);
    expect(accounting.rate.rejected).toBe(0);
    expect(accounting.rate.peakArrivalsInWindow).toBeLessThanOrEqual(5);
    expect(accounting.rate.admitted).toBe(1 + 8 * 2);
  });
});
