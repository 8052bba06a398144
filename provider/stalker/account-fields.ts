import { z } from "zod";
import { VendorApiError } from "../core/errors";
import type { ResourceInputs, ResourceOutputs } from "../core/resource";
import { field, input, output } from "../core/schema";
import { decodeWireFields, wireFields } from "../core/wire";
import { stringOf } from "./addressing";
import type { StalkerAccountRecord } from "./client";
import { macInput, normalizeMac } from "./mac";

/** The fields of a StalkerAccount, and how an account of `GET /accounts/` reads into them. */

const text = (wire: string, doc: string) => input(field.text().optional(), { onChange: "update", wire, doc });

export const inputs = z.object({
  login: input(field.text({ min: 1 }), {
    onChange: "replace",
    wire: "login",
    doc: "Login of the subscriber's set-top box; unique in Stalker. The resource id. A new login replaces the account.",
  }),
  password: input(field.text().optional(), {
    onChange: "update",
    secret: true,
    writeOnly: true,
    wire: "password",
    doc: "Password for that login. Stalker never reads it back, so a change made outside Pulumi is not detected.",
  }),
  fullName: text("full_name", "Name of the subscriber (a person or an organisation)."),
  phone: text("phone", "Subscriber's phone number."),
  comment: text("comment", "Free-text note for operators."),
  // Assumption: Stalker splits identifiers on "," and reads one with a colon as a MAC; "/" and "\\"
  // would change the path. Such numbers could address the wrong accounts, so check refuses them.
  accountNumber: input(
    field
      .text()
      .refine((s) => s === "" || (/^[^,/\\:\s]+$/.test(s) && !/^\.+$/.test(s)), {
        error: "must not contain spaces or any of , / \\ : (Stalker would read it as several identifiers, a path or a MAC)",
      })
      .optional(),
    {
      onChange: "update",
      wire: "account_number",
      doc: "Account (contract) number. Several subscribers may share one; such an account can only be changed or deleted when it also has an stbMac.",
    },
  ),
  tariffPlan: text("tariff_plan", "External id of the tariff plan (e.g. FULL)."),
  active: input(field.bool().default(true), {
    onChange: "update",
    wire: "status",
    doc: "Service on (true) or off (false); `status` 1/0 in Stalker. Default: true.",
  }),
  stbMac: macInput(
    "MAC of the subscriber's set-top box, stored upper case with colons. The API addresses the account by it; a MAC another account has is refused.",
    { wire: "stb_mac" },
  ),
});

export const outputs = z.object({
  stbSn: output(z.string(), "Serial number of the set-top box, as Stalker reports it."),
  stbType: output(z.string(), "Model of the set-top box (e.g. MAG250)."),
  online: output(z.boolean(), "Whether the set-top box is connected now."),
  subscribed: output(z.array(z.string()), "Ids of the optional packages the account subscribes to."),
});

export type Inputs = ResourceInputs<typeof inputs.shape>;
export type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;


export const INPUT_KEYS = Object.keys(inputs.shape);

/** The account as outputs. Fields Stalker does not answer (the password; phone and comment on some versions) keep their last known value. */
export function toOutputs(record: StalkerAccountRecord, known: Partial<Outputs>): Outputs {
  let fields: Record<string, unknown>;
  try {
    fields = decodeWireFields(inputs, record);
  } catch (error) {
    throw new VendorApiError(`Stalker answered an account that cannot be read: ${(error as Error).message}`, {
      vendor: "stalker",
      operation: "GET /accounts/{id}",
    });
  }
  if (typeof fields.stbMac === "string") fields.stbMac = normalizeMac(fields.stbMac) ?? fields.stbMac;
  const outs: Record<string, unknown> = { ...pick(known, WRITE_ONLY_OR_OPTIONAL.filter((k) => fields[k] === undefined)), ...fields };
  outs.stbSn = stringOf(record.stb_sn);
  outs.stbType = stringOf(record.stb_type);
  outs.online = record.online === 1 || record.online === "1" || record.online === true;
  outs.subscribed = Array.isArray(record.subscribed) ? record.subscribed.map(String) : [];
  return outs as Outputs;
}

const WRITE_ONLY_OR_OPTIONAL = wireFields(inputs).map((f) => f.key);

export function pick<T extends object>(values: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}
