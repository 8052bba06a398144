/**
 * Names in the generated program: Pulumi resource names (the URN's last part, so they must never
 * change between two runs of discover over the same objects) and TypeScript variable names.
 *
 * A name is derived from the object alone — its subscriber and its own name, else its type and
 * id — so adding or removing other objects never renames it; only objects that would share a name
 * get a suffix (their type, then their id), and they all get it, not just the second one.
 */

/** Russian (GOST 7.79 system B, simplified) and Ukrainian letters: vendor records here are often Cyrillic. */
const CYRILLIC: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch",
  ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya", і: "i", ї: "yi", є: "ye", ґ: "g",
};

/** Longest Pulumi name generated (URNs stay readable in `pulumi preview`). */
const MAX_NAME = 60;

/** Lower-case ASCII words joined by `-`: `"Иванов И.И., кв. 5"` → `ivanov-i-i-kv-5`. */
export function slug(text: string): string {
  const latin = [...text.normalize("NFKD").toLowerCase()]
    .map((ch) => CYRILLIC[ch] ?? ch)
    .join("")
    .replace(/[\u0300-\u036f]/g, "");
  const words = latin.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (words.length <= MAX_NAME) return words;
  return words.slice(0, MAX_NAME).replace(/-+[^-]*$/, "") || words.slice(0, MAX_NAME);
}

/** `Account` of `forpost:Account` as words: `forpost-account`; `hikconnect:Device` → `hikconnect-device`. */
export function typeSlug(token: string): string {
  const [vendor, type] = token.split(":") as [string, string];
  return `${vendor}-${type.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()}`;
}

export interface NameRequest {
  token: string;
  id: string;
  subscriber?: string;
  name?: string;
}

/**
 * Pulumi names for objects, in the same order: `<subscriber>-<name>` (the subscriber left out when
 * the name already contains it), `<type>-<id>` for an object with neither. Names that would be
 * shared get `-<type>`, then `-<id>` as well, on every object that shares them.
 */
export function resourceNames(objects: readonly NameRequest[]): string[] {
  const base = objects.map((o) => {
    const own = slug(o.name ?? "");
    const subscriber = slug(o.subscriber ?? "");
    if (own === "" && subscriber === "") return `${typeSlug(o.token)}-${slug(o.id) || "object"}`;
    if (own === "") return `${subscriber}-${typeSlug(o.token)}`;
    if (subscriber === "" || own === subscriber || own.startsWith(`${subscriber}-`)) return own;
    return `${subscriber}-${own}`;
  });
  const withType = disambiguate(base, (name, i) => `${name}-${typeSlug(objects[i]!.token)}`);
  const withId = disambiguate(withType, (name, i) => `${name}-${slug(objects[i]!.id) || "object"}`);
  // Still shared (the same type and id twice, or ids that slug alike): number them in the given order.
  const seen = new Map<string, number>();
  return withId.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}-${n}`;
  });
}

function disambiguate(names: string[], suffix: (name: string, index: number) => string): string[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => (count.get(n)! > 1 ? suffix(n, i) : n));
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with as implements interface " +
    "let package private protected public static yield any boolean constructor declare get module require number set string " +
    "symbol type from of async await undefined arguments eval"
  ).split(" "),
);

/**
 * TypeScript variable names for Pulumi names: `c-1001-acme-ltd` → `c1001AcmeLtd`. A name that
 * starts with a digit or is taken (by `taken`, a keyword or an earlier variable) gets a prefix
 * or a number, so every variable is valid and unique.
 */
export function variableNames(names: readonly string[], taken: readonly string[]): string[] {
  const used = new Set(taken);
  return names.map((name) => {
    const words = name.split("-").filter(Boolean);
    let variable = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("") || "object";
    if (/^[0-9]/.test(variable)) variable = `r${variable}`;
    if (RESERVED.has(variable)) variable = `${variable}Resource`;
    let unique = variable;
    for (let n = 2; used.has(unique); n++) unique = `${variable}${n}`;
    used.add(unique);
    return unique;
  });
}

/** Orders strings with embedded numbers as people do (`C-2` before `C-10`), independent of locale. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
