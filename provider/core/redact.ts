/**
 * Redaction: every secret the provider learns (passwords, tokens, keys, session ids) is registered
 * here, and every message that leaves the provider — errors, logs, check failures — passes through
 * {@link redact}. Registering is process-wide on purpose: an error raised deep in a client must not
 * need to know which configuration produced the secret it might echo.
 */

const MASK = "***";
/** Values shorter than this are not masked: masking "1" or "ab" would shred ordinary text. */
const MIN_SECRET_LENGTH = 3;

const secrets = new Set<string>();

/** Registers a secret so that it, and the ways it gets encoded on the wire, never appear in output. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  for (const variant of encodings(value)) secrets.add(variant);
}

/** The wire forms a secret takes: as is, percent-encoded, form-encoded, and inside JSON strings. */
function encodings(value: string): string[] {
  const variants = new Set<string>([value]);
  variants.add(encodeURIComponent(value));
  variants.add(new URLSearchParams({ v: value }).toString().slice(2));
  variants.add(JSON.stringify(value).slice(1, -1));
  return [...variants].filter((v) => v.length >= MIN_SECRET_LENGTH);
}

/** Query and form parameter names whose values are secret whatever their value. */
const SENSITIVE_PARAM = /^(.*pass(word|wd|phrase)?|.*secret.*|.*token.*|.*api[-_]?key|suid|session(id)?|authorization)$/i;

/** Masks every registered secret in `text`, plus the values of sensitive-looking URL parameters. */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out.replace(/([?&;])([^=&#\s"']+)=([^&#\s"']*)/g, (match, sep: string, name: string) =>
    SENSITIVE_PARAM.test(decodeSafe(name)) ? `${sep}${name}=${MASK}` : match,
  );
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** For tests: forget every registered secret. */
export function clearRegisteredSecrets(): void {
  secrets.clear();
}
