/**
 * Raw HTTPS calls to the billing emulator for the sandbox tests: a GET of `api.php` with positional
 * arguments, exactly as the vendor document shows, over mutual TLS; answers decoded by the encoding
 * their XML declaration names. Nothing from provider/ (the emulator is checked against the document).
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import iconv from "iconv-lite";
import { Agent, request } from "undici";
import { BillingEmulator, generateBillingCertificates, type BillingCertificates, type BillingEmulatorOptions } from "../../sandbox/billing";
import { useEmulator } from "./use-emulator";

export const LOGIN = "test-cashier";
export const PASSWORD = "test-only-billing-pw-5e1";

/** Certificates generated once per test file (generating RSA keys takes a moment). */
let shared: BillingCertificates | undefined;
export function testCertificates(): BillingCertificates {
  shared ??= generateBillingCertificates();
  return shared;
}

export interface TlsIdentity {
  ca?: string;
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
}

/** The cashier's identity: trusts the emulator's CA, presents its client certificate. */
export function cashier(certs: BillingCertificates = testCertificates()): TlsIdentity {
  return { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body decoded by the encoding the XML declaration names (else UTF-8). */
  text: string;
  /** The parsed XML (root element included), or undefined when the body is not well-formed XML. */
  xml: Record<string, unknown> | undefined;
}

const parser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true });

/** GET `<url><path>` with the query in order; rejects on TLS/connection failures. */
export async function get(url: string, path: string, query: Array<[string, string]>, identity: TlsIdentity = cashier()): Promise<RawAnswer> {
  const target = new URL(url + path);
  for (const [name, value] of query) target.searchParams.append(name, value);
  const agent = new Agent({ connect: { ...identity, rejectUnauthorized: true } });
  try {
    const res = await request(target, { method: "GET", dispatcher: agent });
    const body = Buffer.from(await res.body.arrayBuffer());
    const declared = /^<\?xml[^>]*encoding="([^"]+)"/.exec(body.subarray(0, 100).toString("latin1"))?.[1];
    const text = declared ? iconv.decode(body, declared) : body.toString("utf8");
    let xml: Record<string, unknown> | undefined;
    // The parser is lenient with a cut document; only a well-formed one counts as XML.
    if (text.startsWith("<?xml") && XMLValidator.validate(text) === true) xml = parser.parse(text) as Record<string, unknown>;
    return { status: res.statusCode, headers: res.headers, body, text, xml };
  } finally {
    await agent.close();
  }
}

/** `api.php?cmd=execute&proc=<proc>&arg1=…` with the given arguments (null → the literal `null`). */
export function callProc(url: string, proc: string, args: Array<string | number | null>, options: { perCall?: { login: string; password: string }; identity?: TlsIdentity } = {}): Promise<RawAnswer> {
  const query: Array<[string, string]> = [];
  if (options.perCall) query.push(["login", options.perCall.login], ["password", options.perCall.password]);
  query.push(["cmd", "execute"], ["proc", proc]);
  args.forEach((arg, index) => query.push([`arg${index + 1}`, arg === null ? "null" : String(arg)]));
  return get(url, "/api.php", query, options.identity);
}

/** CLN_AUTH_LOGIN → the SUID (throws on an error answer). */
export async function login(url: string, credentials = { login: LOGIN, password: PASSWORD }): Promise<string> {
  const answer = await callProc(url, "CLN_AUTH_LOGIN", [credentials.login, credentials.password, 0]);
  const suid = rowsOf(answer)[0]?.["suid"];
  if (typeof suid !== "string") throw new Error(`CLN_AUTH_LOGIN failed: ${answer.text}`);
  return suid;
}

/** The address arguments of CLN_HOME_EDIT after ID: PULL_ID … S_LITER. */
export interface HomeArgs {
  PULL_ID?: number | null;
  CONNECT_DATE?: string | null;
  ZIP_CODE?: string | null;
  COUNTRY?: string | null;
  CITY?: string | null;
  REGION?: string | null;
  STREET?: string | null;
  S_NUMBER?: number | string | null;
  S_LITER?: string | null;
}

export function homeEditArgs(op: 0 | 1 | 2, id: number | null, home: HomeArgs = {}): Array<string | number | null> {
  return [op, id, home.PULL_ID ?? null, home.CONNECT_DATE ?? null, home.ZIP_CODE ?? null, home.COUNTRY ?? null, home.CITY ?? null, home.REGION ?? null, home.STREET ?? null, home.S_NUMBER ?? null, home.S_LITER ?? null];
}

export const LENINA: HomeArgs = { PULL_ID: 1, CONNECT_DATE: "2024-03-01", ZIP_CODE: "420111", COUNTRY: "Россия", CITY: "Казань", REGION: "Татарстан", STREET: "улица Ленина", S_NUMBER: 12, S_LITER: "А" };

/** Rows of an answer: every element whose children are all text, wherever it sits. */
export function rowsOf(answer: RawAnswer): Array<Record<string, string>> {
  const rows: Array<Record<string, string>> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const values = Object.values(node);
    if (values.length > 0 && values.every((v) => typeof v === "string")) rows.push(node as Record<string, string>);
    else values.forEach(visit);
  };
  if (answer.xml) Object.values(answer.xml).forEach(visit);
  return rows;
}

/** The text of an `<error>` element, if the answer has one. */
export function errorOf(answer: RawAnswer): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined || node === null || typeof node !== "object") return;
    const error = (node as Record<string, unknown>)["error"];
    if (typeof error === "string") found = error;
    else Object.values(node).forEach(visit);
  };
  visit(answer.xml);
  return found;
}

/**
 * A billing emulator for one test file: started before all its tests, reset before each, stopped
 * after all. `url` is readable once the file's tests run.
 */
export function useBillingEmulator(options: Partial<BillingEmulatorOptions> = {}): { readonly emulator: BillingEmulator; readonly url: string } {
  return useEmulator(new BillingEmulator({ login: LOGIN, password: PASSWORD, certificates: testCertificates(), ...options }), "billing");
}
