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
 * A document that is not well-formed (e.g. cut short) is refused: half a row is never read.
 *
 * A small scanner rather than a general XML library: a CLN_HOME_LIST or CLN_SWITCH_LIST of 10,000
 * records is about 3 MB, which fast-xml-parser took seconds to validate and parse (and every create
 * of a home looks the whole directory up); this reads it in a fraction of that. It handles what XML
 * allows in such an answer: a declaration and processing instructions, comments, CDATA, attributes
 * (ignored), empty elements, the five XML entities and numeric character references (which a
 * windows-1251 answer must use for letters outside that code page: Tatar, Kazakh …); an unknown
 * named entity is kept as written. Column names are lower-cased, text trimmed.
 */
export function parseAnswer(text: string): BillingAnswer {
  const root = parseDocument(text.trim());
  // A web server's own page (404, 400 "No required SSL certificate was sent") is not an answer.
  if (root.name.toLowerCase() === "html") throw new NotXmlError("an HTML page, not an api.php answer");
  const rows: BillingRow[] = [];
  let error: string | undefined;
  const visit = (node: XmlElement): void => {
    const errorChild = node.children.find((child) => child.name.toLowerCase() === "error");
    if (errorChild && error === undefined) error = errorChild.text;
    const columns = node.children.filter((child) => child.name.toLowerCase() !== "error");
    const names = new Set(columns.map((child) => child.name));
    // A row: columns that are all text, each once (a repeated name is a list, not a column).
    if (columns.length > 0 && names.size === columns.length && columns.every((child) => child.children.length === 0)) {
      rows.push(Object.fromEntries(columns.map((child) => [child.name.toLowerCase(), child.text])));
      return;
    }
    columns.forEach(visit);
  };
  if (root.name.toLowerCase() === "error") error = root.text;
  else visit(root);
  return error === undefined ? { rows } : { rows, error };
}

interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text (trimmed), entities decoded. */
  text: string;
}

// One token: markup (<…>, comments, CDATA, processing instructions) or text up to the next "<".
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/y;

function parseDocument(text: string): XmlElement {
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m || m[7] !== undefined) throw new NotXmlError(`not well-formed XML at character ${at}`);
    const [whole, cdata, closing, name, , selfClosing, chars] = m;
    if (chars !== undefined || cdata !== undefined) {
      const value = cdata ?? decodeEntities(chars!, at);
      if (stack.length === 0) {
        if (value.trim() !== "") throw new NotXmlError("text outside the root element");
        continue;
      }
      texts[texts.length - 1]!.push(value);
      continue;
    }
    if (name === undefined) {
      // A comment, a processing instruction or a doctype.
      if (whole.startsWith("<?") && at !== 0 && !/^<\?(?!xml[\s?])/i.test(whole)) throw new NotXmlError("an XML declaration that is not at the start");
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name || selfClosing) throw new NotXmlError(`</${name}> does not close ${open ? `<${open.name}>` : "anything"}`);
      open.text = texts.pop()!.join("").trim();
      if (stack.length === 0) root = open;
      continue;
    }
    if (root !== undefined) throw new NotXmlError("more than one root element");
    const element: XmlElement = { name: name!, children: [], text: "" };
    stack[stack.length - 1]?.children.push(element);
    if (selfClosing) {
      if (stack.length === 0) root = element;
      continue;
    }
    stack.push(element);
    texts.push([]);
  }
  if (stack.length > 0 || root === undefined) throw new NotXmlError(stack.length > 0 ? `cut short inside <${stack[stack.length - 1]!.name}>` : "no root element");
  return root;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(chars: string, at: number): string {
  if (!chars.includes("&")) return chars;
  return chars.replace(/&(#x[0-9A-Fa-f]+|#\d+|[A-Za-z][\w.-]*);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new NotXmlError(`a bare "&" at character ${at}`);
    if (entity.startsWith("#")) {
      const code = entity[1] === "x" || entity[1] === "X" ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw new NotXmlError(`an invalid character reference ${match}`);
      return String.fromCodePoint(code);
    }
    return NAMED[entity] ?? match;
  });
}
