import { RenewableCredential, type Authenticator } from "../core/auth";
import { registerSecret } from "../core/redact";
import type { HttpAnswer, PreparedRequest } from "../core/transport";
import { decodeAnswer, parseAnswer } from "./answer";

/** The procedure that opens a session; it takes the credentials itself and never a SUID. */
export const LOGIN_PROCEDURE = "CLN_AUTH_LOGIN";

/**
 * How the billing says a SUID is no longer valid is not documented. Assumed: an `<error>` that
 * speaks of the session or the SUID (Russian or English). Only then is the session renewed.
 */
export const SESSION_ERROR = /сесси|session|suid/i;

/**
 * Session mode: the SUID from CLN_AUTH_LOGIN is the first positional argument of every other
 * procedure. The client numbers a procedure's own arguments from arg1; this inserts the SUID as
 * arg1 and shifts the rest, so retries and renewals always carry the current SUID. One SUID is
 * shared by every operation of the provider process (single-flight), and renewed once when an
 * answer says it expired — unless another operation already replaced it.
 */
export function sessionAuthenticator(obtain: () => Promise<string>): Authenticator {
  const session = new RenewableCredential<string>(async () => {
    const suid = await obtain();
    // A SUID is a bearer credential; numeric(18,0) values are long enough to mask safely.
    if (suid.length >= 8) registerSecret(suid);
    // The billing does not say when a session ends: keep it until an answer says so.
    return { value: suid };
  });
  return {
    async authorize(request) {
      if (request.operation === LOGIN_PROCEDURE) return;
      const suid = await session.get();
      rewriteQuery(request, (params) => [...params.filter(([name]) => !isArg(name)), ["arg1", suid], ...shiftArgs(params, 1)]);
    },
    isExpired(answer: HttpAnswer, request: PreparedRequest) {
      if (request.operation === LOGIN_PROCEDURE) return false;
      return SESSION_ERROR.test(errorText(answer) ?? "");
    },
    async renew(request) {
      await session.renew(request.url.searchParams.get("arg1") ?? undefined);
    },
  };
}

/** Per-call mode (billing 3.9.7+): `login` and `password` first on every request, as in the document's example. */
export function perCallAuthenticator(login: string, password: string): Authenticator {
  registerSecret(password);
  return {
    authorize(request) {
      rewriteQuery(request, (params) => [["login", login], ["password", password], ...params]);
    },
  };
}

function rewriteQuery(request: PreparedRequest, change: (params: Array<[string, string]>) => Array<[string, string]>): void {
  const params = change([...request.url.searchParams]);
  request.url.search = "";
  for (const [name, value] of params) request.url.searchParams.append(name, value);
}

function isArg(name: string): boolean {
  return /^arg\d+$/.test(name);
}

function shiftArgs(params: Array<[string, string]>, by: number): Array<[string, string]> {
  return params.filter(([name]) => isArg(name)).map(([name, value]) => [`arg${Number(name.slice(3)) + by}`, value]);
}

function errorText(answer: HttpAnswer): string | undefined {
  try {
    return parseAnswer(decodeAnswer(answer.body, answer.headers["content-type"])).error;
  } catch {
    return undefined;
  }
}
