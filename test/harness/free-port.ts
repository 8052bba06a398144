import net from "node:net";

/** A port that was free on 127.0.0.1 a moment ago (for tests of fixed `--port-base` ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `start(portBase)` on a free port base, trying another base when one of the ports after it
 * (the sandbox uses portBase + 0..4) happens to be taken; fails after `attempts` tries, so a test
 * of fixed ports never passes without having checked them.
 */
export async function onFreePortBase<T>(start: (portBase: number) => Promise<T>, attempts = 5): Promise<{ port: number; value: T }> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = await freePort();
    if (port + 4 > 65535) continue;
    try {
      return { port, value: await start(port) };
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`no free port base after ${attempts} tries: ${String(lastError)}`);
}
