import type { ExpectStatic } from "vitest";
import { secretInputKeys } from "../../provider/core/resource";
import type { RunningSandbox } from "../../sandbox";
import { ENGINE_SEQUENCES } from "../harness/engine-sequences";
import { SECRET_SIG, SECRET_SIG_KEY } from "../harness/provider-host";
import type { ConfigEntry, ExportedResource, PreviewStep, PulumiStack, UpdateRun, UpdateStep } from "../harness/pulumi-stack";
import type { ExampleLifecycle } from "./example-lifecycles";

/** Provider methods that act on a vendor's objects; a preview must send none of them. */
export const MUTATING_OR_READING = ["Create", "Read", "Update", "Delete"];

/** What a lifecycle check works with. */
export interface LifecycleContext {
  row: ExampleLifecycle;
  sandbox: RunningSandbox;
  stack: PulumiStack;
  expect: ExpectStatic;
}

interface LoggingEmulator {
  log: { clear(): void; entries(): Array<{ route: string | null }> };
}

/** The last part of a URN: the resource's name. */
export function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Requests the example's vendors received since the last {@link clearVendorCalls}, as `vendor:route`. */
export function vendorCalls({ row, sandbox }: Pick<LifecycleContext, "row" | "sandbox">): string[] {
  return row.vendors.flatMap((vendor) => emulatorOf(sandbox, vendor).log.entries().map((entry) => `${vendor}:${entry.route}`));
}

export function clearVendorCalls({ row, sandbox }: Pick<LifecycleContext, "row" | "sandbox">): void {
  for (const vendor of row.vendors) emulatorOf(sandbox, vendor).log.clear();
}

function emulatorOf(sandbox: RunningSandbox, vendor: string): LoggingEmulator {
  return (sandbox as unknown as Record<string, { emulator: LoggingEmulator }>)[vendor]!.emulator;
}

/** The input keys a preview step changes, from the old and new inputs the CLI shows (`__provider` left out). */
export function changedInputs(step: PreviewStep): string[] {
  const olds = step.oldState?.inputs ?? {};
  const news = step.newState?.inputs ?? {};
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((key) => key !== "__provider" && JSON.stringify(olds[key]) !== JSON.stringify(news[key]))
    .sort();
}

/** Puts the keys of `changed` back to what `base` says (or removes them). */
export async function restoreConfig(stack: PulumiStack, base: ConfigEntry[], changed: ConfigEntry[]): Promise<void> {
  const back = base.filter((entry) => changed.some((change) => change.key === entry.key));
  const gone = changed.filter((change) => !base.some((entry) => entry.key === change.key)).map((change) => change.key);
  if (back.length > 0) await stack.setConfig(back);
  if (gone.length > 0) await stack.removeConfig(gone);
}

/** The resource steps of a run for one resource name. */
export function stepsOf<T extends { urn: string }>(steps: T[], name: string): T[] {
  return steps.filter((step) => nameOf(step.urn) === name);
}

/**
 * Whether a URN is a dynamic resource's: its type is `pulumi-nodejs:dynamic/…`, after `::` at the
 * top level, after `$` for a component's child (`…::telecom:index:VideoSubscriber$pulumi-nodejs:dynamic/forpost:Account::…`).
 */
export function isDynamicUrn(urn: string): boolean {
  return /(::|\$)pulumi-nodejs:dynamic\//.test(urn);
}

/** The provider methods a run sent for resources (configuration calls left out), as `Method name`. */
export function resourceRpcs(run: { rpcs: Array<{ method: string; urn: string }> }): string[] {
  return run.rpcs.filter((rpc) => isDynamicUrn(rpc.urn)).map((rpc) => `${rpc.method} ${nameOf(rpc.urn)}`);
}

/** The exported resource of one of the row's resources. */
export function exportedOf(resources: ExportedResource[], name: string): ExportedResource | undefined {
  return resources.find((resource) => nameOf(resource.urn) === name && resource.type.startsWith("pulumi-nodejs:dynamic/"));
}

/**
 * What `pulumi stack export` must hold for the row: every resource with an id; every secret
 * input of its resource definition encrypted (ciphertext), in the inputs and in the outputs; a
 * small `__provider` without credentials or endpoints; no plaintext secret anywhere.
 */
export function expectSafeExport({ row, sandbox, expect }: LifecycleContext, text: string, resources: ExportedResource[]): void {
  expectNoSecret(expect, text, row.secrets(sandbox), "`pulumi stack export`");
  const ciphertext = { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: expect.any(String) };
  for (const { name, resource } of row.resources) {
    const exported = exportedOf(resources, name);
    expect(exported, `${name} in the export`).toBeDefined();
    expect(exported!.id, `${name}'s id`).toMatch(/\S/);
    const provider = exported!.inputs?.__provider;
    expect(typeof provider).toBe("string");
    expect(Buffer.byteLength(provider as string), `${name}'s __provider size`).toBeLessThan(4096);
    for (const leak of ["127.0.0.1", "localhost", ...row.secrets(sandbox)]) expect(provider).not.toContain(leak);
    for (const key of secretInputKeys(resource.definition)) {
      if (exported!.inputs?.[key] !== undefined) expect(exported!.inputs[key], `${name}.inputs.${key}`).toEqual(ciphertext);
      if (exported!.outputs?.[key] !== undefined) expect(exported!.outputs[key], `${name}.outputs.${key}`).toEqual(ciphertext);
    }
  }
}

/** The ids of the row's resources, by name, from the export. */
export function idsOf(row: ExampleLifecycle, resources: ExportedResource[]): Record<string, string> {
  return Object.fromEntries(row.resources.map(({ name }) => [name, exportedOf(resources, name)?.id ?? ""]));
}

/**
 * Fails when `text` holds one of `secrets`, saying which (by position in the list) and where, with
 * the secret itself masked: the failure message must not leak it either.
 */
export function expectNoSecret(expect: ExpectStatic, text: string, secrets: string[], where: string): void {
  const found = secrets
    .map((secret, index) => ({ index, at: text.indexOf(secret), length: secret.length }))
    .filter((hit) => hit.at !== -1)
    .map((hit) => {
      const context = text.slice(Math.max(0, hit.at - 300), hit.at + hit.length + 100);
      return `secret #${hit.index} (${hit.length} characters) in ${where}, here:\n${secrets.reduce((masked, secret) => masked.split(secret).join("*****"), context)}`;
    });
  expect(found, `a plaintext secret in ${where}`).toEqual([]);
}

/**
 * The engine events of a stack's up/refresh/destroy runs as text, without the debug diagnostics.
 * Those carry the Node SDK's own "RegisterResource RPC finished: … resp: …" lines, which print the
 * registered resource's outputs with secret values in plaintext (@pulumi/pulumi runtime/resource.js;
 * any resource with a secret output, not only ours): `--json` and `--event-log` streams have them,
 * the CLI's display does not. See docs/development.md, "What the engine suite found".
 */
export function eventsWithoutSdkDebugLines(stack: PulumiStack): string {
  return stack.runs
    .flatMap((run) => run.events ?? [])
    .filter((event) => (event.diagnosticEvent as { severity?: string } | undefined)?.severity !== "debug")
    .map((event) => JSON.stringify(event))
    .join("\n");
}

/** Fails with the CLI's own words when a run did not exit 0. */
export function expectSuccess(expect: ExpectStatic, run: { args: string[]; exitCode: number; stderr: string; stdout: string }): void {
  expect(run.exitCode, `pulumi ${run.args.join(" ")} failed:\n${tail(run.stderr)}\n${tail(run.stdout)}`).toBe(0);
}

/** Operations of an update's steps for the row's resources, in order, as `op name`. */
export function opsOf(run: UpdateRun): string[] {
  return run.steps.map((step: UpdateStep) => `${step.op} ${nameOf(step.urn)}`);
}

function tail(text: string, lines = 40): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** A sequence of ENGINE_SEQUENCES for every resource of the row, or per resource. */
export function sequencesFor(row: ExampleLifecycle, sequence: string[], overrides: Record<string, string[]> = {}): Record<string, string[]> {
  return Object.fromEntries(row.resources.map(({ name }) => [name, overrides[name] ?? sequence]));
}

export { ENGINE_SEQUENCES };

/**
 * The provider RPCs the engine sent for each resource during a run (methods in lower case, as in
 * ENGINE_SEQUENCES), equal to what is expected per resource name (a resource not named: none).
 */
export function expectSequences(expect: ExpectStatic, run: { args: string[]; rpcs: Array<{ method: string; urn: string }> }, expected: Record<string, string[]>): void {
  const sent: Record<string, string[]> = {};
  for (const rpc of run.rpcs) {
    if (!isDynamicUrn(rpc.urn)) continue;
    (sent[nameOf(rpc.urn)] ??= []).push(rpc.method.toLowerCase());
  }
  const wanted = Object.fromEntries(Object.entries(expected).filter(([, methods]) => methods.length > 0));
  expect(sent, `provider RPCs of \`pulumi ${run.args.join(" ")}\``).toEqual(wanted);
}
