import { describe, expect, it } from "vitest";
import { admin, billing, createOrganization, planIds, useVsaasEmulator, watcher, WATCHER_KEY } from "./vsaas-call";

const vsaas = useVsaasEmulator();
const emulator = vsaas.emulator;

describe("Watcher API v2 (cloud.vsaas.io): organizations", () => {
  it("shows an organization created in the billing under its external_id, next to the default organization", async () => {
    const created = await createOrganization(vsaas.url, { title: "Ivanov home" });
    const answer = await watcher(vsaas.url, "organizations");
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.json)).toBe(true); // Watcher lists are bare arrays
    const list = answer.json as Array<Record<string, unknown>>;
    expect(list).toContainEqual(expect.objectContaining({ id: created.external_id, title: "Ivanov home", is_default: false, owner: expect.objectContaining({ login: "demo@example.org" }) }));
    expect(list).toContainEqual(expect.objectContaining({ title: "Unassigned cameras", is_default: true }));
  });

  it("removes the Watcher organization when the billing deletes it", async () => {
    const created = await createOrganization(vsaas.url);
    await billing(vsaas.url, "DELETE", `organizations/${String(created.id)}`);
    const list = (await watcher(vsaas.url, "organizations")).json as Array<{ id: number }>;
    expect(list.map((o) => o.id)).not.toContain(created.external_id);
  });

  it("refuses a wrong or missing API key with 401 and error_message", async () => {
    for (const key of [null, "wrong-key"]) {
      const answer = await watcher(vsaas.url, "organizations", key);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error_message: expect.any(String) });
    }
    expect(JSON.stringify(emulator.log.entries())).not.toContain(WATCHER_KEY);
  });
});

describe("VSAAS admin controls (changes made outside Pulumi)", () => {
  it("removes a plan from an organization, but never the default", async () => {
    const created = await createOrganization(vsaas.url, { tariff_plans: [549, 550] });
    const removed = await admin(vsaas.url, "DELETE", `organizations/${String(created.id)}/tariff_plans/549`);
    expect(removed.json).toEqual({ tariffPlanIds: [548, 550] });
    expect((await admin(vsaas.url, "DELETE", `organizations/${String(created.id)}/tariff_plans/548`)).status).toBe(400);
    const shown = await billing(vsaas.url, "GET", `organizations/${String(created.id)}`);
    expect(planIds((shown.json as { organization: unknown }).organization)).toEqual([548, 550]);
  });

  it("renames and deletes organizations, and adds one as the web interface would", async () => {
    const created = await createOrganization(vsaas.url);
    await admin(vsaas.url, "PATCH", `organizations/${String(created.id)}`, { title: "Renamed in the UI" });
    expect(emulator.organizations.get(created.id as number)).toMatchObject({ title: "Renamed in the UI" });
    expect((await admin(vsaas.url, "DELETE", `organizations/${String(created.id)}`)).status).toBe(200);
    expect((await admin(vsaas.url, "DELETE", `organizations/${String(created.id)}`)).status).toBe(404);
    const added = await admin(vsaas.url, "POST", "organizations", { title: "Pre-existing", owner: "old@example.org", tariff_plans: [550] });
    expect(planIds(added.json)).toEqual([548, 550]);
    expect(emulator.log.entries()).toEqual([expect.objectContaining({ route: "organizations.create" })]);
  });

  it("changes the domain default: the old default becomes an ordinary plan, organizations keep the new one", async () => {
    const created = await createOrganization(vsaas.url, { tariff_plans: [549] });
    await admin(vsaas.url, "PUT", "default_tariff_plan", { id: 550 });
    expect(emulator.organizations.planIds(created.id as number)).toEqual([550, 548, 549]);
    const put = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: [] } });
    expect(planIds((put.json as { organization: unknown }).organization)).toEqual([550]);
  });

  it("exposes the state, and reset empties it", async () => {
    await createOrganization(vsaas.url);
    const state = (await admin(vsaas.url, "GET", "state")).json as { organizations: unknown[]; tariffPlans: Array<{ isDefault: boolean }> };
    expect(state.organizations).toHaveLength(1);
    expect(state.tariffPlans.filter((p) => p.isDefault)).toHaveLength(1);
    await admin(vsaas.url, "POST", "reset");
    expect(emulator.organizations.list()).toEqual([]);
  });
});

describe("VSAAS fault injection (the core's faults on the vendor routes)", () => {
  it('drop "after" creates the organization but sends no answer; drop "before" creates nothing', async () => {
    emulator.faults.set("organizations.create", { drop: "after", times: 1 });
    await expect(createOrganization(vsaas.url)).rejects.toThrow();
    expect(emulator.organizations.list()).toHaveLength(1);
    emulator.faults.set("organizations.create", { drop: "before", times: 1 });
    await expect(createOrganization(vsaas.url)).rejects.toThrow();
    expect(emulator.organizations.list()).toHaveLength(1);
  });

  it("answers a status fault without applying the request, and malformed after applying it", async () => {
    emulator.faults.set("organizations.create", { status: 503, headers: { "Retry-After": "1" }, times: 1 });
    expect((await billing(vsaas.url, "POST", "organizations", { organization: { title: "A", owner: "a@example.org" } })).status).toBe(503);
    expect(emulator.organizations.list()).toHaveLength(0);
    emulator.faults.set("organizations.create", { malformed: true, times: 1 });
    const garbled = await billing(vsaas.url, "POST", "organizations", { organization: { title: "A", owner: "a@example.org" } });
    expect(garbled.json).toBeUndefined();
    expect(emulator.organizations.list()).toHaveLength(1);
    expect(emulator.log.entries().map((e) => e.faults)).toEqual([["status"], ["malformed"]]);
  });

  it("knows its route names, so a typo fails loudly", async () => {
    expect((await admin(vsaas.url, "GET", "routes")).json).toEqual({
      routes: ["tariff_plans.index", "organizations.index", "organizations.create", "organizations.show", "organizations.update", "organizations.destroy", "watcher.organizations.index",
        "watcher.users.index", "watcher.users.create", "watcher.users.destroy",
        "watcher.organization_users.index", "watcher.organization_users.create", "watcher.organization_users.destroy",
        "watcher.folders.index", "watcher.folder_users.create", "watcher.presets.index",
      ],
    });
    expect((await admin(vsaas.url, "POST", "faults", { route: "organisations.create", fault: { status: 500 } })).status).toBe(400);
  });
});
