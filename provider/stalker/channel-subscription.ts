import { z } from "zod";
import { describeError, VendorApiError } from "../core/errors";
import { defineResource, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output } from "../core/schema";
import { stringOf, withLocks } from "./addressing";
import { boxLocks, boxOf, ensureDeclaredMac, firstBoxWrite, noAccount, sortIds, writeChecked, type Box } from "./box";
import { StalkerClient, type StalkerSubscriptionRow } from "./client";
import { macInput, normalizeMac } from "./mac";

const RESOURCE = "StalkerChannelSubscription";

const inputs = z.object({
  login: input(field.text({ min: 1 }), {
    onChange: "replace",
    doc: "Login of the account whose set-top box this is — usually `account.id` (a StalkerAccount's id is its login), which also makes this wait for the account. The resource id. Another login is another account's box: it replaces the subscription.",
  }),
  mac: macInput(
    "MAC of that account's set-top box (the account's `stbMac`). Optional: it lets the provider find the box without listing every account, and a write is refused unless the account's box has this MAC.",
  ),
  channels: input(z.array(z.string().regex(/^\d+$/, { error: 'must be a channel id (digits, e.g. "27"); stalker.getChannel looks one up by name' })), {
    onChange: "update",
    compare: "set",
    wire: "sub_ch",
    doc: "Ids of the optional channels the box subscribes to (ITV_SUBSCRIPTION `sub_ch`); `[]` for none. Look them up with `stalker.getChannel` / `stalker.getChannels`. Channels of the base package need no subscription.",
  }),
  additionalServicesOn: input(field.bool().optional(), {
    onChange: "update",
    wire: "additional_services_on",
    doc: "The box's switch for additional services (video club, karaoke …). Left as it is when not set, and when the resource is destroyed.",
  }),
});

const outputs = z.object({
  accountNumber: output(z.string(), "Account number of the box, as ITV_SUBSCRIPTION reports it (`ls`)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;

/** The optional channels of one account's set-top box, written by MAC only. */
export const stalkerChannelSubscription = defineResource({
  token: "stalker:ChannelSubscription",
  description:
    "The optional TV channels of one subscriber's set-top box in Stalker Middleware (ITV_SUBSCRIPTION). The id is the account's login; writes go to the box's MAC only, never to an account number (which would change every box on it). Destroying it empties the list: the API has no delete.",
  inputs,
  outputs,
  idPattern: /\S/,
  idDoc: "the login of the account whose box it is, e.g. `alice`",
  // One subscription per account. It "exists" once the box has channels: a create refuses a box
  // that already has some (set outside this stack) unless it adopts them.
  naturalKey: {
    fields: ["login"],
    unique: true,
    find: async (i) => {
      const client = StalkerClient.fromConfig();
      const box = await boxOf(client, RESOURCE, i.login!, i.mac, "read");
      const row = box && (await client.subscriptionsAt(box.mac))[0];
      return row && row.channels.length > 0 ? [{ id: i.login!, label: `MAC ${box.mac}, channels ${sortIds(row.channels).join(", ")}` }] : [];
    },
  },
  discover: discoverSubscriptions,
  handlers: {
    async create(i) {
      const client = StalkerClient.fromConfig();
      return withLocks(boxLocks(i.login, [i.mac]), async () => {
        const box = await writableBox(client, i.login, i.mac, "create");
        await ensureChannels(client, i.channels);
        const rows = await firstBoxWrite(() => send(client, box, i.mac, { channels: i.channels, additionalServicesOn: i.additionalServicesOn }));
        return { id: i.login, outs: await outputsAfter(client, box, rows, i) };
      });
    },
    async read(id, olds) {
      const client = StalkerClient.fromConfig();
      const box = await boxOf(client, RESOURCE, id, olds.mac, "read");
      if (!box) return undefined; // the account is gone, and its subscription with it
      const [row] = await client.subscriptionsAt(box.mac);
      return toOutputs(box, row, olds);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = StalkerClient.fromConfig();
      return withLocks(boxLocks(id, [olds.mac, news.mac]), async () => {
        const box = await writableBox(client, id, news.mac ?? olds.mac, "update");
        const change: { channels?: string[]; additionalServicesOn?: boolean } = {};
        if (changed.includes("channels")) change.channels = news.channels;
        if (changed.includes("additionalServicesOn") && news.additionalServicesOn !== undefined) change.additionalServicesOn = news.additionalServicesOn;
        if (change.channels) await ensureChannels(client, change.channels);
        // A new mac alone changes nothing in Stalker: the channels belong to the account and moved with it.
        const rows = Object.keys(change).length > 0 ? await send(client, box, news.mac, change) : await client.subscriptionsAt(box.mac);
        return outputsAfter(client, box, rows, { ...olds, ...news });
      });
    },
    async delete(id, olds) {
      const client = StalkerClient.fromConfig();
      await withLocks(boxLocks(id, [olds.mac]), async () => {
        const box = await boxOf(client, RESOURCE, id, olds.mac, "delete");
        if (!box) return; // the account is gone, and its channels with it
        // The API has no delete: the list is emptied (`sub_ch[]=`); additional services stay as they are.
        await send(client, box, undefined, { channels: [] });
      });
    },
  },
});

async function writableBox(client: StalkerClient, login: string, mac: string | undefined, operation: "create" | "update"): Promise<Box> {
  const box = await boxOf(client, RESOURCE, login, mac, operation);
  if (!box) throw noAccount(RESOURCE, login, operation);
  ensureDeclaredMac(RESOURCE, box, mac);
  return box;
}

/** PUT by the box's MAC, checked just before; a lost answer is sent again only after checking again. */
function send(client: StalkerClient, box: Box, declaredMac: string | undefined, change: { channels?: string[]; additionalServicesOn?: boolean }) {
  const recheck = async () => {
    let again: Box | undefined;
    try {
      again = await boxOf(client, RESOURCE, box.login, box.mac, "update");
    } catch (error) {
      throw new VendorApiError(`Stalker PUT /itv_subscription/{id}: the answer was lost, and checking the box again failed (${describeError(error)})`, {
        vendor: "stalker",
        operation: "PUT /itv_subscription/{id}",
        outcomeUnknown: true,
        cause: error,
      });
    }
    if (!again) throw noAccount(RESOURCE, box.login, "update");
    ensureDeclaredMac(RESOURCE, again, declaredMac ?? box.mac);
    return again;
  };
  return writeChecked(box, recheck, (mac) => client.setSubscription(mac, change));
}

/** Refuses ids that are not channels of this Stalker before anything is sent (Stalker stores any id). */
async function ensureChannels(client: StalkerClient, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await client.channels()).map((c) => c.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  throw new Error(
    `${RESOURCE}: channels ${unknown.map((id) => JSON.stringify(id)).join(", ")} ${unknown.length === 1 ? "is not a channel" : "are not channels"} of this Stalker ` +
      `(GET /itv has ${known.size} channels); nothing was sent. Look channel ids up with \`stalker.getChannel({ name })\`.`,
  );
}

/** The outputs from the PUT's answer (its rows for the MAC), or from a read when it holds none. */
async function outputsAfter(client: StalkerClient, box: Box, rows: StalkerSubscriptionRow[], known: Partial<Outputs>): Promise<Outputs> {
  const own = rows.filter((r) => r.mac === box.mac);
  const [row] = own.length > 0 ? own : await client.subscriptionsAt(box.mac);
  if (!row) throw new Error(`${RESOURCE} ${JSON.stringify(box.login)}: Stalker answered the PUT but has no subscription for MAC ${box.mac}; run \`pulumi refresh\``);
  return toOutputs(box, row, known);
}

/** The subscription as outputs. A box without a row (never written) has no channels. */
function toOutputs(box: Box, row: StalkerSubscriptionRow | undefined, known: Partial<Outputs>): Outputs {
  const flag = row?.additionalServicesOn ?? known.additionalServicesOn;
  return {
    login: box.login,
    mac: box.mac,
    channels: sortIds(row?.channels ?? []),
    ...(flag === undefined ? {} : { additionalServicesOn: flag }),
    accountNumber: row?.accountNumber || stringOf(box.record.account_number),
  } as Outputs;
}

/**
 * Every box with optional channels: one `GET /itv_subscription` and one `GET /accounts/` (to tell
 * whose box each MAC is). A box whose MAC several accounts share, or none, is left out.
 */
async function* discoverSubscriptions(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = StalkerClient.fromConfig();
  const [accounts, rows] = await Promise.all([sharedRead(options, "stalker:accounts", () => client.listAccounts()), client.listSubscriptions()]);
  const byMac = new Map<string, typeof accounts>();
  for (const a of accounts) {
    const mac = normalizeMac(stringOf(a.stb_mac));
    if (mac) byMac.set(mac, [...(byMac.get(mac) ?? []), a]);
  }
  const found: DiscoveredObject[] = [];
  for (const row of rows) {
    const holders = byMac.get(row.mac) ?? [];
    if (row.channels.length === 0 || holders.length !== 1) continue;
    const account = holders[0]!;
    const number = stringOf(account.account_number);
    if (options.subscriberPrefix !== undefined && !number.startsWith(options.subscriberPrefix)) continue;
    const flag = row.additionalServicesOn;
    found.push({
      id: account.login,
      inputs: { login: account.login, mac: row.mac, channels: sortIds(row.channels), ...(flag === undefined ? {} : { additionalServicesOn: flag }) },
      refs: { login: { token: "stalker:Account", id: account.login } },
      ...(number ? { subscriber: number } : {}),
      name: `${account.login}-channels`,
    });
    if (found.length >= (options.limit ?? Infinity)) break;
  }
  options.onProgress?.(found.length);
  yield* found;
}
