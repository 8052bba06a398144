import { z } from "zod";
import { CreateOutcomeUnknownError } from "../core/adoption";
import { describeError, VendorApiError } from "../core/errors";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, type CheckFailure } from "../core/schema";
import { ForpostClient, type ForpostAccessRights, type ForpostAccessRow } from "./client";
import { eachAccount, forpostId, subscriberOf } from "./common";

const right = (doc: string) => input(field.bool(), { onChange: "update", doc });
/** Rights Forpost gives a default: always sent (a call sets the whole row), so always managed. */
const rightWithDefault = (doc: string, dflt: boolean) => input(field.bool().default(dflt), { onChange: "update", doc });

const inputs = z.object({
  userId: input(forpostId("user"), { onChange: "replace", doc: "The user (a ForpostUser's `id`), normally a read-only one (isReadOnly: true)." }),
  cameraId: input(forpostId("camera"), { onChange: "replace", doc: "The camera (a ForpostCamera's `id`); it must be in the user's account." }),
  review: right("Watch the camera live."),
  viewArchive: right("Watch the camera's archive."),
  admin: rightWithDefault("Change the camera's settings. Forpost requires a value; this resource sends false unless set.", false),
  ptz: rightWithDefault("Steer the camera's pan/tilt/zoom. Forpost's default: no.", false),
  download: rightWithDefault("Download the camera's archive. Forpost's default: yes.", true),
  snapshot: rightWithDefault("View snapshots from the archive. Forpost's default: no.", false),
});

const outputs = z.object({
  granted: output(z.array(z.string()), "The rights Forpost lists as granted, by input name (e.g. `[\"review\", \"viewArchive\"]`)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
const RIGHTS = ["review", "viewArchive", "admin", "ptz", "download", "snapshot"] as const;
const NONE: ForpostAccessRights = { review: false, viewArchive: false, admin: false, ptz: false, download: false, snapshot: false };

/**
 * One user's rights on one camera. Forpost keeps rights as a row per user and camera that can
 * only be set, never removed: "no access" is a row with every right 0, or no row at all (the
 * document does not say which it keeps). Both read as "this object does not exist", and a row
 * with every right false cannot be declared — delete the resource instead.
 */
export const forpostUserCameraAccess = defineResource({
  token: "forpost:UserCameraAccess",
  description:
    "What a Forpost user may do with one camera of its account: watch live, watch the archive, change settings, steer PTZ, download, view snapshots. The id is `<userId>/<cameraId>`; a new user or camera replaces it; the rights update in place; deleting it revokes them all.",
  inputs,
  outputs,
  idPattern: /^\d+\/\d+$/,
  idDoc: "`<user ID>/<camera ID>`, e.g. `5002/7001`",
  naturalKey: {
    fields: ["userId", "cameraId"],
    unique: true,
    find: async (i) => {
      const rows = await ForpostClient.fromConfig().rightsOf(Number(i.userId), { fresh: true });
      return rows.some((r) => r.CameraID === Number(i.cameraId) && grantsAny(r)) ? [`${i.userId}/${i.cameraId}`] : [];
    },
  },
  crossCheck: (i, known) => {
    const failures: CheckFailure[] = [];
    if (RIGHTS.every((r) => known(r)) && RIGHTS.every((r) => i[r] === false)) {
      failures.push({ property: "review", reason: "every right is false, which Forpost cannot tell from no access at all: grant at least one right, or delete this resource to revoke access" });
    }
    return failures;
  },
  discover: (options) => discoverAccess(options),
  handlers: {
    async create(i, progress, context) {
      const client = ForpostClient.fromConfig();
      const id = `${i.userId}/${i.cameraId}`;
      try {
        // A set, not an add: repeating it after a lost answer is harmless (the transport does).
        await client.updateUserCameraAccessRights(Number(i.userId), Number(i.cameraId), rightsOf(i));
      } catch (error) {
        if (!(error instanceof VendorApiError && error.outcomeUnknown)) throw explain(error, i);
        let found: string[];
        try {
          found = await context.findNew();
        } catch (lookupError) {
          throw new CreateOutcomeUnknownError(`${error.message}; reading the user's rights failed too (${describeError(lookupError)})`, { cause: error });
        }
        if (found.length === 0) throw error;
      }
      progress.created(id, { ...i, granted: RIGHTS.filter((r) => i[r]) });
      const outs = await readAccess(client, i.userId, i.cameraId);
      if (!outs) throw new Error(`Forpost does not list user ${i.userId}'s rights on camera ${i.cameraId} right after setting them; run \`pulumi refresh\``);
      return { id, outs };
    },

    read: (id) => {
      const [userId, cameraId] = id.split("/") as [string, string];
      return readAccess(ForpostClient.fromConfig(), userId, cameraId);
    },

    async update(id, _olds, news) {
      const client = ForpostClient.fromConfig();
      // UpdateUserCameraAccessRights sets a whole row, so all six rights are sent every time.
      try {
        await client.updateUserCameraAccessRights(Number(news.userId), Number(news.cameraId), rightsOf(news));
      } catch (error) {
        throw explain(error, news);
      }
      const outs = await readAccess(client, news.userId, news.cameraId);
      if (!outs) throw new Error(`Forpost no longer lists the rights ${id} after setting them; run \`pulumi refresh\``);
      return outs;
    },

    async delete(id) {
      const [userId, cameraId] = id.split("/").map(Number) as [number, number];
      const client = ForpostClient.fromConfig();
      try {
        await client.updateUserCameraAccessRights(userId, cameraId, NONE);
      } catch (error) {
        // The user or the camera may be gone already, and the rights with them.
        if (!(error instanceof VendorApiError) || error.outcomeUnknown) throw error;
        const rows = await client.getUserCameraAccessRights(userId);
        if (rows.some((r) => r.CameraID === cameraId && grantsAny(r))) throw error;
      }
    },
  },
});

function rightsOf(i: Partial<Inputs>): ForpostAccessRights {
  return { review: i.review ?? false, viewArchive: i.viewArchive ?? false, admin: i.admin ?? false, ptz: i.ptz ?? false, download: i.download ?? true, snapshot: i.snapshot ?? false };
}

function grantsAny(row: ForpostAccessRow): boolean {
  return row.Review || row.ViewArchive || row.Admin || row.PTZ || row.Download || row.Snapshot;
}

function toOutputs(userId: string, row: ForpostAccessRow): Outputs {
  const rights = { review: row.Review, viewArchive: row.ViewArchive, admin: row.Admin, ptz: row.PTZ, download: row.Download, snapshot: row.Snapshot };
  return { userId, cameraId: String(row.CameraID), ...rights, granted: RIGHTS.filter((r) => rights[r]) };
}

/** The rights as Forpost lists them; undefined when there is no row, or a row that grants nothing. */
async function readAccess(client: ForpostClient, userId: string, cameraId: string): Promise<Outputs | undefined> {
  const row = (await client.rightsOf(Number(userId))).find((r) => r.CameraID === Number(cameraId));
  return row && grantsAny(row) ? toOutputs(userId, row) : undefined;
}

function explain(error: unknown, i: Partial<Inputs>): unknown {
  if (!(error instanceof VendorApiError) || error.code !== "2") return error;
  return new VendorApiError(
    `${error.message}. Check that user ${i.userId} and camera ${i.cameraId} exist and that the camera is in the user's account.`,
    { vendor: "forpost", operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error },
  );
}

async function* discoverAccess(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = ForpostClient.fromConfig();
  const perAccount = async (accountId: number) => {
    const users = await sharedRead(options, `forpost:users:${accountId}`, () => client.usersOf(accountId));
    const rows = await Promise.all(users.map(async (u) => ({ user: u, rows: await client.rightsOf(u.ID) })));
    return rows.flatMap(({ user, rows: list }) => list.filter(grantsAny).map((row) => ({ user, row })));
  };
  for await (const { account, item } of eachAccount(client, options, (a) => perAccount(a.ID))) {
    const userId = String(item.user.ID);
    const { userId: _u, cameraId, granted: _g, ...rights } = toOutputs(userId, item.row);
    yield {
      id: `${userId}/${cameraId}`,
      inputs: { userId, cameraId, ...rights },
      refs: { userId: { token: "forpost:User", id: userId }, cameraId: { token: "forpost:Camera", id: cameraId! } },
      subscriber: subscriberOf(account),
      name: `${item.user.Login}-camera-${cameraId}`.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    };
  }
}
