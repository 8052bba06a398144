import { ACCOUNT_FIELDS, type ForpostAccountFields, type ForpostFieldSpec } from "./forpost-account";

/** Result of validating form fields: the parsed values, or messages naming each bad field. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Largest "Число" accepted. The document gives no bound; real deployments store these in MySQL INT
 * columns, so the sandbox rejects anything above 2^31-1 as a validation error.
 */
export const MAX_NUMBER = 2_147_483_647;

/** Longest string field accepted; the document is silent, the sandbox assumes VARCHAR(255). */
export const MAX_TEXT_LENGTH = 255;

// Four dot-separated decimal octets, 1-3 digits each, each at most 255. Leading zeros ("010") are
// accepted: the document only shows the shape xxx.xxx.xxx.xxx.
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const DIGITS = /^\d+$/;

/**
 * Validates AddAccount (`mode: "add"`) or EditAccount (`mode: "edit"`) fields. Fields not in the
 * document are ignored, as a PHP handler reading `$_POST` by name would. In edit mode only present
 * fields are validated and returned. Decisions where the document is silent:
 * - Name must not be empty or blank (it is required); other text fields and the IPv4 fields treat a
 *   present-but-empty value as "clear" (stored and answered as null);
 * - a present-but-empty "Число" is a validation error (there is no way to clear MaxSMSPerMonth/Quota);
 * - numbers are plain decimal digits: no sign, no spaces, no fraction, at most {@link MAX_NUMBER}.
 */
export function validateAccountFields(
  input: Readonly<Record<string, string>>,
  mode: "add" | "edit",
): Validated<Partial<ForpostAccountFields>> {
  return validateFields<ForpostAccountFields>(ACCOUNT_FIELDS, input, mode);
}

/**
 * Validates the fields of an Add… (`mode: "add"`) or Edit… (`mode: "edit"`) call against a field
 * list, with the rules of {@link validateAccountFields}. `id` fields are positive integers and
 * cannot be cleared; `port` fields are 1-65535.
 */
export function validateFields<T>(
  specs: ReadonlyArray<ForpostFieldSpec<string>>,
  input: Readonly<Record<string, string>>,
  mode: "add" | "edit",
): Validated<Partial<T>> {
  const errors: string[] = [];
  const value: Record<string, unknown> = {};
  for (const field of specs) {
    const raw = input[field.name];
    if (raw === undefined) {
      if (mode === "add" && field.required) errors.push(`${field.name} is required`);
      continue;
    }
    const parsed = parseField(field, raw);
    if (parsed.ok) value[field.name] = parsed.value;
    else errors.push(parsed.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as Partial<T> };
}

function parseField(field: ForpostFieldSpec<string>, raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const name = field.name;
  switch (field.kind) {
    case "text":
      if (raw.length > MAX_TEXT_LENGTH) return { ok: false, error: `${name} must be at most ${MAX_TEXT_LENGTH} characters` };
      if (field.required) {
        return raw.trim() === "" ? { ok: false, error: `${name} must not be empty` } : { ok: true, value: raw };
      }
      return { ok: true, value: raw === "" ? null : raw };
    case "ipv4":
      if (raw === "") return { ok: true, value: null };
      return isIpv4(raw) ? { ok: true, value: raw } : { ok: false, error: `${name} must be an IPv4 address in the form xxx.xxx.xxx.xxx` };
    case "count": {
      const number = parseNonNegativeInteger(raw);
      return number === undefined
        ? { ok: false, error: `${name} must be a non-negative integer (at most ${MAX_NUMBER})` }
        : { ok: true, value: number };
    }
    case "flag":
      return raw === "0" || raw === "1" ? { ok: true, value: Number(raw) } : { ok: false, error: `${name} must be 1 or 0` };
    case "id": {
      // An optional reference can be cleared with an empty value, like the text fields.
      if (raw === "" && !field.required) return { ok: true, value: null };
      const number = parseNonNegativeInteger(raw);
      return number === undefined || number === 0 ? { ok: false, error: `${name} must be a positive integer` } : { ok: true, value: number };
    }
    case "port": {
      const number = parseNonNegativeInteger(raw);
      return number === undefined || number < 1 || number > 65535
        ? { ok: false, error: `${name} must be a port number from 1 to 65535` }
        : { ok: true, value: number };
    }
  }
}

/** `xxx.xxx.xxx.xxx` with each octet 0-255. */
export function isIpv4(text: string): boolean {
  const match = IPV4.exec(text);
  return match !== null && match.slice(1).every((octet) => Number(octet) <= 255);
}

/** A plain decimal non-negative integer up to {@link MAX_NUMBER}, else undefined. */
export function parseNonNegativeInteger(text: string): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const number = Number(text);
  return number <= MAX_NUMBER ? number : undefined;
}

/** A required identifier parameter (ID, AccountID): a positive integer. */
export function parseIdParameter(input: Readonly<Record<string, string>>, name: string): Validated<number> {
  const raw = input[name];
  if (raw === undefined || raw === "") return { ok: false, errors: [`${name} is required`] };
  const id = parseNonNegativeInteger(raw);
  return id === undefined || id === 0 ? { ok: false, errors: [`${name} must be a positive integer`] } : { ok: true, value: id };
}

/**
 * TariffIDList: a JSON array of tariff ids, e.g. `[1, 2, 3]`. Elements must be JSON numbers that are
 * positive integers; the document's example has numbers, so numeric strings ("1") are rejected.
 * Duplicates are collapsed.
 */
export function parseTariffIdList(input: Readonly<Record<string, string>>): Validated<number[]> {
  const raw = input["TariffIDList"];
  if (raw === undefined) return { ok: false, errors: ["TariffIDList is required"] };
  const shape = "TariffIDList must be a JSON array of tariff ids, e.g. [1, 2, 3]";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, errors: [shape] };
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => Number.isSafeInteger(item) && (item as number) > 0)) {
    return { ok: false, errors: [shape] };
  }
  return { ok: true, value: [...new Set(parsed as number[])] };
}
