import { z } from "zod";
import { inputMeta, unwrapSchema } from "./schema";

/**
 * Moving field values between the resource schema and a vendor's wire format. A field's wire name
 * lives in its {@link FieldMeta} (`wire`), so the resource schema stays the only list of fields;
 * how a value is written follows from the field's type.
 */

/** An integer as vendors send it: a number, or a string of digits (PHP backends). */
export const wireInt = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

type Kind = "number" | "boolean" | "string" | "other";

function kindOf(schema: z.ZodType): Kind {
  const s = unwrapSchema(schema);
  if (s instanceof z.ZodNumber) return "number";
  if (s instanceof z.ZodBoolean) return "boolean";
  if (s instanceof z.ZodString || s instanceof z.ZodStringFormat || s instanceof z.ZodEnum || s instanceof z.ZodLiteral) return "string";
  if (s instanceof z.ZodUnion) {
    // e.g. an IPv4 address or "" (to clear): one kind across the options is that kind.
    const kinds = new Set((s.options as z.ZodType[]).map(kindOf));
    if (kinds.size === 1) return [...kinds][0]!;
  }
  return "other";
}

/** The fields of a schema that have a wire name, as [field, wire name, kind]. */
export function wireFields(schema: z.ZodObject): Array<{ key: string; wire: string; kind: Kind }> {
  const out: Array<{ key: string; wire: string; kind: Kind }> = [];
  for (const [key, fieldSchema] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
    const wire = inputMeta.get(fieldSchema)?.wire;
    if (wire) out.push({ key, wire, kind: kindOf(fieldSchema) });
  }
  return out;
}

/**
 * Form parameters for the given fields (all wire fields when `keys` is omitted): booleans as 1/0,
 * numbers in decimal, strings as they are. Absent values are not sent.
 */
export function encodeWireFields(
  schema: z.ZodObject,
  values: Record<string, unknown>,
  keys?: readonly string[],
): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  for (const { key, wire, kind } of wireFields(schema)) {
    if (keys && !keys.includes(key)) continue;
    const v = values[key];
    if (v === undefined || v === null) continue;
    params.push([wire, kind === "boolean" ? (v ? "1" : "0") : String(v)]);
  }
  return params;
}

/** A value the vendor sent that does not have the field's type. */
export class WireDecodeError extends Error {}

/**
 * Reads the wire fields of a vendor record back into field values: numbers from numbers or digit
 * strings, booleans from 1/0/"1"/"0"/true/false, strings as they are; null and absent stay absent.
 */
export function decodeWireFields(schema: z.ZodObject, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, wire, kind } of wireFields(schema)) {
    const raw = record[wire];
    if (raw === undefined || raw === null) continue;
    out[key] = decodeValue(kind, raw, wire);
  }
  return out;
}

function decodeValue(kind: Kind, raw: unknown, wire: string): unknown {
  switch (kind) {
    case "number": {
      if (typeof raw === "number" && Number.isFinite(raw)) return raw;
      if (typeof raw === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)) return Number(raw);
      break;
    }
    case "boolean": {
      if (raw === true || raw === 1 || raw === "1" || raw === "true") return true;
      if (raw === false || raw === 0 || raw === "0" || raw === "false" || raw === "") return false;
      break;
    }
    case "string":
      if (typeof raw === "string") return raw;
      if (typeof raw === "number") return String(raw);
      break;
    default:
      return raw;
  }
  throw new WireDecodeError(`${wire} = ${JSON.stringify(raw)} is not a ${kind}`);
}
