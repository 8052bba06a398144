import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, inject, it } from "vitest";
import { shellQuote } from "../../sandbox/cli-output";
import { MINIMAL_ACCOUNT, callForpost } from "./forpost-call";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "sandbox/cli.ts");

/** Runs the CLI from source through tsx (no build needed). */
function startCli(...args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, stdio: "pipe" });
}

/** Runs the `bin` of the packed package, as `npx pulumi-telecom-sandbox` would for a user. */
function startPackedCli(...args: string[]): ChildProcessWithoutNullStreams {
  const appDir = inject("packedAppDir");
  const manifest = JSON.parse(readFileSync(path.join(appDir, "node_modules/pulumi-telecom/package.json"), "utf8")) as { bin: Record<string, string> };
  const bin = path.join(appDir, "node_modules/pulumi-telecom", manifest.bin["pulumi-telecom-sandbox"]!);
  return spawn(process.execPath, [bin, ...args], { cwd: appDir, stdio: "pipe" });
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    lines.once("line", (line) => resolve(line));
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code} before printing: ${stderr}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

async function runToEnd(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(...args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { code: await exitOf(child), stdout, stderr };
}

describe("pulumi-telecom-sandbox CLI", () => {
  it("starts with a shebang, as a package bin must", () => {
    expect(readFileSync(CLI, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("--json prints the config on one line, serves Forpost with it, and exits 0 on SIGTERM", async () => {
    const child = startCli("--json");
    try {
      const printed = JSON.parse(await firstLine(child)) as {
        forpost: { url: string; adminLogin: string; adminPassword: string };
        pulumiConfig: Array<{ key: string; value: string; secret: boolean }>;
        env: Record<string, string>;
      };
      const { url, adminLogin, adminPassword } = printed.forpost;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.pulumiConfig.filter((entry) => entry.key.startsWith("forpost:"))).toEqual([
        { key: "forpost:url", value: url, secret: false },
        { key: "forpost:adminLogin", value: adminLogin, secret: false },
        { key: "forpost:adminPassword", value: adminPassword, secret: true },
      ]);
      expect(printed.env).toMatchObject({ FORPOST_URL: url, FORPOST_ADMIN_LOGIN: adminLogin, FORPOST_ADMIN_PASSWORD: adminPassword });
      const added = await callForpost(url, "AddAccount", { ...MINIMAL_ACCOUNT }, { login: adminLogin, password: adminPassword });
      expect(added.json).toEqual({ ID: 1001 });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).toBe(0);
  });

  it("prints pulumi config set lines (--secret for the password) and export lines; exits 0 on SIGINT", async () => {
    const child = startCli();
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await firstLine(child);
    await expect.poll(() => stdout, { timeout: 10_000 }).toContain("FORPOST_ADMIN_PASSWORD");
    expect(stdout).toMatch(/^pulumi config set forpost:url http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^pulumi config set forpost:adminLogin sandbox-admin$/m);
    expect(stdout).toMatch(/^pulumi config set --secret forpost:adminPassword \S+$/m);
    expect(stdout).toMatch(/^export FORPOST_URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^export FORPOST_ADMIN_LOGIN=sandbox-admin$/m);
    child.kill("SIGINT");
    expect(await exitOf(child)).toBe(0);
  });

  it("ships in the packed package as its bin, and serves from there", async () => {
    const child = startPackedCli("--json");
    try {
      const printed = JSON.parse(await firstLine(child)) as { forpost: { url: string; adminLogin: string; adminPassword: string } };
      const { url, adminLogin, adminPassword } = printed.forpost;
      const tariffs = await callForpost(url, "GetTariffs", {}, { login: adminLogin, password: adminPassword });
      expect(tariffs.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).toBe(0);
  });

  it("--help prints usage and exits 0; a bad flag exits 2", async () => {
    const help = await runToEnd("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--port-base <n>");
    // Every emulator the sandbox starts is named, with its fixed port under --port-base.
    for (const name of ["forpost", "stalker", "hikconnect", "vsaas", "billing"]) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    expect(help.stdout).toContain("forpost on <n>, stalker on <n>+1, hikconnect on <n>+2, vsaas on <n>+3, billing on <n>+4");
    const bad = await runToEnd("--port-base", "http");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--port-base needs a port number");
  });

  it("quotes values for the shell when needed", () => {
    expect(shellQuote("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(shellQuote("it's a $secret")).toBe(`'it'\\''s a $secret'`);
  });
});
