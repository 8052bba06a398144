import type { SandboxResponse } from "./http-types";

/** A JSON answer: `status`, `Content-Type: application/json; charset=utf-8`, the serialised body. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...lowerCaseKeys(headers) },
    body: JSON.stringify(value),
  };
}

/** A plain-text answer. */
export function textResponse(status: number, text: string, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...lowerCaseKeys(headers) },
    body: text,
  };
}

/** An answer without a body (e.g. 204). */
export function emptyResponse(status: number, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: lowerCaseKeys(headers) };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
