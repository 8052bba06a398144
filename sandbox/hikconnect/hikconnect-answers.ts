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
  resourcesOverLimit: () => new HikError("OPEN000024", "Number of resources for request exceeded limit."),
  pageSizeOverLimit: () => new HikError("OPEN000025", "Number of records on each page exceeded limit."),
  areaIdEmpty: () => new HikError("OPEN000028", "Area ID is empty."),
  areaDoesNotExist: () => new HikError("OPEN000031", "Area does not exist."),
  deviceDoesNotExist: () => new HikError("OPEN000501", "Device does not exist."),
  cameraDoesNotExist: () => new HikError("OPEN000503", "Camera resource does not exist."),
} as const;

/**
 * "Device does not exist" as the guide's table (A.4) spells it for each layer. Which one the
 * platform answers is not documented; the emulator answers one of them (default VMS021307).
 */
export const DEVICE_NOT_FOUND = {
  VMS021307: "The device does not exist.",
  OPEN000501: "Device does not exist.",
  CCF021307: "Device does not exist.",
  CCF038065: "Device does not exist.",
  VMS000003: "No resource found or resource does not exist.",
  EVZ20002: "Device does not exist.",
} as const;
export type DeviceNotFoundCode = keyof typeof DEVICE_NOT_FOUND;

/** "The area name is taken" as the guide's table (A.4) spells it; the emulator answers one of them (default OPEN000510). */
export const AREA_EXISTS = {
  OPEN000510: "Area already exists.",
  VMS021102: "The area already exists.",
  VMS021103: "The area name already exits.",
  CCF021103: "Area name already exists.",
} as const;
export type AreaExistsCode = keyof typeof AREA_EXISTS;

/** VMS (A.4) codes the emulator uses. */
export const VMS = {
  noSuchResource: () => new HikError("VMS000003", "No resource found or resource does not exist."),
  incorrectDeviceType: () => new HikError("VMS021309", "Incorrect device type."),
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
