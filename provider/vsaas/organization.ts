import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorNotFoundError } from "../core/errors";
import { defineResource, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { input, output } from "../core/schema";
import { VsaasClient, type OrganizationFields, type VsaasOrganization } from "./client";
import { slug } from "./names";
import { declaredView, defaultsAfterRead, defaultsAfterWrite, withoutDefaults } from "./tariff-plans";

const inputs = z.object({
  title: input(
    z.string({ error: "must be a string" }).refine((s) => s.trim() !== "", { error: "must not be empty" }),
    { onChange: "replace", doc: "Organization name, shown in the billing and in the Watcher. The API cannot rename: a change replaces the organization." },
  ),
  // The document only says "e-mail address"; zod's check (name@domain.tld) is what preview enforces.
  owner: input(z.email({ error: "must be an e-mail address such as owner@example.org" }), {
    onChange: "replace",
    doc:
      "E-mail address of the organization's owner. An address the billing does not know creates a new user, who gets an " +
      "invitation e-mail to set a password. Compared case-insensitively. The API cannot change it: a change replaces the organization.",
  }),
  // Assumption: plan ids are whole numbers ≥ 1 (the document shows ids like 548); the billing refuses
  // ids it does not know with 422 at apply time — check cannot know them without calling it.
  tariffPlanIds: input(
    z
      .array(
        z
          .number({ error: "must be a number (a tariff plan id)" })
          .int({ error: "must be a whole number (a tariff plan id)" })
          .min(1, { error: "must be a tariff plan id (1 or more)" })
          .max(Number.MAX_SAFE_INTEGER, { error: "is too large" }),
      )
      .optional(),
    {
      onChange: "update",
      compare: "set",
      doc:
        "Billing tariff plans the organization may use (ids from GET /api/v1/tariff_plans), compared as a set. The billing always " +
        "keeps its default plan as well; listing it or not makes no difference. Plans added in the web interface are removed on the next update; an empty list leaves only the default.",
    },
  ),
});

const plan = z.object({
  id: z.number(),
  name: z.string().optional(),
  dateFrom: z.string().optional(),
  fullPrice: z.string().optional(),
  status: z.string().optional(),
  externalId: z.number().optional(),
});

const outputs = z.object({
  organizationId: output(z.number(), "The billing organization id (the resource id, as a number)."),
  externalId: output(
    z.number(),
    "The Watcher (cloud.vsaas.io) organization id, `external_id`: what `VsaasOrganizationUser.watcherOrganizationId`, the folder and preset lookups and cameras take.",
  ),
  domain: output(z.object({ id: z.number(), title: z.string().optional() }).optional(), "The VSAAS.IO domain: `{ id, title }`."),
  ownerId: output(z.number(), "The billing's user id of the owner."),
  discount: output(z.string().optional(), "Discount as the billing shows it, e.g. `0%`."),
  trialExpiredAt: output(z.string().optional(), "End of the trial as the billing shows it; empty when there is none."),
  tariffPlans: output(z.array(plan), "Every plan the organization has, the default included: `{ id, name, dateFrom, fullPrice, status, externalId }[]` (`externalId` is the Watcher preset)."),
  defaultTariffPlanIds: output(
    z.array(z.number()),
    "Plans the billing keeps in the organization by itself (the domain default), as learned from the last create or tariff update; never part of a diff.",
  ),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

/** How many POSTs one create may send when the billing's answers get lost but the lookup proves nothing was written. */
const MAX_CREATE_ATTEMPTS = 3;

/** The billing's organizations with exactly this title and owner (owner case-insensitively: Devise lower-cases addresses). */
async function namesakes(client: VsaasClient, title: string, owner: string): Promise<VsaasOrganization[]> {
  // A fresh list: the organizations a create must never mistake for its own are those there now.
  return (await client.listOrganizations({ fresh: true })).filter((o) => o.title === title && o.owner.email.toLowerCase() === owner.toLowerCase());
}

/** A subscriber organization in the VSAAS.IO billing and the Flussonic Watcher cloud. */
export const vsaasOrganization = defineResource({
  token: "vsaas:Organization",
  description:
    "A subscriber organization in the VSAAS.IO billing (my.vsaas.io API v1), which creates it in the Flussonic Watcher cloud " +
    "(cloud.vsaas.io) too. The id is the billing organization id; `externalId` is the Watcher's. Tariff plans update in " +
    "place; a new `title` or `owner` replaces the organization, deleting it with its cameras.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the billing organization id, digits, e.g. `797` (not the Watcher's `external_id`)",
  // Title + owner is how the billing shows an organization, but it is not unique (two organizations
  // may share both): the key only tells a create's own organization apart from those that had the
  // key before it, and adoptExisting adopts only when exactly one has it.
  naturalKey: {
    fields: ["title", "owner"],
    unique: false,
    find: async (i) => (await namesakes(VsaasClient.fromConfig(), i.title!, i.owner!)).map((o) => ({ id: String(o.id), label: o.title })),
  },
  comparable: (olds, news) => {
    const defaults = numbers(olds.defaultTariffPlanIds);
    // Devise-style billings store e-mail addresses lower-cased; a case difference is not a new owner.
    const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
    return {
      olds: { ...olds, owner: lower(olds.owner), tariffPlanIds: withoutDefaults(olds.tariffPlanIds, defaults) },
      news: { ...news, owner: lower(news.owner), tariffPlanIds: withoutDefaults(news.tariffPlanIds, defaults) },
    };
  },
  discover: discoverOrganizations,
  handlers: {
    async create(i, progress, context) {
      const organization = await createOnce(VsaasClient.fromConfig(), i, context).catch((error: unknown) => Promise.reject(namingInputs(error)));
      const defaults = defaultsAfterWrite(planIdsOf(organization), i.tariffPlanIds ?? []);
      progress.created(String(organization.id), { title: organization.title, owner: organization.owner.email, organizationId: organization.id });
      return { id: String(organization.id), outs: outputsOf(organization, defaults, i.tariffPlanIds) };
    },
    async read(id, olds) {
      // From the one list all reads of a refresh share (see VsaasClient.listOrganizations).
      const organization = await VsaasClient.fromConfig().getOrganization(Number(id));
      if (!organization) return undefined;
      const defaults = defaultsAfterRead(planIdsOf(organization), olds.defaultTariffPlanIds);
      return outputsOf(organization, defaults, olds.tariffPlanIds);
    },
    async update(id, olds, news, changed) {
      const fixed = changed.filter((key) => key === "title" || key === "owner");
      if (fixed.length > 0) {
        throw new Error(`${fixed.join(" and ")} of VSAAS.IO organization ${id} cannot be changed in place (the API has no way to); Pulumi replaces the organization instead`);
      }
      if (!changed.includes("tariffPlanIds") || news.tariffPlanIds === undefined) return olds;
      let organization: VsaasOrganization;
      try {
        // The whole list: PUT replaces the organization's plans, and the billing keeps its default.
        organization = await VsaasClient.fromConfig().updateTariffPlans(Number(id), news.tariffPlanIds);
      } catch (error) {
        if (error instanceof VendorNotFoundError) {
          throw new Error(`VSAAS.IO organization ${id} no longer exists (deleted outside Pulumi?); run \`pulumi refresh\` and then \`pulumi up\` to create it again`, { cause: error });
        }
        throw namingInputs(error);
      }
      const defaults = defaultsAfterWrite(planIdsOf(organization), news.tariffPlanIds);
      return outputsOf(organization, defaults, news.tariffPlanIds);
    },
    async delete(id) {
      // 404: already gone, which is what delete wants.
      await VsaasClient.fromConfig().deleteOrganization(Number(id));
    },
  },
});

/**
 * POST is not idempotent, and the billing has no idempotency key or unique natural key. The core
 * has already noted the organizations with this title and owner (`context.before`); when the
 * answer is lost (timeout, dropped connection, 5xx, unreadable body) `context.findNew()` tells
 * whether the POST made one: one new → it is ours; several → ambiguous; none → the POST did not
 * take effect and is sent again — only when the billing ended the exchange itself.
 *
 * Assumption: an organization is in `GET /api/v1/organizations` as soon as the POST that created it
 * has written it, so a lost POST whose organization is not in the list did not take effect. After
 * a timeout or a 504 the POST may still be running: nothing is sent again, and the create ends
 * pending (CreateOutcomeUnknownError): the next `pulumi up`/`refresh`/`destroy` looks again, so the
 * operator never gets a second organization — also when the look-ups fail too.
 */
async function createOnce(client: VsaasClient, i: Inputs, context: CreateContext): Promise<VsaasOrganization> {
  const fields: OrganizationFields = { title: i.title, owner: i.owner };
  if (i.tariffPlanIds !== undefined) fields.tariff_plans = i.tariffPlanIds;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createOrganization(fields);
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      let made: string[];
      try {
        made = await context.findNew();
      } catch (lookupError) {
        throw outcomeUnknown(error, i, `Looking it up failed too (${describeError(lookupError)}).`);
      }
      if (made.length === 1) {
        const found = await client.getOrganization(Number(made[0]));
        if (found) return found;
      }
      if (made.length > 1) throw outcomeUnknown(error, i, `The billing now has ${made.length} new organizations with that title and owner (id ${made.join(", ")}).`);
      if (mayStillBeRunning(error)) {
        // A timeout or a gateway's 504 ends our wait, not the billing's work: the POST may still be
        // running, so a list that does not show it yet proves nothing, and a second POST could be a duplicate.
        throw outcomeUnknown(error, i, "The billing's list does not show it yet, but the billing may still be creating it (no answer in time).");
      }
      if (attempt >= MAX_CREATE_ATTEMPTS) {
        throw new Error(`${error.message}. Tried ${attempt} times; the billing's list shows that no organization was created. Run \`pulumi up\` again later.`, { cause: error });
      }
      // Not in the list after the billing ended the exchange (a 5xx of its own, a dropped connection):
      // the POST did not take effect, so sending it again cannot duplicate it.
    }
  }
}

/**
 * Every organization of the billing, from its one list (one call, as the document asks: the billing
 * is not to be polled). `tariffPlanIds` lists every plan the organization has, the domain default
 * included: the API cannot tell which plan is the default, and the whole list round-trips through
 * an import exactly.
 */
async function* discoverOrganizations(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const list = await VsaasClient.fromConfig().listOrganizations();
  options.onProgress?.(0);
  let found = 0;
  for (const o of [...list].sort((a, b) => a.id - b.id)) {
    if (options.limit !== undefined && found >= options.limit) return;
    if (options.subscriberPrefix !== undefined && !o.title.startsWith(options.subscriberPrefix)) continue;
    found++;
    yield { id: String(o.id), inputs: { title: o.title, owner: o.owner.email, tariffPlanIds: planIdsOf(o) }, subscriber: o.title, name: slug(o.title) || `organization-${o.id}` };
  }
  options.onProgress?.(found);
}

/** The billing's field names in a refusal (`tariff_plans can't ...`), and the input of the program that sets each. */
const INPUT_OF_FIELD: ReadonlyArray<[RegExp, string]> = [
  [/\btitle\b/, "title"],
  [/\bowner\b/, "owner"],
  [/\btariff_plans?\b/, "tariffPlanIds"],
];

/** A 400/422 refusal keeps the billing's messages and says which of the program's inputs to fix. */
function namingInputs(error: unknown): unknown {
  if (!(error instanceof VendorApiError) || (error.httpStatus !== 422 && error.httpStatus !== 400)) return error;
  const said = error.message.slice(error.message.indexOf("):") + 1);
  const inputs = INPUT_OF_FIELD.filter(([field]) => field.test(said)).map(([, name]) => name);
  if (inputs.length === 0) return error;
  const hint = inputs.includes("tariffPlanIds") ? " (plan ids: GET /api/v1/tariff_plans)" : "";
  return new VendorApiError(`${error.message}. Fix ${inputs.join(", ")} in the program${hint}`, {
    vendor: error.vendor,
    operation: error.operation,
    code: error.code,
    httpStatus: error.httpStatus,
    cause: error,
  });
}

/** The create's outcome cannot be told now: the core keeps a pending placeholder that the next `up` resolves by title + owner. */
function outcomeUnknown(cause: VendorApiError, i: Inputs, found: string): Error {
  return new CreateOutcomeUnknownError(
    `${cause.message}. The organization ${JSON.stringify(i.title)} (owner ${i.owner}) may or may not have been created, so it was not sent again. ${found}`,
    { cause },
  );
}

function planIdsOf(organization: VsaasOrganization): number[] {
  return (organization.tariff_plans ?? []).map((p) => p.id);
}

/** Outputs from a billing answer; nested objects never hold undefined (the engine's Struct cannot). */
function outputsOf(o: VsaasOrganization, defaults: number[], declared: readonly unknown[] | undefined): Outputs {
  const present = planIdsOf(o);
  if (o.external_id === undefined || o.external_id === null) {
    // The document: the billing creates every organization in the Watcher too, "присваивая ей два разных ID".
    throw new VendorApiError(
      `VSAAS.IO billing organization ${o.id} has no external_id (no Watcher organization); ask VSAAS.IO support to create it in the Watcher`,
      { vendor: "vsaas", operation: "GET /organizations" },
    );
  }
  return defined({
    title: o.title,
    owner: o.owner.email,
    tariffPlanIds: declaredView(present, defaults, declared),
    organizationId: o.id,
    externalId: o.external_id,
    domain: o.domain ? defined({ id: o.domain.id, title: o.domain.title ?? undefined }) : undefined,
    ownerId: o.owner.id,
    discount: o.discount ?? undefined,
    trialExpiredAt: o.trial_expired_at ?? undefined,
    tariffPlans: (o.tariff_plans ?? []).map((p) =>
      defined({
        id: p.id,
        name: p.name ?? undefined,
        dateFrom: p.date_from ?? undefined,
        fullPrice: p.full_price ?? undefined,
        status: p.status ?? undefined,
        externalId: p.external_id ?? undefined,
      }),
    ),
    defaultTariffPlanIds: defaults,
  }) as Outputs;
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

