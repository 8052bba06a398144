/**
 * Runs before vitest in `npm test`: makes sure the engine suite (test/engine) has a Pulumi CLI.
 *
 *   - a CLI is found (PULUMI_TELECOM_CLI, the pinned build in the cache, a new-enough `pulumi` on
 *     the PATH): says which, done;
 *   - none, but Go is installed: builds the pinned one with tools/pulumi-cli/build.sh (10–25
 *     minutes the first time, never again), unless PULUMI_TELECOM_SKIP_CLI_BUILD=1;
 *   - none and no Go (or the build skipped): says so loudly, names the command that builds it, and
 *     lets the tests run without the engine suite — unless PULUMI_TELECOM_REQUIRE_ENGINE=1 (CI),
 *     which makes it a failure.
 */
import { buildPinnedPulumiCli, BUILD_COMMAND, findPulumiCli, goVersion, missingCliMessage, pinnedPulumiVersion } from "../test/harness/pulumi-cli";

function banner(lines: string[]): string {
  const rule = "!".repeat(100);
  return [rule, ...lines.map((line) => `!! ${line}`), rule].join("\n");
}

async function main(): Promise<number> {
  const required = process.env.PULUMI_TELECOM_REQUIRE_ENGINE === "1";
  const found = findPulumiCli();
  if (found) {
    console.error(`engine suite: Pulumi CLI ${found.version} (${found.source}: ${found.command})`);
    return 0;
  }
  const go = goVersion();
  if (go && process.env.PULUMI_TELECOM_SKIP_CLI_BUILD !== "1") {
    console.error(
      banner([
        `No Pulumi CLI yet: building the pinned ${pinnedPulumiVersion()} for the engine suite (${go}).`,
        "This takes 10-25 minutes the first time and never again (it is cached outside the repository).",
        "PULUMI_TELECOM_SKIP_CLI_BUILD=1 npm test skips it (and the engine suite with it).",
      ]),
    );
    const built = await buildPinnedPulumiCli((line) => console.error(line));
    console.error(`engine suite: Pulumi CLI ${built.version} (${built.source}: ${built.command})`);
    return 0;
  }
  const message = [
    "THE ENGINE SUITE (test/engine) WILL NOT RUN: no Pulumi CLI.",
    ...missingCliMessage().split("\n"),
    go ? `(PULUMI_TELECOM_SKIP_CLI_BUILD=1 is set, so \`${BUILD_COMMAND}\` was not run.)` : "",
  ].filter((line) => line !== "");
  console.error(banner(message));
  return required ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`engine suite: ${error instanceof Error ? error.message : String(error)}`);
    // A failed build is not a reason to skip the rest of the tests, except where the engine is required.
    process.exit(process.env.PULUMI_TELECOM_REQUIRE_ENGINE === "1" ? 1 : 0);
  },
);
