import { describe, expect, it } from "vitest";
import { DOMAIN_ID, PASSWORD, USER, billing, createOrganization, planIds, useVsaasEmulator } from "./vsaas-call";

/** The billing API v1 as the document's "VSAAS.IO API" section describes it. */
const vsaas = useVsaasEmulator();

describe("VSAAS.IO billing: authorization (X-USER / X-PASSWORD / X-DOMAIN-ID on every request)", () => {
  it("answers with the three headers", async () => {
    expect((await billing(vsaas.url, "GET", "tariff_plans")).status).toBe(200);
  });

  it("refuses a missing or wrong user or password with 401, never echoing the password", async () => {
    for (const credentials of [null, { user: USER, domainId: String(DOMAIN_ID) }, { user: USER, password: "wrong-password-1", domainId: String(DOMAIN_ID) }, { user: "x@example.org", password: PASSWORD, domainId: String(DOMAIN_ID) }]) {
      const answer = await billing(vsaas.url, "GET", "organizations", undefined, credentials);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: expect.any(String) });
      expect(answer.text).not.toContain("wrong-password-1");
    }
  });

  it("refuses a domain the user does not administer with 403 (only domain owners and admins may call)", async () => {
    const answer = await billing(vsaas.url, "GET", "organizations", undefined, { user: USER, password: PASSWORD, domainId: "000" });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: expect.stringContaining("administrators of the domain") });
  });

  it("never logs the password", async () => {
    await billing(vsaas.url, "GET", "organizations");
    expect(JSON.stringify(vsaas.emulator.log.entries())).not.toContain(PASSWORD);
  });
});

describe("VSAAS.IO billing: tariff plans", () => {
  it("lists the plans in the document's shape, without a default flag", async () => {
    const answer = await billing(vsaas.url, "GET", "tariff_plans");
    expect(answer.json).toEqual({
      tariff_plans: expect.arrayContaining([
        { id: 549, name: "Test plan", date_from: "27/04/2024", full_price: "100.0 USD", status: "Active", external_id: 392 },
        { id: 548, name: "Default", date_from: "27/04/2024", full_price: "0.0 USD", status: "Active", external_id: 391 },
      ]),
    });
  });
});

describe("VSAAS.IO billing: organizations", () => {
  it("creates an organization with the default plan plus the requested ones (201), with an external_id", async () => {
    const answer = await billing(vsaas.url, "POST", "organizations", { organization: { title: "Demo org", owner: "demo@example.org", tariff_plans: [549] } });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({
      organization: {
        id: 797,
        title: "Demo org",
        domain: { id: DOMAIN_ID, title: "sandbox" },
        owner: { id: expect.any(Number), email: "demo@example.org" },
        discount: "0%",
        trial_expired_at: "",
        external_id: 774,
        tariff_plans: [
          { id: 548, name: "Default", date_from: "27/04/2024", full_price: "0.0 USD", status: "Active", external_id: 391 },
          { id: 549, name: "Test plan", date_from: "27/04/2024", full_price: "100.0 USD", status: "Active", external_id: 392 },
        ],
      },
    });
  });

  it("creates one without plans: it gets the default plan only", async () => {
    expect(planIds(await createOrganization(vsaas.url))).toEqual([548]);
    expect(planIds(await createOrganization(vsaas.url, { tariff_plans: [] }))).toEqual([548]);
  });

  it("invites an owner address it does not know as a new user, and reuses a known one (stored lower-case)", async () => {
    const first = await createOrganization(vsaas.url, { owner: "New.Owner@Example.org" });
    const second = await createOrganization(vsaas.url, { owner: "new.owner@example.org" });
    expect(first.owner).toEqual(second.owner);
    expect((first.owner as { email: string }).email).toBe("new.owner@example.org");
    expect(vsaas.emulator.state().invitations).toEqual(["new.owner@example.org"]);
  });

  it("lists every organization and shows one by id", async () => {
    const created = await createOrganization(vsaas.url);
    expect((await billing(vsaas.url, "GET", "organizations")).json).toEqual({ organizations: [created] });
    expect((await billing(vsaas.url, "GET", `organizations/${String(created.id)}`)).json).toEqual({ organization: created });
    expect((await billing(vsaas.url, "GET", "organizations/9999")).status).toBe(404);
  });

  it("PUT replaces the plans and always keeps the default; an empty list leaves only the default", async () => {
    const created = await createOrganization(vsaas.url, { tariff_plans: [549] });
    const put = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: [550] } });
    expect(put.status).toBe(200);
    expect(planIds((put.json as { organization: unknown }).organization)).toEqual([548, 550]);
    const cleared = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: [] } });
    expect(planIds((cleared.json as { organization: unknown }).organization)).toEqual([548]);
    // Declaring the default too changes nothing about it.
    const withDefault = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: [548, 549] } });
    expect(planIds((withDefault.json as { organization: unknown }).organization)).toEqual([548, 549]);
  });

  it("PUT does not change the title or the owner (the document offers no way to)", async () => {
    const created = await createOrganization(vsaas.url);
    const put = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { title: "Renamed", owner: "other@example.org" } });
    expect((put.json as { organization: unknown }).organization).toEqual(created);
  });

  it("DELETE answers 204 without a body; a second DELETE and a PUT of a missing organization answer 404", async () => {
    const created = await createOrganization(vsaas.url);
    const deleted = await billing(vsaas.url, "DELETE", `organizations/${String(created.id)}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await billing(vsaas.url, "DELETE", `organizations/${String(created.id)}`)).status).toBe(404);
    expect((await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: [] } })).status).toBe(404);
  });

  it("refuses invalid writes with 422 and a list of messages per field", async () => {
    const blank = await billing(vsaas.url, "POST", "organizations", { organization: { title: " ", owner: "not-an-email", tariff_plans: [549, 9999] } });
    expect(blank.status).toBe(422);
    expect(blank.json).toEqual({
      errors: { title: ["can't be blank"], owner: ["is invalid"], tariff_plans: ["contain unknown tariff plans: 9999"] },
    });
    const missing = await billing(vsaas.url, "POST", "organizations", { organization: { tariff_plans: ["x"] } });
    expect(missing.json).toEqual({ errors: { title: ["can't be blank"], owner: ["can't be blank"], tariff_plans: ["must be a list of tariff plan ids"] } });
    const created = await createOrganization(vsaas.url);
    const put = await billing(vsaas.url, "PUT", `organizations/${String(created.id)}`, { organization: { tariff_plans: 549 } });
    expect(put.status).toBe(422);
    expect(vsaas.emulator.organizations.planIds(created.id as number)).toEqual([548]);
    expect(vsaas.emulator.organizations.list()).toHaveLength(1);
  });

  it("refuses a body without the organization object with 400", async () => {
    const answer = await billing(vsaas.url, "POST", "organizations", { title: "Demo org", owner: "demo@example.org" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "param is missing or the value is empty: organization" });
  });
});
