import { z } from "zod";
import { arg, defineFunction, exactlyOne } from "../core/function";
import { VsaasClient } from "./client";
import { WatcherClient } from "./watcher-client";

const name = (what: string) => z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).describe(what);
const watcherOrganizationId = arg(
  z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be a Watcher organization id (1 or more)" }),
  "The Watcher organization: `VsaasOrganization.externalId` (not its billing id).",
);

/** Picks by exact name: nothing or several matching is an error naming what there is. */
function pick<T>(items: readonly T[], names: readonly string[] | undefined, nameOf: (item: T) => string, fn: string, asked: (name: string) => string, describe: (item: T) => string): T[] {
  if (names === undefined) return [...items];
  return names.map((wanted) => exactlyOne(items.filter((item) => nameOf(item) === wanted), { fn, asked: asked(wanted), describe, available: items }));
}

const tariffPlan = z.object({
  id: z.number(),
  name: z.string(),
  dateFrom: z.string().optional(),
  fullPrice: z.string().optional(),
  status: z.string().optional(),
  externalId: z.number().optional(),
});

/** `vsaas.getTariffPlans`: the billing's tariff plans, optionally picked by name. */
export const getTariffPlans = defineFunction({
  token: "vsaas:getTariffPlans",
  description:
    "The VSAAS.IO billing's tariff plans (`GET https://my.vsaas.io/api/v1/tariff_plans`), for `VsaasOrganization.tariffPlanIds`. " +
    "Plans are made in the billing's web interface (BILLING PLANS). `externalId` is the plan's Watcher preset id. With `names`, each " +
    "name must match exactly one plan, in that order; otherwise every plan is answered. One billing call per lookup.",
  args: z.object({
    names: arg(z.array(name("a plan name")).min(1, { error: "must list at least one name" }).optional(), "Plan names as the billing shows them (exact); each must match one plan."),
    activeOnly: arg(z.boolean().optional(), "Only plans whose status is `Active`."),
  }),
  result: z.object({
    tariffPlans: z.array(tariffPlan),
    ids: z.array(z.number()).describe("The plans' billing ids, in order: what VsaasOrganization.tariffPlanIds takes."),
  }),
  async invoke(args) {
    const all = (await VsaasClient.fromConfig().listTariffPlans()).filter((p) => !args.activeOnly || p.status === "Active");
    const plans = pick(all, args.names, (p) => p.name ?? "", "vsaas.getTariffPlans", (n) => `a plan named ${JSON.stringify(n)}`, (p) => `${p.id} ${JSON.stringify(p.name ?? "")}`).map((p) =>
      definedOnly({ id: p.id, name: p.name ?? "", dateFrom: p.date_from ?? undefined, fullPrice: p.full_price ?? undefined, status: p.status ?? undefined, externalId: p.external_id ?? undefined }),
    );
    return { tariffPlans: plans, ids: plans.map((p) => p.id) };
  },
});

const folder = z.object({ id: z.number(), title: z.string(), parentId: z.number().optional(), level: z.number().optional(), cameraCount: z.number().optional() });

/** `vsaas.getOrganizationFolders`: a Watcher organization's camera folders, optionally picked by title. */
export const getOrganizationFolders = defineFunction({
  token: "vsaas:getOrganizationFolders",
  description:
    "The camera folders of a Flussonic Watcher organization (`GET /vsaas/api/v2/organizations/{id}/folders`), for " +
    "`VsaasFolderAccess.folderId`. Every organization has the folder \"Cameras\" from its creation on. With `title`, exactly one " +
    "folder must have it. One Watcher call per lookup.",
  args: z.object({
    watcherOrganizationId,
    title: arg(name("a folder title").optional(), 'The folder\'s title, exactly (e.g. "Cameras"); exactly one folder must have it.'),
  }),
  result: z.object({
    folders: z.array(folder),
    ids: z.array(z.number()).describe("The folders' ids, in order."),
  }),
  async invoke(args) {
    const all = await WatcherClient.fromConfig().listFolders(args.watcherOrganizationId);
    const fn = "vsaas.getOrganizationFolders";
    const chosen = pick(all, args.title === undefined ? undefined : [args.title], (f) => f.title, fn, (t) => `a folder titled ${JSON.stringify(t)} in Watcher organization ${args.watcherOrganizationId}`, (f) => `${f.id} ${JSON.stringify(f.title)}`);
    const folders = chosen.map((f) => definedOnly({ id: f.id, title: f.title, parentId: f.parent_id ?? undefined, level: f.level ?? undefined, cameraCount: f.camera_count ?? undefined }));
    return { folders, ids: folders.map((f) => f.id) };
  },
});

const preset = z.object({
  id: z.number().describe("The preset id (a billing plan's externalId)."),
  title: z.string(),
  dvrDepth: z.number().optional(),
  dvrSpace: z.number().optional(),
  isAdjustable: z.boolean().optional(),
  isDeleted: z.boolean().optional(),
});

/** `vsaas.getOrganizationPresets`: the presets a Watcher organization's cameras may use, optionally picked by title. */
export const getOrganizationPresets = defineFunction({
  token: "vsaas:getOrganizationPresets",
  description:
    "The presets (DVR and analytics settings) the cameras of a Flussonic Watcher organization may use " +
    "(`GET /vsaas/api/v2/organizations/{id}/presets`): the organization's billing plans as the Watcher sees them (a preset's id is " +
    "the plan's `externalId`). With `title`, exactly one preset must have it. One Watcher call per lookup.",
  args: z.object({
    watcherOrganizationId,
    title: arg(name("a preset title").optional(), 'The preset\'s title, exactly (the billing plan\'s name, e.g. "Default"); exactly one must have it.'),
  }),
  result: z.object({
    presets: z.array(preset),
    ids: z.array(z.number()).describe("The presets' ids, in order (what a camera's preset_id takes)."),
  }),
  async invoke(args) {
    const all = (await WatcherClient.fromConfig().listPresets(args.watcherOrganizationId)).map((p) =>
      definedOnly({
        id: p.preset_id,
        title: p.preset?.title ?? "",
        dvrDepth: p.preset?.dvr_depth ?? undefined,
        dvrSpace: p.preset?.dvr_space ?? undefined,
        isAdjustable: p.preset?.is_adjustable ?? undefined,
        isDeleted: p.preset?.is_deleted ?? undefined,
      }),
    );
    const fn = "vsaas.getOrganizationPresets";
    const presets = pick(all, args.title === undefined ? undefined : [args.title], (p) => p.title, fn, (t) => `a preset titled ${JSON.stringify(t)} in Watcher organization ${args.watcherOrganizationId}`, (p) => `${p.id} ${JSON.stringify(p.title)}`);
    return { presets, ids: presets.map((p) => p.id) };
  },
});

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
