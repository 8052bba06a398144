import { X509Certificate, createPrivateKey } from "node:crypto";
import { createSecureContext } from "node:tls";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/core/errors";
import { redact } from "../../provider/core/redact";
import { openPfx, trustWithPfx } from "../../provider/billing/pfx";
import { generateBillingCertificates } from "../../sandbox";
import { legacyPfx } from "../fixtures/legacy-pfx";

const certs = generateBillingCertificates();
const PASS = "fake-legacy-pfx-pass";
const legacy = legacyPfx(certs.client.key, [certs.client.cert, certs.ca.cert], PASS);
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
};

describe("openPfx", () => {
  it("the fixture is a .pfx Node 20 refuses as unsupported (RC2-40 certificates), not as a wrong passphrase", () => {
    expect(() => createSecureContext({ pfx: legacy, passphrase: PASS })).toThrow(/Unsupported PKCS12 PFX data/);
  });

  it("leaves a .pfx Node can open to Node", () => {
    expect(openPfx(certs.client.pfx, certs.client.pfxPassphrase)).toEqual({ pfx: certs.client.pfx, passphrase: certs.client.pfxPassphrase });
  });

  it("decodes a legacy .pfx to the cashier certificate first, then the chain, and its key (masked in messages)", () => {
    const opened = openPfx(legacy, PASS);
    if ("pfx" in opened) throw new Error("expected the decoded PEM");
    const [leaf, ...chain] = opened.cert.split(/(?<=-----END CERTIFICATE-----\r?\n?)/).filter((pem) => pem.trim() !== "");
    expect(new X509Certificate(leaf!).subject).toMatch(/CN=cashier/);
    expect(chain.map((pem) => new X509Certificate(pem).subject)).toEqual([new X509Certificate(certs.ca.cert).subject]);
    expect(new X509Certificate(leaf!).checkPrivateKey(createPrivateKey(opened.key))).toBe(true);
    expect(opened.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(redact(`key ${opened.key}`)).not.toContain(opened.key.split("\n")[1]);
    expect(opened.extraCa.map((pem) => new X509Certificate(pem).fingerprint256)).toEqual([new X509Certificate(certs.ca.cert).fingerprint256]);
    expect(() => createSecureContext({ cert: opened.cert, key: opened.key })).not.toThrow();
  });

  it("finds the certificate that belongs to the key wherever the file lists it", () => {
    const opened = openPfx(legacyPfx(certs.client.key, [certs.ca.cert, certs.client.cert], PASS), PASS);
    if ("pfx" in opened) throw new Error("expected the decoded PEM");
    expect(new X509Certificate(opened.cert).subject).toMatch(/CN=cashier/);
  });

  it("refuses a file whose certificates do not belong to its key, naming billing:pfx", () => {
    const error = thrown(() => openPfx(legacyPfx(certs.client.key, [certs.server.cert, certs.ca.cert], PASS), PASS));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^billing:pfx \(BILLING_PFX\) holds no certificate that belongs to its private key/);
  });

  it("a wrong passphrase names billing:pfxPassphrase and never shows a passphrase, for legacy and current files", () => {
    for (const pfx of [legacy, certs.client.pfx]) {
      const error = thrown(() => openPfx(pfx, "not-the-passphrase"));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^billing:pfx \(BILLING_PFX\) cannot be opened with billing:pfxPassphrase \(BILLING_PFX_PASSPHRASE\): the passphrase is wrong/);
      expect(error.message).not.toContain("not-the-passphrase");
      expect(error.message).not.toContain(PASS);
    }
  });

  it("a missing passphrase says billing:pfxPassphrase is not set", () => {
    const error = thrown(() => openPfx(legacy, undefined));
    expect(error.message).toMatch(/^billing:pfx \(BILLING_PFX\) is protected by a password and billing:pfxPassphrase \(BILLING_PFX_PASSPHRASE\) is not set/);
  });

  it("a file that is not a .pfx, or a cut one, names billing:pfx and not the passphrase", () => {
    for (const pfx of [Buffer.from("this is not a pkcs12 file at all"), legacy.subarray(0, legacy.length / 2), certs.client.pfx.subarray(0, 100)]) {
      const error = thrown(() => openPfx(pfx, PASS));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^billing:pfx \(BILLING_PFX\) is not a PKCS#12 \(\.pfx\) file that can be read \(.+\): give the \.pfx the billing created/);
      expect(error.message).not.toMatch(/pfxPassphrase|BILLING_PFX_PASSPHRASE/);
    }
  });
});

describe("trustWithPfx", () => {
  it("adds the file's certificates to billing:caCert, or to the public roots when it is unset (as Node does with a .pfx)", () => {
    expect(trustWithPfx(certs.ca.cert, [])).toBe(certs.ca.cert);
    expect(trustWithPfx(undefined, [])).toBeUndefined();
    expect(trustWithPfx("CA-PEM", ["EXTRA"])).toBe("CA-PEM\nEXTRA");
    const withRoots = trustWithPfx(undefined, ["EXTRA"]) as string;
    expect(withRoots.endsWith("\nEXTRA")).toBe(true);
    expect(withRoots.split("-----BEGIN CERTIFICATE-----").length).toBeGreaterThan(50);
  });
});
