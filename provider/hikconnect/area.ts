import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError } from "../core/errors";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output } from "../core/schema";
import { HikConnectClient, type AreaView } from "./client";
import { AREA_TAKEN_CODES, TREE_LIMITS } from "./codes";
import { everyPage, filtered, matchingUnderArea, siteIndex } from "./discover";

const ROOT = "-1";

const inputs = z.object({
  name: input(field.text({ min: 1, max: 64 }), {
    onChange: "replace",
    doc: "Area name (≤ 64 characters), unique under its parent. Hik-Connect cannot rename an area: a new name creates a new area (see onDestroy for the old one).",
  }),
  parentAreaId: input(field.text({ min: 1, max: 32 }).default(ROOT), {
    onChange: "replace",
    doc: 'The parent area: another HikArea\'s id, an area found with `hikconnect.getAreas`, or `"-1"` (the default) for the top of the tree. Hik-Connect cannot move an area: a new parent creates a new area.',
  }),
  onDestroy: input(z.enum(["fail", "retain"], { error: 'must be "fail" or "retain"' }).default("fail"), {
    onChange: "update",
    writeOnly: true,
    doc:
      'What `pulumi destroy` (or a replacement) does, since Hik-Connect\'s OpenAPI cannot delete an area: `"fail"` (default) stops with the area\'s name and id, to be removed in the Hik-Connect portal (then run it again: an area that is gone counts as deleted); `"retain"` leaves the area in Hik-Connect and drops it from the stack. A change is applied to the stack only (no call); run `pulumi up` before the destroy it is meant for.',
  }),
});

const outputs = z.object({
  areaId: output(z.string(), "The Hik-Connect area ID (also the resource id)."),
  areaPath: output(z.string().optional(), 'Where the area sits, from the top (`"Site->Entrance 1"`), as the platform shows it.'),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

/** An area (a site, a building, an entrance) in Hik-Connect for Teams' resource tree. */
export const hikArea = defineResource({
  token: "hikconnect:Area",
  description:
    "An area of the resource tree in Hik-Connect for Teams (OpenAPI 2.13.0): a subscriber's site, a building, an entrance; cameras are imported into areas (HikAreaCamera). The API can add areas but not rename, move or delete them: a new name or parent creates a new area, and `onDestroy` says what happens to the old one.",
  inputs,
  outputs,
  idPattern: /^[0-9A-Za-z_-]{1,64}$/,
  idDoc: "the Hik-Connect area ID (32 hexadecimal characters, e.g. `1d3797d6f5c84b4c9720f2d1453b3516`)",
  // Names are unique under a parent (OPEN000510 and its twins refuse a taken one). The key is
  // looked up before a create anyway: another stack or the portal may have an area of that name,
  // and only an area that was not there before may be taken as this create's after a lost answer.
  naturalKey: {
    fields: ["parentAreaId", "name"],
    unique: true,
    find: async (i) => (await areasWithKey(HikConnectClient.fromConfig(), i.parentAreaId ?? ROOT, i.name!)).map((a) => ({ id: a.id, label: a.areaPath ?? a.name })),
  },
  discover: discoverAreas,
  handlers: {
    async create(i, progress, context) {
      const client = HikConnectClient.fromConfig();
      const id = await addAreaOnce(client, i, context);
      progress.created(id, { ...i, areaId: id });
      const now = await client.areas.loadDirect(id);
      if (!now) throw new Error(`Hik-Connect area ${JSON.stringify(i.name)} (${id}) disappeared right after it was added; run \`pulumi refresh\``);
      return { id, outs: outputsOf(id, i, now) };
    },

    async read(id, olds) {
      // Many areas' reads arrive together (refresh): an areas/get page answers 500 of them.
      const now = await HikConnectClient.fromConfig().areas.load(id);
      return now && outputsOf(id, olds, now);
    },

    // Only onDestroy updates in place, and it lives in the stack alone: nothing to send. (A create
    // that failed before its read-back is finished here: the engine calls Update on the next up.)
    async update(id, olds, news) {
      if (olds.areaPath !== undefined) return { ...olds, onDestroy: news.onDestroy };
      const now = await HikConnectClient.fromConfig().areas.loadDirect(id);
      if (!now) throw new Error(`Hik-Connect area ${JSON.stringify(news.name)} (${id}) is gone; run \`pulumi refresh\``);
      return outputsOf(id, { ...olds, ...news }, now);
    },

    async delete(id, olds) {
      if (olds.onDestroy === "retain") return;
      const now = await HikConnectClient.fromConfig().areas.loadDirect(id);
      if (!now) return; // removed in the portal: done
      throw new Error(
        `Hik-Connect's OpenAPI (2.13.0) cannot delete areas, and this one is set to onDestroy: "fail". Area ` +
          `${JSON.stringify(now.areaPath ?? now.name)} (id ${id}) is still in Hik-Connect. Either delete it in the Hik-Connect for Teams ` +
          `portal (its cameras and sub-areas go with it) and run the command again — an area that is gone counts as deleted — or set ` +
          `\`onDestroy: "retain"\` on this HikArea and run \`pulumi up\` first, to leave the area in Hik-Connect and drop it from the stack.`,
      );
    },
  },
});

/**
 * The areas with this parent and name, exactly (areas/get with the parent's children, 500 a page).
 * A parent that does not exist (OPEN000031) has no children.
 */
export function areasWithKey(client: HikConnectClient, parentAreaId: string, name: string): Promise<AreaView[]> {
  return matchingUnderArea(
    (i, n) => client.listAreas(i, n, { parentAreaId, includeSubAreas: false }),
    (a) => a.parentAreaId === parentAreaId && a.name === name,
  );
}

/**
 * areas/add, never blindly repeated: after a lost answer (on any attempt) the area is looked up by
 * parent and name; found → it is this create's (the core looked the key up before, and only an
 * area that was not there then counts). A taken name after a lost add of ours is that add's area.
 * When the outcome cannot be told the create ends pending: the next `pulumi up` resolves it.
 */
async function addAreaOnce(client: HikConnectClient, i: Inputs, context: CreateContext): Promise<string> {
  let lost: VendorApiError | undefined;
  const ours = async (cause: VendorApiError): Promise<string | undefined> => {
    let found: string[];
    try {
      found = await context.findNew();
    } catch (lookupError) {
      throw new CreateOutcomeUnknownError(`${cause.message}; looking area ${JSON.stringify(i.name)} up failed too (${describeError(lookupError)})`, { cause });
    }
    if (found.length > 1) throw new Error(`Hik-Connect has ${found.length} areas named ${JSON.stringify(i.name)} under ${i.parentAreaId} (ids ${found.join(", ")})`);
    return found[0];
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.addArea(i.parentAreaId, i.name);
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      const code = error.code ?? "";
      if (AREA_TAKEN_CODES.includes(code)) {
        if (lost) {
          const id = await ours(error);
          if (id) return id;
          throw new CreateOutcomeUnknownError(`${error.message}; an earlier areas/add of this create lost its answer and the area does not show yet`, { cause: error });
        }
        throw await nameTaken(client, i, error);
      }
      if (TREE_LIMITS[code]) throw new VendorApiError(`Hik-Connect could not add area ${JSON.stringify(i.name)}: ${TREE_LIMITS[code]}`, { vendor: "hikconnect", operation: "areas/add", code });
      if (!error.outcomeUnknown) throw error;
      lost = error;
      const id = await ours(error);
      if (id) return id;
      if (mayStillBeRunning(error)) throw new CreateOutcomeUnknownError(`${error.message}; the area does not show yet, but the lost areas/add may still be running`, { cause: error });
      if (attempt >= 3) throw error;
    }
  }
}

/** A taken name the key look-up did not see: name the area that has it (areas may be unique across the platform). */
async function nameTaken(client: HikConnectClient, i: Inputs, cause: VendorApiError): Promise<Error> {
  let holders = "";
  try {
    const same: AreaView[] = [];
    for await (const page of everyPage((p, n) => client.listAreas(p, n), () => undefined)) same.push(...page.filter((a) => a.name === i.name));
    if (same.length > 0) holders = ` It is used by ${same.map((a) => `area ${a.id} (under ${a.parentAreaId === ROOT ? "the top level" : a.parentAreaId})`).join(", ")}: Hik-Connect seems to keep area names unique beyond one parent.`;
  } catch {
    // A courtesy; the refusal is what matters.
  }
  return new VendorApiError(
    `Hik-Connect refused area name ${JSON.stringify(i.name)} under ${i.parentAreaId} as taken (${cause.code}).${holders} Choose another name, or manage that area with \`{ import: "<areaId>" }\`.`,
    { vendor: "hikconnect", operation: "areas/add", ...(cause.code ? { code: cause.code } : {}), cause },
  );
}

function outputsOf(id: string, known: Partial<Outputs>, now: AreaView): Outputs {
  const areaPath = now.areaPath ?? known.areaPath;
  return {
    ...known,
    name: now.name,
    parentAreaId: now.parentAreaId,
    areaId: id,
    ...(areaPath !== undefined ? { areaPath } : {}),
  } as Outputs;
}

/** Every area, from areas/get pages (500 a call); the parent is a reference to another HikArea. */
async function* discoverAreas(options: DiscoverOptions): AsyncGenerator<DiscoveredObject> {
  const client = HikConnectClient.fromConfig();
  let found = 0;
  const { areas, siteOf } = await sharedRead(options, "hikconnect:areas", () => siteIndex(client, () => options.onProgress?.(found)));
  const all = async function* (): AsyncGenerator<DiscoveredObject> {
    for (const a of areas) {
      found++;
      const subscriber = siteOf(a.id);
      yield {
        id: a.id,
        inputs: { name: a.name, parentAreaId: a.parentAreaId },
        ...(a.parentAreaId !== ROOT ? { refs: { parentAreaId: { token: "hikconnect:Area", id: a.parentAreaId } } } : {}),
        ...(subscriber !== undefined ? { subscriber } : {}),
        name: a.name,
      };
    }
  };
  yield* filtered(options, all());
}

