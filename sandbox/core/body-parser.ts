import type { ParsedBody } from "./http-types";

/**
 * Interprets a request body by its `Content-Type`. Form bodies become fields, JSON bodies a value;
 * multipart is recognised but not parsed: vendors documented as "form-urlencoded" must not read
 * fields out of a multipart body, so no emulator gets the chance to.
 */
export function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (raw.length === 0 && mediaType !== "multipart/form-data") return { kind: "empty" };
  if (mediaType === "application/x-www-form-urlencoded") {
    return { kind: "form", fields: parseFormFields(raw.toString("utf8")) };
  }
  if (mediaType === "application/json" || mediaType.endsWith("+json")) {
    const text = raw.toString("utf8");
    try {
      return { kind: "json", value: JSON.parse(text) as unknown };
    } catch {
      return { kind: "invalid-json", text };
    }
  }
  if (mediaType === "multipart/form-data") return { kind: "multipart" };
  return { kind: "other", contentType: mediaType };
}

/** Decodes `a=1&b=x+y` (plus means space, percent escapes as UTF-8); a repeated name keeps its last value. */
export function parseFormFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) fields[name] = value;
  return fields;
}
