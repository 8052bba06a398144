import { z } from "zod";
import { arg, defineFunction, exactlyOne } from "../core/function";
import { field } from "../core/schema";
import { HikConnectClient, type AreaView, type TimeZoneView } from "./client";
import { everyPage } from "./discover";

/**
 * Look-ups a program calls (`hikconnect.getTimeZones`, `hikconnect.getAreas`). Each finds exactly
 * one object — the one to put into a resource's input — and fails naming the candidates when
 * nothing or several match, instead of picking one silently.
 */

const timeZoneResult = z.object({
  /** What `HikDevice.timeZoneId` takes. */
  id: z.string(),
  standardName: z.string(),
  displayName: z.string(),
  /** `+01:00`: the standard (non-DST) offset from UTC. */
  utcOffset: z.string(),
  dstEnabled: z.boolean(),
  /** The platform's own time zone (systemTimeZoneID). */
  systemTimeZoneId: z.string().optional(),
});

/** `±hh:mm` from the guide's bias (minutes to add to local time for UTC: UTC+06:00 is -360). */
export function utcOffsetOf(bias: number): string {
  const minutes = -bias;
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** `+3`, `+03:00`, `UTC+03:00`, `GMT-5`, `+0530` → minutes east of UTC; undefined if it is not an offset. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim()) ?? (/^(?:UTC|GMT)$/i.test(text.trim()) ? ["", "+", "0", "0"] : null);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (Number(m[2]) > 14 || Number(m[3] ?? 0) >= 60) return undefined;
  return m[1] === "-" ? -minutes : minutes;
}

/** Whether `name` names the zone: its standard name, its display name, or one of the places it lists. */
function namesZone(zone: TimeZoneView, name: string): boolean {
  const wanted = name.trim().toLowerCase();
  const places = zone.displayName.replace(/^\([^)]*\)\s*/, "").split(",").map((p) => p.trim().toLowerCase());
  return zone.standardName.toLowerCase() === wanted || zone.displayName.toLowerCase() === wanted || places.includes(wanted);
}

export const getTimeZones = defineFunction({
  token: "hikconnect:getTimeZones",
  description:
    "The Hik-Connect time zone to give a HikDevice (`timeZoneId`), from the platform's own list (timezone/get, asked once per program run), by name or UTC offset. Returns exactly one zone: it fails listing the candidates when none or several match. Without arguments it returns the platform's own time zone.",
  args: z.object({
    name: arg(
      field.text({ min: 1, max: 128 }).optional(),
      'A place the zone lists (`"Berlin"`, `"Moscow"`), its standard name (`"W. Europe Standard Time"`) or its full display name; case does not matter, a part of a name does not match.',
    ),
    utcOffset: arg(field.text({ min: 1, max: 16 }).optional(), 'The standard offset from UTC: `"+03:00"`, `"UTC+3"`, `"-05:00"`. Several zones share most offsets: combine with name.'),
    id: arg(field.text({ min: 1, max: 8 }).optional(), "The zone's id, to check it exists."),
  }),
  result: timeZoneResult,
  invoke: (args) => keepingAlive(timeZone(args)),
});

async function timeZone(args: { name?: string; utcOffset?: string; id?: string }): Promise<z.output<typeof timeZoneResult>> {
  const offset = args.utcOffset === undefined ? undefined : parseUtcOffset(args.utcOffset);
  if (args.utcOffset !== undefined && offset === undefined) {
    throw new Error(`hikconnect.getTimeZones: utcOffset ${JSON.stringify(args.utcOffset)} is not an offset; write it like "+03:00" or "UTC-5"`);
  }
  const { systemTimeZoneId, zones } = await HikConnectClient.fromConfig().timeZones();
  const anyFilter = args.name !== undefined || offset !== undefined || args.id !== undefined;
  const matches = zones.filter((z) =>
    anyFilter
      ? (args.name === undefined || namesZone(z, args.name)) && (offset === undefined || -z.bias === offset) && (args.id === undefined || z.id === args.id)
      : z.id === systemTimeZoneId,
  );
  const asked = anyFilter
    ? [args.name !== undefined && `name ${JSON.stringify(args.name)}`, args.utcOffset !== undefined && `utcOffset ${args.utcOffset}`, args.id !== undefined && `id ${JSON.stringify(args.id)}`].filter(Boolean).join(" and ")
    : `the platform's own time zone (systemTimeZoneID ${JSON.stringify(systemTimeZoneId ?? "")}); pass name or utcOffset`;
  const zone = exactlyOne(matches, { fn: "hikconnect.getTimeZones", asked, describe: (z) => `${z.id} ${z.displayName}`, available: anyFilter && offset !== undefined ? zones.filter((z) => -z.bias === offset) : zones });
  return {
    id: zone.id,
    standardName: zone.standardName,
    displayName: zone.displayName,
    utcOffset: utcOffsetOf(zone.bias),
    dstEnabled: zone.dstEnabled,
    ...(systemTimeZoneId !== undefined ? { systemTimeZoneId } : {}),
  };
}

const areaResult = z.object({
  /** What `HikArea.parentAreaId`, `HikAreaCamera.areaId` and `HikDevice.importToArea.areaId` take. */
  id: z.string(),
  name: z.string(),
  parentAreaId: z.string(),
  areaPath: z.string().optional(),
  hasSubAreas: z.boolean(),
});

export const getAreas = defineFunction({
  token: "hikconnect:getAreas",
  description:
    "An existing Hik-Connect area (one made in the portal, say) by name, parent or path, to use as a HikArea's parent, a HikAreaCamera's area or a device's importToArea (areas/get, 500 areas a call). Returns exactly one area: it fails listing the candidates when none or several match.",
  args: z.object({
    name: arg(field.text({ min: 1, max: 64 }).optional(), "The area's name, exactly."),
    parentAreaId: arg(field.text({ min: 1, max: 32 }).optional(), 'Only areas directly under this one (`"-1"`: the top level).'),
    path: arg(field.text({ min: 1, max: 1024 }).optional(), 'The names from the top down, joined by "/" (`"C-000042 Lenina 42/Entrance 1"`): tells apart areas of the same name.'),
  }),
  result: areaResult,
  invoke: (args) => keepingAlive(area(args)),
});

async function area(args: { name?: string; parentAreaId?: string; path?: string }): Promise<z.output<typeof areaResult>> {
  if (args.name === undefined && args.path === undefined) throw new Error("hikconnect.getAreas: give name or path (and parentAreaId to narrow it)");
  const client = HikConnectClient.fromConfig();
  const filter = args.parentAreaId !== undefined ? { parentAreaId: args.parentAreaId, includeSubAreas: false } : {};
  const all: AreaView[] = [];
  for await (const page of everyPage((i, n) => client.listAreas(i, n, filter), () => undefined)) all.push(...page);
  // The path is rebuilt from the parents (areas/get's example has no areaPath): exact names, "/" between.
  const everyArea = args.path !== undefined && args.parentAreaId !== undefined ? await allAreas(client) : all;
  const byId = new Map(everyArea.map((a) => [a.id, a]));
  const pathOf = (a: AreaView) => {
    const names = [a.name];
    for (let p = byId.get(a.parentAreaId), depth = 0; p && depth < 64; p = byId.get(p.parentAreaId), depth++) names.unshift(p.name);
    return names.join("/");
  };
  const leaf = args.path?.split("/").at(-1);
  const matches = all.filter(
    (a) =>
      (args.name === undefined || a.name === args.name) &&
      (args.parentAreaId === undefined || a.parentAreaId === args.parentAreaId) &&
      (args.path === undefined || (a.name === leaf && pathOf(a) === args.path)),
  );
  const asked = [args.name !== undefined && `name ${JSON.stringify(args.name)}`, args.parentAreaId !== undefined && `parentAreaId ${JSON.stringify(args.parentAreaId)}`, args.path !== undefined && `path ${JSON.stringify(args.path)}`]
    .filter(Boolean)
    .join(" and ");
  const found = exactlyOne(matches, { fn: "hikconnect.getAreas", asked, describe: (a) => `${a.id} ${JSON.stringify(pathOf(a))}` });
  return {
    id: found.id,
    name: found.name,
    parentAreaId: found.parentAreaId,
    areaPath: found.areaPath ?? pathOf(found).split("/").join("->"),
    hasSubAreas: found.hasSubAreas,
  };
}

/**
 * Functions run in the program's process, where nothing else may keep Node's event loop alive
 * while a look-up waits for its turn under the rate limit (the limiter's timers are unref'd, right
 * for the provider host, which its gRPC server keeps alive): without this, a program making more
 * than a few look-ups could end silently mid-way.
 */
async function keepingAlive<T>(work: Promise<T>): Promise<T> {
  const alive = setInterval(() => undefined, 60_000);
  try {
    return await work;
  } finally {
    clearInterval(alive);
  }
}

async function allAreas(client: HikConnectClient): Promise<AreaView[]> {
  const all: AreaView[] = [];
  for await (const page of everyPage((i, n) => client.listAreas(i, n), () => undefined)) all.push(...page);
  return all;
}
