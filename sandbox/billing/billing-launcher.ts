import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomSecret, type VendorLauncher } from "../sandbox-vendor";
import { BillingEmulator, type BillingEmulatorOptions } from "./billing-emulator";
import { seedBilling, type BillingSeedOptions } from "./billing-seed";

/** Billing options of `startSandbox`. */
export interface BillingSandboxOptions {
  /** Fixed port (wins over `portBase`); default a free port. */
  port?: number;
  /** Default `sandbox-cashier`. */
  login?: string;
  /** Default: random for every start. */
  password?: string;
  /** Further emulator options (session lifetime, encoding, adds without an id, …). */
  emulator?: Omit<BillingEmulatorOptions, "login" | "password">;
  /** Subscribers, homes and switches to start with (see `seedBilling`); a reset empties them. */
  seed?: BillingSeedOptions;
}

/** The running billing emulator as `startSandbox` returns it, with where its certificates were written. */
export interface BillingSandbox {
  /** Base URL (`https://127.0.0.1:<port>`); the API is `<url>/api.php`. */
  url: string;
  login: string;
  password: string;
  /** Folder holding the files below; removed when the sandbox stops. */
  certDir: string;
  /** The CA that signed the server's and the client's certificates (PEM): `billing:caCert`. */
  caCertPath: string;
  /** The cashier's client certificate (PEM): `billing:clientCert`. */
  clientCertPath: string;
  /** Its private key (PEM): `billing:clientKey`. */
  clientKeyPath: string;
  /** Both as PKCS#12, as the billing hands them out: `billing:pfx` … */
  pfxPath: string;
  /** … with `billing:pfxPassphrase`. */
  pfxPassphrase: string;
  emulator: BillingEmulator;
}

export const billingLauncher: VendorLauncher<BillingSandboxOptions, BillingSandbox> = {
  portOffset: 4,
  async launch(options = {}, listen) {
    const login = options.login ?? "sandbox-cashier";
    const password = options.password ?? randomSecret();
    const emulator = new BillingEmulator({ ...options.emulator, login, password });
    if (options.seed) seedBilling(emulator, options.seed);
    const certDir = mkdtempSync(join(tmpdir(), "pulumi-telecom-billing-"));
    const files = {
      caCertPath: join(certDir, "ca.pem"),
      clientCertPath: join(certDir, "cashier.pem"),
      clientKeyPath: join(certDir, "cashier-key.pem"),
      pfxPath: join(certDir, "cashier.pfx"),
    };
    const { ca, client } = emulator.certificates;
    writeFileSync(files.caCertPath, ca.cert);
    writeFileSync(files.clientCertPath, client.cert);
    writeFileSync(files.clientKeyPath, client.key, { mode: 0o600 });
    writeFileSync(files.pfxPath, client.pfx, { mode: 0o600 });
    let url: string;
    try {
      url = await emulator.start({ host: listen.host, port: options.port ?? listen.port });
    } catch (error) {
      rmSync(certDir, { recursive: true, force: true });
      throw error;
    }
    return {
      info: { url, login, password, certDir, ...files, pfxPassphrase: client.pfxPassphrase, emulator },
      pulumiConfig: [
        { key: "billing:url", value: url, secret: false },
        { key: "billing:login", value: login, secret: false },
        { key: "billing:password", value: password, secret: true },
        { key: "billing:caCert", value: files.caCertPath, secret: false },
        { key: "billing:clientCert", value: files.clientCertPath, secret: false },
        { key: "billing:clientKey", value: files.clientKeyPath, secret: true },
      ],
      env: {
        BILLING_URL: url,
        BILLING_LOGIN: login,
        BILLING_PASSWORD: password,
        BILLING_CA_CERT: files.caCertPath,
        BILLING_CLIENT_CERT: files.clientCertPath,
        BILLING_CLIENT_KEY: files.clientKeyPath,
      },
      // The admin routes sit behind the same client-certificate check, e.g.
      // curl --cacert <caCert> --cert <clientCert> --key <clientKey> <adminUrl>/state
      summary: {
        url,
        login,
        password,
        adminUrl: `${url}/__sandbox`,
        caCert: files.caCertPath,
        clientCert: files.clientCertPath,
        clientKey: files.clientKeyPath,
        pfx: files.pfxPath,
        pfxPassword: client.pfxPassphrase,
      },
      async stop() {
        await emulator.stop();
        rmSync(certDir, { recursive: true, force: true });
      },
    };
  },
};
