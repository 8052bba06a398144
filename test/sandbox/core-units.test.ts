import { describe, expect, it } from "vitest";
import { FaultRegistry, matchRoute, parseBody, redactSecrets, DEFAULT_SECRET_KEY_PATTERN, RequestLog, sameSecret, type Route } from "../../sandbox/core";

describe("parseBody", () => {
  it("parses form bodies (plus as space, UTF-8 escapes, the last repeated name wins)", () => {
    const body = parseBody("application/x-www-form-urlencoded; charset=UTF-8", Buffer.from("Name=%D0%98%D0%B2%D0%B0%D0%BD+I&a=1&a=2"));
    expect(body).toEqual({ kind: "form", fields: { Name: "Иван I", a: "2" } });
  });

  it("parses JSON, flags invalid JSON, recognises multipart without reading it", () => {
    expect(parseBody("application/json", Buffer.from('{"a":1}'))).toEqual({ kind: "json", value: { a: 1 } });
    expect(parseBody("application/json", Buffer.from("{"))).toEqual({ kind: "invalid-json", text: "{" });
    expect(parseBody("multipart/form-data; boundary=x", Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'))).toEqual({ kind: "multipart" });
    expect(parseBody("text/plain", Buffer.from("a=1"))).toEqual({ kind: "other", contentType: "text/plain" });
    expect(parseBody(undefined, Buffer.from("a=1"))).toEqual({ kind: "other", contentType: "" });
    expect(parseBody("application/x-www-form-urlencoded", Buffer.alloc(0))).toEqual({ kind: "empty" });
  });
});

describe("matchRoute", () => {
  const handler = () => ({ status: 200 });
  const routes: Route[] = [
    { name: "exact", method: "POST", path: "/a", handler },
    { name: "byId", method: ["GET", "DELETE"], path: /^\/items\/(?<id>\d+)$/, handler },
    { name: "any", method: "*", path: "/any", handler },
  ];

  it("matches method and path, extracting named groups", () => {
    expect(matchRoute(routes, "POST", "/a")).toMatchObject({ kind: "found", route: { name: "exact" } });
    expect(matchRoute(routes, "delete", "/items/42")).toMatchObject({ kind: "found", route: { name: "byId" }, pathParams: { id: "42" } });
    expect(matchRoute(routes, "PATCH", "/any")).toMatchObject({ kind: "found", route: { name: "any" } });
  });

  it("tells a wrong method from an unknown path", () => {
    expect(matchRoute(routes, "POST", "/items/1")).toMatchObject({ kind: "method-not-allowed", allowed: ["GET", "DELETE"] });
    expect(matchRoute(routes, "POST", "/items/x")).toEqual({ kind: "not-found" });
    expect(matchRoute(routes, "POST", "/a/b")).toEqual({ kind: "not-found" });
  });
});

describe("matchRoute with query parameters", () => {
  const handler = () => ({ status: 200 });
  const routes: Route[] = [
    { name: "CLN_HOME_EDIT", method: "GET", path: "/api.php", query: { cmd: "execute", proc: "CLN_HOME_EDIT" }, handler },
    { name: "api.php", method: "GET", path: "/api.php", handler },
  ];

  it("picks the route whose query values all match, else falls through to later routes of the path", () => {
    expect(matchRoute(routes, "GET", "/api.php", { cmd: "execute", proc: "CLN_HOME_EDIT", arg1: "1" })).toMatchObject({ route: { name: "CLN_HOME_EDIT" } });
    expect(matchRoute(routes, "GET", "/api.php", { cmd: "execute", proc: "CLN_HOME_LIST" })).toMatchObject({ route: { name: "api.php" } });
    expect(matchRoute(routes, "GET", "/api.php", { proc: "CLN_HOME_EDIT" })).toMatchObject({ route: { name: "api.php" } });
    expect(matchRoute(routes, "GET", "/api.php")).toMatchObject({ route: { name: "api.php" } });
  });
});

describe("redactSecrets", () => {
  it("hides values of secret-looking keys at any depth and known secret values anywhere", () => {
    const redacted = redactSecrets(
      { AdminPassword: "p", login: "u", nested: [{ accessToken: "t", appSecret: "s", note: "pw is hunter22!" }], SUID: "abc" },
      { keyPattern: DEFAULT_SECRET_KEY_PATTERN, secretValues: ["hunter22!"] },
    );
    expect(redacted).toEqual({ AdminPassword: "***", login: "u", nested: [{ accessToken: "***", appSecret: "***", note: "pw is ***" }], SUID: "***" });
  });
});

describe("FaultRegistry", () => {
  it("consumes times per take and falls back to '*'", () => {
    const faults = new FaultRegistry(() => ["A", "B"]);
    faults.set("A", { status: 500, times: 2 });
    faults.set("*", { latencyMs: 1 });
    expect(faults.take("A")).toMatchObject({ status: 500 });
    expect(faults.list()["A"]).toMatchObject({ times: 1 });
    expect(faults.take("A")).toMatchObject({ status: 500 });
    expect(faults.take("A")).toEqual({ latencyMs: 1 });
    expect(faults.take(null)).toEqual({ latencyMs: 1 });
    faults.clear("*");
    expect(faults.take("B")).toBeUndefined();
  });

  it("rejects body or headers without status", () => {
    const faults = new FaultRegistry(() => ["A"]);
    expect(() => faults.set("A", { headers: { "Retry-After": "1" } })).toThrow(/only go with status/);
  });
});

describe("RequestLog", () => {
  it("keeps at most its capacity, dropping the oldest, and hands out copies", () => {
    const log = new RequestLog(2);
    for (const path of ["/1", "/2", "/3"]) log.record({ time: "t", method: "POST", path, route: null, params: {}, status: 200 });
    const entries = log.entries();
    expect(entries.map((entry) => entry.path)).toEqual(["/2", "/3"]);
    entries[0]!.path = "/changed";
    expect(log.entries()[0]!.path).toBe("/2");
  });

  it("counts every request per method and route, also those its capacity dropped, until cleared", () => {
    const log = new RequestLog(2);
    for (const route of ["list", "list", "get", "list"]) log.record({ time: "t", method: "GET", path: `/${route}`, route, params: {}, status: 200 });
    log.record({ time: "t", method: "POST", path: "/nowhere", route: null, params: {}, status: 404 });
    expect(log.entries()).toHaveLength(2);
    expect(Object.fromEntries(log.counts())).toEqual({ "GET list": 3, "GET get": 1, "POST /nowhere": 1 });
    log.clear();
    expect(log.counts().size).toBe(0);
  });
});

describe("sameSecret", () => {
  it("accepts only the identical credential, whatever the lengths (never throws on a length mismatch)", () => {
    expect(sameSecret("s3cr3t-тест", "s3cr3t-тест")).toBe(true);
    expect(sameSecret("s3cr3t-тест", "s3cr3t-тесТ")).toBe(false);
    expect(sameSecret("", "x")).toBe(false);
    expect(sameSecret("a-much-longer-credential", "short")).toBe(false);
  });
});
