/** The emulator framework every vendor emulator builds on. */
export { ADMIN_PREFIX, AdminRequestError, genericAdminRoutes, jsonBodyOf, jsonObjectOf, type AdminTarget } from "./admin-routes";
export { sameSecret } from "./credentials";
export { parseBody, parseFormFields } from "./body-parser";
export { ANY_ROUTE, FaultRegistry, faultSchema, type Fault, type FaultKind } from "./faults";
export { InFlightGauge, type InFlightSnapshot } from "./in-flight";
export { listen, type ListenOptions, type ListeningServer, type SandboxTlsOptions } from "./http-server";
export { MAIN_LISTENER, type ClientCertificateInfo, type Handler, type ParsedBody, type Route, type SandboxRequest, type SandboxResponse } from "./http-types";
export { DEFAULT_SECRET_KEY_PATTERN, REDACTED, redactSecrets, type RedactionRules } from "./redaction";
export { RequestLog, type RequestLogEntry } from "./request-log";
export { emptyResponse, jsonResponse, textResponse } from "./responses";
export { matchRoute, type RouteMatch } from "./router";
export { VendorEmulator, type VendorEmulatorSettings } from "./vendor-emulator";
