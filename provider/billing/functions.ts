import { z } from "zod";
import { arg, defineFunction, exactlyOne } from "../core/function";
import type { BillingRow } from "./answer";
import { BillingClient } from "./client";
import { toInputs as homeInputs } from "./home";
import { findSubscriberRecords, subscriberOf, type Subscriber } from "./subscribers";
import { toInputs as switchInputs } from "./switch";

/**
 * Lookups in the billing, for programs and deploy pipelines: subscribers (CLN_USR_FIND_2,
 * CLN_USR_GET), homes (CLN_HOME_LIST) and switches (CLN_SWITCH_LIST). Matching is always exact,
 * whatever the billing's own search does; no answer ever carries a password (PSW, GEN_PWD, AD_PASS,
 * the switches' PSW_*: dropped as the answer is parsed).
 */

const text = (doc: string) => arg(z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(), doc);
const id = (doc: string) => arg(z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be 1 or more" }).optional(), doc);

export const subscriberResult = z.object({
  id: z.number(),
  login: z.string().optional(),
  name: z.string().optional(),
  contractNumber: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  groupId: z.number().optional(),
  groupName: z.string().optional(),
  tariffId: z.number().optional(),
  tariffName: z.string().optional(),
  balance: z.number().optional(),
  credit: z.number().optional(),
  enabled: z.boolean(),
  deleted: z.boolean(),
  ip: z.string().optional(),
  mac: z.string().optional(),
  homeId: z.number().optional(),
  apartment: z.number().optional(),
  switchId: z.number().optional(),
  switchName: z.string().optional(),
  switchIp: z.string().optional(),
  switchPort: z.number().optional(),
  vlan: z.number().optional(),
  stbIp: z.string().optional(),
  stbMac: z.string().optional(),
  voipIp: z.string().optional(),
  voipMac: z.string().optional(),
  createDate: z.string().optional(),
}) satisfies z.ZodType<Subscriber>;

export const findSubscribers = defineFunction({
  token: "billing:findSubscribers",
  description:
    "Subscribers (not groups) found with CLN_USR_FIND_2 by exactly one of: login, contract number, contract-number prefix or range, IP, phone (SMS) or SIP id, each completed with CLN_USR_GET. " +
    "Matches are exact and case-sensitive, whatever the billing's own search does (it may match substrings): each candidate is checked against its CLN_USR_GET record — except `sipId`, which no answer carries, so those are as the billing matched them. " +
    "Deleted subscribers are left out unless `includeDeleted`. Costs: 1 + one CLN_USR_GET per candidate; a prefix or range search with `billing:contractNumberSearch` `exact` (the default) reads every subscriber (see the page).",
  args: z.object({
    login: text("The login (LOGIN_IN)."),
    contractNumber: text("The contract number (CONTRACT_NUMBER_IN)."),
    contractNumberPrefix: text("Every contract number starting with this, e.g. `D-0012`."),
    contractNumberFrom: text("With `contractNumberTo`: contract numbers in this range, inclusive — the same text before the digits (`D-000100` … `D-000199`), the digits compared as numbers."),
    contractNumberTo: text("The range's upper end (see `contractNumberFrom`)."),
    ip: arg(z.ipv4({ error: "must be an IPv4 address in the form 192.168.10.1" }).optional(), "The subscriber's IPv4 address (IP_IN)."),
    phone: text("The phone number as the billing holds it (SMS_IN), e.g. `+79170000001`."),
    sipId: text("A service's id on the equipment (SIP_ID): a VoIP number or an IPTV account number. Not checkable: no answer carries it."),
    includeDeleted: arg(z.boolean({ error: "must be true or false" }).optional(), "Also deleted subscribers (DELETED 1). Default false."),
  }),
  result: z.array(subscriberResult),
  invoke: (args) => findSubscriberRecords(BillingClient.fromConfig(), args),
});

export const getSubscriber = defineFunction({
  token: "billing:getSubscriber",
  description:
    "One subscriber's record (CLN_USR_GET) by its billing ID, or by login or contract number (CLN_USR_FIND_2, exact, deleted subscribers left out): exactly one must match, else the error says what there is. Every password-like column (PSW, GEN_PWD, AD_PASS) is left out.",
  args: z.object({
    id: id("The billing's user ID (SELECT_ID)."),
    login: text("The login."),
    contractNumber: text("The contract number."),
  }),
  result: subscriberResult,
  async invoke(args) {
    const given = (["id", "login", "contractNumber"] as const).filter((k) => args[k] !== undefined);
    if (given.length !== 1) throw new Error(`billing.getSubscriber: give exactly one of id, login, contractNumber (got ${given.length === 0 ? "none" : given.join(" and ")})`);
    const client = BillingClient.fromConfig();
    const describe = (s: Subscriber) => `${s.id} (login ${JSON.stringify(s.login ?? "")}, contract ${JSON.stringify(s.contractNumber ?? "")})`;
    if (args.id !== undefined) {
      const row = await client.getUser(args.id);
      if (row && row["end_user"] === "0") throw new Error(`billing.getSubscriber: user ${args.id} is a group of subscribers (END_USER 0), not a subscriber`);
      return exactlyOne(row ? [subscriberOf(row)] : [], { fn: "billing.getSubscriber", asked: `id ${args.id}`, describe });
    }
    const found = await findSubscriberRecords(client, args.login !== undefined ? { login: args.login } : { contractNumber: args.contractNumber! });
    const asked = args.login !== undefined ? `login ${JSON.stringify(args.login)}` : `contract number ${JSON.stringify(args.contractNumber)}`;
    return exactlyOne(found, { fn: "billing.getSubscriber", asked, describe });
  },
});

const homeResult = z.object({
  id: z.number(),
  street: z.string().optional(),
  number: z.number().optional(),
  liter: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
  zipCode: z.string().optional(),
  ipPoolId: z.number().optional(),
  connectDate: z.string().optional(),
});

export const getHomes = defineFunction({
  token: "billing:getHomes",
  description: "Homes of the billing's address directory (CLN_HOME_LIST: one call), filtered exactly by the arguments given (all of them must match); none given: every home.",
  args: z.object({
    id: id("The home ID (P_ID)."),
    street: text("The street, exactly (`улица Ленина`)."),
    number: arg(z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).optional(), "The house number."),
    liter: text("The house letter."),
    city: text("The city."),
  }),
  result: z.array(homeResult),
  async invoke(args) {
    const rows = await BillingClient.fromConfig().listHomes(args.id);
    return rows
      .map((row) => ({ id: Number(row["id"]), ...homeInputs(row) }))
      .filter((h) => (args.id === undefined || h.id === args.id) && matches(h, args, ["street", "number", "liter", "city"]));
  },
});

const switchResult = z.object({
  id: z.number(),
  homeId: z.number().optional(),
  name: z.string().optional(),
  ip: z.string().optional(),
  switchType: z.string().optional(),
  portsCount: z.number().optional(),
});

export const getSwitches = defineFunction({
  token: "billing:getSwitches",
  description: "Access switches (CLN_SWITCH_LIST: one call, by home when `homeId` is given), filtered exactly by the arguments given. Their passwords are never in the answer.",
  args: z.object({
    id: id("The switch ID (P_ID)."),
    homeId: id("The home's ID (P_HOME_ID)."),
    ip: arg(z.ipv4({ error: "must be an IPv4 address in the form 192.168.10.1" }).optional(), "The management IP address."),
    name: text("The name, exactly."),
  }),
  result: z.array(switchResult),
  async invoke(args) {
    const rows = await BillingClient.fromConfig().listSwitches({ ...(args.id !== undefined ? { id: args.id } : {}), ...(args.homeId !== undefined ? { homeId: args.homeId } : {}) });
    return rows.map((row: BillingRow) => ({ id: Number(row["id"]), ...switchInputs(row) })).filter((s) => (args.id === undefined || s.id === args.id) && matches(s, args, ["homeId", "ip", "name"]));
  },
});

function matches(item: Record<string, unknown>, args: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((k) => args[k] === undefined || item[k] === args[k]);
}
