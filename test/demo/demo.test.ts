import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../../scripts/demo";

/** `npm run demo` on this machine (no CLI), and the CLI path with a stand-in `pulumi` that records its calls. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-telecom-demo-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("without a Pulumi CLI, says how to install it and plays the lifecycle through the provider host", async () => {
    const lines: string[] = [];
    await runDemo({ log: (l) => lines.push(l), pulumiCommand: path.join(tmp, "no-such-pulumi") });
    const out = lines.join("\n");
    expect(out).toContain("No `pulumi` CLI found on the PATH");
    expect(out).toContain("curl -fsSL https://get.pulumi.com | sh");
    expect(out).toMatch(/\+ would create acme\n\s+Forpost calls: none/);
    expect(out).toContain("+ created acme (id 1001)");
    expect(out).toMatch(/= acme unchanged\n\s+Forpost calls: none/);
    expect(out).toContain("~ updated acme: maxCameraCount 8 → 16");
    expect(out).toContain("~ acme read back with drift: maxCameraCount 16 → 2");
    expect(out).toContain("~ updated acme: maxCameraCount 2 → 16");
    expect(out).toContain("- deleted acme (id 1001)");
    expect(out).toContain("Forpost now holds 0 accounts");
  });

  it("with a Pulumi CLI, runs up / change / refresh / destroy on a throw-away local backend, secrets on stdin", async () => {
    const fake = path.join(tmp, "pulumi");
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
    // The demo sets the whole sandbox's config (every vendor's keys); the Forpost example's are these.
    const forpostCalls = calls.filter((c) => c.args[0] !== "config" || c.args.some((a: string) => a.startsWith("forpost")));
    expect(forpostCalls.map((c) => c.args.slice(0, 2).join(" "))).toEqual([
      "stack init",
      "config set",
      "config set",
      "config set",
      "up --yes",
      "config set",
      "up --yes",
      "refresh --yes",
      "destroy --yes",
      "stack rm",
    ]);
    const secret = calls.find((c) => c.args.includes("--secret"));
    expect(secret.args).toEqual(["config", "set", "--secret", "forpost:adminPassword"]);
    expect(secret.stdin.length).toBeGreaterThan(10);
    expect(calls.every((c) => c.backend?.startsWith("file://") && c.passphrase)).toBe(true);
    expect(calls[0].files).toEqual(expect.arrayContaining(["Pulumi.yaml", "index.ts", "node_modules", "package.json"]));
    expect(calls.find((c) => c.args.includes("forpost-example:maxCameraCount")).args).toEqual(["config", "set", "forpost-example:maxCameraCount", "16"]);
    expect(lines.join("\n")).toContain("Pulumi CLI v3.999.0-fake found");
    expect(lines.join("\n")).not.toContain(secret.stdin);
  });
});
