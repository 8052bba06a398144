import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/core/config";
import { ResourceInitError } from "../../provider/core/errors";
import { stalkerChannelSubscription as subscription } from "../../provider/stalker/channel-subscription";
import { stalkerMenuRestrictions as menu } from "../../provider/stalker/menu-restrictions";
import { startSandbox, type RunningSandbox } from "../../sandbox";

/** StalkerChannelSubscription and StalkerMenuRestrictions: the resources' own methods against the emulator. */
const PASSWORD = "test-only-stalker-boxes-pw";
let sandbox: RunningSandbox;
const emulator = () => sandbox.stalker.emulator;
const routes = () => emulator().log.entries().map((e) => e.route);
const clearLog = () => emulator().log.clear();
const MAC = "00:1A:79:00:00:0A";
const NEIGHBOUR_MAC = "00:1A:79:00:00:0B";

let config: Record<string, string>;
beforeAll(async () => {
  sandbox = await startSandbox({ stalker: { password: PASSWORD } });
  config = {
    "stalker:url": sandbox.stalker.url,
    "stalker:user": sandbox.stalker.user,
    "stalker:password": PASSWORD,
    "stalker:maxRetries": "1",
  };
});
afterAll(() => sandbox.stop());
beforeEach(() => {
  emulator().reset();
  // A client of its own per test: the account list it may reuse for two seconds is of another test's Stalker.
  setStackConfig({ get: (k) => config[k] });
  // Alice and her neighbour share account number 100 (a family with two boxes); the neighbour has channels of their own.
  emulator().addAccount({ login: "alice", account_number: "100", stb_mac: MAC });
  emulator().addAccount({ login: "neighbour", account_number: "100", stb_mac: NEIGHBOUR_MAC, sub_ch: ["58"], modules_restricted: ["karaoke"] });
});
const neighbourUntouched = () => expect(emulator().account("neighbour")).toMatchObject({ sub_ch: ["58"], modules_restricted: ["karaoke"], additional_services_on: 1 });

async function checked(resource: typeof subscription | typeof menu, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const { inputs, failures } = await resource.check(olds, news);
  expect(failures).toEqual([]);
  return inputs;
}

describe("StalkerChannelSubscription", () => {
  it("checks channel ids and the MAC at preview, accepting unknowns", async () => {
    const { failures } = await subscription.check({}, { login: "alice", mac: "00:1A", channels: ["27", "Discovery"] });
    expect(failures).toEqual([
      { property: "mac", reason: "must be a MAC address such as 00:1A:79:00:39:5E" },
      { property: "channels[1]", reason: 'must be a channel id (digits, e.g. "27"); stalker.getChannel looks one up by name' },
    ]);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect((await subscription.check({}, { login: unknown, mac: unknown, channels: [unknown, "27"] })).failures).toEqual([]);
    expect(routes()).toEqual([]);
  });

  it("creates by MAC: look-up, check of the box, the channel list, one PUT; the neighbour on the same account number is untouched", async () => {
    clearLog();
    const { id, outs } = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["29", "27"], additionalServicesOn: false }));
    expect(id).toBe("alice");
    expect(outs).toMatchObject({ login: "alice", mac: MAC, channels: ["27", "29"], additionalServicesOn: false, accountNumber: "100" });
    expect(routes()).toEqual(["accounts.get", "itv_subscription.get", "accounts.get", "itv.get", "itv_subscription.put"]);
    const [put] = emulator().log.entries("itv_subscription.put");
    expect(put).toMatchObject({ path: `/stalker_portal/api/itv_subscription/${MAC}`, params: { sub_ch: ["29", "27"], additional_services_on: "0" } });
    expect(emulator().account("alice")).toMatchObject({ sub_ch: ["29", "27"], additional_services_on: 0 });
    neighbourUntouched();
  });

  it("refreshes with drift, updates only what changed, and destroy empties the list by MAC", async () => {
    const { outs } = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }));
    emulator().editAccount("alice", { sub_ch: ["27", "70"] }); // changed in the admin panel
    const read = await subscription.read("alice", outs);
    expect(read.inputs).toMatchObject({ channels: ["27", "70"] });
    clearLog();
    const { outs: after } = await subscription.update("alice", read.props!, await checked(subscription, { login: "alice", mac: MAC, channels: ["27", "41"] }));
    expect(after.channels).toEqual(["27", "41"]);
    expect(routes()).toEqual(["accounts.get", "itv_subscription.put"]); // the channel list is reused for a minute
    clearLog();
    await subscription.delete("alice", after);
    expect(routes()).toEqual(["accounts.get", "itv_subscription.put"]);
    expect(emulator().log.entries("itv_subscription.put")[0]).toMatchObject({ path: `/stalker_portal/api/itv_subscription/${MAC}`, params: { sub_ch: [""] } });
    expect(emulator().account("alice")!.sub_ch).toEqual([""]);
    expect((await subscription.read("alice", after)).props).toMatchObject({ channels: [] });
    neighbourUntouched();
  });

  it("refuses a channel Stalker does not have, naming it, before anything is sent", async () => {
    await expect(subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27", "999"] }))).rejects.toThrow(
      /^StalkerChannelSubscription: channels "999" is not a channel of this Stalker \(GET \/itv has 12 channels\); nothing was sent\. Look channel ids up with `stalker\.getChannel\(\{ name \}\)`\.$/,
    );
    expect(emulator().log.entries("itv_subscription.put")).toEqual([]);
  });

  it("refuses a box that already has channels unless it adopts them; adoptExisting keeps them and applies the program's", async () => {
    emulator().editAccount("alice", { sub_ch: ["41"] });
    await expect(subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }))).rejects.toThrow(
      /Stalker already has a channel subscription with login "alice" \(id alice "MAC 00:1A:79:00:00:0A, channels 41"\); refusing to create a duplicate\. .*adoptExisting: true/,
    );
    const adopted = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"], __adopt: true }));
    expect(adopted.outs.channels).toEqual(["27"]);
    neighbourUntouched();
  });

  it("never writes to a MAC two accounts share, nor by account number, nor to an account without a MAC", async () => {
    emulator().editAccount("neighbour", { stb_mac: MAC }); // duplicated outside Pulumi
    await expect(subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }))).rejects.toThrow(
      /^StalkerChannelSubscription "alice": MAC 00:1A:79:00:00:0A also belongs to account "neighbour" in Stalker, so its settings cannot be told apart from theirs; nothing was read\./,
    );
    emulator().editAccount("neighbour", { stb_mac: NEIGHBOUR_MAC });
    emulator().editAccount("alice", { stb_mac: "" });
    await expect(subscription.create(await checked(subscription, { login: "alice", channels: ["27"] }))).rejects.toThrow(
      /^StalkerChannelSubscription "alice": the account has no set-top box MAC in Stalker, .*every box on that number\. Nothing can be read\./,
    );
    expect(emulator().log.entries("itv_subscription.put")).toEqual([]);
    neighbourUntouched();
  });

  it("refuses a declared mac that is not the account's box, and an account that does not exist", async () => {
    await expect(subscription.create(await checked(subscription, { login: "alice", mac: NEIGHBOUR_MAC, channels: ["27"] }))).rejects.toThrow(
      /mac is 00:1A:79:00:00:0B, but the account's set-top box in Stalker is 00:1A:79:00:00:0A; nothing was sent/,
    );
    await expect(subscription.create(await checked(subscription, { login: "nobody", channels: ["27"] }))).rejects.toThrow(
      /^StalkerChannelSubscription "nobody": Stalker has no account with this login, .*Create the StalkerAccount first/,
    );
    neighbourUntouched();
  });

  it("follows the account to a new MAC and, when the account is gone, is gone too (a destroy sends nothing)", async () => {
    const { outs } = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }));
    emulator().editAccount("alice", { stb_mac: "00:1A:79:00:00:0C" });
    expect((await subscription.read("alice", outs)).props).toMatchObject({ mac: "00:1A:79:00:00:0C", channels: ["27"] });
    emulator().deleteAccount("alice");
    expect(await subscription.read("alice", outs)).toEqual({});
    clearLog();
    await subscription.delete("alice", outs);
    expect(emulator().log.entries("itv_subscription.put")).toEqual([]);
    neighbourUntouched();
  });

  it("a box whose MAC now belongs to another account is not ours: a destroy leaves that account's channels alone", async () => {
    const { outs } = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }));
    emulator().deleteAccount("alice");
    emulator().addAccount({ login: "carol", account_number: "300", stb_mac: MAC, sub_ch: ["70"] }); // the box went to carol
    await subscription.delete("alice", outs);
    expect(emulator().account("carol")!.sub_ch).toEqual(["70"]);
  });

  it("never writes by a MAC that an account list a second old gave: the box went to someone else since", async () => {
    emulator().editAccount("alice", { sub_ch: ["27"] });
    const imported = await subscription.read("alice", {}); // found in the account list, which the client keeps for two seconds
    expect(imported.props).toMatchObject({ mac: MAC, channels: ["27"] });
    emulator().deleteAccount("alice");
    emulator().addAccount({ login: "carol", account_number: "300", stb_mac: MAC, sub_ch: ["70"] });
    const { mac: _mac, ...withoutMac } = imported.props!;
    await subscription.delete("alice", withoutMac);
    expect(emulator().account("carol")!.sub_ch).toEqual(["70"]);
    expect(emulator().log.entries("itv_subscription.put")).toEqual([]);
  });

  it("sends a PUT whose answer was lost again after checking the box: same channels, one box", async () => {
    emulator().faults.set("itv_subscription.put", { drop: "after", times: 1 });
    const { outs } = await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] }));
    expect(outs.channels).toEqual(["27"]);
    expect(emulator().log.entries("itv_subscription.put")).toHaveLength(2);
    neighbourUntouched();
  });

  it("ends pending when the PUT cannot be confirmed; the next up adopts what it wrote, without writing", async () => {
    emulator().faults.set("itv_subscription.put", { malformed: true });
    const error = (await subscription.create(await checked(subscription, { login: "alice", mac: MAC, channels: ["27"] })).catch((e: unknown) => e)) as ResourceInitError;
    expect(error).toBeInstanceOf(ResourceInitError);
    expect(error.id).toMatch(/^pending:/);
    expect(emulator().log.entries("itv_subscription.put")).toHaveLength(3);
    emulator().faults.clear();
    const read = await subscription.read(error.id, error.properties);
    expect(read).toMatchObject({ id: "alice", props: { channels: ["27"] } });
    neighbourUntouched();
  });
});

describe("StalkerMenuRestrictions", () => {
  it("needs restricted or disabled, and names a bad section at preview", async () => {
    expect((await menu.check({}, { login: "alice" })).failures).toEqual([
      { property: "restricted", reason: "set restricted or disabled (or both): the resource manages only the lists it is given" },
    ]);
    expect((await menu.check({}, { login: "alice", restricted: ["video club"] })).failures).toEqual([
      { property: "restricted[0]", reason: "must be a menu section's name, such as vclub, karaoke or radio" },
    ]);
  });

  it("creates with a PUT (never the examples' POST) by MAC, reads per box, updates and lifts only what it manages", async () => {
    emulator().editAccount("alice", { modules_disabled: ["weather"] }); // set in the panel, not managed here
    clearLog();
    const { outs } = await menu.create(await checked(menu, { login: "alice", mac: MAC, restricted: ["vclub", "karaoke"] }));
    expect(routes()).toEqual(["accounts.get", "stb_modules.get", "accounts.get", "stb_modules.put"]);
    expect(emulator().log.entries("stb_modules.put")[0]).toMatchObject({ path: `/stalker_portal/api/stb_modules/${MAC}`, params: { restricted: ["vclub", "karaoke"] } });
    expect(outs).toMatchObject({ restricted: ["karaoke", "vclub"], disabled: ["weather"] });
    clearLog();
    const read = await menu.read("alice", outs);
    expect(routes()).toEqual(["accounts.get", "stb_modules.get"]);
    expect(read.inputs).toEqual({ login: "alice", mac: MAC, restricted: ["karaoke", "vclub"] });
    const { outs: after } = await menu.update("alice", read.props!, await checked(menu, { login: "alice", mac: MAC, restricted: ["vclub"] }));
    expect(after.restricted).toEqual(["vclub"]);
    await menu.delete("alice", after);
    expect(emulator().account("alice")).toMatchObject({ modules_restricted: [""], modules_disabled: ["weather"] });
    neighbourUntouched();
  });

  it("a lost PUT answer is sent again after checking the box; one that cannot be confirmed leaves a placeholder the next read resolves", async () => {
    emulator().faults.set("stb_modules.put", { drop: "after", times: 1 });
    const { outs } = await menu.create(await checked(menu, { login: "alice", mac: MAC, restricted: ["vclub"] }));
    expect(outs.restricted).toEqual(["vclub"]);
    expect(emulator().log.entries("stb_modules.put")).toHaveLength(2);
    await menu.delete("alice", outs);
    emulator().faults.set("stb_modules.put", { malformed: true, times: 3 });
    const error = (await menu.create(await checked(menu, { login: "alice", mac: MAC, restricted: ["vclub"] })).catch((e: unknown) => e)) as ResourceInitError;
    expect(error.id).toMatch(/^pending:/);
    expect(await menu.read(error.id, error.properties)).toMatchObject({ id: "alice", props: { restricted: ["vclub"] } });
    neighbourUntouched();
  });

  it("imports by login alone and is gone with its account", async () => {
    emulator().editAccount("alice", { modules_restricted: ["vclub"] });
    const imported = await menu.read("alice", {});
    expect(imported.props).toMatchObject({ login: "alice", mac: MAC, restricted: ["vclub"], disabled: [] });
    emulator().deleteAccount("alice");
    expect(await menu.read("alice", imported.props!)).toEqual({});
    await expect(menu.delete("alice", imported.props!)).resolves.toBeUndefined();
    neighbourUntouched();
  });
});
