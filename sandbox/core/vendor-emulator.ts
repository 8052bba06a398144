import type http from "node:http";
import { ADMIN_PREFIX, AdminRequestError, genericAdminRoutes } from "./admin-routes";
import { parseBody } from "./body-parser";
import { FaultRegistry, type Fault, type FaultKind } from "./faults";
import { InFlightGauge } from "./in-flight";
import { BodyTooLargeError, clientCertificateOf, listen, readBody, type ListenOptions, type ListeningServer } from "./http-server";
import { MAIN_LISTENER, type Route, type SandboxRequest, type SandboxResponse } from "./http-types";
import { DEFAULT_SECRET_KEY_PATTERN, redactSecrets } from "./redaction";
import { RequestLog, type RequestLogEntry } from "./request-log";
import { jsonResponse } from "./responses";
import { matchRoute } from "./router";

export interface VendorEmulatorSettings {
  /** Short vendor name used in messages, e.g. `forpost`. */
  vendor: string;
  /** Parameter names whose values the request log hides; default {@link DEFAULT_SECRET_KEY_PATTERN}. */
  secretKeyPattern?: RegExp;
  /** Request log capacity (oldest entries dropped beyond it). */
  logCapacity?: number;
  /** Largest accepted request body; larger ones get 413. Default 1 MiB. */
  bodyLimitBytes?: number;
}

/**
 * Base class of every vendor emulator: an HTTP(S) server on loopback that routes vendor requests to
 * the subclass's handlers, logs them (secrets redacted), injects faults per route, and serves the
 * admin routes under `/__sandbox/`. Admin requests are neither logged nor subject to faults.
 */
export abstract class VendorEmulator {
  /** Vendor requests handled so far. */
  readonly log: RequestLog;
  /** Per-route fault injection: `faults.set("AddAccount", { drop: "after", times: 1 })`. */
  readonly faults: FaultRegistry;
  /** Vendor requests in flight right now and the most at once (admin requests are not counted). */
  readonly inFlight = new InFlightGauge();
  private server: ListeningServer | undefined;
  private readonly extraServers = new Map<string, ListeningServer>();
  private cachedRoutes: readonly Route[] | undefined;
  private cachedAdminRoutes: readonly Route[] | undefined;
  private readonly secretKeyPattern: RegExp;
  private readonly bodyLimitBytes: number;

  protected constructor(protected readonly settings: VendorEmulatorSettings) {
    this.log = new RequestLog(settings.logCapacity);
    this.faults = new FaultRegistry(() => this.routeNames());
    this.secretKeyPattern = settings.secretKeyPattern ?? DEFAULT_SECRET_KEY_PATTERN;
    this.bodyLimitBytes = settings.bodyLimitBytes ?? 1024 * 1024;
  }

  /** The vendor routes (built once, on first use). */
  protected abstract vendorRoutes(): readonly Route[];

  /** A JSON-serialisable snapshot of the emulator's objects (served at `GET /__sandbox/state`). */
  abstract state(): unknown;

  /** Empties the emulator's objects (the log and faults are handled by {@link reset}). */
  protected abstract resetState(): void;

  /** Vendor-specific admin routes; paths must start with `/__sandbox/`. */
  protected extraAdminRoutes(): readonly Route[] {
    return [];
  }

  /** Values that must never appear in the log even under an innocent parameter name (e.g. the admin password). */
  protected secretValues(): readonly string[] {
    return [];
  }

  /**
   * Last say over what the request log keeps of a request's parameters (already redacted by key
   * pattern and secret values), for secrets that only their position identifies — e.g. the password
   * in the billing's `proc=CLN_AUTH_LOGIN&arg2=…`. Default: as given.
   */
  protected redactLoggedParams(_request: SandboxRequest, params: Record<string, unknown>): Record<string, unknown> {
    return params;
  }

  /** Answer when no vendor route has the path. */
  protected notFound(request: SandboxRequest): SandboxResponse {
    return jsonResponse(404, { error: `no ${this.settings.vendor} route ${request.method} ${request.path}` });
  }

  /** Answer when the path exists but not for the request's method. */
  protected methodNotAllowed(request: SandboxRequest, allowed: string[]): SandboxResponse {
    return jsonResponse(405, { error: `${request.method} not allowed on ${request.path}` }, { Allow: allowed.join(", ") });
  }

  /** Names of the vendor routes (what `faults.set` accepts, besides `"*"`). */
  routeNames(): string[] {
    return this.routes().map((route) => route.name);
  }

  /** Empties the emulator's objects, its request log and its faults, and restarts the in-flight peak: a fresh emulator on the same port. */
  reset(): void {
    this.resetState();
    this.log.clear();
    this.faults.clear();
    this.inFlight.resetPeak();
  }

  /** Base URL (no trailing slash) once started. */
  get url(): string {
    if (!this.server) throw new Error(`${this.settings.vendor} emulator is not started`);
    return this.server.url;
  }

  /** Starts listening (default `127.0.0.1`, a free port); resolves to the base URL. */
  async start(options: ListenOptions = {}): Promise<string> {
    if (this.server) throw new Error(`${this.settings.vendor} emulator is already started`);
    this.server = await listen((request, response) => void this.serve(request, response, MAIN_LISTENER), options);
    return this.server.url;
  }

  /**
   * Opens a further listener (after {@link start}) served by the same routes, log, faults and state,
   * for vendors that answer on two servers. Requests on it carry `listener: name`; routes with a
   * `listener` are served only there. Resolves to its base URL. {@link stop} closes it too.
   */
  protected async listenAlso(name: string, options: ListenOptions = {}): Promise<string> {
    if (!this.server) throw new Error(`${this.settings.vendor} emulator: start() before listenAlso()`);
    if (name === MAIN_LISTENER || this.extraServers.has(name)) throw new Error(`listener "${name}" already exists`);
    const server = await listen((request, response) => void this.serve(request, response, name), options);
    this.extraServers.set(name, server);
    return server.url;
  }

  /** Base URL of a listener opened with {@link listenAlso}. */
  protected listenerUrl(name: string): string {
    const server = this.extraServers.get(name);
    if (!server) throw new Error(`${this.settings.vendor} emulator has no listener "${name}"`);
    return server.url;
  }

  /** Stops listening and closes open connections. Safe to call twice. */
  async stop(): Promise<void> {
    const servers = [this.server, ...this.extraServers.values()];
    this.server = undefined;
    this.extraServers.clear();
    await Promise.all(servers.map((server) => server?.close()));
  }

  private routes(): readonly Route[] {
    this.cachedRoutes ??= this.vendorRoutes();
    return this.cachedRoutes;
  }

  private adminRoutes(): readonly Route[] {
    this.cachedAdminRoutes ??= [...genericAdminRoutes(this), ...this.extraAdminRoutes()];
    return this.cachedAdminRoutes;
  }

  private async serve(raw: http.IncomingMessage, response: http.ServerResponse, listener: string): Promise<void> {
    const time = new Date().toISOString();
    if (!isAdminPath(new URL(raw.url ?? "/", "http://sandbox").pathname)) {
      // Done when the answer is handed to the socket ("finish"), or the connection is dropped ("close").
      const leave = this.inFlight.enter();
      response.once("finish", leave);
      response.once("close", leave);
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(raw, this.bodyLimitBytes);
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      write(response, jsonResponse(status, { error: (error as Error).message }), { close: true });
      return;
    }
    const url = new URL(raw.url ?? "/", "http://sandbox");
    const request: SandboxRequest = {
      method: (raw.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: raw.headers,
      body: parseBody(raw.headers["content-type"], rawBody),
      rawBody,
      pathParams: {},
      route: null,
      listener,
    };
    const certificate = clientCertificateOf(raw);
    if (certificate) request.clientCertificate = certificate;

    if (isAdminPath(request.path)) {
      write(response, await this.handleAdmin(request));
      return;
    }
    await this.handleVendor(request, response, time);
  }

  private async handleAdmin(request: SandboxRequest): Promise<SandboxResponse> {
    const match = matchRoute(this.adminRoutes(), request.method, request.path);
    if (match.kind === "not-found") return jsonResponse(404, { error: `no admin route ${request.path}` });
    if (match.kind === "method-not-allowed") {
      return jsonResponse(405, { error: `${request.method} not allowed on ${request.path}` }, { Allow: match.allowed.join(", ") });
    }
    try {
      return await match.route.handler({ ...request, route: match.route.name, pathParams: match.pathParams });
    } catch (error) {
      if (error instanceof AdminRequestError) return jsonResponse(400, { error: error.message });
      return jsonResponse(500, { error: `admin route failed: ${(error as Error).message}` });
    }
  }

  private async handleVendor(request: SandboxRequest, response: http.ServerResponse, time: string): Promise<void> {
    const routes = this.routes().filter((route) => route.listener === undefined || route.listener === request.listener);
    const match = matchRoute(routes, request.method, request.path, request.query);
    if (match.kind !== "not-found") {
      request.route = match.route.name;
      request.pathParams = match.pathParams;
    }
    const entry: RequestLogEntry = {
      time,
      method: request.method,
      path: request.path,
      route: request.route,
      params: this.loggableParams(request),
      status: null,
    };
    if (request.listener !== MAIN_LISTENER) entry.listener = request.listener;
    const applied: FaultKind[] = [];
    const finish = (status: number | null): void => {
      entry.status = status;
      if (applied.length > 0) entry.faults = applied;
      this.log.record(entry);
    };

    const fault = this.faults.take(request.route);
    if (fault?.latencyMs) {
      applied.push("latency");
      await sleep(fault.latencyMs);
    }
    if (fault?.drop === "before") {
      applied.push("drop-before");
      finish(null);
      response.socket?.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      applied.push("status");
      const answer = faultAnswer(fault);
      finish(answer.status);
      write(response, answer);
      return;
    }

    let answer: SandboxResponse;
    try {
      if (match.kind === "found") answer = await match.route.handler(request);
      else if (match.kind === "method-not-allowed") answer = this.methodNotAllowed(request, match.allowed);
      else answer = this.notFound(request);
    } catch (error) {
      answer = jsonResponse(500, { error: `${this.settings.vendor} emulator failed: ${(error as Error).message}` });
    }

    if (fault?.drop === "after") {
      applied.push("drop-after");
      finish(null);
      response.socket?.destroy();
      return;
    }
    if (fault?.malformed) {
      applied.push("malformed");
      answer = { status: 200, headers: answer.headers ?? {}, body: malformedBody(answer.body) };
    }
    finish(answer.status);
    write(response, answer);
  }

  private loggableParams(request: SandboxRequest): Record<string, unknown> {
    let bodyParams: Record<string, unknown> = {};
    if (request.body.kind === "form") bodyParams = request.body.fields;
    else if (request.body.kind === "json") {
      const value = request.body.value;
      bodyParams = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { "(body)": value };
    }
    const rules = { keyPattern: this.secretKeyPattern, secretValues: this.secretValues() };
    return this.redactLoggedParams(request, redactSecrets({ ...request.query, ...bodyParams }, rules) as Record<string, unknown>);
  }
}

function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

function faultAnswer(fault: Fault): SandboxResponse {
  const headers = fault.headers ?? {};
  if (fault.body === undefined) return { status: fault.status!, headers: { ...headers } };
  if (typeof fault.body === "string") {
    return { status: fault.status!, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: fault.body };
  }
  return jsonResponse(fault.status!, fault.body, headers);
}

/**
 * The first half of the real answer (a cut JSON object or array never parses), as a proxy that
 * drops the connection mid-body would deliver it; HTML when that half would still parse.
 */
function malformedBody(body: string | Buffer | undefined): string {
  const text = body === undefined ? "" : body.toString();
  const cut = text.slice(0, Math.floor(text.length / 2));
  try {
    JSON.parse(cut);
  } catch {
    if (cut.length > 0) return cut;
  }
  return "<html><body>502 Bad Gateway</body></html>";
}

function write(response: http.ServerResponse, answer: SandboxResponse, options: { close?: boolean } = {}): void {
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  if (options.close) headers["connection"] = "close";
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
