import { beforeAll, describe, expect, it } from "vitest";
import { seedHikConnect } from "../../sandbox/hikconnect";
import { useHostFixture } from "../harness/host-fixture";
import { MiniEngine, type ResourceDescriptor } from "../harness/mini-engine";
import { UNKNOWN, type PropertyMap, type ProviderHost } from "../harness/provider-host";
import { PHYSICAL } from "../fixtures/hikconnect-devices";

/**
 * HikArea through the packed package and Pulumi's real dynamic-provider host, driven with the
 * engine's RPC sequences, against the Hik-Connect emulator (which counts requests itself).
 */
const SECRET_KEY = "test-only-host-hik-area-sk";
const AREA = "pulumi-nodejs:dynamic/hikconnect:Area";
const SECRET_CONFIG = ["hikconnect:secretKey", "hikconnect-example:verifyCode"];
const fixture = useHostFixture({
  vendor: "hikconnect",
  sandbox: { hikconnect: { secretKey: SECRET_KEY, emulator: { physicalDevices: PHYSICAL, rateLimit: { limit: 100 } } } },
  secretKeys: SECRET_CONFIG,
  extraConfig: { "hikconnect:requestsPerSecond": "100", "hikconnect-example:serialNo": "Q00000001", "hikconnect-example:verifyCode": "TESTAA" },
});
const { emulator, vendorCalls, clearVendorLog, startHost } = fixture;
let host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
let provider: unknown;
beforeAll(async () => {
  ({ host, engine, config } = fixture);
  provider = (await fixture.program()).find((r) => r.type === AREA)!.inputs["__provider"];
});
const WRITES = ["areas/add", "areas/resources/add", "areas/resources/delete", "devices/add", "devices/update", "devices/delete"];
const writes = () => vendorCalls().filter((r) => r !== null && WRITES.includes(r));
const newEngine = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
function area(inputs: Record<string, unknown>, name = "site"): ResourceDescriptor[] {
  return [{ type: AREA, name, inputs: { ...inputs, __provider: provider } }];
}
const SITE = { name: "C-000042 Lenina 42" };

describe("HikArea through the provider host", () => {
  let id: string;

  it("previews a new area with Check only and no vendor call, unknown values included", async () => {
    clearVendorLog();
    const steps = await engine.preview(area({ name: UNKNOWN, parentAreaId: UNKNOWN }));
    expect(steps.map((s) => s.op)).toEqual(["create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("fails check for a long name and an unknown onDestroy, naming both, without a call", async () => {
    clearVendorLog();
    const [step] = await engine.preview(area({ name: "n".repeat(65), onDestroy: "delete" }));
    expect(step).toMatchObject({ op: "check-failed", failures: [{ property: "name", reason: "must be at most 64 characters" }, { property: "onDestroy", reason: 'must be "fail" or "retain"' }] });
    expect(vendorCalls()).toEqual([]);
  });

  it("creates it: look-up under the parent, areas/add, read-back; the id is the areaID", async () => {
    clearVendorLog();
    const [step] = await engine.up(area(SITE));
    id = step!.id!;
    expect(emulator().devices.area(id)).toEqual({ id, name: SITE.name, parentId: "-1" });
    expect(vendorCalls()).toEqual(["token/get", "areas/get", "areas/add", "areadetail/get"]);
    expect(Object.values(engine.state())[0]!.outputs).toMatchObject({ name: SITE.name, parentAreaId: "-1", onDestroy: "fail", areaId: id, areaPath: SITE.name });
    expect(engine.stateJson()).not.toContain(SECRET_KEY);
  });

  it("refreshes with one areas/get and no change; the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect(await engine.refresh()).toMatchObject([{ op: "refresh", changed: false }]);
    expect(vendorCalls()).toEqual(["areas/get"]);
    clearVendorLog();
    expect((await engine.preview(area(SITE))).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.up(area(SITE))).map((s) => s.op)).toEqual(["same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("refuses destroy while onDestroy is \"fail\", saying how to remove the area in the portal; the area stays in the stack", async () => {
    const [step] = await engine.destroy();
    expect(step!.error).toMatch(new RegExp(`cannot delete areas, and this one is set to onDestroy: "fail"\\. Area "${SITE.name}" \\(id ${id}\\) is still in Hik-Connect\\. Either delete it in the Hik-Connect for Teams portal`));
    expect(Object.keys(engine.state())).toHaveLength(1);
  });

  it("shows a rename made in the portal on refresh; the next plan replaces (the API cannot rename)", async () => {
    const e = newEngine();
    const [made] = await e.up(area({ name: "Drifting", onDestroy: "retain" }, "drifting"));
    emulator().devices.renameArea(made!.id!, "Renamed in portal");
    expect(await e.refresh()).toMatchObject([{ op: "refresh", changed: true }]);
    expect(Object.values(e.state())[0]!.inputs).toMatchObject({ name: "Renamed in portal" });
    const [plan] = await e.preview(area({ name: "Drifting", onDestroy: "retain" }, "drifting"));
    expect(plan).toMatchObject({ op: "replace", replaceOrder: "create-before-delete", diff: { replaces: ["name"] } });
  });

  it("updates onDestroy in place with no call; then a rename replaces it, retaining the old area; destroy retains too", async () => {
    clearVendorLog();
    expect(await engine.up(area({ ...SITE, onDestroy: "retain" }))).toMatchObject([{ op: "update", id }]);
    expect(vendorCalls()).toEqual([]);
    const steps = await engine.up(area({ name: "C-000042 Lenina 42 (new)", onDestroy: "retain" }));
    expect(steps.map((s) => s.op)).toEqual(["replace", "delete"]);
    const renamed = steps[0]!.id!;
    expect(emulator().devices.area(id)).toMatchObject({ name: SITE.name }); // the old one, retained
    expect(emulator().devices.area(renamed)).toMatchObject({ name: "C-000042 Lenina 42 (new)" });
    clearVendorLog();
    expect(await engine.destroy()).toMatchObject([{ op: "delete", id: renamed }]);
    expect(vendorCalls()).toEqual([]);
    expect(emulator().devices.area(renamed)).toBeDefined();
    expect(await engine.destroy()).toEqual([]);
  });

  it("destroys an area with onDestroy \"fail\" once it was deleted in the portal (gone counts as deleted)", async () => {
    const e = newEngine();
    const [made] = await e.up(area({ name: "Short-lived" }));
    emulator().devices.deleteArea(made!.id!);
    expect(await e.destroy()).toMatchObject([{ op: "delete", id: made!.id }]);
    expect(e.state()).toEqual({});
  });

  it("never duplicates an area whose create answer was lost, and keeps one whose read-back failed, finishing it on the next up", async () => {
    const lost = newEngine();
    emulator().faults.set("areas/add", { drop: "after", times: 1 });
    const [made] = await lost.up(area({ name: "Lost answer", onDestroy: "retain" }));
    expect(emulator().devices.areas().filter((a) => a.name === "Lost answer").map((a) => a.id)).toEqual([made!.id]);

    const partial = newEngine();
    emulator().faults.set("areadetail/get", { status: 500, body: "down" }); // retried, and down every time
    const [failed] = await partial.up(area({ name: "Half made", onDestroy: "retain" }));
    emulator().faults.clear();
    const halfMade = emulator().devices.areas().find((a) => a.name === "Half made")!;
    expect(failed).toMatchObject({ op: "create", id: halfMade.id, initFailed: { id: halfMade.id } });
    expect(await partial.up(area({ name: "Half made", onDestroy: "retain" }))).toMatchObject([{ op: "update", id: halfMade.id }]);
    expect(Object.values(partial.state())[0]!.outputs).toMatchObject({ areaPath: "Half made" });
    expect(emulator().devices.areas().filter((a) => a.name === "Half made")).toHaveLength(1);
  });

  it("imports by id: a match writes nothing, a mismatch lists every difference, an unknown id is named", async () => {
    const existing = emulator().devices.addArea("Made in the portal");
    const e = newEngine();
    const mismatch = await e.preview(area({ name: "Another name", parentAreaId: existing, __import: existing }));
    expect(mismatch[0]!.failures!.map((f) => f.property)).toEqual(["name", "parentAreaId"]);
    const missing = await e.preview(area({ name: "x", __import: "0".repeat(32) }));
    expect(missing[0]!.failures![0]!.reason).toMatch(/^Hik-Connect has no area with id "0{32}"/);
    clearVendorLog();
    expect(await e.up(area({ name: "Made in the portal", onDestroy: "retain", __import: existing }))).toMatchObject([{ op: "create", id: existing }]);
    expect(writes()).toEqual([]);
  });

  it("adopts by parent and name: absent → created, present → adopted, ambiguous → refused; neighbours untouched", async () => {
    const seeded = seedHikConnect(emulator(), { subscribers: 30, firstContract: 100 });
    const before = JSON.stringify(emulator().devices.areas());
    const adopt = newEngine();
    expect(await adopt.up(area({ name: seeded[3]!.area.name, onDestroy: "retain", __adopt: true }))).toMatchObject([{ op: "create", id: seeded[3]!.area.id }]);
    expect(JSON.stringify(emulator().devices.areas())).toBe(before);
    const create = newEngine();
    const [made] = await create.up(area({ name: `${seeded[3]!.area.name} annex`, onDestroy: "retain", __adopt: true }));
    expect(seeded.some((s) => s.area.id === made!.id)).toBe(false);
    const twin = { id: "e".repeat(32), name: seeded[4]!.area.name, parentAreaID: "-1", existSubArea: 0 };
    emulator().faults.set("areas/get", {
      status: 200,
      body: { errorCode: "0", data: { totalCount: 2, pageIndex: 1, pageSize: 500, area: [{ ...twin, id: seeded[4]!.area.id }, twin] } },
      times: 1,
    });
    const [refused] = await newEngine().up(area({ name: seeded[4]!.area.name, __adopt: true }));
    expect(refused!.error).toMatch(/has 2 areas with parentAreaId "-1", name "C-000104 [^"]+" .* so adoptExisting cannot tell which is meant; nothing was changed/);
  });

  it("refreshes 600 areas read 64 at a time with 2 areas/get calls", async () => {
    emulator().reset();
    const areas = seedHikConnect(emulator(), { subscribers: 600 }).flatMap((s) => [s.area, ...s.subAreas]).slice(0, 700);
    const reader = await startHost();
    await reader.configure(config, { secretKeys: SECRET_CONFIG });
    clearVendorLog();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < areas.length) {
          const a = areas[next++]!;
          const outputs = { name: a.name, parentAreaId: a.parentId, onDestroy: "retain", areaId: a.id, __provider: provider } as PropertyMap;
          ids.push((await reader.read(engine.urnOf(AREA, a.id), a.id, outputs, {})).id);
        }
      }),
    );
    expect(ids.sort()).toEqual(areas.map((a) => a.id).sort());
    // The floor is 2 pages; a machine busy enough to pause the reads for 10 s costs one more page.
    const calls = vendorCalls().filter((r) => r !== "token/get");
    expect(new Set(calls)).toEqual(new Set(["areas/get"]));
    expect(calls.length).toBeLessThanOrEqual(3);
  });
});
