import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_TYPE, boxRegistrations, MAC, MENU_TYPE, NEIGHBOUR, withInputsOf } from "../fixtures/stalker-boxes";
import { useHostFixture } from "../harness/host-fixture";
import { MiniEngine } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";
import { UNKNOWN, type ProviderHost } from "../harness/provider-host";

/**
 * StalkerMenuRestrictions through the packed package and Pulumi's real dynamic-provider host,
 * against the Stalker emulator (STB_MODULES: PUT applies to every box an identifier addresses; the
 * document's POST examples are refused), with the example's account and menu restrictions.
 */
const PASSWORD = "test-only-host-stalker-menu-pw";
const SECRET_CONFIG = ["stalker:password"];
const fixture = useHostFixture({ vendor: "stalker", sandbox: { stalker: { password: PASSWORD } }, secretKeys: SECRET_CONFIG });
const { emulator, vendorCalls, clearVendorLog } = fixture;
let host: ProviderHost, engine: MiniEngine, config: Record<string, string>;
beforeAll(() => {
  ({ host, engine, config } = fixture);
});
const program = async (extra: Record<string, string> = {}) => {
  const registrations = boxRegistrations(await fixture.program(extra), [ACCOUNT_TYPE, MENU_TYPE]);
  clearVendorLog();
  return registrations;
};
const menuOnly = (r: Registration[]) => r.filter((x) => x.type === MENU_TYPE);
const writes = () => emulator().log.entries().filter((e) => e.method !== "GET");
let neighbourBefore: unknown;
const neighbourUntouched = () => expect(emulator().account("neighbour")).toEqual(neighbourBefore);
const menuState = (e: MiniEngine = engine) => Object.values(e.state()).find((s) => s.type === MENU_TYPE)!;

describe("StalkerMenuRestrictions through the provider host", () => {
  let registrations: Registration[];

  it("previews with Check only and no vendor call, unknowns accepted; a bad section name is named", async () => {
    emulator().addAccount(NEIGHBOUR);
    neighbourBefore = structuredClone(emulator().account("neighbour"));
    registrations = await program();
    expect((await engine.preview(withInputsOf(registrations, MENU_TYPE, { restricted: [UNKNOWN] }))).map((s) => s.op)).toEqual(["create", "create"]);
    const [, bad] = await engine.preview(withInputsOf(registrations, MENU_TYPE, { restricted: ["video club"] }));
    expect(bad!.failures).toEqual([{ property: "restricted[0]", reason: "must be a menu section's name, such as vclub, karaoke or radio" }]);
    expect(vendorCalls()).toEqual([]);
  });

  it("creates with one PUT by the box's MAC (never the examples' POST); refresh is a GET per box; a no-op calls nothing", async () => {
    expect((await engine.up(registrations)).map((s) => [s.op, s.id])).toEqual([
      ["create", "alice"],
      ["create", "alice"],
    ]);
    expect(writes().map((e) => `${e.method} ${e.path} ${JSON.stringify(e.params)}`)).toEqual([
      expect.stringMatching(/^POST \/stalker_portal\/api\/accounts\//),
      `PUT /stalker_portal/api/stb_modules/${MAC} {"restricted":["vclub"]}`,
    ]);
    expect(menuState().outputs).toMatchObject({ login: "alice", mac: MAC, restricted: ["vclub"], disabled: [] });
    clearVendorLog();
    await engine.refresh();
    expect(vendorCalls()).toEqual(["accounts.get", "accounts.get", "stb_modules.get"]);
    clearVendorLog();
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same", "same"]);
    expect(vendorCalls()).toEqual([]);
    neighbourUntouched();
  });

  it("updates in place, shows a change made in the panel, and restores it", async () => {
    registrations = await program({ "stalker-example:restrictedSections": JSON.stringify(["vclub", "karaoke"]) });
    expect((await engine.up(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    expect(writes().map((e) => e.params)).toEqual([{ restricted: ["vclub", "karaoke"] }]);
    emulator().editAccount("alice", { modules_restricted: ["karaoke"] });
    await engine.refresh();
    expect(menuState().inputs).toMatchObject({ restricted: ["karaoke"] });
    expect((await engine.preview(registrations)).map((s) => s.op)).toEqual(["same", "update"]);
    await engine.up(registrations);
    expect(emulator().account("alice")!.modules_restricted).toEqual(["vclub", "karaoke"]);
    neighbourUntouched();
  });

  it("imports by login (a match writes nothing), and adoptExisting adopts a box's restrictions", async () => {
    const other = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    clearVendorLog();
    const imported = await other.up(withInputsOf(menuOnly(registrations), MENU_TYPE, { __import: "alice" }));
    expect(imported).toMatchObject([{ op: "create", id: "alice" }]);
    expect(writes()).toEqual([]);
    const adopting = new MiniEngine(host, { config, secretConfigKeys: SECRET_CONFIG });
    const [refused] = await adopting.up(withInputsOf(menuOnly(registrations), MENU_TYPE, { restricted: ["radio"] }));
    expect(refused!.error).toMatch(/Stalker already has a menu restrictions with login "alice" .*adoptExisting: true/);
    await adopting.up(withInputsOf(menuOnly(registrations), MENU_TYPE, { restricted: ["vclub", "karaoke"], __adopt: true }));
    expect(writes()).toEqual([]); // nothing differs: adopted as it is
    neighbourUntouched();
  });

  it("destroys by lifting the lists it manages by MAC; destroying again succeeds; the neighbour keeps its restriction", async () => {
    emulator().editAccount("alice", { modules_disabled: ["weather"] }); // set in the panel, not managed here
    await engine.refresh();
    const state = menuState();
    clearVendorLog();
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete", "delete"]);
    expect(writes().map((e) => `${e.method} ${e.path} ${JSON.stringify(e.params)}`)).toEqual([
      `PUT /stalker_portal/api/stb_modules/${MAC} {"restricted":[""]}`,
      `DELETE /stalker_portal/api/accounts/${MAC} {}`,
    ]);
    await expect(host.delete(engine.urnOf(MENU_TYPE, "alice-menu"), "alice", state.outputs)).resolves.toBeUndefined();
    neighbourUntouched();
    expect(host.stderr + host.stdout + engine.stateJson()).not.toContain(PASSWORD);
  });
});
