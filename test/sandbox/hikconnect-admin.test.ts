import { describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { onFreePortBase } from "../harness/free-port";
import { admin } from "./forpost-call";
import { addBody, callArea, getToken, session, useHikConnectEmulator } from "./hikconnect-call";

/** Admin routes, faults and the sandbox launcher of the Hik-Connect emulator. */
const hik = useHikConnectEmulator({ rateLimit: { limit: 1000 } });

describe("Hik-Connect emulator admin routes and faults", () => {
  it("registers physical devices, edits and deletes added ones behind the client's back", async () => {
    const registered = await admin(hik.url, "POST", "physical-devices", { serialNo: "T00000077", verifyCode: "QQQQQQ", cameraChannels: 2 });
    expect(registered.json).toMatchObject({ serialNo: "T00000077", cameraChannels: 2, online: true });
    expect(registered.text).not.toContain("QQQQQQ");
    const { token, area } = await session(hik.url);
    await callArea(area, token, "devices/add", addBody("T00000077", "QQQQQQ"));
    const id = hik.emulator.devices.bySerial("T00000077")!.id;
    expect((await admin(hik.url, "PATCH", `devices/${id}`, { name: "renamed in the portal" })).json).toMatchObject({ name: "renamed in the portal" });
    expect((await admin(hik.url, "GET", "state")).json).toMatchObject({ devices: [{ id, name: "renamed in the portal" }], liveTokens: 1 });
    expect((await admin(hik.url, "DELETE", `devices/${id}`)).json).toEqual({ ok: true });
    expect((await admin(hik.url, "PATCH", `devices/${id}`, { name: "x" })).status).toBe(404);
    expect((await admin(hik.url, "POST", "tokens/revoke", { code: "OPEN000001" })).status).toBe(400);
  });

  it("adds areas and deletes them as the portal would (the OpenAPI cannot delete an area)", async () => {
    const site = (await admin(hik.url, "POST", "areas", { name: "Portal site" })).json as { id: string };
    expect(site).toMatchObject({ name: "Portal site", parentId: "-1" });
    const sub = (await admin(hik.url, "POST", "areas", { name: "Entrance", parentId: site.id })).json as { id: string };
    expect((await admin(hik.url, "POST", "areas", { name: "x", parentId: "f".repeat(32) })).status).toBe(404);
    expect((await admin(hik.url, "POST", "areas", {})).status).toBe(400);
    expect((await admin(hik.url, "GET", "state")).json).toMatchObject({ areas: [{ id: site.id }, { id: sub.id, parentId: site.id }] });
    expect((await admin(hik.url, "DELETE", `areas/${site.id}`)).json).toEqual({ ok: true });
    expect(hik.emulator.devices.areas()).toEqual([]); // its sub-areas go with it
  });

  it("injects faults by route name on either server (a lost add answer still adds the device)", async () => {
    const { token, area } = await session(hik.url);
    hik.emulator.faults.set("devices/add", { drop: "after", times: 1 });
    await expect(callArea(area, token, "devices/add", addBody("T00000001", "AAAAAA"))).rejects.toThrow();
    expect(hik.emulator.devices.bySerial("T00000001")).toBeDefined();
    hik.emulator.faults.set("token/get", { status: 503, times: 1 });
    expect((await getToken(hik.url)).status).toBe(503);
    expect((await getToken(hik.url)).status).toBe(200);
    expect(hik.emulator.log.entries().map((e) => [e.route, e.status, e.faults])).toEqual([
      ["token/get", 200, undefined],
      ["devices/add", null, ["drop-after"]],
      ["token/get", 503, ["status"]],
      ["token/get", 200, undefined],
    ]);
  });
});

describe("the sandbox's Hik-Connect", () => {
  it("listens on portBase + 2, prints its config, and offers devices with random verification codes", async () => {
    const { port: base, value: a } = await onFreePortBase((portBase) => startSandbox({ portBase }));
    const port = base + 2;
    const b = await startSandbox();
    try {
      const { url, appKey, secretKey, areaUrl } = a.hikconnect;
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(a.pulumiConfig.filter((e) => e.key.startsWith("hikconnect:"))).toEqual([
        { key: "hikconnect:url", value: url, secret: false },
        { key: "hikconnect:appKey", value: appKey, secret: false },
        { key: "hikconnect:secretKey", value: secretKey, secret: true },
      ]);
      expect(a.env).toMatchObject({ HIKCONNECT_URL: url, HIKCONNECT_APP_KEY: appKey, HIKCONNECT_SECRET_KEY: secretKey });
      expect(a.summaries.hikconnect).toMatchObject({ areaUrl, adminUrl: `${url}/__sandbox`, devices: expect.stringMatching(/^SBX000001=[A-Z]{6}, /) });
      expect(secretKey).not.toBe(b.hikconnect.secretKey);
      expect(a.hikconnect.physicalDevices[1]!.verifyCode).not.toBe(b.hikconnect.physicalDevices[1]!.verifyCode);
      const token = await getToken(url, appKey, secretKey);
      expect((token.json?.data as { areaDomain: string }).areaDomain).toBe(areaUrl);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
