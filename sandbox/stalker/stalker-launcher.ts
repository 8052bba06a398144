import { randomSecret, type VendorLauncher } from "../sandbox-vendor";
import { STALKER_API_PREFIX, StalkerEmulator, type StalkerEmulatorOptions } from "./stalker-emulator";

/** Stalker options of `startSandbox`. */
export interface StalkerSandboxOptions {
  /** Fixed port (wins over `portBase`); default a free port. */
  port?: number;
  /** Default `sandbox-api`. */
  user?: string;
  /** Default: random for every start. */
  password?: string;
  /** Further emulator options (tariff plans). */
  emulator?: Omit<StalkerEmulatorOptions, "user" | "password">;
}

/** The running Stalker emulator as `startSandbox` returns it. */
export interface StalkerSandbox {
  /** The REST API base (what `stalker:url` takes): `<root>/stalker_portal/api`. */
  url: string;
  /** The server root; admin routes are under `<root>/__sandbox`. */
  rootUrl: string;
  user: string;
  password: string;
  emulator: StalkerEmulator;
}

export const stalkerLauncher: VendorLauncher<StalkerSandboxOptions, StalkerSandbox> = {
  portOffset: 1,
  async launch(options = {}, listen) {
    const user = options.user ?? "sandbox-api";
    const password = options.password ?? randomSecret();
    const emulator = new StalkerEmulator({ ...options.emulator, user, password });
    const rootUrl = await emulator.start({ host: listen.host, port: options.port ?? listen.port });
    const url = `${rootUrl}${STALKER_API_PREFIX}`;
    return {
      info: { url, rootUrl, user, password, emulator },
      pulumiConfig: [
        { key: "stalker:url", value: url, secret: false },
        { key: "stalker:user", value: user, secret: false },
        { key: "stalker:password", value: password, secret: true },
      ],
      env: { STALKER_URL: url, STALKER_USER: user, STALKER_PASSWORD: password },
      summary: { url, user, password, adminUrl: `${rootUrl}/__sandbox` },
      stop: () => emulator.stop(),
    };
  },
};
