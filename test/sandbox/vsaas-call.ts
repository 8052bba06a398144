/**
 * Raw HTTP calls to the VSAAS.IO emulator for the sandbox tests: plain fetch with the headers and
 * JSON bodies the vendor document shows, and nothing from provider/.
 */
import { VsaasEmulator } from "../../sandbox/vsaas";
import { send, type RawAnswer } from "./forpost-call";
import { useEmulator } from "./use-emulator";

export { admin, send, type RawAnswer } from "./forpost-call";

export const USER = "test-admin@example.org";
export const PASSWORD = "test-only-vsaas-pw-51c2";
export const DOMAIN_ID = 247;
export const WATCHER_KEY = "test-only-watcher-key-9d0e";

export interface Credentials {
  user?: string;
  password?: string;
  domainId?: string;
}

/** A billing API call: `<url>/api/v1/<path>` with Content-Type JSON and X-USER / X-PASSWORD / X-DOMAIN-ID. */
export function billing(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  credentials: Credentials | null = { user: USER, password: PASSWORD, domainId: String(DOMAIN_ID) },
): Promise<RawAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (credentials?.user !== undefined) headers["x-user"] = credentials.user;
  if (credentials?.password !== undefined) headers["x-password"] = credentials.password;
  if (credentials?.domainId !== undefined) headers["x-domain-id"] = credentials.domainId;
  return send(`${url}/api/v1/${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** A Watcher API v2 GET with `x-vsaas-api-key`. */
export function watcher(url: string, path: string, key: string | null = WATCHER_KEY): Promise<RawAnswer> {
  return send(`${url}/vsaas/api/v2/${path}`, { headers: key === null ? {} : { "x-vsaas-api-key": key } });
}

/** A Watcher API v2 write, as the document's curl lines send it: JSON with `x-vsaas-api-key`. */
export function watcherWrite(url: string, method: string, path: string, body?: unknown, key: string | null = WATCHER_KEY): Promise<RawAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== null) headers["x-vsaas-api-key"] = key;
  return send(`${url}/vsaas/api/v2/${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** POST /api/v1/organizations; returns the `organization` object of the 201 answer. */
export async function createOrganization(url: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const answer = await billing(url, "POST", "organizations", { organization: { title: "Demo org", owner: "demo@example.org", ...fields } });
  if (answer.status !== 201) throw new Error(`create failed: ${answer.status} ${answer.text}`);
  return (answer.json as { organization: Record<string, unknown> }).organization;
}

/** Plan ids of an organization answer. */
export function planIds(organization: unknown): number[] {
  return ((organization as { tariff_plans: Array<{ id: number }> }).tariff_plans ?? []).map((plan) => plan.id);
}

/** A VSAAS emulator for one test file: started before all, reset before each, stopped after all. */
export function useVsaasEmulator(): { readonly emulator: VsaasEmulator; readonly url: string } {
  return useEmulator(new VsaasEmulator({ user: USER, password: PASSWORD, domainId: DOMAIN_ID, watcherApiKey: WATCHER_KEY }), "VSAAS");
}
