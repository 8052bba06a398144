import { describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import { onFreePortBase } from "../harness/free-port";
import { MINIMAL_ACCOUNT, addAccount, callForpost } from "./forpost-call";

describe("startSandbox", () => {
  it("starts Forpost on loopback with the given credentials and reports config and env", async () => {
    const sandbox = await startSandbox({ forpost: { adminLogin: "fixed-admin", adminPassword: "fixed-test-password" } });
    try {
      const { url } = sandbox.forpost;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.pulumiConfig.filter((entry) => entry.key.startsWith("forpost:"))).toEqual([
        { key: "forpost:url", value: url, secret: false },
        { key: "forpost:adminLogin", value: "fixed-admin", secret: false },
        { key: "forpost:adminPassword", value: "fixed-test-password", secret: true },
      ]);
      expect(sandbox.env).toMatchObject({ FORPOST_URL: url, FORPOST_ADMIN_LOGIN: "fixed-admin", FORPOST_ADMIN_PASSWORD: "fixed-test-password" });
      const credentials = { login: "fixed-admin", password: "fixed-test-password" };
      expect((await callForpost(url, "GetTariffs", {}, credentials)).status).toBe(200);
      expect(sandbox.forpost.emulator.url).toBe(url);
    } finally {
      await sandbox.stop();
    }
    await expect(fetch(`${sandbox.forpost.url}/__sandbox/state`)).rejects.toThrow();
  });

  it("generates a different random password on every start", async () => {
    const [a, b] = await Promise.all([startSandbox(), startSandbox()]);
    try {
      expect(a.forpost.adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(a.forpost.adminPassword).not.toBe(b.forpost.adminPassword);
      const credentials = { login: a.forpost.adminLogin, password: a.forpost.adminPassword };
      // The tests' fixed credentials are not accepted by a sandbox started without them.
      await expect(addAccount(a.forpost.url)).rejects.toThrow(/ErrorCode":3/);
      expect((await callForpost(a.forpost.url, "masAccounts", {}, credentials)).json).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("listens on portBase when given, passes emulator options through, and fails cleanly when the port is taken", async () => {
    const { port, value: sandbox } = await onFreePortBase((portBase) =>
      startSandbox({ portBase, forpost: { emulator: { numbersAsStrings: false, firstAccountId: 5 } } }),
    );
    try {
      expect(sandbox.forpost.url).toBe(`http://127.0.0.1:${port}`);
      const credentials = { login: sandbox.forpost.adminLogin, password: sandbox.forpost.adminPassword };
      expect((await callForpost(sandbox.forpost.url, "GetTariffs", {}, credentials)).json).toContainEqual(expect.objectContaining({ ID: 1 }));
      const added = await callForpost(sandbox.forpost.url, "AddAccount", { ...MINIMAL_ACCOUNT }, credentials);
      expect(added.json).toEqual({ ID: 5 });
      await expect(startSandbox({ portBase: port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await sandbox.stop();
    }
  });
});
