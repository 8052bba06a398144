import { randomSecret, type VendorLauncher } from "../sandbox-vendor";
import { VsaasEmulator, WATCHER_API_PREFIX, type VsaasEmulatorOptions } from "./vsaas-emulator";

/** VSAAS.IO options of `startSandbox`. */
export interface VsaasSandboxOptions {
  /** Fixed port (wins over `portBase`); default a free port. */
  port?: number;
  /** X-USER; default `sandbox-admin@example.org`. */
  user?: string;
  /** X-PASSWORD; default random for every start. */
  password?: string;
  /** X-DOMAIN-ID; default 247. */
  domainId?: number;
  /** The Watcher's `x-vsaas-api-key`; default random for every start. */
  watcherApiKey?: string;
  /** Further emulator options (tariff plans, first ids, domain title). */
  emulator?: Omit<VsaasEmulatorOptions, "user" | "password" | "domainId" | "watcherApiKey">;
}

/** The running VSAAS.IO emulator as `startSandbox` returns it. */
export interface VsaasSandbox {
  /** Base URL of the billing; its API is at `<url>/api/v1/...`. */
  url: string;
  /** Base URL of the Watcher API v2 (`<watcherUrl>/organizations`); the same server in the sandbox. */
  watcherUrl: string;
  user: string;
  password: string;
  domainId: number;
  watcherApiKey: string;
  emulator: VsaasEmulator;
}

export const vsaasLauncher: VendorLauncher<VsaasSandboxOptions, VsaasSandbox> = {
  portOffset: 3,
  async launch(options = {}, listen) {
    const user = options.user ?? "sandbox-admin@example.org";
    const password = options.password ?? randomSecret();
    const domainId = options.domainId ?? 247;
    const watcherApiKey = options.watcherApiKey ?? randomSecret();
    const emulator = new VsaasEmulator({ ...options.emulator, user, password, domainId, watcherApiKey });
    const url = await emulator.start({ host: listen.host, port: options.port ?? listen.port });
    const watcherUrl = `${url}${WATCHER_API_PREFIX}`;
    return {
      info: { url, watcherUrl, user, password, domainId, watcherApiKey, emulator },
      pulumiConfig: [
        { key: "vsaas:url", value: url, secret: false },
        { key: "vsaas:user", value: user, secret: false },
        { key: "vsaas:password", value: password, secret: true },
        { key: "vsaas:domainId", value: String(domainId), secret: false },
        // The Watcher is the domain's own host in reality (https://<domain>.vsaas.io); the sandbox serves it on the same port.
        { key: "vsaas:watcherUrl", value: url, secret: false },
        { key: "vsaas:watcherApiKey", value: watcherApiKey, secret: true },
      ],
      env: {
        VSAAS_URL: url,
        VSAAS_USER: user,
        VSAAS_PASSWORD: password,
        VSAAS_DOMAIN_ID: String(domainId),
        VSAAS_WATCHER_URL: url,
        VSAAS_WATCHER_API_KEY: watcherApiKey,
      },
      summary: { url, user, password, domainId: String(domainId), watcherUrl, watcherApiKey, adminUrl: `${url}/__sandbox` },
      stop: () => emulator.stop(),
    };
  },
};
