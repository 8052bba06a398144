import { field, input } from "../core/schema";

/**
 * A MAC address in upper case with colons (`00:1A:79:00:39:5E`), the form the Stalker document
 * uses, from colon- or dash-separated pairs in any case or 12 bare hex digits; undefined otherwise.
 */
export function normalizeMac(text: string): string | undefined {
  const t = text.trim();
  const separated = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/.test(t);
  if (!separated && !/^[0-9A-Fa-f]{12}$/.test(t)) return undefined;
  return t.replace(/[:-]/g, "").toUpperCase().match(/../g)!.join(":");
}

/** An optional MAC input: any common spelling, stored upper case with colons; "" for none. */
export function macInput(doc: string, options: { wire?: string } = {}) {
  return input(
    field
      .text()
      .refine((s) => s === "" || normalizeMac(s) !== undefined, { error: "must be a MAC address such as 00:1A:79:00:39:5E" })
      .transform((s) => (s === "" ? "" : normalizeMac(s)!))
      .optional(),
    { onChange: "update", ...(options.wire ? { wire: options.wire } : {}), doc },
  );
}
