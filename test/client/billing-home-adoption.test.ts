import { describe, expect, it } from "vitest";
import { billingHome } from "../../provider/billing/home";
import { ADOPT_KEY, IMPORT_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { LENINA_INPUTS } from "../fixtures/billing-lenina";
import { useBillingSandbox } from "./billing-setup";

/** BillingHome's natural key (the full address), import by id, discover, and coalesced refresh, against the emulator. */
const ctx = useBillingSandbox();
const emulator = () => ctx.sandbox.billing.emulator;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const calls = () => ctx.routes().filter((r) => r !== "CLN_AUTH_LOGIN");
const LENINA_ROW = { STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А", CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: "420111", PULL_ID: 1, CONNECT_DATE: "2024-03-01 00:00:00" };

async function checked(inputs: Record<string, unknown>) {
  const { inputs: out, failures } = await billingHome.check({}, inputs);
  expect(failures).toEqual([]);
  return out;
}

describe("a create whose outcome cannot be told (issue 13's bug)", () => {
  it("ends pending when the add's answer is lost and the look-up fails too; the next up keeps that home instead of refusing it as a duplicate", async () => {
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 200, drop: "after", times: 1 });
    const creating = failure(billingHome.create(await checked(LENINA_INPUTS)));
    for (let waited = 0; !ctx.routes().includes("CLN_HOME_LIST") && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    emulator().faults.set("CLN_HOME_LIST", { status: 503, body: "busy", times: 10 });
    const error = (await creating) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    expect(error.message).toMatch(/looking the home up by its address "Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А" failed too .*The stack keeps a placeholder: the next `pulumi up` \(or `pulumi refresh`\) finds the object by street \+ number \+ liter \+ city \+ region \+ country \+ zipCode/);
    emulator().faults.clear();
    expect(emulator().homes.list()).toHaveLength(1);

    const props = { ...error.properties };
    expect((await billingHome.diff(error.id, props, await checked(LENINA_INPUTS))).replaces).toEqual(["street"]);
    const { id } = await billingHome.create(await checked(LENINA_INPUTS));
    expect(id).toBe("101");
    await billingHome.delete(error.id, props);
    expect(emulator().homes.list().map((h) => h.ID)).toEqual([101]);
  });

  it("keeps 12 and 12А apart: resolving a pending 12А never takes a new 12 for it", async () => {
    emulator().homes.add(LENINA_ROW); // what a lost create of 12А made
    const pendingKey = { street: "улица Ленина", number: 12, liter: "А", city: "Казань", region: "Республика Татарстан", country: "Россия", zipCode: "420111" };
    const props = { ...LENINA_INPUTS, __pending: { key: pendingKey, before: [], since: "2026-01-01T00:00:00.000Z" } };
    await billingHome.diff("pending:12a", props, await checked(LENINA_INPUTS));
    // Another home of the same street and number, without the letter, is created first in the same run.
    const { liter: _l, ...twelve } = LENINA_INPUTS;
    expect((await billingHome.create(await checked(twelve))).id).toBe("102");
    // The placeholder's own replacement still finds 12А.
    expect((await billingHome.create(await checked(LENINA_INPUTS))).id).toBe("101");
    expect(emulator().homes.list()).toHaveLength(2);
  });

  it("a pending create whose add never arrived is created by the next up (no home was made)", async () => {
    const props = { ...LENINA_INPUTS, __pending: { key: { street: "улица Ленина", number: 12, liter: "А", city: "Казань", region: "Республика Татарстан", country: "Россия", zipCode: "420111" }, before: [], since: "2026-01-01T00:00:00.000Z" } };
    expect(await billingHome.read("pending:x", props)).toEqual({});
    await billingHome.diff("pending:x", props, await checked(LENINA_INPUTS));
    expect((await billingHome.create(await checked(LENINA_INPUTS))).id).toBe("101");
  });

  it("does not resend an add that timed out (the billing may still be adding it): pending instead", async () => {
    // undici's timers are coarse (up to a second late): the billing answers well after the 1 s timeout.
    ctx.configure({ "billing:timeoutSeconds": "1" });
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 3000, times: 1 });
    const error = (await failure(billingHome.create(await checked(LENINA_INPUTS)))) as ResourceInitError;
    expect(error.id).toMatch(/^pending:/);
    expect(error.message).toMatch(/may still be adding it/);
    // The billing finishes the add after we stopped waiting: one home, one add.
    for (let waited = 0; emulator().homes.list().length === 0 && waited < 8000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(emulator().homes.list()).toHaveLength(1);
    expect(emulator().log.entries("CLN_HOME_EDIT")).toHaveLength(1);
  });

  it("the next up right after a timed-out add waits for it to land and keeps that home: never a second add (found by the fault suite)", async () => {
    ctx.configure({ "billing:timeoutSeconds": "1" });
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 2_500, times: 1 });
    const error = (await failure(billingHome.create(await checked(LENINA_INPUTS)))) as ResourceInitError;
    expect(error.id).toMatch(/^pending:/);
    const pending = error.properties["__pending"] as { since: string; settleBy?: string };
    // As long again as the client waited (its timeout), and at least 5 s, from when it gave up.
    expect(Date.parse(pending.settleBy!) - Date.parse(pending.since)).toBeGreaterThanOrEqual(4_900);
    expect(emulator().homes.list()).toHaveLength(0); // not landed yet
    // At once, as the engine replaces the placeholder: the create finds nothing yet and waits.
    await billingHome.diff(error.id, error.properties, await checked(LENINA_INPUTS));
    const { id } = await billingHome.create(await checked(LENINA_INPUTS));
    expect(emulator().homes.list().map((h) => String(h.ID))).toEqual([id]);
    expect(emulator().log.entries("CLN_HOME_EDIT")).toHaveLength(1);
  });

  it("a refresh right after a timed-out add waits for it too: the placeholder becomes the home, not dropped", async () => {
    ctx.configure({ "billing:timeoutSeconds": "1" });
    emulator().faults.set("CLN_HOME_EDIT", { latencyMs: 2_500, times: 1 });
    const error = (await failure(billingHome.create(await checked(LENINA_INPUTS)))) as ResourceInitError;
    const read = await billingHome.read(error.id, error.properties);
    expect(read.id).toBe(String(emulator().homes.list()[0]!.ID));
    expect(emulator().log.entries("CLN_HOME_EDIT")).toHaveLength(1);
  });
});

describe("adopting and importing homes", () => {
  it("adoptExisting: creates when absent, adopts when present (applying what differs), fails when two homes have the address", async () => {
    const adopt = async (inputs: Record<string, unknown>) => billingHome.create(await checked({ ...inputs, [ADOPT_KEY]: true }));
    expect((await adopt(LENINA_INPUTS)).id).toBe("101");
    emulator().homes.patch(101, { PULL_ID: 2 });
    emulator().log.clear();
    const { id, outs } = await adopt(LENINA_INPUTS);
    expect(id).toBe("101");
    expect(outs).toMatchObject({ ipPoolId: 1 });
    expect(emulator().homes.get(101)!.PULL_ID).toBe(1);
    emulator().homes.add(LENINA_ROW);
    expect((await failure(adopt(LENINA_INPUTS)))!.message).toMatch(/the billing has 2 homes with street "улица Ленина", number 12, liter "А", .* \(id 101 "Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А", 102 .*\), so adoptExisting cannot tell which is meant; nothing was changed/);
  });

  it("leaves a neighbour alone: another letter, city or zip code is another home", async () => {
    emulator().homes.add({ ...LENINA_ROW, S_LITER: "Б" });
    emulator().homes.add({ ...LENINA_ROW, ZIP_CODE: "420112" });
    emulator().homes.add({ ...LENINA_ROW, S_LITER: null });
    expect((await billingHome.create(await checked({ ...LENINA_INPUTS, [ADOPT_KEY]: true }))).id).toBe("104");
    expect(emulator().homes.list().map((h) => [h.S_LITER, h.ZIP_CODE])).toEqual([["Б", "420111"], ["А", "420112"], [null, "420111"], ["А", "420111"]]);
  });

  it("imports by id with no write; a mismatch lists every difference; a missing id is named", async () => {
    const home = emulator().homes.add(LENINA_ROW).ID;
    const ok = await billingHome.check({}, { ...LENINA_INPUTS, [IMPORT_KEY]: String(home) });
    expect(ok.failures).toEqual([]);
    emulator().log.clear();
    const { id, outs } = await billingHome.create(ok.inputs);
    expect([id, outs.homeId]).toEqual(["101", 101]);
    expect(emulator().log.entries("CLN_HOME_EDIT")).toEqual([]);
    const bad = await billingHome.check({}, { ...LENINA_INPUTS, city: "Самара", ipPoolId: 3, [IMPORT_KEY]: "101" });
    expect(bad.failures.map((f) => [f.property, f.reason.split(" — ")[1]!.split(". ")[0]])).toEqual([
      ["city", 'city: declared "Самара", the billing has "Казань"'],
      ["ipPoolId", "ipPoolId: declared 3, the billing has 1"],
    ]);
    expect((await billingHome.check({}, { ...LENINA_INPUTS, [IMPORT_KEY]: "4242" })).failures[0]!.reason).toMatch(/the billing has no home with id "4242"/);
  });
});

describe("refresh of many homes", () => {
  it("reads 300 homes arriving together with one CLN_HOME_LIST; each gets its own row; a deleted one is gone", async () => {
    for (let i = 0; i < 300; i++) emulator().homes.add({ STREET: "Садовая", S_NUMBER: i + 1 });
    emulator().homes.delete(150);
    emulator().log.clear();
    const reads = await Promise.all(Array.from({ length: 300 }, (_, i) => billingHome.read(String(101 + i), { street: "Садовая", number: i + 1 } as never)));
    // The whole list, then the one missing from it asked by ID before it is called gone.
    expect(calls()).toEqual(["CLN_HOME_LIST", "CLN_HOME_LIST"]);
    expect(emulator().log.entries("CLN_HOME_LIST").map((e) => e.params["arg2"])).toEqual(["null", "150"]);
    expect(reads[49]).toEqual({});
    expect(reads.map((r) => r.props?.["number"])).toEqual(Array.from({ length: 300 }, (_, i) => (i === 49 ? undefined : i + 1)));
  });

  it("reads a create's home by ID (no whole list for one read-back), and an update's edit is never read from an older list", async () => {
    for (let i = 0; i < 50; i++) emulator().homes.add({ STREET: "Садовая", S_NUMBER: i + 1 });
    const { id, outs } = await billingHome.create(await checked(LENINA_INPUTS));
    expect(id).toBe("151");
    expect(emulator().log.entries("CLN_HOME_LIST").map((e) => e.params["arg2"])).toEqual(["null", "151"]);
    // A refresh wave fills the shared list; an update right after must not read its edit from it.
    await Promise.all(Array.from({ length: 20 }, (_, i) => billingHome.read(String(101 + i), {})));
    const { outs: after } = await billingHome.update(id, outs, { ...LENINA_INPUTS, zipCode: "420112" });
    expect(after.zipCode).toBe("420112");
    expect((await billingHome.read(id, after)).props!["zipCode"]).toBe("420112");
  });
});

describe("deleting a home the billing still uses", () => {
  it("fails saying what holds it, and deletes nothing", async () => {
    const { id, outs } = await billingHome.create(await checked(LENINA_INPUTS));
    emulator().switches.add({ NAME: "sw", HOME_ID: Number(id) });
    const error = await failure(billingHome.delete(id, outs));
    expect(error!.message).toMatch(/violation of FOREIGN KEY constraint "FK_SWITCHES_HOME".*Billing home 101 still has switches or subscribers: delete or move them first \(a BillingSwitch in the same program is deleted before its home\)\./);
    expect(emulator().homes.get(101)).toBeDefined();
  });
});

describe("discover", () => {
  it("yields every home from one CLN_HOME_LIST, by address; its inputs import with no difference", async () => {
    emulator().homes.add(LENINA_ROW);
    emulator().homes.add({ STREET: "проспект Победы", S_NUMBER: 3, CITY: "Казань" });
    emulator().log.clear();
    const found = [];
    let progress = 0;
    for await (const d of billingHome.definition.discover!({ onProgress: (n) => (progress = n) })) found.push(d);
    expect(calls()).toEqual(["CLN_HOME_LIST"]);
    expect(progress).toBe(2);
    expect(found).toEqual([
      { id: "101", inputs: LENINA_INPUTS, subscriber: "Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А", name: "ulitsa-lenina-12a" },
      { id: "102", inputs: { street: "проспект Победы", number: 3, city: "Казань" }, subscriber: "Казань, проспект Победы, 3", name: "prospekt-pobedy-3" },
    ]);
    for (const d of found) expect((await billingHome.check({}, { ...d.inputs, [IMPORT_KEY]: d.id })).failures).toEqual([]);
    const some = [];
    for await (const d of billingHome.definition.discover!({ subscriberPrefix: "Казань", limit: 5 })) some.push(d.id);
    expect(some).toEqual(["102"]);
    expect(emulator().log.entries("CLN_HOME_EDIT")).toEqual([]);
  });
});
