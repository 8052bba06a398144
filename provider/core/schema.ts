import { z } from "zod";

/**
 * Per-field metadata, attached to each input's zod schema with {@link input}. The zod object of a
 * resource is the single source of truth: check failures, which changes update in place and which
 * replace, which inputs are secret, and the reference docs all come from it.
 */
export interface FieldMeta {
  /** What a change to the field means: update in place, replace the object, or nothing to do. */
  onChange: "update" | "replace" | "ignore";
  /** Sensitive: the SDK wraps it in pulumi.secret() and the engine keeps it secret in state. */
  secret?: boolean;
  /**
   * The vendor never returns it (passwords, verification codes): refresh keeps the value last
   * applied, and import/adoption take the declared value without being able to check it.
   */
  writeOnly?: boolean;
  /** Arrays compared as sets (order and duplicates do not matter). */
  compare?: "set";
  /** The vendor's name for the field on the wire (`MaxCameraCount`), when it has one. */
  wire?: string;
  /** One sentence for the reference docs. */
  doc: string;
}

/** Metadata of computed outputs (not inputs). */
export interface OutputMeta {
  doc: string;
}

export const inputMeta = z.registry<FieldMeta>();
export const outputMeta = z.registry<OutputMeta>();

/** Declares an input field: its validation and what a change to it does. */
export function input<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  (schema as z.ZodType).register(inputMeta, meta);
  return schema;
}

/** Declares a computed output field. */
export function output<T extends z.ZodType>(schema: T, doc: string): T {
  (schema as z.ZodType).register(outputMeta, { doc });
  return schema;
}

/** The value the engine sends for something not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Whether an unknown hides anywhere inside a value. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export function fieldMeta(shape: z.ZodRawShape, key: string): FieldMeta {
  const meta = inputMeta.get(shape[key] as z.ZodType);
  if (!meta) throw new Error(`input ${key} has no field metadata: declare it with input()`);
  return meta;
}

/** Common input schemas, with messages a person can act on. */
export const field = {
  text: (opts: { min?: number; max?: number } = {}) => {
    let s = z.string({ error: "must be a string" });
    if (opts.min !== undefined) s = s.min(opts.min, { error: opts.min === 1 ? "must not be empty" : `must be at least ${opts.min} characters` });
    if (opts.max !== undefined) s = s.max(opts.max, { error: `must be at most ${opts.max} characters` });
    return s;
  },
  nonNegativeInt: () =>
    z
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(0, { error: "must be 0 or more" })
      .max(Number.MAX_SAFE_INTEGER, { error: "is too large" }),
  ipv4: () => z.ipv4({ error: "must be an IPv4 address in the form 192.168.10.0" }),
  bool: () => z.boolean({ error: "must be true or false" }),
};

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Validates inputs the way `check` must: every invalid field reported at once, unknown values
 * (preview) accepted anywhere, and known values normalised. Unknown parts are kept as they are.
 */
export function validateInputs(
  schema: z.ZodObject,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const shape = schema.shape;
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = {};
  for (const key of Object.keys(news)) {
    if (key.startsWith("__") || key in shape) continue;
    const suggestion = closest(key, Object.keys(shape));
    failures.push({
      property: key,
      reason: `is not an input of this resource${suggestion ? ` — did you mean ${suggestion}?` : ""}`,
    });
  }
  for (const [key, fieldSchema] of Object.entries(shape) as Array<[string, z.ZodType]>) {
    // Pulumi drops undefined; null reaches us from JSON-ish programs and means "not set" too.
    const value = news[key] === null ? undefined : news[key];
    const result = validateValue(fieldSchema, value, key);
    failures.push(...result.failures);
    if (result.value !== undefined) inputs[key] = result.value;
  }
  return { inputs, failures };
}

function validateValue(schema: z.ZodType, value: unknown, path: string): { value: unknown; failures: CheckFailure[] } {
  if (value === UNKNOWN) return { value, failures: [] };
  if (containsUnknown(value)) {
    // Validate the known parts of arrays and objects; unknown elements stay as they are.
    const inner = unwrapSchema(schema);
    if (Array.isArray(value) && inner instanceof z.ZodArray) {
      const parts = value.map((v, i) => validateValue(inner.element as z.ZodType, v, `${path}[${i}]`));
      return { value: parts.map((p) => p.value), failures: parts.flatMap((p) => p.failures) };
    }
    if (value && typeof value === "object" && inner instanceof z.ZodObject) {
      const out = validateInputs(inner, value as Record<string, unknown>);
      return {
        value: out.inputs,
        failures: out.failures.map((f) => ({ property: `${path}.${f.property}`, reason: f.reason })),
      };
    }
    return { value, failures: [] };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { value: parsed.data, failures: [] };
  return {
    value,
    failures: parsed.error.issues.map((issue) => ({
      property: path + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join(""),
      reason: describeIssue(issue, value),
    })),
  };
}

/** The schema inside optional/nullable/default/pipe wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodDefault) s = s.removeDefault() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === "invalid_type" && value === undefined && issue.path.length === 0) return "is required";
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    return `must be ${article(issue.expected)} (got ${describeValue(valueAt(value, issue.path))})`;
  }
  if (issue.code === "invalid_type") return `${issue.message} (got ${describeValue(valueAt(value, issue.path))})`;
  return issue.message;
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const p of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return String(v);
}

/** The declared name nearest to a misspelt one, if any is close. */
function closest(key: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export interface FieldDiff {
  /** Inputs whose value differs (or is unknown), in schema order. */
  changed: string[];
  /** The subset of `changed` that forces a replacement. */
  replaces: string[];
}

/**
 * Compares the checked new inputs with the last known state (the engine passes OUTPUTS as olds).
 * Only inputs the program declares take part: an optional input left out is not managed, so the
 * vendor's value for it is never a difference.
 */
export function diffInputs(schema: z.ZodObject, olds: Record<string, unknown>, news: Record<string, unknown>): FieldDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const key of Object.keys(schema.shape)) {
    const next = news[key];
    if (next === undefined) continue;
    const meta = fieldMeta(schema.shape, key);
    if (meta.onChange === "ignore") continue;
    if (!containsUnknown(next) && sameValue(olds[key], next, meta.compare)) continue;
    changed.push(key);
    if (meta.onChange === "replace") replaces.push(key);
  }
  return { changed, replaces };
}

/** Equality as the diff sees it: deep, with arrays compared as sets when the field says so. */
export function sameValue(a: unknown, b: unknown, compare?: "set"): boolean {
  // Every vendor here treats an empty string and an absent value alike ("no contract number").
  if (isEmpty(a) && isEmpty(b)) return true;
  if (compare === "set" && Array.isArray(a) && Array.isArray(b)) {
    return sameValue(canonicalSet(a), canonicalSet(b));
  }
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "";
}

function canonicalSet(values: unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of values) seen.set(JSON.stringify(canonical(v)), v);
  return [...seen.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}
