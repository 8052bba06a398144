/**
 * Child process of {@link runProgramUnderMocks} (see program-under-mocks.ts): runs one Pulumi
 * program under `pulumi.runtime.setMocks`, records every resource registration as the monitor
 * receives it, and writes the result as JSON to the file named in its parameters.
 *
 * Started as `node --import <tsx loader> program-runner-child.ts '<json parameters>'` with the
 * program's folder as cwd and the stack config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS.
 * `@pulumi/pulumi` is loaded from the program's folder, so program, package and this runner share
 * one instance of it.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import type * as ResourcePb from "@pulumi/pulumi/proto/resource_pb";
import type * as Pulumi from "@pulumi/pulumi";
import type { ChildResult, ChildParameters, Registration } from "./program-under-mocks";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

type Callback = (error: unknown, response?: unknown) => void;

interface MonitorLike {
  registerResource(request: ResourcePb.RegisterResourceRequest, callback: Callback): Promise<void> | void;
  registerResourceOutputs(request: ResourcePb.RegisterResourceOutputsRequest, callback: Callback): Promise<void> | void;
}

function isSecret(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

function unwrapSecrets(value: unknown): { plain: unknown; secret: boolean } {
  if (isSecret(value)) return { plain: unwrapSecrets(value.value).plain, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(unwrapSecrets);
    return { plain: items.map((item) => item.plain), secret: items.some((item) => item.secret) };
  }
  if (value !== null && typeof value === "object") {
    let secret = false;
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const unwrapped = unwrapSecrets(item);
      plain[key] = unwrapped.plain;
      secret ||= unwrapped.secret;
    }
    return { plain, secret };
  }
  return { plain: value, secret: false };
}

/** Splits a serialized property map into plain values and the top-level keys that held secrets. */
function splitSecrets(map: Record<string, unknown>): { values: Record<string, unknown>; secretKeys: string[] } {
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    const unwrapped = unwrapSecrets(value);
    values[key] = unwrapped.plain;
    if (unwrapped.secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

function recordRegistration(request: ResourcePb.RegisterResourceRequest): Registration {
  const wire = (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
  const { values, secretKeys } = splitSecrets(wire);
  const provider = values["__provider"];
  const deleteBeforeReplace = request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined;
  return {
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent(),
    inputs: values,
    secretInputKeys: secretKeys,
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    deleteBeforeReplace,
    protect: request.getProtect() ?? false,
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    importId: request.getImportid(),
    provider: typeof provider === "string" ? provider : undefined,
    providerSize: typeof provider === "string" ? Buffer.byteLength(provider, "utf8") : undefined,
  };
}

/** The id an imported resource gets: its `import` option, or pulumi-telecom's `__import` input. */
function importIdOf(args: { id?: string; inputs: Record<string, unknown> }): string | undefined {
  if (args.id) return args.id;
  return typeof args.inputs["__import"] === "string" && args.inputs["__import"] !== "" ? args.inputs["__import"] : undefined;
}

async function main(): Promise<void> {
  const parameters = JSON.parse(process.argv[2] ?? "{}") as ChildParameters;
  const result: ChildResult = { registrations: [], exports: {}, secretExportKeys: [] };
  const rejections: unknown[] = [];
  process.on("unhandledRejection", (reason) => {
    rejections.push(reason);
  });

  const programRequire = createRequire(parameters.programFile);
  let settings: { getMonitor(): MonitorLike | undefined; waitForRPCs(): Promise<void> } | undefined;
  try {
    const pulumi = programRequire("@pulumi/pulumi") as typeof Pulumi;
    settings = programRequire("@pulumi/pulumi/runtime/settings") as NonNullable<typeof settings>;

    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: parameters.preview ? undefined : (parameters.importedIds ? importIdOf(args) : undefined) ?? `${args.name}-id`,
          state: parameters.preview ? args.inputs : { ...args.inputs, ...parameters.mockOutputs?.[args.type] },
        }),
        call: (args) => args.inputs,
      },
      parameters.project,
      parameters.stack,
      parameters.preview,
    );

    // Wrap the MockMonitor the runtime now talks to: MockResourceArgs lacks the resource options
    // (additionalSecretOutputs, protect, ...), the request has them all.
    const monitor = settings.getMonitor();
    if (!monitor) throw new Error("setMocks did not install a mock monitor");
    let stackUrn: string | undefined;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
      if (request.getType() === ROOT_STACK_TYPE && request.getParent() === "") {
        return registerResource(request, (error, response) => {
          stackUrn = (response as ResourcePb.RegisterResourceResponse | undefined)?.getUrn();
          callback(error, response);
        });
      }
      result.registrations.push(recordRegistration(request));
      return registerResource(request, callback);
    };
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (request, callback) => {
      if (stackUrn !== undefined && request.getUrn() === stackUrn) {
        const { values, secretKeys } = splitSecrets((request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
        result.exports = values;
        result.secretExportKeys = secretKeys;
      }
      return registerResourceOutputs(request, callback);
    };

    // Like the Node.js language host: run the program inside the root Stack resource; a module that
    // exports a function has it called; what the module exports becomes the stack outputs.
    await pulumi.runtime.runInPulumiStack(async () => {
      const programExport = programRequire(parameters.programFile) as unknown;
      return programExport instanceof Function ? await (programExport as () => unknown)() : programExport;
    });
    // Registrations and their outputs resolve asynchronously: wait until the runtime's RPC queue drains.
    await settings.waitForRPCs();
    if (pulumi.log.hasErrors()) throw new Error("the program logged errors (see stderr)");
    if (rejections.length > 0) throw rejections[0];
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.exitCode = 1;
    // Let registrations made before the failure finish, so they are reported too.
    await settings?.waitForRPCs().catch(() => undefined);
  }
  fs.writeFileSync(parameters.resultFile, JSON.stringify(result));
}

void main().then(() => {
  // Nothing of the program is awaited after this point; do not let stray handles keep us alive.
  process.exit();
});
