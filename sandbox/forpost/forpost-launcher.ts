import { randomSecret, type VendorLauncher } from "../sandbox-vendor";
import { ForpostEmulator, type ForpostEmulatorOptions } from "./forpost-emulator";

/** Forpost options of `startSandbox`. */
export interface ForpostSandboxOptions {
  /** Fixed port (wins over `portBase`); default a free port. */
  port?: number;
  /** Default `sandbox-admin`. */
  adminLogin?: string;
  /** Default: random for every start. */
  adminPassword?: string;
  /** Further emulator options (numbers as strings, error status, first ID, tariffs). */
  emulator?: Omit<ForpostEmulatorOptions, "adminLogin" | "adminPassword">;
}

/** The running Forpost emulator as `startSandbox` returns it. */
export interface ForpostSandbox {
  /** Base URL; the System API is at `<url>/system-api/<Method>`. */
  url: string;
  adminLogin: string;
  adminPassword: string;
  emulator: ForpostEmulator;
}

export const forpostLauncher: VendorLauncher<ForpostSandboxOptions, ForpostSandbox> = {
  portOffset: 0,
  async launch(options = {}, listen) {
    const adminLogin = options.adminLogin ?? "sandbox-admin";
    const adminPassword = options.adminPassword ?? randomSecret();
    const emulator = new ForpostEmulator({ ...options.emulator, adminLogin, adminPassword });
    const url = await emulator.start({ host: listen.host, port: options.port ?? listen.port });
    return {
      info: { url, adminLogin, adminPassword, emulator },
      pulumiConfig: [
        { key: "forpost:url", value: url, secret: false },
        { key: "forpost:adminLogin", value: adminLogin, secret: false },
        { key: "forpost:adminPassword", value: adminPassword, secret: true },
      ],
      env: { FORPOST_URL: url, FORPOST_ADMIN_LOGIN: adminLogin, FORPOST_ADMIN_PASSWORD: adminPassword },
      summary: { url, adminLogin, adminPassword, adminUrl: `${url}/__sandbox` },
      stop: () => emulator.stop(),
    };
  },
};
