import type { RunningSandbox } from "../../sandbox";
import type { ExampleLifecycle } from "../../test/engine/example-lifecycles";
import type { PulumiCli } from "../../test/harness/pulumi-cli";
import { PulumiStack, type CliRun } from "../../test/harness/pulumi-stack";

export interface InlineDemoOptions {
  cli: PulumiCli;
  programDir: string;
  sandbox: RunningSandbox;
  /** The example's row: its stack config, the in-place change, the drift maker. */
  row: ExampleLifecycle;
  log: (line: string) => void;
}

/**
 * The example's lifecycle with the real CLI when it has no Node.js language host (the pinned
 * build never has one): each `pulumi preview/up/refresh/destroy` serves the program inline, as
 * the Automation API does, on a throw-away file backend. What the CLI prints is shown as is.
 */
export async function runWithInlineProgram(options: InlineDemoOptions): Promise<void> {
  const { row, sandbox, log } = options;
  const stack = await PulumiStack.create({ cli: options.cli, programDir: options.programDir, stack: "demo" });
  try {
    const show = (title: string, run: CliRun) => {
      log(`\n$ pulumi ${title}`);
      const printed = `${run.stdout}${run.stderr}`.trim();
      if (printed) log(printed);
      if (run.exitCode !== 0) throw new Error(`pulumi ${run.args[0]} failed (exit ${run.exitCode})`);
    };
    await stack.setConfig(row.config(sandbox));
    log(`Stack "demo" on a file backend in ${stack.root}; the sandbox's config is set (secrets with --secret).`);
    show("preview", await stack.preview([], { json: false }));
    show("up --yes", await stack.up());
    show("refresh --yes", await stack.refresh(["--skip-preview"]));
    show("up --yes (nothing changed)", await stack.up(["--skip-preview"]));
    for (const entry of row.inPlace.config) log(`\n$ pulumi config set ${entry.key} ${entry.value}`);
    await stack.setConfig(row.inPlace.config);
    show("up --yes --diff", await stack.up(["--diff"]));
    const state = await stack.resources();
    const drifted = state.find((resource) => resource.urn.endsWith(`::${row.drift.resource}`));
    if (!drifted?.id) throw new Error(`${row.drift.resource} is not in the state`);
    row.drift.make(sandbox, drifted.id);
    log(`\n   (someone changes ${row.drift.resource}'s ${row.drift.changes.join(", ")} in the vendor's portal)`);
    show("refresh --yes --diff", await stack.refresh(["--skip-preview", "--diff"]));
    show("up --yes (the declared value is restored)", await stack.up(["--skip-preview"]));
    show("destroy --yes", await stack.destroy(["--skip-preview"]));
    log(`\nDone. Vendor objects left in the sandbox: ${row.objects(sandbox)}. The stack's folder is removed now.`);
  } finally {
    await stack.dispose();
  }
}
