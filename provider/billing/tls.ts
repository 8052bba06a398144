import { existsSync, readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { ConfigError } from "../core/errors";
import { registerSecret } from "../core/redact";
import type { TlsOptions } from "../core/transport";
import type { BillingConfig } from "./config";
import { openPfx, trustWithPfx } from "./pfx";

const CLIENT_CERT_KEYS = "billing:clientCert + billing:clientKey (BILLING_CLIENT_CERT / BILLING_CLIENT_KEY), or billing:pfx + billing:pfxPassphrase";

/**
 * The TLS options of the billing's transport from its configuration: the CA that signed the
 * cashier interface's certificate and the cashier's client certificate (PEM pair or .pfx).
 * Everything is opened here, once, so a wrong file or passphrase is a configuration error naming
 * the key — not a network failure on every request. Server verification stays on (the transport
 * always sets rejectUnauthorized).
 */
export function billingTlsOptions(config: BillingConfig): TlsOptions & { hasClientCertificate: boolean } {
  const tls: TlsOptions = {};
  if (config.caCert !== undefined) tls.ca = pem("billing:caCert", "BILLING_CA_CERT", config.caCert, "CERTIFICATE");
  if ((config.clientCert === undefined) !== (config.clientKey === undefined)) {
    const missing = config.clientCert === undefined ? "billing:clientCert (BILLING_CLIENT_CERT)" : "billing:clientKey (BILLING_CLIENT_KEY)";
    throw new ConfigError(`billing configuration is incomplete: ${missing} is not set; billing:clientCert and billing:clientKey go together.`);
  }
  if (config.clientCert !== undefined && config.pfx !== undefined) {
    throw new ConfigError("billing configuration is ambiguous: set either billing:clientCert + billing:clientKey or billing:pfx, not both.");
  }
  if (config.clientCert !== undefined && config.clientKey !== undefined) {
    tls.cert = pem("billing:clientCert", "BILLING_CLIENT_CERT", config.clientCert, "CERTIFICATE");
    tls.key = pem("billing:clientKey", "BILLING_CLIENT_KEY", config.clientKey, "PRIVATE KEY");
    registerSecret(tls.key);
  }
  if (config.pfx !== undefined) {
    const opened = openPfx(pfxBytes(config.pfx), config.pfxPassphrase);
    if ("pfx" in opened) {
      tls.pfx = opened.pfx;
      if (opened.passphrase !== undefined) tls.passphrase = opened.passphrase;
    } else {
      // A legacy .pfx Node cannot open, decoded to PEM (see openPfx). Node trusts the certificates
      // of a .pfx it opens for the server too, so the decoded ones are trusted the same way.
      tls.cert = opened.cert;
      tls.key = opened.key;
      tls.ca = trustWithPfx(tls.ca, opened.extraCa);
    }
  }
  try {
    createSecureContext({ ...tls });
  } catch (error) {
    throw new ConfigError(`billing's client certificate cannot be used: ${describe(error)}. ${whichToFix(config)}`);
  }
  return { ...tls, hasClientCertificate: tls.cert !== undefined || tls.pfx !== undefined };
}

function whichToFix(config: BillingConfig): string {
  // openPfx has already opened the file with its passphrase, so the passphrase is not the cause here.
  if (config.pfx !== undefined) return "Check billing:pfx (BILLING_PFX): it must be the .pfx the billing created for the cashier.";
  return "Check that billing:clientCert and billing:clientKey are a certificate and its own private key (an encrypted key is not supported: use billing:pfx).";
}

/** PEM text as is, or the content of the file the value names. */
function pem(key: string, env: string, value: string, kind: "CERTIFICATE" | "PRIVATE KEY"): string {
  const text = value.includes("-----BEGIN") ? value : readConfigFile(key, env, value).toString("utf8");
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    const what = kind === "CERTIFICATE" ? "a PEM certificate (-----BEGIN CERTIFICATE-----)" : "a PEM private key (-----BEGIN … PRIVATE KEY-----)";
    throw new ConfigError(`${key} must be ${what} or the path of a file holding one. Set it with \`pulumi config set ${key} <PEM or path>\` or ${env}.`);
  }
  return text;
}

/** A .pfx file path, or its content in base64. */
function pfxBytes(value: string): Buffer {
  if (existsSync(value)) return readConfigFile("billing:pfx", "BILLING_PFX", value);
  if (/^[A-Za-z0-9+/=\s]+$/.test(value) && value.length > 64) return Buffer.from(value.replace(/\s+/g, ""), "base64");
  throw new ConfigError("billing:pfx must be the path of the .pfx file the billing created, or that file's content in base64; no such file exists. Set it with `pulumi config set --secret billing:pfx <path>` or BILLING_PFX.");
}

function readConfigFile(key: string, env: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${key} names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? describe(error)}): give PEM text or a readable file path with \`pulumi config set ${key} …\` or ${env}.`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Codes on an error and its causes. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

const UNTRUSTED_SERVER = ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_SIGNATURE_FAILURE"];
const CLIENT_REFUSED = [
  "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN",
  "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED",
];
/** A connection the server closed during or right after the handshake (TLS 1.3 servers refuse a client certificate so). */
const CLOSED = ["UND_ERR_SOCKET", "ECONNRESET"];

/**
 * Words for a failed connection to the billing that name the configuration to fix, or undefined
 * when the failure says nothing about TLS. `error` is the transport's error (its cause chain holds
 * Node's TLS error codes).
 */
export function tlsAdvice(error: unknown, context: { hasClientCertificate: boolean; hasCaCert: boolean }): { advice: string; definite: boolean } | undefined {
  const codes = codesOf(error);
  const has = (list: string[]) => codes.some((code) => list.includes(code));
  if (codes.includes("ERR_TLS_CERT_ALTNAME_INVALID")) {
    const reason = findReason(error);
    return {
      definite: true,
      advice:
        `the billing's certificate is not valid for the host name in billing:url${reason ? ` (${reason})` : ""}. ` +
        "Use in billing:url (BILLING_URL) the host name the certificate was made for — the domain set when the cashier web interface was enabled; " +
        "if that domain is fictitious, point it at the billing in DNS or /etc/hosts. Verification is never turned off.",
    };
  }
  if (has(UNTRUSTED_SERVER)) {
    return {
      definite: true,
      advice: context.hasCaCert
        ? "the billing's certificate is not signed by the CA in billing:caCert (BILLING_CA_CERT): set it to the CA that signed the cashier web interface's certificate."
        : "the billing's certificate is not signed by a CA this machine trusts: set billing:caCert (BILLING_CA_CERT) to the CA that signed the cashier web interface's certificate (PEM text or a file path).",
    };
  }
  if (codes.includes("CERT_HAS_EXPIRED")) {
    return { definite: true, advice: "the billing's certificate has expired: renew the cashier web interface's certificate in the billing." };
  }
  if (!context.hasClientCertificate && (has(CLIENT_REFUSED) || has(CLOSED))) {
    return {
      definite: true,
      advice: `no client certificate is configured, and the billing's cashier web interface requires one. Set ${CLIENT_CERT_KEYS} (the cashier certificate created in the billing).`,
    };
  }
  if (has(CLIENT_REFUSED)) {
    return {
      definite: true,
      advice: `the billing refused the client certificate: check ${CLIENT_CERT_KEYS} — it must be a cashier certificate the billing created, signed by its CA.`,
    };
  }
  if (has(CLOSED)) {
    return {
      definite: false,
      advice: `if every request fails so, the billing is probably refusing the client certificate: check ${CLIENT_CERT_KEYS}.`,
    };
  }
  return undefined;
}

function findReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const reason = (current as { reason?: unknown }).reason;
    if (typeof reason === "string") return reason;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
