import { XMLParser, XMLValidator } from "fast-xml-parser";
import iconv from "iconv-lite";

/** One result row: output column (lower case) → text; an empty element is "". */
export type BillingRow = Record<string, string>;

/** What an `api.php` answer says: its rows, or the billing's error text. */
export interface BillingAnswer {
  rows: BillingRow[];
  error?: string;
}

/** The body is not a well-formed XML document (an HTML page, a cut answer, another service). */
export class NotXmlError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Keep every value as text: zip codes keep their leading zeros, numbers are parsed per field.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Also numeric character references (&#1174;), which XML requires decoding and which a
  // windows-1251 answer must use for letters outside that code page (Tatar, Kazakh …); the parser
  // handles them only under this option. HTML's named entities come along, harmlessly.
  htmlEntities: true,
});

/**
 * The text of an answer, decoded by the encoding its XML declaration names (`windows-1251` on
 * Carbon-style billings), else by the Content-Type charset, else as UTF-8. The document does not
 * describe the answer format; this is an assumption (README "Assumptions").
 */
export function decodeAnswer(body: Buffer, contentType?: string | string[]): string {
  const head = body.subarray(0, 200).toString("latin1").replace(/^\u00ef\u00bb\u00bf/, "");
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/i.exec(head)?.[1];
  const header = Array.isArray(contentType) ? contentType[0] : contentType;
  const charset = declared ?? /charset\s*=\s*"?([A-Za-z0-9._:-]+)/i.exec(header ?? "")?.[1] ?? "utf-8";
  const encoding = iconv.encodingExists(charset) ? charset : "utf-8";
  return iconv.decode(body, encoding);
}

/**
 * Reads an answer without depending on the names of the root or row elements (the document shows
 * none): a row is any element whose children are all simple text elements — the procedure's
 * output columns (`<suid>`, `<id>`, `<street>` …); the first `<error>` element anywhere is a failure.
 * A document that is not well-formed (e.g. cut short) is refused: the parser alone would accept
 * half a row.
 */
export function parseAnswer(text: string): BillingAnswer {
  const trimmed = text.trim();
  if (!trimmed.startsWith("<") || XMLValidator.validate(trimmed) !== true) throw new NotXmlError("not well-formed XML");
  const document = parser.parse(trimmed) as Record<string, unknown>;
  // A web server's own page (404, 400 "No required SSL certificate was sent") is not an answer.
  if (Object.keys(document).some((name) => name.toLowerCase() === "html")) throw new NotXmlError("an HTML page, not an api.php answer");
  const rows: BillingRow[] = [];
  let error: string | undefined;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const entries = Object.entries(node as Record<string, unknown>);
    const errorEntry = entries.find(([name]) => name.toLowerCase() === "error");
    if (errorEntry && error === undefined) error = textOf(errorEntry[1]) ?? "";
    const columns = entries.filter(([name]) => name.toLowerCase() !== "error");
    if (columns.length > 0 && columns.every(([, value]) => typeof value === "string")) {
      rows.push(Object.fromEntries(columns.map(([name, value]) => [name.toLowerCase(), value as string])));
      return;
    }
    columns.forEach(([, value]) => visit(value));
  };
  for (const root of Object.values(document)) visit(root);
  return error === undefined ? { rows } : { rows, error };
}

function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === "object" && typeof (value as Record<string, unknown>)["#text"] === "string") return (value as Record<string, string>)["#text"];
  return undefined;
}
