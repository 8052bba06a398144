import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

/** PEM texts (and a PKCS#12 bundle) of one certificate with its private key. */
export interface IssuedCertificate {
  cert: string;
  key: string;
}

/** What the billing emulator needs for mutual TLS, all generated for one run. */
export interface BillingCertificates {
  /** The operator's own CA: it signs the cashier interface's certificate and the cashiers' client certificates. */
  ca: IssuedCertificate;
  /** The cashier interface's server certificate. */
  server: IssuedCertificate;
  /** A cashier's client certificate (what the billing's "Создать клиентский сертификат" produces). */
  client: IssuedCertificate & {
    /** The same certificate and key as a PKCS#12 (.pfx) bundle, as the billing hands it out. */
    pfx: Buffer;
    pfxPassphrase: string;
  };
}

export interface CertificateOptions {
  /** Host names and IP addresses the server certificate is valid for. Default `localhost`, `127.0.0.1`, `::1`. */
  serverHosts?: readonly string[];
  /** Common name of the client certificate (the billing allows Latin letters and digits). Default `cashier`. */
  clientName?: string;
  /** Common name of the CA. */
  caName?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Generates a fresh CA, a server certificate and a client certificate signed by it (node-forge for
 * the X.509 structures, Node's crypto for the RSA keys). Nothing is ever reused between runs, so no
 * private key lives in the repository.
 */
export function generateBillingCertificates(options: CertificateOptions = {}): BillingCertificates {
  const caKeys = rsaKeys();
  const caCert = certificate({
    subject: options.caName ?? "pulumi-telecom sandbox billing CA",
    publicKey: caKeys.publicKey,
    issuer: undefined,
    signingKey: caKeys.privateKey,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ],
  });
  const hosts = options.serverHosts ?? ["localhost", "127.0.0.1", "::1"];
  const serverKeys = rsaKeys();
  const serverCert = certificate({
    subject: hosts[0] ?? "localhost",
    publicKey: serverKeys.publicKey,
    issuer: caCert,
    signingKey: caKeys.privateKey,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })) },
    ],
  });
  const clientKeys = rsaKeys();
  const clientCert = certificate({
    subject: options.clientName ?? "cashier",
    publicKey: clientKeys.publicKey,
    issuer: caCert,
    signingKey: caKeys.privateKey,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  const pfxPassphrase = randomBytes(12).toString("base64url");
  const p12 = forge.pkcs12.toPkcs12Asn1(clientKeys.privateKey, [clientCert, caCert], pfxPassphrase, { algorithm: "3des" });
  const pfx = Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary");
  return {
    ca: { cert: forge.pki.certificateToPem(caCert), key: forge.pki.privateKeyToPem(caKeys.privateKey) },
    server: { cert: forge.pki.certificateToPem(serverCert), key: forge.pki.privateKeyToPem(serverKeys.privateKey) },
    client: {
      cert: forge.pki.certificateToPem(clientCert),
      key: forge.pki.privateKeyToPem(clientKeys.privateKey),
      pfx,
      pfxPassphrase,
    },
  };
}

interface KeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
}

/** RSA 2048 from Node's crypto (native, milliseconds), converted for node-forge. */
function rsaKeys(): KeyPair {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function certificate(spec: {
  subject: string;
  publicKey: forge.pki.rsa.PublicKey;
  issuer: forge.pki.Certificate | undefined;
  signingKey: forge.pki.rsa.PrivateKey;
  extensions: object[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.publicKey;
  // A positive serial (leading byte < 0x80), random per certificate.
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + 365 * DAY_MS);
  const subject = [{ name: "commonName", value: spec.subject }, { name: "organizationName", value: "pulumi-telecom sandbox" }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : subject);
  cert.setExtensions(
    spec.issuer ? [...spec.extensions, { name: "authorityKeyIdentifier", keyIdentifier: spec.issuer.generateSubjectKeyIdentifier().getBytes() }] : spec.extensions,
  );
  cert.sign(spec.signingKey, forge.md.sha256.create());
  return cert;
}
