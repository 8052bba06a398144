import type { SandboxResponse } from "../core";
import { jsonResponse } from "../core";

/** The document's error codes: 1 unknown error, 2 parameter validation error, 3 access denied. */
export type ForpostErrorCode = 1 | 2 | 3;

/**
 * Which HTTP status carries an `{ErrorCode, Error}` answer. The document does not say, so clients
 * must not depend on it: `"mapped"` answers 3 → 403, 2 → 400, 1 → 500 (and 404 / 405 for an unknown
 * method / a non-POST request); `"200"` answers every error with HTTP 200, as many PHP deployments do.
 */
export type ForpostErrorStatusMode = "mapped" | "200";

/** An error answer a handler raises. */
export class ForpostError extends Error {
  /**
   * @param code the document's ErrorCode
   * @param httpStatus status to use in "mapped" mode instead of the code's default (404, 405)
   */
  constructor(
    readonly code: ForpostErrorCode,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<ForpostErrorCode, number> = { 1: 500, 2: 400, 3: 403 };

/** The `{"ErrorCode": n, "Error": "text"}` answer for an error. */
export function errorAnswer(error: ForpostError, mode: ForpostErrorStatusMode): SandboxResponse {
  const status = mode === "200" ? 200 : (error.httpStatus ?? STATUS_BY_CODE[error.code]);
  return jsonResponse(status, { ErrorCode: error.code, Error: error.message });
}

/** ErrorCode 2 with every message joined. */
export function validationError(messages: readonly string[]): ForpostError {
  return new ForpostError(2, messages.join("; "));
}
