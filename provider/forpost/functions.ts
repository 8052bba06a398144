import { z } from "zod";
import { arg, defineFunction, exactlyOne } from "../core/function";
import { ForpostClient, type ForpostNamed } from "./client";

/**
 * Lookups a program calls for the ids Forpost's reference lists hold (tariffs, clusters, camera
 * models, record types, protocols, …). Each answers `{ ids, items }`: every entry, or only those
 * asked for by name. A name is matched whole, ignoring case and surrounding spaces; a name that
 * matches nothing or several entries is an error that lists what there is.
 */

const name = (what: string) => arg(z.string().min(1, { error: "must not be empty" }).optional(), `Only the ${what} with this name (exactly one must match).`);
const names = (what: string) =>
  arg(z.array(z.string().min(1, { error: "must not be empty" })).optional(), `Only the ${what}s with these names, in this order (each must match exactly one).`);

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The entries asked for: all without a filter, else one per name, each exactly one match. */
function select<T extends { Name: string }>(fn: string, what: string, all: readonly T[], filter: { name?: string; names?: string[] }, describe: (item: T) => string): T[] {
  const wanted = [...(filter.name === undefined ? [] : [filter.name]), ...(filter.names ?? [])];
  if (wanted.length === 0) return [...all];
  return wanted.map((n) => exactlyOne(all.filter((item) => same(item.Name, n)), { fn, asked: `${what} name ${JSON.stringify(n)}`, describe, available: all }));
}

const show = (item: ForpostNamed<number | string>) => `${JSON.stringify(item.Name)} (id ${item.ID})`;
const entry = <I extends z.ZodType>(id: I) => z.object({ id, name: z.string() });

export const getTariffs = defineFunction({
  token: "forpost:getTariffs",
  description:
    "The tariffs of this Forpost (GetTariffs), for a ForpostAccount's `allowedTariffIds` and `defaultCameraTariffId`. Filter by name: `forpost.getTariffsOutput({ name: \"Архив 7 дней\" }).ids[0]`.",
  args: z.object({ name: name("tariff"), names: names("tariff") }),
  result: z.object({
    ids: z.array(z.number()),
    items: z.array(z.object({ id: z.number(), name: z.string(), comment: z.string().optional(), price: z.number().optional() })),
  }),
  async invoke(args) {
    const all = await ForpostClient.fromConfig().getTariffs();
    const picked = select("forpost.getTariffs", "tariff", all, args, show);
    return {
      ids: picked.map((t) => t.ID),
      items: picked.map((t) => ({ id: t.ID, name: t.Name, ...(t.Comment ? { comment: t.Comment } : {}), ...(t.Price === undefined ? {} : { price: t.Price }) })),
    };
  },
});

export const getMasters = defineFunction({
  token: "forpost:getMasters",
  description: "The clusters of this Forpost (GetMasters), for a ForpostCamera's `masterId`. Filter by name: `forpost.getMastersOutput({ name: \"Москва-1\" }).ids[0]`.",
  args: z.object({ name: name("cluster"), names: names("cluster") }),
  result: z.object({ ids: z.array(z.number()), items: z.array(entry(z.number())) }),
  async invoke(args) {
    const picked = select("forpost.getMasters", "cluster", await ForpostClient.fromConfig().getMasters(), args, show);
    return { ids: picked.map((m) => m.ID), items: picked.map((m) => ({ id: m.ID, name: m.Name })) };
  },
});

export const getCameraModels = defineFunction({
  token: "forpost:getCameraModels",
  description:
    "Camera models with their brands (one GetCameraModelsAndBrands call), for a ForpostCamera's `cameraModelId`. Filter by brand and model name: `forpost.getCameraModelsOutput({ brand: \"Hikvision\", name: \"DS-2CD2043G2-I\" }).ids[0]`; a model name alone must be unique across brands.",
  args: z.object({
    brand: arg(z.string().min(1, { error: "must not be empty" }).optional(), "Only models of the brand with this name (exactly one brand must match)."),
    name: name("model"),
  }),
  result: z.object({ ids: z.array(z.number()), items: z.array(z.object({ id: z.number(), name: z.string(), brandId: z.number(), brand: z.string() })) }),
  async invoke(args) {
    const { models, brands } = await ForpostClient.fromConfig().getCameraModelsAndBrands();
    const brandName = new Map(brands.map((b) => [b.ID, b.Name]));
    let candidates = models;
    let scope = "";
    if (args.brand !== undefined) {
      const brand = exactlyOne(brands.filter((b) => same(b.Name, args.brand!)), { fn: "forpost.getCameraModels", asked: `brand ${JSON.stringify(args.brand)}`, describe: show, available: brands });
      candidates = models.filter((m) => m.BrandID === brand.ID);
      scope = ` of brand ${JSON.stringify(brand.Name)}`;
    }
    const describe = (m: (typeof models)[number]) => `${JSON.stringify(m.Name)} (id ${m.ID}, ${brandName.get(m.BrandID) ?? `brand ${m.BrandID}`})`;
    const picked = args.name === undefined ? candidates : [exactlyOne(candidates.filter((m) => same(m.Name, args.name!)), { fn: "forpost.getCameraModels", asked: `model name ${JSON.stringify(args.name)}${scope}`, describe, available: candidates })];
    return { ids: picked.map((m) => m.ID), items: picked.map((m) => ({ id: m.ID, name: m.Name, brandId: m.BrandID, brand: brandName.get(m.BrandID) ?? "" })) };
  },
});

/** A lookup over one `ID, Name` list. */
function namedList<I extends "number" | "string">(fnName: string, what: string, wire: string, idKind: I, load: (c: ForpostClient) => Promise<Array<ForpostNamed<I extends "number" ? number : string>>>, use: string) {
  const id = (idKind === "number" ? z.number() : z.string()) as I extends "number" ? z.ZodNumber : z.ZodString;
  const result = z.object({ ids: z.array(id), items: z.array(entry(id)) });
  return defineFunction({
    token: `forpost:${fnName}`,
    description: `${what.charAt(0).toUpperCase()}${what.slice(1)}s of this Forpost (${wire}), ${use}. Filter by name: \`forpost.${fnName}Output({ name: "…" }).ids[0]\`.`,
    args: z.object({ name: name(what) }),
    result,
    async invoke(args) {
      const picked = select(`forpost.${fnName}`, what, await load(ForpostClient.fromConfig()), args, show);
      return { ids: picked.map((x) => x.ID), items: picked.map((x) => ({ id: x.ID, name: x.Name })) } as z.output<typeof result>;
    },
  });
}

export const getRecordTypes = namedList("getRecordTypes", "record type", "GetRecordTypes", "number", (c) => c.getRecordTypes(), "for a ForpostCamera's `recordTypeId` (0 means no recording and is not listed)");
export const getProtocols = namedList("getProtocols", "protocol", "GetProtocols", "string", (c) => c.getProtocols(), "for a ForpostCamera's `protocol` (the ids are strings)");
export const getRtspTransports = namedList("getRtspTransports", "RTSP transport", "GetRtspTransports", "string", (c) => c.getRtspTransports(), "for a ForpostCamera's `rtspTransport`");
export const getPtzTypes = namedList("getPtzTypes", "PTZ type", "GetPTZTypes", "number", (c) => c.getPtzTypes(), "for a ForpostCamera's `ptzTypeId`");
export const getAuthProviders = namedList("getAuthProviders", "password check method", "GetAuthProviders", "number", (c) => c.getAuthProviders(), "for a ForpostUser's `authProviderId`");
