import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { billing, watcher } from "./vsaas-call";

describe("startSandbox: VSAAS.IO", () => {
  it("starts the billing + Watcher emulator with random credentials and reports its config and env", async () => {
    const [a, b] = await Promise.all([startSandbox(), startSandbox({ vsaas: { password: "fixed-test-password", domainId: 5 } })]);
    try {
      const { url, user, password, domainId, watcherApiKey, watcherUrl } = a.vsaas;
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(password).not.toBe(b.vsaas.password);
      expect(watcherUrl).toBe(`${url}/vsaas/api/v2`);
      expect(a.pulumiConfig.filter((entry) => entry.key.startsWith("vsaas:"))).toEqual([
        { key: "vsaas:url", value: url, secret: false },
        { key: "vsaas:user", value: user, secret: false },
        { key: "vsaas:password", value: password, secret: true },
        { key: "vsaas:domainId", value: "247", secret: false },
        { key: "vsaas:watcherUrl", value: url, secret: false },
        { key: "vsaas:watcherApiKey", value: watcherApiKey, secret: true },
      ]);
      expect(a.env).toMatchObject({
        VSAAS_URL: url,
        VSAAS_USER: user,
        VSAAS_PASSWORD: password,
        VSAAS_DOMAIN_ID: "247",
        VSAAS_WATCHER_URL: url,
        VSAAS_WATCHER_API_KEY: watcherApiKey,
      });
      const answer = await billing(url, "GET", "tariff_plans", undefined, { user, password, domainId: String(domainId) });
      expect(answer.status).toBe(200);
      expect((await watcher(url, "organizations", watcherApiKey)).status).toBe(200);
      expect(b.vsaas).toMatchObject({ password: "fixed-test-password", domainId: 5 });
      expect(b.env.VSAAS_DOMAIN_ID).toBe("5");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("the sandbox command prints the vsaas config lines", async () => {
    const cli = path.join(__dirname, "..", "..", "dist", "sandbox", "cli.js");
    const child = spawn(process.execPath, [cli], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await expect.poll(() => stdout, { timeout: 10_000 }).toContain("VSAAS_DOMAIN_ID");
      expect(stdout).toMatch(/^pulumi config set vsaas:url http:\/\/127\.0\.0\.1:\d+$/m);
      expect(stdout).toMatch(/^pulumi config set vsaas:user sandbox-admin@example\.org$/m);
      expect(stdout).toMatch(/^pulumi config set --secret vsaas:password \S+$/m);
      expect(stdout).toMatch(/^pulumi config set vsaas:domainId 247$/m);
      expect(stdout).toMatch(/^pulumi config set vsaas:watcherUrl http:\/\/127\.0\.0\.1:\d+$/m);
      expect(stdout).toMatch(/^pulumi config set --secret vsaas:watcherApiKey \S+$/m);
      expect(stdout).toMatch(/^#\s+watcherUrl: http:\/\/127\.0\.0\.1:\d+\/vsaas\/api\/v2$/m);
    } finally {
      child.kill("SIGINT");
    }
  });
});
