import { z } from "zod";
import { VendorApiError, VendorNotFoundError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { defineResource, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, type CheckFailure } from "../core/schema";
import { decodeWireFields, encodeWireFields, wireFields } from "../core/wire";
import {
  describeAddresses,
  ensureMacFree,
  exclusiveAddress,
  locate,
  lockKeys,
  stringOf,
  withLocks,
  type Addressable,
} from "./addressing";
import { StalkerClient, type StalkerAccountRecord } from "./client";
import { normalizeMac } from "./mac";

const text = (wire: string, doc: string) => input(field.text().optional(), { onChange: "update", wire, doc });

const inputs = z.object({
  login: input(field.text({ min: 1 }), {
    onChange: "replace",
    wire: "login",
    doc: "Login of the subscriber's set-top box; unique in Stalker. The resource id. A new login replaces the account.",
  }),
  password: input(field.text().optional(), {
    onChange: "update",
    secret: true,
    wire: "password",
    doc: "Password for that login. Stalker never reads it back, so a change made outside Pulumi is not detected.",
  }),
  fullName: text("full_name", "Name of the subscriber (a person or an organisation)."),
  phone: text("phone", "Subscriber's phone number."),
  comment: text("comment", "Free-text note for operators."),
  // Assumption: Stalker splits identifiers on "," and reads one with a colon as a MAC; "/" and "\\"
  // would change the path. Such numbers could address the wrong accounts, so check refuses them.
  accountNumber: input(
    field
      .text()
      .refine((s) => s === "" || (/^[^,/\\:\s]+$/.test(s) && !/^\.+$/.test(s)), {
        error: "must not contain spaces or any of , / \\ : (Stalker would read it as several identifiers, a path or a MAC)",
      })
      .optional(),
    {
      onChange: "update",
      wire: "account_number",
      doc: "Account (contract) number. Several subscribers may share one; such an account can only be changed or deleted when it also has an stbMac.",
    },
  ),
  tariffPlan: text("tariff_plan", "External id of the tariff plan (e.g. FULL)."),
  active: input(field.bool().default(true), {
    onChange: "update",
    wire: "status",
    doc: "Service on (true) or off (false); `status` 1/0 in Stalker. Default: true.",
  }),
  stbMac: input(
    field
      .text()
      .refine((s) => s === "" || normalizeMac(s) !== undefined, { error: "must be a MAC address such as 00:1A:79:00:39:5E" })
      .transform((s) => (s === "" ? "" : normalizeMac(s)!))
      .optional(),
    {
      onChange: "update",
      wire: "stb_mac",
      doc: "MAC of the subscriber's set-top box, stored upper case with colons. The API addresses the account by it; a MAC another account has is refused.",
    },
  ),
});

const outputs = z.object({
  stbSn: output(z.string(), "Serial number of the set-top box, as Stalker reports it."),
  stbType: output(z.string(), "Model of the set-top box (e.g. MAG250)."),
  online: output(z.boolean(), "Whether the set-top box is connected now."),
  subscribed: output(z.array(z.string()), "Ids of the optional packages the account subscribes to."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

/** A Stalker Middleware IPTV account that never touches a subscriber sharing its account number. */
export const stalkerAccount = defineResource({
  token: "stalker:Account",
  description:
    "An IPTV subscriber account in Stalker Middleware (REST API v1). The id is the login; a new login replaces the account (the old one is deleted first), everything else updates in place.",
  inputs,
  outputs,
  deleteBeforeReplace: true,
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
    async create(i, progress) {
      // The subscriber's password is in the POST body; Stalker's error texts must never carry it out.
      registerSecret(i.password);
      const client = StalkerClient.fromConfig();
      await withLocks(lockKeys(i.login, [i]), () => addAccountOnce(client, i));
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
        const found = await locate(client, id, olds);
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
        const found = await locate(client, id, olds);
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

const INPUT_KEYS = Object.keys(inputs.shape);

/**
 * POST /accounts/ is not idempotent and answers no id, so it is never blindly repeated: when its
 * outcome is unknown (timeout, dropped connection, a cut-off answer) the login is looked up at the
 * account's MAC or account number first, and only sent again when it is not there.
 */
async function addAccountOnce(client: StalkerClient, i: Inputs): Promise<void> {
  const params = encodeWireFields(inputs, i);
  for (let attempt = 1; ; attempt++) {
    try {
      await client.addAccount(params);
      return;
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      if (!error.outcomeUnknown) throw explainCreateRefusal(error, i);
      if (await locate(client, i.login, i)) return;
      if (attempt >= 3) throw error;
      // Not there: the request never took effect, so sending it again cannot duplicate it.
    }
  }
}

function explainCreateRefusal(error: VendorApiError, i: Inputs): VendorApiError {
  const details = { vendor: error.vendor, operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error };
  if (error.code === "Login already in use") {
    return new VendorApiError(
      `Stalker already has an account with login ${JSON.stringify(i.login)} (${error.operation} answered "Login already in use"). ` +
        `Pick another login, or delete that account in Stalker if it is a leftover.`,
      details,
    );
  }
  if (error.code === "MAC address already in use") {
    return new VendorApiError(
      `stbMac ${i.stbMac}: another Stalker account already has this MAC (${error.operation} answered "MAC address already in use"). ` +
        `Check the MAC, or free it on the other account first.`,
      details,
    );
  }
  return error;
}

/** The account as outputs. Fields Stalker does not answer (the password; phone and comment on some versions) keep their last known value. */
function toOutputs(record: StalkerAccountRecord, known: Partial<Outputs>): Outputs {
  let fields: Record<string, unknown>;
  try {
    fields = decodeWireFields(inputs, record);
  } catch (error) {
    throw new VendorApiError(`Stalker answered an account that cannot be read: ${(error as Error).message}`, {
      vendor: "stalker",
      operation: "GET /accounts/{id}",
    });
  }
  if (typeof fields.stbMac === "string") fields.stbMac = normalizeMac(fields.stbMac) ?? fields.stbMac;
  const outs: Record<string, unknown> = { ...pick(known, WRITE_ONLY_OR_OPTIONAL.filter((k) => fields[k] === undefined)), ...fields };
  outs.stbSn = stringOf(record.stb_sn);
  outs.stbType = stringOf(record.stb_type);
  outs.online = record.online === 1 || record.online === "1" || record.online === true;
  outs.subscribed = Array.isArray(record.subscribed) ? record.subscribed.map(String) : [];
  return outs as Outputs;
}

const WRITE_ONLY_OR_OPTIONAL = wireFields(inputs).map((f) => f.key);

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

function pick<T extends object>(values: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}
