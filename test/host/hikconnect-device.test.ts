import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { configRecord, HIKCONNECT } from "../engine/example-lifecycles";
import { useHostFixture, withInputs } from "../harness/host-fixture";
import { MiniEngine, stripSecrets } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type PropertyMap, type ProviderHost } from "../harness/provider-host";
import { seedHikConnect } from "../../sandbox/hikconnect";
import { camera, PHYSICAL } from "../fixtures/hikconnect-devices";

/**
 * HikDevice through the packed package and Pulumi's real dynamic-provider host, driven with the
 * engine's own RPC sequences, against the Hik-Connect emulator (an independent server written from
 * the vendor guide, which counts requests and tokens itself).
 */
const SECRET_KEY = "test-only-host-hik-sk";
const DEVICE_PW = "test-pw-host"; // ≤ 16 characters, the API's limit
const TYPE = "pulumi-nodejs:dynamic/hikconnect:Device";
const SECRET_CONFIG = ["hikconnect:secretKey", "hikconnect-example:verifyCode", "hikconnect-example:devicePassword"];
// Most tests here are not about the limit: emulator and provider at 100/s. The 12-device test
// switches both back to the guide's 5/s (the provider's default of 4).
const fixture = useHostFixture({
  vendor: "hikconnect",
  sandbox: { hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL, rateLimit: { limit: 100 } } } },
  secretKeys: SECRET_CONFIG,
  extraConfig: {
    "hikconnect:requestsPerSecond": "100",
    "hikconnect-example:serialNo": "Q00000001",
    "hikconnect-example:verifyCode": "TESTAA",
    "hikconnect-example:devicePassword": DEVICE_PW,
  },
});
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
/** The example's device (its area and camera have their own host tests). */
const program = async (extra?: Record<string, string>) => (await fixture.program(extra)).filter((r) => r.type === TYPE);
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});

describe("HikDevice through the provider host", () => {
  let registrations: Registration[];
  let firstId: string;

  it("serializes a small provider with no credentials, endpoints or implementation code", async () => {
    registrations = await program();
    expect(registrations.map((r) => r.type)).toEqual([TYPE]);
    const [cam] = registrations;
    expect(cam!.secretInputKeys).toEqual(expect.arrayContaining(["verifyCode", "password"]));
    expect(cam!.providerSize).toBeLessThan(4096);
    for (const leak of [SECRET_KEY, "TESTAA", DEVICE_PW, sandbox.hikconnect.appKey, sandbox.hikconnect.url, "127.0.0.1", "hccgw", "undici", "zod"]) {
      expect(cam!.provider).not.toContain(leak);
    }
  });

  it("previews a new device with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine.preview(withInputs(registrations, { name: UNKNOWN, verifyCode: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates the device: token, add on the area server, read-back; the id is the deviceId; secrets stay secret", async () => {
    clearVendorLog();
    const steps = await engine.up(registrations);
    const device = emulator().devices.bySerial("Q00000001")!;
    expect(steps).toMatchObject([{ op: "create", id: device.id }]);
    firstId = device.id;
    const [state] = Object.values(engine.state());
    expect(state!.outputs).toMatchObject({
      serialNo: "Q00000001",
      name: "Front door",
      category: "encodingDevice",
      timeZoneId: "26",
      deviceId: device.id,
      model: "DS-2CD2143G2-I",
      firmwareVersion: "V5.7.3 build 220112",
      online: true,
      cameraChannels: [{ id: device.cameraChannels[0]!.id, name: "Camera 01", no: 1, online: true }],
    });
    expect(state!.secretInputKeys).toEqual(expect.arrayContaining(["verifyCode", "password"]));
    expect(state!.secretOutputKeys).toEqual(expect.arrayContaining(["verifyCode", "password"]));
    const exported = engine.stateJson();
    for (const secret of ["TESTAA", DEVICE_PW, SECRET_KEY]) expect(exported).not.toContain(secret);
    expect(emulator().log.entries().map((e) => [e.route, e.listener])).toEqual([
      ["token/get", undefined],
      ["devices/add", "area"],
      ["devicedetail/get", "area"],
    ]);
  });

  it("refreshes with one devices/get and no change; the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(["devices/get"]);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("renames in place with devices/update carrying only the id and the name", async () => {
    registrations = await program(configRecord(HIKCONNECT.inPlace.config));
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["update"]);
    expect(vendorCalls()).toEqual([]);
    expect(await engine.up(registrations)).toMatchObject([{ op: "update", id: firstId }]);
    expect(vendorCalls()).toEqual(["devices/update", "devicedetail/get"]);
    expect(emulator().log.entries("devices/update")[0]!.params).toEqual({ deviceInfo: { id: firstId, name: "Back door" } });
    expect(emulator().devices.get(firstId)!.name).toBe("Back door");
  });

  it("fails check for a missing serial, an over-long code or password and an unknown category, without vendor calls", async () => {
    clearVendorLog();
    const { serialNo: _s, ...noSerial } = registrations[0]!.inputs;
    const bad = [{ ...registrations[0]!, inputs: { ...noSerial, verifyCode: "v".repeat(31), password: "p".repeat(17), category: "camera" } }];
    const [step] = await engine.preview(bad);
    expect(step!.op).toBe("check-failed");
    expect(step!.failures).toEqual([
      { property: "serialNo", reason: "is required" },
      { property: "verifyCode", reason: "must be at most 30 characters" },
      { property: "category", reason: "must be one of: encodingDevice, alarmDevice, mobileDevice, accessControllerDevice, videoIntercomDevice" },
      { property: "password", reason: "must be at most 16 characters" },
    ]);
    const [rename] = await engine.preview(withInputs(registrations, { name: "A name longer than thirty-two characters" }));
    expect(rename!.failures?.[0]).toMatchObject({ property: "name", reason: expect.stringMatching(/at most 32 \(the limit of Hik-Connect's devices\/update/) });
    expect(vendorCalls()).toEqual([]);
  });

  it("replaces on a new verification code, deleting the old device first", async () => {
    emulator().devices.registerPhysical({ ...PHYSICAL[0]!, verifyCode: "TESTA2" }); // the device was reset with a new code
    registrations = await program({ ...configRecord(HIKCONNECT.inPlace.config), "hikconnect-example:verifyCode": "TESTA2" });
    clearVendorLog();
    const [plan] = await engine.preview(registrations);
    expect(plan).toMatchObject({ op: "replace", replaceOrder: "delete-before-create", diff: { replaces: ["verifyCode"] } });
    expect(vendorCalls()).toEqual([]);
    const steps = await engine.up(registrations);
    expect(steps.map((s) => [s.op, s.replacedId])).toEqual([
      ["delete", firstId],
      ["replace", undefined],
    ]);
    const now = emulator().devices.bySerial("Q00000001")!;
    expect(now.id).not.toBe(firstId);
    expect(steps[1]!.id).toBe(now.id);
    expect(vendorCalls()).toEqual(["devices/delete", "devices/add", "devicedetail/get"]);
    expect(engine.stateJson()).not.toContain("TESTA2");
  });

  it("used one token for every operation so far, and renews exactly once after the platform revokes it", async () => {
    // The provider host asked once; each run of the program (its time zone look-up) asked too and
    // got the same token, still valid.
    const { tokenRequests } = emulator().accountingSnapshot();
    expect(emulator().accountingSnapshot()).toMatchObject({ tokensIssued: 1, rate: { rejected: 0 } });
    emulator().revokeTokens("OPEN000007");
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(["devices/get", "token/get", "devices/get"]);
    expect(emulator().accountingSnapshot()).toMatchObject({ tokenRequests: tokenRequests + 1, tokensIssued: 2 });
  });

  it("deletes; deleting again and refreshing a deleted device both succeed, the latter as gone", async () => {
    const [state] = Object.values(engine.state());
    const outputs = { ...state!.outputs };
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: state!.id }]);
    expect(emulator().devices.list()).toEqual([]);
    expect(vendorCalls()).toEqual(["devices/delete"]);
    const urn = engine.urnOf(TYPE, "front-door");
    // Already gone: the platform answers VMS021307, and the device is not there under this id.
    await expect(host.delete(urn, state!.id, outputs)).resolves.toBeUndefined();
    expect((await host.read(urn, state!.id, outputs, {})).id).toBe("");
  });

  it("destroys a device whose delete was applied but answered too late (the retry's VMS021307 is success)", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    await fresh.up(registrations);
    emulator().faults.set("devices/delete", { drop: "after", times: 1 });
    clearVendorLog();
    expect(await fresh.destroy()).toMatchObject([{ op: "delete" }]);
    expect(vendorCalls()).toEqual(["devices/delete", "devices/delete", "devicedetail/get"]);
    expect(fresh.state()).toEqual({});
    expect(await fresh.destroy()).toEqual([]);
  });

  it("never duplicates a device whose create answer was lost, and keeps one whose read-back failed, finishing it on the next up", async () => {
    const lost = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    emulator().faults.set("devices/add", { drop: "after", times: 1 });
    const [made] = await lost.up(registrations);
    expect(made).toMatchObject({ op: "create", id: emulator().devices.bySerial("Q00000001")!.id });
    expect(emulator().devices.list()).toHaveLength(1);
    await lost.destroy();

    const partial = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    emulator().faults.set("devicedetail/get", { status: 500, body: "down" });
    const [failed] = await partial.up(registrations);
    emulator().faults.clear();
    const device = emulator().devices.bySerial("Q00000001")!;
    expect(failed).toMatchObject({ op: "create", id: device.id, initFailed: { id: device.id } });
    expect(Object.values(partial.state())[0]).toMatchObject({ id: device.id, initErrors: [expect.stringMatching(/devicedetail\/get failed: HTTP 500/)] });
    const [finished] = await partial.up(registrations);
    expect(finished).toMatchObject({ op: "update", id: device.id });
    expect(Object.values(partial.state())[0]!.outputs).toMatchObject({ model: "DS-2CD2143G2-I", cameraChannels: [{ id: device.cameraChannels[0]!.id }] });
    expect(emulator().devices.list()).toHaveLength(1);
    await partial.destroy();
  });

  it("imports by id: a match writes nothing, a mismatch lists every difference at preview, an unknown id is named", async () => {
    const setup = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const [made] = await setup.up(registrations);
    const id = made!.id!;
    const importing = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    clearVendorLog();
    const mismatch = await importing.preview(withInputs(registrations, { __import: id, name: "Other", timeZoneId: "19" }));
    expect(mismatch[0]!.op).toBe("check-failed");
    expect(mismatch[0]!.failures!.map((f) => f.property)).toEqual(["name", "timeZoneId"]);
    expect(mismatch[0]!.failures![0]!.reason).toMatch(/name: declared "Other", Hik-Connect has "Back door"/);
    const missing = await importing.preview(withInputs(registrations, { __import: "0".repeat(32) }));
    expect(missing[0]!.failures).toEqual([{ property: "__import", reason: `Hik-Connect has no device with id "${"0".repeat(32)}" (it does not exist, or is another kind of object): check the id` }]);
    const [imported] = await importing.up(withInputs(registrations, { __import: id }));
    expect(imported).toMatchObject({ op: "create", id });
    expect(vendorCalls().filter((r) => ["devices/add", "devices/update", "devices/delete"].includes(r!))).toEqual([]);
    expect(Object.values(importing.state())[0]!.outputs).toMatchObject({ deviceId: id, cameraChannels: [{ id: emulator().devices.get(id)!.cameraChannels[0]!.id }], verifyCode: "TESTA2" });
    await setup.destroy();
  });

  it("adopts by serial with adoptExisting: creates a device that is not there, adopts one that is, applying the name", async () => {
    const adopting = withInputs(registrations, { __adopt: true });
    const first = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    expect(await first.up(adopting)).toMatchObject([{ op: "create" }]);
    const id = emulator().devices.bySerial("Q00000001")!.id;
    emulator().devices.patch(id, { name: "Renamed in portal" });
    const second = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    clearVendorLog();
    expect(await second.up(adopting)).toMatchObject([{ op: "create", id }]);
    expect(vendorCalls().filter((r) => r !== "token/get")).toEqual(["devicedetail/get", "devices/get", "devicedetail/get", "devices/update", "devicedetail/get"]);
    expect(emulator().devices.get(id)!.name).toBe("Back door");
    expect(emulator().devices.list()).toHaveLength(1);
    await second.destroy();
  });

  it("reports a device deleted outside Pulumi, or re-added under another id, as gone", async () => {
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const [created] = await fresh.up(registrations);
    emulator().devices.delete(created!.id!);
    expect(await fresh.refresh()).toMatchObject([{ op: "gone" }]);
    const [again] = await fresh.up(registrations);
    const outputs = Object.values(fresh.state())[0]!.outputs;
    emulator().devices.delete(again!.id!);
    const other = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    await other.up(registrations); // the same camera, added again: a new id
    expect((await host.read(engine.urnOf(TYPE, "front-door"), again!.id!, outputs, {})).id).toBe("");
    await other.destroy();
  });

  it("fails a create with a wrong verification code, naming the serial and EVZ20010, and keeps nothing", async () => {
    const wrong = await program({ "hikconnect-example:verifyCode": "WRONG9" });
    const fresh = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const [step] = await fresh.up(wrong);
    expect(step!.error).toMatch(/could not add device Q00000001 \(EVZ20010\): the verification code is wrong/);
    expect(step!.error).not.toContain("WRONG9");
    expect(fresh.state()).toEqual({});
    expect(emulator().devices.list()).toEqual([]);
  });

  it("fails clearly on a wrong appKey, without the secret key anywhere", async () => {
    const other = await startHost();
    const bad = new MiniEngine(other, { config: { ...config, "hikconnect:appKey": "test-only-wrong-ak" }, secretConfigKeys: SECRET_CONFIG });
    const [step] = await bad.up(registrations);
    expect(step!.op).toBe("create");
    expect(step!.error).toMatch(/Hik-Connect refused the API credentials: the AK does not exist \(OPEN000001/);
    expect(step!.error).toContain("hikconnect:appKey / HIKCONNECT_APP_KEY");
    for (const text of [step!.error!, other.stderr, other.stdout, bad.stateJson()]) expect(text).not.toContain(SECRET_KEY);
  });
});

describe("HikDevice refresh coalesced in the provider host", () => {
  it("refreshes 600 devices read 64 at a time with 2 devices/get calls, and leaves the neighbours alone", async () => {
    emulator().reset();
    const seeded = seedHikConnect(emulator(), { subscribers: 600 }).flatMap((s) => s.devices);
    const [template] = await program();
    const provider = template!.inputs["__provider"];
    const states = seeded.slice(0, 580).map((d) => ({
      urn: engine.urnOf(TYPE, d.serialNo),
      id: d.id,
      outputs: { serialNo: d.serialNo, verifyCode: d.verifyCode, name: d.name, category: d.category, timeZoneId: d.timeZoneId, applyTimeZoneToDevice: true, deviceId: d.id, model: d.model, firmwareVersion: d.firmwareVersion, online: true, cameraChannels: d.cameraChannels, __provider: provider },
    }));
    const reader = await startHost();
    await reader.configure(config, { secretKeys: SECRET_CONFIG });
    clearVendorLog();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < states.length) {
          const s = states[next++]!;
          ids.push((await reader.read(s.urn, s.id, s.outputs as PropertyMap, {})).id);
        }
      }),
    );
    expect(ids.sort()).toEqual(states.map((s) => s.id).sort());
    // The floor is 2 pages; a machine busy enough to pause the reads for 10 s costs one more page.
    const calls = vendorCalls().filter((r) => r !== "token/get");
    expect(new Set(calls)).toEqual(new Set(["devices/get"]));
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(emulator().devices.list()).toHaveLength(seeded.length);
  });
});

describe("HikDevice under load, through the provider host", () => {
  it("creates 12 devices concurrently in one process with one token and not a single request over the limit", async () => {
    const [template] = await program(); // its time zone look-up is not part of what is counted
    emulator().reset();
    emulator().setRateLimit({ limit: 5, windowMs: 1000 });
    const { "hikconnect:requestsPerSecond": _fast, ...guideRate } = config;
    const loaded = await startHost();
    await loaded.configure(guideRate, { secretKeys: SECRET_CONFIG });
    const provider = template!.inputs["__provider"];
    const cams = Array.from({ length: 12 }, (_, i) => ({ urn: new MiniEngine(loaded).urnOf(TYPE, `cam-${i + 1}`), inputs: { ...camera(i + 1), __provider: provider } }));
    const checked = await Promise.all(cams.map(async (c) => ({ ...c, checked: (await loaded.check(c.urn, {}, stripSecrets(c.inputs) as PropertyMap)).inputs })));
    const started = Date.now();
    const created = await Promise.all(checked.map((c) => loaded.create(c.urn, c.checked)));
    const elapsedMs = Date.now() - started;
    const accounting = emulator().accountingSnapshot();
    console.log(`hikconnect: 12 concurrent creates through the provider host took ${elapsedMs} ms; emulator counted ${JSON.stringify(accounting)}`);
    expect(new Set(created.map((c) => c.id)).size).toBe(12);
    expect(emulator().devices.list()).toHaveLength(12);
    expect(accounting).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
    expect(accounting.rate).toMatchObject({ admitted: 25, rejected: 0 });
    expect(accounting.rate.peakArrivalsInWindow).toBeLessThanOrEqual(5);
    // 25 requests at no more than 5 per second cannot take less than 4 seconds.
    expect(elapsedMs).toBeGreaterThan(4000);

    await Promise.all(created.map((c, i) => loaded.delete(checked[i]!.urn, c.id, c.properties)));
    expect(emulator().devices.list()).toEqual([]);
    expect(emulator().accountingSnapshot().rate.rejected).toBe(0);
  });
});
