import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { renderImportFile } from "../../cli/discover/import-file";
import { planProgram, type FoundObject, type ProgramPlan } from "../../cli/discover/plan";
import { GENERATED_MARKER, RESOURCES_PER_FILE, renderProgram, renderProgramFiles } from "../../cli/discover/program";
import type { DiscoveredObject } from "../../provider/core/resource";
import { FAKE_SDK_MODULE, fakeAccountKind, fakeUserKind } from "../fixtures/discover-fakes";
import { runProgramUnderMocks } from "../harness/program-under-mocks";
import { typecheckProgram } from "../harness/typecheck-program";

const account = (id: string, inputs: Record<string, unknown>, extra: Partial<DiscoveredObject> = {}): DiscoveredObject => ({ id, inputs, ...extra });
const ACCOUNT = { token: "forpost:TestAccount" };

const accounts = fakeAccountKind([
  account("2", { title: "Beta", contract: "C-10", seats: 3 }, { subscriber: "C-10", name: "Beta" }),
  account("1", { title: "ACME Ltd", contract: "C-2", tags: ["b", "a"], limits: { cameras: 4, "max-logins": 2 } }, { subscriber: "C-2", name: "ACME Ltd", outputs: { accountId: 1 } }),
  account("3", { title: "a title far too long for the schema" }, { subscriber: "C-3", name: "Gamma" }),
  account("4", { title: "Ivanov" }, { name: "Иванов" }),
]);
const users = fakeUserKind([
  // References an account of its own subscriber (a number) and one of another subscriber (text).
  account("u1", { accountId: 1, accountCode: "2", login: "alice" }, {
    subscriber: "C-2",
    name: "alice",
    refs: { accountId: { ...ACCOUNT, id: "1" }, accountCode: { ...ACCOUNT, id: "2" } },
  }),
  // Its account fails its check, so is not generated: the id stays literal.
  account("u2", { accountId: 3, login: "bob" }, { subscriber: "C-3", name: "bob", refs: { accountId: { ...ACCOUNT, id: "3" } } }),
  // Its account was not discovered at all (filtered out).
  account("u3", { accountId: 99, login: "carol" }, { subscriber: "C-2", name: "carol", refs: { accountId: { ...ACCOUNT, id: "99" } } }),
]);
const found: FoundObject[] = [
  ...accounts.objects.map((object) => ({ source: accounts.source, object })),
  ...users.objects.map((object) => ({ source: users.source, object })),
];

let plan: ProgramPlan;
let program: string;

beforeAll(async () => {
  plan = await planProgram(found);
  program = renderProgram(plan, { sdkModule: "./fake-sdk", commandLine: "pulumi-telecom discover --out ." });
  if (process.env.SHOW_PROGRAM) console.log(program);
});

const block = (name: string) => {
  const start = program.indexOf(`("${name}", {`);
  expect(start, `resource ${name} in:\n${program}`).toBeGreaterThan(0);
  return program.slice(start, program.indexOf("});", start));
};

describe("the program discover writes", () => {
  it("starts with the marker discover overwrites, and says how it adopts", () => {
    expect(program.startsWith(`${GENERATED_MARKER}\n// Command: pulumi-telecom discover --out .\n`)).toBe(true);
    expect(program).toContain("Nothing is created,");
  });

  it("writes one resource per object with its values and its import option", () => {
    expect(block("c-2-acme-ltd")).toContain('title: "ACME Ltd",\n  contract: "C-2",\n  tags: ["b", "a"],\n  limits: { cameras: 4, "max-logins": 2 },\n');
    expect(program).toContain('const c2AcmeLtd = new TestAccount("c-2-acme-ltd", {');
    expect(program).toContain('}, { import: "1" });');
    expect(block("ivanov")).toContain('title: "Ivanov"');
  });

  it("groups by subscriber, the objects of no subscriber last, referenced groups first", () => {
    const order = [...program.matchAll(/^\/\/ (Subscriber .*|Objects that belong to no subscriber)$/gm)].map((m) => m[1]);
    // C-2 would come before C-10, but its user refers to an account of C-10.
    expect(order).toEqual(["Subscriber C-10", "Subscriber C-2", "Subscriber C-3", "Objects that belong to no subscriber"]);
    expect(program.indexOf('new TestAccount("c-2-acme-ltd"')).toBeLessThan(program.indexOf('new TestUser("c-2-alice"'));
  });

  it("refers to generated resources instead of writing their ids, as numbers where the input is a number", () => {
    expect(block("c-2-alice")).toContain("accountId: c2AcmeLtd.id.apply(Number),");
    expect(block("c-2-alice")).toContain("accountCode: c10Beta.id,");
    expect(block("c-3-bob")).toContain("accountId: 3, // forpost:TestAccount 3, not generated in this program");
    expect(block("c-2-carol")).toContain("accountId: 99, // forpost:TestAccount 99, not generated in this program");
  });

  it("reads required inputs the vendor never returns from config, and leaves optional ones out", () => {
    expect(block("c-2-alice")).toContain('password: config.requireSecret("c-2-alice-password"),');
    expect(block("c-2-alice")).toContain('inviteCode: config.require("c-2-alice-inviteCode"),');
    for (const name of ["c-2-alice", "c-3-bob", "c-2-carol"]) {
      expect(block(name)).not.toMatch(/\bpin:|\bnote:/);
    }
    expect(plan.placeholders.map((p) => p.configKey)).toEqual([
      "c-2-alice-password",
      "c-2-alice-inviteCode",
      "c-2-carol-password",
      "c-2-carol-inviteCode",
      "c-3-bob-password",
      "c-3-bob-inviteCode",
    ]);
    expect(program).toContain("//   pulumi config set --secret c-2-alice-password '<value>'");
    expect(program).toContain("//   pulumi config set c-2-alice-inviteCode '<value>'");
    expect(program).toContain("//   TestUser: pin (secret), note (write-only)");
  });

  it("leaves out an object whose vendor values fail the resource's check, and says why", () => {
    expect(program).not.toContain('new TestAccount("c-3-gamma"');
    expect(plan.rejected).toEqual([{ token: "forpost:TestAccount", id: "3", name: "Gamma", subscriber: "C-3", reasons: ["title must be at most 20 characters"] }]);
    expect(program).toMatch(/\/\/ {3}forpost:TestAccount 3 \(subscriber C-3, "Gamma"\): title must be at most 20 characters\n$/);
  });

  it("is the same program whatever order the objects were found in", async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const shuffled = [...found].sort((a, b) => hash(`${seed}${a.object.id}`) - hash(`${seed}${b.object.id}`));
      // Kinds stay in the given order (collect keeps its sources' order); objects within them move.
      const kindsInOrder = [...shuffled.filter((f) => f.source === accounts.source), ...shuffled.filter((f) => f.source === users.source)];
      expect(renderProgram(await planProgram(kindsInOrder), { sdkModule: "./fake-sdk", commandLine: "pulumi-telecom discover --out ." })).toBe(program);
    }
  });

  it("type-checks (strict) and runs, with every reference resolved to the referenced object's id", async () => {
    const dir = path.join(inject("packedAppDir"), "discover-program-unit");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "fake-sdk.ts"), FAKE_SDK_MODULE);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: discovered\nruntime: nodejs\n");
    expect(await typecheckProgram(dir, ["index.ts"])).toBe("");

    const config = Object.fromEntries(plan.placeholders.map((p) => [`discovered:${p.configKey}`, `value-of-${p.configKey}`]));
    const run = await runProgramUnderMocks({
      programFile: "index.ts",
      cwd: dir,
      config,
      secretConfigKeys: plan.placeholders.filter((p) => p.secret).map((p) => `discovered:${p.configKey}`),
      importedIds: true,
    });
    const alice = run.registrations.find((r) => r.name === "c-2-alice")!;
    expect(alice.importId).toBe("u1");
    expect(alice.inputs).toMatchObject({ accountId: 1, accountCode: "2", login: "alice", password: "value-of-c-2-alice-password", inviteCode: "value-of-c-2-alice-inviteCode" });
    expect(alice.secretInputKeys).toEqual(["password"]);
    // Registered in dependency order (a reference waits for its target's id), so compared as sets.
    expect(run.registrations.map((r) => r.name).sort()).toEqual(plan.groups.flatMap((g) => g.resources.map((r) => r.name)).sort());
  });
});

describe("the import file discover writes", () => {
  it("carries inputs and outputs with __provider, secrets marked, and leaves out what it was not given", async () => {
    const given: Record<string, string> = { "c-2-alice-password": "s3cret-pw", "c-2-alice-inviteCode": "INV-1" };
    const { file, skipped } = await renderImportFile(plan, { providerText: async (token) => `shim of ${token}`, placeholderValue: (k) => given[k] });
    expect(skipped.map((s) => [s.resource.name, s.missing])).toEqual([
      ["c-2-carol", ["c-2-carol-password", "c-2-carol-inviteCode"]],
      ["c-3-bob", ["c-3-bob-password", "c-3-bob-inviteCode"]],
    ]);
    expect(file.resources.map((r) => r.name)).toEqual(["c-10-beta", "c-2-acme-ltd", "c-2-alice", "ivanov"]);
    const acme = file.resources.find((r) => r.name === "c-2-acme-ltd")!;
    expect(acme).toEqual({
      type: "pulumi-nodejs:dynamic/forpost:TestAccount",
      name: "c-2-acme-ltd",
      id: "1",
      inputs: { title: "ACME Ltd", contract: "C-2", seats: 1, tags: ["b", "a"], limits: { cameras: 4, "max-logins": 2 }, __provider: "shim of forpost:TestAccount" },
      outputs: {
        title: "ACME Ltd",
        contract: "C-2",
        seats: 1,
        tags: ["b", "a"],
        limits: { cameras: 4, "max-logins": 2 },
        accountId: 1,
        __declared: ["title", "contract", "seats", "tags", "limits"],
        __provider: "shim of forpost:TestAccount",
      },
    });
    const alice = file.resources.find((r) => r.name === "c-2-alice")!;
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"s3cret-pw"' };
    expect(alice.inputs).toEqual({ accountId: 1, accountCode: "2", login: "alice", password: secret, inviteCode: "INV-1", __provider: "shim of forpost:TestUser" });
    expect(alice.outputs).toMatchObject({ password: secret, __declared: ["accountId", "accountCode", "login", "password", "inviteCode"] });
  });
});

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

describe("a program of more than RESOURCES_PER_FILE resources", () => {
  it("is index.ts and parts of whole subscriber blocks, a part importing what it refers to from an earlier one; it type-checks and runs", async () => {
    const many = fakeAccountKind(
      Array.from({ length: RESOURCES_PER_FILE + 100 }, (_, i) => account(String(i + 10), { title: `Subscriber ${i}`, contract: `S-${String(i).padStart(5, "0")}` }, { subscriber: `S-${String(i).padStart(5, "0")}`, name: `s-${i}` })),
    );
    const last = `S-${String(RESOURCES_PER_FILE + 99).padStart(5, "0")}`;
    const manyUsers = fakeUserKind([
      // In the last subscriber's block, referring to the first subscriber's account: across parts.
      account("u9", { accountId: RESOURCES_PER_FILE + 109, accountCode: "10", login: "zed" }, {
        subscriber: last,
        name: "zed",
        refs: { accountId: { ...ACCOUNT, id: String(RESOURCES_PER_FILE + 109) }, accountCode: { ...ACCOUNT, id: "10" } },
      }),
    ]);
    const bigPlan = await planProgram([...many.objects.map((object) => ({ source: many.source, object })), ...manyUsers.objects.map((object) => ({ source: manyUsers.source, object }))]);
    const files = renderProgramFiles(bigPlan, { sdkModule: "./fake-sdk" });
    expect([...files.keys()]).toEqual(["index.ts", "subscribers-001.ts", "subscribers-002.ts"]);
    expect(files.get("index.ts")).toMatch(/^\/\/ Generated by `pulumi-telecom discover`\.[\s\S]*import "\.\/subscribers-001";\nimport "\.\/subscribers-002";\n$/);
    for (const f of ["subscribers-001.ts", "subscribers-002.ts"]) expect(files.get(f)!.startsWith(GENERATED_MARKER)).toBe(true);
    expect(files.get("subscribers-001.ts")).toMatch(/\nexport const \w+ = new TestAccount\("s-00000-s-0"/);
    expect(files.get("subscribers-002.ts")).toMatch(/\nimport \{ \w+ \} from "\.\/subscribers-001";\n/);
    // Whole blocks: every subscriber's resources are in one file.
    for (const g of bigPlan.groups) expect([...files.values()].filter((text) => text.includes(`// Subscriber ${g.subscriber}\n`))).toHaveLength(1);

    const dir = path.join(inject("packedAppDir"), "discover-program-parts");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "fake-sdk.ts"), FAKE_SDK_MODULE);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: discovered\nruntime: nodejs\n");
    for (const [f, text] of files) fs.writeFileSync(path.join(dir, f), text);
    expect(await typecheckProgram(dir, ["index.ts"])).toBe("");
    const config = Object.fromEntries(bigPlan.placeholders.map((p) => [`discovered:${p.configKey}`, `value-of-${p.configKey}`]));
    const run = await runProgramUnderMocks({ programFile: "index.ts", cwd: dir, config, secretConfigKeys: bigPlan.placeholders.filter((p) => p.secret).map((p) => `discovered:${p.configKey}`), importedIds: true });
    expect(run.registrations).toHaveLength(RESOURCES_PER_FILE + 101);
    expect(run.registrations.find((r) => r.importId === "u9")!.inputs).toMatchObject({ accountId: RESOURCES_PER_FILE + 109, accountCode: "10", login: "zed" });
  }, 120_000);
});
