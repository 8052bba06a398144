import { jsonResponse, type SandboxResponse } from "../core";

/**
 * Hik-Connect answers (guide 3.3): JSON `{errorCode, message, data}` with HTTP 200 whether the call
 * succeeded or not; `errorCode` is the string "0" on success.
 */
export function ok(data?: unknown): SandboxResponse {
  return jsonResponse(200, data === undefined ? { errorCode: "0" } : { data, errorCode: "0" });
}

/** A refusal the guide lists in A.4, e.g. `OPEN000007` "Token exception". */
export class HikError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP 200 with the error code and its description, like the guide's failure example. */
export function errorAnswer(error: HikError): SandboxResponse {
  return jsonResponse(200, { errorCode: error.code, message: error.message });
}

/** The openAPI errors the emulator uses, with the guide's descriptions (A.4). */
export const OPEN = {
  akDoesNotExist: () => new HikError("OPEN000001", "The AK does not exist."),
  // The guide's only failure example (3.3) is a wrong SK, answered with this code and text — not
  // OPEN000002 "Incorrect SK." of its table A.4. The emulator answers what the example shows.
  incorrectSk: () => new HikError("OPEN300002", "SECRET_KEY_NOT_EQUALS{OPEN300002}"),
  tokenExpired: () => new HikError("OPEN000006", "Token expired."),
  tokenException: () => new HikError("OPEN000007", "Token exception."),
  conversion: (detail: string) => new HikError("OPEN000008", `Parameter conversion exception: ${detail}`),
  verification: (detail: string) => new HikError("OPEN000010", `Parameter verification exception: ${detail}`),
  areaDoesNotExist: () => new HikError("OPEN000031", "Area does not exist."),
  deviceDoesNotExist: () => new HikError("OPEN000501", "Device does not exist."),
} as const;

/** Per-device results of devices/add (A.4, EVZ*), with the guide's descriptions. */
export const EVZ = {
  EVZ20002: "Device does not exist.",
  EVZ20007: "Device offline.",
  EVZ20010: "Incorrect device verification code.",
  EVZ20013: "The device has been added by another account.",
  EVZ20017: "The device has been added by yourself.",
} as const;
export type EvzCode = keyof typeof EVZ;
