import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfigJson, readStackFile, vendorConfigState } from "../../cli/discover/config";
import { forpostConfig } from "../../provider/forpost/config";
import { vendors } from "../../provider/registry";

const forpost = vendors.find((v) => v.id === "forpost")!;

describe("discover's configuration", () => {
  it("reads `pulumi config --json --show-secrets` output, secrets included", () => {
    const values = readConfigJson(
      JSON.stringify({ "forpost:url": { value: "http://f", secret: false }, "forpost:adminPassword": { value: "pw-1", secret: true }, "p:n": { value: 3 } }),
      "stdin",
    );
    expect([...values.values]).toEqual([["forpost:url", "http://f"], ["forpost:adminPassword", "pw-1"], ["p:n", "3"]]);
  });

  it("notes the secrets that `pulumi config --json` printed without --show-secrets", () => {
    const values = readConfigJson(JSON.stringify({ "forpost:adminPassword": { secret: true } }), "stdin");
    expect(values.encrypted).toEqual(["forpost:adminPassword"]);
  });

  it("reads a stack file's plain values and knows which are encrypted", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "discover-config-")), "Pulumi.dev.yaml");
    fs.writeFileSync(file, "config:\n  forpost:url: http://forpost.test\n  forpost:adminLogin: admin\n  forpost:adminPassword:\n    secure: v1:AAAA\n  forpost:timeoutSeconds: 20\n");
    const values = readStackFile(file);
    expect([...values.values]).toEqual([["forpost:url", "http://forpost.test"], ["forpost:adminLogin", "admin"], ["forpost:timeoutSeconds", "20"]]);
    expect(values.encrypted).toEqual(["forpost:adminPassword"]);
    const state = vendorConfigState(forpost, forpostConfig, values, {});
    expect(state).toMatchObject({ configured: true, encryptedOnly: [{ key: "forpost:adminPassword", env: "FORPOST_ADMIN_PASSWORD" }] });
    // The environment variable fills the encrypted one.
    expect(vendorConfigState(forpost, forpostConfig, values, { FORPOST_ADMIN_PASSWORD: "x" }).encryptedOnly).toEqual([]);
  });

  it("counts a vendor as configured from its environment variables, and not from defaults alone", () => {
    const none = { values: new Map<string, string>(), encrypted: [], origin: "" };
    expect(vendorConfigState(forpost, forpostConfig, none, {}).configured).toBe(false);
    expect(vendorConfigState(forpost, forpostConfig, none, { FORPOST_TIMEOUT_SECONDS: "9" }).configured).toBe(false);
    const some = vendorConfigState(forpost, forpostConfig, none, { FORPOST_URL: "http://f" });
    expect(some.configured).toBe(true);
    expect(some.missing.map((m) => m.env)).toEqual(["FORPOST_ADMIN_LOGIN", "FORPOST_ADMIN_PASSWORD"]);
  });
});
