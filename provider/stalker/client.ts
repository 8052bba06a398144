import { z } from "zod";
import { basicCredentials } from "../core/auth";
import { VendorApiError, VendorAuthError, VendorNotFoundError } from "../core/errors";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { stalkerConfig } from "./config";

/** An account as `GET /accounts/<id>` answers it (wire names); fields beyond `login` may be missing. */
export type StalkerAccountRecord = { login: string } & Record<string, unknown>;

/** Form fields in wire names (`full_name`, `stb_mac`, ...), already encoded. */
export type StalkerParams = Array<[string, string]>;

/**
 * How an account is addressed in a URL. The API knows no other way: never by login. A MAC is
 * unique; an account number may belong to several accounts.
 */
export type StalkerAddress = { kind: "mac"; mac: string } | { kind: "number"; accountNumber: string };

const envelope = z.looseObject({
  status: z.enum(["OK", "ERROR"]),
  results: z.unknown().optional(),
  error: z.unknown().optional(),
});
const accountList = z.array(z.looseObject({ login: z.union([z.string(), z.number().transform(String)]) }));

/**
 * The error text Stalker answers (HTTP 200, status ERROR) when a single identifier matches no
 * account. Assumed to mean "no such account" for GET (gone) and DELETE (already deleted); the
 * document does not list error texts.
 */
export const ACCOUNT_NOT_FOUND = "Account not found";

/**
 * Stalker Middleware REST API v1 client (resource ACCOUNTS): one method per call. Basic auth on
 * every request, form bodies (the API reads JSON bodies as empty), answers `{status, results, error}`
 * with HTTP 200 even for errors — except 401 for bad credentials.
 */
export class StalkerClient {
  constructor(private readonly transport: HttpTransport) {}

  /** A client for the configured Stalker (stack config or environment), shared per process. */
  static fromConfig(): StalkerClient {
    const config = stalkerConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "stalker",
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        auth: basicCredentials(config.user, config.password),
      });
      cached = { config, client: new StalkerClient(transport) };
    }
    return cached.client;
  }

  /**
   * `GET /accounts/<address>`: every account the address resolves to — one for a MAC, any number
   * for an account number — and an empty list when none ("Account not found").
   */
  async getAccounts(address: StalkerAddress): Promise<StalkerAccountRecord[]> {
    try {
      const results = await this.call("GET", address, undefined, { idempotent: true });
      const parsed = accountList.safeParse(results);
      if (!parsed.success) throw this.unexpected("GET /accounts/{id}", "results is not a list of accounts");
      return parsed.data as StalkerAccountRecord[];
    } catch (error) {
      if (error instanceof VendorNotFoundError) return [];
      throw error;
    }
  }

  /**
   * `POST /accounts/`. Not idempotent (a second one answers "Login already in use"), so it is
   * repeated only when it certainly never reached Stalker; the answer is `true`, no id.
   */
  async addAccount(params: StalkerParams): Promise<void> {
    await this.call("POST", undefined, params, { idempotent: false });
  }

  /**
   * `PUT /accounts/<address>`. Changes EVERY account the address resolves to: callers must have
   * checked that it resolves to exactly the one they mean. `idempotent` is false when the PUT
   * moves the account to another MAC (a repeat would address the old MAC, which no longer exists).
   */
  async updateAccount(address: StalkerAddress, params: StalkerParams, opts: { idempotent: boolean }): Promise<void> {
    await this.call("PUT", address, params, opts);
  }

  /**
   * `DELETE /accounts/<address>`. Deletes EVERY account the address resolves to (see updateAccount).
   * `idempotent: false` keeps the transport from repeating it on its own (callers re-check first).
   */
  async deleteAccount(address: StalkerAddress, opts: { idempotent: boolean }): Promise<void> {
    await this.call("DELETE", address, undefined, opts);
  }

  private async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    address: StalkerAddress | undefined,
    form: StalkerParams | undefined,
    opts: { idempotent: boolean },
  ): Promise<unknown> {
    const operation = `${method} /accounts/${address ? "{id}" : ""}`;
    const answer = await this.transport.send({
      operation,
      method,
      path: `/accounts/${address ? identifier(address) : ""}`,
      form,
      idempotent: opts.idempotent,
    });
    if (answer.status === 401) {
      throw new VendorAuthError(
        `Stalker ${operation} failed: HTTP 401, the REST API refused the credentials. Check ` +
          `stalker:user / STALKER_USER and stalker:password / STALKER_PASSWORD (HTTP basic authentication).`,
        { vendor: "stalker", operation, httpStatus: 401 },
      );
    }
    const body = parseEnvelope(answer);
    if (!body) {
      // A 5xx without the API's answer (PHP died half-way) or a cut-off body: the request may
      // have been applied, so a create must look the account up before it tries again.
      throw this.unexpected(operation, `HTTP ${answer.status} without the API's {status, results} answer`, answer.status, {
        outcomeUnknown: method !== "GET" && (answer.status >= 500 || answer.status === 200),
      });
    }
    if (body.status === "ERROR") {
      const text = typeof body.error === "string" && body.error !== "" ? body.error : "no reason given";
      const details = { vendor: "stalker" as const, operation, code: text, httpStatus: answer.status };
      if (text === ACCOUNT_NOT_FOUND) throw new VendorNotFoundError(`Stalker ${operation} failed: ${text}`, details);
      throw new VendorApiError(`Stalker ${operation} failed: ${text}`, details);
    }
    return body.results;
  }

  private unexpected(operation: string, what: string, httpStatus?: number, extra: { outcomeUnknown?: boolean } = {}): VendorApiError {
    return new VendorApiError(
      `Stalker ${operation} answered in an unexpected shape (${what}); is stalker:url the REST API base, ` +
        `e.g. http://stalker.example.net/stalker_portal/api?`,
      { vendor: "stalker", operation, httpStatus, outcomeUnknown: extra.outcomeUnknown },
    );
  }
}

let cached: { config: ReturnType<typeof stalkerConfig.load>; client: StalkerClient } | undefined;

/**
 * The URL segment of an address. MACs go with literal colons, as the document writes them (and the
 * server tells a MAC from an account number by its colons); account numbers are percent-encoded.
 */
function identifier(address: StalkerAddress): string {
  if (address.kind === "mac") {
    if (!/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(address.mac)) throw new Error(`not a normalised MAC: ${address.mac}`);
    return address.mac;
  }
  return encodeURIComponent(address.accountNumber);
}

/** The `{status, results, error}` answer, or undefined when the body is not one (HTML, cut-off JSON). */
function parseEnvelope(answer: HttpAnswer): z.infer<typeof envelope> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(answer.text());
  } catch {
    return undefined;
  }
  const parsed = envelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
