import { z } from "zod";
import type { Vendor } from "./errors";
import { redact } from "./redact";
import { validateInputs } from "./schema";

/** Documentation of a function argument (registered on its zod schema with {@link arg}). */
export interface ArgMeta {
  doc: string;
}

export const argMeta = z.registry<ArgMeta>();

/** Declares a function argument with one sentence of documentation. */
export function arg<T extends z.ZodType>(schema: T, doc: string): T {
  (schema as z.ZodType).register(argMeta, { doc });
  return schema;
}

export interface FunctionDefinition<A extends z.ZodRawShape, R extends z.ZodType> {
  /** `<vendor>:<name>`, e.g. `forpost:getTariffs`; the SDK exposes it as `forpost.getTariffs`. */
  token: `${Vendor}:${string}`;
  /** One paragraph for the reference docs. */
  description: string;
  args: z.ZodObject<A>;
  /** What the function answers (documented and type-checked; the vendor's secrets never in it). */
  result: R;
  invoke(args: z.output<z.ZodObject<A>>): Promise<z.output<R>>;
}

/** A lookup a program calls, like a provider's data source. */
export interface TelecomFunction<A extends z.ZodRawShape = z.ZodRawShape, R extends z.ZodType = z.ZodType> {
  readonly definition: FunctionDefinition<A, R>;
  /** Validates the arguments (every bad one named at once) and asks the vendor. */
  call(args: z.input<z.ZodObject<A>> | undefined): Promise<z.output<R>>;
}

/**
 * Builds a function from its definition. Arguments are checked with the same messages as
 * resource inputs; the answer runs through the same transport, errors and redaction as the
 * resources, since the implementation uses the vendor's client.
 */
export function defineFunction<A extends z.ZodRawShape, R extends z.ZodType>(definition: FunctionDefinition<A, R>): TelecomFunction<A, R> {
  return {
    definition,
    async call(raw) {
      const { inputs, failures } = validateInputs(definition.args, (raw ?? {}) as Record<string, unknown>);
      if (failures.length > 0) {
        const list = failures.map((f) => `${f.property} ${f.reason}`).join("; ");
        throw new Error(redact(`${definition.token.replace(":", ".")}: invalid arguments: ${list}`));
      }
      return definition.invoke(inputs as z.output<z.ZodObject<A>>);
    },
  };
}

/**
 * The one element a lookup must find: a clear error when nothing or more than one matches, naming
 * what was asked and what there is to choose from.
 */
export function exactlyOne<T>(
  matches: readonly T[],
  what: { fn: string; asked: string; describe: (item: T) => string; available?: readonly T[] },
): T {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const available = what.available?.length ? ` Available: ${what.available.slice(0, 20).map(what.describe).join(", ")}${what.available.length > 20 ? ", …" : ""}.` : "";
    throw new Error(redact(`${what.fn}: nothing matches ${what.asked}.${available}`));
  }
  throw new Error(
    redact(`${what.fn}: ${matches.length} match ${what.asked}: ${matches.map(what.describe).join(", ")}. Narrow the filter (e.g. by id).`),
  );
}
