/**
 * IPv4 addresses in the billing's INTEGER columns (CLN_SWITCH_EDIT's IP, CLN_USR_FIND_2's IP_IN and
 * ROUTER_IP, CLN_USR_GET's IP, STB_IP, VOIP_IP …). The document says only "IP INTEGER".
 *
 * Assumed: the address read as one big-endian number — network byte order, a.b.c.d = a·2²⁴ + b·2¹⁶ +
 * c·2⁸ + d, what inet_aton gives — held in Firebird's signed 32-bit INTEGER, so addresses from
 * 128.0.0.0 up are negative: 192.168.1.1 is -1062731519 and 255.255.255.255 is -1. Reading back, an
 * unsigned value (0 … 4294967295, as a report or a BIGINT column may print it) means the same address.
 * A billing that stored host byte order (little-endian: 1.1.168.192 for 192.168.1.1) would show every
 * address reversed in the read-back — visible at once in the first refresh, never silently.
 */

const TWO_32 = 2 ** 32;
const TWO_31 = 2 ** 31;

/** The wire INTEGER of a dotted IPv4 address (signed 32-bit). */
export function ipToWire(dotted: string): number {
  const parts = dotted.trim().split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`${JSON.stringify(dotted)} is not an IPv4 address in the form 192.168.10.1`);
  }
  const unsigned = ((Number(parts[0]) * 256 + Number(parts[1])) * 256 + Number(parts[2])) * 256 + Number(parts[3]);
  return unsigned >= TWO_31 ? unsigned - TWO_32 : unsigned;
}

/**
 * The dotted form of a wire INTEGER: signed (-2147483648 … 2147483647) or unsigned (… 4294967295).
 * Undefined for anything else (a value that is not an IPv4 address).
 */
export function wireToIp(value: number | string): string | undefined {
  const n = typeof value === "number" ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < -TWO_31 || n >= TWO_32) return undefined;
  const unsigned = n < 0 ? n + TWO_32 : n;
  return [unsigned / 2 ** 24, unsigned / 2 ** 16, unsigned / 2 ** 8, unsigned].map((x) => Math.floor(x) % 256).join(".");
}
