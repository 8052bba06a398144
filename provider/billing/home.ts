import { z } from "zod";
import { VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { withKeyLock } from "../core/key-lock";
import { defineResource, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output } from "../core/schema";
import { decodeWireFields, wireFields, WireDecodeError } from "../core/wire";
import type { BillingRow } from "./answer";
import { BillingClient, HomeOp, type HomeColumns } from "./client";

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
/** What makes an address: a home is found by these when an add answers no id. */
const ADDRESS: Array<keyof Inputs> = ["street", "number", "liter", "city", "region", "country", "zipCode"];

/** A house in the billing's address directory (CLN_HOME_EDIT / CLN_HOME_LIST). */
export const billingHome = defineResource({
  token: "billing:Home",
  description:
    "A house in the ISP billing's address directory (cashier API `api.php`: CLN_HOME_EDIT, CLN_HOME_LIST), where subscriber connections start. Every field updates in place.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  handlers: {
    async create(i, progress) {
      const client = BillingClient.fromConfig();
      // Two creates of the same address in one run must not both pass the duplicate check.
      const id = await withKeyLock(`billing:home:${JSON.stringify(addressOf(i))}`, () => addHome(client, i));
      progress.created(String(id), { ...i, homeId: id });
      return { id: String(id), outs: await readOrFail(client, id) };
    },
    read: async (id) => {
      const row = await findRow(BillingClient.fromConfig(), Number(id));
      return row && toOutputs(row);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = BillingClient.fromConfig();
      const homeId = Number(id);
      // P_OP 0 sets every column. Columns the program does not declare keep what the billing has
      // now (read just before), so an update never clears what someone else set.
      const current = await findRow(client, homeId);
      if (!current) throw goneError(homeId);
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
        if (await findRow(client, homeId)) throw error;
      }
    },
  },
});

/**
 * CLN_HOME_EDIT P_OP 1 is not idempotent, so it is never blindly repeated: a create refuses an
 * address the directory already has, and a create whose answer was lost, or came without an
 * `<id>` (the answer is undocumented), finds the home by its full address — failing with the
 * candidates when that is ambiguous rather than guessing.
 */
async function addHome(client: BillingClient, i: Inputs): Promise<number> {
  const existing = sameAddress(await client.listHomes(), i);
  if (existing.length > 0) {
    throw new Error(
      `the billing already has a home at ${describeAddress(i)} (ID ${existing.map((row) => row["id"]).join(", ")}); refusing to create a duplicate. ` +
        "Change the address, or delete that home in the billing if it is a leftover.",
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await client.editHome(HomeOp.add, null, columnsOf(i));
      const id = rows.map((row) => row["id"]).find((value) => value !== undefined && /^\d+$/.test(value));
      if (id !== undefined) return Number(id);
      // Assumed possible: an add answered without an <id>. Find it by its address.
      return pickOne(sameAddress(await client.listHomes(), i), i, "answered the add without an <id>");
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      const found = sameAddress(await client.listHomes(), i);
      if (found.length > 0) return pickOne(found, i, `lost the answer to the add (${error.message})`);
      if (attempt >= 3) throw error;
      // Not there: the add never took effect, so sending it again cannot duplicate it.
    }
  }
}

function pickOne(rows: BillingRow[], i: Inputs, what: string): number {
  if (rows.length === 1) return Number(rows[0]!["id"]);
  if (rows.length === 0) {
    throw new Error(`the billing ${what}, and no home at ${describeAddress(i)} can be found with CLN_HOME_LIST; check the billing, then run \`pulumi up\` again.`);
  }
  const candidates = rows.map((row) => `ID ${row["id"]}: ${describeAddress(toInputs(row))}`).join("; ");
  throw new Error(
    `the billing ${what}, and ${rows.length} homes have the address ${describeAddress(i)} — ${candidates}. ` +
      "Not guessing which is new: delete the stray one in the billing, then run `pulumi up` again.",
  );
}

function sameAddress(rows: BillingRow[], i: Inputs): BillingRow[] {
  const wanted = addressOf(i);
  return rows.filter((row) => JSON.stringify(addressOf(toInputs(row))) === JSON.stringify(wanted));
}

/** The address fields, trimmed, "" for absent: how two homes are compared. */
function addressOf(values: Partial<Inputs>): string[] {
  return ADDRESS.map((key) => (values[key] === undefined || values[key] === null ? "" : String(values[key]).trim()));
}

function describeAddress(values: Partial<Inputs>): string {
  const parts = [values.country, values.region, values.city, values.zipCode, values.street, `${values.number ?? ""}${values.liter ?? ""}`];
  return JSON.stringify(parts.filter((part) => part !== undefined && part !== "").join(", "));
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

async function findRow(client: BillingClient, id: number): Promise<BillingRow | undefined> {
  // Filtered here too: the document does not promise that P_ID narrows the list.
  return (await client.listHomes(id)).find((row) => row["id"] === String(id));
}

function toInputs(row: BillingRow): Partial<Inputs> {
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
  const row = await findRow(client, id);
  if (!row) throw goneError(id);
  return toOutputs(row);
}

function goneError(id: number): Error {
  return new Error(`billing home ${id} no longer exists (deleted outside Pulumi?); run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to create it again.`);
}
