import { X509Certificate, createPrivateKey } from "node:crypto";
import { createSecureContext, rootCertificates } from "node:tls";
import forge from "node-forge";
import { ConfigError } from "../core/errors";
import { registerSecret } from "../core/redact";

/** What the transport gets from `billing:pfx`: the bundle itself, or what it holds as PEM. */
export type OpenedPfx =
  | { pfx: Buffer; passphrase?: string }
  | {
      /** The certificate that belongs to the key, then the other certificates of the file. */
      cert: string;
      key: string;
      /** The file's other certificates, which Node trusts for the server when it opens a .pfx itself. */
      extraCa: string[];
    };

const PASSPHRASE_KEY = "billing:pfxPassphrase (BILLING_PFX_PASSPHRASE)";
const PFX_KEY = "billing:pfx (BILLING_PFX)";

/**
 * Opens the .pfx: Node (OpenSSL 3) first; when Node refuses the file as unsupported, node-forge.
 *
 * Assumption: billings still hand out .pfx files written by older OpenSSL (`openssl pkcs12 -export`
 * before 3.0, or `-legacy`): certificates under pbeWithSHAAnd40BitRC2-CBC, key under
 * pbeWithSHAAnd3-KeyTripleDES-CBC. OpenSSL 3 has RC2 only in its legacy provider, which Node 20
 * does not load, so Node answers "Unsupported PKCS12 PFX data" (ERR_CRYPTO_UNSUPPORTED_OPERATION)
 * for a file that is fine and a passphrase that is right. node-forge (already a dependency)
 * decrypts those ciphers, and the certificate and key go to the transport as PEM instead.
 * Both check the file's MAC with the passphrase first, so a wrong passphrase is told apart from a
 * damaged file. The passphrase is never put in a message.
 */
export function openPfx(pfx: Buffer, passphrase: string | undefined): OpenedPfx {
  let nodeError: unknown;
  try {
    createSecureContext({ pfx, passphrase });
    return passphrase === undefined ? { pfx } : { pfx, passphrase };
  } catch (error) {
    nodeError = error;
  }
  if (/mac verify fail/i.test(messageOf(nodeError))) throw wrongPassphrase(passphrase);
  if (!isUnsupported(nodeError)) throw unreadable(messageOf(nodeError));
  return decodeWithForge(pfx, passphrase);
}

function isUnsupported(error: unknown): boolean {
  return (error as { code?: unknown }).code === "ERR_CRYPTO_UNSUPPORTED_OPERATION" || /unsupported/i.test(messageOf(error));
}

function decodeWithForge(pfx: Buffer, passphrase: string | undefined): OpenedPfx {
  let der: forge.asn1.Asn1;
  try {
    der = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString("binary")), false);
  } catch (error) {
    throw unreadable(messageOf(error));
  }
  // Without a passphrase OpenSSL tries the empty password and then none; so does this.
  const candidates: Array<string | undefined> = passphrase === undefined ? ["", undefined] : [passphrase];
  let p12: forge.pkcs12.Pkcs12Pfx | undefined;
  for (const candidate of candidates) {
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(der, false, candidate as string);
      break;
    } catch (error) {
      if (!/MAC could not be verified|wrong password|invalid password/i.test(messageOf(error))) throw unreadable(messageOf(error));
    }
  }
  if (!p12) throw wrongPassphrase(passphrase);

  const oids = forge.pki.oids;
  const keyBags = [...bagsOf(p12, oids.pkcs8ShroudedKeyBag!), ...bagsOf(p12, oids.keyBag!)];
  const certs = bagsOf(p12, oids.certBag!).map(certificatePem);
  if (keyBags.length === 0) throw new ConfigError(`${PFX_KEY} holds no private key: give the .pfx the billing created for the cashier (certificate and key), or use billing:clientCert + billing:clientKey.`);
  const key = keyPem(keyBags[0]!);
  registerSecret(key);
  const privateKey = createPrivateKey(key);
  const leaf = certs.findIndex((pem) => new X509Certificate(pem).checkPrivateKey(privateKey));
  if (leaf < 0) throw new ConfigError(`${PFX_KEY} holds no certificate that belongs to its private key: give the .pfx the billing created for the cashier, or use billing:clientCert + billing:clientKey.`);
  const others = certs.filter((_, index) => index !== leaf);
  return { cert: [certs[leaf]!, ...others].join(""), key, extraCa: others };
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

/** PKCS#8 PEM; a key forge does not model (EC) stays as the PrivateKeyInfo it decrypted. */
function keyPem(bag: forge.pkcs12.Bag): string {
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  return forge.pki.privateKeyInfoToPem(info);
}

function certificatePem(bag: forge.pkcs12.Bag): string {
  if (bag.cert) return forge.pki.certificateToPem(bag.cert);
  return forge.pem.encode({ type: "CERTIFICATE", body: forge.asn1.toDer(bag.asn1).getBytes() });
}

/** What to trust for the server with a decoded .pfx: as Node does with a .pfx it opens, its certificates added. */
export function trustWithPfx(ca: string | Buffer | undefined, extraCa: string[]): string | Buffer | undefined {
  if (extraCa.length === 0) return ca;
  const base = ca === undefined ? rootCertificates.join("\n") : ca.toString();
  return [base, ...extraCa].join("\n");
}

function wrongPassphrase(passphrase: string | undefined): ConfigError {
  if (passphrase === undefined) {
    return new ConfigError(`${PFX_KEY} is protected by a password and ${PASSPHRASE_KEY} is not set: set it to the password the billing gave with the certificate, with \`pulumi config set --secret billing:pfxPassphrase <password>\` or BILLING_PFX_PASSPHRASE.`);
  }
  return new ConfigError(
    `${PFX_KEY} cannot be opened with ${PASSPHRASE_KEY}: the passphrase is wrong (or the file was damaged in copying). ` +
      "Set the password the billing gave with the certificate, with `pulumi config set --secret billing:pfxPassphrase <password>` or BILLING_PFX_PASSPHRASE.",
  );
}

function unreadable(reason: string): ConfigError {
  return new ConfigError(
    `${PFX_KEY} is not a PKCS#12 (.pfx) file that can be read (${reason}): give the .pfx the billing created (/var/lib/usrcert), as a file path or its content in base64, ` +
      "with `pulumi config set --secret billing:pfx <path>` or BILLING_PFX — or use billing:clientCert + billing:clientKey.",
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
