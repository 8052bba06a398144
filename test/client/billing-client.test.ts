import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, VendorAuthError, VendorTransportError } from "../../provider/core/errors";
import { BillingClient, HomeOp } from "../../provider/billing/client";
import { generateBillingCertificates, startBillingEmulator } from "../../sandbox";
import { legacyPfx } from "../fixtures/legacy-pfx";
import { PASSWORD, useBillingSandbox } from "./billing-setup";

/** BillingClient against the billing emulator (an independent server), over mutual TLS. */
const ctx = useBillingSandbox();
const emulator = () => ctx.sandbox.billing.emulator;
const client = () => BillingClient.fromConfig();
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const LENINA = { street: "улица Ленина", s_number: 12, s_liter: "А", city: "Казань", region: "Татарстан", country: "Россия", zip_code: "420111", pull_id: 1, connect_date: "2024-03-01" };

describe("sessions (billing:authMode session)", () => {
  it("logs in once and reuses the SUID, as the first positional argument", async () => {
    await client().listHomes();
    await client().listHomes(5);
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_HOME_LIST"]);
    const [login, , byId] = emulator().log.entries();
    expect(login!.params).toEqual({ cmd: "execute", proc: "CLN_AUTH_LOGIN", arg1: ctx.sandbox.billing.login, arg2: "***", arg3: "0" });
    expect(byId!.params).toEqual({ cmd: "execute", proc: "CLN_HOME_LIST", arg1: "***", arg2: "5" });
  });

  it("shares one login between concurrent first calls", async () => {
    await Promise.all(Array.from({ length: 5 }, () => client().listHomes()));
    expect(ctx.routes().filter((r) => r === "CLN_AUTH_LOGIN")).toHaveLength(1);
  });

  it("renews once when the billing says the session expired, also for many concurrent calls", async () => {
    await client().listHomes();
    emulator().expireSessions();
    emulator().log.clear();
    await client().listHomes();
    expect(ctx.routes()).toEqual(["CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST"]);
    emulator().expireSessions();
    emulator().log.clear();
    await Promise.all(Array.from({ length: 5 }, () => client().listHomes()));
    expect(ctx.routes().filter((r) => r === "CLN_AUTH_LOGIN")).toHaveLength(1);
    expect(ctx.routes().filter((r) => r === "CLN_HOME_LIST")).toHaveLength(10);
  });

  it("renews after the billing's idle timeout (a short lifetime, no real wait of minutes)", async () => {
    // The lifetime is shortened only after the first call, so a slow machine cannot expire the
    // session between the login and that call (it did under load with a 30 ms lifetime throughout).
    await client().listHomes();
    emulator().behaviour.sessionTtlMs = 150;
    await new Promise((r) => setTimeout(r, 250));
    await client().editHome(HomeOp.add, null, LENINA);
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_HOME_EDIT", "CLN_AUTH_LOGIN", "CLN_HOME_EDIT"]);
    expect(emulator().homes.list()).toHaveLength(1); // the refused add was not applied; the repeat was
  });

  it("gives up after one renewal when the billing keeps refusing the session", async () => {
    const expired = '<?xml version="1.0" encoding="utf-8"?><result><error>Сессия не найдена или истекла</error></result>';
    emulator().faults.set("CLN_HOME_LIST", { status: 200, body: expired });
    const error = await failure(client().listHomes());
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error!.message).toMatch(/renewed once and the billing still refuses it/);
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST"]);
  });

  it("fails a wrong password with an error naming the keys, and never shows the password", async () => {
    const wrong = "wrong-billing-password-77";
    ctx.configure({ "billing:password": wrong });
    const error = await failure(client().listHomes());
    expect(error).toBeInstanceOf(VendorAuthError);
    expect(error!.message).toBe(
      'billing CLN_AUTH_LOGIN failed: "Неверное имя пользователя или пароль". Check the API administrator\'s credentials: billing:login / BILLING_LOGIN and billing:password / BILLING_PASSWORD.',
    );
    expect(JSON.stringify({ ...error, message: error!.message, stack: error!.stack })).not.toContain(wrong);
  });
});

describe("login/password on every request (billing:authMode per-call)", () => {
  it("sends login and password first and no SUID: no CLN_AUTH_LOGIN", async () => {
    ctx.configure({ "billing:authMode": "per-call" });
    await client().editHome(HomeOp.add, null, LENINA);
    await client().listHomes(101);
    expect(ctx.routes()).toEqual(["CLN_HOME_EDIT", "CLN_HOME_LIST"]);
    const [, list] = emulator().log.entries();
    expect(list!.params).toEqual({ login: ctx.sandbox.billing.login, password: "***", cmd: "execute", proc: "CLN_HOME_LIST", arg1: "101" });
  });

  it("fails a wrong password clearly, and says to use sessions when the billing is too old for per-call", async () => {
    ctx.configure({ "billing:authMode": "per-call", "billing:password": "wrong-billing-password-78" });
    const wrong = await failure(client().listHomes());
    expect(wrong).toBeInstanceOf(VendorAuthError);
    expect(wrong!.message).toMatch(/billing:password \/ BILLING_PASSWORD/);
    expect(wrong!.message).not.toContain("wrong-billing-password-78");
    emulator().behaviour.perCallAuth = false;
    ctx.configure({ "billing:authMode": "per-call" });
    expect((await failure(client().listHomes()))!.message).toMatch(/may be older than 3\.9\.7 — set billing:authMode to session/);
  });
});

describe("answers", () => {
  it("round-trips Cyrillic through windows-1251 answers, and through UTF-8 with other element names", async () => {
    const [added] = await client().editHome(HomeOp.add, null, LENINA);
    expect(added).toEqual({ id: "101" });
    const [row] = await client().listHomes(101);
    expect(row).toMatchObject({ street: "улица Ленина", s_liter: "А", city: "Казань", region: "Татарстан", country: "Россия", zip_code: "420111" });
    emulator().behaviour.encoding = "utf-8";
    emulator().behaviour.elementNames = { root: "response", row: "home" };
    const [again] = await client().listHomes(101);
    expect(again).toEqual(row);
  });

  it("refuses a cut answer instead of reading half a row", async () => {
    await client().editHome(HomeOp.add, null, LENINA);
    emulator().faults.set("CLN_HOME_LIST", { malformed: true, times: 1 });
    const error = await failure(client().listHomes(101));
    expect(error!.message).toMatch(/^billing CLN_HOME_LIST failed: an answer that is not well-formed XML \("/);
    expect(error!.message).toMatch(/is billing:url \(BILLING_URL\) the cashier web interface/);
  });

  it("reports the billing's <error> as it says it, under HTTP 200 or 500, without retrying it", async () => {
    for (const status of [200, 500]) {
      emulator().behaviour.errorStatus = status;
      emulator().log.clear();
      const error = await failure(client().editHome(HomeOp.add, null, { ...LENINA, zip_code: "12345678901" }));
      expect(error!.message).toMatch(/^billing CLN_HOME_EDIT failed: "arithmetic exception, numeric overflow, or string truncation; string right truncation \(column ZIP_CODE/);
      expect(ctx.routes().filter((r) => r === "CLN_HOME_EDIT")).toHaveLength(1);
    }
  });
});

describe("mutual TLS", () => {
  it("accepts the client certificate as PEM text, or as the .pfx with its passphrase", async () => {
    const b = ctx.sandbox.billing;
    ctx.configure({ "billing:clientCert": readFileSync(b.clientCertPath, "utf8"), "billing:clientKey": readFileSync(b.clientKeyPath, "utf8"), "billing:caCert": readFileSync(b.caCertPath, "utf8") });
    expect(await client().listHomes()).toEqual([]);
    ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": b.pfxPath, "billing:pfxPassphrase": b.pfxPassphrase });
    expect(await client().listHomes()).toEqual([]);
    ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": readFileSync(b.pfxPath).toString("base64"), "billing:pfxPassphrase": b.pfxPassphrase });
    expect(await client().listHomes()).toEqual([]);
  });

  it("accepts a legacy .pfx (RC2-40/3DES) Node cannot open, as a path or base64, and trusts its CA as Node does a .pfx's", async () => {
    const b = ctx.sandbox.billing;
    const passphrase = "fake-legacy-pfx-pass";
    const pfx = legacyPfx(readFileSync(b.clientKeyPath, "utf8"), [readFileSync(b.clientCertPath, "utf8"), readFileSync(b.caCertPath, "utf8")], passphrase);
    const path = join(b.certDir, "legacy.pfx");
    writeFileSync(path, pfx);
    ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": path, "billing:pfxPassphrase": passphrase });
    expect(await client().listHomes()).toEqual([]);
    ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": pfx.toString("base64"), "billing:pfxPassphrase": passphrase });
    expect(await client().listHomes()).toEqual([]);
    for (const file of [path, b.pfxPath]) {
      ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:caCert": undefined, "billing:pfx": file, "billing:pfxPassphrase": file === path ? passphrase : b.pfxPassphrase });
      expect(await client().listHomes()).toEqual([]);
    }
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_AUTH_LOGIN", "CLN_HOME_LIST"]);
  });

  it("with a legacy .pfx names billing:pfxPassphrase for a wrong or missing passphrase (never showing one) and billing:pfx for a damaged file", async () => {
    const b = ctx.sandbox.billing;
    const passphrase = "fake-legacy-pfx-pass";
    const pfx = legacyPfx(readFileSync(b.clientKeyPath, "utf8"), [readFileSync(b.clientCertPath, "utf8")], passphrase);
    const base = { "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": pfx.toString("base64") };
    const cases: Array<[Record<string, string | undefined>, RegExp]> = [
      [{ ...base, "billing:pfxPassphrase": "fake-wrong-pass" }, /^billing:pfx \(BILLING_PFX\) cannot be opened with billing:pfxPassphrase \(BILLING_PFX_PASSPHRASE\): the passphrase is wrong.*`pulumi config set --secret billing:pfxPassphrase <password>`/],
      [{ ...base, "billing:pfxPassphrase": undefined }, /^billing:pfx \(BILLING_PFX\) is protected by a password and billing:pfxPassphrase \(BILLING_PFX_PASSPHRASE\) is not set/],
      [{ ...base, "billing:pfx": pfx.subarray(0, 600).toString("base64"), "billing:pfxPassphrase": passphrase }, /^billing:pfx \(BILLING_PFX\) is not a PKCS#12 \(\.pfx\) file that can be read \(.+\): give the \.pfx the billing created/],
    ];
    for (const [overrides, message] of cases) {
      ctx.configure(overrides);
      const error = await failure(Promise.resolve().then(() => client().listHomes()));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(message);
      expect(error!.message).not.toMatch(/fake-wrong-pass|fake-legacy-pfx-pass/);
    }
    expect(emulator().log.entries()).toEqual([]);
  });

  it("without a client certificate fails with a TLS error naming the keys to set", async () => {
    ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:maxRetries": "0" });
    const error = await failure(client().listHomes());
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error!.message).toMatch(/no client certificate is configured, and the billing's cashier web interface requires one\. Set billing:clientCert \+ billing:clientKey \(BILLING_CLIENT_CERT \/ BILLING_CLIENT_KEY\), or billing:pfx \+ billing:pfxPassphrase/);
    expect((error as VendorTransportError).retryable).toBe(false);
    expect(emulator().log.entries()).toEqual([]);
  });

  it("with a client certificate from another CA fails naming the certificate keys", async () => {
    const other = generateBillingCertificates();
    ctx.configure({ "billing:clientCert": other.client.cert, "billing:clientKey": other.client.key, "billing:maxRetries": "0" });
    const error = await failure(client().listHomes());
    expect(error!.message).toMatch(/the billing is probably refusing the client certificate: check billing:clientCert \+ billing:clientKey/);
  });

  it("without the operator's CA refuses the server (verification stays on) and names billing:caCert", async () => {
    ctx.configure({ "billing:caCert": undefined });
    const untrusted = await failure(client().listHomes());
    expect(untrusted!.message).toMatch(/TLS failure: .*set billing:caCert \(BILLING_CA_CERT\) to the CA that signed the cashier web interface's certificate/);
    ctx.configure({ "billing:caCert": generateBillingCertificates().ca.cert });
    expect((await failure(client().listHomes()))!.message).toMatch(/not signed by the CA in billing:caCert/);
    expect(emulator().log.entries()).toEqual([]);
  });

  it("refuses a server whose certificate is for another host, naming billing:url", async () => {
    const b = ctx.sandbox.billing;
    const certificates = generateBillingCertificates({ serverHosts: ["billing.example.invalid"] });
    const elsewhere = await startBillingEmulator({ login: b.login, password: PASSWORD, certificates });
    try {
      ctx.configure({ "billing:url": elsewhere.url, "billing:caCert": certificates.ca.cert, "billing:clientCert": certificates.client.cert, "billing:clientKey": certificates.client.key });
      const error = await failure(client().listHomes());
      expect(error!.message).toMatch(/the billing's certificate is not valid for the host name in billing:url \(.*127\.0\.0\.1.*\)\. Use in billing:url \(BILLING_URL\) the host name the certificate was made for/);
    } finally {
      await elsewhere.stop();
    }
  });

  it("understands the nginx way of refusing a client certificate (HTTP 400)", async () => {
    const b = ctx.sandbox.billing;
    const nginx = await startBillingEmulator({ login: b.login, password: PASSWORD, certificates: b.emulator.certificates, clientCertCheck: "http" });
    try {
      ctx.configure({ "billing:url": nginx.url, "billing:clientCert": undefined, "billing:clientKey": undefined });
      const error = await failure(client().listHomes());
      expect(error!.message).toMatch(/HTTP 400 "400 No required SSL certificate was sent.*" — no client certificate is configured/);
    } finally {
      await nginx.stop();
    }
  });

  it("refuses unusable certificate configuration before any request, naming the keys", async () => {
    const b = ctx.sandbox.billing;
    const cases: Array<[Record<string, string | undefined>, RegExp]> = [
      [{ "billing:clientKey": undefined }, /billing:clientKey \(BILLING_CLIENT_KEY\) is not set; billing:clientCert and billing:clientKey go together/],
      [{ "billing:pfx": b.pfxPath, "billing:pfxPassphrase": b.pfxPassphrase }, /set either billing:clientCert \+ billing:clientKey or billing:pfx, not both/],
      [{ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": b.pfxPath, "billing:pfxPassphrase": "not-the-passphrase" }, /billing:pfx \(BILLING_PFX\) cannot be opened with billing:pfxPassphrase \(BILLING_PFX_PASSPHRASE\): the passphrase is wrong/],
      [{ "billing:clientKey": generateBillingCertificates().client.key }, /client certificate cannot be used: .*a certificate and its own private key/],
      [{ "billing:caCert": "/nonexistent/ca.pem" }, /billing:caCert names a file that cannot be read \(ENOENT\)/],
      [{ "billing:clientCert": b.clientKeyPath }, /billing:clientCert must be a PEM certificate/],
    ];
    for (const [overrides, message] of cases) {
      ctx.configure(overrides);
      const error = await failure(Promise.resolve().then(() => client().listHomes()));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(message);
    }
    expect(emulator().log.entries()).toEqual([]);
  });
});
