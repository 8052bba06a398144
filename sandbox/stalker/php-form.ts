import type { SandboxRequest } from "../core";

/** A form field as PHP reads it: a string, or a list for `name[]=…` / `name[key]=…`. */
export type PhpFormValue = string | string[];

/**
 * The body's fields the way Stalker (PHP, `parse_str(file_get_contents("php://input"))`) reads
 * them, for every method: `sub_ch[]=27&sub_ch[]=29` is the list `["27", "29"]`, `sub_ch[]=` is
 * `[""]`, `sub_ch=27` is the string "27" (a repeated plain name keeps its last value). Names are
 * percent-decoded before the brackets are read, so `sub_ch%5B%5D=27` is a list too. Only
 * application/x-www-form-urlencoded bodies carry fields: JSON and multipart read as empty.
 */
export function phpFormFields(request: SandboxRequest): Record<string, PhpFormValue> {
  if (request.body.kind !== "form") return {};
  const fields: Record<string, PhpFormValue> = {};
  for (const [rawName, value] of new URLSearchParams(request.rawBody.toString("utf8"))) {
    const list = /^([^[\]]+)\[[^\]]*\]$/.exec(rawName);
    if (!list) {
      fields[rawName] = value;
      continue;
    }
    const name = list[1]!;
    const current = fields[name];
    fields[name] = Array.isArray(current) ? [...current, value] : [value];
  }
  return fields;
}

/** A field as a list: a list as it is, a plain string as one element (how the sandbox reads `restricted=vclub`). */
export function asList(value: PhpFormValue): string[] {
  return Array.isArray(value) ? [...value] : [value];
}

/** PHP's intval of a form value: the leading digits, else 0. */
export function intval(value: PhpFormValue): number {
  const text = Array.isArray(value) ? (value.length > 0 ? "1" : "0") : value;
  const match = /^\s*[+-]?\d+/.exec(text);
  return match ? Number.parseInt(match[0], 10) : 0;
}
