import { VendorApiError } from "../core/errors";
import type { DiscoverOptions, DiscoveredObject } from "../core/resource";
import { AREA_GONE_CODES } from "./codes";
import { PAGE_SIZE, type AreaView, type CameraView, type HikConnectClient, type Page } from "./client";

/**
 * What `discover` shares between Hik-Connect's resources: reading a list page by page (500 a
 * call, the guide's maximum), and the subscriber an object belongs to. Hik-Connect has no
 * subscriber or contract field; an ISP's natural grouping is the site — the top-level area (child
 * of the root) that the object is in, by name (`C-000042 Lenina 42`). Areas belong to their
 * top-level ancestor, logical cameras to their area's, devices to the area their first imported
 * channel is in; a device with no channel in an area has no subscriber.
 */

/** Every record of a list, page by page, telling `onCall` after each call. Stops on a short page. */
export async function* everyPage<T>(fetch: (pageIndex: number, pageSize: number) => Promise<Page<T>>, onCall: () => void): AsyncGenerator<T[]> {
  for (let page = 1; ; page++) {
    const { records } = await fetch(page, PAGE_SIZE);
    onCall();
    if (records.length > 0) yield records;
    if (records.length < PAGE_SIZE) return;
  }
}

/** Every area, then the name of each area's site (its top-level ancestor). */
export async function siteIndex(client: HikConnectClient, onCall: () => void): Promise<{ areas: AreaView[]; siteOf(areaId: string): string | undefined }> {
  const areas: AreaView[] = [];
  for await (const page of everyPage((i, n) => client.listAreas(i, n), onCall)) areas.push(...page);
  const byId = new Map(areas.map((a) => [a.id, a]));
  const siteOf = (areaId: string): string | undefined => {
    let area = byId.get(areaId);
    for (let depth = 0; area && area.parentAreaId !== "-1" && depth < 64; depth++) area = byId.get(area.parentAreaId);
    return area && area.parentAreaId === "-1" ? area.name : undefined;
  };
  return { areas, siteOf };
}

/** Every logical camera (channel imported into an area). */
export async function everyCamera(client: HikConnectClient, onCall: () => void): Promise<CameraView[]> {
  const cameras: CameraView[] = [];
  for await (const page of everyPage((i, n) => client.listCameras(i, n), onCall)) cameras.push(...page);
  return cameras;
}

/** Applies `limit` and `subscriberPrefix` to what a discover yields. */
export async function* filtered(options: DiscoverOptions, objects: AsyncIterable<DiscoveredObject>): AsyncGenerator<DiscoveredObject> {
  let yielded = 0;
  if (options.limit !== undefined && options.limit <= 0) return;
  for await (const o of objects) {
    if (options.subscriberPrefix !== undefined && !(o.subscriber ?? "").startsWith(options.subscriberPrefix)) continue;
    yield o;
    if (options.limit !== undefined && ++yielded >= options.limit) return;
  }
}

/**
 * The items of every page that `keep` accepts, for a look-up under one area: an area the platform
 * says is gone holds nothing (an empty answer, not an error).
 */
export async function matchingUnderArea<T>(fetch: (pageIndex: number, pageSize: number) => Promise<Page<T>>, keep: (item: T) => boolean): Promise<T[]> {
  const found: T[] = [];
  try {
    for await (const page of everyPage(fetch, () => undefined)) found.push(...page.filter(keep));
  } catch (error) {
    if (error instanceof VendorApiError && error.code !== undefined && AREA_GONE_CODES.includes(error.code)) return [];
    throw error;
  }
  return found;
}
