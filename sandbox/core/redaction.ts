/** What the request log and admin answers replace secrets with. */
export const REDACTED = "***";

/**
 * Parameter names whose values are secrets in at least one vendor API: Forpost `AdminPassword` /
 * `Password`, Stalker and billing `password`, Hik-Connect `appSecret` / `accessToken`, VSAAS
 * `X-PASSWORD`, billing `SUID` session ids.
 */
export const DEFAULT_SECRET_KEY_PATTERN =
  /(password|passwd|token|secret|authorization|api[-_]?key|app[-_]?key|signature|cookie|^suid$|session[-_]?id)/i;

export interface RedactionRules {
  /** Object keys whose values are replaced wholesale. */
  keyPattern: RegExp;
  /** Known secret values (e.g. the admin password) scrubbed wherever they appear in a string. */
  secretValues: readonly string[];
}

/** Returns a deep copy of `value` with secrets replaced by `***`. */
export function redactSecrets(value: unknown, rules: RedactionRules): unknown {
  if (typeof value === "string") return scrubString(value, rules.secretValues);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, rules));
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = rules.keyPattern.test(key) ? REDACTED : redactSecrets(item, rules);
    }
    return result;
  }
  return value;
}

function scrubString(text: string, secretValues: readonly string[]): string {
  let result = text;
  for (const secret of secretValues) {
    // Very short values would shred ordinary text; the sandbox never generates secrets that short.
    if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result;
}
