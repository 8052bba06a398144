import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "./free-port";

/** `redis-server` on PATH, or undefined. */
export function redisServerBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "redis-server");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Whether the tests that need a real Redis can run. Without `redis-server` they fail loudly in CI
 * (`CI=true`: `.ci/run` installs it, so a missing binary is a broken CI, never a quiet pass) and
 * are skipped elsewhere with a loud message saying how to get it.
 */
export function redisServerAvailable(): boolean {
  if (redisServerBinary()) return true;
  const message =
    "redis-server is not on PATH: the shared rate limit tests need a real Redis. " +
    "Install it (Debian/Ubuntu: `apt-get update && apt-get install -y redis-server`; `.ci/run` does this in CI).";
  if (process.env.CI === "true") throw new Error(`${message} CI=true, so this is a failure, not a skip.`);
  console.warn(`\n${"!".repeat(100)}\nSKIPPING: ${message}\n${"!".repeat(100)}\n`);
  return false;
}

export interface RedisServer {
  /** `redis://:<password>@127.0.0.1:<port>` (or without the password). */
  readonly url: string;
  readonly port: number;
  /** Kills the server at once (SIGKILL: no shutdown, no save), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (it runs with `--save "" --appendonly no`). */
  restart(): Promise<void>;
  /** Stops the server (if running) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a throw-away `redis-server` on a free loopback port in a temporary folder, with no
 * persistence (`--save "" --appendonly no`), optionally requiring a password.
 */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new Error("redis-server is not on PATH (see redisServerAvailable)");
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "pulumi-telecom-redis-"));
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"];
    if (options.password) args.push("--requirepass", options.password);
    const started = spawn(binary, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    started.stdout?.on("data", (chunk) => (output += chunk));
    started.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => started.once("exit", () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill("SIGKILL");
        await exited;
        throw new Error(`redis-server did not start on port ${port}: ${output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child = started;
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      await launch();
    } catch (error) {
      lastError = error; // the port was taken in the meantime: another one
    }
  }
  if (!child) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw lastError;
  }
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGKILL");
    await exited;
  };
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      await kill();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something on the port answers a Redis PING (with or without a password: NOAUTH is an answer too). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
