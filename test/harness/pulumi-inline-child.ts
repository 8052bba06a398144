/**
 * Child process of {@link PulumiStack} (see pulumi-stack.ts): runs ONE Pulumi CLI operation
 * (`preview`, `up`, `refresh`, `destroy`) of a program with the Automation API's inline-program
 * mechanism, without the Node.js language host (`pulumi-language-nodejs` is not buildable here, see
 * docs/development.md):
 *
 *   1. serve the `LanguageRuntime` gRPC service in this process with `@pulumi/pulumi`'s own
 *      `LanguageServer`, whose "program" requires the program file (its top-level code registers the
 *      resources; its exports become the stack outputs, as under the language host);
 *   2. run the real `pulumi` binary with the given arguments plus `--client=<that address>
 *      --exec-kind auto.inline`, exactly what `LocalWorkspace` does for an inline program;
 *   3. write the CLI's stdout, stderr and exit code to the result file, and exit.
 *
 * Compiled to JavaScript and started as `node pulumi-inline-child.js '<json parameters>'` with the
 * program's folder as cwd, so `@pulumi/pulumi` (and the package the program imports) are the ones installed
 * there, shared by the program and the language server. One process per operation: a program's
 * module state never leaks from one operation into the next, as with the real language host.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";

/** @internal Parameters passed by pulumi-stack.ts. */
export interface InlineChildParameters {
  /** The `pulumi` binary. */
  cli: string;
  /** CLI arguments, e.g. `["preview", "--json", "--stack", "dev"]`. */
  args: string[];
  /** The program file (JavaScript), absolute. */
  programFile: string;
  /** The project folder (with Pulumi.yaml): the CLI's working directory. */
  cwd: string;
  /** Where to write the {@link InlineChildResult}. */
  resultFile: string;
}

/** @internal What this process writes to its result file. */
export interface InlineChildResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function main(): Promise<void> {
  const parameters = JSON.parse(process.argv[2] ?? "{}") as InlineChildParameters;
  const programRequire = createRequire(parameters.programFile);
  const pulumiRequire = createRequire(programRequire.resolve("@pulumi/pulumi/package.json"));
  const grpc = pulumiRequire("@grpc/grpc-js") as typeof GrpcJs;
  const { LanguageServer } = pulumiRequire("./automation/server") as {
    LanguageServer: new (program: () => Promise<unknown>) => GrpcJs.UntypedServiceImplementation & { onPulumiExit(hasError: boolean): void };
  };
  const languageGrpc = pulumiRequire("./proto/language_grpc_pb") as { LanguageRuntimeService: GrpcJs.ServiceDefinition };
  const { grpcChannelOptions } = pulumiRequire("./runtime") as { grpcChannelOptions: GrpcJs.ChannelOptions };

  // Like the Node.js language host: a module that exports a function has it called; what the module
  // exports becomes the stack outputs. `pulumi up` runs the program twice in one CLI process (its
  // preview, then the update), each a fresh language-host process normally: forget the module so the
  // second run registers the resources again instead of getting the cached exports of the first.
  const programPath = programRequire.resolve(parameters.programFile);
  const program = async (): Promise<unknown> => {
    delete programRequire.cache[programPath];
    const exported = programRequire(programPath) as unknown;
    return exported instanceof Function ? await (exported as () => unknown)() : exported;
  };
  const server = new grpc.Server(grpcChannelOptions);
  const languageServer = new LanguageServer(program);
  server.addService(languageGrpc.LanguageRuntimeService, languageServer);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });

  const result: InlineChildResult = { exitCode: -1, stdout: "", stderr: "" };
  const cli = spawn(parameters.cli, [...parameters.args, `--client=127.0.0.1:${port}`, "--exec-kind", "auto.inline"], {
    cwd: parameters.cwd,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  cli.stdout.setEncoding("utf8").on("data", (chunk: string) => (result.stdout += chunk));
  cli.stderr.setEncoding("utf8").on("data", (chunk: string) => (result.stderr += chunk));
  // Stop the CLI with us (the parent kills this process group on its timeout).
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => cli.kill(signal));
  result.exitCode = await new Promise<number>((resolve, reject) => {
    cli.once("error", reject);
    cli.once("close", (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
  try {
    languageServer.onPulumiExit(result.exitCode !== 0);
  } catch (error) {
    // Leaked promises of the program: the engine would report them too.
    result.stderr += `\n${error instanceof Error ? error.message : String(error)}`;
    if (result.exitCode === 0) result.exitCode = 1;
  }
  server.forceShutdown();
  fs.writeFileSync(parameters.resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(70);
  },
);
