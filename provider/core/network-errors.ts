/**
 * What a failed HTTP exchange means for retrying: whether the request can have reached the server
 * (`sent`), whether trying again may help (`transient`), and words for the operator.
 */
export interface NetworkErrorKind {
  /** "no": certainly not processed (refused, DNS, connect timeout); "maybe": may have been applied. */
  sent: "no" | "maybe";
  transient: boolean;
  description: string;
  /** For the advice: never got there, the connection broke, it ran out of time, or TLS refused. */
  kind: "unreachable" | "dropped" | "timeout" | "tls";
}

const NOT_SENT: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name was not found",
  EAI_AGAIN: "host name lookup failed temporarily",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
};

/** Codes that mean the time ran out (the advice then offers raising the timeout). */
const TIMEOUTS = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_ABORTED", "ABORT_ERR"]);

const MAYBE_SENT: Record<string, string> = {
  ECONNRESET: "the connection was reset before an answer arrived",
  EPIPE: "the connection was closed while sending",
  UND_ERR_SOCKET: "the connection closed before an answer arrived",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for the answer",
  UND_ERR_BODY_TIMEOUT: "timed out reading the answer",
  UND_ERR_ABORTED: "the request was aborted (timeout)",
  ABORT_ERR: "the request was aborted (timeout)",
  UND_ERR_INFO: "the server answered something that is not HTTP",
};

/** TLS problems are configuration problems: retrying cannot help, the message must say what to fix. */
const TLS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by a trusted CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain ends in an untrusted (self-signed) CA",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not match the host name in the URL",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "the server requires a client certificate",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the server rejected the client certificate",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the server does not trust the CA that signed the client certificate",
  ERR_SSL_WRONG_VERSION_NUMBER: "the server did not answer TLS — is the URL's scheme (http/https) right?",
};

export function classifyNetworkError(error: unknown): NetworkErrorKind & { tls?: boolean } {
  const codes = errorCodes(error);
  const timedOut = (code: string) => (TIMEOUTS.has(code) ? "timeout" : undefined);
  for (const code of codes) {
    if (code in TLS) return { sent: "no", transient: false, description: `TLS failure: ${TLS[code]}`, tls: true, kind: "tls" };
  }
  for (const code of codes) {
    if (code in NOT_SENT) return { sent: "no", transient: true, description: NOT_SENT[code]!, kind: timedOut(code) ?? "unreachable" };
  }
  for (const code of codes) {
    if (code in MAYBE_SENT) return { sent: "maybe", transient: true, description: MAYBE_SENT[code]!, kind: timedOut(code) ?? "dropped" };
  }
  if (codes.some((c) => c.startsWith("ERR_SSL") || c.startsWith("ERR_TLS"))) {
    return { sent: "no", transient: false, description: `TLS failure (${codes.join(", ")})`, tls: true, kind: "tls" };
  }
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return { sent: "maybe", transient: true, description: "the request timed out", kind: "timeout" };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { sent: "maybe", transient: true, description: `network failure: ${message}`, kind: "dropped" };
}

/** Codes on the error and its causes (undici wraps socket errors). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
