import type { Route } from "./http-types";

export type RouteMatch =
  | { kind: "found"; route: Route; pathParams: Record<string, string> }
  /** The path exists but not for this method; `route` is the first route with that path. */
  | { kind: "method-not-allowed"; route: Route; allowed: string[]; pathParams: Record<string, string> }
  | { kind: "not-found" };

/**
 * Finds the first route whose path, query (when the route names parameters) and method match;
 * routes are tried in order.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string, query: Readonly<Record<string, string>> = {}): RouteMatch {
  let pathOnly: { route: Route; pathParams: Record<string, string> } | undefined;
  const allowed = new Set<string>();
  for (const route of routes) {
    const pathParams = matchPath(route.path, path);
    if (!pathParams) continue;
    if (route.query && !Object.entries(route.query).every(([name, value]) => query[name] === value)) continue;
    const methods = typeof route.method === "string" ? [route.method] : route.method;
    if (methods.includes("*") || methods.includes(method.toUpperCase())) {
      return { kind: "found", route, pathParams };
    }
    pathOnly ??= { route, pathParams };
    for (const m of methods) allowed.add(m);
  }
  if (pathOnly) return { kind: "method-not-allowed", ...pathOnly, allowed: [...allowed] };
  return { kind: "not-found" };
}

function matchPath(pattern: string | RegExp, path: string): Record<string, string> | undefined {
  if (typeof pattern === "string") return pattern === path ? {} : undefined;
  const match = pattern.exec(path);
  if (!match || match[0] !== path) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(match.groups ?? {})) {
    if (value !== undefined) params[name] = decodeURIComponent(value);
  }
  return params;
}
