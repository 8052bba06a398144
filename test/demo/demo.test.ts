import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../../scripts/demo";
import { SUBSCRIBER } from "../engine/example-lifecycles";
import { findPulumiCli } from "../harness/pulumi-cli";

/**
 * `npm run demo` three ways: without a CLI (the provider-host walkthrough), with a stand-in `pulumi`
 * that has a Node.js language host beside it (plain `pulumi up`; the stand-in records its calls), and
 * with the real CLI found here, which has none (the program served inline).
 */
// The subscriber example now has 14 resources (the provider-host path runs the program once per wave):
// on the shared 2-core machine under load one lifecycle took over 5 minutes.
const DEMO_TIMEOUT = 20 * 60_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-demo-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("without a Pulumi CLI, says how to get one and plays the lifecycle through the provider host", async () => {
    const lines: string[] = [];
    await runDemo({ log: (l) => lines.push(l), pulumiCommand: path.join(tmp, "no-such-pulumi") });
    const out = lines.join("\n");
    expect(out).toContain(`No Pulumi CLI answers at ${path.join(tmp, "no-such-pulumi")}.`);
    expect(out).toContain("`npm run pulumi-cli` builds the pinned CLI");
    expect(out).toContain("curl -fsSL https://get.pulumi.com | sh");
    const step = (n: number) => out.slice(out.indexOf(`\n${n}. `), out.indexOf(`\n${n + 1}. `) === -1 ? undefined : out.indexOf(`\n${n + 1}. `));
    const resources = SUBSCRIBER.resources.map((r) => r.name);
    // 1. preview: every resource planned, no vendor called.
    for (const r of resources) expect(step(1)).toContain(`+ would create ${r}\n`);
    expect(step(1)).toContain("vendor calls: none");
    // 2. up: every resource created (the ones that use others' outputs in later waves), each vendor called.
    for (const r of resources) expect(step(2)).toMatch(new RegExp(`\\+ created ${r} \\(id `));
    expect(step(2)).toContain("+ created video-account (id 1001)");
    expect(step(2)).toMatch(/\+ created home \(id \d+\): street="улица Ленина" number=12 city="Казань"/);
    expect(step(2)).toMatch(/\+ created cloud \(id \d+\): title="Ivan Petrov \(C-1001\)" externalId=\d+/);
    expect(step(2)).toMatch(/\+ created camera \(id \w+\): .*serialNo="SBX\d{6}"/);
    expect(step(2)).toContain("+ created tv (id ivan-petrov)");
    expect(step(2)).toMatch(/\+ created tv-channels \(id ivan-petrov\): .*channels=\["27","41"\]/);
    for (const vendor of ["forpost", "stalker", "vsaas", "hikconnect", "billing"]) expect(step(2)).toContain(`\n   ${vendor} calls: `);
    // 3. refresh without drift, 4. a no-op up without a single vendor call.
    for (const r of resources) expect(step(3)).toContain(`= ${r} read back, as in the state`);
    for (const r of resources) expect(step(4)).toContain(`= ${r} unchanged`);
    expect(step(4)).toContain("vendor calls: none");
    // 5. the in-place change touches Forpost only; 6./7. drift read back and restored.
    expect(step(5)).toContain("~ updated video-account: maxCameraCount 8 → 16");
    expect(step(5)).not.toMatch(/(stalker|vsaas|hikconnect|billing) calls/);
    expect(step(6)).toContain("~ video-account read back with drift: maxCameraCount 16 → 2");
    expect(step(7)).toContain("~ updated video-account: maxCameraCount 2 → 16");
    // 8. destroy deletes everything.
    expect(step(8)).toContain("- deleted video-account (id 1001)");
    for (const r of resources) expect(step(8)).toMatch(new RegExp(`- deleted ${r} \\(id `));
    expect(out).toContain("Done: the state holds 0 resources, Forpost 0 accounts.");
    expect(out).not.toContain("demo failed");
  }, DEMO_TIMEOUT);

  it("with a Pulumi CLI and its language host, runs plain up / change / refresh / destroy on a throw-away local backend, secrets on stdin", async () => {
    const fake = path.join(tmp, "pulumi");
    // A language host beside the CLI: the demo runs plain `pulumi up` in the project folder.
    fs.writeFileSync(path.join(tmp, "pulumi-language-nodejs"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const record = path.join(tmp, "calls.jsonl");
    fs.writeFileSync(
      fake,
      `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
if (args[0] === "version") { console.log("v3.999.0-fake"); process.exit(0); }
const stdin = args.includes("--secret") ? fs.readFileSync(0, "utf8") : undefined;
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({
  args, stdin, cwd: process.cwd(), files: fs.readdirSync(process.cwd()).sort(),
  backend: process.env.PULUMI_BACKEND_URL, passphrase: Boolean(process.env.PULUMI_CONFIG_PASSPHRASE),
}) + "\\n");
`,
      { mode: 0o755 },
    );
    const lines: string[] = [];
    await runDemo({ log: (l) => lines.push(l), pulumiCommand: fake });
    const calls = fs.readFileSync(record, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const sandboxConfigCount = 3 + 3 + 6 + 3 + 6; // forpost, stalker, vsaas, hikconnect, billing
    const exampleConfigCount = 6; // the camera's serial and verification code, the subscriber's two logins and passwords
    expect(calls.map((c) => c.args.slice(0, 2).join(" "))).toEqual([
      "stack init",
      ...Array(sandboxConfigCount + exampleConfigCount).fill("config set"),
      "up --yes",
      "config set",
      "up --yes",
      "refresh --yes",
      "destroy --yes",
      "stack rm",
    ]);
    // Every secret goes on stdin, never on the command line.
    const secrets = calls.filter((c) => c.args.includes("--secret"));
    expect(secrets.map((c) => c.args[3])).toEqual([
      "forpost:adminPassword",
      "stalker:password",
      "vsaas:password",
      "vsaas:watcherApiKey",
      "hikconnect:secretKey",
      "billing:password",
      "billing:clientKey",
      "subscriber-example:cameraVerifyCode",
      "subscriber-example:videoPassword",
      "subscriber-example:cloudPassword",
    ]);
    for (const c of secrets) expect(c.args).toHaveLength(4);
    const secret = secrets[0];
    expect(secret.stdin.length).toBeGreaterThan(10);
    expect(calls.every((c) => c.backend?.startsWith("file://") && c.passphrase)).toBe(true);
    expect(calls[0].files).toEqual(expect.arrayContaining(["Pulumi.yaml", "index.ts", "node_modules", "package.json"]));
    expect(calls.find((c) => c.args.includes("subscriber-example:maxCameraCount")).args).toEqual(["config", "set", "subscriber-example:maxCameraCount", "16"]);
    expect(lines.join("\n")).toContain("Pulumi CLI v3.999.0-fake found");
    expect(lines.join("\n")).toContain("with its Node.js language host: running the example with plain `pulumi up`");
    for (const c of secrets) expect(lines.join("\n")).not.toContain(c.stdin);
  }, DEMO_TIMEOUT);

  const cli = findPulumiCli();
  it.skipIf(!cli || cli.nodejsLanguageHost)("with the real CLI and no language host, serves the program inline through the whole lifecycle", async () => {
    const lines: string[] = [];
    await runDemo({ log: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(out).toContain(`Pulumi CLI ${cli!.version} found`);
    expect(out).toContain("serves the program inline, the way the Automation API runs programs");
    expect(out).toContain("PULUMI_TELECOM_DEMO=host npm run demo");
    // What the CLI printed: the plan, the creates, the in-place update, the drift, the deletes.
    for (const { name } of SUBSCRIBER.resources) expect(out).toMatch(new RegExp(`\\+ +pulumi-nodejs:dynamic/\\S+ ${name} created`));
    // The CLI's non-interactive display prints a component's "creating" line; a "created" one only
    // sometimes (v3.274.1 prints it when the outputs arrive before the display moves on).
    expect(out).toMatch(/\+ +telecom:index:VideoSubscriber +video +creat(ing|ed)/);
    expect(out).toMatch(/~ +pulumi-nodejs:dynamic\/forpost:Account video-account updated/);
    expect(out).toContain("(someone changes video-account's maxCameraCount in the vendor's portal)");
    expect(out).toMatch(/- +pulumi-nodejs:dynamic\/forpost:Account video-account deleted/);
    expect(out).toContain("Done. Vendor objects left in the sandbox: 0.");
  }, DEMO_TIMEOUT);
});
