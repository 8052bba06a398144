import type { RunningSandbox } from "./index";

/** The `--json` line: URLs, credentials, config entries and env of the running sandbox. */
export function sandboxJson(sandbox: RunningSandbox): string {
  const { url, adminLogin, adminPassword } = sandbox.forpost;
  return JSON.stringify({
    forpost: { url, adminLogin, adminPassword, adminUrl: `${url}/__sandbox` },
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
    "# Sandbox admin (state, request log, fault injection):",
    `#   forpost: ${sandbox.forpost.url}/__sandbox/state`,
  ];
  return lines.join("\n");
}

/** Quotes a value for POSIX shells when it holds anything but safe characters. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
