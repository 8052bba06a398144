#!/usr/bin/env node
/**
 * `pulumi-telecom`: commands that work on the vendors' systems outside a Pulumi program.
 *
 *   npx pulumi-telecom discover --out . [--vendor forpost,stalker] [--subscriber-prefix C-] [--limit 50]
 *                               [--import-file import.json] [--config-json - | --stack dev | --config-file f]
 */
import { Command, InvalidArgumentError } from "commander";
import { DiscoverUsageError, runDiscover } from "./discover/run";

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("must be a whole number, 1 or more");
  return Number(value);
}

function vendorList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

export function cliProgram(): Command {
  const program = new Command("pulumi-telecom").description("pulumi-telecom commands (see docs/guides/)").showHelpAfterError();
  program
    .command("discover")
    .description(
      "Read what exists in the configured vendor systems (list calls only, never a write) and write a Pulumi program that adopts it: " +
        "one resource per object with its current values and the `import` option, grouped by subscriber.",
    )
    .option("--out <dir>", "project folder to write index.ts into (and Pulumi.yaml, when it has none)", ".")
    .option("--vendor <ids>", "only these vendors, comma-separated (forpost, stalker, vsaas, hikconnect, billing); a vendor named here must be configured", vendorList)
    .option("--subscriber-prefix <prefix>", "only subscribers whose contract / account number (or address) starts with this")
    .option("--limit <n>", "at most this many objects of each resource kind", positiveInteger)
    .option("--import-file <path>", "also write the file `pulumi import --file` takes (inputs and outputs per resource)")
    .option("--config-json <file>", "stack config as `pulumi config --json --show-secrets` prints it (`-`: standard input)")
    .option("--stack <name>", "read stack config values from <out>/Pulumi.<name>.yaml (its secrets are encrypted: give those as environment variables)")
    .option("--config-file <path>", "read stack config values from this Pulumi.<stack>.yaml")
    .option("--project <name>", "project name, the config namespace of the values to set (default: <out>/Pulumi.yaml's name)")
    .option("--force", "replace an index.ts that discover did not write")
    .addHelpText(
      "after",
      "\nConfiguration: the provider's keys, from the stack config given (--config-json, --stack, --config-file), else the\n" +
        "environment variables (FORPOST_URL, STALKER_URL, …; see docs/configuration/). Vendors with no configuration are skipped.",
    )
    .action(async (opts: Record<string, unknown>) => {
      const outcome = await runDiscover({
        out: opts.out as string,
        ...(opts.vendor ? { vendors: opts.vendor as string[] } : {}),
        ...(opts.subscriberPrefix !== undefined ? { subscriberPrefix: opts.subscriberPrefix as string } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit as number } : {}),
        ...(opts.importFile !== undefined ? { importFile: opts.importFile as string } : {}),
        ...(opts.configJson !== undefined ? { configJson: opts.configJson as string } : {}),
        ...(opts.stack !== undefined ? { stack: opts.stack as string } : {}),
        ...(opts.configFile !== undefined ? { configFile: opts.configFile as string } : {}),
        ...(opts.project !== undefined ? { project: opts.project as string } : {}),
        ...(opts.force ? { force: true } : {}),
        commandLine: ["pulumi-telecom", ...process.argv.slice(2)].map(shellWord).join(" "),
      });
      process.exitCode = outcome.exitCode;
    });
  return program;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

if (require.main === module) {
  cliProgram()
    .parseAsync(process.argv)
    // The vendor clients keep connections alive for a while: do not wait for them once done.
    .then(() => setTimeout(() => process.exit(), 200).unref())
    .catch((error: unknown) => {
      if (error instanceof DiscoverUsageError) {
        process.stderr.write(`pulumi-telecom discover: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`pulumi-telecom: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
