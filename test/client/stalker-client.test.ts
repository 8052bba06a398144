import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { basicCredentials } from "../../provider/core/auth";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../../provider/core/errors";
import { HttpTransport } from "../../provider/core/transport";
import { StalkerClient } from "../../provider/stalker/client";
import { startSandbox, type RunningSandbox } from "../../sandbox";

const PASSWORD = "test-only-stalker-client-pw";
let sandbox: RunningSandbox;
const emulator = () => sandbox.stalker.emulator;

function client(password = PASSWORD, baseUrl = sandbox.stalker.url) {
  return new StalkerClient(
    new HttpTransport({
      vendor: "stalker",
      baseUrl,
      timeoutMs: 2_000,
      maxRetries: 2,
      retryBaseDelayMs: 5,
      auth: basicCredentials(sandbox.stalker.user, password),
    }),
  );
}
const mac = (m: string) => ({ kind: "mac" as const, mac: m });
const num = (n: string) => ({ kind: "number" as const, accountNumber: n });

beforeAll(async () => {
  sandbox = await startSandbox({ stalker: { password: PASSWORD } });
});
afterAll(() => sandbox.stop());
beforeEach(() => emulator().reset());

describe("StalkerClient against the Stalker emulator", () => {
  it("adds, reads by MAC and by account number, updates and deletes", async () => {
    const c = client();
    await c.addAccount([["login", "alice"], ["password", "pw-alice-1"], ["account_number", "Д-100"], ["stb_mac", "00:1A:79:00:00:01"]]);
    expect(await c.getAccounts(mac("00:1A:79:00:00:01"))).toMatchObject([{ login: "alice", account_number: "Д-100", status: 1 }]);
    expect(await c.getAccounts(num("Д-100"))).toMatchObject([{ login: "alice" }]);
    await c.updateAccount(mac("00:1A:79:00:00:01"), [["full_name", "Alice"]], { idempotent: true });
    expect(emulator().account("alice")).toMatchObject({ full_name: "Alice" });
    await c.deleteAccount(mac("00:1A:79:00:00:01"), { idempotent: true });
    expect(await c.getAccounts(mac("00:1A:79:00:00:01"))).toEqual([]);
  });

  it("addresses a MAC with literal colons and percent-encodes an account number; bodies are forms", async () => {
    const c = client();
    await c.addAccount([["login", "bob"], ["account_number", "Д-1 7"]]);
    await c.getAccounts(mac("00:1A:79:00:00:02"));
    await c.getAccounts(num("Д-1 7"));
    const [post, byMac, byNumber] = emulator().log.entries();
    expect(post).toMatchObject({ method: "POST", path: "/stalker_portal/api/accounts/", params: { login: "bob", account_number: "Д-1 7" } });
    expect(byMac!.path).toBe("/stalker_portal/api/accounts/00:1A:79:00:00:02");
    expect(byNumber!.path).toBe(`/stalker_portal/api/accounts/${encodeURIComponent("Д-1 7")}`);
    expect(byNumber!.status).toBe(200);
    expect(await c.getAccounts(num("Д-1 7"))).toMatchObject([{ login: "bob" }]);
  });

  it("answers every account sharing a number", async () => {
    emulator().addAccount({ login: "a", account_number: "100" });
    emulator().addAccount({ login: "b", account_number: "100" });
    expect((await client().getAccounts(num("100"))).map((r) => r.login)).toEqual(["a", "b"]);
  });

  it("turns 401 into an authentication error that names the keys and never echoes the password", async () => {
    const wrong = "wrong-stalker-password-9";
    const error = await client(wrong).getAccounts(num("1")).catch((e) => e);
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error).toMatchObject({ vendor: "stalker", operation: "GET /accounts/{id}", httpStatus: 401 });
    expect(error.message).toContain("stalker:user / STALKER_USER and stalker:password / STALKER_PASSWORD");
    expect(error.message).not.toContain(wrong);
  });

  it("turns status ERROR under HTTP 200 into a VendorApiError carrying the vendor's message", async () => {
    const c = client();
    await c.addAccount([["login", "dup"]]);
    const error = await c.addAccount([["login", "dup"]]).catch((e) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error).toMatchObject({ code: "Login already in use", httpStatus: 200, outcomeUnknown: false });
    expect(error.message).toBe("Stalker POST /accounts/ failed: Login already in use");
  });

  it("retries reads through a passing 503, but never repeats a POST whose answer was lost", async () => {
    const c = client();
    emulator().faults.set("accounts.get", { status: 503, times: 2 });
    expect(await c.getAccounts(num("1"))).toEqual([]);
    expect(emulator().log.entries("accounts.get")).toHaveLength(3);

    emulator().faults.set("accounts.post", { drop: "after", times: 1 });
    const error = await c.addAccount([["login", "lost"]]).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.outcomeUnknown).toBe(true);
    expect(emulator().log.entries("accounts.post")).toHaveLength(1);
  });

  it("never lets the transport repeat a PUT or DELETE marked not idempotent", async () => {
    emulator().addAccount({ login: "x", account_number: "5" });
    emulator().faults.set("accounts.put", { drop: "after", times: 1 });
    await expect(client().updateAccount(num("5"), [["full_name", "y"]], { idempotent: false })).rejects.toMatchObject({ outcomeUnknown: true });
    expect(emulator().log.entries("accounts.put")).toHaveLength(1);
  });

  it("reports a cut-off answer to a write as outcome unknown (the write may have happened)", async () => {
    emulator().faults.set("accounts.post", { malformed: true, times: 1 });
    const error = await client().addAccount([["login", "m"]]).catch((e) => e);
    expect(error).toMatchObject({ outcomeUnknown: true });
    expect(emulator().account("m")).toBeDefined();
  });

  it("says to check stalker:url when the answer is not the API's", async () => {
    const error = await client(PASSWORD, sandbox.stalker.rootUrl).getAccounts(num("1")).catch((e) => e);
    expect(error.message).toMatch(/unexpected shape \(HTTP 404 .*is stalker:url the REST API base, e\.g\. http:\/\/stalker\.example\.net\/stalker_portal\/api\?/);
  });

  it("configures itself from stack config, naming what is missing", async () => {
    const { setStackConfig } = await import("../../provider/core/config");
    delete process.env.STALKER_USER;
    delete process.env.STALKER_PASSWORD;
    setStackConfig({ get: (k: string) => ({ "stalker:url": sandbox.stalker.url } as Record<string, string>)[k] });
    expect(() => StalkerClient.fromConfig()).toThrow(/stalker:user is not set[\s\S]*stalker:password is not set\. Set it with `pulumi config set --secret stalker:password <value>` or the STALKER_PASSWORD/);
    const config: Record<string, string> = { "stalker:url": sandbox.stalker.url, "stalker:user": sandbox.stalker.user, "stalker:password": PASSWORD };
    setStackConfig({ get: (k: string) => config[k] });
    expect(await StalkerClient.fromConfig().getAccounts(num("1"))).toEqual([]);
    setStackConfig(undefined);
  });
});
