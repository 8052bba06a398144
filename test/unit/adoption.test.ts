import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ADOPT_KEY, CreateOutcomeUnknownError, IMPORT_IN_CREATE_KEY, IMPORT_KEY, PENDING_KEY } from "../../provider/core/adoption";
import { ResourceInitError } from "../../provider/core/errors";
import { defineResource } from "../../provider/core/resource";
import { field, input, output } from "../../provider/core/schema";

/** A vendor in memory: objects by id, each with a unique `code` (the natural key). */
interface Thing {
  code: string;
  name: string;
  size: string;
  secret?: string;
}
let store: Map<string, Thing>;
let nextId: number;
let calls: string[];
/** What the next create does after "sending": apply, or apply and lose the answer and the look-ups. */
let createMode: "ok" | "lostAndLookupsFail" | "lostNotApplied";
let lookupsFail: boolean;

const inputs = z.object({
  code: input(field.text({ min: 1 }), { onChange: "update", doc: "Unique code." }),
  name: input(field.text({ min: 1 }), { onChange: "update", doc: "Name." }),
  size: input(field.text().optional(), { onChange: "replace", doc: "Size: replaces." }),
  secret: input(field.text().optional(), { onChange: "update", secret: true, writeOnly: true, doc: "Never read back." }),
});
const outputs = z.object({ thingId: output(z.string(), "Id.") });

const thing = defineResource({
  token: "forpost:Thing",
  description: "A test resource.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "digits",
  naturalKey: {
    fields: ["code"],
    unique: true,
    async find(i) {
      calls.push("find");
      if (lookupsFail) throw new Error("lookup failed");
      return [...store.entries()].filter(([, t]) => t.code === i.code).map(([id]) => id);
    },
  },
  handlers: {
    async create(i, _progress, context) {
      calls.push("create");
      const id = String(nextId++);
      store.set(id, { code: i.code, name: i.name, size: i.size ?? "M" });
      if (createMode === "lostAndLookupsFail") {
        lookupsFail = true;
        await context.findNew().catch(() => undefined);
        throw new CreateOutcomeUnknownError("the answer was lost; looking it up failed too");
      }
      return { id, outs: { code: i.code, name: i.name, size: i.size ?? "M", secret: i.secret, thingId: id } };
    },
    async read(id) {
      calls.push(`read ${id}`);
      const t = store.get(id);
      return t && { code: t.code, name: t.name, size: t.size, thingId: id };
    },
    async update(id, olds, news, changed) {
      calls.push(`update ${id} ${changed.join(",")}`);
      const t = store.get(id)!;
      for (const k of changed) (t as unknown as Record<string, unknown>)[k] = (news as Record<string, unknown>)[k];
      return { ...olds, ...news, thingId: id };
    },
    async delete(id) {
      calls.push(`delete ${id}`);
      store.delete(id);
    },
  },
});

const PROVIDER = "exports.handler = __shim";

beforeEach(() => {
  store = new Map([["7", { code: "A-7", name: "Seven", size: "L" }]]);
  nextId = 100;
  calls = [];
  createMode = "ok";
  lookupsFail = false;
});

describe("import by id", () => {
  it("adopts a matching object without creating anything, keeping declared write-only inputs", async () => {
    const news = { code: "A-7", name: "Seven", size: "L", secret: "s3cr3t-value", [IMPORT_KEY]: "7", __provider: PROVIDER };
    const checked = await thing.check({}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs[IMPORT_KEY]).toBe("7");
    const created = await thing.create(checked.inputs);
    expect(created.id).toBe("7");
    expect(created.outs).toMatchObject({ code: "A-7", name: "Seven", size: "L", secret: "s3cr3t-value", thingId: "7" });
    expect(calls.filter((c) => c === "create" || c.startsWith("update"))).toEqual([]);
  });

  it("fails in check (so in preview) listing every declared input that differs, with both values", async () => {
    const checked = await thing.check({}, { code: "A-7", name: "Eight", size: "S", [IMPORT_KEY]: "7" });
    expect(checked.failures.map((f) => f.property).sort()).toEqual(["name", "size"]);
    expect(checked.failures.find((f) => f.property === "name")!.reason).toMatch(/declared "Eight", Forpost has "Seven"/);
    await expect(thing.create({ ...checked.inputs, [IMPORT_KEY]: "7" })).rejects.toThrow(/cannot import 7: .*name .*declared "Eight"/);
    expect(store.get("7")!.name).toBe("Seven");
  });

  it("in an update, leaves the read to create: check reads nothing, create still refuses every difference", async () => {
    // The engine calls Check one resource at a time; the SDK marks an update's imports so Check
    // does not wait on the vendor for each (a preview's Check, unmarked, reads as above).
    const checked = await thing.check({}, { code: "A-7", name: "Eight", size: "S", [IMPORT_KEY]: "7", [IMPORT_IN_CREATE_KEY]: true });
    expect(checked.failures).toEqual([]);
    expect(calls).toEqual([]);
    expect(checked.inputs[IMPORT_IN_CREATE_KEY]).toBeUndefined();
    await expect(thing.create(checked.inputs)).rejects.toThrow(/cannot import 7: .*name .*declared "Eight", Forpost has "Seven".*size/);
    const malformed = await thing.check({}, { code: "A-7", name: "Seven", [IMPORT_KEY]: "abc", [IMPORT_IN_CREATE_KEY]: true });
    expect(malformed.failures[0]!.reason).toMatch(/"abc" is not a valid thing id/);
    const matching = await thing.check({}, { code: "A-7", name: "Seven", size: "L", [IMPORT_KEY]: "7", [IMPORT_IN_CREATE_KEY]: true });
    expect((await thing.create(matching.inputs)).id).toBe("7");
    expect(calls.filter((c) => c === "create" || c.startsWith("update"))).toEqual([]);
  });

  it("names an id that does not exist, and one that cannot be an id", async () => {
    const missing = await thing.check({}, { code: "A-7", name: "Seven", [IMPORT_KEY]: "404" });
    expect(missing.failures).toEqual([{ property: IMPORT_KEY, reason: expect.stringMatching(/Forpost has no thing with id "404"/) }]);
    const bad = await thing.check({}, { code: "A-7", name: "Seven", [IMPORT_KEY]: "abc" });
    expect(bad.failures[0]!.reason).toMatch(/"abc" is not a valid thing id \(expected digits\)/);
  });

  it("is dropped once the object is in the state, so later plans are ordinary", async () => {
    const olds = { code: "A-7", name: "Seven", [IMPORT_KEY]: "7" };
    const checked = await thing.check(olds, { code: "A-7", name: "Renamed", [IMPORT_KEY]: "7" });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs[IMPORT_KEY]).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("reads nothing while an input is still unknown (preview of a dependent value)", async () => {
    const checked = await thing.check({}, { code: "A-7", name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", [IMPORT_KEY]: "7" });
    expect(checked.failures).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe("adoptExisting (by natural key)", () => {
  it("creates when nothing has the key", async () => {
    const checked = await thing.check({}, { code: "NEW", name: "New", [ADOPT_KEY]: true });
    const created = await thing.create(checked.inputs);
    expect(created.id).toBe("100");
    expect(calls).toEqual(["find", "create"]);
  });

  it("adopts the object that has the key, applying the declared inputs that differ in place", async () => {
    const checked = await thing.check({}, { code: "A-7", name: "Renamed", [ADOPT_KEY]: true });
    const created = await thing.create(checked.inputs);
    expect(created.id).toBe("7");
    expect(calls).toEqual(["find", "read 7", "update 7 name"]);
    expect(store.get("7")!.name).toBe("Renamed");
  });

  it("refuses, changing nothing, when a difference needs a replacement", async () => {
    const checked = await thing.check({}, { code: "A-7", name: "Seven", size: "S", [ADOPT_KEY]: true });
    await expect(thing.create(checked.inputs)).rejects.toThrow(/differs in what can only change by replacing it — size: declared "S", Forpost has "L"/);
    expect(store.get("7")).toEqual({ code: "A-7", name: "Seven", size: "L" });
  });

  it("refuses, changing nothing, when several objects have the key", async () => {
    store.set("8", { code: "A-7", name: "Twin", size: "L" });
    const checked = await thing.check({}, { code: "A-7", name: "Seven", [ADOPT_KEY]: true });
    await expect(thing.create(checked.inputs)).rejects.toThrow(/has 2 things with code "A-7" \(id 7, 8\)/);
    expect(calls).toEqual(["find"]);
  });

  it("without the option, a taken unique key is refused and the error says how to adopt", async () => {
    const checked = await thing.check({}, { code: "A-7", name: "Seven" });
    await expect(thing.create(checked.inputs)).rejects.toThrow(/Forpost already has a thing with code "A-7" \(id 7\); refusing to create a duplicate.*adoptExisting: true/);
  });
});

describe("a create whose outcome is unknown", () => {
  async function pendingCreate(): Promise<ResourceInitError> {
    createMode = "lostAndLookupsFail";
    const checked = await thing.check({}, { code: "P-1", name: "Pending", secret: "pending-secret", __provider: PROVIDER });
    // The host puts __provider back into the checked inputs before Create.
    const error = await thing.create({ ...checked.inputs, __provider: PROVIDER }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceInitError);
    createMode = "ok";
    lookupsFail = false;
    return error as ResourceInitError;
  }

  it("ends with a placeholder in the state that carries the key, the provider and the declared inputs", async () => {
    const error = await pendingCreate();
    expect(error.id).toMatch(/^pending:[0-9a-f]{20}$/);
    expect(error.properties).toMatchObject({ code: "P-1", name: "Pending", __provider: PROVIDER, [PENDING_KEY]: { key: { code: "P-1" }, before: [] } });
    expect(error.message).toMatch(/the next `pulumi up` \(or `pulumi refresh`\) finds the object by code/);
  });

  it("the next up replaces the placeholder with the object the earlier create made: no duplicate, nothing deleted", async () => {
    const error = await pendingCreate();
    expect(store.size).toBe(2); // "7" and the one the lost create made ("100")
    const olds = error.properties;
    const diff = await thing.diff(error.id, olds, { code: "P-1", name: "Pending" });
    expect(diff).toEqual({ changes: true, replaces: ["code"], deleteBeforeReplace: false });
    const checked = await thing.check({}, { code: "P-1", name: "Pending", secret: "pending-secret" });
    calls = [];
    const created = await thing.create(checked.inputs);
    expect(created.id).toBe("100");
    expect(calls).toEqual(["find", "read 100"]);
    await thing.delete(error.id, olds);
    expect([...store.keys()].sort()).toEqual(["100", "7"]);
  });

  it("the next up creates it when the earlier request never took effect", async () => {
    const error = await pendingCreate();
    store.delete("100");
    await thing.diff(error.id, error.properties, { code: "P-1", name: "Pending" });
    const created = await thing.create((await thing.check({}, { code: "P-1", name: "Pending" })).inputs);
    expect(created.id).toBe("101");
    await thing.delete(error.id, error.properties);
    expect(store.has("101")).toBe(true);
  });

  it("a refresh turns the placeholder into the real id, or drops it when nothing was made", async () => {
    const error = await pendingCreate();
    const read = await thing.read(error.id, error.properties);
    expect(read.id).toBe("100");
    expect(read.props).toMatchObject({ code: "P-1", name: "Pending", secret: "pending-secret" });
    store.delete("100");
    expect(await thing.read(error.id, error.properties)).toEqual({});
  });

  it("a destroy deletes the object the earlier create made, and only that one", async () => {
    const error = await pendingCreate();
    await thing.delete(error.id, error.properties);
    expect([...store.keys()]).toEqual(["7"]);
  });

  it("never takes an object that had the key before the create for its own", async () => {
    store.set("9", { code: "P-1", name: "Older", size: "M" });
    // A non-unique key would allow this; the placeholder remembers "9" was there before.
    const error = new ResourceInitError("pending:x", { code: "P-1", name: "Pending", [PENDING_KEY]: { key: { code: "P-1" }, before: ["9"], since: "t" } }, new Error("x"));
    expect(await thing.read("pending:x", error.properties)).toEqual({});
    await thing.delete("pending:x", error.properties);
    expect(store.has("9")).toBe(true);
  });
});
