import { z } from "zod";
import { defineResource, DECLARED_KEY, sharedRead, type DiscoveredObject, type DiscoverOptions, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, type CheckFailure } from "../core/schema";
import { stringOf, withLocks } from "./addressing";
import { boxLocks, boxOf, ensureDeclaredMac, firstBoxWrite, noAccount, sortIds, writeChecked, type Box } from "./box";
import { StalkerClient, type StalkerModules } from "./client";
import { macInput, normalizeMac } from "./mac";

const RESOURCE = "StalkerMenuRestrictions";

const moduleList = (doc: string) =>
  input(
    z
      .array(field.text({ min: 1 }).regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a menu section's name, such as vclub, karaoke or radio" }))
      .optional(),
    { onChange: "update", compare: "set", doc },
  );

const inputs = z.object({
  login: input(field.text({ min: 1 }), {
    onChange: "replace",
    doc: "Login of the account whose set-top box this is — usually `account.id` (a StalkerAccount's id is its login), which also makes this wait for the account. The resource id. Another login is another account's box: it replaces the resource.",
  }),
  mac: macInput(
    "MAC of that account's set-top box (the account's `stbMac`). Optional: it lets the provider find the box without listing every account, and a write is refused unless the account's box has this MAC.",
  ),
  restricted: moduleList("Main-menu sections shown but locked (STB_MODULES `restricted`), e.g. `[\"vclub\", \"karaoke\"]`; `[]` for none. Not set: left as it is."),
  disabled: moduleList("Main-menu sections not shown at all (STB_MODULES `disabled`), e.g. `[\"radio\"]`; the box applies it after a reboot. `[]` for none. Not set: left as it is."),
});

const outputs = z.object({});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
type Lists = "restricted" | "disabled";
const LISTS: readonly Lists[] = ["restricted", "disabled"];

/**
 * The menu sections one account's set-top box may not open (STB_MODULES). Its own resource rather
 * than inputs of StalkerAccount: it is a setting of the box, addressed by its MAC like the channel
 * subscription, and STB_MODULES has no list or multi-box GET — reading it costs a GET per box, which
 * only the programs that manage it should pay on every refresh.
 */
export const stalkerMenuRestrictions = defineResource({
  token: "stalker:MenuRestrictions",
  description:
    "The main-menu sections (video club, karaoke, radio …) one subscriber's set-top box may not open, in Stalker Middleware (STB_MODULES). The id is the account's login; writes go to the box's MAC only, never to an account number. Destroying it lifts the restrictions it manages.",
  inputs,
  outputs,
  idPattern: /\S/,
  idDoc: "the login of the account whose box it is, e.g. `alice`",
  // One per account. It "exists" once the box has a restriction in a list the program manages: a
  // create refuses a box that already has some (set outside this stack) unless it adopts them.
  naturalKey: {
    fields: ["login"],
    unique: true,
    find: async (i) => {
      const client = StalkerClient.fromConfig();
      const box = await boxOf(client, RESOURCE, i.login!, i.mac, "read");
      const now = box && (await client.getModules(box.mac));
      // Only the lists the program manages: a section disabled in the panel is no conflict for a program that sets `restricted`.
      const taken = now && LISTS.some((k) => i[k] !== undefined && now[k].length > 0);
      return now && taken
        ? [{ id: i.login!, label: `MAC ${box.mac}, restricted ${JSON.stringify(now.restricted)}, disabled ${JSON.stringify(now.disabled)}` }]
        : [];
    },
  },
  crossCheck: (i, known) => {
    const failures: CheckFailure[] = [];
    if (known("restricted") && known("disabled") && i.restricted === undefined && i.disabled === undefined) {
      failures.push({ property: "restricted", reason: "set restricted or disabled (or both): the resource manages only the lists it is given" });
    }
    return failures;
  },
  discover: discoverRestrictions,
  handlers: {
    async create(i) {
      const client = StalkerClient.fromConfig();
      return withLocks(boxLocks(i.login, [i.mac]), async () => {
        const box = await writableBox(client, i.login, i.mac, "create");
        const after = await firstBoxWrite(() => send(client, box, i.mac, pickLists(i, LISTS)));
        return { id: i.login, outs: toOutputs(box, after) };
      });
    },
    async read(id, olds) {
      const client = StalkerClient.fromConfig();
      const box = await boxOf(client, RESOURCE, id, olds.mac, "read");
      if (!box) return undefined; // the account is gone, and its box's settings with it
      const now = await client.getModules(box.mac);
      return now && toOutputs(box, now);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = StalkerClient.fromConfig();
      return withLocks(boxLocks(id, [olds.mac, news.mac]), async () => {
        const box = await writableBox(client, id, news.mac ?? olds.mac, "update");
        const change = pickLists(news, LISTS.filter((k) => changed.includes(k)));
        // A new mac alone changes nothing in Stalker: the settings belong to the account and moved with it.
        const after = Object.keys(change).length > 0 ? await send(client, box, news.mac, change) : await client.getModules(box.mac);
        if (!after) throw noAccount(RESOURCE, id, "update");
        return toOutputs(box, after);
      });
    },
    async delete(id, olds) {
      const client = StalkerClient.fromConfig();
      await withLocks(boxLocks(id, [olds.mac]), async () => {
        const box = await boxOf(client, RESOURCE, id, olds.mac, "delete");
        if (!box) return; // the account is gone, and its box's settings with it
        // Lifts the lists this resource manages (the ones the program declared), not the others.
        const stored = (olds as Record<string, unknown>)[DECLARED_KEY];
        const declared = Array.isArray(stored) ? (stored as string[]) : [...LISTS];
        const managed = LISTS.filter((k) => declared.includes(k));
        if (managed.length === 0) return;
        await send(client, box, undefined, Object.fromEntries(managed.map((k) => [k, []])));
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

/** PUT by the box's MAC, checked just before (and again before a repeat after a lost answer). */
function send(client: StalkerClient, box: Box, declaredMac: string | undefined, change: Partial<StalkerModules>): Promise<StalkerModules> {
  const recheck = async () => {
    const again = await boxOf(client, RESOURCE, box.login, box.mac, "update");
    if (!again) throw noAccount(RESOURCE, box.login, "update");
    ensureDeclaredMac(RESOURCE, again, declaredMac ?? box.mac);
    return again;
  };
  return writeChecked(box, recheck, (mac) => client.setModules(mac, change));
}

function pickLists(values: Partial<Inputs>, keys: readonly Lists[]): Partial<StalkerModules> {
  return Object.fromEntries(keys.filter((k) => values[k] !== undefined).map((k) => [k, values[k]!]));
}

/** The lists as outputs, without the `""` that clearing leaves (`[""]`). */
function toOutputs(box: Box, now: StalkerModules): Outputs {
  return { login: box.login, mac: box.mac, restricted: sortIds(now.restricted), disabled: sortIds(now.disabled) } as Outputs;
}

/**
 * Every box with a restriction. STB_MODULES has no list and answers one box per GET, so this is
 * one `GET /accounts/` and then one `GET /stb_modules/<mac>` per box (four at a time) — a Stalker
 * with 10,000 boxes costs 10,001 calls. Boxes whose MAC several accounts share are left out.
 */
async function* discoverRestrictions(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
  const client = StalkerClient.fromConfig();
  const accounts = await sharedRead(options, "stalker:accounts", () => client.listAccounts());
  const counts = new Map<string, number>();
  for (const a of accounts) {
    const mac = normalizeMac(stringOf(a.stb_mac));
    if (mac) counts.set(mac, (counts.get(mac) ?? 0) + 1);
  }
  const boxes = accounts.filter((a) => {
    const mac = normalizeMac(stringOf(a.stb_mac));
    const number = stringOf(a.account_number);
    return mac && counts.get(mac) === 1 && (options.subscriberPrefix === undefined || number.startsWith(options.subscriberPrefix));
  });
  let yielded = 0;
  options.onProgress?.(yielded);
  for (let i = 0; i < boxes.length; i += 4) {
    const part = boxes.slice(i, i + 4);
    const lists = await Promise.all(part.map((a) => client.getModules(normalizeMac(stringOf(a.stb_mac))!)));
    for (const [j, account] of part.entries()) {
      const now = lists[j];
      if (!now || (now.restricted.length === 0 && now.disabled.length === 0)) continue;
      const number = stringOf(account.account_number);
      yield {
        id: account.login,
        inputs: { login: account.login, mac: normalizeMac(stringOf(account.stb_mac))!, restricted: sortIds(now.restricted), disabled: sortIds(now.disabled) },
        refs: { login: { token: "stalker:Account", id: account.login } },
        ...(number ? { subscriber: number } : {}),
        name: `${account.login}-menu`,
      };
      if (++yielded >= (options.limit ?? Infinity)) return;
    }
    options.onProgress?.(yielded);
  }
}
