import { describe, expect, it } from "vitest";
import { HikConnectEmulator, seedHikConnect } from "../../sandbox/hikconnect";
import { addBody, APP_KEY, callArea, DEVICES, SECRET_KEY, session, useHikConnectEmulator } from "./hikconnect-call";

/** Areas and the cameras in them (5.2.2), and the seeding helper, against the guide's shapes. */
const hik = useHikConnectEmulator({ rateLimit: { limit: 1000 } });

async function area() {
  return session(hik.url);
}
type Data = Record<string, unknown>;
const data = (answer: { json?: { data?: unknown } }) => answer.json?.data as Data;

async function addedNvr(token: string, areaUrl: string) {
  await callArea(areaUrl, token, "devices/add", addBody("T00000002", "BBBBBB"));
  return hik.emulator.devices.bySerial("T00000002")!;
}

describe("areas/add, areas/get, areadetail/get", () => {
  it("adds areas at the top (-1) and below, answering areaID; areas/get lists children or everything below", async () => {
    const { token, area: a } = await area();
    const site = await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "Site A" });
    expect(site.json).toEqual({ errorCode: "0", data: { areaID: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const siteId = data(site)["areaID"] as string;
    const entrance = data(await callArea(a, token, "areas/add", { parentAreaID: siteId, areaName: "Entrance 1" }))["areaID"] as string;
    await callArea(a, token, "areas/add", { parentAreaID: entrance, areaName: "Lift" });

    const top = data(await callArea(a, token, "areas/get", { pageIndex: 1, pageSize: 10, filter: { parentAreaID: "-1", includeSubArea: "0" } }));
    expect(top).toEqual({
      totalCount: 1,
      pageIndex: 1,
      pageSize: 10,
      area: [{ id: siteId, name: "Site A", parentAreaID: "-1", existSubArea: 1, areaPath: "Site A" }],
    });
    const below = data(await callArea(a, token, "areas/get", { pageIndex: 1, pageSize: 10, filter: { parentAreaID: siteId, includeSubArea: "-1" } }));
    expect((below["area"] as Data[]).map((x) => x["name"])).toEqual(["Entrance 1", "Lift"]);
    // The guide's own example sends includeSubArea 1: read as "everything below".
    const all = data(await callArea(a, token, "areas/get", { pageIndex: "1", pageSize: "10", filter: { parentAreaID: "-1", includeSubArea: 1 } }));
    expect(all["totalCount"]).toBe(3);
    const page2 = data(await callArea(a, token, "areas/get", { pageIndex: 2, pageSize: 2 }));
    expect(page2).toMatchObject({ totalCount: 3, area: [{ name: "Lift", areaPath: "Site A->Entrance 1->Lift" }] });
    expect((await callArea(a, token, "areas/get", { pageIndex: 1, pageSize: 501 })).json?.errorCode).toBe("OPEN000025");
    expect((await callArea(a, token, "areas/get", { pageIndex: 1, pageSize: 0 })).json?.errorCode).toBe("OPEN000025");
  });

  it("refuses a taken name under the same parent with OPEN000510, allows it under another, and an unknown parent with OPEN000031", async () => {
    const { token, area: a } = await area();
    const s1 = data(await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "Site 1" }))["areaID"] as string;
    const s2 = data(await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "Site 2" }))["areaID"] as string;
    expect((await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "Site 1" })).json).toEqual({ errorCode: "OPEN000510", message: "Area already exists." });
    expect((await callArea(a, token, "areas/add", { parentAreaID: s1, areaName: "Entrance 1" })).json?.errorCode).toBe("0");
    expect((await callArea(a, token, "areas/add", { parentAreaID: s2, areaName: "Entrance 1" })).json?.errorCode).toBe("0");
    expect((await callArea(a, token, "areas/add", { parentAreaID: "f".repeat(32), areaName: "x" })).json).toEqual({ errorCode: "OPEN000031", message: "Area does not exist." });
    expect((await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "n".repeat(65) })).json?.errorCode).toBe("OPEN000010");
    expect(hik.emulator.devices.areas()).toHaveLength(4);
  });

  it.each(["VMS021102", "VMS021103", "CCF021103"] as const)("answers %s for a taken name when set to, and names may be unique platform-wide", async (code) => {
    const other = new HikConnectEmulator({ appKey: APP_KEY, secretKey: SECRET_KEY, physicalDevices: DEVICES, areaExistsCode: code, areaNameScope: "platform" });
    const url = await other.start();
    try {
      const { token, area: a } = await session(url);
      const s1 = data(await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "Hall" }))["areaID"] as string;
      expect((await callArea(a, token, "areas/add", { parentAreaID: s1, areaName: "Hall" })).json?.errorCode).toBe(code);
    } finally {
      await other.stop();
    }
  });

  it("reads areas by id; an unknown id is an item with VMS021101 inside a successful answer (the guide's example)", async () => {
    const { token, area: a } = await area();
    const id = data(await callArea(a, token, "areas/add", { parentAreaID: "-1", areaName: "10.18.67.249" }))["areaID"] as string;
    const answer = await callArea(a, token, "areadetail/get", { areaID: [id, "test"] });
    expect(answer.json).toEqual({
      errorCode: "0",
      data: {
        area: [
          { id, name: "10.18.67.249", parentAreaID: "-1", existSubArea: 0, areaPath: "10.18.67.249" },
          { id: "test", message: "Area is not exist([id=test]){VMS021101}", errorCode: "VMS021101" },
        ],
      },
    });
    expect((await callArea(a, token, "areadetail/get", {})).json?.errorCode).toBe("OPEN000028");
    expect((await callArea(a, token, "areadetail/get", { areaID: Array.from({ length: 501 }, (_, i) => `a${i}`) })).json?.errorCode).toBe("OPEN000024");
  });
});

describe("areas/resources/add, areas/resources/delete, areas/cameras/get", () => {
  it("imports channels into an area, each succeeding or failing inside a successful answer", async () => {
    const { token, area: a } = await area();
    const nvr = await addedNvr(token, a);
    const areaId = hik.emulator.devices.addArea("Lobby");
    const [c1, c2] = nvr.cameraChannels;
    const answer = await callArea(a, token, "areas/resources/add", {
      areaID: areaId,
      devChannel: [
        { resourceName: "Door", resourceType: "camera", channelID: c1!.id },
        { resourceName: "Again", resourceType: "camera", channelID: c1!.id },
        { resourceName: "Nope", resourceType: "camera", channelID: "0".repeat(32) },
        { resourceName: "D 201", resourceType: "alarmInput", channelID: c2!.id },
      ],
    });
    expect(answer.json?.errorCode).toBe("0");
    expect(data(answer)["resource"]).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: "Door", resourceType: "camera", channelID: c1!.id, errorCode: "0" },
      { id: "", name: "Again", resourceType: "camera", channelID: c1!.id, errorCode: "OPEN000511" },
      { id: "", name: "Nope", resourceType: "camera", channelID: "0".repeat(32), errorCode: "VMS000003" },
      { id: "", name: "D 201", resourceType: "alarmInput", channelID: c2!.id, errorCode: "VMS000003" },
    ]);
    // The channel now shows its area in devicedetail/get, as the guide's CameraChannel.area does.
    const detail = data(await callArea(a, token, "devicedetail/get", { deviceSerialNo: "T00000002" }))["device"] as { cameraChannel: Array<{ area: unknown }> };
    expect(detail.cameraChannel[0]!.area).toEqual({ id: areaId, name: "Lobby" });
    expect(detail.cameraChannel[1]!.area).toEqual({ id: "", name: "" });
    // A channel is in one area only: another area refuses it too.
    const other = hik.emulator.devices.addArea("Yard");
    const again = await callArea(a, token, "areas/resources/add", { areaID: other, devChannel: [{ resourceName: "Door", resourceType: "camera", channelID: c1!.id }] });
    expect((data(again)["resource"] as Data[])[0]!["errorCode"]).toBe("OPEN000511");
  });

  it("refuses the whole request for an unknown or empty area and for a malformed channel", async () => {
    const { token, area: a } = await area();
    const nvr = await addedNvr(token, a);
    const ch = { resourceName: "Door", resourceType: "camera", channelID: nvr.cameraChannels[0]!.id };
    expect((await callArea(a, token, "areas/resources/add", { areaID: "f".repeat(32), devChannel: [ch] })).json?.errorCode).toBe("OPEN000031");
    expect((await callArea(a, token, "areas/resources/add", { areaID: "", devChannel: [ch] })).json?.errorCode).toBe("OPEN000028");
    const areaId = hik.emulator.devices.addArea("Lobby");
    expect((await callArea(a, token, "areas/resources/add", { areaID: areaId, devChannel: [{ ...ch, resourceType: "door" }] })).json?.errorCode).toBe("OPEN000010");
    expect((await callArea(a, token, "areas/resources/add", { areaID: areaId, devChannel: [] })).json?.errorCode).toBe("OPEN000010");
    expect(hik.emulator.devices.cameras()).toEqual([]);
  });

  it("lists cameras in the guide's CameraInfo shape, by area (with sub-areas), serial and ids; pages of 1–500", async () => {
    const { token, area: a } = await area();
    const nvr = await addedNvr(token, a);
    const site = hik.emulator.devices.addArea("Site");
    const entrance = hik.emulator.devices.addArea("Entrance", site);
    const ids = [
      hik.emulator.devices.importChannel(nvr.cameraChannels[0]!.id, site, "Gate"),
      hik.emulator.devices.importChannel(nvr.cameraChannels[1]!.id, entrance, "Stairs"),
    ];
    const inSite = data(await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 10, filter: { areaID: site, includeSubArea: "0" } }));
    expect(inSite).toEqual({
      totalCount: 1,
      pageIndex: 1,
      pageSize: 10,
      camera: [
        {
          id: ids[0],
          name: "Gate",
          abilitySet: "1,21,22,2002,2021,2022",
          online: "1",
          area: { id: site, name: "Site" },
          device: { devInfo: { id: nvr.id, category: "0", serialNo: "T00000002", streamSecretKey: "" }, channelInfo: { id: nvr.cameraChannels[0]!.id, no: "1" } },
        },
      ],
    });
    const deep = data(await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 10, filter: { areaID: site, includeSubArea: "-1" } }));
    expect((deep["camera"] as Data[]).map((c) => c["name"])).toEqual(["Gate", "Stairs"]);
    const byId = data(await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 500, filter: { cameraID: [ids[1], "0".repeat(32)] } }));
    expect((byId["camera"] as Data[]).map((c) => c["id"])).toEqual([ids[1]]);
    const bySerial = data(await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 1, filter: { deviceSerialNo: "T00000002" } }));
    expect(bySerial).toMatchObject({ totalCount: 2, camera: [{ id: ids[0] }] });
    expect((await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 600, filter: {} })).json?.errorCode).toBe("OPEN000025");
    expect((await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 10, filter: { areaID: "f".repeat(32) } })).json?.errorCode).toBe("OPEN000031");
    expect((await callArea(a, token, "areas/cameras/get", { pageIndex: 1, pageSize: 10 })).json?.errorCode).toBe("OPEN000010");
  });

  it("removes cameras from their areas by resource id; an unknown id fails the call with OPEN000503 and removes nothing", async () => {
    const { token, area: a } = await area();
    const nvr = await addedNvr(token, a);
    const lobby = hik.emulator.devices.addArea("Lobby");
    const id = hik.emulator.devices.importChannel(nvr.cameraChannels[0]!.id, lobby);
    expect((await callArea(a, token, "areas/resources/delete", { ids: [id, "0".repeat(32)] })).json).toEqual({ errorCode: "OPEN000503", message: "Camera resource does not exist." });
    expect(hik.emulator.devices.cameras()).toHaveLength(1);
    expect((await callArea(a, token, "areas/resources/delete", { ids: [id] })).json).toEqual({ errorCode: "0" });
    expect(hik.emulator.devices.cameras()).toEqual([]);
    expect((await callArea(a, token, "areas/resources/delete", { ids: [id] })).json?.errorCode).toBe("OPEN000503");
  });

  it("counts every area call against the account's limit like any other", async () => {
    hik.emulator.setRateLimit({ limit: 5, windowMs: 1000 });
    const { token, area: a } = await area();
    const answers = await Promise.all(Array.from({ length: 6 }, () => callArea(a, token, "areas/get", { pageIndex: 1, pageSize: 10 })));
    expect(answers.map((x) => x.status).sort()).toEqual([200, 200, 200, 200, 429, 429]);
    expect(hik.emulator.accountingSnapshot().rate).toMatchObject({ admitted: 4 + 1, rejected: 2 });
    hik.emulator.setRateLimit({ limit: 1000 });
  });
});

describe("seedHikConnect", () => {
  it("fills the account with subscriber sites, devices and cameras, without a request", async () => {
    const seeded = seedHikConnect(hik.emulator, { subscribers: 50 });
    expect(hik.emulator.log.entries()).toEqual([]);
    expect(hik.emulator.accountingSnapshot().rate.admitted).toBe(0);
    expect(seeded).toHaveLength(50);
    expect(seeded[0]).toMatchObject({ contract: "C-000001", area: { name: "C-000001 Mira 1", parentId: "-1" }, devices: [{ name: "C-000001 Camera 1" }] });
    expect(seeded[3]!.devices[0]!.cameraChannels).toHaveLength(4); // C-000004: a recorder
    expect(seeded[4]!.subAreas.map((s) => s.name)).toEqual(["Entrance 1", "Entrance 2"]);
    expect(seeded[24]!.devices).toEqual([]); // C-000025: no device yet
    const devices = seeded.flatMap((s) => s.devices);
    expect(hik.emulator.devices.list()).toHaveLength(devices.length);
    expect(hik.emulator.devices.cameras()).toHaveLength(seeded.flatMap((s) => s.cameras).length);
    expect(devices.length).toBeGreaterThan(seeded.flatMap((s) => s.cameras).length / 4);
    // What the seed says is what the API answers.
    const { token, area: a } = await area();
    const detail = data(await callArea(a, token, "devicedetail/get", { deviceSerialNo: devices[3]!.serialNo }))["device"] as { baseInfo: Data };
    expect(detail.baseInfo).toMatchObject({ id: devices[3]!.id, name: devices[3]!.name });
    const more = seedHikConnect(hik.emulator, { subscribers: 2, firstContract: 51 });
    expect(more[0]!.contract).toBe("C-000051");
    expect(new Set(hik.emulator.devices.list().map((d) => d.serialNo)).size).toBe(hik.emulator.devices.list().length);
  });
});
