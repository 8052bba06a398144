import { z } from "zod";
import { withKeyLock } from "../core/key-lock";
import { registerSecret } from "../core/redact";
import { VendorApiError } from "../core/errors";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, type CheckFailure } from "../core/schema";
import { encodeWireFields, wireFields } from "../core/wire";
import { ForpostClient, type ForpostUserRecord } from "./client";
import { createOnce, deleteTolerant, eachAccount, forpostId, listOrNone, pick, resourceName, subscriberOf } from "./common";

const flag = (wire: string, doc: string, writeOnly = false) => input(field.bool().optional(), { onChange: "update", wire, doc, ...(writeOnly ? { writeOnly } : {}) });
const text = (wire: string, doc: string, writeOnly = false) =>
  input(field.text({ max: 255 }).optional(), { onChange: "update", wire, doc: `${doc} An empty string clears it.`, ...(writeOnly ? { writeOnly } : {}) });

const inputs = z.object({
  accountId: input(forpostId("account"), {
    onChange: "replace",
    wire: "AccountID",
    doc: "The Forpost account the user belongs to: a ForpostAccount's `id`. Moving a user to another account replaces it (the old user is deleted first: its login cannot exist twice).",
  }),
  login: input(field.text({ min: 1, max: 255 }), {
    onChange: "update",
    wire: "Login",
    doc: "Login to the personal cabinet. Unique across the whole Forpost, not only the account (it alone names the user to GetEmbedClient and CreateUserSession). A new login renames the user in place.",
  }),
  password: input(field.text({ min: 1, max: 255 }).optional(), {
    onChange: "update",
    secret: true,
    writeOnly: true,
    doc: "The user's password. Required to create a user (not to import or adopt one); a change is applied with EditUserPassword. Forpost never returns it, so a change made outside Pulumi is not detected.",
  }),
  email: text("Email", "E-mail address."),
  phone: text("Phone", "Phone number.", true),
  fullName: text("FIO", "Full name (FIO).", true),
  isReadOnly: flag("IsReadOnly", "true: an ordinary user who only watches the cameras Forpost lets it see; false (Forpost's default): an administrator of the account."),
  canChangeOwnInfo: flag("CanChangeOwnInfo", "May edit their personal details and change their password. Forpost's default: yes.", true),
  changePasswordAtNextLogin: flag("ChangePasswordAtNextLogin", "Ask for a new password at the next login. Forpost's default: no.", true),
  authProviderId: input(z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be a positive id" }).optional(), {
    onChange: "update",
    wire: "AuthProviderID",
    writeOnly: true,
    doc: "How the password is checked (GetAuthProviders, `forpost.getAuthProviders`). Forpost's default: the password stored in Forpost.",
  }),
  isActive: flag("IsActive", "The user may log in. Forpost's default: yes."),
});

const outputs = z.object({
  userId: output(z.number(), "The Forpost user ID (the resource id, as a number)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
/** What EditUser may change (AccountID replaces; the password has its own call). */
const EDITABLE = wireFields(inputs).map((f) => f.key).filter((k) => k !== "accountId");
const WRITE_ONLY = ["password", "phone", "fullName", "canChangeOwnInfo", "changePasswordAtNextLogin", "authProviderId"] as const;

/** A login to a Forpost subscriber's personal cabinet. */
export const forpostUser = defineResource({
  token: "forpost:User",
  description:
    "A user of a Forpost account: a login to the subscriber's personal cabinet, as an account administrator or a read-only viewer. A new accountId replaces it; everything else, the login and the password included, updates in place.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the Forpost user ID, digits, e.g. `5001`",
  // Two users with one login cannot exist, so a move to another account deletes the old one first.
  deleteBeforeReplace: true,
  // Logins are unique across Forpost (assumed: GetEmbedClient and CreateUserSession take a login
  // alone). The API can list users only per account, so the look-up covers the declared account;
  // a login taken in another account is refused by Forpost itself, and the error says so.
  naturalKey: {
    fields: ["login"],
    unique: true,
    find: async (i) => {
      if (i.accountId === undefined) return [];
      const client = ForpostClient.fromConfig();
      const users = await listOrNone(() => client.usersOf(Number(i.accountId), { fresh: true }));
      return users.filter((u) => u.Login === i.login).map((u) => ({ id: String(u.ID), label: u.Login }));
    },
  },
  crossCheck: (i, known, olds, { importing, adopting }) => {
    const failures: CheckFailure[] = [];
    const creating = Object.keys(olds).length === 0 && !importing && !adopting;
    if (creating && i.password === undefined && known("password")) {
      failures.push({ property: "password", reason: "is required to create a user (AddUser needs one); only an imported or adopted user may leave it out" });
    }
    return failures;
  },
  discover: (options) => discoverUsers(options),
  handlers: {
    async create(i, progress, context) {
      if (!i.password) {
        throw new Error(`forpost:User ${JSON.stringify(i.login)}: password is required to create the user (none exists with this login in account ${i.accountId} to adopt)`);
      }
      registerSecret(i.password);
      const client = ForpostClient.fromConfig();
      const accountId = Number(i.accountId);
      const params = encodeWireFields(inputs, { ...i, password: undefined }, EDITABLE);
      // One create per account at a time in this process: the MaxLoginCount check and the AddUser
      // that relies on it must not interleave with another create in the same account.
      const { id } = await withKeyLock(`forpost:User:account:${accountId}`, async () => {
        await checkLoginLimit(client, accountId, i.login);
        try {
          return await createOnce(() => client.addUser(accountId, [...params, ["Password", i.password!]]), context, `the user with login ${JSON.stringify(i.login)} in account ${accountId}`);
        } catch (error) {
          throw await explainRefusal(client, error, accountId, i.login);
        }
      });
      progress.created(String(id), { ...pick(i, Object.keys(inputs.shape)), userId: id });
      const record = await client.loadUser(id, accountId);
      if (!record) throw new Error(`Forpost user ${id} disappeared right after it was created; run \`pulumi refresh\``);
      return { id: String(id), outs: toOutputs(record, i) };
    },

    async read(id, olds) {
      const record = await ForpostClient.fromConfig().loadUser(Number(id), olds.accountId === undefined ? undefined : Number(olds.accountId));
      return record && toOutputs(record, olds);
    },

    async update(id, olds, news, changed) {
      if (changed.includes("accountId")) throw new Error(`forpost:User ${id}: accountId can only change by replacing the user`);
      const client = ForpostClient.fromConfig();
      const accountId = Number(olds.accountId ?? news.accountId);
      const edited = changed.filter((k) => EDITABLE.includes(k));
      if (edited.length > 0) {
        try {
          await client.editUser(Number(id), accountId, encodeWireFields(inputs, news, edited));
        } catch (error) {
          throw edited.includes("login") ? await explainRefusal(client, error, accountId, news.login) : error;
        }
      }
      // The password never goes through EditUser (the document excludes it there).
      if (changed.includes("password") && news.password) {
        registerSecret(news.password);
        await client.editUserPassword(Number(id), news.password);
      }
      const record = await client.loadUser(Number(id), accountId);
      if (!record) throw new Error(`Forpost user ${id} disappeared while it was being changed; run \`pulumi refresh\``);
      return toOutputs(record, { ...olds, ...pick(news, changed) });
    },

    async delete(id, olds) {
      const client = ForpostClient.fromConfig();
      const accountId = Number(olds.accountId);
      await deleteTolerant(
        () => client.deleteUser(Number(id), accountId),
        async () => (await client.getAccountUsers({ id: Number(id) })).some((u) => u.ID === Number(id)),
      );
    },
  },
});

/**
 * Before AddUser: the account's users (the list the key look-up just fetched) against its
 * MaxLoginCount. Another program adding a user at the same moment can still get past it (Forpost
 * may refuse that user itself, or not: the document does not say it enforces the limit).
 */
async function checkLoginLimit(client: ForpostClient, accountId: number, login: string): Promise<void> {
  const [account, users] = await Promise.all([client.loadAccount(accountId), listOrNone(() => client.usersOf(accountId))]);
  if (!account) {
    throw new Error(`forpost:User ${JSON.stringify(login)}: Forpost has no account ${accountId} (accountId): create the ForpostAccount first, or fix the id`);
  }
  const max = Number(account.MaxLoginCount);
  if (Number.isFinite(max) && users.length >= max) {
    throw new Error(
      `forpost:User ${JSON.stringify(login)}: Forpost account ${accountId} allows ${max} user${max === 1 ? "" : "s"} (MaxLoginCount) and already has ${users.length} ` +
        `(${users.map((u) => u.Login).join(", ")}); nothing was created. Raise maxLoginCount on the account's ForpostAccount (it updates in place), or remove a user, then run \`pulumi up\` again.`,
    );
  }
}

/** An ErrorCode 2 on AddUser/EditUser most often means the login is taken; say where, if we can see it. */
async function explainRefusal(client: ForpostClient, error: unknown, accountId: number, login: string): Promise<unknown> {
  if (!(error instanceof VendorApiError) || error.code !== "2") return error;
  let near = "";
  try {
    const same = (await client.usersOf(accountId)).filter((u) => u.Login.toLowerCase() === login.toLowerCase() && u.Login !== login);
    if (same.length > 0) near = ` Account ${accountId} has ${same.map((u) => `user ${u.ID} ${JSON.stringify(u.Login)}`).join(", ")}, which Forpost may count as the same login (logins are compared without case).`;
  } catch {
    // The hint is a courtesy; the refusal is what matters.
  }
  return new VendorApiError(
    `${error.message}. If the login ${JSON.stringify(login)} is taken: Forpost logins are unique across all accounts, so it may belong to a user of another account — choose another login, or bring that user under management with \`{ import: "<its id>" }\`.${near}`,
    { vendor: "forpost", operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error },
  );
}

/** The user as outputs: what GetAccountUsers answers, and the write-only inputs as last applied. */
function toOutputs(record: ForpostUserRecord, known: Partial<Outputs>): Outputs {
  return {
    ...(pick(known, WRITE_ONLY) as Partial<Outputs>),
    accountId: String(record.AccountID),
    login: record.Login,
    isReadOnly: record.IsReadOnly,
    isActive: record.IsActive,
    ...(record.Email === undefined ? {} : { email: record.Email }),
    userId: record.ID,
  };
}

async function* discoverUsers(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = ForpostClient.fromConfig();
  for await (const { account, item: user } of eachAccount(client, options, (a) => sharedRead(options, `forpost:users:${a.ID}`, () => client.usersOf(a.ID)))) {
    const outs = toOutputs(user, {});
    const { userId: _id, ...found } = outs;
    yield {
      id: String(user.ID),
      inputs: Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined && v !== "")),
      refs: { accountId: { token: "forpost:Account", id: String(account.ID) } },
      subscriber: subscriberOf(account),
      name: resourceName(user.Login),
    };
  }
}
