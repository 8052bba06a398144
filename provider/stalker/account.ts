import { VendorNotFoundError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions } from "../core/resource";
import { type CheckFailure } from "../core/schema";
import { encodeWireFields } from "../core/wire";
import { addAccountOnce, describeWhere } from "./account-create";
import { INPUT_KEYS, inputs, outputs, pick, toOutputs, type Outputs } from "./account-fields";
import { describeAddresses, ensureMacFree, exclusiveAddress, locate, lockKeys, stringOf, withLocks, type Addressable } from "./addressing";
import { StalkerClient } from "./client";

/** A Stalker Middleware IPTV account that never touches a subscriber sharing its account number. */
export const stalkerAccount = defineResource({
  token: "stalker:Account",
  description:
    "An IPTV subscriber account in Stalker Middleware (REST API v1). The id is the login; a new login replaces the account (the old one is deleted first), everything else updates in place.",
  inputs,
  outputs,
  deleteBeforeReplace: true,
  idPattern: /\S/,
  idDoc: "the account's login, e.g. `alice`",
  // The login is unique in Stalker, but the API never addresses an account by it: find looks at the
  // MAC and account number the inputs name, then in the list of every account.
  naturalKey: {
    fields: ["login"],
    unique: true,
    // Stalker refuses a taken login itself ("Login already in use"); a look-up before every create
    // would cost a GET — the whole account list for a new login — and prove nothing more.
    checkBeforeCreate: false,
    find: async (i) => {
      // GETs and an account list made for this look-up: an adopt-or-create must see what exists now.
      const found = await locate(StalkerClient.fromConfig(), i.login!, i, { now: true });
      return found ? [{ id: i.login!, label: describeWhere(found.record) }] : [];
    },
  },
  discover: discoverAccounts,
  crossCheck: (i, known) => {
    const failures: CheckFailure[] = [];
    if (known("accountNumber") && known("stbMac") && !i.accountNumber && !i.stbMac) {
      failures.push({
        property: "accountNumber",
        reason:
          "set accountNumber or stbMac (or both): the Stalker API addresses an account only by its MAC or its account number, never by its login",
      });
    }
    return failures;
  },
  handlers: {
    async create(i, progress, context) {
      // The subscriber's password is in the POST body; Stalker's error texts must never carry it out.
      registerSecret(i.password);
      const client = StalkerClient.fromConfig();
      await withLocks(lockKeys(i.login, [i]), () => addAccountOnce(client, i, context));
      progress.created(i.login, pick(i, INPUT_KEYS) as Partial<Outputs>);
      return { id: i.login, outs: await readOrFail(client, i.login, i, i) };
    },
    async read(id, olds) {
      const found = await locate(StalkerClient.fromConfig(), id, olds);
      return found && toOutputs(found.record, olds);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      registerSecret(news.password);
      const client = StalkerClient.fromConfig();
      return withLocks(lockKeys(id, [olds, news]), async () => {
        const found = await locate(client, id, olds, { now: true });
        if (!found) throw goneError(id, olds, "update");
        const target = await exclusiveAddress(client, found, id, "PUT");
        // Where the account will be: what Stalker has now, with what this update changes.
        const now = toOutputs(found.record, olds);
        const after: Addressable = { stbMac: now.stbMac, accountNumber: now.accountNumber, ...pick(news, changed) };
        if (after.stbMac && after.stbMac !== now.stbMac) await ensureMacFree(client, id, after.stbMac);
        // A PUT by account number is never repeated by the transport (the number was checked once,
        // for this attempt), nor one that moves the account to another MAC (a repeat would address
        // the old one); a lost answer fails the update and the next `pulumi up` starts over.
        const idempotent = target.kind === "mac" && !changed.includes("stbMac");
        await client.updateAccount(target, encodeWireFields(inputs, news, changed), { idempotent });
        return readOrFail(client, id, after, { ...olds, ...news });
      });
    },
    async delete(id, olds) {
      const client = StalkerClient.fromConfig();
      await withLocks(lockKeys(id, [olds]), async () => {
        const found = await locate(client, id, olds, { now: true });
        if (!found) return; // already gone
        const target = await exclusiveAddress(client, found, id, "DELETE");
        try {
          await client.deleteAccount(target, { idempotent: target.kind === "mac" });
        } catch (error) {
          if (!(error instanceof VendorNotFoundError)) throw error;
        }
      });
    },
  },
});


/**
 * Every account, from one `GET /accounts/` (there are no pages): its inputs as Stalker has them
 * (never the password), grouped by account number.
 */
async function* discoverAccounts(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = StalkerClient.fromConfig();
  const all = await sharedRead(options, "stalker:accounts", () => client.listAccounts());
  const prefix = options.subscriberPrefix;
  const chosen = all.filter((r) => prefix === undefined || stringOf(r.account_number).startsWith(prefix)).slice(0, options.limit ?? Infinity);
  options.onProgress?.(chosen.length);
  for (const record of chosen) {
    const outs = toOutputs(record, {}) as Record<string, unknown>;
    const found = Object.fromEntries(INPUT_KEYS.filter((k) => k !== "password" && outs[k] !== undefined && outs[k] !== "").map((k) => [k, outs[k]]));
    const number = stringOf(record.account_number);
    yield { id: record.login, inputs: found, ...(number ? { subscriber: number } : {}), name: record.login };
  }
}

async function readOrFail(client: StalkerClient, login: string, where: Addressable, known: Partial<Outputs>): Promise<Outputs> {
  const found = await locate(client, login, where);
  if (!found) {
    throw new Error(`Stalker account ${JSON.stringify(login)} is not at ${describeAddresses(where)} after it was written; run \`pulumi refresh\``);
  }
  return toOutputs(found.record, known);
}

function goneError(login: string, olds: Addressable, operation: string): Error {
  return new Error(
    `Stalker has no account ${JSON.stringify(login)} at ${describeAddresses(olds)} any more, so the ${operation} cannot be applied. ` +
      `Run \`pulumi refresh\` to drop it from the state; the next \`pulumi up\` creates it again.`,
  );
}

