import type { z } from "zod";
import { DECLARED_KEY } from "../../provider/core/resource";
import { fieldMeta } from "../../provider/core/schema";
import type { PlannedResource, ProgramPlan } from "./plan";

/**
 * The file `pulumi import --file <file>` takes (Pulumi CLI ≥ 3.254.0; the format is `importFile` /
 * `importSpec` in pkg/cmd/pulumi/operations/import.go). Each resource carries both `inputs` and
 * `outputs`: with outputs the engine imports from them and skips its Read, which cannot work for a
 * dynamic provider (pulumi/pulumi#3550: it reads with no `__provider`); it still runs Check with
 * the inputs, so both carry `__provider`, the serialized provider shim exactly as the SDK class
 * would send it.
 */
export interface ImportFile {
  resources: ImportSpec[];
}

export interface ImportSpec {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** Pulumi's marker of a secret value in serialized properties (`resource.SecretSig`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const PROVIDER_KEY = "__provider";

export interface ImportFileOptions {
  /** The serialized provider shim for a resource token (see {@link serializedProvider}). */
  providerText(token: string): Promise<string>;
  /** The value of a placeholder's config key, when discover was given it (`--config-json`). */
  placeholderValue(configKey: string): string | undefined;
}

export interface ImportFileResult {
  file: ImportFile;
  /** Resources left out of the file because a placeholder's value was not given, with the keys missing. */
  skipped: Array<{ resource: PlannedResource; missing: string[] }>;
}

/**
 * The import file for a plan, in program order. A resource with a required input discover cannot
 * know (a verification code) is in the file only when that value was given — imported without it,
 * the first `pulumi up` would see the input as changed and, for an input that replaces, replace the
 * object. Those resources are adopted by their `import` option in the program instead.
 */
export async function renderImportFile(plan: ProgramPlan, options: ImportFileOptions): Promise<ImportFileResult> {
  const resources: ImportSpec[] = [];
  const skipped: ImportFileResult["skipped"] = [];
  const providers = new Map<string, string>();
  for (const r of plan.groups.flatMap((g) => g.resources)) {
    const placeholders = r.inputs.flatMap((i) => (i.placeholder ? [i.placeholder] : []));
    const missing = placeholders.filter((p) => options.placeholderValue(p.configKey) === undefined).map((p) => p.configKey);
    if (missing.length > 0) {
      skipped.push({ resource: r, missing });
      continue;
    }
    if (!providers.has(r.token)) providers.set(r.token, await options.providerText(r.token));
    const provider = providers.get(r.token)!;
    const shape = r.source.resource.definition.inputs.shape as Record<string, z.ZodType>;
    const values: Record<string, unknown> = { ...r.checked };
    for (const p of placeholders) values[p.field] = options.placeholderValue(p.configKey);
    // In schema order, as the provider writes them.
    const inputs: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) if (values[key] !== undefined) inputs[key] = values[key];
    const secret = (key: string, value: unknown) => (key in shape && fieldMeta(shape, key).secret ? secretValue(value) : value);
    const serialize = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secret(k, v)]));
    resources.push({
      type: `pulumi-nodejs:dynamic/${r.token}`,
      name: r.name,
      id: r.id,
      inputs: { ...serialize(inputs), [PROVIDER_KEY]: provider },
      // What the provider's import keeps: every input as the vendor has it (and the declared
      // write-only ones), the computed outputs discover knew, and which inputs the program declares.
      outputs: { ...serialize(inputs), ...r.outputs, [DECLARED_KEY]: Object.keys(inputs), [PROVIDER_KEY]: provider },
    });
  }
  return { file: { resources }, skipped };
}

/** A secret in serialized state; `plaintext` is JSON (Pulumi encrypts it with the stack's secrets provider on import). */
function secretValue(value: unknown): Record<string, string> {
  return { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) };
}

/**
 * `__provider` exactly as the SDK class serializes it: the same shim object, serialized by the
 * same `@pulumi/pulumi` function `pulumi.dynamic.Resource` uses (`() => provider`, secrets
 * allowed). Resolved from where the program's packages are, so it is the program's `@pulumi/pulumi`.
 */
export async function serializedProvider(token: string): Promise<string> {
  const { providerShim } = require("../../sdk/provider-shim") as typeof import("../../sdk/provider-shim");
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
    serializeFunction(fn: () => unknown, options: { allowSecrets: boolean }): Promise<{ text: string }>;
  };
  // The closure text includes this arrow function and the captured variable's name: both must
  // read exactly as in @pulumi/pulumi's dynamic/index.js (`() => provider`).
  const provider = providerShim(token);
  const serialized = await serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}
