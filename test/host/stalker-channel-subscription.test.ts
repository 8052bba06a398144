import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../sandbox";
import { ACCOUNT_TYPE, boxRegistrations, CHANNELS_TYPE, MAC, NEIGHBOUR, withInputsOf } from "../fixtures/stalker-boxes";
import { useHostFixture } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";

/**
 * StalkerChannelSubscription through the packed package and Pulumi's real dynamic-provider host,
 * against the Stalker emulator — where a PUT by account number changes every box on it, and a PUT
 * to a MAC no box has rewrites every box's channels — with the example's account and channels
 * (their ids looked up by name with stalker.getChannel, in the program).
 */
const PASSWORD = "test-only-host-stalker-channels-pw";
const SECRET_CONFIG = ["stalker:password"];
const fixture = useHostFixture({ vendor: "stalker", sandbox: { stalker: { password: PASSWORD } }, secretKeys: SECRET_CONFIG });
const { emulator, vendorCalls, clearVendorLog } = fixture;
let sandbox: RunningSandbox, host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ sandbox, host, engine, config } = fixture);
});
const fresh = () => new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
/** The example's account and channels; the program's own channel lookups are not counted. */
const program = async (extra: Record<string, string> = {}) => {
  const registrations = boxRegistrations(await fixture.program(extra), [ACCOUNT_TYPE, CHANNELS_TYPE]);
  clearVendorLog();
  return registrations;
};
const channelsOnly = (r: Registration[]) => r.filter((x) => x.type === CHANNELS_TYPE);
const puts = () => emulator().log.entries().filter((e) => e.method !== "GET");
let neighbourBefore: unknown;
const neighbourUntouched = () => expect(emulator().account("neighbour")).toEqual(neighbourBefore);
const subscriptionState = (e: MiniEngine = engine) => Object.values(e.state()).find((s) => s.type === CHANNELS_TYPE)!;

describe("StalkerChannelSubscription through the provider host", () => {
  let registrations: Registration[];

  it("previews with Check only, no vendor call, unknown values accepted; a bad channel id or MAC is named", async () => {
    emulator().addAccount(NEIGHBOUR);
    neighbourBefore = structuredClone(emulator().account("neighbour"));
    registrations = await program();
    expect(channelsOnly(registrations)[0]!.inputs).toMatchObject({ login: "alice", mac: MAC, channels: ["27", "41"] });
    const steps = await engine.preview(withInputsOf(registrations, CHANNELS_TYPE, { login: UNKNOWN, channels: [UNKNOWN, "27"] }));
    expect(steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(engine.lastRpcs.map((r) => r.method)).toEqual(["configure", "check", "check"]);
    const [, bad] = await engine.preview(withInputsOf(registrations, CHANNELS_TYPE, { channels: ["27", "Eurosport"], mac: "00:1A:79" }));
    expect(bad).toMatchObject({
      op: "check-failed",
      failures: [
        { property: "mac", reason: "must be a MAC address such as 00:1A:79:00:39:5E" },
        { property: "channels[1]", reason: 'must be a channel id (digits, e.g. "27"); stalker.getChannel looks one up by name' },
      ],
    });
    expect(vendorCalls()).toEqual([]);
  });

  it("creates after the account with one PUT by the box's MAC; the family's other box is untouched", async () => {
    const steps = await engine.up(registrations);
    expect(steps).toMatchObject([
      { op: "create", id: "alice" },
      { op: "create", id: "alice" },
    ]);
    expect(vendorCalls()).toEqual([
      "accounts.post",
      "accounts.get",
      // The subscription: its natural key (does the box have channels already?), the box's MAC
      // checked to be this account's alone, the channels checked to exist, the PUT.
      "accounts.get",
      "itv_subscription.get",
      "accounts.get",
      "itv.get",
      "itv_subscription.put",
    ]);
    expect(puts().map((e) => `${e.method} ${e.path}`)).toEqual(["POST /stalker_portal/api/accounts/", `PUT /stalker_portal/api/itv_subscription/${MAC}`]);
    expect(emulator().log.entries("itv_subscription.put")[0]!.params).toEqual({ sub_ch: ["27", "41"] });
    expect(subscriptionState().outputs).toMatchObject({ login: "alice", mac: MAC, channels: ["27", "41"], accountNumber: "100" });
    expect(emulator().account("alice")!.sub_ch).toEqual(["27", "41"]);
    neighbourUntouched();
  });

  it("refreshes with one coalesced accounts GET and one subscriptions GET; the next plan is a no-op that calls nothing", async () => {
    clearVendorLog();
    expect((await engine.refresh()).map((s) => [s.op, s.changed])).toEqual([
      ["refresh", false],
      ["refresh", false],
    ]);
    expect(vendorCalls()).toEqual(["accounts.get", "accounts.get", "itv_subscription.get"]);
    clearVendorLog();
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "same"]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
  });

  it("updates the channels in place (looked up by their new names), by MAC, sending only sub_ch", async () => {
    registrations = await program({ "stalker-example:channels": JSON.stringify(["Eurosport 2", "Discovery Channel"]) });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    expect(vendorCalls()).toEqual([]);
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    expect(puts().map((e) => [e.path, e.params])).toEqual([[`/stalker_portal/api/itv_subscription/${MAC}`, { sub_ch: ["42", "27"] }]]);
    expect(subscriptionState().outputs.channels).toEqual(["27", "42"]);
    neighbourUntouched();
  });

  it("shows channels changed in the Stalker admin panel on refresh, in the next plan, and the next up restores them", async () => {
    emulator().editAccount("alice", { sub_ch: ["27", "70"], additional_services_on: 0 });
    const [, refreshed] = await engine.refresh();
    expect(refreshed).toMatchObject({ op: "refresh", changed: true });
    expect(subscriptionState().inputs).toMatchObject({ channels: ["27", "70"] });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    clearVendorLog();
    await engine.up(registrations);
    expect(emulator().account("alice")).toMatchObject({ sub_ch: ["42", "27"], additional_services_on: 0 });
    neighbourUntouched();
  });

  it("imports the subscription by login: a match writes nothing; a mismatch lists the difference; a missing login is named", async () => {
    const other = fresh();
    const [differs] = await other.preview(withInputsOf(channelsOnly(registrations), CHANNELS_TYPE, { __import: "alice", channels: ["27"] }));
    expect(differs!.failures).toEqual([
      { property: "channels", reason: expect.stringMatching(/^differs from the channel subscription alice being imported — channels: declared \["27"\], Stalker has \["27","42"\]/) },
    ]);
    const [missing] = await other.preview(withInputsOf(channelsOnly(registrations), CHANNELS_TYPE, { __import: "nobody" }));
    expect(missing!.failures).toEqual([
      { property: "__import", reason: 'Stalker has no channel subscription with id "nobody" (it does not exist, or is another kind of object): check the id' },
    ]);
    clearVendorLog();
    expect(await other.up(withInputsOf(channelsOnly(registrations), CHANNELS_TYPE, { __import: "alice" }))).toMatchObject([{ op: "create", id: "alice" }]);
    expect(puts()).toEqual([]);
  });

  it("without adoptExisting refuses a box that has channels already; with it, adopts them and applies the program's", async () => {
    const other = fresh();
    const [refused] = await other.up(withInputsOf(channelsOnly(registrations), CHANNELS_TYPE, { channels: ["61"] }));
    expect(refused!.error).toMatch(/Stalker already has a channel subscription with login "alice" \(id alice "MAC 00:1A:79:00:39:5E, channels 27, 42"\); refusing to create a duplicate\. .*adoptExisting: true/);
    clearVendorLog();
    expect(await other.up(withInputsOf(channelsOnly(registrations), CHANNELS_TYPE, { channels: ["61"], __adopt: true }))).toMatchObject([{ op: "create", id: "alice" }]);
    expect(puts().map((e) => e.params)).toEqual([{ sub_ch: ["61"] }]);
    // The main stack sees that as drift; put its channels back.
    await engine.refresh();
    await engine.up(registrations);
    neighbourUntouched();
  });

  it("replaces on a new login (the account was replaced): the channels go to the new account's box, nothing to the old one's", async () => {
    registrations = await program({ "stalker-example:login": "alice2" });
    expect((await engine.preview(registrations)).map((s) => [s.op, s.replaceOrder])).toEqual([
      ["replace", "delete-before-create"],
      ["replace", "create-before-delete"],
    ]);
    clearVendorLog();
    expect((await engine.up(registrations)).map((s) => [s.op, s.id ?? s.replacedId])).toEqual([
      ["delete", "alice"],
      ["replace", "alice2"],
      ["replace", "alice2"],
      ["delete", "alice"],
    ]);
    // The old subscription went with the old account: its delete finds no account "alice" and sends nothing.
    expect(puts().map((e) => `${e.method} ${e.path}`)).toEqual([
      `DELETE /stalker_portal/api/accounts/${MAC}`,
      "POST /stalker_portal/api/accounts/",
      `PUT /stalker_portal/api/itv_subscription/${MAC}`,
    ]);
    expect(emulator().account("alice2")!.sub_ch).toEqual(["27", "41"]);
    expect(subscriptionState().outputs).toMatchObject({ login: "alice2", channels: ["27", "41"] });
    neighbourUntouched();
  });

  it("destroys by emptying the list by MAC (the API has no delete); destroying again succeeds; the account's destroy comes after", async () => {
    const state = subscriptionState();
    clearVendorLog();
    const destroyed = await engine.destroy();
    expect(destroyed.map((s) => [s.op, s.id]).sort()).toEqual([
      ["delete", "alice2"],
      ["delete", "alice2"],
    ]);
    // (After the replacement above the mini engine deletes the account first — it orders by creation,
    // not by dependency as the real engine does — and the channels went with it: then no PUT is needed.)
    const writes = puts().map((e) => `${e.method} ${e.path} ${JSON.stringify(e.params)}`);
    expect(writes).toContain(`DELETE /stalker_portal/api/accounts/${MAC} {}`);
    expect(writes.filter((w) => w.startsWith("PUT")).every((w) => w === `PUT /stalker_portal/api/itv_subscription/${MAC} {"sub_ch":[""]}`)).toBe(true);
    clearVendorLog();
    await expect(host.delete(engine.urnOf(CHANNELS_TYPE, "alice-channels"), "alice2", state.outputs)).resolves.toBeUndefined();
    expect(puts()).toEqual([]); // the account is gone, and its channels with it: nothing to send
    expect((await host.read(engine.urnOf(CHANNELS_TYPE, "alice-channels"), "alice2", state.outputs, {})).id).toBe("");
    neighbourUntouched();
  });

  it("a destroy of the subscription alone empties the list by MAC and leaves the account", async () => {
    const stack = fresh();
    const base = await program();
    await stack.up(base);
    clearVendorLog();
    const channelsUrn = stack.urnOf(CHANNELS_TYPE, "alice-channels");
    const state = stack.state()[channelsUrn]!;
    await host.delete(channelsUrn, state.id, state.outputs, state.inputs);
    expect(puts().map((e) => `${e.method} ${e.path} ${JSON.stringify(e.params)}`)).toEqual([`PUT /stalker_portal/api/itv_subscription/${MAC} {"sub_ch":[""]}`]);
    expect(emulator().account("alice")).toMatchObject({ sub_ch: [""] });
    // Again: the box is still there, so the list is emptied again — harmless, and the delete succeeds.
    await expect(host.delete(channelsUrn, state.id, state.outputs, state.inputs)).resolves.toBeUndefined();
    neighbourUntouched();
    await stack.destroy();
  });

  it("a create whose PUT answer was lost checks the box again and sends it once more: one box changed, no neighbour", async () => {
    const stack = fresh();
    const base = await program();
    emulator().faults.set("itv_subscription.put", { drop: "after", times: 1 });
    expect((await stack.up(base)).map((s) => [s.op, s.error])).toEqual([
      ["create", undefined],
      ["create", undefined],
    ]);
    expect(emulator().log.entries("itv_subscription.put").map((e) => e.path)).toEqual([
      `/stalker_portal/api/itv_subscription/${MAC}`,
      `/stalker_portal/api/itv_subscription/${MAC}`,
    ]);
    expect(emulator().account("alice")!.sub_ch).toEqual(["27", "41"]);
    neighbourUntouched();
    await stack.destroy();
  });

  it("a create that cannot be confirmed stays in the state as a placeholder; the next up adopts what Stalker has without writing", async () => {
    const stack = fresh();
    const base = await program();
    emulator().faults.set("itv_subscription.put", { malformed: true, times: 3 });
    const [, failed] = await stack.up(base);
    expect(failed).toMatchObject({ op: "create", initFailed: { id: expect.stringMatching(/^pending:/) } });
    expect(failed!.error).toMatch(/could not tell whether Stalker created it \(login "alice"\)\. The stack keeps a placeholder/);
    expect(subscriptionState(stack).id).toMatch(/^pending:/);
    clearVendorLog();
    const steps = await stack.up(base);
    expect(steps.map((s) => s.op)).toEqual(["same", "replace", "delete"]);
    expect(subscriptionState(stack).id).toBe("alice");
    expect(emulator().log.entries("itv_subscription.put")).toEqual([]);
    neighbourUntouched();
    await stack.destroy();
  });

  it("refuses to write when the box's MAC is shared with another account; nothing is sent, the neighbour intact", async () => {
    const stack = fresh();
    const base = await program();
    await stack.up(base);
    emulator().editAccount("neighbour", { stb_mac: MAC }); // duplicated in the panel
    clearVendorLog();
    const [, update] = await stack.up(withInputsOf(base, CHANNELS_TYPE, { channels: ["61"] }));
    expect(update!.error).toMatch(/StalkerChannelSubscription "alice": MAC 00:1A:79:00:39:5E also belongs to account "neighbour" in Stalker, so its settings cannot be written without changing theirs too; nothing was sent/);
    expect(puts()).toEqual([]);
    emulator().editAccount("neighbour", { stb_mac: NEIGHBOUR.stb_mac });
    neighbourUntouched();
    await stack.destroy();
  });

  it("never leaves the API password in the state or the host's output", () => {
    for (const text of [engine.stateJson(), host.stderr, host.stdout]) expect(text).not.toContain(PASSWORD);
    expect(sandbox.stalker.password).toBe(PASSWORD);
  });
});
