import { z } from "zod";

/** Route key that applies a fault to every vendor request (a route-specific fault wins over it). */
export const ANY_ROUTE = "*";

/**
 * A misbehaviour to inject on a route. Kinds combine as: latency first, then exactly one of
 * `drop: "before"`, `status`, `drop: "after"`, `malformed` (or none: latency alone).
 */
export const faultSchema = z
  .strictObject({
    /** Wait this long before doing anything else. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Answer with this status without processing the request (no side effect). */
    status: z.number().int().min(100).max(599).optional(),
    /** Body for `status`: a string is sent as text/plain, anything else as JSON. Default: empty. */
    body: z.unknown().optional(),
    /** Headers for `status`, e.g. `{ "Retry-After": "1" }`. */
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * "before": destroy the socket without processing (no side effect);
     * "after": process the request (the side effect happens), then destroy the socket unanswered.
     */
    drop: z.enum(["before", "after"]).optional(),
    /** Process the request (the side effect happens), then answer 200 with a body that is not valid JSON. */
    malformed: z.boolean().optional(),
    /** Apply to the next N matching requests only; default: until cleared. */
    times: z.number().int().min(1).optional(),
    /**
     * Let this many matching requests through untouched first (they do not count towards
     * `times`): for a fault on the second call of a route, e.g. a create's read-back after its
     * look-up on the same route.
     */
    after: z.number().int().min(1).optional(),
  })
  .superRefine((fault, ctx) => {
    const outcomes = [fault.status !== undefined, fault.drop !== undefined, fault.malformed === true];
    if (outcomes.filter(Boolean).length > 1) {
      ctx.addIssue({ code: "custom", message: "status, drop and malformed are mutually exclusive" });
    }
    if ((fault.body !== undefined || fault.headers !== undefined) && fault.status === undefined) {
      ctx.addIssue({ code: "custom", message: "body and headers only go with status" });
    }
  });

export type Fault = z.infer<typeof faultSchema>;

/** What the request log records about an applied fault. */
export type FaultKind = "latency" | "status" | "drop-before" | "drop-after" | "malformed";

/**
 * Decides a fault for one request that no fault set with {@link FaultRegistry.set} applies to, e.g.
 * a seeded random draw of a fault suite. Called once per vendor request, before the request is
 * processed; `undefined` lets it through untouched. What it returns is used as given (not validated).
 */
export type FaultChooser = (route: string | null) => Fault | undefined;

/** Faults currently set, by route name. */
export class FaultRegistry {
  private readonly faults = new Map<string, Fault>();
  private chooser: FaultChooser | undefined;

  /** @param knownRoutes route names that exist, so a typo in a test fails loudly instead of never firing. */
  constructor(private readonly knownRoutes: () => readonly string[]) {}

  /** Switches a fault on for `route` (a route name or `"*"`), replacing any fault already set there. */
  set(route: string, fault: Fault): void {
    if (route !== ANY_ROUTE && !this.knownRoutes().includes(route)) {
      throw new Error(`unknown route "${route}"; known routes: ${this.knownRoutes().join(", ")}`);
    }
    const parsed = faultSchema.safeParse(fault);
    if (!parsed.success) throw new Error(`invalid fault: ${z.prettifyError(parsed.error)}`);
    this.faults.set(route, parsed.data);
  }

  /**
   * Consults `chooser` for every request no set fault applies to (set faults win), until called
   * again with `undefined`. Not touched by {@link clear}: a suite switches it off itself.
   */
  setChooser(chooser: FaultChooser | undefined): void {
    this.chooser = chooser;
  }

  /** Switches off the fault of one route, or every fault when `route` is omitted. */
  clear(route?: string): void {
    if (route === undefined) this.faults.clear();
    else this.faults.delete(route);
  }

  /** The faults currently set, by route. */
  list(): Record<string, Fault> {
    return Object.fromEntries([...this.faults].map(([route, fault]) => [route, structuredClone(fault)]));
  }

  /**
   * The fault to apply to a request on `route` (null: unmatched), consuming one of its `times`.
   * Called by the framework once per vendor request.
   */
  take(route: string | null): Fault | undefined {
    const key = route !== null && this.faults.has(route) ? route : ANY_ROUTE;
    const fault = this.faults.get(key);
    if (!fault) return this.chooser?.(route);
    if (fault.after !== undefined) {
      const { after, ...rest } = fault;
      this.faults.set(key, after <= 1 ? rest : { ...fault, after: after - 1 });
      return undefined;
    }
    if (fault.times !== undefined) {
      if (fault.times <= 1) this.faults.delete(key);
      else this.faults.set(key, { ...fault, times: fault.times - 1 });
    }
    return fault;
  }
}
