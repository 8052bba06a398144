import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorNotFoundError } from "../core/errors";
import { withKeyLock } from "../core/key-lock";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { input, output } from "../core/schema";
import { idParts } from "./names";
import { isAlreadyThere, readMade, WatcherClient, type MemberFlags, type WatcherMember } from "./watcher-client";

const watcherId = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .min(1, { error: `must be ${what} (1 or more)` })
    .max(Number.MAX_SAFE_INTEGER, { error: "is too large" });

/**
 * The membership rights a request may carry, by input. The document shows only
 * `can_edit_organization_cameras` in a request; its list of the rights one can give names
 * `can_edit_organization_users` and `can_view_organization_stats` too, so they are sent the same
 * way — and, since that is an assumption, what the Watcher answers is checked (see `create`).
 */
const FLAGS = {
  canEditOrganizationCameras: "can_edit_organization_cameras",
  canEditOrganizationUsers: "can_edit_organization_users",
  canViewOrganizationStats: "can_view_organization_stats",
} as const;
type FlagInput = keyof typeof FLAGS;
const DOCUMENTED_FLAG: FlagInput = "canEditOrganizationCameras";

const flag = (doc: string) =>
  input(z.boolean({ error: "must be true or false" }).default(false), {
    onChange: "replace",
    doc: `${doc} The API cannot change a membership: a change replaces it (the user leaves and joins again) — see "How it behaves".`,
  });

const inputs = z.object({
  watcherOrganizationId: input(watcherId("a Watcher organization id"), {
    onChange: "replace",
    doc: "The Watcher organization: `VsaasOrganization.externalId` — not the billing id (`VsaasOrganization.id`), which the Watcher does not know.",
  }),
  userId: input(watcherId("a Watcher user id"), { onChange: "replace", doc: "The Watcher user: `VsaasUser.userId`." }),
  canEditOrganizationCameras: flag("May add and edit the organization's cameras (`can_edit_organization_cameras`): an installer. The one right the document shows in a request."),
  canEditOrganizationUsers: flag("May edit the organization's users (`can_edit_organization_users`; named in the document's list of rights, not shown in a request)."),
  canViewOrganizationStats: flag("May see the organization's viewing statistics (`can_view_organization_stats`; named in the document's list of rights, not shown in a request)."),
});

const outputs = z.object({
  login: output(z.string(), "The member's login, as the Watcher lists it."),
  canViewOrganizationPlists: output(z.boolean(), "`can_view_organization_plists` as the Watcher answers it (it follows `canEditOrganizationCameras`; not settable)."),
  canEditOrganizationPlists: output(z.boolean(), "`can_edit_organization_plists` as the Watcher answers it (it follows `canEditOrganizationCameras`; not settable)."),
  // No list of the member's folders: it changes with every VsaasFolderAccess, and each refresh after
  // one would show the membership as changed although nothing about it did.
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

const MAX_CREATE_ATTEMPTS = 3;

/** The lock that keeps one user's membership of one organization from being changed by two operations at once. */
export const membershipLock = (organizationId: number, userId: number) => `vsaas:membership:${organizationId}/${userId}`;

/** A user's membership of a Watcher organization, with its rights. */
export const vsaasOrganizationUser = defineResource({
  token: "vsaas:OrganizationUser",
  description:
    "A user's membership of a Flussonic Watcher organization (cloud.vsaas.io API v2: `POST/GET/DELETE /organizations/{id}/users`), " +
    "with its rights. A member sees no camera until a VsaasFolderAccess grants a folder. The API cannot change a membership, so " +
    "a change of any input replaces it (leave, then join again), which also drops the user's folder rights in that organization.",
  inputs,
  outputs,
  // One user is a member of one organization once: the old membership must go before the new one.
  deleteBeforeReplace: true,
  idPattern: /^\d+\/\d+$/,
  idDoc: "`<watcherOrganizationId>/<userId>`, e.g. `774/1377`",
  naturalKey: {
    fields: ["watcherOrganizationId", "userId"],
    unique: true,
    find: async (i) => {
      const members = await WatcherClient.fromConfig().listMembers(i.watcherOrganizationId!, { fresh: true });
      return (members ?? []).filter((m) => m.user_id === i.userId).map((m) => ({ id: `${i.watcherOrganizationId}/${m.user_id}`, label: m.login ?? "" }));
    },
  },
  discover: discoverMemberships,
  handlers: {
    async create(i, progress, context) {
      const client = WatcherClient.fromConfig();
      return withKeyLock(membershipLock(i.watcherOrganizationId, i.userId), async () => {
        const made = await joinOnce(client, i, context);
        const id = `${i.watcherOrganizationId}/${i.userId}`;
        const ignored = (Object.keys(FLAGS) as FlagInput[]).filter((key) => i[key] !== (made[FLAGS[key]] ?? false));
        if (ignored.length > 0) {
          // Sent but not applied (the document shows only can_edit_organization_cameras in a request):
          // a membership with other rights than declared would replace itself on every `up`. Undo it.
          const what = ignored.map((key) => `${key} (${FLAGS[key]}: sent ${String(i[key])}, answered ${String(made[FLAGS[key]] ?? false)})`).join(", ");
          const advice = ignored.some((key) => key !== DOCUMENTED_FLAG)
            ? " The document shows only can_edit_organization_cameras in a membership request; this Watcher does not take the other rights that way: leave them out (false) and set them in the web interface."
            : "";
          try {
            await client.removeMember(i.watcherOrganizationId, i.userId);
          } catch (rollbackError) {
            progress.created(id, outputsOf(i.watcherOrganizationId, made));
            throw new Error(`VSAAS.IO Watcher did not apply ${what}, and taking the user out again failed (${describeError(rollbackError)}); the membership is kept in the stack.${advice}`);
          }
          throw new Error(`VSAAS.IO Watcher did not apply ${what}, so the membership was undone (the user left organization ${i.watcherOrganizationId} again).${advice}`);
        }
        return { id, outs: outputsOf(i.watcherOrganizationId, made) };
      });
    },
    async read(id) {
      const [organizationId, userId] = idParts(id) as [number, number];
      const members = await WatcherClient.fromConfig().listMembers(organizationId);
      const found = members?.find((m) => m.user_id === userId);
      return found ? outputsOf(organizationId, found) : undefined;
    },
    async update(id, olds, _news, changed) {
      if (changed.length > 0) throw new Error(`${changed.join(", ")} of VSAAS.IO membership ${id} cannot be changed in place (the Watcher API has no update); Pulumi replaces the membership instead`);
      return olds;
    },
    async delete(id) {
      const [organizationId, userId] = idParts(id) as [number, number];
      const client = WatcherClient.fromConfig();
      await withKeyLock(membershipLock(organizationId, userId), async () => {
        try {
          // false: not a member (any more), or the organization is gone — already what delete wants.
          await client.removeMember(organizationId, userId);
        } catch (error) {
          if (error instanceof VendorApiError && error.httpStatus === 400) {
            throw new Error(`${error.message}. An organization's owner cannot leave it (VSAAS.IO keeps the owner a member); remove this resource from the stack with \`pulumi state delete\` instead.`, { cause: error });
          }
          throw error;
        }
      });
    },
  },
});

/**
 * POST /organizations/{id}/users is not idempotent (a second one for a member is refused). After a
 * lost answer `context.findNew()` tells whether the user joined; a refusal because the user is a
 * member already (someone added them meanwhile) names it and points at adoptExisting.
 */
async function joinOnce(client: WatcherClient, i: Inputs, context: CreateContext): Promise<WatcherMember> {
  const flags: MemberFlags = {};
  // Only rights that are on are sent: a request without them is the document's reader example.
  for (const key of Object.keys(FLAGS) as FlagInput[]) if (i[key]) flags[FLAGS[key]] = true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.addMember(i.watcherOrganizationId, i.userId, flags);
    } catch (error) {
      if (error instanceof VendorNotFoundError) {
        throw new Error(
          `${error.message}: VSAAS.IO Watcher has no organization ${i.watcherOrganizationId}. watcherOrganizationId must be the organization's Watcher id ` +
            "(`VsaasOrganization.externalId`), not its billing id.",
          { cause: error },
        );
      }
      if (isAlreadyThere(error)) {
        throw new Error(
          `${(error as Error).message}. User ${i.userId} became a member of Watcher organization ${i.watcherOrganizationId} while this create ran; to manage ` +
            `that membership add \`{ adoptExisting: true }\` (or \`{ import: "${i.watcherOrganizationId}/${i.userId}" }\`).`,
          { cause: error },
        );
      }
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      let made: string[];
      try {
        made = await context.findNew();
      } catch (lookupError) {
        throw new CreateOutcomeUnknownError(`${error.message}; looking the membership up failed too (${describeError(lookupError)})`, { cause: error });
      }
      if (made.length === 1) {
        const found = await readMade(() => client.listMembers(i.watcherOrganizationId).then((members) => members?.find((m) => m.user_id === i.userId)), error, `membership ${made[0]}`);
        if (found) return found;
      }
      if (mayStillBeRunning(error)) throw new CreateOutcomeUnknownError(`${error.message}; the Watcher does not list the member yet but may still be adding them`, { cause: error });
      if (attempt >= MAX_CREATE_ATTEMPTS) throw error;
    }
  }
}

function outputsOf(organizationId: number, m: WatcherMember): Outputs {
  return {
    watcherOrganizationId: organizationId,
    userId: m.user_id,
    canEditOrganizationCameras: m.can_edit_organization_cameras ?? false,
    canEditOrganizationUsers: m.can_edit_organization_users ?? false,
    canViewOrganizationStats: m.can_view_organization_stats ?? false,
    login: m.login ?? "",
    canViewOrganizationPlists: m.can_view_organization_plists ?? false,
    canEditOrganizationPlists: m.can_edit_organization_plists ?? false,
  };
}

/**
 * Every membership of every organization but the default one (a user's place there is the user's
 * `leaveDefaultOrganization`) and but the owners' (the billing makes the owner a member with the
 * organization; it goes with it): one list of organizations, then one member list per organization.
 */
async function* discoverMemberships(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = WatcherClient.fromConfig();
  const organizations = (await sharedRead(options, "vsaas:watcher-organizations", () => client.listOrganizations())).filter((o) => o.is_default !== true).sort((a, b) => a.id - b.id);
  let found = 0;
  options.onProgress?.(found);
  for (const o of organizations) {
    if (options.subscriberPrefix !== undefined && !o.title.startsWith(options.subscriberPrefix)) continue;
    const members = (await sharedRead(options, `vsaas:members:${o.id}`, () => client.listMembers(o.id))) ?? [];
    options.onProgress?.(found);
    for (const m of members) {
      if (m.user_id === o.owner?.id) continue;
      if (options.limit !== undefined && found >= options.limit) return;
      found++;
      const { login: _l, canViewOrganizationPlists: _v, canEditOrganizationPlists: _e, ...inputs } = outputsOf(o.id, m);
      yield { id: `${o.id}/${m.user_id}`, inputs, refs: { userId: { token: "vsaas:User", id: String(m.user_id) } }, subscriber: o.title, name: `${o.id}-${m.user_id}` };
    }
  }
}
