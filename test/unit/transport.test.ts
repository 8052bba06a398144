import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VendorTransportError } from "../../provider/core/errors";
import { HttpTransport, retryAfterSeconds, type TransportOptions } from "../../provider/core/transport";
import { generateBillingCertificates } from "../../sandbox";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler;
let hits: Array<{ method?: string; url?: string; body: string; headers: IncomingMessage["headers"] }>;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ method: req.method, url: req.url, body, headers: req.headers });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  hits = [];
});

function transport(extra: Partial<TransportOptions> = {}) {
  return new HttpTransport({ vendor: "forpost", baseUrl: `${baseUrl}/`, timeoutMs: 2_000, maxRetries: 3, retryBaseDelayMs: 5, ...extra });
}
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
/** Answers with the statuses in turn, then 200. */
const sequence = (...statuses: Array<number | [number, Record<string, string>]>): Handler => {
  let i = 0;
  return (_req, _body, res) => {
    const next = statuses[i++];
    if (next === undefined) return json(res, 200, { ok: true });
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    json(res, status, { status }, headers);
  };
};

describe("HttpTransport", () => {
  it("sends form bodies with the authenticator's fields first, to base URL + path", async () => {
    handler = (_req, _body, res) => json(res, 200, { ID: 1 });
    const t = transport({ auth: { authorize: (r) => void (r.form = [["AdminLogin", "a"], ...(r.form ?? [])]) } });
    const answer = await t.send({ operation: "AddAccount", method: "POST", path: "/system-api/AddAccount", form: [["Name", "Иван & Co"]], idempotent: false });
    expect(answer.json()).toEqual({ ID: 1 });
    expect(hits[0]!.url).toBe("/system-api/AddAccount");
    expect(hits[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(hits[0]!.body).get("Name")).toBe("Иван & Co");
    expect(hits[0]!.body.startsWith("AdminLogin=a&")).toBe(true);
  });

  it("retries an idempotent request on 503 and 500, and returns the final answer", async () => {
    handler = sequence(503, 500);
    const answer = await transport().send({ operation: "Find", method: "POST", path: "/x", idempotent: true });
    expect(answer.status).toBe(200);
    expect(hits).toHaveLength(3);
  });

  it("returns the last answer when retries run out, for the client to interpret", async () => {
    handler = sequence(503, 503, 503, 503, 503);
    const answer = await transport({ maxRetries: 2 }).send({ operation: "Find", method: "GET", path: "/x", idempotent: true });
    expect(answer.status).toBe(503);
    expect(hits).toHaveLength(3);
  });

  it("never repeats a non-idempotent request the server may have processed (500, 503 without Retry-After)", async () => {
    handler = sequence(500);
    expect((await transport().send({ operation: "Add", method: "POST", path: "/x", idempotent: false })).status).toBe(500);
    expect(hits).toHaveLength(1);
    hits = [];
    handler = sequence(503);
    expect((await transport().send({ operation: "Add", method: "POST", path: "/x", idempotent: false })).status).toBe(503);
    expect(hits).toHaveLength(1);
  });

  it("repeats a non-idempotent request the server refused outright (429), honouring Retry-After", async () => {
    handler = sequence([429, { "retry-after": "1" }]);
    const started = Date.now();
    const answer = await transport().send({ operation: "Add", method: "POST", path: "/x", idempotent: false });
    expect(answer.status).toBe(200);
    expect(hits).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("reports a connection dropped after sending as outcome-unknown and does not repeat a non-idempotent request", async () => {
    handler = (req) => req.socket.destroy();
    const error = await transport().send({ operation: "AddAccount", method: "POST", path: "/x", idempotent: false }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        "^Forpost AddAccount failed: the connection (closed|was reset) before an answer arrived \\(POST http://127\\.0\\.0\\.1:\\d+/x\\)\\. " +
          "Check forpost:url \\(FORPOST_URL\\) and the network between this machine and Forpost \\(a proxy or firewall cutting connections\\); " +
          "if Forpost is only slow, raise forpost:timeoutSeconds \\(FORPOST_TIMEOUT_SECONDS, now 2\\)\\. " +
          "Forpost may have applied the request although no usable answer arrived: if it changes something, check there \\(or run `pulumi refresh`\\) before repeating it by hand\\.$",
      ),
    );
    expect(hits).toHaveLength(1);
  });

  it("repeats an idempotent request after a dropped connection", async () => {
    let first = true;
    handler = (req, _b, res) => (first ? ((first = false), req.socket.destroy()) : json(res, 200, {}));
    expect((await transport().send({ operation: "Find", method: "POST", path: "/x", idempotent: true })).status).toBe(200);
    expect(hits).toHaveLength(2);
  });

  it("retries a refused connection even for a create (it never reached the server), then says what is wrong", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const t = new HttpTransport({ vendor: "forpost", baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000, maxRetries: 2, retryBaseDelayMs: 5 });
    const error = await t.send({ operation: "AddAccount", method: "POST", path: "/x", idempotent: false }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toBe(
      `Forpost AddAccount failed: the connection was refused (POST http://127.0.0.1:${port}/x, 3 attempts). ` +
        "Check forpost:url (FORPOST_URL), that Forpost is running there, and that this machine can reach it over the network.",
    );
    expect(error.outcomeUnknown).toBe(false);
  });

  it("does not retry a TLS failure, and says what is wrong", async () => {
    handler = (_req, _b, res) => json(res, 200, {});
    const t = new HttpTransport({ vendor: "billing", baseUrl: baseUrl.replace("http:", "https:"), timeoutMs: 2_000, maxRetries: 3, retryBaseDelayMs: 5 });
    const error = await t.send({ operation: "CLN_HOME_LIST", method: "GET", path: "/api.php", idempotent: true }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/TLS failure: the server did not answer TLS — is the URL's scheme \(http\/https\) right\?/);
    expect(hits).toHaveLength(0);
  });

  it("reports a client certificate refused after a TLS 1.3 handshake as the TLS alert, and does not retry it", async () => {
    // Under TLS 1.3 the client finishes its handshake and sends the request before the server's
    // alert arrives; undici then reports only "other side closed", which alone would be retried.
    const certificates = generateBillingCertificates();
    const tls = createHttpsServer({ key: certificates.server.key, cert: certificates.server.cert, ca: certificates.ca.cert, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.3" }, (_req, res) => res.end("{}"));
    let handshakes = 0;
    tls.on("connection", () => handshakes++);
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    try {
      const t = new HttpTransport({ vendor: "billing", baseUrl: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`, timeoutMs: 2_000, maxRetries: 3, retryBaseDelayMs: 5, tls: { ca: certificates.ca.cert } });
      const error = await t.send({ operation: "CLN_HOME_LIST", method: "GET", path: "/api.php", idempotent: true }).catch((e) => e);
      expect(error).toBeInstanceOf(VendorTransportError);
      expect(error.message).toMatch(
        /^billing CLN_HOME_LIST failed: TLS failure: the server requires a client certificate \(GET https:\/\/127\.0\.0\.1:\d+\/api\.php\)\. Check billing:url \(BILLING_URL\): its scheme \(http\/https\) and host name must be those of the billing's server\.$/,
      );
      expect(error).toMatchObject({ retryable: false, outcomeUnknown: false });
      expect(error.cause.code).toBe("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
      expect(handshakes).toBe(1);
      await t.close();
    } finally {
      await new Promise<void>((r) => tls.close(() => r()));
    }
  });

  it("gives up on a server that does not answer within the timeout", async () => {
    handler = () => undefined;
    const started = Date.now();
    const error = await transport({ timeoutMs: 300, maxRetries: 0 }).send({ operation: "Find", method: "GET", path: "/slow", idempotent: true }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorTransportError);
    expect(error.message).toMatch(
      /^Forpost Find failed: timed out waiting for the answer \(GET http:\/\/127\.0\.0\.1:\d+\/slow\)\. If Forpost is only slow, raise forpost:timeoutSeconds \(FORPOST_TIMEOUT_SECONDS, now 0\.3\); otherwise check forpost:url \(FORPOST_URL\) and the network between this machine and Forpost\. Forpost may have applied the request/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("renews expired credentials once and repeats the request once", async () => {
    let renewals = 0;
    let token = "old";
    handler = (req, _b, res) => (req.headers.token === "new" ? json(res, 200, {}) : json(res, 401, {}));
    const t = transport({
      auth: {
        authorize: (r) => void (r.headers.token = token),
        isExpired: (a) => a.status === 401,
        renew: async () => {
          renewals++;
          token = "new";
        },
      },
    });
    expect((await t.send({ operation: "Op", method: "POST", path: "/x", idempotent: false })).status).toBe(200);
    expect(renewals).toBe(1);
    expect(hits.map((h) => h.headers.token)).toEqual(["old", "new"]);

    token = "bad";
    handler = (_req, _b, res) => json(res, 401, {});
    const t2 = transport({ auth: { authorize: (r) => void (r.headers.token = "bad"), isExpired: (a) => a.status === 401, renew: async () => void renewals++ } });
    expect((await t2.send({ operation: "Op", method: "GET", path: "/x", idempotent: true })).status).toBe(401);
    expect(renewals).toBe(2);
  });

  it("tells the authenticator which request was refused, so concurrent refusals renew once", async () => {
    let current = "t1";
    let renewals = 0;
    let pending: Promise<void> | undefined;
    const seen: Array<string | undefined> = [];
    // The server accepts only t2; five requests carrying t1 are refused together.
    handler = (req, _b, res) => (req.headers.token === "t2" ? json(res, 200, {}) : json(res, 200, { errorCode: "EXPIRED" }));
    const t = transport({
      auth: {
        authorize: (r) => void (r.headers.token = current),
        isExpired: (a, r) => {
          seen.push(r?.headers.token);
          return (a.json() as { errorCode?: string }).errorCode === "EXPIRED";
        },
        renew: (r) => {
          if (r?.headers.token !== current) return Promise.resolve(); // already replaced by another renewal
          pending ??= (async () => {
            renewals++;
            await new Promise((resolve) => setTimeout(resolve, 20));
            current = "t2";
          })().finally(() => (pending = undefined));
          return pending;
        },
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.send({ operation: "Op", method: "POST", path: "/x", idempotent: false })),
    );
    expect(answers.map((a) => a.json())).toEqual(Array(5).fill({}));
    expect(seen.every((token) => token === "t1")).toBe(true);
    expect(renewals).toBe(1);
  });

  it("hands isExpired and renew the refused request, carrying the credential it was sent with", async () => {
    let session = "s1";
    const seen: string[] = [];
    handler = (req, _b, res) => (req.url?.includes("suid=s2") ? json(res, 200, {}) : json(res, 200, { expired: true }));
    const t = transport({
      auth: {
        authorize: (r) => void r.url.searchParams.set("suid", session),
        isExpired: (a, r) => {
          seen.push(`expired? ${r.url.searchParams.get("suid")}`);
          return (a.json() as { expired?: boolean }).expired === true;
        },
        renew: async (r) => {
          seen.push(`renew ${r.url.searchParams.get("suid")}`);
          session = "s2";
        },
      },
    });
    expect((await t.send({ operation: "Op", method: "GET", path: "/x", idempotent: true })).status).toBe(200);
    expect(seen).toEqual(["expired? s1", "renew s1"]);
    expect(hits.map((h) => h.url)).toEqual(["/x?suid=s1", "/x?suid=s2"]);
  });

  it("asks the rate limiter before every attempt", async () => {
    let acquired = 0;
    handler = sequence(503);
    await transport({ rateLimiter: { acquire: async () => void acquired++ } }).send({ operation: "Op", method: "GET", path: "/x", idempotent: true });
    expect(acquired).toBe(2);
  });

  it("holds a process-wide cap per vendor on requests in flight, as the server counts them, across transports", async () => {
    let inFlight = 0;
    let peak = 0;
    handler = (req, _b, res) => {
      if (req.url === "/other") return json(res, 200, {});
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => (inFlight--, json(res, 200, {})), 200);
    };
    // Two clients of one vendor (a config change re-creates them): one budget of 3 between them.
    const a = transport({ maxConcurrentRequests: 3 });
    const b = transport({ maxConcurrentRequests: 3 });
    const other = new HttpTransport({ vendor: "stalker", baseUrl, timeoutMs: 2_000, maxRetries: 0 });
    const reads = [...Array(10)].flatMap(() => [a, b].map((t) => t.send({ operation: "Find", method: "GET", path: "/x", idempotent: true })));
    // Another vendor has slots of its own: not held up behind Forpost's queue.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    expect((await other.send({ operation: "GET /accounts", method: "GET", path: "/other", idempotent: true })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(700); // behind Forpost's queue it would wait ~1.4 s
    expect((await Promise.all(reads)).every((answer) => answer.status === 200)).toBe(true);
    expect(peak).toBe(3);
    expect(hits.filter((h) => h.url === "/x")).toHaveLength(20);
  });

  it("starts the timeout when the request is sent, not while it waits for a slot", async () => {
    handler = (_req, _b, res) => setTimeout(() => json(res, 200, {}), 250);
    const t = transport({ maxConcurrentRequests: 1, timeoutMs: 400, maxRetries: 0 });
    const started = Date.now();
    // The eighth waits ~1750 ms for its slot: more than the 400 ms timeout (and its 1 s abort margin).
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.send({ operation: "Find", method: "GET", path: "/x", idempotent: true })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
  });

  it("gives the slot back while a retry waits out its backoff or Retry-After", async () => {
    let limited = true;
    handler = (req, _b, res) => {
      if (req.url === "/busy" && limited) return (limited = false), json(res, 503, {}, { "retry-after": "1" });
      json(res, 200, {});
    };
    const t = transport({ maxConcurrentRequests: 1 });
    const t0 = Date.now();
    const busy = t.send({ operation: "Busy", method: "GET", path: "/busy", idempotent: true }).then(() => Date.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const quick = await t.send({ operation: "Quick", method: "GET", path: "/quick", idempotent: true }).then(() => Date.now() - t0);
    expect(quick).toBeLessThan(700); // behind the sleeping retry it would wait over 1 s
    expect(await busy).toBeGreaterThanOrEqual(990);
  });

  it("waits for the rate limiter without holding a slot", async () => {
    handler = (_req, _b, res) => json(res, 200, {});
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const limited = transport({ maxConcurrentRequests: 1, rateLimiter: { acquire: () => gate } });
    const free = transport({ maxConcurrentRequests: 1 });
    let limitedDone = false;
    const waiting = limited.send({ operation: "Limited", method: "GET", path: "/x", idempotent: true }).then(() => (limitedDone = true));
    expect((await free.send({ operation: "Free", method: "GET", path: "/x", idempotent: true })).status).toBe(200);
    expect(limitedDone).toBe(false);
    letGo();
    await waiting;
    expect(hits).toHaveLength(2);
  });

  it("says when an answer is not JSON, without echoing registered secrets", async () => {
    handler = (_req, _b, res) => res.end("<html>oops</html>");
    const answer = await transport().send({ operation: "Find", method: "POST", path: "/x", idempotent: true });
    expect(() => answer.json()).toThrow(
      /^Forpost Find failed: the answer \(HTTP 200\) is not JSON: "<html>oops<\/html>" \(POST http:\/\/127\.0\.0\.1:\d+\/x\)\. Check that forpost:url \(FORPOST_URL\) points at the Forpost API itself, not at a proxy, a login page or another service\.$/,
    );
  });
});

describe("retryAfterSeconds", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterSeconds("3")).toBe(3);
    expect(retryAfterSeconds(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(retryAfterSeconds("soon")).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });
});

describe("VendorTransportError wording", () => {
  const failure = {
    vendor: "billing" as const,
    operation: "CLN_HOME_EDIT",
    kind: "dropped" as const,
    problem: "the connection was reset before an answer arrived",
    where: "GET https://billing.example:1443/api.php",
    attempts: 1,
    timeoutMs: 30_000,
    outcomeUnknown: true,
  };

  it("names the vendor and operation first and ends with what to do, and that a write may have been applied", () => {
    const error = VendorTransportError.from(failure);
    expect(error.message).toBe(
      "billing CLN_HOME_EDIT failed: the connection was reset before an answer arrived (GET https://billing.example:1443/api.php). " +
        "Check billing:url (BILLING_URL) and the network between this machine and the billing (a proxy or firewall cutting connections); " +
        "if the billing is only slow, raise billing:timeoutSeconds (BILLING_TIMEOUT_SECONDS, now 30). " +
        "The billing may have applied the request although no usable answer arrived: if it changes something, check there (or run `pulumi refresh`) before repeating it by hand.",
    );
    expect(error).toMatchObject({ vendor: "billing", operation: "CLN_HOME_EDIT", outcomeUnknown: true, retryable: false });
  });

  it("puts a vendor's own advice first, instead of the generic one when it is definite, and rewords on change", () => {
    const error = VendorTransportError.from({ ...failure, kind: "tls", problem: "TLS failure: the server rejected the client certificate", outcomeUnknown: false });
    const definite = error.with({ vendorAdvice: "check billing:clientCert.", replacesGenericAdvice: true });
    expect(definite.message).toBe(
      "billing CLN_HOME_EDIT failed: TLS failure: the server rejected the client certificate (GET https://billing.example:1443/api.php) — check billing:clientCert.",
    );
    expect(error.with({ vendorAdvice: "maybe billing:clientCert." }).message).toMatch(/ — maybe billing:clientCert\. Check billing:url \(BILLING_URL\): its scheme/);
    expect(error.with({ outcomeUnknown: true }).message).toMatch(/The billing may have applied the request/);
    expect(error.with({ outcomeUnknown: true }).outcomeUnknown).toBe(true);
  });
});
