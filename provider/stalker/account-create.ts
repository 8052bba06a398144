import { CreateOutcomeUnknownError, differences, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError } from "../core/errors";
import { encodeWireFields } from "../core/wire";
import { addressesOf, locate, stringOf } from "./addressing";
import { inputs, toOutputs, type Inputs } from "./account-fields";
import type { StalkerAccountRecord, StalkerClient } from "./client";
import { normalizeMac } from "./mac";

const LOGIN_IN_USE = "Login already in use";

/**
 * POST /accounts/ is not idempotent and answers no id, so it is never blindly repeated. When its
 * outcome is unknown (timeout, dropped connection, a cut-off answer) the core's look-up by login
 * (`findNew`: at the account's MAC or number, then in the account list) tells whether it took
 * effect: the account is there → it is ours; not there → sent again, unless Stalker may still be
 * working on it (a timeout): then, as when the look-up fails too, the create ends pending and the
 * next `pulumi up` finds it. "Login already in use" is checked the same way: it may be our own
 * create whose answer an earlier attempt — or a `pulumi up` that was killed — never saw.
 */
export async function addAccountOnce(client: StalkerClient, i: Inputs, context: CreateContext): Promise<void> {
  const params = encodeWireFields(inputs, i);
  for (let attempt = 1; ; attempt++) {
    try {
      await client.addAccount(params);
      return;
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      if (error.code === LOGIN_IN_USE) {
        const mine = await ownCreate(client, i);
        if (mine.ours) return;
        throw loginTaken(error, i, mine.where);
      }
      if (!error.outcomeUnknown) throw explainCreateRefusal(error, i);
      let found: string[];
      try {
        found = await context.findNew();
      } catch (lookupError) {
        throw new CreateOutcomeUnknownError(
          `${error.message}; looking the login ${JSON.stringify(i.login)} up failed too (${describeError(lookupError)})`,
          { cause: error },
        );
      }
      if (found.length > 0) {
        // There, but it is ours only where this create put it, with what it sent. A failing read
        // here must not end the create with nothing in the state: the account may be ours.
        let mine: Awaited<ReturnType<typeof ownCreate>>;
        try {
          mine = await ownCreate(client, i);
        } catch (readError) {
          throw new CreateOutcomeUnknownError(`${error.message}; Stalker lists the login ${JSON.stringify(i.login)} now, but reading the account failed (${describeError(readError)})`, { cause: error });
        }
        if (mine.ours) return;
        throw loginTaken(error, i, mine.where);
      }
      if (mayStillBeRunning(error)) {
        throw new CreateOutcomeUnknownError(`${error.message}; Stalker has no account ${JSON.stringify(i.login)} yet but may still be creating it`, {
          cause: error,
        });
      }
      if (attempt >= 3) throw error;
      // Not there after Stalker ended the exchange itself: the request never took effect, so
      // sending it again cannot duplicate it.
    }
  }
}

/**
 * Whether the account with this login is the one this create sent: at the MAC or account number
 * it gave, with every value it gave (Stalker reads back all but the password). Otherwise it is an
 * account that existed before, and `where` says where it is.
 */
async function ownCreate(client: StalkerClient, i: Inputs): Promise<{ ours: boolean; where?: string }> {
  const found = await locate(client, i.login, i, { now: true });
  if (!found) return { ours: false };
  const atOurAddress = addressesOf(i).some((a) => (a.kind === "mac" ? normalizeMac(stringOf(found.record.stb_mac)) === a.mac : stringOf(found.record.account_number) === a.accountNumber));
  const same = atOurAddress && differences(inputs, toOutputs(found.record, {}) as Record<string, unknown>, i as Record<string, unknown>).length === 0;
  return { ours: same, where: describeWhere(found.record) };
}

export function describeWhere(record: StalkerAccountRecord): string {
  const mac = normalizeMac(stringOf(record.stb_mac));
  const number = stringOf(record.account_number);
  return [mac ? `MAC ${mac}` : "", number ? `account number ${number}` : ""].filter(Boolean).join(", ") || "no MAC or account number";
}

function loginTaken(error: VendorApiError, i: Inputs, where: string | undefined): VendorApiError {
  return new VendorApiError(
    `Stalker already has an account with login ${JSON.stringify(i.login)}${where ? ` (${where})` : ""}, not made by this create ` +
      `(${error.operation} answered "${LOGIN_IN_USE}"). To manage it with this program, add the resource option ` +
      `\`{ adoptExisting: true }\` (or \`{ import: ${JSON.stringify(i.login)} }\`); otherwise pick another login.`,
    { vendor: error.vendor, operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error },
  );
}

function explainCreateRefusal(error: VendorApiError, i: Inputs): VendorApiError {
  const details = { vendor: error.vendor, operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error };
  if (error.code === "MAC address already in use") {
    return new VendorApiError(
      `stbMac ${i.stbMac}: another Stalker account already has this MAC (${error.operation} answered "MAC address already in use"). ` +
        `Check the MAC, or free it on the other account first.`,
      details,
    );
  }
  return error;
}

