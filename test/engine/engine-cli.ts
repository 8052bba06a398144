import { findPulumiCli, missingCliMessage, type PulumiCli } from "../harness/pulumi-cli";

/**
 * The CLI the engine suite runs, or the reason it cannot run. With `PULUMI_TELECOM_REQUIRE_ENGINE=1`
 * (set by `.ci/run`) a missing CLI fails the suite instead of skipping it.
 */
export function engineCli(): { cli: PulumiCli; skip?: undefined } | { cli?: undefined; skip: string } {
  const cli = findPulumiCli();
  if (cli) return { cli };
  return { skip: missingCliMessage() };
}

/** Whether a missing CLI must fail the run (CI) rather than skip the engine suite. */
export const ENGINE_REQUIRED = process.env.PULUMI_TELECOM_REQUIRE_ENGINE === "1";

/** The loud notice printed when the suite is skipped. */
export function skipBanner(reason: string): string {
  const line = "!".repeat(100);
  return `\n${line}\n!! ENGINE SUITE SKIPPED (test/engine): the real Pulumi CLI is not available.\n${reason
    .split("\n")
    .map((l) => `!! ${l}`)
    .join("\n")}\n${line}\n`;
}

/** At most `limit` of the given tasks at once (the lifecycles share 2 cores with everything else). */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
