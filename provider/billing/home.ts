import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { defineResource, sharedRead, type DiscoverOptions, type DiscoveredObject, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, sameValue } from "../core/schema";
import { decodeWireFields, wireFields, WireDecodeError } from "../core/wire";
import type { BillingRow } from "./answer";
import { BillingClient, HomeOp, type HomeColumns } from "./client";
import { slug } from "./slug";

/** INTEGER columns (S_NUMBER, PULL_ID) are 32-bit in the billing's database. */
const int32 = () => z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(0, { error: "must be 0 or more" }).max(2_147_483_647, { error: "is too large" });
const text = (max: number, wire: string, doc: string) => input(field.text({ max }).optional(), { onChange: "update", wire, doc });

const isoDate = z
  .string({ error: "must be a string" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date in the form YYYY-MM-DD", abort: true })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: "is not a real calendar date" });

const inputs = z.object({
  street: input(field.text({ min: 1, max: 256 }), { onChange: "update", wire: "street", doc: "Street (STREET), e.g. `улица Ленина`." }),
  number: input(int32(), { onChange: "update", wire: "s_number", doc: "House number (S_NUMBER), a whole number; letters go in `liter`." }),
  liter: text(32, "s_liter", "House letter or building (S_LITER), e.g. `А` or `корп. 2`."),
  city: text(256, "city", "City (CITY)."),
  region: text(256, "region", "Region (REGION)."),
  country: text(256, "country", "Country (COUNTRY)."),
  zipCode: text(10, "zip_code", "Postal code (ZIP_CODE)."),
  ipPoolId: input(int32().optional(), { onChange: "update", wire: "pull_id", doc: "IP pool of the home's subscribers (PULL_ID); must exist in the billing." }),
  connectDate: input(isoDate.optional(), { onChange: "update", wire: "connect_date", doc: "Date the home was connected (CONNECT_DATE), `YYYY-MM-DD`." }),
});

const outputs = z.object({
  homeId: output(z.number(), "The billing's home ID (the resource id, as a number)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
const FIELDS = wireFields(inputs);
/** What makes an address: the directory refuses a second home with the same one (ours, not the billing's rule). */
const ADDRESS: Array<keyof Inputs> = ["street", "number", "liter", "city", "region", "country", "zipCode"];

/** A house in the billing's address directory (CLN_HOME_EDIT / CLN_HOME_LIST). */
export const billingHome = defineResource({
  token: "billing:Home",
  description:
    "A house in the ISP billing's address directory (cashier API `api.php`: CLN_HOME_EDIT, CLN_HOME_LIST), where subscriber connections start. Every field updates in place; the full address is the home's identity.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the billing's home ID, digits, e.g. `101`",
  // The full address. street and number are required inputs; the other parts count as empty when
  // not set, so "Ленина 12" and "Ленина 12А" are different homes. Matched exactly (trimmed).
  naturalKey: {
    fields: ["street", "number"],
    optionalFields: ["liter", "city", "region", "country", "zipCode"],
    unique: true,
    // One list for many creates (refreshed by every write); a fresh one when the core waits for a late add.
    find: async (i, options) => {
      const client = BillingClient.fromConfig();
      const rows = options?.fresh ? await client.listHomes() : await client.homes.all();
      return sameAddress(rows, i).map((row) => ({ id: row["id"]!, label: homeAddress(row) }));
    },
  },
  async *discover(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
    // CLN_HOME_LIST without P_ID answers every home in one call (the document has no paging).
    const client = BillingClient.fromConfig();
    const rows = await sharedRead(options, "billing:homes", () => client.listHomes());
    options.onProgress?.(rows.length);
    let yielded = 0;
    for (const row of rows) {
      if (options.limit !== undefined && yielded >= options.limit) return;
      const values = toInputs(row);
      const address = addressText(values);
      // A home belongs to no single subscriber: it is grouped, and filtered, by its address.
      if (options.subscriberPrefix !== undefined && !address.startsWith(options.subscriberPrefix)) continue;
      yielded++;
      yield { id: row["id"]!, inputs: values, subscriber: address, name: slug(`${values.street ?? ""} ${values.number ?? ""}${values.liter ?? ""}`, `home-${row["id"]}`) };
    }
  },
  handlers: {
    async create(i, progress, context) {
      const client = BillingClient.fromConfig();
      const id = await addHome(client, i, context);
      progress.created(String(id), { ...i, homeId: id });
      return { id: String(id), outs: await readOrFail(client, id) };
    },
    read: async (id) => {
      const row = await BillingClient.fromConfig().homes.get(Number(id));
      return row && toOutputs(row);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = BillingClient.fromConfig();
      const homeId = Number(id);
      // P_OP 0 sets every column. Columns the program does not declare keep what the billing has
      // now (read just before, by ID), so an update never clears what someone else set.
      const current = await findRow(client, homeId);
      if (!current) throw goneError(homeId);
      const now = toInputs(current);
      // Nothing the program declares differs from the billing (a drift someone undid): send nothing.
      if (Object.keys(news).every((key) => sameValue(now[key as keyof Inputs], news[key as keyof Inputs]))) return toOutputs(current);
      await client.editHome(HomeOp.edit, homeId, { ...columnsOfRow(current), ...columnsOf(news) });
      return readOrFail(client, homeId);
    },
    async delete(id) {
      const client = BillingClient.fromConfig();
      const homeId = Number(id);
      try {
        await client.editHome(HomeOp.delete, homeId);
      } catch (error) {
        // How the billing answers a delete of a missing home is undocumented (the sandbox: success);
        // a refusal is checked: a home that is not there is deleted.
        if (error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        if (await findRow(client, homeId)) {
          if (error instanceof VendorApiError && /FOREIGN KEY/i.test(error.message)) {
            throw new Error(`${error.message}. Billing home ${homeId} still has switches or subscribers: delete or move them first (a BillingSwitch in the same program is deleted before its home).`, { cause: error });
          }
          throw error;
        }
      }
    },
  },
});

/**
 * CLN_HOME_EDIT P_OP 1 is not idempotent, so it is never blindly repeated. The core has taken the
 * address's lock and refused an address that exists (the directory must not hold it twice). When
 * the answer is lost, or unreadable, or carries no `<id>` (the answer is undocumented), the home is
 * found by its full address among the homes that were not there before (`context.findNew()`): one
 * is ours; none after a definite failure means the add never happened and is sent again; several
 * is an error naming them. When the look-up fails too, or the billing may still be working on the
 * add (a timeout), the create ends pending ({@link CreateOutcomeUnknownError}) and the next
 * `pulumi up` or `refresh` finds the home by its address — never a second one.
 */
async function addHome(client: BillingClient, i: Inputs, context: CreateContext): Promise<number> {
  const address = describeAddress(i);
  for (let attempt = 1; ; attempt++) {
    let rows: BillingRow[];
    try {
      rows = await client.editHome(HomeOp.add, null, columnsOf(i));
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      const made = await lookUp(client, context, address, `lost the answer to the add (${error.message})`, error);
      if (made.length === 1) return made[0]!;
      if (mayStillBeRunning(error)) {
        // We stopped waiting, the billing may not have: no home yet proves nothing, and a second add
        // could be a duplicate. The next `pulumi up` looks again.
        throw new CreateOutcomeUnknownError(`${error.message}; the billing does not list a home at ${address} yet but may still be adding it`, { cause: error });
      }
      if (attempt >= 3) throw error;
      // Not there after the billing ended the exchange itself: the add never took effect.
      continue;
    }
    const id = rows.map((row) => row["id"]).find((value) => value !== undefined && /^\d+$/.test(value));
    if (id !== undefined) return Number(id);
    // Assumed possible: an add answered without an <id>. Find it by its address.
    const made = await lookUp(client, context, address, "answered the add without an <id>");
    if (made.length === 1) return made[0]!;
    throw new CreateOutcomeUnknownError(`the billing answered the add without an <id>, and CLN_HOME_LIST lists no new home at ${address} yet`);
  }
}

/** The homes with the address that were not there before the add; at most one, or an error. */
async function lookUp(client: BillingClient, context: CreateContext, address: string, what: string, cause?: VendorApiError): Promise<number[]> {
  let made: string[];
  try {
    made = await context.findNew();
  } catch (lookupError) {
    throw new CreateOutcomeUnknownError(`the billing ${what}; looking the home up by its address ${address} failed too (${describeError(lookupError)})`, { cause: cause ?? lookupError });
  }
  if (made.length > 1) {
    const rows = (await client.homes.all()).filter((row) => made.includes(row["id"]!));
    const candidates = rows.map((row) => `ID ${row["id"]}: ${describeAddress(toInputs(row))}`).join("; ");
    throw new Error(
      `the billing ${what}, and ${made.length} homes have the address ${address} — ${candidates}. ` +
        "Not guessing which is new: delete the stray one in the billing, then run `pulumi up` again.",
    );
  }
  return made.map(Number);
}

function sameAddress(rows: BillingRow[], i: Partial<Inputs>): BillingRow[] {
  const wanted = JSON.stringify(addressOf(i));
  return rows.filter((row) => JSON.stringify(addressOf(toInputs(row))) === wanted);
}

/** The address fields, trimmed, "" for absent: how two homes are compared. */
function addressOf(values: Partial<Inputs>): string[] {
  return ADDRESS.map((key) => (values[key] === undefined || values[key] === null ? "" : String(values[key]).trim()));
}

/** A CLN_HOME_LIST row's address as one line (how discover groups a home and its switches). */
export function homeAddress(row: BillingRow): string {
  return addressText(toInputs(row));
}

/** `Россия, Республика Татарстан, Казань, 420111, улица Ленина, 12А`. */
function addressText(values: Partial<Inputs>): string {
  const parts = [values.country, values.region, values.city, values.zipCode, values.street, `${values.number ?? ""}${values.liter ?? ""}`];
  return parts.filter((part) => part !== undefined && part !== null && part !== "").join(", ");
}

function describeAddress(values: Partial<Inputs>): string {
  return JSON.stringify(addressText(values));
}

/** CLN_HOME_EDIT columns from inputs: "" and absent are NULL (the literal `null`). */
function columnsOf(values: Partial<Inputs>): Partial<HomeColumns> {
  const columns: Partial<HomeColumns> = {};
  for (const { key, wire } of FIELDS) {
    const value = values[key as keyof Inputs];
    if (value === undefined) continue;
    columns[wire as keyof HomeColumns] = value === "" ? null : value;
  }
  return columns;
}

/** Every column as the billing has it (for the columns an edit must not change). */
function columnsOfRow(row: BillingRow): Partial<HomeColumns> {
  const columns: Partial<HomeColumns> = {};
  for (const { wire } of FIELDS) columns[wire as keyof HomeColumns] = row[wire] === undefined || row[wire] === "" ? null : row[wire];
  return columns;
}

/** The home by ID, asked of the billing now (not from a shared list): what an edit builds on. */
function findRow(client: BillingClient, id: number): Promise<BillingRow | undefined> {
  // Filtered by ID again: the document does not promise that P_ID narrows the list.
  return client.homes.fresh(id);
}

/** A CLN_HOME_LIST row as inputs (for reads, discover, and `getHomes`). */
export function toInputs(row: BillingRow): Partial<Inputs> {
  // An empty element is NULL; CONNECT_DATE comes back as a timestamp in the billing's format.
  const present = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ""));
  const { connect_date: connectDate, ...rest } = present;
  let values: Record<string, unknown>;
  try {
    values = decodeWireFields(inputs, rest);
  } catch (error) {
    if (!(error instanceof WireDecodeError)) throw error;
    throw new VendorApiError(`billing CLN_HOME_LIST answered a home that cannot be read: ${error.message}`, { vendor: "billing", operation: "CLN_HOME_LIST" });
  }
  if (connectDate !== undefined) values["connectDate"] = dateOf(connectDate);
  return values as Partial<Inputs>;
}

function toOutputs(row: BillingRow): Outputs {
  return { ...toInputs(row), homeId: Number(row["id"]) } as Outputs;
}

/**
 * The date part of a timestamp as the billing renders it: `2024-03-01 00:00:00`, `2024-03-01`,
 * or `01.03.2024 00:00:00` (assumed: either order; a time of day is dropped).
 */
export function dateOf(value: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})/.exec(value.trim());
  if (ru) return `${ru[3]}-${ru[2]!.padStart(2, "0")}-${ru[1]!.padStart(2, "0")}`;
  return value;
}

async function readOrFail(client: BillingClient, id: number): Promise<Outputs> {
  const row = await client.homes.fresh(id);
  if (!row) throw goneError(id);
  return toOutputs(row);
}

function goneError(id: number): Error {
  return new Error(`billing home ${id} no longer exists (deleted outside Pulumi?); run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to create it again.`);
}
