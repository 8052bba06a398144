import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output } from "../core/schema";
import { HikConnectClient, type CameraView } from "./client";
import { RESOURCE_GONE_CODES, RESOURCE_TAKEN_CODES, TREE_LIMITS } from "./codes";
import { everyCamera, filtered, matchingUnderArea, siteIndex } from "./discover";

const inputs = z.object({
  areaId: input(field.text({ min: 1, max: 32 }), {
    onChange: "replace",
    doc: "The area the camera goes into: a HikArea's id (or an area found with `hikconnect.getAreas`). Another area replaces the camera (removed from the old area first).",
  }),
  channelId: input(field.text({ min: 1, max: 32 }), {
    onChange: "replace",
    doc: "The device's camera channel: an id from `HikDevice.cameraChannels` (e.g. `camera.cameraChannels[0].id`). A channel can be in one area only.",
  }),
  name: input(field.text({ min: 1, max: 64 }), {
    onChange: "replace",
    doc: "The camera's name in the area (≤ 64 characters). Hik-Connect cannot rename it: a new name removes the camera and adds it again (a new camera id).",
  }),
});

const outputs = z.object({
  cameraId: output(z.string(), "The camera's ID in Hik-Connect (the logical resource; also the resource id): what live view, recording and alarm APIs take."),
  deviceId: output(z.string(), "The device the channel belongs to."),
  deviceSerialNo: output(z.string(), "That device's serial number."),
  channelNo: output(z.number(), "The channel's number on the device."),
  online: output(z.boolean(), "Whether the camera was online at the last create or refresh."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

/** A device's camera channel imported into an area: the camera as live view, recording and alarms know it. */
export const hikAreaCamera = defineResource({
  token: "hikconnect:AreaCamera",
  description:
    "A device's camera channel imported into an area of Hik-Connect for Teams (OpenAPI 2.13.0, areas/resources/add): the logical camera that live view, recording and alarm rules refer to. Nothing updates in place (the API has no update): a new area, channel or name removes the camera from its area and adds it again.",
  inputs,
  outputs,
  // One channel is one logical camera: the old one must go before the channel is added again.
  deleteBeforeReplace: true,
  idPattern: /^[0-9A-Za-z_-]{1,64}$/,
  idDoc: "the Hik-Connect camera ID (`cameraId`, the logical resource's 32 hexadecimal characters — not the channel id)",
  // A channel that is already a camera is refused with OPEN000511 — definitely — so a create does
  // not look first; adoption and lost answers look the area's cameras up by channel.
  naturalKey: {
    fields: ["areaId", "channelId"],
    unique: true,
    checkBeforeCreate: false,
    find: async (i) => (await camerasWithKey(HikConnectClient.fromConfig(), i.areaId!, i.channelId!)).map((c) => ({ id: c.id, label: c.name })),
  },
  discover: discoverCameras,
  handlers: {
    async create(i, progress, context) {
      const client = HikConnectClient.fromConfig();
      const id = await addCameraOnce(client, i, context);
      progress.created(id, { ...i, cameraId: id });
      const now = await client.cameras.loadDirect(id);
      if (!now) throw new Error(`Hik-Connect camera ${JSON.stringify(i.name)} (${id}) disappeared right after it was added; run \`pulumi refresh\``);
      return { id, outs: outputsOf(id, now) };
    },

    async read(id) {
      // Many cameras' reads arrive together (refresh): an areas/cameras/get page answers 500 of them.
      const now = await HikConnectClient.fromConfig().cameras.load(id);
      return now && outputsOf(id, now);
    },

    // Every input replaces: an update has nothing to send. (A create that failed before its
    // read-back is finished here: the engine calls Update on the next up.)
    async update(id, olds) {
      if (olds.deviceId !== undefined) return olds;
      const now = await HikConnectClient.fromConfig().cameras.loadDirect(id);
      if (!now) throw new Error(`Hik-Connect camera ${id} is gone; run \`pulumi refresh\``);
      return outputsOf(id, now);
    },

    async delete(id) {
      const client = HikConnectClient.fromConfig();
      try {
        await client.deleteAreaResources([id]);
      } catch (error) {
        if (!(error instanceof VendorApiError) || error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        // "Does not exist" (OPEN000503, VMS000003) — a retried delete, or removed with its device or
        // area — or another refusal: done if the camera is no longer there.
        if (!(await client.cameras.loadDirect(id))) return;
        throw error;
      }
    },
  },
});

/**
 * The cameras of an area made from this channel, exactly (areas/cameras/get of the area, 500 a
 * page). An area that does not exist (OPEN000031) has none.
 */
export function camerasWithKey(client: HikConnectClient, areaId: string, channelId: string): Promise<CameraView[]> {
  return matchingUnderArea(
    (i, n) => client.listCameras(i, n, { areaId, includeSubAreas: false }),
    (c) => c.areaId === areaId && c.channelId === channelId,
  );
}

/**
 * areas/resources/add for one channel, never blindly repeated: after a lost answer (any attempt)
 * the area's cameras are looked up by channel; found → this create's. "Resource already exists"
 * (OPEN000511) after a lost add of ours is that add's camera; otherwise the channel is already a
 * camera somewhere, and the error says where. The per-item result inside a successful answer is
 * read like a top-level error.
 */
async function addCameraOnce(client: HikConnectClient, i: Inputs, context: CreateContext): Promise<string> {
  let lost: VendorApiError | undefined;
  const ours = async (cause: VendorApiError): Promise<string | undefined> => {
    let found: string[];
    try {
      found = await context.findNew();
    } catch (lookupError) {
      throw new CreateOutcomeUnknownError(`${cause.message}; looking channel ${i.channelId} up in area ${i.areaId} failed too (${describeError(lookupError)})`, { cause });
    }
    return found[0];
  };
  for (let attempt = 1; ; attempt++) {
    let code: string;
    let failure: VendorApiError;
    try {
      const [result] = await client.addAreaResources(i.areaId, [{ name: i.name, type: "camera", channelId: i.channelId }]);
      if (result?.errorCode === "0" && result.id) return result.id;
      code = result?.errorCode ?? "";
      failure = new VendorApiError(`Hik-Connect areas/resources/add did not add channel ${i.channelId}${code ? ` (${code})` : " and named no reason"}`, {
        vendor: "hikconnect",
        operation: "areas/resources/add",
        ...(code ? { code } : {}),
      });
      if (code === "0" || code === "") {
        // Added (or said nothing), but no id: the area's cameras tell.
        const id = await ours(failure);
        if (id) return id;
        throw failure;
      }
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      failure = error;
      code = error.code ?? "";
      if (!error.code && error.outcomeUnknown) {
        lost = error;
        const id = await ours(error);
        if (id) return id;
        if (mayStillBeRunning(error)) throw new CreateOutcomeUnknownError(`${error.message}; the camera does not show yet, but the lost areas/resources/add may still be running`, { cause: error });
        if (attempt >= 3) throw error;
        continue;
      }
      if (!error.code) throw error;
    }
    if (RESOURCE_TAKEN_CODES.includes(code)) {
      if (lost) {
        const id = await ours(failure);
        if (id) return id;
        throw new CreateOutcomeUnknownError(`${failure.message}; an earlier add of this create lost its answer and the camera does not show yet`, { cause: failure });
      }
      throw await channelTaken(client, i, failure);
    }
    if (RESOURCE_GONE_CODES.includes(code)) {
      throw new VendorApiError(
        `Hik-Connect has no camera channel ${i.channelId} (${code}): channelId must be an id from a HikDevice's cameraChannels (the device's channels, not a camera id)`,
        { vendor: "hikconnect", operation: "areas/resources/add", code },
      );
    }
    if (TREE_LIMITS[code]) throw new VendorApiError(`Hik-Connect could not add channel ${i.channelId} to area ${i.areaId}: ${TREE_LIMITS[code]}`, { vendor: "hikconnect", operation: "areas/resources/add", code });
    throw failure;
  }
}

/** The channel is a camera already (here or in another area): say where, and how to adopt it. */
async function channelTaken(client: HikConnectClient, i: Inputs, cause: VendorApiError): Promise<Error> {
  let where = "";
  try {
    const holder = (await everyCamera(client, () => undefined)).find((c) => c.channelId === i.channelId);
    if (holder) {
      where =
        holder.areaId === i.areaId
          ? ` It is camera ${holder.id} (${JSON.stringify(holder.name)}) in this area: to manage it with this program, add the resource option \`{ adoptExisting: true }\` (or \`{ import: "${holder.id}" }\`).`
          : ` It is camera ${holder.id} (${JSON.stringify(holder.name)}) in area ${holder.areaId} (${JSON.stringify(holder.areaName)}): a channel can be in one area only — remove it there, or import it with \`{ import: "${holder.id}" }\` and that areaId.`;
    }
  } catch {
    // A courtesy; the refusal is what matters.
  }
  return new VendorApiError(`Hik-Connect refused channel ${i.channelId}: it is already a camera (${cause.code}).${where}`, {
    vendor: "hikconnect",
    operation: "areas/resources/add",
    ...(cause.code ? { code: cause.code } : {}),
    cause,
  });
}

function outputsOf(id: string, now: CameraView): Outputs {
  return {
    areaId: now.areaId,
    channelId: now.channelId,
    name: now.name,
    cameraId: id,
    deviceId: now.deviceId,
    deviceSerialNo: now.deviceSerialNo,
    channelNo: now.channelNo,
    online: now.online,
  };
}

/** Every logical camera, from areas/cameras/get pages (500 a call); the area is a reference to a HikArea. */
async function* discoverCameras(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = HikConnectClient.fromConfig();
  let found = 0;
  const onCall = () => options.onProgress?.(found);
  const { siteOf } = await sharedRead(options, "hikconnect:areas", () => siteIndex(client, onCall));
  const all = async function* (): AsyncGenerator<DiscoveredObject> {
    for (const c of await sharedRead(options, "hikconnect:cameras", () => everyCamera(client, onCall))) {
      found++;
      const subscriber = siteOf(c.areaId);
      yield {
        id: c.id,
        inputs: { areaId: c.areaId, channelId: c.channelId, name: c.name },
        refs: { areaId: { token: "hikconnect:Area", id: c.areaId } },
        ...(subscriber !== undefined ? { subscriber } : {}),
        name: c.name,
      };
    }
  };
  yield* filtered(options, all());
}
