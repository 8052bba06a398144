import { afterAll, describe, expect, it } from "vitest";
import { camera, PHYSICAL } from "../fixtures/hikconnect-devices";
import { useHostFixture } from "../harness/host-fixture";
import { MiniEngine, stripSecrets } from "../harness/mini-engine";
import type { PropertyMap, ProviderHost } from "../harness/provider-host";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../harness/redis-server";

/**
 * Several stacks of one pipeline against one Hik-Connect account: three real provider-host
 * processes, each at the default hikconnect:requestsPerSecond of 4, all against ONE emulator
 * enforcing the guide's 5 requests per second (it counts arrivals and refusals itself). Each
 * process keeping its own limit sends three times the limit; sharing one budget through Redis
 * keeps the account within it — also when Redis restarts, empty, in the middle of the run.
 */
const SECRET_KEY = "test-only-host-hik-sk-shared";
const REDIS_PASSWORD = "test-only-host-redis-pw-41d9";
const TYPE = "pulumi-nodejs:dynamic/hikconnect:Device";
const SECRET_CONFIG = ["hikconnect:secretKey", "hikconnect:rateLimitRedisUrl", "hikconnect-example:verifyCode", "hikconnect-example:devicePassword"];
const PROCESSES = 3;
const DEVICES_PER_PROCESS = 4;
const available = redisServerAvailable();

const fixture = useHostFixture({
  vendor: "hikconnect",
  sandbox: { hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL } } },
  secretKeys: SECRET_CONFIG,
  extraConfig: {
    "hikconnect-example:serialNo": "Q00000001",
    "hikconnect-example:verifyCode": "TESTAA",
    "hikconnect-example:devicePassword": "test-pw-shared",
  },
});
let redis: RedisServer | undefined;
afterAll(() => redis?.stop());

interface Device {
  urn: string;
  id: string;
  properties: PropertyMap;
  inputs: PropertyMap;
}

let provider: unknown;

/** Three provider processes configured alike; process p manages cameras p*4+1 … p*4+4. */
async function startProcesses(extraConfig: Record<string, string>): Promise<Array<{ host: ProviderHost; cams: Array<{ urn: string; inputs: PropertyMap }> }>> {
  // The example declares an area and its camera too: take the HikDevice's own serialized provider.
  provider ??= (await fixture.program()).find((r) => r.type === TYPE)!.inputs["__provider"];
  return Promise.all(
    Array.from({ length: PROCESSES }, async (_, p) => {
      const host = await fixture.startHost();
      await host.configure({ ...fixture.config, ...extraConfig }, { secretKeys: SECRET_CONFIG });
      const urnOf = (name: string) => new MiniEngine(host).urnOf(TYPE, name);
      const cams = await Promise.all(
        Array.from({ length: DEVICES_PER_PROCESS }, async (_, i) => {
          const urn = urnOf(`cam-${p * DEVICES_PER_PROCESS + i + 1}`);
          const news = stripSecrets({ ...camera(p * DEVICES_PER_PROCESS + i + 1), __provider: provider }) as PropertyMap;
          return { urn, inputs: (await host.check(urn, {}, news)).inputs };
        }),
      );
      return { host, cams };
    }),
  );
}

/** Every process creates its cameras at once; resolves to what settled, and the wall time. */
async function createAll(processes: Awaited<ReturnType<typeof startProcesses>>) {
  const started = Date.now();
  const settled = await Promise.all(
    processes.map(({ host, cams }) =>
      Promise.allSettled(cams.map(async (c): Promise<Device> => ({ urn: c.urn, inputs: c.inputs, ...(await host.create(c.urn, c.inputs)) }))),
    ),
  );
  return { settled, ms: Date.now() - started };
}

const accounting = () => fixture.emulator().accountingSnapshot();
const report = (what: string, ms: number, extra = "") => {
  const { rate, tokenRequests } = accounting();
  console.log(
    `hikconnect, ${PROCESSES} provider processes × ${DEVICES_PER_PROCESS} devices, emulator limit ${rate.limit}/${rate.windowMs} ms — ${what}: ` +
      `${ms} ms, ${rate.admitted} admitted, ${rate.rejected} refused (429), peak ${rate.peakArrivalsInWindow} arrivals in a window, ${tokenRequests} token requests${extra}`,
  );
};

describe.skipIf(!available)("Hik-Connect: one account's limit shared by several provider processes through Redis", { timeout: 180_000 }, () => {
  it("without Redis, three processes each at 4/s overrun the account's 5/s (the problem, measured)", async () => {
    fixture.emulator().reset();
    const processes = await startProcesses({});
    const { settled, ms } = await createAll(processes);
    const failed = settled.flat().filter((s) => s.status === "rejected").length;
    report("each process on its own limit", ms, `, ${failed} creates failed`);
    expect(accounting().rate.peakArrivalsInWindow).toBeGreaterThan(5);
    expect(accounting().rate.rejected).toBeGreaterThan(0);
    // What was created is dropped by the next test's emulator reset.
    await Promise.all(processes.map(({ host }) => host.stop())); // room on 2 cores for the next three
  });

  let processes: Awaited<ReturnType<typeof startProcesses>>;
  let devices: Device[][];

  it("with Redis, the same three processes stay within the limit, nothing refused, every device created", async () => {
    redis = await startRedisServer({ password: REDIS_PASSWORD });
    fixture.emulator().reset();
    processes = await startProcesses({ "hikconnect:rateLimitRedisUrl": redis.url });
    const { settled, ms } = await createAll(processes);
    report("one budget of 4/s shared through Redis", ms);
    devices = settled.map((results) => results.map((r) => (r.status === "fulfilled" ? r.value : expect.unreachable(String(r.reason)))));
    expect(fixture.emulator().devices.list()).toHaveLength(PROCESSES * DEVICES_PER_PROCESS);
    const { rate, tokenRequests } = accounting();
    expect(rate.rejected).toBe(0);
    expect(rate.peakArrivalsInWindow).toBeLessThanOrEqual(4);
    // At least an add and a read-back per device (a create may also look its serial up first).
    expect(rate.admitted).toBeGreaterThanOrEqual(tokenRequests + PROCESSES * DEVICES_PER_PROCESS * 2);
    // That many requests at no more than 4 per second cannot take less than (n - 4) / 4 seconds.
    expect(ms).toBeGreaterThan(((rate.admitted - 4) / 4) * 1000 - 250);
    for (const { host } of processes) expect(host.stderr + host.stdout).not.toContain(REDIS_PASSWORD);
  });

  it("with Redis killed and restarted empty mid-run, no request is lost and the limit still holds", async () => {
    // The devices stay (no reset): the counts here are differences; the peak is over both runs.
    const at = accounting().rate;
    const started = Date.now();
    // Three refreshes of every device by every process (reads arriving together share a devices/get
    // page), then every device deleted.
    const run = Promise.all(
      processes.map(async ({ host }, p) => {
        for (let round = 0; round < 3; round++) {
          await Promise.all(devices[p]!.map((d) => host.read(d.urn, d.id, d.properties, d.inputs).then((r) => expect(r.id).toBe(d.id))));
        }
        await Promise.all(devices[p]!.map((d) => host.delete(d.urn, d.id, d.properties)));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const before = accounting().rate.admitted - at.admitted;
    await redis!.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const duringOutage = accounting().rate.admitted - at.admitted - before;
    await redis!.restart();
    await run;
    const ms = Date.now() - started;
    const { rate } = accounting();
    console.log(
      `hikconnect, ${PROCESSES} provider processes, 36 reads + 12 deletes, Redis killed after 3 s and restarted empty 1 s later: ${ms} ms, ` +
        `${rate.admitted - at.admitted} admitted (${before} before the kill, ${duringOutage} during the outage), ${rate.rejected - at.rejected} refused, ` +
        `peak ${rate.peakArrivalsInWindow} arrivals in a window (over this and the previous run)`,
    );
    expect(fixture.emulator().devices.list()).toEqual([]);
    expect(rate.rejected).toBe(at.rejected);
    expect(rate.peakArrivalsInWindow).toBeLessThanOrEqual(4);
    // Nothing lost: every read answered its device (above), every delete reached Hik-Connect.
    expect(rate.admitted - at.admitted).toBeGreaterThanOrEqual(PROCESSES * DEVICES_PER_PROCESS);
    expect(before).toBeGreaterThan(0);
  });
});
