import { z } from "zod";
import { faultSchema, type FaultRegistry } from "./faults";
import type { Route, SandboxRequest } from "./http-types";
import type { InFlightGauge } from "./in-flight";
import type { RequestLog } from "./request-log";
import { jsonResponse } from "./responses";

/** Every admin route lives under this prefix; nothing under it is a vendor route. */
export const ADMIN_PREFIX = "/__sandbox";

/** An admin request the emulator refuses (answered 400 with `{ "error": message }`). */
export class AdminRequestError extends Error {}

/** What the generic admin routes operate on. */
export interface AdminTarget {
  readonly log: RequestLog;
  readonly faults: FaultRegistry;
  readonly inFlight: InFlightGauge;
  routeNames(): string[];
  state(): unknown;
  reset(): void;
}

const setFaultBody = z.strictObject({ route: z.string().min(1), fault: faultSchema });

/**
 * The admin routes every emulator has, so a test can drive an emulator running in another process:
 * `GET|DELETE /__sandbox/log`, `GET|POST|DELETE /__sandbox/faults`, `GET /__sandbox/state`,
 * `POST /__sandbox/reset`, `GET /__sandbox/routes`, `GET|DELETE /__sandbox/in-flight` (vendor requests
 * in flight now and at most at once; DELETE restarts the peak). Bodies and answers are JSON.
 */
export function genericAdminRoutes(target: AdminTarget): Route[] {
  return [
    {
      name: "admin.log.get",
      method: "GET",
      path: `${ADMIN_PREFIX}/log`,
      handler: (request) => jsonResponse(200, { entries: target.log.entries(request.query["route"]) }),
    },
    {
      name: "admin.log.clear",
      method: "DELETE",
      path: `${ADMIN_PREFIX}/log`,
      handler: () => {
        target.log.clear();
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.faults.get",
      method: "GET",
      path: `${ADMIN_PREFIX}/faults`,
      handler: () => jsonResponse(200, { faults: target.faults.list() }),
    },
    {
      name: "admin.faults.set",
      method: "POST",
      path: `${ADMIN_PREFIX}/faults`,
      handler: (request) => {
        const parsed = setFaultBody.safeParse(jsonBodyOf(request));
        if (!parsed.success) {
          throw new AdminRequestError(`expected {"route": string, "fault": {...}}: ${z.prettifyError(parsed.error)}`);
        }
        try {
          target.faults.set(parsed.data.route, parsed.data.fault);
        } catch (error) {
          throw new AdminRequestError((error as Error).message);
        }
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.faults.clear",
      method: "DELETE",
      path: `${ADMIN_PREFIX}/faults`,
      handler: (request) => {
        target.faults.clear(request.query["route"]);
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.state",
      method: "GET",
      path: `${ADMIN_PREFIX}/state`,
      handler: () => jsonResponse(200, target.state()),
    },
    {
      name: "admin.reset",
      method: "POST",
      path: `${ADMIN_PREFIX}/reset`,
      handler: () => {
        target.reset();
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.in-flight.get",
      method: "GET",
      path: `${ADMIN_PREFIX}/in-flight`,
      handler: () => jsonResponse(200, target.inFlight.snapshot()),
    },
    {
      name: "admin.in-flight.reset",
      method: "DELETE",
      path: `${ADMIN_PREFIX}/in-flight`,
      handler: () => {
        target.inFlight.resetPeak();
        return jsonResponse(200, { ok: true });
      },
    },
    {
      name: "admin.routes",
      method: "GET",
      path: `${ADMIN_PREFIX}/routes`,
      handler: () => jsonResponse(200, { routes: target.routeNames() }),
    },
  ];
}

/** The JSON body of an admin request; admin routes accept nothing else. */
export function jsonBodyOf(request: SandboxRequest): unknown {
  if (request.body.kind === "json") return request.body.value;
  if (request.body.kind === "empty") return undefined;
  throw new AdminRequestError("admin routes take a JSON body (Content-Type: application/json)");
}

/** An admin route's JSON body that must be an object (seed records, patches, settings). */
export function jsonObjectOf(request: SandboxRequest): Record<string, unknown> {
  const body = jsonBodyOf(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new AdminRequestError("expected a JSON object");
  return body as Record<string, unknown>;
}
