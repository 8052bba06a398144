import { request as httpsRequest, type RequestOptions } from "node:https";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { jsonResponse, VendorEmulator, type ListenOptions, type Route, type SandboxRequest } from "../../sandbox/core";
import { generateBillingCertificates, type BillingCertificates } from "../../sandbox/billing/billing-certificates";

/** The framework's HTTPS mode on its own: server certificates, optional and required client certificates. */
class WhoAmIEmulator extends VendorEmulator {
  constructor() {
    super({ vendor: "whoami" });
  }
  override state(): unknown {
    return {};
  }
  protected override resetState(): void {}
  protected override vendorRoutes(): readonly Route[] {
    return [{ name: "whoami", method: "GET", path: "/whoami", handler: (request) => jsonResponse(200, request.clientCertificate ?? null) }];
  }
  // Positional secrets: hide `arg2` whatever its name says.
  protected override redactLoggedParams(_request: SandboxRequest, params: Record<string, unknown>): Record<string, unknown> {
    return "arg2" in params ? { ...params, arg2: "***" } : params;
  }
}

let certs: BillingCertificates;
let other: BillingCertificates;
const running: VendorEmulator[] = [];

beforeAll(() => {
  certs = generateBillingCertificates();
  other = generateBillingCertificates();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function start(tls: ListenOptions["tls"]): Promise<{ emulator: WhoAmIEmulator; url: string }> {
  const emulator = new WhoAmIEmulator();
  running.push(emulator);
  return { emulator, url: await emulator.start({ tls }) };
}

function get(url: string, options: RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ...options, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("VendorEmulator over TLS", () => {
  it("serves HTTPS with its certificate, and tells handlers whether a client certificate chains to the CA", async () => {
    const { url } = await start({ key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const withCert = await get(`${url}/whoami`, { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    expect(JSON.parse(withCert.body)).toEqual({ authorized: true, subject: expect.objectContaining({ CN: "cashier" }) });
    const foreign = await get(`${url}/whoami`, { ca: certs.ca.cert, cert: other.client.cert, key: other.client.key });
    expect(JSON.parse(foreign.body)).toMatchObject({ authorized: false, subject: { CN: "cashier" } });
    const none = await get(`${url}/whoami`, { ca: certs.ca.cert });
    expect(JSON.parse(none.body)).toEqual({ authorized: false });
  });

  it("with requireClientCert refuses clients without a certificate from its CA during the handshake", async () => {
    const { emulator, url } = await start({ key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requireClientCert: true });
    await expect(get(`${url}/whoami`, { ca: certs.ca.cert })).rejects.toThrow();
    await expect(get(`${url}/whoami`, { ca: certs.ca.cert, cert: other.client.cert, key: other.client.key })).rejects.toThrow();
    const ok = await get(`${url}/whoami?arg1=x&arg2=positional-secret`, { ca: certs.ca.cert, pfx: certs.client.pfx, passphrase: certs.client.pfxPassphrase });
    expect(ok.status).toBe(200);
    // Refused handshakes never reach the request log; the positional secret is hidden by the hook.
    expect(emulator.log.entries()).toMatchObject([{ route: "whoami", params: { arg1: "x", arg2: "***" } }]);
  });

  it("is verified by clients: a client that does not trust the CA refuses the server", async () => {
    const { url } = await start({ key: certs.server.key, cert: certs.server.cert });
    await expect(get(`${url}/whoami`, { ca: other.ca.cert })).rejects.toThrow(/self-signed certificate in certificate chain|unable to verify/);
    expect((await get(`${url}/whoami`, { ca: certs.ca.cert })).status).toBe(200);
  });
});
