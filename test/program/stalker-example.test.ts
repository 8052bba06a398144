import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StalkerEmulator } from "../../sandbox/stalker";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";
import { UNKNOWN } from "../harness/provider-host";
import { ALICE_INPUTS } from "../fixtures/stalker-alice";

/** tsc on the packed declarations: ~15 s alone, over 60 s on the shared 2-core machine under load. */
const TYPECHECK_TIMEOUT = 180_000;

/**
 * The Stalker example, installed against the packed package, run under pulumi.runtime.setMocks.
 * Its channel lookups (stalker.getChannel) run in the program's process against a Stalker
 * emulator, as they would against Stalker in a real `pulumi preview`.
 */
let programDir: string;
const API_PASSWORD = "mock-only-pw";
const emulator = new StalkerEmulator({ user: "api-user", password: API_PASSWORD });
let config: Record<string, string>;
const run = (extra: Record<string, string> = {}, options: { preview?: boolean; file?: string } = {}) =>
  runProgramUnderMocks({ programFile: options.file ?? "index.ts", cwd: programDir, config: { ...config, ...extra }, secretConfigKeys: ["stalker:password"], preview: options.preview });

beforeAll(async () => {
  programDir = copyExampleProgram("stalker", "program-stalker");
  fs.writeFileSync(
    path.join(programDir, "channels.ts"),
    [
      'import { stalker } from "pulumi-telecom";',
      'export const eurosport = stalker.getChannels({ nameContains: "EUROSPORT" });',
      "export const optional = stalker.getChannelsOutput({ baseChannel: false }).apply((cs) => cs.length);",
      "export const byNumber = stalker.getChannels({ number: 64 });",
      "export const all = stalker.getChannels();",
    ].join("\n"),
  );
  const root = await emulator.start();
  config = { "stalker:url": `${root}/stalker_portal/api`, "stalker:user": "api-user", "stalker:password": API_PASSWORD };
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

describe("examples/stalker under mocks", () => {
  it("registers the account, its box's channels (ids found by name) and its menu restrictions, the password secret", async () => {
    const { registrations, exports } = await run();
    // The channels register last: their ids come from the lookups.
    expect(Object.fromEntries(registrations.map((r) => [r.name, r.type]))).toEqual({
      "alice-tv": "pulumi-nodejs:dynamic/stalker:Account",
      "alice-channels": "pulumi-nodejs:dynamic/stalker:ChannelSubscription",
      "alice-menu": "pulumi-nodejs:dynamic/stalker:MenuRestrictions",
    });
    const named = (name: string) => registrations.find((r) => r.name === name)!;
    const [acct, channels, menu] = [named("alice-tv"), named("alice-channels"), named("alice-menu")];
    expect(acct).toMatchObject({ custom: true, secretInputKeys: ["password"] });
    expect(acct!.additionalSecretOutputs).toContain("password");
    const { __provider, ...inputs } = acct!.inputs;
    expect(inputs).toEqual(ALICE_INPUTS);
    expect(channels!.inputs).toMatchObject({ login: "alice-tv-id", mac: ALICE_INPUTS.stbMac, channels: ["27", "41"] });
    expect(menu!.inputs).toMatchObject({ login: "alice-tv-id", mac: ALICE_INPUTS.stbMac, restricted: ["vclub"] });
    for (const r of registrations) {
      expect(r.providerSize).toBeLessThan(4096);
      expect(r.provider).not.toContain(API_PASSWORD);
      expect(r.provider).not.toContain("127.0.0.1");
    }
    expect(exports).toMatchObject({ stalkerLogin: "alice-tv-id", stalkerChannels: ["27", "41"], stalkerRestricted: ["vclub"] });
    // The lookups: one GET /itv per channel name, nothing else.
    expect(emulator.log.entries().map((e) => e.route)).toEqual(["itv.get", "itv.get"]);
  });

  it("takes the example's knobs from stack config, channel names included", async () => {
    const { registrations } = await run({
      "stalker-example:tariffPlan": "STANDART",
      "stalker-example:login": "alice2",
      "stalker-example:channels": JSON.stringify(["  eurosport 2 ", "М-TV Украина"]),
    });
    expect(registrations.find((r) => r.name === "alice-tv")!.inputs).toMatchObject({ tariffPlan: "STANDART", login: "alice2" });
    expect(registrations.find((r) => r.name === "alice-channels")!.inputs).toMatchObject({ channels: ["42", "37"] });
  });

  it("fails naming the channels there are when a name matches none, and the matches when it matches several", async () => {
    const lookup = (name: string) => {
      fs.writeFileSync(path.join(programDir, "lookup.ts"), `import { stalker } from "pulumi-telecom";\nexport const c = stalker.getChannel({ name: ${JSON.stringify(name)} });\n`);
      return run({}, { file: "lookup.ts" });
    };
    await expect(lookup("Discovery Chanel")).rejects.toThrow(
      /stalker\.getChannel: nothing matches name "Discovery Chanel" among Stalker's 12 channels\. Available: "Первый канал" \(id 1, number 1\), .*"Discovery Channel" \(id 27, number 27\)/,
    );
    emulator.addChannel({ id: "270", name: "Discovery Channel", number: 270, base_ch: 0 });
    await expect(lookup("discovery channel")).rejects.toThrow(
      /stalker\.getChannel: 2 match name "discovery channel" among Stalker's 13 channels: "Discovery Channel" \(id 27, number 27\), "Discovery Channel" \(id 270, number 270\)\. Narrow the filter/,
    );
    // The example fails too rather than subscribing to a guess.
    await expect(run()).rejects.toThrow();
  });

  it("says where to fix a wrong API password, without echoing it", async () => {
    fs.writeFileSync(path.join(programDir, "lookup.ts"), 'import { stalker } from "pulumi-telecom";\nexport const c = stalker.getChannel({ number: 27 });\n');
    const failed = run({ "stalker:password": "wrong-lookup-pw" }, { file: "lookup.ts" });
    await expect(failed).rejects.toThrow(/Stalker GET \/itv\/ failed: HTTP 401, the REST API refused the credentials\. Check stalker:user \/ STALKER_USER and stalker:password/);
    await expect(failed).rejects.not.toThrow(/wrong-lookup-pw/);
  });

  it("lists channels with stalker.getChannels, filtered, without anything secret in the answer", async () => {
    const { exports } = await run({}, { file: "channels.ts" });
    expect(exports.eurosport).toEqual([
      { id: "41", name: "Eurosport 1", number: 41, baseChannel: false },
      { id: "42", name: "Eurosport 2", number: 42, baseChannel: false },
    ]);
    expect(exports.optional).toBe(8);
    expect(exports.byNumber).toEqual([{ id: "37", name: "М-TV Украина", number: 64, baseChannel: false }]);
    expect((exports.all as unknown[]).length).toBe(12);
    for (const c of exports.all as Array<Record<string, unknown>>) expect(Object.keys(c).sort()).toEqual(["baseChannel", "id", "name", "number"]);
  });

  it("refuses bad lookup arguments naming them, before calling Stalker", async () => {
    fs.writeFileSync(path.join(programDir, "bad.ts"), 'import { stalker } from "pulumi-telecom";\nexport const c = stalker.getChannel({ number: -1, id: "x" } as never);\n');
    await expect(run({}, { file: "bad.ts" })).rejects.toThrow(/stalker\.getChannel: invalid arguments: number must be 0 or more; id must be a channel id \(digits\)/);
    fs.writeFileSync(path.join(programDir, "none.ts"), 'import { stalker } from "pulumi-telecom";\nexport const c = stalker.getChannel({});\n');
    await expect(run({}, { file: "none.ts" })).rejects.toThrow(/stalker\.getChannel: give name, number or id/);
    expect(emulator.log.entries()).toEqual([]);
  });

  it("leaves ids and computed outputs unknown during preview; the lookups still run", async () => {
    const { exports, registrations } = await run({}, { preview: true });
    // (The mocks echo inputs as outputs, so the declared lists are known.)
    expect(exports).toMatchObject({ stalkerLogin: UNKNOWN, stalkerOnline: UNKNOWN, stalkerChannels: ["27", "41"] });
    expect(registrations.find((r) => r.name === "alice-channels")!.inputs).toMatchObject({ login: UNKNOWN, channels: ["27", "41"] });
    expect(emulator.log.entries().map((e) => e.route)).toEqual(["itv.get", "itv.get"]);
  });

  it("type-checks against the packed package's declarations, which reject a wrongly typed input", async () => {
    fs.writeFileSync(
      path.join(programDir, "typed.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { stalker, StalkerAccount, StalkerChannelSubscription, type StalkerAccountArgs } from "pulumi-telecom";',
        'const args: StalkerAccountArgs = { login: pulumi.output("bob"), password: pulumi.secret("x"), accountNumber: "7", active: false };',
        'const a = new StalkerAccount("typed", args);',
        "export const id: pulumi.Output<string> = a.id;",
        "export const online: pulumi.Output<boolean> = a.online;",
        "export const subscribed: pulumi.Output<string[]> = a.subscribed;",
        'const s = new StalkerChannelSubscription("typed-channels", { login: a.id, mac: "00:1A:79:00:00:01", channels: [stalker.getChannelOutput({ number: 27 }).id] });',
        "export const channels: pulumi.Output<string[] | undefined> = s.channels;",
        "export const found: Promise<stalker.GetChannelResult> = stalker.getChannel({ name: \"Euronews\" });",
        "// @ts-expect-error active must be a boolean",
        'new StalkerAccount("bad", { ...args, active: 1 });',
        "// @ts-expect-error login is required",
        'new StalkerAccount("bad2", { accountNumber: "7" });',
        "// @ts-expect-error channels are ids (strings)",
        'new StalkerChannelSubscription("bad3", { login: "x", channels: [27] });',
      ].join("\n"),
    );
    expect(await typecheckProgram(programDir, ["index.ts", "typed.ts", "channels.ts"])).toBe("");
  }, TYPECHECK_TIMEOUT);
});
