import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError } from "../core/errors";
import { defineResource, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { registerSecret } from "../core/redact";
import { input, output } from "../core/schema";
import { slug } from "./names";
import { isAlreadyThere, readMade, WatcherClient, type WatcherUser } from "./watcher-client";

const inputs = z.object({
  login: input(
    z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .refine((s) => s.trim() === s, { error: "must not start or end with spaces" }),
    {
      onChange: "replace",
      doc:
        "The login the subscriber (or installer) signs in to the Watcher with, usually an e-mail address; unique in the domain. " +
        "The API cannot rename a user: a change replaces it (deleted first, then created).",
    },
  ),
  password: input(z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(), {
    onChange: "replace",
    secret: true,
    writeOnly: true,
    doc:
      "The user's password. Needed to create the user; may be left out only when importing or adopting one that exists. The API " +
      "has no password change: a new password replaces the user (deleted, then created again with it), and the Watcher never returns it.",
  }),
  leaveDefaultOrganization: input(z.boolean({ error: "must be true or false" }).default(true), {
    onChange: "update",
    doc:
      'Take the user out of the domain\'s default organization ("Unassigned cameras") that the Watcher puts every new user in, ' +
      "as the vendor's scenarios do right after creating a subscriber. `false` keeps (or puts) the user there. Updates in place.",
  }),
});

const outputs = z.object({
  userId: output(z.number(), "The Watcher user id (the resource id, as a number): what `VsaasOrganizationUser.userId` takes."),
  isAdmin: output(z.boolean(), "Whether the Watcher shows the user as an administrator."),
  enabled: output(z.boolean(), "Whether the account is enabled (only the web interface can change it)."),
  // No list of the user's organizations: it changes with every VsaasOrganizationUser, and each refresh
  // after one would show the user as changed although nothing about it did.
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

const MAX_CREATE_ATTEMPTS = 3;

/** A subscriber's or installer's login in the Flussonic Watcher (cloud.vsaas.io). */
export const vsaasUser = defineResource({
  token: "vsaas:User",
  description:
    "A user of the Flussonic Watcher cloud (cloud.vsaas.io API v2): the login a subscriber or an installer signs in with. The API " +
    "has no update for users, so a new login or password replaces the user (its memberships and folder rights with it); only " +
    "`leaveDefaultOrganization` changes in place. The user's own API key, which the Watcher's user list carries, never reaches the state.",
  inputs,
  outputs,
  // The login is unique: a replacement cannot create the new user before the old one is gone.
  deleteBeforeReplace: true,
  idPattern: /^\d+$/,
  idDoc: "the Watcher user id, digits, e.g. `1377`",
  naturalKey: {
    fields: ["login"],
    unique: true,
    find: async (i) => (await WatcherClient.fromConfig().listUsers({ fresh: true })).filter((u) => u.login === i.login).map((u) => ({ id: String(u.id), label: u.login })),
  },
  discover: discoverUsers,
  handlers: {
    async create(i, progress, context) {
      if (i.password === undefined) {
        throw new Error(
          `password: VSAAS.IO needs one to create the user ${JSON.stringify(i.login)}. Set it (as a secret), or, if the user already exists, ` +
            "import it (`{ import: \"<id>\" }`) or adopt it (`{ adoptExisting: true }`): then the password may stay unset.",
        );
      }
      // Masked in any message from here on, should the Watcher ever echo the request.
      registerSecret(i.password);
      const client = WatcherClient.fromConfig();
      const made = await createOnce(client, i, context);
      const userId = made.id;
      progress.created(String(userId), { login: made.login, password: i.password, leaveDefaultOrganization: false, userId });
      let organizations = made.organizations ?? [];
      if (i.leaveDefaultOrganization) {
        organizations = await leaveDefault(client, userId, organizations);
        progress.applied({ leaveDefaultOrganization: true });
      }
      return { id: String(userId), outs: await outputsOf(client, { ...made, organizations }, i.password) };
    },
    async read(id, olds) {
      const client = WatcherClient.fromConfig();
      const found = (await client.listUsers()).find((u) => u.id === Number(id));
      return found ? outputsOf(client, found, olds.password) : undefined;
    },
    async update(id, olds, news, changed) {
      const fixed = changed.filter((key) => key === "login" || key === "password");
      if (fixed.length > 0) throw new Error(`${fixed.join(" and ")} of VSAAS.IO user ${id} cannot be changed in place (the Watcher API has no update); Pulumi replaces the user instead`);
      if (!changed.includes("leaveDefaultOrganization")) return olds;
      const client = WatcherClient.fromConfig();
      const userId = Number(id);
      if (news.leaveDefaultOrganization) await leaveDefault(client, userId, []);
      else await joinDefault(client, userId);
      return { ...olds, leaveDefaultOrganization: news.leaveDefaultOrganization } as Outputs;
    },
    async delete(id) {
      // 404: already gone. Its memberships go with it (the Watcher's users own them).
      await WatcherClient.fromConfig().deleteUser(Number(id));
    },
  },
});

/**
 * POST /users is not idempotent. The login is unique, so the core has already refused a taken
 * one (or is adopting it); after a lost answer `context.findNew()` tells whether the POST made the
 * user. A refusal because the login is taken after all (someone created it meanwhile, or the
 * Watcher compares logins without regard to case) names the user that has it.
 */
async function createOnce(client: WatcherClient, i: Inputs, context: CreateContext): Promise<WatcherUser> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createUser(i.login, i.password!);
    } catch (error) {
      if (isAlreadyThere(error)) throw await loginTaken(client, i.login, error as VendorApiError);
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      let made: string[];
      try {
        made = await context.findNew();
      } catch (lookupError) {
        throw new CreateOutcomeUnknownError(`${error.message}; looking the user up by login ${JSON.stringify(i.login)} failed too (${describeError(lookupError)})`, { cause: error });
      }
      if (made.length === 1) {
        // The user exists and is ours: a failing read of it now must not end the create with
        // nothing in the state (found by the fault suite) — leave a placeholder the next run resolves.
        const found = await readMade(() => client.listUsers().then((users) => users.find((u) => String(u.id) === made[0])), error, `user ${made[0]}`);
        if (found) return found;
      }
      if (made.length > 1) throw new CreateOutcomeUnknownError(`${error.message}; the Watcher now lists ${made.length} users with login ${JSON.stringify(i.login)} (id ${made.join(", ")})`, { cause: error });
      if (mayStillBeRunning(error)) {
        throw new CreateOutcomeUnknownError(`${error.message}; the Watcher does not list the user yet but may still be creating it`, { cause: error });
      }
      if (attempt >= MAX_CREATE_ATTEMPTS) throw error;
      // Not listed after the Watcher ended the exchange itself: the POST did not take effect.
    }
  }
}

async function loginTaken(client: WatcherClient, login: string, cause: VendorApiError): Promise<Error> {
  let holder = "";
  try {
    const same = (await client.listUsers()).filter((u) => u.login.toLowerCase() === login.toLowerCase());
    if (same.length > 0) holder = ` (id ${same.map((u) => `${u.id} ${JSON.stringify(u.login)}`).join(", ")})`;
  } catch {
    // Naming the holder is a courtesy; the refusal is what matters.
  }
  return new Error(
    `${cause.message}. VSAAS.IO already has a user with login ${JSON.stringify(login)}${holder}, created while this create ran or differing only in ` +
      "letter case (the Watcher compares logins without regard to it). To manage that user, write its login exactly as the Watcher has it " +
      'and add `{ adoptExisting: true }` (or `{ import: "<id>" }`); otherwise choose another login.',
    { cause },
  );
}

/**
 * Takes the user out of the default organization; answers `organizationIds` without it. The DELETE
 * is sent whatever a (possibly stale) list says: the Watcher's 404 means "not a member", fine.
 */
async function leaveDefault(client: WatcherClient, userId: number, organizationIds: readonly number[]): Promise<number[]> {
  const fallback = await client.defaultOrganizationId();
  if (fallback === undefined) return [...organizationIds];
  await client.removeMember(fallback, userId);
  return organizationIds.filter((id) => id !== fallback);
}

/** Puts the user (back) in the default organization; a refusal because they are a member already is success. */
async function joinDefault(client: WatcherClient, userId: number): Promise<void> {
  const fallback = await client.defaultOrganizationId();
  if (fallback === undefined) throw new Error("the VSAAS.IO Watcher has no default organization (is_default) to put the user back in");
  try {
    await client.addMember(fallback, userId, {});
  } catch (error) {
    if (!isAlreadyThere(error)) throw error;
  }
}

async function outputsOf(client: WatcherClient, u: WatcherUser, password: string | undefined): Promise<Outputs> {
  const organizationIds = [...(u.organizations ?? [])].sort((a, b) => a - b);
  const fallback = await client.defaultOrganizationId();
  return {
    login: u.login,
    ...(password !== undefined ? { password } : {}),
    leaveDefaultOrganization: fallback === undefined || !organizationIds.includes(fallback),
    userId: u.id,
    isAdmin: u.is_admin ?? false,
    enabled: u.enabled ?? true,
  };
}

/**
 * Every user of the domain but its administrators (the API key's own account and its peers must
 * never be managed, let alone replaced or deleted, as a subscriber's login), from two lists: the
 * users and the organizations (for the subscriber a user belongs to: the title of their first
 * organization other than the default one). Passwords cannot be read: they are left out.
 */
async function* discoverUsers(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = WatcherClient.fromConfig();
  const users = await client.listUsers();
  options.onProgress?.(0);
  const organizations = await client.listOrganizations();
  const fallback = await client.defaultOrganizationId();
  const titles = new Map(organizations.map((o) => [o.id, o.title]));
  let found = 0;
  options.onProgress?.(found);
  for (const u of [...users].sort((a, b) => a.id - b.id)) {
    if (u.is_admin) continue;
    if (options.limit !== undefined && found >= options.limit) return;
    const orgs = u.organizations ?? [];
    const subscriber = orgs.filter((id) => id !== fallback).map((id) => titles.get(id)).find((t) => t !== undefined);
    if (options.subscriberPrefix !== undefined && !subscriber?.startsWith(options.subscriberPrefix)) continue;
    found++;
    yield {
      id: String(u.id),
      inputs: { login: u.login, leaveDefaultOrganization: fallback === undefined || !orgs.includes(fallback) },
      ...(subscriber !== undefined ? { subscriber } : {}),
      name: slug(u.login) || `user-${u.id}`,
    };
  }
  options.onProgress?.(found);
}
