/**
 * Raw HTTP calls to the Stalker emulator for the sandbox tests: plain fetch with basic auth and
 * form bodies, exactly what the vendor document describes, and nothing from provider/.
 */
import { StalkerEmulator } from "../../sandbox/stalker";
import { send, type RawAnswer } from "./forpost-call";
import { useEmulator } from "./use-emulator";

export { send, type RawAnswer };

export const API_USER = "test-api";
export const API_PASSWORD = "test-only-stalker-pw-5c1e";

export type Credentials = { user: string; password: string } | null;

/** The document's envelope. */
export interface Envelope {
  status: "OK" | "ERROR";
  results: unknown;
  error?: string;
}

/**
 * `METHOD <api>/<path>` with basic auth and, when given, an application/x-www-form-urlencoded body.
 * `api` is the REST API base, `<root>/stalker_portal/api`.
 */
export async function callStalker(
  api: string,
  method: string,
  path: string,
  form?: Record<string, string>,
  credentials: Credentials = { user: API_USER, password: API_PASSWORD },
): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`;
  const init: RequestInit = { method, headers };
  if (form) init.body = new URLSearchParams(form);
  return send(`${api}/${path}`, init);
}

/** The envelope of an answer that must be HTTP 200. */
export function envelope(answer: RawAnswer): Envelope {
  if (answer.status !== 200) throw new Error(`expected HTTP 200, got ${answer.status}: ${answer.text}`);
  return answer.json as Envelope;
}

/** Creates an account over the API (POST /accounts/) and fails loudly if the API refuses. */
export async function createAccount(api: string, fields: Record<string, string>): Promise<void> {
  const answer = envelope(await callStalker(api, "POST", "accounts/", fields));
  if (answer.status !== "OK") throw new Error(`POST /accounts/ refused: ${answer.error}`);
}

/** Reads accounts by identifier(s) (GET /accounts/<ids>). */
export async function getAccounts(api: string, ids = ""): Promise<Envelope> {
  return envelope(await callStalker(api, "GET", `accounts/${ids}`));
}

/**
 * A Stalker emulator for one test file: started before all its tests, reset before each, stopped
 * after all. `api` (the REST base) and `root` are readable once the file's tests run.
 */
export function useStalkerEmulator(): { readonly emulator: StalkerEmulator; readonly api: string; readonly root: string } {
  const stalker = useEmulator(new StalkerEmulator({ user: API_USER, password: API_PASSWORD }), "Stalker");
  return {
    emulator: stalker.emulator,
    get root() {
      return stalker.url;
    },
    get api() {
      return `${stalker.url}/stalker_portal/api`;
    },
  };
}
