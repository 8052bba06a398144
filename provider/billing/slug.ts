/** Russian letters in Latin (a simplified GOST 7.79 B), for resource names made from addresses. */
const LATIN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m", н: "n", о: "o",
  п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "iu", я: "ia",
};

/**
 * A short resource name from free text (an address, a switch name): `улица Ленина 12А` →
 * `ulitsa-lenina-12a`. Only a-z, 0-9 and `-`, at most 48 characters; `fallback` when nothing is left.
 */
export function slug(text: string, fallback: string): string {
  const latin = [...text.toLowerCase()].map((c) => LATIN[c] ?? c).join("");
  const out = latin.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
  return out === "" ? fallback : out;
}
