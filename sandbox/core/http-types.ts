import type { IncomingHttpHeaders } from "node:http";

/** A request body as the emulator framework understood it from its content type. */
export type ParsedBody =
  | { kind: "empty" }
  /** `application/x-www-form-urlencoded`: fields by name (the last occurrence of a repeated name wins, as in PHP). */
  | { kind: "form"; fields: Record<string, string> }
  | { kind: "json"; value: unknown }
  /** Declared as JSON but not parseable. */
  | { kind: "invalid-json"; text: string }
  /** `multipart/form-data`: recognised, deliberately not parsed (vendors that read form bodies see no fields). */
  | { kind: "multipart" }
  | { kind: "other"; contentType: string };

/** What a TLS server saw of the client certificate (only when the server runs with TLS). */
export interface ClientCertificateInfo {
  /** The certificate chains up to the configured `ca`. */
  authorized: boolean;
  /** Subject fields of the presented certificate, e.g. `{ CN: "cashier" }`; absent when none was presented. */
  subject?: Record<string, string>;
}

/** One incoming request, fully read, as a route handler sees it. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: ParsedBody;
  rawBody: Buffer;
  /** Named groups of the route's path pattern, when it is a RegExp. */
  pathParams: Record<string, string>;
  /** Name of the matched route; null when no route matched. */
  route: string | null;
  clientCertificate?: ClientCertificateInfo;
  /**
   * Which listener received the request: {@link MAIN_LISTENER} for the one `start()` opens, or the
   * name given to `listenAlso()` (a vendor with two servers, e.g. Hik-Connect's region and area).
   */
  listener?: string;
}

/** The name of the listener an emulator's `start()` opens. */
export const MAIN_LISTENER = "main";

/** An answer a handler returns; the framework writes it (or, under a fault, does something else). */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** A route: a name (used by the request log and fault injection), an HTTP method and a path. */
export interface Route {
  /** Stable name, e.g. the vendor method `AddAccount`; fault injection addresses routes by it. */
  name: string;
  /** HTTP method(s) accepted, upper case; `"*"` accepts any. */
  method: string | readonly string[];
  /** Exact path, or a RegExp over the path whose named groups become `pathParams`. */
  path: string | RegExp;
  /**
   * Query parameters the request must carry with exactly these values, for APIs that name the
   * operation in the query (the billing's `api.php?proc=CLN_HOME_EDIT`). A route with `query` is
   * tried like any other; when it does not match, later routes with the same path still may.
   */
  query?: Readonly<Record<string, string>>;
  handler: Handler;
  /** Serve the route only on this listener (see `VendorEmulator.listenAlso`); default: on every listener. */
  listener?: string;
}
