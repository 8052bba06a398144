import { XMLBuilder } from "fast-xml-parser";
import iconv from "iconv-lite";
import type { SandboxResponse } from "../core";

/** The answer encodings the sandbox can speak: Carbon-style billings answer in windows-1251. */
export type BillingEncoding = "windows-1251" | "utf-8";

/** Element names of an answer; the provider must not depend on them, so tests vary them. */
export interface BillingElementNames {
  root: string;
  row: string;
}

/** One result row: output column (lower case) → value; null renders as an empty element. */
export type BillingRow = Record<string, string | number | null>;

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true, processEntities: true });

/**
 * Renders a procedure's answer. The document shows none, so the sandbox assumes what design.md
 * reports having seen (`<suid>`): an XML document with a declaration naming its encoding, one
 * element per result row, each row's children the procedure's output columns in lower case, NULL
 * as an empty element; an error as an `<error>` element. The bytes are encoded as declared.
 */
export function xmlAnswer(
  content: { rows: BillingRow[] } | { error: string },
  options: { encoding: BillingEncoding; names: BillingElementNames; status?: number },
): SandboxResponse {
  const inner =
    "error" in content
      ? { error: content.error }
      : content.rows.length === 0
        ? ""
        : { [options.names.row]: content.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? "" : v]))) };
  const text = builder.build({ "?xml": { "@_version": "1.0", "@_encoding": options.encoding }, [options.names.root]: inner }) as string;
  return {
    status: options.status ?? 200,
    headers: { "content-type": `text/xml; charset=${options.encoding}` },
    body: encode(text, options.encoding),
  };
}

export function encode(text: string, encoding: BillingEncoding): Buffer {
  return encoding === "utf-8" ? Buffer.from(text, "utf8") : iconv.encode(text, "win1251");
}

/** Whether every character of `text` exists in the encoding (windows-1251 has no emoji, no CJK …). */
export function representable(text: string, encoding: BillingEncoding): boolean {
  if (encoding === "utf-8") return true;
  return iconv.decode(iconv.encode(text, "win1251"), "win1251") === text;
}
