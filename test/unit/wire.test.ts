import { describe, expect, it } from "vitest";
import { z } from "zod";
import { field, input } from "../../provider/core/schema";
import { decodeWireFields, encodeWireFields, WireDecodeError } from "../../provider/core/wire";

const schema = z.object({
  name: input(z.string(), { onChange: "update", wire: "Name", doc: "" }),
  count: input(field.nonNegativeInt().optional(), { onChange: "update", wire: "Count", doc: "" }),
  active: input(field.bool().optional(), { onChange: "update", wire: "IsActive", doc: "" }),
  list: input(z.array(z.number()).optional(), { onChange: "update", doc: "no wire name" }),
  ip: input(field.ipv4().or(z.literal("")).optional(), { onChange: "update", wire: "NetworkIP", doc: "" }),
});

describe("wire fields", () => {
  it("encodes booleans as 1/0 and skips absent values and fields without a wire name", () => {
    expect(encodeWireFields(schema, { name: "Имя", count: 0, active: false, list: [1] })).toEqual([
      ["Name", "Имя"],
      ["Count", "0"],
      ["IsActive", "0"],
    ]);
    expect(encodeWireFields(schema, { name: "n", count: 3, active: true }, ["active"])).toEqual([["IsActive", "1"]]);
  });

  it("decodes numbers and flags that arrive as strings", () => {
    expect(decodeWireFields(schema, { Name: "n", Count: "8", IsActive: "1", Other: 1 })).toEqual({ name: "n", count: 8, active: true });
    expect(decodeWireFields(schema, { Name: "n", Count: 8, IsActive: 0 })).toEqual({ name: "n", count: 8, active: false });
    expect(decodeWireFields(schema, { Name: null })).toEqual({});
  });

  it("refuses a value of the wrong type instead of guessing", () => {
    expect(() => decodeWireFields(schema, { Count: "eight" })).toThrow(WireDecodeError);
    expect(() => decodeWireFields(schema, { NetworkIP: { bad: true } })).toThrow(/NetworkIP = \{"bad":true\} is not a string/);
    expect(decodeWireFields(schema, { NetworkIP: "10.0.0.0" })).toEqual({ ip: "10.0.0.0" });
    expect(() => decodeWireFields(schema, { IsActive: "yes" })).toThrow(/IsActive = "yes" is not a boolean/);
  });
});
