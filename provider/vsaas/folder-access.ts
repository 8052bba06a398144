import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorNotFoundError, VendorTransportError } from "../core/errors";
import { withKeyLock } from "../core/key-lock";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { input, output } from "../core/schema";
import { idParts } from "./names";
import { membershipLock } from "./organization-user";
import { readMade, WatcherClient, type FolderGrant, type WatcherFolderRights, type WatcherMember } from "./watcher-client";

const right = (wire: string, doc: string) =>
  input(z.boolean({ error: "must be true or false" }).default(false), { onChange: "update", wire, doc: `${doc} Updates in place (the grant is sent again).` });

const inputs = z.object({
  membershipId: input(
    z.string({ error: "must be a string" }).regex(/^\d+\/\d+$/, { error: "must be a VsaasOrganizationUser id, `<watcherOrganizationId>/<userId>` such as `774/1377`" }),
    {
      onChange: "replace",
      doc:
        "The membership the right belongs to: the VsaasOrganizationUser's id (`member.id`). Passing the resource's id makes Pulumi grant the " +
        "folder after the user joins, and grant it again when the membership is replaced (which drops the user's folder rights).",
    },
  ),
  folderId: input(
    z.number({ error: "must be a number (a folder id)" }).int({ error: "must be a whole number (a folder id)" }).min(1, { error: "must be a folder id (1 or more)" }),
    { onChange: "replace", doc: "The folder of that organization (`vsaas.getOrganizationFolders`; every organization has \"Cameras\")." },
  ),
  canViewDvr: right("can_view_dvr", "May watch the folder's cameras' archive, not only live video."),
  canUsePtz: right("can_use_ptz", "May turn PTZ cameras."),
  canUseActions: right("can_use_actions", "May use the cameras' actions."),
  dvrDepthLimit: input(
    z.number({ error: "must be a number (days)" }).int({ error: "must be a whole number of days" }).min(0, { error: "must be 0 or more days" }).optional(),
    {
      onChange: "update",
      wire: "dvr_depth_limit",
      doc:
        "How many days back the archive may be watched. Left out, a new right has no limit (the document's `null`) and a limit set later in " +
        "the web interface is kept; a declared limit cannot be lifted back to none from the program (the API's null is \"not set\" here): lift it in the web interface.",
    },
  ),
});

const outputs = z.object({
  watcherOrganizationId: output(z.number(), "The Watcher organization (from `membershipId`)."),
  userId: output(z.number(), "The Watcher user (from `membershipId`)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
type Rights = Pick<Inputs, "canViewDvr" | "canUsePtz" | "canUseActions" | "dvrDepthLimit">;

/**
 * A user's rights on one camera folder of a Watcher organization: without one, a member sees no
 * camera ("folders_permissions": []).
 *
 * The document has a grant (`POST /organizations/{id}/folders/{folder}/users`) and nothing else,
 * so what this resource assumes is written here and in docs/assumptions.md:
 *  - read: the member list's `folders_permissions[]` (elements never shown; read as the grant's
 *    fields plus `folder_id`, see WatcherFolderRights); a right the element does not show keeps its
 *    last applied value;
 *  - update: the grant sent again replaces the rights (verified by reading them back);
 *  - destroy: there is no revocation, and a grant with every right off would still let the user
 *    see the folder. Leaving the organization is the only documented way to lose folder rights,
 *    so destroy takes the user out and puts them back with the same membership rights and every
 *    other folder right they had — revoking exactly this folder (see {@link revoke}).
 */
export const vsaasFolderAccess = defineResource({
  token: "vsaas:FolderAccess",
  description:
    "A user's rights on one camera folder of a Flussonic Watcher organization (`POST /organizations/{id}/folders/{folder}/users`): " +
    "without one a member sees no camera. The API has only this grant — no read of its own, no update, no revocation: refresh reads " +
    "the member list's `folders_permissions`, a rights change sends the grant again, and destroy revokes by taking the user out of the " +
    "organization and back in with everything else they had (see How it behaves).",
  inputs,
  outputs,
  idPattern: /^\d+\/\d+\/\d+$/,
  idDoc: "`<watcherOrganizationId>/<folderId>/<userId>`, e.g. `774/1156/1377`",
  naturalKey: {
    fields: ["membershipId", "folderId"],
    unique: true,
    find: async (i) => {
      const [organizationId, userId] = idParts(i.membershipId!) as [number, number];
      const member = (await WatcherClient.fromConfig().listMembers(organizationId, { fresh: true }))?.find((m) => m.user_id === userId);
      return member && rightsOn(member, organizationId, i.folderId!) ? [`${organizationId}/${i.folderId}/${userId}`] : [];
    },
  },
  discover: discoverFolderAccess,
  handlers: {
    async create(i, progress, context) {
      const [organizationId, userId] = idParts(i.membershipId) as [number, number];
      const client = WatcherClient.fromConfig();
      const id = `${organizationId}/${i.folderId}/${userId}`;
      return withKeyLock(membershipLock(organizationId, userId), async () => {
        const members = await client.listMembers(organizationId);
        if (!members) throw new Error(`VSAAS.IO Watcher has no organization ${organizationId} (from membershipId ${i.membershipId}); create the VsaasOrganizationUser first and pass its id`);
        if (!members.some((m) => m.user_id === userId)) {
          throw new Error(`VSAAS.IO Watcher user ${userId} is not a member of organization ${organizationId}: create the VsaasOrganizationUser first and pass its id (\`member.id\`) as membershipId. If the stack has that membership already, it was removed outside Pulumi (or by a revoke that was cut off): \`pulumi up --refresh\` joins the user again`);
        }
        const granted = await grantOnce(client, organizationId, i, context);
        const outs = outputsOf(organizationId, userId, i, granted);
        const missed = differingRights(i, outs);
        if (missed.length > 0) {
          progress.created(id, outs);
          throw new Error(`VSAAS.IO Watcher answered the grant with other rights than sent (${missed.join("; ")}); the next \`pulumi up\` sends it again`);
        }
        return { id, outs };
      });
    },
    async read(id, olds) {
      const [organizationId, folderId, userId] = idParts(id) as [number, number, number];
      const member = (await WatcherClient.fromConfig().listMembers(organizationId))?.find((m) => m.user_id === userId);
      const rights = member ? rightsOn(member, organizationId, folderId) : undefined;
      if (!rights) return undefined;
      return outputsOf(organizationId, userId, { membershipId: `${organizationId}/${userId}`, folderId, ...fallbackRights(olds) }, rights);
    },
    async update(id, olds, news, changed) {
      const fixed = changed.filter((key) => key === "membershipId" || key === "folderId");
      if (fixed.length > 0) throw new Error(`${fixed.join(" and ")} of VSAAS.IO folder access ${id} cannot change in place; Pulumi replaces it instead`);
      if (changed.length === 0) return olds;
      const [organizationId, folderId, userId] = idParts(id) as [number, number, number];
      const client = WatcherClient.fromConfig();
      // The grant sends every right; a depth limit the program leaves out is not managed: keep the one there.
      const wanted: Rights = { ...news, dvrDepthLimit: news.dvrDepthLimit ?? olds.dvrDepthLimit };
      return withKeyLock(membershipLock(organizationId, userId), async () => {
        await grant(client, organizationId, folderId, userId, wanted);
        // The document shows no update: that a second grant replaces the rights is an assumption, so read them back.
        const member = (await client.listMembers(organizationId))?.find((m) => m.user_id === userId);
        const rights = member ? rightsOn(member, organizationId, folderId) : undefined;
        if (!rights) throw new Error(`VSAAS.IO folder access ${id} disappeared while its rights were being changed; run \`pulumi refresh\``);
        const outs = outputsOf(organizationId, userId, { ...news, ...wanted }, rights);
        const missed = differingRights(wanted, outs);
        if (missed.length > 0) {
          throw new Error(
            `VSAAS.IO Watcher kept other rights than the grant sent again (${missed.join("; ")}): it does not replace folder rights with a second grant. ` +
              "Change them in the web interface, or replace the access (e.g. `pulumi up --replace <urn>`).",
          );
        }
        return outs;
      });
    },
    async delete(id) {
      const [organizationId, folderId, userId] = idParts(id) as [number, number, number];
      const client = WatcherClient.fromConfig();
      await withKeyLock(membershipLock(organizationId, userId), () => revoke(client, organizationId, folderId, userId));
    },
  },
});

function grantOf(rights: Rights): FolderGrant {
  return { can_view_dvr: rights.canViewDvr, can_use_ptz: rights.canUsePtz, can_use_actions: rights.canUseActions, dvr_depth_limit: rights.dvrDepthLimit ?? null };
}

async function grant(client: WatcherClient, organizationId: number, folderId: number, userId: number, rights: Rights): Promise<WatcherFolderRights> {
  try {
    return await client.grantFolder(organizationId, folderId, userId, grantOf(rights));
  } catch (error) {
    if (error instanceof VendorNotFoundError) {
      throw new Error(`${error.message}: folder ${folderId} is not a folder of Watcher organization ${organizationId} (vsaas.getOrganizationFolders lists them)`, { cause: error });
    }
    throw error;
  }
}

/**
 * The grant is sent as idempotent (the same rights twice are the same rights), so the transport
 * retries it; when it still has no answer, `context.findNew()` tells whether it took effect.
 */
async function grantOnce(client: WatcherClient, organizationId: number, i: Inputs, context: CreateContext): Promise<WatcherFolderRights> {
  const [, userId] = idParts(i.membershipId) as [number, number];
  try {
    return await grant(client, organizationId, i.folderId, userId, i);
  } catch (error) {
    // Sent as idempotent, so the transport does not mark a 5xx or a lost answer as an unknown
    // outcome; for a create it is one all the same: did the right appear?
    const maybeApplied = error instanceof VendorApiError && (error.outcomeUnknown || error instanceof VendorTransportError || (error.httpStatus ?? 0) >= 500);
    if (!maybeApplied) throw error;
    let made: string[];
    try {
      made = await context.findNew();
    } catch (lookupError) {
      throw new CreateOutcomeUnknownError(`${error.message}; reading the member list back failed too (${describeError(lookupError)})`, { cause: error });
    }
    if (made.length === 1) {
      const member = await readMade(() => client.listMembers(organizationId).then((members) => members?.find((m) => m.user_id === userId)), error as Error, `folder right ${made[0]}`);
      const rights = member ? rightsOn(member, organizationId, i.folderId) : undefined;
      if (rights) return rights;
    }
    if (mayStillBeRunning(error)) throw new CreateOutcomeUnknownError(`${error.message}; the member list does not show the right yet, but the Watcher may still be granting it`, { cause: error });
    throw error;
  }
}

/**
 * The user's rights on the folder, from the member list; undefined when there are none. An element
 * of `folders_permissions` whose folder cannot be read (the document never shows one) makes the
 * answer unknowable: that is an error that says so, never a guess.
 */
function rightsOn(member: WatcherMember, organizationId: number, folderId: number): WatcherFolderRights | undefined {
  if (member.folders.some((f) => f.folderId === undefined)) {
    throw new VendorApiError(
      `VSAAS.IO Watcher lists folders_permissions of user ${member.user_id} in organization ${organizationId} in a shape without a folder id ` +
        "(the document never shows one; folder_id, folder.id or id was expected), so folder rights cannot be read back. Please report it with the answer of " +
        `GET /vsaas/api/v2/organizations/${organizationId}/users.`,
      { vendor: "vsaas", operation: "GET /organizations/{id}/users" },
    );
  }
  return member.folders.find((f) => f.folderId === folderId);
}

/** The rights last applied, for what the member list does not show. */
function fallbackRights(olds: Partial<Outputs>): Rights {
  return { canViewDvr: olds.canViewDvr ?? false, canUsePtz: olds.canUsePtz ?? false, canUseActions: olds.canUseActions ?? false, dvrDepthLimit: olds.dvrDepthLimit };
}

function outputsOf(organizationId: number, userId: number, declared: Pick<Inputs, "membershipId" | "folderId"> & Rights, read: WatcherFolderRights): Outputs {
  const depth = read.dvrDepthLimit === undefined ? declared.dvrDepthLimit : (read.dvrDepthLimit ?? undefined);
  return {
    membershipId: `${organizationId}/${userId}`,
    folderId: read.folderId ?? declared.folderId,
    canViewDvr: read.canViewDvr ?? declared.canViewDvr,
    canUsePtz: read.canUsePtz ?? declared.canUsePtz,
    canUseActions: read.canUseActions ?? declared.canUseActions,
    ...(depth !== undefined ? { dvrDepthLimit: depth } : {}),
    watcherOrganizationId: organizationId,
    userId,
  };
}

function differingRights(sent: Rights, got: Outputs): string[] {
  const out: string[] = [];
  for (const key of ["canViewDvr", "canUsePtz", "canUseActions"] as const) if (sent[key] !== got[key]) out.push(`${key}: sent ${String(sent[key])}, has ${String(got[key])}`);
  if ((sent.dvrDepthLimit ?? null) !== (got.dvrDepthLimit ?? null)) out.push(`dvrDepthLimit: sent ${String(sent.dvrDepthLimit ?? null)}, has ${String(got.dvrDepthLimit ?? null)}`);
  return out;
}

/**
 * Puts the user back into the organization after a revoke took them out. Leaving them out is the
 * worst outcome a revoke can have (the subscriber loses every camera, and nothing in the next
 * `pulumi up` notices), so this tries hard before giving up:
 *  - the join is not idempotent, so the transport does not repeat it; after any failure the member
 *    list is read (fresh) first: a lost answer of an applied join is a success;
 *  - a join that may still be running (an answer after the timeout: the Watcher may apply it late)
 *    is waited for — the list is read again after 1, 2 and 4 s — before a second join is sent;
 *    after any other failure the list is read after 0.25 s, and again after 1 s if that read fails;
 *  - a definite refusal (400, 403 …) is not repeated unless the list then shows the user back
 *    (a 400 "already a member" after a late join is that case).
 * A second join of a user who is back is refused (400, as the emulator does: the document shows no
 * upsert), so it can never make two memberships. At most 4 joins and about 25 s. Found by the
 * fault suite: one lost answer here used to leave the user outside the organization, and later one
 * answer after the timeout did (the list was read once, before the Watcher applied the join).
 */
async function rejoin(client: WatcherClient, organizationId: number, userId: number, flags: Record<string, boolean>): Promise<void> {
  const isBack = async () => {
    client.forget();
    return (await client.listMembers(organizationId))?.some((m) => m.user_id === userId) ?? false;
  };
  let lastError: unknown;
  for (let join = 0; join < 4; join++) {
    if (join > 0) {
      const waits = lastError instanceof VendorApiError && mayStillBeRunning(lastError) ? [1_000, 2_000, 4_000] : [250, 1_000];
      let back = false;
      for (const ms of waits) {
        await sleep(ms);
        try {
          back = await isBack();
        } catch (readError) {
          lastError = readError;
          continue;
        }
        if (back) return;
      }
      if (!(lastError instanceof VendorApiError) || (!lastError.outcomeUnknown && !lastError.retryable && !mayStillBeRunning(lastError))) throw lastError;
    }
    try {
      await client.addMember(organizationId, userId, flags);
      return;
    } catch (error) {
      lastError = error;
      if (error instanceof VendorApiError && (error.outcomeUnknown || error.retryable || mayStillBeRunning(error))) continue;
      // A definite refusal: a success only if the user is back all the same (an earlier join applied late).
      if (join > 0 && (await isBack().catch(() => false))) return;
      throw error;
    }
  }
  if (await isBack().catch(() => false)) return;
  throw lastError;
}

/**
 * Revokes one folder right. The API has no revocation and a grant with every right off still
 * shows the folder, but a user who leaves an organization loses every folder right there (the
 * document: a user who joins has "folders_permissions": []). So: read the membership, take the
 * user out, put them back with the same membership rights, and grant again every other folder
 * right they had; then read back that exactly this folder is gone. 4 + (other folders) calls.
 *
 * Nothing is done — and the error says why — when the user owns the organization (an owner
 * cannot leave it) or when another folder right cannot be read in full (it could not be put back).
 * A failure between leaving and rejoining says exactly what state the user is in.
 */
async function revoke(client: WatcherClient, organizationId: number, folderId: number, userId: number): Promise<void> {
  client.forget();
  const member = (await client.listMembers(organizationId))?.find((m) => m.user_id === userId);
  if (!member || !rightsOn(member, organizationId, folderId)) return; // already gone
  const owner = (await client.listOrganizations()).find((o) => o.id === organizationId)?.owner?.id;
  const id = `${organizationId}/${folderId}/${userId}`;
  if (owner === userId) {
    throw new Error(
      `VSAAS.IO folder access ${id}: user ${userId} owns organization ${organizationId}. The API cannot revoke a folder right, and an owner cannot leave ` +
        "the organization (the only way rights are dropped), so it stays: take it away in the web interface, then remove this resource from the stack " +
        "with `pulumi state delete <urn>`.",
    );
  }
  const others = member.folders.filter((f) => f.folderId !== folderId);
  const incomplete = others.filter((f) => f.canViewDvr === undefined || f.canUsePtz === undefined || f.canUseActions === undefined || f.dvrDepthLimit === undefined);
  if (incomplete.length > 0) {
    throw new Error(
      `VSAAS.IO folder access ${id}: revoking it means taking the user out of the organization and back in with their other folder rights, but the ` +
        `Watcher's list does not show those in full (folder ${incomplete.map((f) => f.folderId).join(", ")}), so nothing was changed. Take the right away in the web interface, then \`pulumi refresh\`.`,
    );
  }
  const flags = {
    can_edit_organization_cameras: member.can_edit_organization_cameras ?? false,
    can_edit_organization_users: member.can_edit_organization_users ?? false,
    can_view_organization_stats: member.can_view_organization_stats ?? false,
  };
  const on = Object.fromEntries(Object.entries(flags).filter(([, v]) => v));
  await client.removeMember(organizationId, userId);
  const stage = (what: string, error: unknown) =>
    new Error(
      `VSAAS.IO folder access ${id}: to revoke it the user left organization ${organizationId}, but ${what} failed (${describeError(error)}). ` +
        `User ${userId} is now ${what.startsWith("joining") ? "not a member of the organization" : "a member without some of their other folder rights"}; run \`pulumi up --refresh\`, ` +
        "which puts back what the stack manages (the VsaasOrganizationUser and the other VsaasFolderAccess).",
      { cause: error },
    );
  try {
    await rejoin(client, organizationId, userId, on);
  } catch (error) {
    throw stage("joining it again", error);
  }
  for (const f of others) {
    try {
      await client.grantFolder(organizationId, f.folderId!, userId, {
        can_view_dvr: f.canViewDvr!,
        can_use_ptz: f.canUsePtz!,
        can_use_actions: f.canUseActions!,
        dvr_depth_limit: f.dvrDepthLimit ?? null,
      });
    } catch (error) {
      throw stage(`granting folder ${f.folderId} again`, error);
    }
  }
  const after = (await client.listMembers(organizationId))?.find((m) => m.user_id === userId);
  const kept = after?.folders.map((f) => f.folderId) ?? [];
  if (!after || kept.includes(folderId) || others.some((f) => !kept.includes(f.folderId))) {
    throw new Error(
      `VSAAS.IO folder access ${id}: after taking user ${userId} out of organization ${organizationId} and back in, the Watcher lists folder rights ` +
        `[${kept.join(", ")}] (expected [${others.map((f) => f.folderId).join(", ")}]); it does not drop folder rights when a user leaves. Take the right away in the web interface.`,
    );
  }
}

/** Every folder right of every member of every organization but the default one: one list of organizations, one member list each. */
async function* discoverFolderAccess(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = WatcherClient.fromConfig();
  const organizations = (await sharedRead(options, "vsaas:watcher-organizations", () => client.listOrganizations())).filter((o) => o.is_default !== true).sort((a, b) => a.id - b.id);
  let found = 0;
  options.onProgress?.(found);
  for (const o of organizations) {
    if (options.subscriberPrefix !== undefined && !o.title.startsWith(options.subscriberPrefix)) continue;
    const members = (await sharedRead(options, `vsaas:members:${o.id}`, () => client.listMembers(o.id))) ?? [];
    options.onProgress?.(found);
    for (const m of members) {
      for (const f of m.folders) {
        if (f.folderId === undefined) continue;
        if (options.limit !== undefined && found >= options.limit) return;
        found++;
        const membershipId = `${o.id}/${m.user_id}`;
        const inputs: Record<string, unknown> = { membershipId, folderId: f.folderId, canViewDvr: f.canViewDvr ?? false, canUsePtz: f.canUsePtz ?? false, canUseActions: f.canUseActions ?? false };
        if (f.dvrDepthLimit !== undefined && f.dvrDepthLimit !== null) inputs["dvrDepthLimit"] = f.dvrDepthLimit;
        yield { id: `${o.id}/${f.folderId}/${m.user_id}`, inputs, refs: { membershipId: { token: "vsaas:OrganizationUser", id: membershipId } }, subscriber: o.title, name: `${o.id}-${f.folderId}-${m.user_id}` };
      }
    }
  }
}
