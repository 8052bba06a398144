import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { defineResource, type CreateProgress, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, type CheckFailure } from "../core/schema";
import { decodeWireFields, encodeWireFields, wireFields } from "../core/wire";
import { ForpostClient, type ForpostAccountRecord } from "./client";
import { eachAccount, resourceName, subscriberOf } from "./common";

const count = (wire: string, doc: string) => input(field.nonNegativeInt(), { onChange: "update", wire, doc });
const optionalCount = (wire: string, doc: string) => input(field.nonNegativeInt().optional(), { onChange: "update", wire, doc });
const ipv4 = (wire: string, doc: string) =>
  input(field.ipv4().or(z.literal("")).optional(), { onChange: "update", wire, doc: `${doc} An empty string clears it.` });
const flag = (wire: string, doc: string) => input(field.bool().optional(), { onChange: "update", wire, doc });
const text = (wire: string, doc: string) => input(field.text({ max: 255 }).optional(), { onChange: "update", wire, doc });

const inputs = z.object({
  name: input(field.text({ min: 1, max: 255 }), { onChange: "update", wire: "Name", doc: "Subscriber name (a company or a person)." }),
  maxCameraCount: count("MaxCameraCount", "How many cameras the subscriber may connect."),
  maxLoginCount: count("MaxLoginCount", "How many users the subscriber may create."),
  maxCameraOnlineTranslationCount: count(
    "MaxCameraOnlineTranslationCount",
    "Browser windows in which all the account's users together may watch one camera live.",
  ),
  maxCameraArchivalTranslationCount: count(
    "MaxCameraArchivalTranslationCount",
    "Browser windows in which all the account's users together may watch one camera's archive.",
  ),
  maxCameraUserOnlineTranslationCount: count(
    "MaxCameraUserOnlineTranslationCount",
    "Browser windows in which one user may watch one camera live.",
  ),
  maxCameraUserArchivalTranslationCount: count(
    "MaxCameraUserArchivalTranslationCount",
    "Browser windows in which one user may watch one camera's archive.",
  ),
  networkIp: ipv4("NetworkIP", "IP network the subscriber's cameras must be in."),
  networkMask: ipv4("NetworkMask", "Mask of that network."),
  internalServerAddr: ipv4("InternalServerAddr", "Address given to the server inside that network."),
  maxSmsPerMonth: optionalCount("MaxSMSPerMonth", "SMS notifications the subscriber may get per calendar month."),
  quota: optionalCount("Quota", "Seconds the cameras' archive is kept."),
  isActive: flag("IsActive", "Service on (recording, logins) or off. Forpost's default: on."),
  isSupportEnabled: flag("IsSupportEnabled", "Tell new users when cameras are unreachable. Forpost's default: off."),
  isLoginLocked: flag("IsLoginLocked", "Lock the users out of the personal account. Forpost's default: off."),
  contractNumber: text(
    "ContractNumber",
    "Contract (account) number; unique in Forpost. Set it: it lets a create that lost its answer find the account instead of making a second one.",
  ),
  loginLockReason: text("LoginLockReason", "Why logins are locked, shown to users."),
  allowedTariffIds: input(z.array(field.nonNegativeInt()).optional(), {
    onChange: "update",
    compare: "set",
    doc: "Tariffs the account's cameras may use (SetAllowedAccountTariffs); an empty list allows every tariff.",
  }),
  defaultCameraTariffId: input(field.nonNegativeInt().optional(), {
    onChange: "update",
    doc: "Tariff given to cameras the subscriber adds (SetAccountDefaultCameraTariff); 0 clears it.",
  }),
});

const outputs = z.object({
  accountId: output(z.number(), "The Forpost account ID (the resource id, as a number)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
const ACCOUNT_FIELDS = wireFields(inputs).map((f) => f.key);

/** A Forpost subscriber account with its tariff settings. */
export const forpostAccount = defineResource({
  token: "forpost:Account",
  description:
    "A subscriber account in Forpost cloud video surveillance (System API 1.6.9), with the tariffs its cameras may use. Every field updates in place.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the Forpost account ID, digits, e.g. `1234`",
  // Unique in Forpost (FindAccounts calls it so): a create refuses a taken number, finds the
  // account a lost AddAccount made, and `adoptExisting` adopts by it.
  naturalKey: {
    fields: ["contractNumber"],
    unique: true,
    find: async (i) =>
      (await findByContract(ForpostClient.fromConfig(), i.contractNumber!)).map((a) => ({ id: String(a.ID), label: typeof a.Name === "string" ? a.Name : "" })),
  },
  crossCheck: (i, known) => {
    const failures: CheckFailure[] = [];
    const allowed = i.allowedTariffIds;
    const def = i.defaultCameraTariffId;
    if (known("allowedTariffIds") && known("defaultCameraTariffId") && allowed && allowed.length > 0 && def && !allowed.includes(def)) {
      failures.push({
        property: "defaultCameraTariffId",
        reason: `tariff ${def} is not in allowedTariffIds [${allowed.join(", ")}]: add it there, or pick one of those`,
      });
    }
    return failures;
  },
  discover: (options) => discoverAccounts(options),
  handlers: {
    async create(i, progress, context) {
      const client = ForpostClient.fromConfig();
      const id = await addAccountOnce(client, i, context);
      progress.created(String(id), { ...pick(i, ACCOUNT_FIELDS), accountId: id });
      await applyTariffs(client, id, {}, i, progress);
      return { id: String(id), outs: await readOrFail(client, id) };
    },
    read: (id) => readAccount(ForpostClient.fromConfig(), Number(id)),
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = ForpostClient.fromConfig();
      const accountId = Number(id);
      const edited = changed.filter((k) => ACCOUNT_FIELDS.includes(k));
      // EditAccount takes only the fields that change (the document requires it).
      if (edited.length > 0) await client.editAccount(accountId, encodeWireFields(inputs, news, edited));
      await applyTariffs(client, accountId, olds, pick(news, changed) as Partial<Inputs>);
      return readOrFail(client, accountId);
    },
    async delete(id) {
      const client = ForpostClient.fromConfig();
      try {
        await client.deleteAccount(Number(id));
      } catch (error) {
        // The document does not say how DeleteAccount reports a missing account, so a refusal is
        // checked: if the account is gone, the delete already happened.
        if (error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        const still = await client.findAccounts({ id: Number(id) });
        if (still.some((a) => a.ID === Number(id))) throw error;
      }
    },
  },
});

/**
 * AddAccount is not idempotent, so it is never blindly repeated. With a contract number (unique in
 * Forpost; the core has already refused a taken one) a create whose answer was lost looks the
 * account up before trying again; when the look-up fails too, the create ends pending and the next
 * `pulumi up` finds it. Without a contract number there is no safe way to tell, and the error says so.
 */
async function addAccountOnce(client: ForpostClient, i: Inputs, context: CreateContext): Promise<number> {
  const contract = i.contractNumber || undefined;
  const params = encodeWireFields(inputs, i, ACCOUNT_FIELDS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.addAccount(params);
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      if (!contract) throw await outcomeUnknownError(client, i.name, error);
      let found: string[];
      try {
        found = await context.findNew();
      } catch (lookupError) {
        throw new CreateOutcomeUnknownError(
          `${error.message}; looking the account up by contract number ${JSON.stringify(contract)} failed too (${describeError(lookupError)})`,
          { cause: error },
        );
      }
      if (found.length === 1) return Number(found[0]);
      if (found.length > 1) throw error;
      if (mayStillBeRunning(error)) {
        // We stopped waiting, Forpost may not have: a list without it proves nothing yet, and a
        // second AddAccount could be a duplicate. The next `pulumi up` looks again.
        throw new CreateOutcomeUnknownError(`${error.message}; Forpost does not list the account yet but may still be creating it`, { cause: error });
      }
      if (attempt >= 3) throw error;
      // Not there after Forpost ended the exchange itself: the request never took effect, so
      // sending it again cannot duplicate it.
    }
  }
}

async function findByContract(client: ForpostClient, contract: string) {
  return (await client.findAccounts({ contractNumber: contract })).filter((a) => a.ContractNumber === contract);
}

async function outcomeUnknownError(client: ForpostClient, name: string, cause: VendorApiError): Promise<Error> {
  let candidates = "";
  try {
    const same = (await client.findAccounts({ name })).filter((a) => a.Name === name);
    candidates = same.length > 0 ? ` Accounts named ${JSON.stringify(name)} now: ID ${same.map((a) => a.ID).join(", ")}.` : "";
  } catch {
    // The lookup is a courtesy; the original failure is what matters.
  }
  return new Error(
    `${cause.message}. The account may or may not have been created, and without a contractNumber it cannot be ` +
      `told apart from others with the same name, so it was not retried.${candidates} Check in Forpost, delete a ` +
      `stray account if there is one, then run \`pulumi up\` again. Set contractNumber to make such retries automatic.`,
    { cause },
  );
}

/**
 * Applies tariff settings that differ. When both change, the default goes first if the accounts'
 * current allowed list already permits it, so no step leaves the default outside the allowed list.
 */
async function applyTariffs(
  client: ForpostClient,
  accountId: number,
  olds: Partial<Outputs>,
  news: Partial<Inputs>,
  progress?: CreateProgress<Outputs>,
): Promise<void> {
  const setAllowed = async () => {
    if (news.allowedTariffIds === undefined) return;
    await client.setAllowedAccountTariffs(accountId, news.allowedTariffIds);
    progress?.applied({ allowedTariffIds: news.allowedTariffIds });
  };
  const setDefault = async () => {
    if (news.defaultCameraTariffId === undefined) return;
    await client.setAccountDefaultCameraTariff(accountId, news.defaultCameraTariffId);
    progress?.applied({ defaultCameraTariffId: news.defaultCameraTariffId });
  };
  const oldAllowed = olds.allowedTariffIds ?? [];
  const def = news.defaultCameraTariffId;
  const defaultFirst = def !== undefined && (def === 0 || oldAllowed.length === 0 || oldAllowed.includes(def));
  if (defaultFirst) {
    await setDefault();
    await setAllowed();
  } else {
    await setAllowed();
    await setDefault();
  }
}

/**
 * The account record (coalesced: FindAccounts by ID for a few reads at once, one masAccounts for
 * many) plus the two tariff getters, which have no list form: a refresh of N accounts costs
 * 1 + 2N calls. Undefined when the account is gone.
 */
async function readAccount(client: ForpostClient, accountId: number): Promise<Outputs | undefined> {
  const record = await client.loadAccount(accountId);
  if (!record) return undefined;
  const [allowed, defaultTariff] = await Promise.all([
    client.getAllowedAccountTariffs(accountId),
    client.getAccountDefaultCameraTariff(accountId),
  ]);
  return toOutputs(record, allowed, defaultTariff);
}

function toOutputs(record: ForpostAccountRecord, allowed: number[], defaultTariff: number): Outputs {
  const accountId = record.ID;
  let fields: Record<string, unknown>;
  try {
    fields = decodeWireFields(inputs, record);
  } catch (error) {
    throw new VendorApiError(`Forpost answered an account that cannot be read: ${(error as Error).message}`, {
      vendor: "forpost",
      operation: "FindAccounts",
    });
  }
  return {
    ...(fields as Partial<Inputs>),
    allowedTariffIds: [...allowed].sort((a, b) => a - b),
    defaultCameraTariffId: defaultTariff,
    accountId,
  };
}

async function readOrFail(client: ForpostClient, accountId: number): Promise<Outputs> {
  const outs = await readAccount(client, accountId);
  if (!outs) throw new Error(`Forpost account ${accountId} disappeared while it was being changed; run \`pulumi refresh\``);
  return outs;
}

/**
 * Every account: one masAccounts, then the two tariff getters per account (no list form exists).
 * Inputs are what `read` returns for the account, so an import of them compares equal.
 */
async function* discoverAccounts(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = ForpostClient.fromConfig();
  const tariffsOf = async (account: ForpostAccountRecord) => {
    const [allowed, defaultTariff] = await Promise.all([client.getAllowedAccountTariffs(account.ID), client.getAccountDefaultCameraTariff(account.ID)]);
    return [toOutputs(account, allowed, defaultTariff)];
  };
  for await (const { account, item } of eachAccount(client, options, tariffsOf)) {
    const { accountId: _id, ...found } = item;
    yield {
      id: String(account.ID),
      inputs: Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)),
      subscriber: subscriberOf(account),
      name: resourceName(subscriberOf(account)),
    };
  }
}

function pick<T extends object>(values: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}
