/** `Ivanov family` → `ivanov-family`: names of discovered resources. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

/** Parses `<a>/<b>[/<c>]` ids of Watcher objects (checked by the resources' idPattern first). */
export function idParts(id: string): number[] {
  return id.split("/").map(Number);
}
