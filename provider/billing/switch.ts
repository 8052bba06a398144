import { z } from "zod";
import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError, VendorAuthError, VendorTransportError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { defineResource, sharedRead, type DiscoverOptions, type DiscoveredObject, type ResourceInputs, type ResourceOutputs } from "../core/resource";
import { field, input, output, sameValue } from "../core/schema";
import type { BillingRow } from "./answer";
import { BillingClient, SwitchOp, type SwitchColumns } from "./client";
import { homeAddress } from "./home";
import { ipToWire, wireToIp } from "./ip";
import { slug } from "./slug";

const int32 = (min: number) => z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(min, { error: `must be ${min} or more` }).max(2_147_483_647, { error: "is too large" });
const password = (wire: string, what: string) =>
  input(field.text({ max: 40 }).optional(), {
    onChange: "update",
    secret: true,
    writeOnly: true,
    wire,
    doc: `${what} password (${wire.toUpperCase()}, ≤ 40 characters); \`""\` clears it. Write-only: the provider never reads it back, so a change made in the billing is not detected.`,
  });

const inputs = z.object({
  homeId: input(int32(1), {
    onChange: "update",
    wire: "home_id",
    doc: "The home the switch is installed in (HOME_ID): a `BillingHome`'s `homeId`. Moving the switch to another home updates it in place (it keeps its ID).",
  }),
  name: input(field.text({ min: 1, max: 1024 }), { onChange: "update", wire: "name", doc: "Name (NAME), e.g. `Ленина 12А: подъезд 1`." }),
  ip: input(field.ipv4(), {
    onChange: "update",
    wire: "ip",
    doc: "Management IPv4 address (IP), dotted. The billing keeps it as an INTEGER (network byte order, signed: `192.168.1.1` is -1062731519); the provider converts both ways.",
  }),
  switchType: input(field.text({ max: 256 }).optional(), { onChange: "update", wire: "switch_type", doc: "The switch type's name as the billing knows it (SWITCH_TYPE), e.g. `D-Link DES-3200-28`." }),
  portsCount: input(int32(0).optional(), { onChange: "update", wire: "ports_cnt", doc: "Number of ports (PORTS_CNT)." }),
  pswSnmp: password("psw_snmp", "SNMP"),
  pswSsh: password("psw_ssh", "SSH"),
  pswTelnet: password("psw_telnet", "Telnet"),
  assignToHomeSubscribers: input(field.bool().optional(), {
    onChange: "ignore",
    wire: "update_home_flag",
    doc: "Give every subscriber of the home this switch (UPDATE_HOME_FLAG 1) when the switch is added to a home — on create, and when `homeId` changes. It overrides each subscriber's own switch; a change to this flag alone sends nothing.",
  }),
});

const outputs = z.object({
  switchId: output(z.number(), "The billing's switch ID (the resource id, as a number)."),
});

type Inputs = ResourceInputs<typeof inputs.shape>;
type Outputs = ResourceOutputs<typeof inputs.shape, typeof outputs.shape>;
const PASSWORDS = ["pswSnmp", "pswSsh", "pswTelnet"] as const;
const PASSWORD_COLUMN: Record<(typeof PASSWORDS)[number], "psw_snmp" | "psw_ssh" | "psw_telnet"> = { pswSnmp: "psw_snmp", pswSsh: "psw_ssh", pswTelnet: "psw_telnet" };

/** An access switch in a home (CLN_SWITCH_EDIT / CLN_SWITCH_LIST). */
export const billingSwitch = defineResource({
  token: "billing:Switch",
  description:
    "An access switch installed in a home of the ISP billing (cashier API `api.php`: CLN_SWITCH_EDIT, CLN_SWITCH_LIST), with its management passwords. " +
    "Every CLN_SWITCH_EDIT restarts the billing's DHCP server, so the provider sends one only when something really changes: a plan with no change, a refresh or an import sends none. Every field updates in place.",
  inputs,
  outputs,
  idPattern: /^\d+$/,
  idDoc: "the billing's switch ID, digits, e.g. `501`",
  // The document makes no column unique. The management IP is what the billing matches a switch by
  // (DHCP option 82 relays, CLN_USR_FIND_2's ROUTER_IP); the home scopes the look-up (P_HOME_ID).
  // A name is free text, repeated across homes ("подъезд 1").
  naturalKey: {
    fields: ["homeId", "ip"],
    unique: true,
    find: async (i) =>
      (await BillingClient.fromConfig().listSwitches({ homeId: i.homeId! }))
        .filter((row) => row["home_id"] === String(i.homeId) && wireToIp(row["ip"] ?? "") === i.ip)
        .map((row) => ({ id: row["id"]!, label: row["name"] ?? "" })),
  },
  async *discover(options: DiscoverOptions): AsyncIterable<DiscoveredObject> {
    // Two calls for everything: CLN_SWITCH_LIST and CLN_HOME_LIST without IDs (no paging exists).
    const client = BillingClient.fromConfig();
    const rows = await client.listSwitches();
    options.onProgress?.(rows.length);
    const addresses = new Map((await sharedRead(options, "billing:homes", () => client.listHomes())).map((home) => [home["id"], homeAddress(home)]));
    options.onProgress?.(rows.length);
    let yielded = 0;
    for (const row of rows) {
      if (options.limit !== undefined && yielded >= options.limit) return;
      const address = addresses.get(row["home_id"]) ?? "";
      // A switch belongs to its home: grouped, and filtered, by the home's address.
      if (options.subscriberPrefix !== undefined && !address.startsWith(options.subscriberPrefix)) continue;
      yielded++;
      yield {
        id: row["id"]!,
        inputs: toInputs(row),
        ...(row["home_id"] ? { refs: { homeId: { token: "billing:Home", id: row["home_id"] } } } : {}),
        ...(address ? { subscriber: address } : {}),
        name: slug(row["name"] ?? "", `switch-${row["id"]}`),
      };
    }
  },
  handlers: {
    async create(i, progress, context) {
      const client = BillingClient.fromConfig();
      registerPasswords(i);
      const id = await addSwitch(client, i, context);
      progress.created(String(id), { ...i, switchId: id });
      const row = await client.switches.fresh(id);
      if (!row) throw goneError(id);
      return { id: String(id), outs: toOutputs(row, i) };
    },
    async read(id, olds) {
      const row = await BillingClient.fromConfig().switches.get(Number(id));
      return row && toOutputs(row, olds);
    },
    async update(id, olds, news, changed) {
      if (changed.length === 0) return olds;
      const client = BillingClient.fromConfig();
      const switchId = Number(id);
      registerPasswords(news);
      // P_OP 0 sets every column: start from what the billing has now (asked by ID, now).
      const current = (await client.listSwitches({ id: switchId }, { withPasswords: true })).find((row) => row["id"] === id);
      if (!current) throw goneError(switchId);
      const now = toInputs(current);
      const differs = Object.keys(news).filter((key) => {
        const k = key as keyof Inputs;
        if (k === "assignToHomeSubscribers") return false;
        if (isPassword(k)) return PASSWORD_COLUMN[k] in current ? !sameValue(current[PASSWORD_COLUMN[k]], news[k]) : changed.includes(k);
        return !sameValue(now[k], news[k]);
      });
      // Nothing the program declares differs from the billing: no call, so no dhcpd restart.
      if (differs.length === 0) return toOutputs(current, news);
      const columns: Partial<SwitchColumns> = { ...columnsOf({ ...now, ...news }) };
      const unknown: string[] = [];
      for (const key of PASSWORDS) {
        if (news[key] !== undefined) continue;
        const column = PASSWORD_COLUMN[key];
        if (column in current) columns[column] = current[column] === "" ? null : current[column];
        else unknown.push(key);
      }
      if (unknown.length > 0) {
        throw new Error(
          `billing switch ${switchId}: CLN_SWITCH_EDIT rewrites every column, and this billing's CLN_SWITCH_LIST does not show passwords, so changing ${differs.join(", ")} ` +
            `would erase the switch's ${unknown.join(", ")} as the billing has ${unknown.length > 1 ? "them" : "it"}. Declare ${unknown.join(", ")} (the current value, or "" for none) and run \`pulumi up\` again. Nothing was sent.`,
        );
      }
      columns.update_home_flag = news.assignToHomeSubscribers === true && differs.includes("homeId") ? 1 : 0;
      await client.editSwitch(SwitchOp.update, switchId, columns);
      const row = await client.switches.fresh(switchId);
      if (!row) throw goneError(switchId);
      return toOutputs(row, news);
    },
    async delete(id) {
      const client = BillingClient.fromConfig();
      const switchId = Number(id);
      // Looked up first: a delete of a switch that is already gone would restart dhcpd for nothing.
      if (!(await client.switches.fresh(switchId))) return;
      try {
        await client.editSwitch(SwitchOp.delete, switchId);
      } catch (error) {
        if (error instanceof VendorAuthError || error instanceof VendorTransportError) throw error;
        if (await client.switches.fresh(switchId)) throw error;
      }
    },
  },
});

/**
 * CLN_SWITCH_EDIT P_OP 1 is not idempotent (and restarts dhcpd), so it is never blindly repeated.
 * The core has refused a home + IP that is taken. After a lost answer, or an add answered without
 * an `<id>`, the switch is found by home + IP among those that were not there before: one is ours;
 * none after a definite failure means the add never happened; when the look-up fails too, or the
 * billing may still be working (a timeout), the create ends pending and the next `pulumi up` or
 * `refresh` finds it — never a second switch.
 */
async function addSwitch(client: BillingClient, i: Inputs, context: CreateContext): Promise<number> {
  const where = `home ${i.homeId}, IP ${i.ip}`;
  const columns = { ...columnsOf(i), update_home_flag: i.assignToHomeSubscribers ? 1 : 0 };
  for (let attempt = 1; ; attempt++) {
    let rows: BillingRow[];
    try {
      rows = await client.editSwitch(SwitchOp.add, null, columns);
    } catch (error) {
      if (!(error instanceof VendorApiError) || !error.outcomeUnknown) throw error;
      const made = await lookUp(context, where, `lost the answer to the add (${error.message})`, error);
      if (made !== undefined) return made;
      if (mayStillBeRunning(error)) {
        throw new CreateOutcomeUnknownError(`${error.message}; the billing does not list a switch at ${where} yet but may still be adding it`, { cause: error });
      }
      if (attempt >= 3) throw error;
      continue;
    }
    const id = rows.map((row) => row["id"]).find((value) => value !== undefined && /^\d+$/.test(value));
    if (id !== undefined) return Number(id);
    const made = await lookUp(context, where, "answered the add without an <id>");
    if (made !== undefined) return made;
    throw new CreateOutcomeUnknownError(`the billing answered the add without an <id>, and CLN_SWITCH_LIST lists no new switch at ${where} yet`);
  }
}

/** The one switch with home + IP that was not there before, undefined for none, an error for several. */
async function lookUp(context: CreateContext, where: string, what: string, cause?: VendorApiError): Promise<number | undefined> {
  let made: string[];
  try {
    made = await context.findNew();
  } catch (lookupError) {
    throw new CreateOutcomeUnknownError(`the billing ${what}; looking the switch up at ${where} failed too (${describeError(lookupError)})`, { cause: cause ?? lookupError });
  }
  if (made.length > 1) {
    throw new Error(`the billing ${what}, and ${made.length} new switches are at ${where} (ID ${made.join(", ")}). Not guessing which is ours: delete the stray one in the billing, then run \`pulumi up\` again.`);
  }
  return made.length === 1 ? Number(made[0]) : undefined;
}

function isPassword(key: string): key is (typeof PASSWORDS)[number] {
  return (PASSWORDS as readonly string[]).includes(key);
}

/** Passwords the provider sends are masked in any message, should the billing ever echo one. */
function registerPasswords(values: Partial<Inputs>): void {
  for (const key of PASSWORDS) if (values[key]) registerSecret(values[key]);
}

/** CLN_SWITCH_EDIT columns from inputs; "" is NULL, the IP goes as its INTEGER. */
function columnsOf(values: Partial<Inputs>): Partial<SwitchColumns> {
  const text = (v: string | undefined) => (v === undefined || v === "" ? null : v);
  return {
    name: values.name ?? null,
    ip: values.ip === undefined ? null : ipToWire(values.ip),
    switch_type: text(values.switchType),
    psw_snmp: text(values.pswSnmp),
    psw_ssh: text(values.pswSsh),
    psw_telnet: text(values.pswTelnet),
    home_id: values.homeId ?? null,
    ports_cnt: values.portsCount ?? null,
  };
}

/** A CLN_SWITCH_LIST row as inputs — never the passwords, whether or not the billing sent them. */
export function toInputs(row: BillingRow): Partial<Inputs> {
  const out: Partial<Inputs> = {};
  const number = (column: string) => {
    const value = row[column];
    if (value === undefined || value === "") return undefined;
    if (!/^-?\d+$/.test(value)) throw unreadable(row, column);
    return Number(value);
  };
  if (row["name"]) out.name = row["name"];
  if (row["ip"] !== undefined && row["ip"] !== "") {
    const ip = wireToIp(row["ip"]);
    if (ip === undefined) throw unreadable(row, "ip");
    out.ip = ip;
  }
  if (row["switch_type"]) out.switchType = row["switch_type"];
  const homeId = number("home_id");
  if (homeId !== undefined) out.homeId = homeId;
  const ports = number("ports_cnt");
  if (ports !== undefined) out.portsCount = ports;
  return out;
}

/** Outputs: the row as inputs, the write-only passwords (and the creation flag) as last applied. */
function toOutputs(row: BillingRow, applied: Partial<Inputs>): Outputs {
  const kept = Object.fromEntries([...PASSWORDS, "assignToHomeSubscribers"].filter((k) => applied[k as keyof Inputs] !== undefined).map((k) => [k, applied[k as keyof Inputs]]));
  return { ...toInputs(row), ...kept, switchId: Number(row["id"]) } as Outputs;
}

function unreadable(row: BillingRow, column: string): VendorApiError {
  return new VendorApiError(`billing CLN_SWITCH_LIST answered switch ${row["id"]} with ${column} = ${JSON.stringify(row[column])}, which cannot be read`, { vendor: "billing", operation: "CLN_SWITCH_LIST" });
}

function goneError(id: number): Error {
  return new Error(`billing switch ${id} no longer exists (deleted outside Pulumi?); run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to create it again.`);
}
