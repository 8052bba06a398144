/**
 * IPv4 addresses as the billing's INTEGER columns hold them (IP, ROUTER_IP, STB_IP, …). The document
 * only says "IP INTEGER". The sandbox assumes what Firebird-backed billings do: the address read as
 * one big-endian number (a.b.c.d = a·2²⁴ + b·2¹⁶ + c·2⁸ + d, network byte order), stored in a signed
 * 32-bit INTEGER — so addresses from 128.0.0.0 up are negative (255.255.255.255 is -1).
 * Written here independently of the provider's conversion, so the two are checked against each other.
 */
export function ipToInteger(dotted: string): number {
  const parts = dotted.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`not an IPv4 address: ${dotted}`);
  const unsigned = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  return unsigned >= 2 ** 31 ? unsigned - 2 ** 32 : unsigned;
}

/** The dotted form of an INTEGER column's value (signed, or unsigned as some exports print it). */
export function integerToIp(value: number): string {
  const unsigned = value < 0 ? value + 2 ** 32 : value;
  return [24, 16, 8, 0].map((shift) => Math.floor(unsigned / 2 ** shift) % 256).join(".");
}
