import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { billingHome, dateOf } from "../../provider/billing/home";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY } from "../../provider/core/resource";
import { UNKNOWN } from "../../provider/core/schema";
import { CREATE_CALLS, DELETE_CALLS, LENINA_INPUTS, READ_CALLS, UPDATE_CALLS } from "../fixtures/billing-lenina";
import { legacyPfx } from "../fixtures/legacy-pfx";
import { useBillingSandbox } from "./billing-setup";

/** The resource's own methods (what the host calls), against the billing emulator, without the host. */
const ctx = useBillingSandbox();
const emulator = () => ctx.sandbox.billing.emulator;
const lenina = LENINA_INPUTS;

async function create(inputs: Record<string, unknown> = lenina) {
  const { inputs: checked, failures } = await billingHome.check({}, inputs);
  expect(failures).toEqual([]);
  return billingHome.create(checked);
}
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

describe("billingHome.check", () => {
  it("names each invalid field, accepts unknowns, and calls nothing", async () => {
    const { street: _s, ...noStreet } = lenina;
    const { failures } = await billingHome.check({}, { ...noStreet, number: "12a", zipCode: "12345678901", connectDate: "01.03.2024" });
    expect(failures).toEqual([
      { property: "street", reason: "is required" },
      { property: "number", reason: 'must be a number (got "12a")' },
      { property: "zipCode", reason: "must be at most 10 characters" },
      { property: "connectDate", reason: "must be a date in the form YYYY-MM-DD" },
    ]);
    expect((await billingHome.check({}, { ...lenina, number: 12.5, connectDate: "2024-02-30", liter: "x".repeat(33) })).failures).toEqual([
      { property: "number", reason: "must be a whole number (got 12.5)" },
      { property: "liter", reason: "must be at most 32 characters" },
      { property: "connectDate", reason: "is not a real calendar date" },
    ]);
    expect((await billingHome.check({}, { ...lenina, street: UNKNOWN, number: UNKNOWN })).failures).toEqual([]);
    expect(emulator().log.entries()).toEqual([]);
  });

  it("reads the billing's timestamps back as dates", () => {
    expect(["2024-03-01 00:00:00", "2024-03-01", "01.03.2024 00:00:00", "1.3.2024"].map(dateOf)).toEqual(["2024-03-01", "2024-03-01", "2024-03-01", "2024-03-01"]);
  });
});

describe("billingHome against the emulator", () => {
  it("creates the home with Cyrillic intact; the id is the billing's home ID and every field is read back", async () => {
    const { id, outs } = await create();
    expect(id).toBe("101");
    expect(outs).toEqual({ ...lenina, homeId: 101, [DECLARED_KEY]: Object.keys(lenina) });
    expect(emulator().homes.get(101)).toMatchObject({ STREET: "улица Ленина", S_LITER: "А", REGION: "Республика Татарстан", S_NUMBER: 12 });
    expect(ctx.routes()).toEqual(CREATE_CALLS);
    const add = emulator().log.entries("CLN_HOME_EDIT")[0]!.params;
    expect(add).toEqual({
      cmd: "execute", proc: "CLN_HOME_EDIT", arg1: "***", arg2: "1", arg3: "null", arg4: "1", arg5: "2024-03-01", arg6: "420111",
      arg7: "Россия", arg8: "Казань", arg9: "Республика Татарстан", arg10: "улица Ленина", arg11: "12", arg12: "А",
    });
  });

  it("sends the literal null for what the program leaves out", async () => {
    await create({ street: "Садовая", number: 3 });
    const add = emulator().log.entries("CLN_HOME_EDIT")[0]!.params;
    expect([add["arg4"], add["arg5"], add["arg6"], add["arg7"], add["arg8"], add["arg9"], add["arg12"]]).toEqual(Array(7).fill("null"));
  });

  it("updates in place with P_OP 0, keeping the columns the program does not declare as the billing has them", async () => {
    const { id, outs } = await create({ street: "улица Ленина", number: 12 });
    emulator().homes.patch(101, { CITY: "Казань", PULL_ID: 2 }); // set by someone else; not managed here
    emulator().log.clear();
    const news = { street: "проспект Победы", number: 12 };
    expect(await billingHome.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: after } = await billingHome.update(id, outs, news);
    expect(ctx.routes()).toEqual(UPDATE_CALLS);
    const edit = emulator().log.entries("CLN_HOME_EDIT")[0]!.params;
    expect([edit["arg2"], edit["arg3"], edit["arg4"], edit["arg8"], edit["arg10"], edit["arg11"]]).toEqual(["0", "101", "2", "Казань", "проспект Победы", "12"]);
    expect(emulator().homes.get(101)).toMatchObject({ STREET: "проспект Победы", CITY: "Казань", PULL_ID: 2 });
    expect(after).toMatchObject({ street: "проспект Победы", city: "Казань", ipPoolId: 2 });
  });

  it("clears an optional field set to an empty string", async () => {
    const { id, outs } = await create();
    const { outs: after } = await billingHome.update(id, outs, { ...lenina, liter: "" });
    expect(emulator().homes.get(101)!.S_LITER).toBeNull();
    expect(after).not.toHaveProperty("liter");
    expect((await billingHome.diff(id, after, { ...lenina, liter: "" })).changes).toBe(false);
  });

  it("sends nothing when nothing changed", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    expect(await billingHome.diff(id, outs, lenina)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await billingHome.update(id, outs, lenina);
    expect(emulator().log.entries()).toEqual([]);
  });

  it("shows drift made in the billing in the refreshed inputs, with dates in the billing's own format", async () => {
    const { id, outs } = await create();
    emulator().homes.patch(101, { STREET: "улица Баумана", CONNECT_DATE: "2025-01-05 00:00:00" });
    emulator().behaviour.dateFormat = "ru";
    emulator().log.clear();
    const read = await billingHome.read(id, outs);
    expect(ctx.routes()).toEqual(READ_CALLS);
    expect(read.inputs).toEqual({ ...lenina, street: "улица Баумана", connectDate: "2025-01-05" });
    expect((await billingHome.diff(id, read.props!, lenina)).changes).toBe(true);
  });

  it("reports a home deleted in the billing as gone; deleting it (again) succeeds; updating it says to refresh", async () => {
    const { id, outs } = await create();
    emulator().homes.delete(101);
    expect(await billingHome.read(id, outs)).toEqual({});
    emulator().log.clear();
    await billingHome.delete(id, outs);
    await billingHome.delete(id, outs);
    expect(ctx.routes()).toEqual([...DELETE_CALLS, ...DELETE_CALLS]);
    expect((await failure(billingHome.update(id, outs, { ...lenina, number: 13 })))!.message).toMatch(/billing home 101 no longer exists .*run `pulumi refresh`/);
    expect(emulator().homes.list()).toEqual([]);
  });

  it("deletes with P_OP 2 and the ID", async () => {
    const { id, outs } = await create();
    emulator().log.clear();
    await billingHome.delete(id, outs);
    expect(emulator().log.entries()[0]!.params).toEqual({ cmd: "execute", proc: "CLN_HOME_EDIT", arg1: "***", arg2: "2", arg3: "101", arg4: "null", arg5: "null", arg6: "null", arg7: "null", arg8: "null", arg9: "null", arg10: "null", arg11: "null", arg12: "null" });
    expect(emulator().homes.list()).toEqual([]);
  });
});

describe("creates that never duplicate a home", () => {
  it("finds a home whose add was answered without an <id> by its full address", async () => {
    emulator().behaviour.addAnswersId = false;
    emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: 14 }); // a neighbour: same street, other number
    const { id, outs } = await create();
    expect(id).toBe("102");
    expect(outs).toMatchObject({ street: "улица Ленина", number: 12, homeId: 102 });
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_HOME_EDIT", "CLN_HOME_LIST", ...READ_CALLS]);
  });

  it("fails, listing the candidates, when the address is ambiguous after an add without an <id>", async () => {
    emulator().behaviour.addAnswersId = false;
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 300, times: 1 });
    const creating = failure(create());
    // Once the look-up before the add is answered (not a fixed time: the machine may be loaded) …
    for (let waited = 0; !ctx.routes().includes("CLN_HOME_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    // … someone adds the same address in the billing while our add is under way.
    emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: "420111" });
    const error = await creating;
    expect(error!.message).toMatch(/^the billing answered the add without an <id>, and 2 homes have the address "Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А" — ID 101: .*; ID 102: .*\. Not guessing which is new/);
    expect(error).not.toBeInstanceOf(ResourceInitError);
    expect(emulator().homes.list()).toHaveLength(2);
  });

  it("refuses an address the billing already has, naming the home", async () => {
    emulator().homes.add({ STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: "420111" });
    const error = await failure(create());
    expect(error!.message).toMatch(
      /^the billing already has a home with street "улица Ленина", number 12, liter "А", city "Казань", region "Республика Татарстан", country "Россия", zipCode "420111" \(id 101 "Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А"\); refusing to create a duplicate\. To manage it with this program, add the resource option `\{ adoptExisting: true \}`/,
    );
    expect(emulator().homes.list()).toHaveLength(1);
  });

  it("finds the home after an add whose answer was lost, instead of adding it twice", async () => {
    emulator().faults.set("CLN_HOME_EDIT", { drop: "after", times: 1 });
    const { id } = await create();
    expect(id).toBe("101");
    expect(emulator().homes.list()).toHaveLength(1);
    expect(ctx.routes()).toEqual(["CLN_AUTH_LOGIN", "CLN_HOME_LIST", "CLN_HOME_EDIT", "CLN_HOME_LIST", ...READ_CALLS]);
  });

  it("sends the add again when the lost request never took effect", async () => {
    emulator().faults.set("CLN_HOME_EDIT", { drop: "before", times: 1 });
    const { id } = await create();
    expect(id).toBe("101");
    expect(emulator().homes.list()).toHaveLength(1);
  });

  it("creates one home when two creates of the same address run at once; the other is refused", async () => {
    const results = await Promise.allSettled([create(), create()]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(emulator().homes.list()).toHaveLength(1);
  });

  it("treats an add answered with something that is not XML as maybe applied, and finds the home", async () => {
    emulator().faults.set("CLN_HOME_EDIT", { malformed: true, times: 1 });
    const { id } = await create();
    expect(id).toBe("101");
    expect(emulator().homes.list()).toHaveLength(1);
  });

  it("keeps a created home in state (ResourceInitError with its id) when the read-back fails", async () => {
    const busy = '<?xml version="1.0" encoding="utf-8"?><result><error>database is busy</error></result>';
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 200, times: 1 });
    const creating = failure(create());
    // Wait for the duplicate check to be answered (not a fixed time: under load it can take longer);
    // the add that follows is held 200 ms, so the fault is in place before the read-back.
    for (let waited = 0; !ctx.routes().includes("CLN_HOME_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    // The duplicate check has passed; the add is under way; the read-back will fail.
    emulator().faults.set("CLN_HOME_LIST", { status: 500, body: busy });
    const error = await creating;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error).toMatchObject({ id: "101", properties: { street: "улица Ленина", homeId: 101 } });
    expect(error!.message).toMatch(/created 101, but a later step failed: billing CLN_HOME_LIST failed: "database is busy"/);
  });
});

describe("billingHome with the client certificate as a .pfx", () => {
  it("creates with a legacy .pfx (RC2-40/3DES, `openssl pkcs12 -export -legacy`) that Node 20 refuses to open", async () => {
    const b = ctx.sandbox.billing;
    const folder = mkdtempSync(join(tmpdir(), "billing-legacy-pfx-"));
    try {
      const path = join(folder, "cashier.pfx");
      const passphrase = "fake-legacy-pfx-pass";
      writeFileSync(path, legacyPfx(readFileSync(b.clientKeyPath, "utf8"), [readFileSync(b.clientCertPath, "utf8"), readFileSync(b.caCertPath, "utf8")], passphrase));
      ctx.configure({ "billing:clientCert": undefined, "billing:clientKey": undefined, "billing:pfx": path, "billing:pfxPassphrase": passphrase });
      const { id } = await create();
      expect(id).toBe("101");
      expect(ctx.routes()).toEqual(CREATE_CALLS);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
