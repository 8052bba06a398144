import { z } from "zod";
import { VendorApiError } from "../core/errors";
import { withKeyLock } from "../core/key-lock";
import { registerSecret } from "../core/redact";
import { defineResource, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, type CheckFailure } from "../core/schema";
import { encodeWireFields } from "../core/wire";
import { ForpostClient, type ForpostCameraRecord } from "./client";
import { catalogueId, createOnce, deleteTolerant, eachAccount, forpostId, listOrNone, pick, port, resourceName, subscriberOf } from "./common";

type Meta = { writeOnly?: true };
const wo: Meta = { writeOnly: true };
const text = (wire: string, doc: string, meta: Meta = {}) => input(field.text({ max: 255 }).optional(), { onChange: "update", wire, doc, ...meta });
const flag = (wire: string, doc: string, meta: Meta = {}) => input(field.bool().optional(), { onChange: "update", wire, doc, ...meta });
const count = (wire: string, doc: string, meta: Meta = {}) => input(field.nonNegativeInt().optional(), { onChange: "update", wire, doc, ...meta });
const ref = (wire: string, doc: string) => input(catalogueId().optional(), { onChange: "update", wire, doc, writeOnly: true });
const CREATE_ONLY = "Required to create a camera (not to import or adopt one).";

const inputs = z.object({
  accountId: input(forpostId("account"), {
    onChange: "replace",
    wire: "AccountID",
    doc: "The Forpost account the camera belongs to: a ForpostAccount's `id`. A new account replaces the camera (moving cameras between accounts is not documented).",
  }),
  name: input(field.text({ min: 1, max: 255 }), {
    onChange: "update",
    wire: "Name",
    doc: "What the subscriber's users see the camera as. Kept unique within the account by this resource (Forpost does not): it is how a camera whose AddCamera answer was lost is found again.",
  }),
  masterId: input(catalogueId().optional(), {
    onChange: "replace",
    wire: "MasterID",
    writeOnly: true,
    doc: `The cluster (GetMasters, \`forpost.getMasters\`) the camera's video goes to. A new cluster replaces the camera (moving a camera between clusters is not documented). ${CREATE_ONLY}`,
  }),
  login: text("Login", `User name for the camera, as set up in its web interface. ${CREATE_ONLY}`, wo),
  password: input(field.text({ max: 255 }).optional(), {
    onChange: "update",
    wire: "Password",
    secret: true,
    writeOnly: true,
    doc: "Password for the camera, as set up in its web interface.",
  }),
  ipOrDomain: text("IPOrDomain", `IP address or domain name (DDNS included) Forpost connects to. ${CREATE_ONLY}`, wo),
  port: input(port().optional(), { onChange: "update", wire: "Port", writeOnly: true, doc: `Network port Forpost connects to. ${CREATE_ONLY}` }),
  httpPort: input(port().optional(), {
    onChange: "update",
    wire: "HTTPPort",
    writeOnly: true,
    doc: "Port of the camera's web interface, used to set up its built-in motion detector. Forpost's default: 80.",
  }),
  cameraModelId: ref("CameraModelID", "The camera model (`forpost.getCameraModels`). With it, and with the reachability check on, Forpost works out protocol and stream path itself."),
  protocol: text("Protocol", "Stream protocol id (`forpost.getProtocols`, e.g. `rtsp`). Required unless Forpost can detect it: see cameraModelId.", wo),
  streamPath: text("MJPEG", "Path of the camera's stream, e.g. `/play.sdp` (Forpost's MJPEG parameter). Required unless Forpost can detect it: see cameraModelId.", wo),
  rtspTransport: text("RtspTransport", "Transport of an RTSP stream (`forpost.getRtspTransports`, e.g. `tcp`).", wo),
  ptzTypeId: ref("PTZTypeID", "How Forpost steers the camera's pan/tilt/zoom (`forpost.getPtzTypes`)."),
  recordTypeId: count("RecordType", "How the archive is recorded (`forpost.getRecordTypes`); 0 (Forpost's default): no recording."),
  isSound: flag("IsSound", "Play and record sound. Forpost's default: no."),
  isActive: flag("IsActive", "The camera works: it records and users can watch it. Forpost's default: yes."),
  maxBandwidth: count("MaxBandwidth", "Bit rate limit in kbit/s; above it Forpost e-mails the service administrator. Forpost's default: no limit."),
  quota: count("Quota", "Seconds the camera's archive is kept. Forpost's default: the account's quota (which refresh then shows)."),
  address: text("Address", "Where the camera is.", wo),
  accountObjectId: ref("AccountObjectID", "The account object (site) the camera is at (GetObjects)."),
  channel: count("Channel", "Channel number on a video recorder.", wo),
  mac: input(
    z
      .string({ error: "must be a string" })
      .regex(/^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/, { error: "must be a MAC address like 00:1A:2B:3C:4D:5E" })
      .optional(),
    { onChange: "update", wire: "MAC", writeOnly: true, doc: "MAC address, for cameras that connect themselves (Plug&Play)." },
  ),
  lightCameraBufferEnabled: flag("LightCameraBufferEnabled", "Buffer the camera's second stream.", wo),
  motionNotifications: flag("SecretKey", "Receive motion notifications from the camera (Forpost's SecretKey parameter). Forpost's default: no.", wo),
  syncCamera: input(field.bool().optional(), {
    onChange: "ignore",
    wire: "SyncCamera",
    doc: "Let Forpost configure the camera remotely to match its settings (bit rate and the like). Sent with every AddCamera and EditCamera; Forpost's default: yes.",
  }),
  skipReachabilityCheck: input(field.bool().default(true), {
    onChange: "ignore",
    wire: "SkipCameraCheck",
    doc:
      "Add (and change) the camera without Forpost first connecting to it. By default Forpost is told to skip the check, so `pulumi up` does not depend on the camera being online; set false to have a camera Forpost cannot reach refused (and to let Forpost detect protocol and stream path from cameraModelId).",
  }),
});

const outputs = z.object({
  cameraId: output(z.number(), "The Forpost camera ID (the resource id, as a number)."),
  groupIds: output(z.array(z.number()), "Camera groups of the account the camera is in (made in the Forpost portal)."),
  motionDetectorError: output(z.string().optional(), "What AddCamera reported about setting up the camera's motion detector (CameraMotionDetectorError), if anything; not read back later."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
/** What GetCameras answers (besides ID and Groups); every other input is write-only. */
const READABLE = ["name", "isActive", "isSound", "recordTypeId", "maxBandwidth", "quota"] as const;
const BEHAVIOUR = ["syncCamera", "skipReachabilityCheck"];
/** What AddCamera / EditCamera send as fields (AccountID goes in front; the flags are added per call). */
const FIELDS = Object.keys(inputs.shape).filter((k) => k !== "accountId" && !BEHAVIOUR.includes(k));
const WRITE_ONLY = FIELDS.filter((k) => !(READABLE as readonly string[]).includes(k));

/** A camera (or recorder channel) of a Forpost subscriber. */
export const forpostCamera = defineResource({
  token: "forpost:Camera",
  description:
    "A camera (or a video recorder's channel) connected to Forpost for a subscriber's account. A new accountId or masterId replaces it; everything else updates in place. Forpost reads back only name, state, sound, recording, bit rate limit and quota; connection settings are write-only.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the Forpost camera ID, digits, e.g. `7001`",
  // A replacement keeps the name, which must be unique in the account (the natural key below):
  // the new camera cannot be created while the old one still holds it, so the old one goes first.
  deleteBeforeReplace: true,
  // Forpost has no unique key for cameras. Account + name is made one: creates refuse a name the
  // account already has, and a camera whose AddCamera answer was lost is found by it.
  naturalKey: {
    fields: ["accountId", "name"],
    unique: true,
    find: async (i) => {
      const client = ForpostClient.fromConfig();
      const cameras = await listOrNone(() => client.camerasOf(Number(i.accountId), { fresh: true }));
      return cameras.filter((c) => c.Name === i.name).map((c) => ({ id: String(c.ID), label: c.Name }));
    },
  },
  crossCheck: (i, known, olds, { importing, adopting }) => {
    if (Object.keys(olds).length > 0 || importing || adopting) return [];
    return creationProblems(i, known);
  },
  discover: (options) => discoverCameras(options),
  handlers: {
    async create(i, progress, context) {
      const missing = creationProblems(i, () => true);
      if (missing.length > 0) {
        throw new Error(`forpost:Camera ${JSON.stringify(i.name)}: cannot create it: ${missing.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
      }
      registerSecret(i.password);
      const client = ForpostClient.fromConfig();
      const accountId = Number(i.accountId);
      const params = [...encodeWireFields(inputs, i, FIELDS), ...behaviour(i)];
      let added: { id: number; motionDetectorError?: string };
      try {
        const made = await createOnce(
          async () => {
            const answer = await client.addCamera(accountId, params);
            added = answer;
            return answer.id;
          },
          context,
          `the camera named ${JSON.stringify(i.name)} in account ${accountId}`,
        );
        added = made.recovered ? { id: made.id } : { ...added!, id: made.id };
      } catch (error) {
        throw explainRefusal(error, i);
      }
      const detector = added.motionDetectorError === undefined ? {} : { motionDetectorError: added.motionDetectorError };
      progress.created(String(added.id), { ...pick(i, Object.keys(inputs.shape)), cameraId: added.id, groupIds: [], ...detector });
      const found = await client.loadCamera(added.id, accountId);
      if (!found) throw new Error(`Forpost camera ${added.id} disappeared right after it was created; run \`pulumi refresh\``);
      return { id: String(added.id), outs: toOutputs(found.record, { ...i, ...detector }, i.accountId) };
    },

    async read(id, olds, declared) {
      // GetCameras does not name a camera's account; the account the state (or an import) names
      // is asked whether it lists the camera.
      const hint = olds.accountId ?? declared?.accountId;
      const found = await ForpostClient.fromConfig().loadCamera(Number(id), hint === undefined ? undefined : Number(hint));
      if (!found) return undefined;
      // A camera that its account no longer lists was deleted or moved to another account in the
      // portal: for this stack it is gone (a neighbour's camera now, never deleted or changed by us).
      if (olds.accountId !== undefined && !found.inAccount) return undefined;
      return toOutputs(found.record, olds, found.inAccount ? hint : undefined);
    },

    async update(id, olds, news, changed) {
      if (changed.includes("accountId") || changed.includes("masterId")) throw new Error(`forpost:Camera ${id}: accountId and masterId can only change by replacing the camera`);
      const client = ForpostClient.fromConfig();
      const accountId = Number(olds.accountId ?? news.accountId);
      const edited = changed.filter((k) => FIELDS.includes(k));
      registerSecret(news.password);
      const apply = async () => {
        if (edited.length === 0) return;
        try {
          await client.editCamera(Number(id), accountId, [...encodeWireFields(inputs, news, edited), ...behaviour(news)]);
        } catch (error) {
          throw explainRefusal(error, news);
        }
      };
      // A new name must stay unique in the account (the natural key): checked under the key's lock.
      if (edited.includes("name")) {
        await withKeyLock(`forpost:Camera:${JSON.stringify({ accountId: news.accountId, name: news.name })}`, async () => {
          const taken = (await client.camerasOf(accountId)).filter((c) => c.Name === news.name && c.ID !== Number(id));
          if (taken.length > 0) {
            throw new Error(
              `forpost:Camera ${id}: account ${accountId} already has camera ${taken.map((c) => c.ID).join(", ")} named ${JSON.stringify(news.name)}; ` +
                `camera names are kept unique per account (it is how a camera is found again). Choose another name.`,
            );
          }
          await apply();
        });
      } else await apply();
      const found = await client.loadCamera(Number(id), accountId);
      if (!found?.inAccount) throw new Error(`Forpost camera ${id} is no longer in account ${accountId}; run \`pulumi refresh\``);
      return toOutputs(found.record, { ...olds, ...pick(news, changed) }, String(accountId));
    },

    async delete(id, olds) {
      const client = ForpostClient.fromConfig();
      const accountId = Number(olds.accountId);
      await deleteTolerant(
        () => client.deleteCamera(Number(id), accountId),
        async () => (await client.getCameras({ id: Number(id) })).some((c) => c.ID === Number(id)),
      );
    },
  },
});

/** What AddCamera needs that only a create needs (write-only, so not required of an import). */
function creationProblems(i: Partial<Inputs>, known: (key: keyof Inputs & string) => boolean): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of ["masterId", "login", "ipOrDomain", "port"] as const) {
    if (i[key] === undefined || i[key] === "") failures.push({ property: key, reason: "is required to create a camera (AddCamera needs it)" });
  }
  // Without a model, or when Forpost is told not to contact the camera, it cannot work out the
  // stream itself: "if CameraModelID is not given or the service cannot check the camera, the
  // parameters below must be given".
  if (known("cameraModelId") && known("skipReachabilityCheck")) {
    const detectable = i.cameraModelId !== undefined && i.skipReachabilityCheck === false;
    for (const key of ["protocol", "streamPath"] as const) {
      if (!detectable && (i[key] === undefined || i[key] === "")) {
        failures.push({
          property: key,
          reason:
            i.cameraModelId === undefined
              ? "is required without cameraModelId (Forpost cannot detect it)"
              : "is required while skipReachabilityCheck is true: Forpost detects it from cameraModelId only by connecting to the camera",
        });
      }
    }
  }
  return failures;
}

/** The behaviour flags that go with every AddCamera/EditCamera. */
function behaviour(i: Partial<Inputs>): Array<[string, string]> {
  const out: Array<[string, string]> = [["SkipCameraCheck", i.skipReachabilityCheck === false ? "0" : "1"]];
  if (i.syncCamera !== undefined) out.push(["SyncCamera", i.syncCamera ? "1" : "0"]);
  return out;
}

function explainRefusal(error: unknown, i: Partial<Inputs>): unknown {
  if (!(error instanceof VendorApiError) || error.code !== "2" || i.skipReachabilityCheck !== false) return error;
  return new VendorApiError(
    `${error.message}. skipReachabilityCheck is false, so Forpost refuses a camera it cannot connect to: check ipOrDomain, port, login and password, ` +
      `that the camera is online and reachable from Forpost, or set skipReachabilityCheck to true (the default) to add it anyway.`,
    { vendor: "forpost", operation: error.operation, code: error.code, httpStatus: error.httpStatus, cause: error },
  );
}

/** The camera as outputs: what GetCameras answers, and the write-only inputs as last applied. */
function toOutputs(record: ForpostCameraRecord, known: Partial<Outputs>, accountId: string | undefined): Outputs {
  return {
    ...(pick(known, [...WRITE_ONLY, ...BEHAVIOUR, "motionDetectorError"]) as Partial<Outputs>),
    ...(accountId === undefined ? {} : { accountId }),
    name: record.Name,
    isActive: record.IsActive,
    isSound: record.IsSound,
    recordTypeId: record.RecordType ?? 0,
    ...(record.MaxBandwidth === undefined ? {} : { maxBandwidth: record.MaxBandwidth }),
    ...(record.Quota === undefined ? {} : { quota: record.Quota }),
    cameraId: record.ID,
    groupIds: record.Groups,
  };
}

async function* discoverCameras(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = ForpostClient.fromConfig();
  for await (const { account, item: camera } of eachAccount(client, options, (a) => client.camerasOf(a.ID))) {
    const found: Record<string, unknown> = { accountId: String(account.ID), name: camera.Name, isActive: camera.IsActive, isSound: camera.IsSound, recordTypeId: camera.RecordType ?? 0 };
    if (camera.MaxBandwidth !== undefined && camera.MaxBandwidth !== 0) found["maxBandwidth"] = camera.MaxBandwidth;
    // A quota equal to the account's is most likely inherited: declaring it would pin it.
    const accountQuota = account.Quota === null || account.Quota === undefined || account.Quota === "" ? undefined : Number(account.Quota);
    if (camera.Quota !== undefined && camera.Quota !== accountQuota) found["quota"] = camera.Quota;
    yield {
      id: String(camera.ID),
      inputs: found,
      refs: { accountId: { token: "forpost:Account", id: String(account.ID) } },
      subscriber: subscriberOf(account),
      name: resourceName(subscriberOf(account), "camera", camera.ID),
    };
  }
}
