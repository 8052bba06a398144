import net from "node:net";

/**
 * A TCP proxy in front of an emulator, for the one fault an emulator cannot make itself: refused
 * connections. {@link refuseFor} closes the listening socket and cuts every open connection (as a
 * vendor server restarting does), so new connections get ECONNREFUSED until it listens again on
 * the same port. TLS passes through untouched.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;
  private reopenAt = 0;
  /** Refusal windows opened so far. */
  windows = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const u = new URL(targetUrl);
    const proxy = new TcpProxy({ host: u.hostname, port: Number(u.port) });
    await proxy.listen();
    return proxy;
  }

  /** `url` with its port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.port = String(this.port);
    return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  }

  /** Refuses connections for `ms` (extends a window already open). */
  refuseFor(ms: number): void {
    const until = Date.now() + ms;
    if (this.server === undefined) {
      this.reopenAt = Math.max(this.reopenAt, until);
      return;
    }
    this.windows += 1;
    this.reopenAt = until;
    const server = this.server;
    this.server = undefined;
    server.close();
    for (const socket of this.sockets) socket.destroy();
    const reopen = () => {
      const wait = this.reopenAt - Date.now();
      if (wait > 0) setTimeout(reopen, wait);
      else void this.listen().catch(() => setTimeout(reopen, 50));
    };
    setTimeout(reopen, ms);
  }

  async stop(): Promise<void> {
    this.reopenAt = Number.POSITIVE_INFINITY;
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    if (this.reopenAt === Number.POSITIVE_INFINITY) return;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
}
