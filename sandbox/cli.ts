#!/usr/bin/env node
/**
 * `pulumi-telecom-sandbox`: starts the vendor emulators on loopback, prints how to point a Pulumi
 * stack at them, and runs until SIGINT/SIGTERM.
 */
import { sandboxInstructions, sandboxJson } from "./cli-output";
import { startSandbox, type RunningSandbox } from "./index";
import { SANDBOX_VENDORS, type SandboxVendorName } from "./sandbox-vendors";

const VENDOR_TITLES: Record<SandboxVendorName, string> = {
  forpost: "Forpost System API 1.6.9",
  stalker: "Stalker Middleware REST API v1",
  vsaas: "VSAAS.IO billing API v1 + Watcher API v2",
  hikconnect: "Hik-Connect for Teams OpenAPI 2.13.0 (region and area servers)",
  billing: "ISP billing api.php over HTTPS with client certificates",
};

const USAGE = `Usage: pulumi-telecom-sandbox [--port-base <n>] [--json] [--help]

Starts local emulators of the vendor APIs on 127.0.0.1 and prints the Pulumi stack config and
environment variables that point at them. Runs until Ctrl+C / SIGTERM.

${(Object.keys(SANDBOX_VENDORS) as SandboxVendorName[]).map((name) => `  ${name.padEnd(11)} ${VENDOR_TITLES[name]}`).join("\n")}

  --port-base <n>  listen on fixed ports: ${(Object.keys(SANDBOX_VENDORS) as SandboxVendorName[])
    .sort((a, b) => SANDBOX_VENDORS[a].portOffset - SANDBOX_VENDORS[b].portOffset)
    .map((name) => `${name} on <n>${SANDBOX_VENDORS[name].portOffset ? `+${SANDBOX_VENDORS[name].portOffset}` : ""}`)
    .join(", ")}
                   (default: free ports; the Hik-Connect area server always takes a free port)
  --json           print the config as one line of JSON (for scripts) instead of instructions
  --help           show this help
`;

interface CliArgs {
  portBase?: number;
  json: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { json: false, help: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--json") args.json = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--port-base" || arg.startsWith("--port-base=")) {
      const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++index];
      const port = Number(raw);
      if (raw === undefined || !/^\d+$/.test(raw) || port < 1 || port > 65535) {
        throw new UsageError(`--port-base needs a port number between 1 and 65535, got ${raw ?? "nothing"}`);
      }
      args.portBase = port;
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return args;
}

class UsageError extends Error {}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  // Handlers go in before anything is printed: a script may signal as soon as it reads the first
  // line, and a signal without a handler would kill the process without stopping the servers.
  let sandbox: RunningSandbox | undefined;
  let stopping = false;
  const stop = (running: RunningSandbox) =>
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`failed to stop the sandbox: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal while stopping: give up waiting.
    if (stopping) process.exit(1);
    stopping = true;
    if (!args.json) process.stderr.write(`\n${signal}: stopping the sandbox\n`);
    if (sandbox) void stop(sandbox);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  sandbox = await startSandbox(args.portBase === undefined ? {} : { portBase: args.portBase });
  if (stopping) {
    await stop(sandbox);
    return;
  }
  process.stdout.write(`${args.json ? sandboxJson(sandbox) : sandboxInstructions(sandbox)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pulumi-telecom-sandbox: ${(error as Error).message}\n`);
  process.exit(1);
});
