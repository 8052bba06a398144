import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../../provider/core/errors";
import { mayStillBeRunning, VsaasClient } from "../../provider/vsaas/client";
import { startSandbox, type RunningSandbox } from "../../sandbox";

/** VsaasClient against the emulator: headers, JSON bodies, error mapping, retries. */
const PASSWORD = "test-only-vsaas-client-pw";
let sandbox: RunningSandbox;
let config: Record<string, string>;
const emulator = () => sandbox.vsaas.emulator;
const log = () => emulator().log.entries();

function configure(overrides: Record<string, string> = {}): VsaasClient {
  const values = { ...config, ...overrides };
  setStackConfig({ get: (k) => values[k] });
  return VsaasClient.fromConfig();
}

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  config = {
    "vsaas:url": sandbox.vsaas.url,
    "vsaas:user": sandbox.vsaas.user,
    "vsaas:password": PASSWORD,
    "vsaas:domainId": String(sandbox.vsaas.domainId),
    "vsaas:maxRetries": "1",
  };
});
afterAll(() => sandbox.stop());
beforeEach(() => emulator().reset());

describe("VsaasClient", () => {
  it("sends JSON with the three auth headers and reads the organization answer", async () => {
    const client = configure();
    const created = await client.createOrganization({ title: "Demo org", owner: "demo@example.org", tariff_plans: [549] });
    expect(created).toMatchObject({ id: 797, external_id: 774, owner: { email: "demo@example.org" } });
    expect(created.tariff_plans!.map((p) => p.id)).toEqual([548, 549]);
    expect(log()[1 - 1]).toMatchObject({ method: "POST", path: "/api/v1/organizations", params: { organization: { title: "Demo org", owner: "demo@example.org", tariff_plans: [549] } } });
    expect(await client.getOrganization(797)).toEqual(created);
    expect((await client.listTariffPlans()).map((p) => p.id)).toEqual([548, 549, 550]);
  });

  it("reads organizations from the documented list only (never the undocumented GET by id); a missing one is undefined", async () => {
    const client = configure();
    expect(await client.getOrganization(4242)).toBeUndefined();
    expect(log().map((e) => e.route)).toEqual(["organizations.index"]);
  });

  it("shares one list among the reads that arrive together, and forgets it after its own writes", async () => {
    const client = configure();
    const created = await client.createOrganization({ title: "Demo org", owner: "demo@example.org" });
    emulator().log.clear();
    const reads = await Promise.all(Array.from({ length: 50 }, () => client.getOrganization(created.id)));
    expect(reads.every((r) => r?.id === created.id)).toBe(true);
    expect(log().map((e) => e.route)).toEqual(["organizations.index"]);
    // A write in between: the next read sees it (a new list), never the list from before it.
    await client.updateTariffPlans(created.id, [550]);
    expect((await client.getOrganization(created.id))!.tariff_plans!.map((p) => p.id)).toEqual([548, 550]);
    expect(log().map((e) => e.route)).toEqual(["organizations.index", "organizations.update", "organizations.index"]);
  });

  it("deletes (204), and reports an organization that was already gone as false", async () => {
    const client = configure();
    const created = await client.createOrganization({ title: "Demo org", owner: "demo@example.org" });
    expect(await client.deleteOrganization(created.id)).toBe(true);
    expect(await client.deleteOrganization(created.id)).toBe(false);
  });

  it("turns 401 and 403 into an auth error naming the config keys, without the password", async () => {
    const wrong = "wrong-vsaas-password-77";
    const e401 = await configure({ "vsaas:password": wrong }).listOrganizations().catch((e) => e);
    expect(e401).toBeInstanceOf(VendorAuthError);
    expect(e401.message).toMatch(/did not accept the credentials \(HTTP 401: You need to sign in/);
    expect(e401.message).toContain("vsaas:user / VSAAS_USER, vsaas:password / VSAAS_PASSWORD and vsaas:domainId / VSAAS_DOMAIN_ID");
    expect(e401.message).not.toContain(wrong);
    const e403 = await configure({ "vsaas:domainId": "1" }).listOrganizations().catch((e) => e);
    expect(e403).toBeInstanceOf(VendorAuthError);
    expect(e403.message).toMatch(/HTTP 403.*Only the domain's owner and administrators/);
  });

  it("turns 422 into the vendor's field messages", async () => {
    const error = await configure().createOrganization({ title: "", owner: "nope", tariff_plans: [9] }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error.message).toBe("VSAAS.IO refused POST /organizations (HTTP 422): title can't be blank; owner is invalid; tariff_plans contain unknown tariff plans: 9");
    expect(error.outcomeUnknown).toBe(false);
  });

  it("retries reads on 503, never a create; a create's 5xx or unreadable answer is an unknown outcome", async () => {
    const client = configure();
    emulator().faults.set("organizations.index", { status: 503, times: 1 });
    expect(await client.listOrganizations()).toEqual([]);
    emulator().faults.set("organizations.create", { status: 502, times: 1 });
    const e502 = await client.createOrganization({ title: "A", owner: "a@example.org" }).catch((e) => e);
    expect(e502).toMatchObject({ httpStatus: 502, outcomeUnknown: true });
    emulator().faults.set("organizations.create", { malformed: true, times: 1 });
    const garbled = await client.createOrganization({ title: "A", owner: "a@example.org" }).catch((e) => e);
    expect(garbled).toMatchObject({ outcomeUnknown: true });
    expect(log().filter((e) => e.route === "organizations.create")).toHaveLength(2);
    emulator().faults.set("organizations.create", { status: 503, headers: { "Retry-After": "0" }, times: 1 });
    expect(await client.createOrganization({ title: "B", owner: "b@example.org" })).toMatchObject({ title: "B" });
  });

  it("tells a create that may still be running on the billing (timeout, 504) from one the billing ended (500, dropped)", async () => {
    const client = configure();
    const failedCreate = () =>
      client.createOrganization({ title: "A", owner: "a@example.org" }).then(
        () => expect.unreachable("the create should have failed"),
        (e: VendorApiError) => e,
      );
    emulator().faults.set("organizations.create", { status: 504, times: 1 });
    expect(mayStillBeRunning(await failedCreate())).toBe(true);
    emulator().faults.set("organizations.create", { status: 500, times: 1 });
    expect(mayStillBeRunning(await failedCreate())).toBe(false);
    emulator().faults.set("organizations.create", { drop: "after", times: 1 });
    const dropped = await failedCreate();
    expect(dropped).toMatchObject({ outcomeUnknown: true });
    expect(mayStillBeRunning(dropped)).toBe(false);
    // What undici and AbortSignal.timeout throw when the answer does not come in time (a real one takes
    // 1-2 s to provoke: undici's timers are coarse).
    const timedOut = (cause: unknown) =>
      new VendorTransportError("POST /organizations: timed out", { vendor: "vsaas", operation: "POST /organizations", outcomeUnknown: true, cause });
    const headersTimeout = Object.assign(new Error("Headers Timeout Error"), { name: "HeadersTimeoutError", code: "UND_ERR_HEADERS_TIMEOUT" });
    expect(mayStillBeRunning(timedOut(headersTimeout))).toBe(true);
    expect(mayStillBeRunning(timedOut(new DOMException("The operation was aborted due to timeout", "TimeoutError")))).toBe(true);
    expect(mayStillBeRunning(timedOut(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })))).toBe(false);
  });

  it("names vsaas:url when the answer is not the billing's", async () => {
    emulator().faults.set("organizations.index", { status: 200, body: { hello: "world" } });
    await expect(configure().listOrganizations()).rejects.toThrow(/unexpected shape.*is vsaas:url pointing at the VSAAS.IO billing/);
  });
});
