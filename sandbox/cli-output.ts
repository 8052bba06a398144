import type { RunningSandbox } from "./index";

/** The `--json` line: URLs, credentials, config entries and env of the running sandbox. */
export function sandboxJson(sandbox: RunningSandbox): string {
  return JSON.stringify({
    ...sandbox.summaries,
    pulumiConfig: sandbox.pulumiConfig,
    env: sandbox.env,
  });
}

/** Human-readable instructions: `pulumi config set` lines, `export` lines, the admin URL. */
export function sandboxInstructions(sandbox: RunningSandbox): string {
  const lines = [
    "pulumi-telecom sandbox is running. Press Ctrl+C to stop it.",
    "",
    "# Point a Pulumi stack at it:",
    ...sandbox.pulumiConfig.map(
      (entry) => `pulumi config set ${entry.secret ? "--secret " : ""}${entry.key} ${shellQuote(entry.value)}`,
    ),
    "",
    "# Or set the environment:",
    ...Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    "",
    "# Sandbox admin (state, request log, fault injection) and other details:",
    ...Object.entries(sandbox.summaries).flatMap(([vendor, summary]) => describeVendor(vendor, summary)),
  ];
  return lines.join("\n");
}

const CREDENTIAL_KEY = /password|secret|key$|token|login|user/i;

/** `#   vendor: <admin URL>/state`, then one comment line per further non-credential detail. */
function describeVendor(vendor: string, summary: Record<string, string>): string[] {
  const lines = [`#   ${vendor}: ${summary.adminUrl ? `${summary.adminUrl}/state` : summary.url}`];
  for (const [key, value] of Object.entries(summary)) {
    if (key === "url" || key === "adminUrl" || CREDENTIAL_KEY.test(key)) continue;
    lines.push(`#     ${key}: ${value}`);
  }
  return lines;
}

/** Quotes a value for POSIX shells when it holds anything but safe characters. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
