import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { HikConnectClient } from "../../provider/hikconnect/client";
import { DEVICE_GONE_CODES } from "../../provider/hikconnect/codes";
import { hikDevice } from "../../provider/hikconnect/device";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { FRONT_DOOR, PHYSICAL } from "../fixtures/hikconnect-devices";

/** The resource's own methods (what the host calls), against the emulator, without the host. */
const SECRET_KEY = "test-only-hik-sk-client";
let sandbox: RunningSandbox;
let config: Record<string, string>;
const emulator = () => sandbox.hikconnect.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
/**
 * One provider process serves one pulumi command; a list read during one refresh answers that
 * refresh's reads for a few seconds. Tests that change the emulator behind the client's back
 * between two refreshes start the second one as a new process would: with no list in hand.
 */
const nextCommand = () => HikConnectClient.fromConfig().devices.invalidate();

beforeAll(async () => {
  sandbox = await startSandbox({
    // Not about the limit (hikconnect-concurrency.test.ts is): emulator and provider at 100/s.
    hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL, rateLimit: { limit: 100 } } },
  });
  config = {
    "hikconnect:url": sandbox.hikconnect.url,
    "hikconnect:appKey": sandbox.hikconnect.appKey,
    "hikconnect:secretKey": SECRET_KEY,
    "hikconnect:maxRetries": "2",
    "hikconnect:requestsPerSecond": "100",
  };
  setStackConfig({ get: (k) => config[k] });
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  // Devices, log and faults only: keeping the token spares every test a renewal.
  for (const device of emulator().devices.list()) emulator().devices.delete(device.id);
  emulator().log.clear();
  emulator().faults.clear();
  nextCommand();
});

async function checked(inputs: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const result = await hikDevice.check(olds, inputs);
  expect(result.failures).toEqual([]);
  return result.inputs;
}
async function create(inputs: Record<string, unknown> = FRONT_DOOR) {
  return hikDevice.create(await checked(inputs));
}

describe("hikDevice against the emulator", () => {
  it("adds the device on the area server and reads it back; the id is the platform's deviceId", async () => {
    const { id, outs } = await create();
    const device = emulator().devices.bySerial("Q00000001")!;
    expect(id).toBe(device.id);
    expect(outs).toMatchObject({
      ...FRONT_DOOR,
      category: "encodingDevice",
      applyTimeZoneToDevice: true,
      deviceId: id,
      model: "DS-2CD2143G2-I",
      firmwareVersion: "V5.7.3 build 220112",
      online: true,
      cameraChannels: [{ id: device.cameraChannels[0]!.id, name: "Camera 01", no: 1, online: true }],
    });
    expect(outs[DECLARED_KEY]).toEqual(["serialNo", "verifyCode", "name", "category", "userName", "password", "timeZoneId", "applyTimeZoneToDevice"]);
    expect(emulator().log.entries().map((e) => [e.route, e.listener])).toEqual([
      ["token/get", undefined],
      ["devices/add", "area"],
      ["devicedetail/get", "area"],
    ]);
    const [add] = emulator().log.entries("devices/add");
    expect(add!.params).toEqual({
      deviceCategory: "encodingDevice",
      deviceInfo: { name: "Front door", ezvizSerialNo: "Q00000001", ezvizVerifyCode: "***", userName: "admin", password: "***" },
      timeZone: { id: "26", applyToDevice: "1" },
    });
    expect(device).toMatchObject({ password: "test-only-pw1", timeZoneId: "26", applyTimeZoneToDevice: true });
  });

  it("imports into an area at creation, when asked", async () => {
    const areaId = emulator().devices.addArea("Lobby");
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB", importToArea: { enable: true, areaId } });
    expect(emulator().devices.bySerial("Q00000002")!.cameraChannels.map((c) => c.areaId)).toEqual([areaId, areaId, areaId, areaId]);
  });

  it("refreshes from one devices/get page, shows drift, and reports gone a device deleted or re-added under another id", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    emulator().devices.patch(id, { name: "Renamed in portal", timeZoneId: "19" });
    const read = await hikDevice.read(id, outs);
    expect(read.inputs).toMatchObject({ name: "Renamed in portal", timeZoneId: "19", password: "test-only-pw1", verifyCode: "TESTAA" });
    expect(read.props).toMatchObject({ cameraChannels: outs["cameraChannels"] });
    // Name, category, time zone, model, firmware and online state are all on the list.
    expect(routes()).toEqual(["devices/get"]);
    emulator().devices.delete(id);
    nextCommand();
    emulator().log.clear();
    expect(await hikDevice.read(id, outs)).toEqual({});
    // Missing from the list: confirmed by serial before it is called gone.
    expect(routes()).toEqual(["devices/get", "devicedetail/get"]);
    const again = await create();
    expect(again.id).not.toBe(id);
    expect(await hikDevice.read(id, outs)).toEqual({});
  });

  it("reads the channels again (devicedetail/get) only for a device whose online state, model or firmware changed", async () => {
    const { id, outs } = await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    emulator().devices.setOnline("Q00000002", false);
    try {
      emulator().log.clear();
      const read = await hikDevice.read(id, outs);
      expect(read.props).toMatchObject({ online: false, cameraChannels: [{ online: false }, { online: false }, { online: false }, { online: false }] });
      expect(routes()).toEqual(["devices/get", "devicedetail/get"]);
      nextCommand();
      emulator().log.clear();
      expect((await hikDevice.read(id, read.props!)).props).toEqual(read.props);
      expect(routes()).toEqual(["devices/get"]);
    } finally {
      emulator().devices.setOnline("Q00000002", true);
    }
  });

  it("with hikconnect:refreshChannels always, reads every device's channels", async () => {
    const { id, outs } = await create();
    setStackConfig({ get: (k) => ({ ...config, "hikconnect:refreshChannels": "always" })[k] });
    try {
      const ch = emulator().devices.get(id)!.cameraChannels[0]!;
      emulator().devices.patchChannel(ch.id, { name: "Renamed on the device" });
      emulator().log.clear();
      expect((await hikDevice.read(id, outs)).props).toMatchObject({ cameraChannels: [{ id: ch.id, name: "Renamed on the device" }] });
      expect(routes()).toEqual(["devices/get", "devicedetail/get"]);
    } finally {
      setStackConfig({ get: (k) => config[k] });
    }
  });

  it("updates in place with devices/update: the name always, the rest only when changed", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    const renamed = { ...FRONT_DOOR, name: "Back door" };
    expect(await hikDevice.diff(id, outs, await checked(renamed, FRONT_DOOR))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await hikDevice.update(id, outs, await checked(renamed, FRONT_DOOR));
    expect(emulator().log.entries("devices/update")[0]!.params).toEqual({ deviceInfo: { id, name: "Back door" } });
    expect(after).toMatchObject({ name: "Back door", deviceId: id });
    expect(routes()).toEqual(["devices/update", "devicedetail/get"]);

    emulator().log.clear();
    const moved = { ...renamed, password: "test-only-pw2", timeZoneId: "19", applyTimeZoneToDevice: false };
    await hikDevice.update(id, after, await checked(moved, renamed));
    expect(emulator().log.entries("devices/update")[0]!.params).toEqual({
      deviceInfo: { id, name: "Back door", password: "***" },
      timeZone: { id: "19", applyToDevice: "0" },
    });
    expect(emulator().devices.get(id)).toMatchObject({ password: "test-only-pw2", timeZoneId: "19", applyTimeZoneToDevice: false });
  });

  it("replaces (delete first) on a new verification code or category; ignores later streamSecretKey/importToArea changes", async () => {
    const { id, outs } = await create();
    const news = await checked({ ...FRONT_DOOR, verifyCode: "NEWCODE" }, FRONT_DOOR);
    expect(await hikDevice.diff(id, outs, news)).toEqual({ changes: true, replaces: ["verifyCode"], deleteBeforeReplace: true });
    expect((await hikDevice.diff(id, outs, await checked({ ...FRONT_DOOR, category: "alarmDevice" }))).replaces).toEqual(["category"]);
    const later = await checked({ ...FRONT_DOOR, streamSecretKey: "test-stream", importToArea: { enable: true } }, FRONT_DOOR);
    expect(await hikDevice.diff(id, outs, later)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("deletes; deleting a device that is already gone (VMS021307) succeeds after making sure", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    await hikDevice.delete(id, outs);
    expect(emulator().devices.list()).toEqual([]);
    expect(emulator().log.entries("devices/delete")[0]!.params).toEqual({ deviceID: [id], deviceCategory: "encodingDevice" });
    expect(routes()).toEqual(["devices/delete"]);
    await expect(hikDevice.delete(id, outs)).resolves.toBeUndefined();
    // The second delete answers VMS021307; the device is looked up by serial (VMS021307 again) to be sure.
    expect(routes()).toEqual(["devices/delete", "devices/delete", "devicedetail/get"]);
  });

  it("keeps a device whose delete is refused while it is still there (a wrong category), naming the code", async () => {
    const { id, outs } = await create();
    await expect(hikDevice.delete(id, { ...outs, category: "alarmDevice" })).rejects.toThrow(/devices\/delete failed: Incorrect device type\. \(VMS021309\)/);
    expect(emulator().devices.get(id)).toBeDefined();
  });
});

describe("hikDevice: the bugs of issue 13", () => {
  it("destroys a device whose delete was applied but answered too late: the retry's VMS021307 is success", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    emulator().faults.set("devices/delete", { drop: "after", times: 1 });
    await expect(hikDevice.delete(id, outs)).resolves.toBeUndefined();
    expect(emulator().devices.list()).toEqual([]);
    expect(routes()).toEqual(["devices/delete", "devices/delete", "devicedetail/get"]);
  });

  it.each(DEVICE_GONE_CODES)("reads a device removed outside Pulumi as gone and deletes it as done when the platform says %s", async (code) => {
    const { id, outs } = await create();
    emulator().devices.delete(id);
    const gone = { status: 200, body: { errorCode: code, message: "Device does not exist." } };
    emulator().faults.set("devicedetail/get", gone);
    nextCommand();
    expect(await hikDevice.read(id, outs)).toEqual({});
    emulator().faults.set("devices/delete", { ...gone, times: 1 });
    await expect(hikDevice.delete(id, outs)).resolves.toBeUndefined();
  });

  it("looks the device up after a lost add on any attempt: a refused first add and a late-answered second one make one device, in the state", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" }); // token in hand
    emulator().log.clear();
    emulator().faults.set("devicedetail/get", { latencyMs: 0 }); // keeps the "*" fault off the look-ups
    emulator().faults.set("*", { drop: "after", times: 1 }); // the second add: applied, answer lost
    emulator().faults.set("devices/add", { drop: "before", times: 1 }); // the first add: never applied
    const { id } = await create();
    expect(id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(emulator().log.entries().map((e) => [e.route, e.faults?.[0] ?? "ok"])).toEqual([
      ["devices/add", "drop-before"],
      ["devicedetail/get", "ok"], // not there: the first add never took effect, so it is sent again
      ["devices/add", "drop-after"],
      ["devicedetail/get", "ok"], // there: ours, kept in the state
      ["devicedetail/get", "ok"], // the read-back
    ]);
  });

  it("takes an EVZ20017 after any lost add of ours as our own device, even on a third attempt", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    emulator().log.clear();
    // Two look-ups that do not see the device yet (a lagging read), then the real answer.
    emulator().faults.set("devicedetail/get", { status: 200, body: { errorCode: "VMS021307", message: "The device does not exist." }, times: 2 });
    emulator().faults.set("*", { drop: "after", times: 1 });
    emulator().faults.set("devices/add", { drop: "before", times: 1 });
    const { id } = await create();
    expect(id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(emulator().devices.list()).toHaveLength(2);
    // add (never applied) → not found → add (applied, lost) → not found yet → add: EVZ20017 → found: ours.
    expect(routes()).toEqual(["devices/add", "devicedetail/get", "devices/add", "devicedetail/get", "devices/add", "devicedetail/get", "devicedetail/get"]);
  });

  it("ends pending when the look-up after a lost add fails too, and the next up takes the device without adding it again", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    emulator().faults.set("devices/add", { drop: "after", times: 1 });
    emulator().faults.set("devicedetail/get", { status: 500, body: "down" });
    const inputs = await checked(FRONT_DOOR);
    const error = await hikDevice.create(inputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceInitError);
    const pending = error as ResourceInitError;
    expect(pending.id).toMatch(/^pending:/);
    expect(pending.message).toMatch(/the next `pulumi up` \(or `pulumi refresh`\) finds the object by serialNo/);
    expect(pending.message).not.toContain("TESTAA");
    emulator().faults.clear();
    // The next `pulumi up`: the placeholder is replaced, and the create finds the device by serial.
    emulator().log.clear();
    expect((await hikDevice.diff(pending.id, pending.properties, inputs)).replaces).toEqual(["serialNo"]);
    const resolved = await hikDevice.create(inputs);
    expect(resolved.id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(routes()).not.toContain("devices/add");
    await hikDevice.delete(pending.id, pending.properties); // the engine deletes the placeholder: nothing to do
    expect(emulator().devices.bySerial("Q00000001")).toBeDefined();
  });

  it("ends pending, without adding again, when the lost add may still be running (a timeout) and the device is not there yet", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    setStackConfig({ get: (k) => ({ ...config, "hikconnect:timeoutSeconds": "1" })[k] });
    try {
      emulator().log.clear();
      emulator().faults.set("devices/add", { latencyMs: 2500, times: 1 });
      const error = await hikDevice.create(await checked(FRONT_DOOR)).catch((e: unknown) => e);
      expect((error as ResourceInitError).id).toMatch(/^pending:/);
      expect((error as Error).message).toMatch(/may still be running/);
      expect(emulator().devices.bySerial("Q00000001")).toBeUndefined(); // not yet
      for (let waited = 0; !emulator().devices.bySerial("Q00000001") && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      expect(emulator().devices.bySerial("Q00000001")).toBeDefined(); // it was, and the next refresh finds it
      expect(routes().filter((r) => r === "devices/add")).toHaveLength(1); // never sent twice
      const refreshed = await hikDevice.read((error as ResourceInitError).id, (error as ResourceInitError).properties);
      expect(refreshed.id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    } finally {
      setStackConfig({ get: (k) => config[k] });
    }
  });
});

describe("hikDevice: failed adds, lost answers, tokens", () => {
  it.each([
    ["Q00000001", "WRONG1", "EVZ20010", /the verification code is wrong/],
    ["Q00000003", "TESTCC", "EVZ20013", /belongs to another Hik-Connect or Hik-ProConnect account/],
    ["Q00000004", "TESTDD", "EVZ20007", /the device is offline/],
    ["Q99999999", "TESTZZ", "EVZ20002", /no device with this serial number is registered in this region/],
  ])("fails the create for %s/%s with %s named in plain words, and creates nothing", async (serialNo, verifyCode, code, words) => {
    const error = await create({ ...FRONT_DOOR, serialNo, verifyCode }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`could not add device ${serialNo} (${code})`);
    expect((error as Error).message).toMatch(words);
    expect((error as Error).message).not.toContain(verifyCode);
    expect(emulator().devices.list()).toEqual([]);
  });

  it("refuses a device already on the account (EVZ20017), naming its id and how to adopt it", async () => {
    const { id } = await create();
    emulator().log.clear();
    const error = (await create().catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `Hik-Connect already has device Q00000001 on this account (id ${id}, "Front door") (EVZ20017); refusing to add it twice. To manage it with this ` +
        `program, add the resource option \`{ adoptExisting: true }\` (or \`{ import: "${id}" }\`); otherwise change serialNo.`,
    );
    // No look-up before the add: the platform's refusal is definite.
    expect(routes()).toEqual(["devices/add", "devicedetail/get"]);
  });

  it("finds the device when the devices/add answer is lost, instead of adding it twice", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" }); // token in hand
    emulator().log.clear();
    emulator().faults.set("devices/add", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(routes()).toEqual(["devices/add", "devicedetail/get", "devicedetail/get"]);
  });

  it("adds again when the lost devices/add never took effect", async () => {
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    emulator().log.clear();
    emulator().faults.set("devices/add", { drop: "before", times: 1 });
    const { id } = await create();
    expect(id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(routes()).toEqual(["devices/add", "devicedetail/get", "devices/add", "devicedetail/get"]);
  });

  it("takes EVZ20017 on the repeat of a lost devices/add as its own add, not as someone else's device", async () => {
    // The lost add did take effect, but the look-up just after it does not show the device yet (a
    // lagging read, or the add still in progress on the platform): the repeat then answers "added
    // by yourself" — by this very create.
    await create({ ...FRONT_DOOR, serialNo: "Q00000002", verifyCode: "TESTBB" });
    emulator().log.clear();
    emulator().faults.set("devices/add", { drop: "after", times: 1 });
    emulator().faults.set("devicedetail/get", { status: 200, body: { errorCode: "OPEN000501", message: "Device does not exist." }, times: 1 });
    const { id } = await create();
    expect(id).toBe(emulator().devices.bySerial("Q00000001")!.id);
    expect(emulator().devices.list()).toHaveLength(2);
    expect(routes()).toEqual(["devices/add", "devicedetail/get", "devices/add", "devicedetail/get", "devicedetail/get"]);
  });

  it("backs off and retries a devices/add refused with 429", async () => {
    emulator().faults.set("devices/add", { status: 429, body: { message: "Too many requests" }, times: 1 });
    await create();
    // (After the emulator's reset the cached token is unknown, so one more add may be refused with OPEN000007 first.)
    const statuses = emulator().log.entries("devices/add").map((e) => e.status);
    expect([statuses[0], statuses.at(-1)]).toEqual([429, 200]);
    expect(emulator().devices.list()).toHaveLength(1);
  });

  it("reads a top-level EVZ answer the same way", async () => {
    emulator().faults.set("devices/add", { status: 200, body: { errorCode: "EVZ20010", message: "Incorrect device verification code." }, times: 1 });
    await expect(create()).rejects.toThrow(/could not add device Q00000001 \(EVZ20010\): the verification code is wrong/);
  });

  it("renews an expired token (OPEN000006) once and retries, for concurrent calls at once", async () => {
    const { id, outs } = await create();
    emulator().revokeTokens("OPEN000006"); // what an expired token answers
    emulator().log.clear();
    const before = emulator().accountingSnapshot();
    const reads = await Promise.all(Array.from({ length: 3 }, () => hikDevice.read(id, outs)));
    expect(reads.every((r) => r.id === id)).toBe(true);
    expect(emulator().accountingSnapshot().tokensIssued - before.tokensIssued).toBe(1);
    expect(routes().filter((r) => r === "token/get")).toHaveLength(1);
  });

  it("renews exactly once after the platform revokes the token, and keeps the secret key out of errors", async () => {
    const { id, outs } = await create();
    emulator().revokeTokens("OPEN000007");
    emulator().log.clear();
    const reads = await Promise.all(Array.from({ length: 4 }, () => hikDevice.read(id, outs)));
    expect(reads.every((r) => r.id === id)).toBe(true);
    expect(routes().filter((r) => r === "token/get")).toHaveLength(1);
    // Four reads together: one devices/get, refused with the dead token and repeated once.
    expect(routes().filter((r) => r === "devices/get")).toHaveLength(2);
  });
});

describe("hikDevice check", () => {
  it("names each bad field without calling Hik-Connect", async () => {
    const { serialNo: _s, ...noSerial } = FRONT_DOOR;
    const { failures } = await hikDevice.check({}, { ...noSerial, verifyCode: "v".repeat(31), password: "p".repeat(17), category: "camera" });
    expect(failures).toEqual([
      { property: "serialNo", reason: "is required" },
      { property: "verifyCode", reason: "must be at most 30 characters" },
      { property: "category", reason: "must be one of: encodingDevice, alarmDevice, mobileDevice, accessControllerDevice, videoIntercomDevice" },
      { property: "password", reason: "must be at most 16 characters" },
    ]);
    expect(routes()).toEqual([]);
  });

  it("accepts a 64-character name for a new device but explains the 32-character limit of a later change", async () => {
    const long = { ...FRONT_DOOR, name: "n".repeat(40) };
    expect((await hikDevice.check({}, long)).failures).toEqual([]);
    const olds = (await hikDevice.check({}, FRONT_DOOR)).inputs;
    const { failures } = await hikDevice.check(olds, long);
    expect(failures).toEqual([
      {
        property: "name",
        reason:
          "is 40 characters, but an existing device can only be renamed or changed with a name of at most 32 (the limit of Hik-Connect's devices/update; 64 applies only when the device is added): shorten it",
      },
    ]);
    // A replacement adds the device again, so 64 is fine; an unchanged long name with no other change is fine too.
    expect((await hikDevice.check(olds, { ...long, verifyCode: "OTHER1" })).failures).toEqual([]);
    const longOlds = (await hikDevice.check({}, long)).inputs;
    expect((await hikDevice.check(longOlds, long)).failures).toEqual([]);
    expect((await hikDevice.check(longOlds, { ...long, password: "test-only-pw9" })).failures).toHaveLength(1);
  });
});
