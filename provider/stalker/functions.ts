import { z } from "zod";
import { arg, defineFunction, exactlyOne } from "../core/function";
import { StalkerClient, type StalkerChannel } from "./client";

/**
 * Lookups in Stalker Middleware for programs: channel ids for StalkerChannelSubscription.
 *
 * No tariff-plan lookup: the v1 document has no resource that lists tariff plans (StalkerAccount's
 * `tariffPlan` is an external id such as `FULL`, which the program has to know).
 */

const channel = z.object({
  id: z.string(),
  name: z.string(),
  number: z.number(),
  baseChannel: z.boolean(),
});

/** Names compare without case and surrounding spaces ("eurosport 1" finds "Eurosport 1"). */
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const describe = (c: StalkerChannel) => `${JSON.stringify(c.name)} (id ${c.id}, number ${c.number})`;
const number = () => z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(0, { error: "must be 0 or more" });

export const getChannels = defineFunction({
  token: "stalker:getChannels",
  description:
    "The TV channels of Stalker (`GET /itv`), optionally filtered: their ids, names, numbers and whether they are in the base package. One call per lookup.",
  args: z.object({
    name: arg(z.string().min(1, { error: "must not be empty" }).optional(), "Only the channel with this name (case and surrounding spaces ignored)."),
    nameContains: arg(z.string().min(1, { error: "must not be empty" }).optional(), "Only channels whose name contains this (case ignored), e.g. `Eurosport`."),
    number: arg(number().optional(), "Only the channel with this number (its position in the channel list)."),
    baseChannel: arg(z.boolean().optional(), "Only base-package channels (`true`) or only optional ones a box subscribes to (`false`)."),
  }),
  result: z.array(channel),
  async invoke(args) {
    const all = await StalkerClient.fromConfig().listChannels();
    return all.filter(
      (c) =>
        (args.name === undefined || sameName(c.name, args.name)) &&
        (args.nameContains === undefined || c.name.toLowerCase().includes(args.nameContains.trim().toLowerCase())) &&
        (args.number === undefined || c.number === args.number) &&
        (args.baseChannel === undefined || c.baseChannel === args.baseChannel),
    );
  },
});

export const getChannel = defineFunction({
  token: "stalker:getChannel",
  description:
    "One TV channel of Stalker (`GET /itv`) by its name, number or id — an error names what there is when none matches or several do. Its `id` is what StalkerChannelSubscription's `channels` take.",
  args: z.object({
    name: arg(z.string().min(1, { error: "must not be empty" }).optional(), "The channel's name (case and surrounding spaces ignored), e.g. `Discovery Channel`."),
    number: arg(number().optional(), "The channel's number."),
    id: arg(z.string().regex(/^\d+$/, { error: "must be a channel id (digits)" }).optional(), "The channel's id, to check that it exists."),
  }),
  result: channel,
  async invoke(args) {
    const asked = [
      args.name !== undefined ? `name ${JSON.stringify(args.name)}` : "",
      args.number !== undefined ? `number ${args.number}` : "",
      args.id !== undefined ? `id ${args.id}` : "",
    ].filter(Boolean);
    if (asked.length === 0) throw new Error("stalker.getChannel: give name, number or id");
    const all = await StalkerClient.fromConfig().listChannels();
    const matches = all.filter(
      (c) => (args.name === undefined || sameName(c.name, args.name)) && (args.number === undefined || c.number === args.number) && (args.id === undefined || c.id === args.id),
    );
    return exactlyOne(matches, { fn: "stalker.getChannel", asked: `${asked.join(" and ")} among Stalker's ${all.length} channels`, describe, available: all });
  },
});
