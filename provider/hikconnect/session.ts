import { z } from "zod";
import { RenewableCredential, type Authenticator } from "../core/auth";
import { VendorApiError, VendorAuthError } from "../core/errors";
import { registerSecret } from "../core/redact";
import type { HttpAnswer, HttpTransport, PreparedRequest } from "../core/transport";
import { wireInt } from "../core/wire";
import { hikError, HIK_OK, parseHikAnswer } from "./answers";

/** A token and the area server it is good for. */
export interface HikSession {
  token: string;
  /** Base URL every call but token/get goes to (the token answer's `areaDomain`). */
  areaDomain: string;
}

const TOKEN_PATH = "/api/hccgw/platform/v1/token/get";
const tokenData = z.looseObject({
  accessToken: z.string().min(1),
  expireTime: wireInt.optional(),
  areaDomain: z.string().optional(),
});

/** The token answers the guide lists for a token that can no longer be used (A.4). */
export const TOKEN_DEAD = ["OPEN000006", "OPEN000007"];

/**
 * The Hik-Connect token as an {@link Authenticator}: one token per provider process (per account),
 * obtained from the region server with AK/SK, renewed shortly before it expires and when the area
 * server answers OPEN000006/OPEN000007 — then exactly once for all requests that carried the dead
 * token. Every request is sent to the token's `areaDomain` with the `Token` header.
 */
export class HikConnectSession implements Authenticator {
  private readonly credential: RenewableCredential<HikSession>;
  private latest: HikSession | undefined;

  constructor(
    private readonly region: HttpTransport,
    private readonly regionUrl: string,
    private readonly appKey: string,
    private readonly secretKey: string,
    private readonly now: () => number = Date.now,
  ) {
    registerSecret(secretKey);
    // Expiry margins are folded into expiresAt by obtain(), so renewBeforeMs is 0 here.
    this.credential = new RenewableCredential(() => this.obtain(), 0, now);
  }

  /** The current session (obtaining one if needed). */
  async current(): Promise<HikSession> {
    const session = await this.credential.get();
    this.latest = session;
    return session;
  }

  async authorize(request: PreparedRequest): Promise<void> {
    const session = await this.current();
    request.url = new URL(`${session.areaDomain}${request.url.pathname}${request.url.search}`);
    request.headers["Token"] = session.token;
  }

  isExpired(answer: HttpAnswer): boolean {
    if (answer.status !== 200) return false;
    const code = errorCodeOf(answer);
    return code !== undefined && TOKEN_DEAD.includes(code);
  }

  async renew(request?: PreparedRequest): Promise<void> {
    const used = request?.headers["Token"];
    // Another request already replaced the token this one carried: nothing to renew.
    if (used !== undefined && this.latest !== undefined && used !== this.latest.token) return;
    this.latest = await this.credential.renew(this.latest);
  }

  private async obtain() {
    const answer = await this.region.send({
      operation: "token/get",
      method: "POST",
      path: TOKEN_PATH,
      json: { appKey: this.appKey, secretKey: this.secretKey },
      // Asking for a token twice is harmless (the platform hands out the same one while it is valid).
      idempotent: true,
    });
    const body = parseHikAnswer(answer, "token/get");
    if (body.errorCode !== HIK_OK) throw tokenError(body.errorCode, body.text, answer.status);
    const data = tokenData.safeParse(body.data);
    if (!data.success) {
      throw new VendorApiError(
        `Hik-Connect token/get answered without an accessToken; is hikconnect:url (${this.regionUrl}) a Hik-Connect for Teams region server?`,
        { vendor: "hikconnect", operation: "token/get", httpStatus: answer.status },
      );
    }
    registerSecret(data.data.accessToken);
    const session: HikSession = { token: data.data.accessToken, areaDomain: areaBase(data.data.areaDomain, this.regionUrl) };
    return { value: session, expiresAt: renewAt(data.data.expireTime, this.now()) };
  }
}

/**
 * When to renew: ahead of the announced expiry by a tenth of the token's life (at most 10 minutes),
 * so no request goes out with a token about to die. `expireTime` is epoch seconds in the guide's
 * example; a value that only makes sense as milliseconds (as streamtoken/get sends) is read as such.
 * Without a usable expiry the token is used until the platform says it died.
 */
export function renewAt(expireTime: number | undefined, now: number): number | undefined {
  if (expireTime === undefined || expireTime <= 0) return undefined;
  const expiresAt = expireTime > 1e12 ? expireTime : expireTime * 1000;
  const life = expiresAt - now;
  if (life <= 0) return undefined; // a clock far off ours: rely on OPEN000006 instead
  return expiresAt - Math.min(life / 10, 10 * 60_000);
}

/**
 * `areaDomain` is "the domain where the server is located (for composing URLs)": the guide's example
 * is a full origin (`https://isgp.hikcentralconnect.com`). A bare host name is taken as https; an
 * answer without one keeps using the region server.
 */
export function areaBase(areaDomain: string | undefined, regionUrl: string): string {
  const raw = areaDomain?.trim();
  if (!raw) return regionUrl;
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
  try {
    const url = new URL(withScheme);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    throw new VendorApiError(`Hik-Connect token/get answered an areaDomain that is not a URL: ${JSON.stringify(raw)}`, {
      vendor: "hikconnect",
      operation: "token/get",
    });
  }
}

function tokenError(code: string, text: string, httpStatus: number): VendorApiError {
  // The guide's table (A.4) says OPEN000002 for a wrong SK, its failure example (3.3) answers
  // OPEN300002 "SECRET_KEY_NOT_EQUALS{OPEN300002}": the 3000xx codes are read as their 0000xx twins.
  const base = code.replace(/^OPEN3(\d{5})$/, "OPEN0$1");
  if (base === "OPEN000001" || base === "OPEN000002" || base === "OPEN000003" || base === "OPEN000005") {
    const what = base === "OPEN000001" ? "the AK does not exist" : base === "OPEN000002" ? "the SK is wrong" : "the account behind the AK/SK is unusable";
    return new VendorAuthError(
      `Hik-Connect refused the API credentials: ${what} (${code}${text ? `: ${text}` : ""}). Check hikconnect:appKey / ` +
        `HIKCONNECT_APP_KEY and hikconnect:secretKey / HIKCONNECT_SECRET_KEY (AK and SK come from Hik-Connect technical ` +
        `support), and that hikconnect:url is the region server of that account.`,
      { vendor: "hikconnect", operation: "token/get", code, httpStatus },
    );
  }
  return hikError("token/get", code, text, httpStatus);
}

function errorCodeOf(answer: HttpAnswer): string | undefined {
  try {
    const body = JSON.parse(answer.text()) as { errorCode?: unknown };
    return typeof body.errorCode === "string" ? body.errorCode.trim() : undefined;
  } catch {
    return undefined;
  }
}
