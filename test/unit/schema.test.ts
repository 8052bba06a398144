import { describe, expect, it } from "vitest";
import { z } from "zod";
import { diffInputs, field, input, sameValue, UNKNOWN, validateInputs } from "../../provider/core/schema";

const schema = z.object({
  name: input(field.text({ min: 1, max: 10 }), { onChange: "update", doc: "name" }),
  size: input(field.nonNegativeInt(), { onChange: "update", doc: "size" }),
  login: input(field.text({ min: 1 }).optional(), { onChange: "replace", doc: "login" }),
  ip: input(field.ipv4().optional(), { onChange: "update", doc: "ip" }),
  ids: input(z.array(field.nonNegativeInt()).optional(), { onChange: "update", compare: "set", doc: "ids" }),
  tags: input(z.array(z.string()).optional(), { onChange: "update", doc: "ordered list" }),
  once: input(z.string().optional(), { onChange: "ignore", doc: "applied at creation only" }),
});

describe("validateInputs", () => {
  it("reports every invalid field at once, each with its property and an actionable reason", () => {
    const { failures } = validateInputs(schema, { name: "", size: -1.5, ip: "300.1.1.1", ids: [1, "x"] });
    const byProperty = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["ids[1]", "ip", "name", "size"]);
    expect(byProperty.name).toBe("must not be empty");
    expect(byProperty.size).toBe("must be a whole number (got -1.5)");
    expect(byProperty.ip).toMatch(/IPv4 address/);
    expect(byProperty["ids[1]"]).toBe('must be a number (got "x")');
  });

  it("says a required field is required", () => {
    const { failures } = validateInputs(schema, { name: "a" });
    expect(failures).toEqual([{ property: "size", reason: "is required" }]);
  });

  it("accepts the unknown value for any field, including inside lists, and still checks the known parts", () => {
    const ok = validateInputs(schema, { name: UNKNOWN, size: UNKNOWN, ip: UNKNOWN, ids: UNKNOWN });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toEqual({ name: UNKNOWN, size: UNKNOWN, ip: UNKNOWN, ids: UNKNOWN });

    const partial = validateInputs(schema, { name: "a", size: 1, ids: [UNKNOWN, -1] });
    expect(partial.failures).toEqual([{ property: "ids[1]", reason: "must be 0 or more" }]);
  });

  it("names an input the resource does not have and suggests the near one", () => {
    const { failures } = validateInputs(schema, { name: "a", size: 1, sise: 2, __provider: "x" });
    expect(failures).toEqual([{ property: "sise", reason: "is not an input of this resource — did you mean size?" }]);
  });

  it("treats null as not set and drops it from the checked inputs", () => {
    const { inputs, failures } = validateInputs(schema, { name: "a", size: 1, login: null });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ name: "a", size: 1 });
  });
});

describe("diffInputs", () => {
  const olds = { name: "a", size: 1, login: "l", ids: [1, 2], tags: ["x", "y"], once: "o", ip: "10.0.0.1", extra: 5 };

  it("finds no change when declared inputs equal the state", () => {
    expect(diffInputs(schema, olds, { name: "a", size: 1, ids: [2, 1, 1] })).toEqual({ changed: [], replaces: [] });
  });

  it("ignores inputs the program does not declare, and fields that are applied at creation only", () => {
    expect(diffInputs(schema, olds, { name: "a", size: 1, once: "changed" })).toEqual({ changed: [], replaces: [] });
  });

  it("compares ordered lists in order and sets as sets", () => {
    expect(diffInputs(schema, olds, { name: "a", size: 1, tags: ["y", "x"] }).changed).toEqual(["tags"]);
    expect(diffInputs(schema, olds, { name: "a", size: 1, ids: [1, 2, 3] }).changed).toEqual(["ids"]);
  });

  it("marks replace-on-change fields, and counts an unknown as a change", () => {
    expect(diffInputs(schema, olds, { name: UNKNOWN, size: 1, login: "new" })).toEqual({
      changed: ["name", "login"],
      replaces: ["login"],
    });
  });

  it("treats an empty string and an absent value alike", () => {
    expect(sameValue(undefined, "")).toBe(true);
    expect(sameValue(null, "")).toBe(true);
    expect(sameValue("", "x")).toBe(false);
    expect(diffInputs(schema, { name: "a", size: 1 }, { name: "a", size: 1, ip: "" } as never).changed).toEqual([]);
  });
});
