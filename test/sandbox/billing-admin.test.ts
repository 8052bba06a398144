import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BillingEmulator, startSandbox } from "../../sandbox";
import { sandboxInstructions } from "../../sandbox/cli-output";
import { onFreePortBase } from "../harness/free-port";
import { LENINA, LOGIN, PASSWORD, callProc, cashier, get, homeEditArgs, login, rowsOf, testCertificates, useBillingEmulator } from "./billing-call";

const billing = useBillingEmulator();
const emulator = billing.emulator;

/** An admin route: JSON over the same mutual TLS as the API. */
async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ connect: { ...cashier(), rejectUnauthorized: true } });
  try {
    const res = await request(`${billing.url}/__sandbox/${path}`, {
      method: method as "GET",
      dispatcher: agent,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return { status: res.statusCode, json: await res.body.json() };
  } finally {
    await agent.close();
  }
}

describe("billing admin routes", () => {
  it("adds, reads, patches and deletes homes behind the API's back, validating like the database", async () => {
    const added = await admin("POST", "homes", { STREET: "Ленина", S_NUMBER: 5, CITY: "Казань" });
    expect(added).toMatchObject({ status: 200, json: { ID: 101, STREET: "Ленина", S_NUMBER: 5, CITY: "Казань", ZIP_CODE: null } });
    expect((await admin("PATCH", "homes/101", { CITY: "Самара" })).json).toMatchObject({ CITY: "Самара", STREET: "Ленина" });
    expect((await admin("PATCH", "homes/101", { ZIP_CODE: "12345678901" })).status).toBe(400);
    expect((await admin("GET", "homes/101")).json).toMatchObject({ CITY: "Самара" });
    expect((await admin("DELETE", "homes/101")).json).toEqual({ ok: true });
    expect((await admin("GET", "homes/101")).status).toBe(404);
    expect(emulator.log.entries()).toEqual([]); // admin requests are not vendor requests
  });

  it("shows state (without SUIDs), expires sessions, and switches behaviour until reset", async () => {
    const suid = await login(billing.url);
    const state = (await admin("GET", "state")).json as { sessions: number; settings: { addAnswersId: boolean } };
    expect(state).toMatchObject({ homes: [], nextHomeId: 101, sessions: 1, settings: { addAnswersId: true, encoding: "windows-1251" } });
    expect(JSON.stringify(state)).not.toContain(suid);
    expect((await admin("POST", "sessions/expire")).json).toEqual({ ok: true });
    expect((await callProc(billing.url, "CLN_HOME_LIST", [suid, null])).text).toMatch(/истекла/);
    expect((await admin("PATCH", "settings", { addAnswersId: false })).json).toMatchObject({ addAnswersId: false });
    expect((await admin("PATCH", "settings", { nope: 1 })).status).toBe(400);
    const added = await callProc(billing.url, "CLN_HOME_EDIT", [await login(billing.url), ...homeEditArgs(1, null, LENINA)]);
    expect(rowsOf(added)).toEqual([]);
    emulator.reset();
    expect(emulator.behaviour.addAnswersId).toBe(true);
  });
});

describe("billing admin routes for switches, users and seeding", () => {
  it("adds, reads, patches and deletes switches (no dhcpd restart: the counter is the API's), validating like the database", async () => {
    const home = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 5 }).ID;
    const added = await admin("POST", "switches", { NAME: "sw", IP: -1, HOME_ID: home, PSW_SNMP: "admin-snmp-secret" });
    expect(added).toMatchObject({ status: 200, json: { ID: 501, NAME: "sw", IP: -1, HOME_ID: home, PSW_SNMP: "admin-snmp-secret" } });
    expect((await admin("POST", "switches", { NAME: "sw", HOME_ID: 999 })).status).toBe(400);
    expect((await admin("PATCH", "switches/501", { PORTS_CNT: 28 })).json).toMatchObject({ PORTS_CNT: 28, NAME: "sw" });
    expect((await admin("GET", "switches/501")).json).toMatchObject({ PORTS_CNT: 28 });
    const state = (await admin("GET", "state")).json as { switches: Array<Record<string, unknown>>; dhcpRestarts: number; users: number };
    expect(state).toMatchObject({ dhcpRestarts: 0, users: 0, switches: [{ ID: 501, PSW_SNMP: "***", PSW_SSH: null }] });
    expect(JSON.stringify(state)).not.toContain("admin-snmp-secret");
    expect((await admin("DELETE", "switches/501")).json).toEqual({ ok: true });
    expect((await admin("GET", "switches/501")).status).toBe(404);
    expect(emulator.dhcpRestarts).toBe(0);
  });

  it("seeds subscribers, homes and switches, and shows a user by ID", async () => {
    expect((await admin("POST", "seed", { subscribers: 50, subscribersPerHome: 25 })).json).toEqual({ groups: 2, homes: 2, switches: 2, subscribers: 50 });
    expect((await admin("GET", "users/1003")).json).toMatchObject({ USER_ID: 1003, LOGIN: "d000001", CONTRACT_NUMBER: "D-000001", END_USER: 1 });
    expect((await admin("GET", "users/9999")).status).toBe(404);
    expect((await admin("POST", "seed", { subscribers: -1 })).status).toBe(400);
    expect(emulator.log.entries()).toEqual([]);
  });

  it("starts seeded from startSandbox({ billing: { seed } }) and resets empty", async () => {
    const sandbox = await startSandbox({ billing: { password: "fixed-test-billing-pw", seed: { subscribers: 10 } } });
    try {
      expect(sandbox.billing.emulator.users.list()).toHaveLength(12);
      sandbox.billing.emulator.reset();
      expect(sandbox.billing.emulator.users.list()).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("the nginx way of refusing a client certificate (clientCertCheck: \"http\")", () => {
  it("completes the handshake and answers HTTP 400 in nginx's words, without running the procedure", async () => {
    const nginx = new BillingEmulator({ login: LOGIN, password: PASSWORD, certificates: testCertificates(), clientCertCheck: "http" });
    const url = await nginx.start();
    try {
      const none = await get(url, "/api.php", [["cmd", "execute"], ["proc", "CLN_AUTH_LOGIN"], ["arg1", LOGIN], ["arg2", PASSWORD]], { ca: testCertificates().ca.cert });
      expect(none.status).toBe(400);
      expect(none.text).toContain("No required SSL certificate was sent");
      const ok = await callProc(url, "CLN_AUTH_LOGIN", [LOGIN, PASSWORD, 0]);
      expect(rowsOf(ok)[0]!["suid"]).toMatch(/^\d+$/);
      expect(nginx.state().sessions).toBe(1);
    } finally {
      await nginx.stop();
    }
  });
});

describe("startSandbox: the billing", () => {
  it("writes the CA, client certificate, key and .pfx to a temp folder, points the config at them, and removes them on stop", async () => {
    const sandbox = await startSandbox({ billing: { password: "fixed-test-billing-pw" } });
    const b = sandbox.billing;
    try {
      expect(b.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(readFileSync(b.caCertPath, "utf8")).toBe(b.emulator.certificates.ca.cert);
      expect(readFileSync(b.clientKeyPath, "utf8")).toContain("PRIVATE KEY");
      expect(sandbox.pulumiConfig.filter((e) => e.key.startsWith("billing:"))).toEqual([
        { key: "billing:url", value: b.url, secret: false },
        { key: "billing:login", value: "sandbox-cashier", secret: false },
        { key: "billing:password", value: "fixed-test-billing-pw", secret: true },
        { key: "billing:caCert", value: b.caCertPath, secret: false },
        { key: "billing:clientCert", value: b.clientCertPath, secret: false },
        { key: "billing:clientKey", value: b.clientKeyPath, secret: true },
      ]);
      expect(sandbox.env).toMatchObject({ BILLING_URL: b.url, BILLING_CA_CERT: b.caCertPath, BILLING_CLIENT_KEY: b.clientKeyPath });
      expect(sandbox.summaries.billing).toMatchObject({ url: b.url, caCert: b.caCertPath, clientCert: b.clientCertPath, pfx: b.pfxPath, adminUrl: `${b.url}/__sandbox` });
      // The sandbox command says where the certificates are, and no secret in its comments.
      const printed = sandboxInstructions(sandbox);
      expect(printed).toContain(`pulumi config set billing:caCert ${b.caCertPath}`);
      expect(printed).toContain(`pulumi config set --secret billing:clientKey ${b.clientKeyPath}`);
      expect(printed).toContain(`#     pfx: ${b.pfxPath}`);
      expect(printed).not.toContain(b.pfxPassphrase);
      expect(printed.split("\n").filter((line) => line.includes("fixed-test-billing-pw"))).toEqual([
        "pulumi config set --secret billing:password fixed-test-billing-pw",
        "export BILLING_PASSWORD=fixed-test-billing-pw",
      ]);
      // What the files say is what the server wants.
      const identity = { ca: readFileSync(b.caCertPath, "utf8"), pfx: readFileSync(b.pfxPath), passphrase: b.pfxPassphrase };
      const answer = await callProc(b.url, "CLN_AUTH_LOGIN", [b.login, b.password, 0], { identity });
      expect(rowsOf(answer)[0]!["suid"]).toMatch(/^\d+$/);
    } finally {
      await sandbox.stop();
    }
    expect(existsSync(b.certDir)).toBe(false);
  });

  it("listens on portBase + 4", async () => {
    const { port, value: sandbox } = await onFreePortBase((portBase) => startSandbox({ portBase }));
    try {
      expect(sandbox.billing.url).toBe(`https://127.0.0.1:${port + 4}`);
    } finally {
      await sandbox.stop();
    }
  });
});
