import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ResourceInitError } from "../../provider/core/errors";
import { DECLARED_KEY, defineResource, outputKeys, secretInputKeys } from "../../provider/core/resource";
import { field, input, output, UNKNOWN } from "../../provider/core/schema";

const inputs = z.object({
  name: input(field.text({ min: 1 }), { onChange: "update", doc: "" }),
  login: input(field.text({ min: 1 }), { onChange: "replace", doc: "" }),
  password: input(field.text().optional(), { onChange: "update", secret: true, doc: "" }),
  size: input(field.nonNegativeInt().optional(), { onChange: "update", doc: "" }),
  color: input(z.string().optional(), { onChange: "update", doc: "" }),
});
const outputs = z.object({ objectId: output(z.number(), "") });

const remote = new Map<string, Record<string, unknown>>();
let failAfterCreate = false;
const calls: string[] = [];

const thing = defineResource({
  token: "forpost:Thing",
  description: "test",
  inputs,
  outputs,
  deleteBeforeReplace: true,
  idPattern: /^\d+$/,
  crossCheck: (i, known, olds) => [
    ...(known("size") && i.size === 13 && i.color === "black" ? [{ property: "color", reason: "unlucky" }] : []),
    ...(olds.name !== undefined && i.name !== olds.name && (i.name?.length ?? 0) > 5 ? [{ property: "name", reason: "a rename takes at most 5" }] : []),
  ],
  handlers: {
    async create(i, progress) {
      calls.push("create");
      const id = String(remote.size + 1);
      remote.set(id, { name: i.name, login: i.login, size: 0, color: "white" });
      progress.created(id, { name: i.name, login: i.login, objectId: Number(id) });
      if (failAfterCreate) throw new Error("second step failed");
      if (i.size !== undefined) remote.get(id)!.size = i.size;
      return { id, outs: { ...remote.get(id)!, password: i.password, objectId: Number(id) } as never };
    },
    async read(id, olds) {
      calls.push("read");
      const r = remote.get(id);
      return r ? ({ ...r, password: olds.password, objectId: Number(id) } as never) : undefined;
    },
    async update(id, olds, news, changed) {
      calls.push(`update ${changed.join(",")}`);
      for (const k of changed) remote.get(id)![k] = (news as Record<string, unknown>)[k];
      return { ...olds, ...remote.get(id)!, password: news.password } as never;
    },
    async delete(id) {
      calls.push("delete");
      remote.delete(id);
    },
  },
});

describe("defineResource", () => {
  it("checks without calling handlers, with unknowns accepted and cross-field rules run on known values", async () => {
    calls.length = 0;
    expect((await thing.check({}, { name: UNKNOWN, login: "l", size: UNKNOWN, color: "black", __provider: "p" })).failures).toEqual([]);
    expect((await thing.check({}, { name: "n", login: "l", size: 13, color: "black" })).failures).toEqual([{ property: "color", reason: "unlucky" }]);
    expect(calls).toEqual([]);
  });

  it("gives cross-field rules the old inputs, so a rule can apply to changes only", async () => {
    const news = { name: "longname", login: "l" };
    expect((await thing.check({}, news)).failures).toEqual([]);
    expect((await thing.check({ name: "longname", login: "l", __provider: "p" }, news)).failures).toEqual([]);
    expect((await thing.check({ name: "short", login: "l", __provider: "p" }, news)).failures).toEqual([{ property: "name", reason: "a rename takes at most 5" }]);
  });

  it("diffs against outputs: in-place vs replace with delete-before-replace", async () => {
    const olds = { name: "a", login: "l", size: 1, color: "white", objectId: 1, [DECLARED_KEY]: ["name", "login", "size"] };
    expect(await thing.diff("1", olds, { name: "a", login: "l", size: 1 })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await thing.diff("1", olds, { name: "b", login: "l", size: 1 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await thing.diff("1", olds, { name: "a", login: "m", size: 1 })).toEqual({ changes: true, replaces: ["login"], deleteBeforeReplace: true });
  });

  it("records the declared inputs, and refresh returns only those as inputs, with drift", async () => {
    remote.clear();
    failAfterCreate = false;
    const { id, outs } = await thing.create({ name: "n", login: "l", size: 2, password: "pw", __provider: "p" });
    expect(outs[DECLARED_KEY]).toEqual(["name", "login", "password", "size"]);
    remote.get(id)!.size = 7;
    remote.get(id)!.color = "red";
    const read = await thing.read(id, { ...outs, __provider: "p" });
    expect(read.id).toBe(id);
    expect(read.inputs).toEqual({ name: "n", login: "l", password: "pw", size: 7 });
    expect(read.props).toMatchObject({ color: "red", size: 7, objectId: Number(id) });
  });

  it("reports an object that is gone as no id", async () => {
    expect(await thing.read("999", {})).toEqual({});
  });

  it("turns a failure after the object exists into ResourceInitError with the id and what was applied", async () => {
    remote.clear();
    failAfterCreate = true;
    const error = await thing.create({ name: "n", login: "l", size: 2, __provider: "shim" }).catch((e) => e);
    failAfterCreate = false;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toBe("1");
    // __provider is kept: the host stores these as outputs and loads the provider from them.
    expect(error.properties).toEqual({ name: "n", login: "l", objectId: 1, [DECLARED_KEY]: ["name", "login", "size"], __provider: "shim" });
    expect(error.message).toMatch(/created 1, but a later step failed: second step failed/);
    // The engine shows only the reasons (and stores them as initErrors): they carry the explanation.
    expect(error.reasons).toEqual([error.message]);
    // The engine then calls Update with those properties: the missing size is applied.
    calls.length = 0;
    const { outs } = await thing.update("1", error.properties, { name: "n", login: "l", size: 2 });
    expect(calls).toEqual(["update size"]);
    expect(outs.size).toBe(2);
  });

  it("refuses an id that cannot be this resource's before calling the vendor", async () => {
    calls.length = 0;
    await expect(thing.delete("../1", {})).rejects.toThrow(/not a valid id/);
    expect(calls).toEqual([]);
  });

  it("exposes secret inputs and every output key for the SDK", () => {
    expect(secretInputKeys(thing.definition as never)).toEqual(["password"]);
    expect(outputKeys(thing.definition as never)).toEqual(["name", "login", "password", "size", "color", "objectId"]);
  });
});

describe("defineResource with comparable (values the vendor changes by itself)", () => {
  const listInputs = z.object({
    owner: input(field.text({ min: 1 }), { onChange: "replace", doc: "" }),
    tags: input(z.array(z.string()).optional(), { onChange: "update", compare: "set", doc: "" }),
  });
  const updates: string[][] = [];
  const listy = defineResource({
    token: "vsaas:Listy",
    description: "test",
    inputs: listInputs,
    outputs: z.object({ builtIn: output(z.array(z.string()), "") }),
    // The vendor lower-cases owners and always adds the tags in `builtIn`.
    comparable: (olds, news) => {
      const builtIn = (olds.builtIn as string[] | undefined) ?? [];
      const strip = (v: unknown) => (Array.isArray(v) ? v.filter((t) => !builtIn.includes(t as string)) : v);
      const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
      return {
        olds: { ...olds, owner: lower(olds.owner), tags: strip(olds.tags) },
        news: { ...news, owner: lower(news.owner), tags: strip(news.tags) },
      };
    },
    handlers: {
      create: async () => ({ id: "1", outs: { builtIn: [] } as never }),
      read: async () => undefined,
      update: async (_id, olds, _news, changed) => {
        updates.push(changed);
        return olds;
      },
      delete: async () => undefined,
    },
  });
  const olds = { owner: "a@example.org", tags: ["x", "default"], builtIn: ["default"] };

  it("diff compares the comparable forms", async () => {
    expect(await listy.diff("1", olds, { owner: "A@Example.org", tags: ["x"] })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await listy.diff("1", olds, { owner: "a@example.org", tags: ["x", "default"] })).toMatchObject({ changes: false });
    expect(await listy.diff("1", olds, { owner: "a@example.org", tags: [] })).toMatchObject({ changes: true, replaces: [] });
    expect(await listy.diff("1", olds, { owner: "b@example.org", tags: ["x"] })).toMatchObject({ changes: true, replaces: ["owner"] });
    // Unknown values still count as changes.
    expect(await listy.diff("1", olds, { owner: "a@example.org", tags: [UNKNOWN] })).toMatchObject({ changes: true });
  });

  it("update gets the changed inputs computed the same way, and the original values", async () => {
    updates.length = 0;
    await listy.update("1", { ...olds, __provider: "p" }, { owner: "A@example.org", tags: ["x"] });
    await listy.update("1", olds, { owner: "a@example.org", tags: ["y"] });
    expect(updates).toEqual([[], ["tags"]]);
  });
});
