import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { onFreePortBase } from "../harness/free-port";
import { callStalker, envelope } from "./stalker-call";

const ROOT = path.resolve(__dirname, "../..");

describe("the sandbox starts Stalker", () => {
  it("with random credentials, reporting stalker:url (the API base), stalker:user and the secret stalker:password", async () => {
    const sandbox = await startSandbox({ stalker: { user: "fixed-user", password: "fixed-test-stalker-pw" } });
    try {
      const { url, rootUrl } = sandbox.stalker;
      expect(url).toBe(`${rootUrl}/stalker_portal/api`);
      expect(sandbox.pulumiConfig.filter((e) => e.key.startsWith("stalker:"))).toEqual([
        { key: "stalker:url", value: url, secret: false },
        { key: "stalker:user", value: "fixed-user", secret: false },
        { key: "stalker:password", value: "fixed-test-stalker-pw", secret: true },
      ]);
      expect(sandbox.env).toMatchObject({ STALKER_URL: url, STALKER_USER: "fixed-user", STALKER_PASSWORD: "fixed-test-stalker-pw" });
      const answer = await callStalker(url, "GET", "accounts/", undefined, { user: "fixed-user", password: "fixed-test-stalker-pw" });
      expect(envelope(answer)).toEqual({ status: "OK", results: [] });
    } finally {
      await sandbox.stop();
    }
    const [a, b] = await Promise.all([startSandbox(), startSandbox()]);
    try {
      expect(a.stalker.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(a.stalker.password).not.toBe(b.stalker.password);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("on portBase + 1", async () => {
    const { port, value: sandbox } = await onFreePortBase((portBase) => startSandbox({ portBase }));
    try {
      expect(sandbox.stalker.rootUrl).toBe(`http://127.0.0.1:${port + 1}`);
    } finally {
      await sandbox.stop();
    }
  });

  it("and the sandbox command prints its config lines", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "sandbox/cli.ts")], { cwd: ROOT, stdio: "pipe" });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    createInterface({ input: child.stdout });
    try {
      await expect.poll(() => stdout, { timeout: 15_000 }).toContain("STALKER_PASSWORD");
      expect(stdout).toMatch(/^pulumi config set stalker:url http:\/\/127\.0\.0\.1:\d+\/stalker_portal\/api$/m);
      expect(stdout).toMatch(/^pulumi config set stalker:user sandbox-api$/m);
      expect(stdout).toMatch(/^pulumi config set --secret stalker:password \S+$/m);
      expect(stdout).toMatch(/^export STALKER_URL=http:\/\/127\.0\.0\.1:\d+\/stalker_portal\/api$/m);
      expect(stdout).toMatch(/^#   stalker: http:\/\/127\.0\.0\.1:\d+\/__sandbox\/state$/m);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
