import { createHash, timingSafeEqual } from "node:crypto";

/** Compares a presented credential with the emulator's in constant time (whatever their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
