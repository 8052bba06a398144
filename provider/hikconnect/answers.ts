import { VendorApiError, VendorTransportError } from "../core/errors";
import type { HttpAnswer } from "../core/transport";

/** The success code (guide 3.3). */
export const HIK_OK = "0";

export interface HikBody {
  errorCode: string;
  /** The vendor's text for an error: `message` (the guide), or `errorMsg` / `msg` as some gateways send. */
  text: string;
  data: unknown;
}

/**
 * Reads a Hik-Connect answer: `{errorCode, message, data}` (3.3). Errors normally come with HTTP
 * 200; a 429 (the rate limit, after the transport's retries ran out) and any other HTTP error
 * without an errorCode become errors here too.
 */
export function parseHikAnswer(answer: HttpAnswer, operation: string): HikBody {
  let body: unknown;
  try {
    body = JSON.parse(answer.text());
  } catch {
    body = undefined;
  }
  const record = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const rawCode = record?.["errorCode"];
  const code = typeof rawCode === "string" ? rawCode.trim() : typeof rawCode === "number" ? String(rawCode) : undefined;
  const text = [record?.["message"], record?.["errorMsg"], record?.["msg"]].find((t): t is string => typeof t === "string" && t !== "") ?? "";
  if (answer.status === 429) {
    throw new VendorApiError(
      `Hik-Connect ${operation} was refused for too many requests (HTTP 429) even after backing off; the account allows 5 ` +
        `requests per second. If other tools use the same account, lower hikconnect:requestsPerSecond.`,
      { vendor: "hikconnect", operation, httpStatus: 429, retryable: true },
    );
  }
  if (answer.status >= 400 && code === undefined) {
    // A 5xx without the platform's own answer (a gateway's 500/502/503/504) does not say whether
    // the platform did the work: a create that gets one must look before it tries again.
    throw new VendorApiError(`Hik-Connect ${operation} failed: HTTP ${answer.status}${text ? ` (${text})` : ""}`, {
      vendor: "hikconnect",
      operation,
      httpStatus: answer.status,
      retryable: answer.status >= 500,
      outcomeUnknown: answer.status >= 500,
    });
  }
  if (code === undefined) {
    // A success status whose body cannot be read (cut off, not JSON): the platform processed the
    // request, so for a write what happened is unknown — a create must look before it gives up or
    // sends again (found by the fault suite: an applied areas/resources/add left nothing in the state).
    const write = !operation.endsWith("/get");
    if (!record) {
      try {
        answer.json(); // throws the transport's "not JSON" error
      } catch (error) {
        if (error instanceof VendorTransportError) throw error.with({ outcomeUnknown: write && answer.status < 400 });
        throw error;
      }
    }
    throw new VendorApiError(`Hik-Connect ${operation} answered without an errorCode; is hikconnect:url a Hik-Connect for Teams server?`, {
      vendor: "hikconnect",
      operation,
      httpStatus: answer.status,
      outcomeUnknown: write && answer.status < 400,
    });
  }
  return { errorCode: code, text, data: record?.["data"] };
}

/** An answer with errorCode ≠ "0": the code and the vendor's text. */
export function hikError(operation: string, code: string, text: string, httpStatus: number): VendorApiError {
  return new VendorApiError(`Hik-Connect ${operation} failed: ${text || "no description"} (${code})`, {
    vendor: "hikconnect",
    operation,
    code,
    httpStatus,
  });
}
