import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonBodyOf, jsonResponse, VendorEmulator, type Route } from "../../sandbox/core";
import { send } from "./forpost-call";

/** A minimal JSON-over-HTTP vendor with header auth, as the VSAAS emulator will be: the framework on its own. */
class NotesEmulator extends VendorEmulator {
  private notes: string[] = [];

  constructor() {
    super({ vendor: "notes", bodyLimitBytes: 1024 });
  }

  override state(): unknown {
    return { notes: this.notes };
  }

  protected override resetState(): void {
    this.notes = [];
  }

  protected override vendorRoutes(): readonly Route[] {
    return [
      {
        name: "notes.add",
        method: "POST",
        path: "/api/notes",
        handler: (request) => {
          if (request.headers["x-token"] !== "let-me-in") return jsonResponse(401, { error_message: "bad token" });
          const body = jsonBodyOf(request) as { text: string };
          this.notes.push(body.text);
          return jsonResponse(201, { id: this.notes.length });
        },
      },
      { name: "notes.list", method: "GET", path: "/api/notes", handler: () => jsonResponse(200, this.notes) },
      {
        name: "notes.crash",
        method: "GET",
        path: "/api/crash",
        handler: () => {
          throw new Error("boom");
        },
      },
    ];
  }
}

const emulator = new NotesEmulator();
let url: string;

beforeAll(async () => {
  url = await emulator.start();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

const addNote = (body: unknown) =>
  send(`${url}/api/notes`, { method: "POST", headers: { "content-type": "application/json", "x-token": "let-me-in" }, body: JSON.stringify(body) });

describe("VendorEmulator", () => {
  it("listens on 127.0.0.1 and routes JSON requests to the vendor's handlers", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await addNote({ text: "hello" })).json).toEqual({ id: 1 });
    expect((await send(`${url}/api/notes`)).json).toEqual(["hello"]);
    expect(emulator.state()).toEqual({ notes: ["hello"] });
  });

  it("logs JSON body fields with secret-looking keys redacted", async () => {
    await addNote({ text: "x", apiKey: "k-123", password: "p-456" });
    expect(emulator.log.entries()[0]).toMatchObject({ route: "notes.add", status: 201, params: { text: "x", apiKey: "***", password: "***" } });
  });

  it("answers 404 for unknown paths, 405 with Allow for wrong methods, 500 when a handler throws", async () => {
    expect((await send(`${url}/nowhere`)).status).toBe(404);
    const wrongMethod = await send(`${url}/api/notes`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST, GET");
    const crash = await send(`${url}/api/crash`);
    expect(crash.status).toBe(500);
    expect(crash.json).toEqual({ error: "notes emulator failed: boom" });
  });

  it("refuses bodies over the limit with 413", async () => {
    expect((await addNote({ text: "x".repeat(2000) })).status).toBe(413);
    expect(emulator.state()).toEqual({ notes: [] });
  });

  it("applies faults to its routes by name", async () => {
    emulator.faults.set("notes.list", { status: 429, headers: { "Retry-After": "1" }, times: 1 });
    const limited = await send(`${url}/api/notes`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await send(`${url}/api/notes`)).status).toBe(200);
  });

  it("counts vendor requests in flight at once, dropped ones included, and not admin requests", async () => {
    emulator.faults.set("notes.list", { latencyMs: 150 });
    emulator.faults.set("notes.crash", { latencyMs: 150, drop: "before" });
    await Promise.all([
      ...Array.from({ length: 4 }, () => send(`${url}/api/notes`)),
      send(`${url}/api/crash`).catch(() => undefined),
      send(`${url}/__sandbox/state`),
    ]);
    // A dropped connection's "close" reaches the server a moment after the client saw the drop.
    await vi.waitFor(() => expect(emulator.inFlight.snapshot()).toEqual({ current: 0, peak: 5 }));
    expect((await send(`${url}/__sandbox/in-flight`)).json).toEqual({ current: 0, peak: 5 });
    await send(`${url}/__sandbox/in-flight`, { method: "DELETE" });
    expect(emulator.inFlight.snapshot()).toEqual({ current: 0, peak: 0 });
    await send(`${url}/api/notes`);
    emulator.reset();
    expect(emulator.inFlight.snapshot().peak).toBe(0);
  });

  it("stops listening on stop() and refuses a second start while running", async () => {
    const other = new NotesEmulator();
    const otherUrl = await other.start();
    await expect(other.start()).rejects.toThrow(/already started/);
    await other.stop();
    await other.stop();
    await expect(fetch(`${otherUrl}/api/notes`)).rejects.toThrow();
    expect(() => other.url).toThrow(/not started/);
  });
});

/** A vendor with two servers (like Hik-Connect's region and area servers) on one emulator. */
class TwoServerEmulator extends VendorEmulator {
  constructor() {
    super({ vendor: "two" });
  }
  override state(): unknown {
    return {};
  }
  protected override resetState(): void {}
  protected override vendorRoutes(): readonly Route[] {
    return [
      { name: "login", method: "POST", path: "/login", listener: "main", handler: () => jsonResponse(200, { on: "main" }) },
      { name: "work", method: "POST", path: "/work", listener: "second", handler: (r) => jsonResponse(200, { on: r.listener }) },
      { name: "both", method: "GET", path: "/both", handler: (r) => jsonResponse(200, { on: r.listener }) },
    ];
  }
  async startBoth(): Promise<{ main: string; second: string }> {
    const main = await this.start();
    return { main, second: await this.listenAlso("second") };
  }
  openAgain(): Promise<string> {
    return this.listenAlso("second");
  }
}

describe("VendorEmulator with a second listener", () => {
  it("serves listener-bound routes only on their listener, shares the log and faults, and stops both", async () => {
    const two = new TwoServerEmulator();
    await expect(two.openAgain()).rejects.toThrow(/start\(\) before listenAlso/);
    const { main, second } = await two.startBoth();
    expect(second).not.toBe(main);
    await expect(two.openAgain()).rejects.toThrow(/already exists/);
    expect((await send(`${main}/login`, { method: "POST" })).json).toEqual({ on: "main" });
    expect((await send(`${second}/login`, { method: "POST" })).status).toBe(404);
    expect((await send(`${second}/work`, { method: "POST" })).json).toEqual({ on: "second" });
    expect((await send(`${main}/work`, { method: "POST" })).status).toBe(404);
    expect((await send(`${second}/both`)).json).toEqual({ on: "second" });
    expect(two.log.entries().map((e) => [e.route, e.status, e.listener])).toEqual([
      ["login", 200, undefined],
      [null, 404, "second"],
      ["work", 200, "second"],
      [null, 404, undefined],
      ["both", 200, "second"],
    ]);
    two.faults.set("work", { status: 503, times: 1 });
    expect((await send(`${second}/work`, { method: "POST" })).status).toBe(503);
    expect((await send(`${second}/__sandbox/routes`)).json).toEqual({ routes: ["login", "work", "both"] });
    await two.stop();
    await expect(fetch(`${second}/both`)).rejects.toThrow();
    await expect(fetch(`${main}/both`)).rejects.toThrow();
  });
});
