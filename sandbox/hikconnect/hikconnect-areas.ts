import { AREA_EXISTS, HikError, OPEN, VMS, type AreaExistsCode } from "./hikconnect-answers";
import { clearResource, ROOT_AREA, type Area, type DeviceStore } from "./hikconnect-devices";
import { object, paging, text, type Body, type MethodContext } from "./hikconnect-methods";

/**
 * Areas and the logical resources in them (guide 5.2.2): areas/add, areas/get, areadetail/get,
 * areas/resources/add, areas/resources/delete, areas/cameras/get. The guide has no way to rename,
 * move or delete an area; the emulator has none either (admin routes do it "in the portal").
 */
export interface AreaContext extends MethodContext {
  /** Where area names must be unique: among siblings (default) or on the whole platform (undocumented). */
  areaNameScope: "siblings" | "platform";
  /** The code areas/add answers for a taken name. */
  areaExistsCode: AreaExistsCode;
}

/** Most ids one request may carry (the guide states none; its page size is assumed): OPEN000024 beyond. */
export const MAX_IDS_PER_REQUEST = 500;

const RESOURCE_TYPES = ["camera", "alarmInput", "alarmOutput"] as const;
/** CameraInfo.abilitySet as the guide's example shows it. */
const ABILITY_SET = "1,21,22,2002,2021,2022";

function areaOf(store: DeviceStore, id: string): Area {
  const area = store.areas.get(id);
  if (!area) throw OPEN.areaDoesNotExist();
  return area;
}

function ids(body: Body, key: string, required: boolean): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw OPEN.verification(`${key} is required`);
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw OPEN.conversion(`${key} must be a list of IDs`);
  if (value.length > MAX_IDS_PER_REQUEST) throw OPEN.resourcesOverLimit();
  return value as string[];
}

/** BriefArea (A.3.44). */
function briefArea(store: DeviceStore, area: Area): Record<string, unknown> {
  const hasChildren = [...store.areas.values()].some((a) => a.parentId === area.id);
  return { id: area.id, name: area.name, parentAreaID: area.parentId, existSubArea: hasChildren ? 1 : 0, areaPath: store.areaPath(area.id) };
}

/** areas/add: a new area under `parentAreaID` ("-1": the top level); a taken name answers the configured "already exists" code. */
export function addArea(body: Body, ctx: AreaContext): unknown {
  const parentId = text(body, "parentAreaID", { required: true, max: 32 })!;
  const name = text(body, "areaName", { required: true, max: 64 })!;
  if (parentId !== ROOT_AREA) areaOf(ctx.store, parentId);
  const taken = [...ctx.store.areas.values()].some((a) => a.name === name && (ctx.areaNameScope === "platform" || a.parentId === parentId));
  if (taken) throw new HikError(ctx.areaExistsCode, AREA_EXISTS[ctx.areaExistsCode]);
  return { areaID: ctx.store.addArea(name, parentId).id };
}

/**
 * areas/get: a page of areas, in the order they were added. `filter.parentAreaID` empty: every
 * area; otherwise its children (`includeSubArea` "0") or everything below it (any other value,
 * as the guide's example sends 1 where its table says -1). `"-1"` is the top of the tree.
 */
export function listAreas(body: Body, ctx: AreaContext): unknown {
  const { pageIndex, pageSize } = paging(body);
  const filter = object(body, "filter", false) ?? {};
  const parentId = text(filter, "parentAreaID", { max: 32, path: "filter" });
  const include = text(filter, "includeSubArea", { max: 2, path: "filter" });
  if (parentId !== undefined && parentId !== ROOT_AREA) areaOf(ctx.store, parentId);
  const all = [...ctx.store.areas.values()].filter((a) => {
    if (parentId === undefined) return true;
    if (include === "0") return a.parentId === parentId;
    return a.id !== parentId && ctx.store.isWithin(a.id, parentId);
  });
  return {
    totalCount: all.length,
    pageIndex,
    pageSize,
    area: all.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((a) => briefArea(ctx.store, a)),
  };
}

/** areadetail/get: the areas with these ids; an unknown id is an item with VMS021101 inside a successful answer, as the guide's example shows. */
export function areaDetail(body: Body, ctx: AreaContext): unknown {
  const wanted = ids(body, "areaID", false);
  if (!wanted || wanted.length === 0) throw OPEN.areaIdEmpty();
  return {
    area: wanted.map((id) => {
      const area = ctx.store.areas.get(id);
      if (area) return briefArea(ctx.store, area);
      return { id, message: `Area is not exist([id=${id}]){VMS021101}`, errorCode: "VMS021101" };
    }),
  };
}

/**
 * areas/resources/add: imports device channels into an area. The request as a whole is checked
 * first (OPEN000028/OPEN000031 for the area, OPEN000010 for a malformed item); each channel then
 * succeeds or fails on its own inside a successful answer (ResourceAddResult.errorCode): VMS000003
 * for a channel that does not exist (or an alarm input/output, which the emulator's devices do not
 * have), OPEN000511 for one that is already a logical resource (in any area).
 */
export function addAreaResources(body: Body, ctx: AreaContext): unknown {
  const areaId = text(body, "areaID", { max: 32 });
  if (areaId === undefined) throw OPEN.areaIdEmpty();
  areaOf(ctx.store, areaId);
  const list = body["devChannel"];
  if (!Array.isArray(list) || list.length === 0) throw OPEN.verification("devChannel must be a non-empty list");
  if (list.length > MAX_IDS_PER_REQUEST) throw OPEN.resourcesOverLimit();
  const items = list.map((raw, i) => {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw OPEN.conversion(`devChannel[${i}] must be an object`);
    const item = raw as Body;
    const path = `devChannel[${i}]`;
    const name = text(item, "resourceName", { required: true, max: 64, path })!;
    const type = text(item, "resourceType", { required: true, max: 64, path })!;
    if (!(RESOURCE_TYPES as readonly string[]).includes(type)) throw OPEN.verification(`${path}.resourceType must be one of ${RESOURCE_TYPES.join(", ")}`);
    const channelId = text(item, "channelID", { required: true, max: 32, path })!;
    return { name, type, channelId };
  });
  return {
    resource: items.map(({ name, type, channelId }) => {
      const result = { id: "", name, resourceType: type, channelID: channelId };
      const found = type === "camera" ? ctx.store.channel(channelId) : undefined;
      if (!found) return { ...result, errorCode: VMS.noSuchResource().code };
      if (found.channel.resourceId !== undefined) return { ...result, errorCode: "OPEN000511" };
      return { ...result, id: ctx.store.importChannel(found.channel, areaId, name), errorCode: "0" };
    }),
  };
}

/**
 * areas/resources/delete: removes logical resources from their areas by resource id (the guide's
 * table calls the ids "Area ID"; its title says resource IDs). All or nothing (assumed): an id that
 * is not a logical resource fails the call with OPEN000503 and removes nothing.
 */
export function deleteAreaResources(body: Body, ctx: AreaContext): void {
  const wanted = ids(body, "ids", true)!;
  if (wanted.length === 0) throw OPEN.verification("ids must be a non-empty list");
  const cameras = [...ctx.store.logicalCameras()];
  const doomed = wanted.map((id) => {
    const found = cameras.find((c) => c.channel.resourceId === id);
    if (!found) throw OPEN.cameraDoesNotExist();
    return found.channel;
  });
  for (const channel of doomed) clearResource(channel);
}

/**
 * areas/cameras/get: a page of logical cameras (channels imported into areas), filtered by area
 * (`includeSubArea` "-1" takes its sub-areas too; ignored with a serial number, as the guide says),
 * device serial number and camera ids; all given filters apply. `totalCount` is the number of
 * matching cameras (the guide's table says pages; its example shows a record count).
 */
export function listCameras(body: Body, ctx: AreaContext): unknown {
  const { pageIndex, pageSize } = paging(body);
  const filter = object(body, "filter", true)!;
  const areaId = text(filter, "areaID", { max: 32, path: "filter" });
  const include = text(filter, "includeSubArea", { max: 2, path: "filter" });
  const serialNo = text(filter, "deviceSerialNo", { max: 32, path: "filter" });
  const cameraIds = ids(filter, "cameraID", false);
  if (areaId !== undefined) areaOf(ctx.store, areaId);
  const deep = include === "-1" && serialNo === undefined;
  const all = [...ctx.store.logicalCameras()].filter(({ device, channel }) => {
    if (areaId !== undefined && !(deep ? ctx.store.isWithin(channel.areaId, areaId) : channel.areaId === areaId)) return false;
    if (serialNo !== undefined && device.serialNo !== serialNo) return false;
    if (cameraIds !== undefined && !cameraIds.includes(channel.resourceId)) return false;
    return true;
  });
  const n = (v: number) => (ctx.numbersAsStrings ? String(v) : v);
  return {
    totalCount: all.length,
    pageIndex,
    pageSize,
    camera: all.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map(({ device, channel }) => ({
      id: channel.resourceId,
      name: channel.resourceName ?? channel.name,
      abilitySet: ABILITY_SET,
      online: channel.online ? "1" : "0",
      area: { id: channel.areaId, name: ctx.store.areas.get(channel.areaId)?.name ?? "" },
      device: {
        // The guide's example shows the category as "0" here (devices/get spells it out).
        devInfo: { id: device.id, category: "0", serialNo: device.serialNo, streamSecretKey: "" },
        channelInfo: { id: channel.id, no: n(channel.no) },
      },
    })),
  };
}
