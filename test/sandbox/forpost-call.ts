/**
 * Raw HTTP calls to the Forpost emulator for the sandbox tests: plain fetch with a form body, exactly
 * what the vendor document describes, and nothing from provider/ (the emulator must be checked
 * against the document, not against our client).
 */
import { ForpostEmulator } from "../../sandbox/forpost";
import { useEmulator } from "./use-emulator";

export const ADMIN_LOGIN = "test-admin";
export const ADMIN_PASSWORD = "test-only-password-7f3a";

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

/** Minimal valid AddAccount fields. */
export const MINIMAL_ACCOUNT: Readonly<Record<string, string>> = {
  Name: "Иванов Иван",
  MaxCameraCount: "4",
  MaxLoginCount: "2",
  MaxCameraOnlineTranslationCount: "3",
  MaxCameraArchivalTranslationCount: "2",
  MaxCameraUserOnlineTranslationCount: "1",
  MaxCameraUserArchivalTranslationCount: "1",
};

/** POSTs `params` plus the admin credentials as application/x-www-form-urlencoded to `<url>/system-api/<method>`. */
export async function callForpost(
  url: string,
  method: string,
  params: Record<string, string> = {},
  credentials: { login: string; password: string } | null = { login: ADMIN_LOGIN, password: ADMIN_PASSWORD },
): Promise<RawAnswer> {
  const form = new URLSearchParams(params);
  if (credentials) {
    form.set("AdminLogin", credentials.login);
    form.set("AdminPassword", credentials.password);
  }
  return send(`${url}/system-api/${method}`, { method: "POST", body: form });
}

/** Any request, answer read fully. */
export async function send(url: string, init: RequestInit = {}): Promise<RawAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A JSON request to an admin route under `/__sandbox/`. */
export function admin(url: string, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  return send(`${url}/__sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
}

/** Creates an account over the API and returns its ID. */
export async function addAccount(url: string, fields: Record<string, string> = {}): Promise<number> {
  const answer = await callForpost(url, "AddAccount", { ...MINIMAL_ACCOUNT, ...fields });
  const id = (answer.json as { ID?: unknown } | undefined)?.ID;
  if (answer.status !== 200 || typeof id !== "number") throw new Error(`AddAccount failed: ${answer.status} ${answer.text}`);
  return id;
}

/**
 * A Forpost emulator for one test file: started before all its tests, reset (accounts, log,
 * faults) before each, stopped after all. `url` is readable once the file's tests run.
 */
export function useForpostEmulator(): { readonly emulator: ForpostEmulator; readonly url: string } {
  return useEmulator(new ForpostEmulator({ adminLogin: ADMIN_LOGIN, adminPassword: ADMIN_PASSWORD }), "Forpost");
}

/** Minimal valid AddUser fields besides AccountID. */
export const MINIMAL_USER: Readonly<Record<string, string>> = { Login: "ivanov", Password: "user-pw-1" };

/** Minimal valid AddCamera fields besides AccountID (no model: Protocol and MJPEG are required). */
export const MINIMAL_CAMERA: Readonly<Record<string, string>> = {
  Name: "Подъезд",
  MasterID: "1",
  Login: "admin",
  Password: "camera-pw-1",
  IPOrDomain: "10.0.0.5",
  Port: "554",
  Protocol: "rtsp",
  MJPEG: "/play.sdp",
};

/** Calls an Add… method and returns the new ID, failing loudly otherwise. */
export async function addOne(url: string, method: "AddUser" | "AddCamera", fields: Record<string, string>): Promise<number> {
  const answer = await callForpost(url, method, fields);
  const id = (answer.json as { ID?: unknown } | undefined)?.ID;
  if (answer.status !== 200 || typeof id !== "number") throw new Error(`${method} failed: ${answer.status} ${answer.text}`);
  return id;
}
