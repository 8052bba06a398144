import { randomBytes } from "node:crypto";
import { OPEN, type HikError } from "./hikconnect-answers";

interface IssuedToken {
  token: string;
  expiresAt: number;
  /** Set when revoked early; the code the area server then answers. */
  revokedWith?: "OPEN000006" | "OPEN000007";
}

/**
 * Access tokens of the one API account (guide 3.2): valid for a lifetime (7 days by default); a
 * token/get while a token is valid returns that token with its validity restored; a revoked or
 * expired token gets a new one.
 */
export class TokenStore {
  private tokens = new Map<string, IssuedToken>();
  private current: IssuedToken | undefined;

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token to hand out, and whether it is a new one. */
  obtain(): { token: string; expiresAt: number; isNew: boolean } {
    const t = this.now();
    const live = this.current && !this.current.revokedWith && this.current.expiresAt > t ? this.current : undefined;
    if (live) {
      live.expiresAt = t + this.lifetimeMs;
      return { token: live.token, expiresAt: live.expiresAt, isNew: false };
    }
    // "hcc." + 32 lower-case letters and digits, the shape of the guide's example token
    // (hcc.vh5hb9q495qjjei71g3pdmrjslo5wyti). base64url would also give "-" and "_".
    const issued: IssuedToken = { token: `hcc.${tokenChars(32)}`, expiresAt: t + this.lifetimeMs };
    this.tokens.set(issued.token, issued);
    this.current = issued;
    return { token: issued.token, expiresAt: issued.expiresAt, isNew: true };
  }

  /** Whether a Token header belongs to this account at all (valid or not): such requests count against its rate. */
  knows(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }

  /** The refusal for a token that cannot be used, or undefined when it is valid. */
  refusal(token: string | undefined): HikError | undefined {
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (!issued) return OPEN.tokenException();
    if (issued.revokedWith === "OPEN000006") return OPEN.tokenExpired();
    if (issued.revokedWith === "OPEN000007") return OPEN.tokenException();
    if (issued.expiresAt <= this.now()) return OPEN.tokenExpired();
    return undefined;
  }

  /** Invalidates every token before its time (the platform may do so, e.g. after a password change). */
  revokeAll(code: "OPEN000006" | "OPEN000007"): number {
    let count = 0;
    for (const issued of this.tokens.values()) {
      if (!issued.revokedWith && issued.expiresAt > this.now()) {
        issued.revokedWith = code;
        count++;
      }
    }
    return count;
  }

  /** Tokens handed out and still usable. */
  liveCount(): number {
    return [...this.tokens.values()].filter((t) => !t.revokedWith && t.expiresAt > this.now()).length;
  }

  reset(): void {
    this.tokens.clear();
    this.current = undefined;
  }
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `length` random characters of [a-z0-9] (rejection sampling, so each is equally likely). */
function tokenChars(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 252 && out.length < length) out += ALPHABET[byte % 36];
    }
  }
  return out;
}
