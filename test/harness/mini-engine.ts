import { createHash, randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import {
  ProviderHostError,
  SECRET_SIG,
  SECRET_SIG_KEY,
  type CheckFailure,
  type DiffResult,
  type PropertyMap,
  type ProviderHost,
  type RpcRecord,
} from "./provider-host";

/** What a program registers for one resource (a subset of a mocks registration; see program-under-mocks). */
export interface ResourceDescriptor {
  /** Type token, e.g. `pulumi-nodejs:dynamic/forpost:Account`. */
  type: string;
  /** Resource name (the URN's last part). */
  name: string;
  /** Inputs including `__provider`. Values may be {@link UNKNOWN} (preview) or wrapped secrets. */
  inputs: PropertyMap;
  /** Top-level input keys whose values are secret (the program wrapped them with `pulumi.secret`). */
  secretInputKeys?: string[];
  /** The `additionalSecretOutputs` resource option. */
  additionalSecretOutputs?: string[];
  /** The `protect` resource option. */
  protect?: boolean;
  /** The `deleteBeforeReplace` resource option; overrides the provider's diff when set. */
  deleteBeforeReplace?: boolean;
  /** `false` for component resources, which the engine does not send to providers (skipped). */
  custom?: boolean;
}

/** What the engine keeps in state for one resource. */
export interface ResourceState {
  type: string;
  name: string;
  id: string;
  /** Checked inputs (plain values; see `secretInputKeys`). */
  inputs: PropertyMap;
  /** Outputs as returned by the provider (plain values; see `secretOutputKeys`). */
  outputs: PropertyMap;
  /** Input keys stored as secrets. */
  secretInputKeys: string[];
  /** Output keys stored as secrets. */
  secretOutputKeys: string[];
  additionalSecretOutputs: string[];
  protect: boolean;
  /** Reasons of an ErrorResourceInitFailed; a later `up` updates the resource even without changes. */
  initErrors: string[];
}

/** The kinds of step an operation reports. */
export type StepOp =
  | "create"
  | "update"
  | "replace"
  | "same"
  | "delete"
  | "refresh"
  | "gone"
  | "read-failed"
  | "check-failed";

/** One step of an operation (a line of `pulumi preview/up/refresh/destroy` output). */
export interface Step {
  op: StepOp;
  urn: string;
  /** Id after the step (create/update/refresh) or of the deleted object (delete). */
  id?: string;
  /** For replacements: the order the engine used. */
  replaceOrder?: "create-before-delete" | "delete-before-create";
  /** For deletes caused by a replacement: the id of the replaced object. */
  replacedId?: string;
  /** Check failures (with op "check-failed"). */
  failures?: CheckFailure[];
  /** The provider's error message when the step failed. */
  error?: string;
  /** Set when the failing create/update reported ErrorResourceInitFailed. */
  initFailed?: { id: string; reasons: string[] };
  /** The diff that decided the step (update/replace/same). */
  diff?: DiffResult;
  /** For refresh: whether the outputs or inputs read differ from the state. */
  changed?: boolean;
  /**
   * In a preview, the outputs the engine hands the program for this resource (what its dependents
   * see): the stored outputs for "same"; for "update", the checked NEW INPUTS and nothing else — the
   * dynamic-provider host does not declare `supportsPreview`, so the engine does not call Update in a
   * preview and returns the new inputs as the state (sdk/go/common/resource/plugin/provider_plugin.go,
   * Update with Preview): a computed output (an id of another system, a number the vendor assigns)
   * is unknown to dependents until the `up`. Absent for create/replace (every output unknown but the id of a same/update).
   */
  plannedOutputs?: PropertyMap;
}

/** Options of {@link MiniEngine}. */
export interface MiniEngineOptions {
  /** The flat stack config sent with Configure (e.g. `{"forpost:url": "http://..."}`). */
  config?: Record<string, string>;
  /** Config keys that are secret (sent wrapped; the host unwraps them). */
  secretConfigKeys?: string[];
  /** Project and stack names used to build URNs (default "project" / "stack", like the mocks). */
  project?: string;
  stack?: string;
}

const PROVIDER_KEY = "__provider";

/**
 * Plays the Pulumi engine's RPC sequences against a {@link ProviderHost} and keeps a stack state,
 * so tests can run preview/up/refresh/destroy without the Pulumi CLI. The sequences are the ones
 * the real engine sends (test/harness/engine-sequences.ts, checked against the pinned CLI by
 * test/engine). Resources are processed one at a time in the given order, deletes in reverse order.
 *
 * Where the model is knowingly simpler than the engine (docs/development.md lists it all): the
 * engine starts a new provider host process for every pass (a preview, each of `pulumi up`'s two
 * passes, a refresh, a destroy), this model keeps one host, configured once; the engine runs up to
 * `--parallel` steps at once and takes registrations in the order they arrive; it also calls
 * CheckConfig/DiffConfig, Handshake and GetPluginInfo, which the dynamic-provider host does not
 * implement (UNIMPLEMENTED, constant answers), and this model does not.
 */
export class MiniEngine {
  /** Every RPC this engine sent, in order. */
  readonly rpcs: RpcRecord[] = [];
  /**
   * The RPCs of the most recent operation; for {@link up}, those of its update pass (what the
   * update's own provider process receives), its preview pass's are in {@link lastPreviewRpcs}.
   */
  lastRpcs: RpcRecord[] = [];
  /** The RPCs of the preview pass of the most recent {@link up} ([] with `skipPreview`). */
  lastPreviewRpcs: RpcRecord[] = [];

  private readonly host: ProviderHost;
  private readonly options: MiniEngineOptions;
  private readonly resources = new Map<string, ResourceState>();
  /** Objects replaced create-before-delete whose delete has not happened yet. */
  private readonly pending: Array<ResourceState & { urn: string }> = [];
  private readonly ciphertextSalt = randomBytes(16);
  private configured = false;
  /** Where in the host's RPC log the current operation's reported RPCs start. */
  private reportedFrom = 0;

  constructor(host: ProviderHost, options: MiniEngineOptions = {}) {
    this.host = host;
    this.options = options;
  }

  /** The URN the engine gives a top-level resource. */
  urnOf(type: string, name: string): string {
    return `urn:pulumi:${this.options.stack ?? "stack"}::${this.options.project ?? "project"}::${type}::${name}`;
  }

  /**
   * `pulumi preview`: Check(olds = stored inputs or {}, news) for every resource and, for existing
   * ones, Diff(id, olds = stored OUTPUTS, news = checked inputs) (plus the engine's second
   * Check({}, news) when the diff asks for a replacement). Never Create/Update/Delete/Read. The
   * first check failure ends the preview (the engine bails: later resources are not checked).
   */
  async preview(resources: ResourceDescriptor[]): Promise<Step[]> {
    return this.operation(() => this.plan(resources));
  }

  /** The steps of a preview, without changing anything. */
  private async plan(resources: ResourceDescriptor[]): Promise<Step[]> {
    const steps: Step[] = [];
    const wanted = new Set<string>();
    for (const descriptor of customOnly(resources)) {
      const urn = this.urnOf(descriptor.type, descriptor.name);
      wanted.add(urn);
      const news = plainInputs(descriptor);
      const old = this.resources.get(urn);
      const checked = await this.host.check(urn, old ? old.inputs : {}, news);
      if (checked.failures.length > 0) {
        steps.push({ op: "check-failed", urn, failures: checked.failures });
        return steps;
      }
      if (!old) {
        steps.push({ op: "create", urn });
        continue;
      }
      const diff = await this.diff(urn, old, checked.inputs);
      if (isReplace(diff)) {
        const recheck = await this.host.check(urn, {}, news);
        if (recheck.failures.length > 0) {
          steps.push({ op: "check-failed", urn, failures: recheck.failures, diff });
          return steps;
        }
        // The engine reports a replacement of a resource protected in the state and the program as
        // an error, and (in a preview only) goes on with the next resources.
        const refused = old.protect && descriptor.protect ? { error: replaceProtectedMessage(urn) } : {};
        steps.push({ op: "replace", urn, id: old.id, diff, replaceOrder: replaceOrder(diff, descriptor), ...refused });
      } else if (diff.changes === "some" || old.initErrors.length > 0) {
        steps.push({ op: "update", urn, id: old.id, diff, plannedOutputs: checked.inputs });
      } else {
        steps.push({ op: "same", urn, id: old.id, diff, plannedOutputs: old.outputs });
      }
    }
    for (const entry of this.pending) steps.push({ op: "delete", urn: entry.urn, id: entry.id });
    for (const [urn, old] of [...this.resources].reverse()) {
      if (!wanted.has(urn)) steps.push({ op: "delete", urn, id: old.id });
    }
    return steps;
  }

  /**
   * `pulumi up`: a preview pass first — any check failure there stops the update before anything
   * is applied — then the update pass, resource by resource: Check(olds = stored inputs or {},
   * news), then Create(checked) for a new one, or Diff → Update / replacement for an existing one.
   * Replacements run a second Check({}, news), then Create-new + Delete-old (the old one is deleted
   * after all creates/updates, like the engine) or Delete-old + Create-new when
   * `deleteBeforeReplace`. Resources no longer registered are deleted in reverse order. The first
   * failing RPC stops the update (its step carries `error`); what was applied before it stays.
   *
   * `skipPreview` is `pulumi up --skip-preview` (and the Automation API's `up`): no preview pass,
   * so the resources before a failing check are still applied.
   */
  async up(resources: ResourceDescriptor[], options: { skipPreview?: boolean } = {}): Promise<Step[]> {
    return this.operation(async () => {
      this.lastPreviewRpcs = [];
      if (!options.skipPreview) {
        const previewFrom = this.host.rpcLog.length;
        const planned = await this.plan(resources);
        this.lastPreviewRpcs = this.host.rpcLog.slice(previewFrom);
        this.reportedFrom = this.host.rpcLog.length;
        const failed = planned.filter((step) => step.op === "check-failed" || step.error !== undefined);
        if (failed.length > 0) return failed;
      }
      const steps: Step[] = [];
      for (const entry of [...this.pending]) {
        if (!(await this.deletePending(entry, steps))) return steps;
      }
      const wanted = new Set<string>();
      for (const descriptor of customOnly(resources)) {
        const urn = this.urnOf(descriptor.type, descriptor.name);
        wanted.add(urn);
        const old = this.resources.get(urn);
        const checked = await this.host.check(urn, old ? old.inputs : {}, plainInputs(descriptor));
        if (checked.failures.length > 0) {
          steps.push({ op: "check-failed", urn, failures: checked.failures });
          return steps;
        }
        if (!(await this.apply(urn, descriptor, checked.inputs, steps))) return steps;
      }
      for (const entry of [...this.pending]) {
        if (!(await this.deletePending(entry, steps))) return steps;
      }
      for (const [urn, old] of [...this.resources].reverse()) {
        if (wanted.has(urn)) continue;
        if (!(await this.deleteResource(urn, old, steps))) return steps;
      }
      return steps;
    });
  }

  /**
   * `pulumi refresh --skip-preview` (`pulumi refresh` runs the same reads once more in a preview
   * pass first): Read(id, properties = outputs, inputs) for every resource. An empty id means the
   * object is gone (removed from state); returned inputs replace the stored inputs, a returned id
   * replaces the stored one, and a successful read clears init errors. Then, like the engine, a
   * Diff of the refreshed state against the old inputs — what a no-change `up` right after would
   * show — decides whether the step is reported as changed (the CLI shows it as an update).
   */
  async refresh(): Promise<Step[]> {
    return this.operation(async () => {
      const steps: Step[] = [];
      for (const [urn, old] of [...this.resources]) {
        let result;
        let diff: DiffResult;
        try {
          result = await this.host.read(urn, old.id, old.outputs, old.inputs);
          if (result.id === "") {
            this.resources.delete(urn);
            steps.push({ op: "gone", urn, id: old.id });
            continue;
          }
          // The engine passes the refreshed inputs/outputs as the olds and the old inputs as the news.
          diff = await this.engineDiff(urn, result.id, result.properties, result.inputs ?? old.inputs, old.inputs);
        } catch (error) {
          steps.push({ op: "read-failed", urn, id: old.id, error: messageOf(error) });
          continue;
        }
        this.resources.set(urn, {
          ...old,
          id: result.id,
          inputs: result.inputs ?? old.inputs,
          outputs: result.properties,
          secretOutputKeys: union(old.secretOutputKeys, secretOutputKeysFor(result.properties, old)),
          initErrors: [],
        });
        steps.push({ op: "refresh", urn, id: result.id, changed: diff.changes === "some" });
      }
      return steps;
    });
  }

  /** `pulumi destroy`: Delete(id, outputs) in reverse creation order; stops at the first failure. */
  async destroy(): Promise<Step[]> {
    return this.operation(async () => {
      const steps: Step[] = [];
      for (const entry of [...this.pending]) {
        if (!(await this.deletePending(entry, steps))) return steps;
      }
      for (const [urn, old] of [...this.resources].reverse()) {
        if (!(await this.deleteResource(urn, old, steps))) return steps;
      }
      return steps;
    });
  }

  /** A deep copy of the state, keyed by URN, in creation order. */
  state(): Record<string, ResourceState> {
    return structuredClone(Object.fromEntries(this.resources));
  }

  /** Objects replaced create-before-delete and not deleted yet (deleted first by the next up/destroy). */
  pendingDeletes(): Array<ResourceState & { urn: string }> {
    return structuredClone(this.pending);
  }

  /**
   * The state rendered like `pulumi stack export`: secret inputs and outputs appear only as
   * `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "..."}`
   * with an opaque, non-reversible ciphertext.
   */
  stateJson(): string {
    const render = (values: PropertyMap, secretKeys: string[]): PropertyMap => {
      const result: PropertyMap = {};
      for (const [key, value] of Object.entries(values)) {
        result[key] = secretKeys.includes(key) ? this.encrypt(value) : value;
      }
      return result;
    };
    const toExport = (urn: string, entry: ResourceState, pendingDelete: boolean): Record<string, unknown> => ({
      urn,
      custom: true,
      ...(pendingDelete ? { delete: true } : {}),
      id: entry.id,
      type: entry.type,
      inputs: render(entry.inputs, entry.secretInputKeys),
      outputs: render(entry.outputs, entry.secretOutputKeys),
      ...(entry.additionalSecretOutputs.length > 0 ? { additionalSecretOutputs: entry.additionalSecretOutputs } : {}),
      ...(entry.protect ? { protect: true } : {}),
      ...(entry.initErrors.length > 0 ? { initErrors: entry.initErrors } : {}),
    });
    const resources = [
      ...[...this.resources].map(([urn, entry]) => toExport(urn, entry, false)),
      ...this.pending.map((entry) => toExport(entry.urn, entry, true)),
    ];
    return JSON.stringify({ version: 3, deployment: { resources } }, null, 2);
  }

  private async operation(run: () => Promise<Step[]>): Promise<Step[]> {
    const start = this.host.rpcLog.length;
    this.reportedFrom = start;
    try {
      if (!this.configured) {
        await this.host.configure(this.options.config ?? {}, { secretKeys: this.options.secretConfigKeys ?? [] });
        this.configured = true;
      }
      return await run();
    } finally {
      const configure = this.host.rpcLog.slice(start, start + 1).filter((record) => record.method === "configure");
      const reported = this.host.rpcLog.slice(Math.max(this.reportedFrom, start + configure.length));
      this.lastRpcs = [...configure, ...reported];
      this.rpcs.push(...this.host.rpcLog.slice(start));
    }
  }

  /** Diff of a stored resource against new inputs, as the engine does it. */
  private async diff(urn: string, old: ResourceState, news: PropertyMap): Promise<DiffResult> {
    return this.engineDiff(urn, old.id, old.outputs, old.inputs, news);
  }

  /** The provider's Diff, then (for "unknown") the engine's own comparison of old and new inputs. */
  private async engineDiff(urn: string, id: string, oldOutputs: PropertyMap, oldInputs: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const diff = await this.host.diff(urn, id, oldOutputs, news, oldInputs);
    if (diff.changes === "unknown") {
      return { ...diff, changes: isDeepStrictEqual(oldInputs, news) ? "none" : "some" };
    }
    return diff;
  }

  /** Creates, updates or replaces one resource; returns false when the update must stop. */
  private async apply(urn: string, descriptor: ResourceDescriptor, checked: PropertyMap, steps: Step[]): Promise<boolean> {
    const old = this.resources.get(urn);
    if (!old) return this.create(urn, descriptor, checked, steps, { op: "create" });

    let diff: DiffResult;
    try {
      diff = await this.diff(urn, old, checked);
    } catch (error) {
      steps.push({ op: "update", urn, id: old.id, error: messageOf(error) });
      return false;
    }

    if (isReplace(diff)) {
      if (old.protect && descriptor.protect) {
        steps.push({ op: "replace", urn, id: old.id, diff, error: replaceProtectedMessage(urn) });
        return false;
      }
      const recheck = await this.host.check(urn, {}, plainInputs(descriptor));
      if (recheck.failures.length > 0) {
        steps.push({ op: "check-failed", urn, failures: recheck.failures, diff });
        return false;
      }
      const order = replaceOrder(diff, descriptor);
      if (order === "delete-before-create") {
        if (!(await this.deleteResource(urn, old, steps, old.id))) return false;
        return this.create(urn, descriptor, recheck.inputs, steps, { op: "replace", diff, replaceOrder: order });
      }
      this.pending.push({ ...old, urn });
      const created = await this.create(urn, descriptor, recheck.inputs, steps, { op: "replace", diff, replaceOrder: order });
      if (!created && this.resources.get(urn) === old) {
        // Nothing was created: the old object stays the live one instead of a pending delete.
        this.pending.pop();
      }
      return created;
    }

    if (diff.changes !== "some" && old.initErrors.length === 0) {
      // A same step records the new checked inputs (e.g. a new `__provider` text) and keeps the outputs.
      const same = this.stateFor(descriptor, old.id, checked, old.outputs, []);
      this.resources.set(urn, { ...same, secretOutputKeys: union(old.secretOutputKeys, same.secretOutputKeys) });
      steps.push({ op: "same", urn, id: old.id, diff });
      return true;
    }

    try {
      const result = await this.host.update(urn, old.id, old.outputs, checked, old.inputs);
      this.resources.set(urn, this.stateFor(descriptor, old.id, checked, result.properties, []));
      steps.push({ op: "update", urn, id: old.id, diff });
      return true;
    } catch (error) {
      const initFailed = error instanceof ProviderHostError ? error.initFailed : undefined;
      if (initFailed) {
        this.resources.set(urn, this.stateFor(descriptor, old.id, checked, initFailed.properties, initFailed.reasons));
      }
      steps.push({
        op: "update",
        urn,
        id: old.id,
        diff,
        error: initFailed ? initErrorMessage(initFailed.reasons) : messageOf(error),
        ...(initFailed ? { initFailed: { id: initFailed.id, reasons: initFailed.reasons } } : {}),
      });
      return false;
    }
  }

  private async create(
    urn: string,
    descriptor: ResourceDescriptor,
    checked: PropertyMap,
    steps: Step[],
    step: Pick<Step, "op" | "diff" | "replaceOrder">,
  ): Promise<boolean> {
    try {
      const result = await this.host.create(urn, checked);
      if (result.id === "") {
        steps.push({ ...step, urn, error: "provider returned an empty id from Create" });
        return false;
      }
      this.resources.set(urn, this.stateFor(descriptor, result.id, checked, result.properties, []));
      steps.push({ ...step, urn, id: result.id });
      return true;
    } catch (error) {
      const initFailed = error instanceof ProviderHostError ? error.initFailed : undefined;
      if (initFailed) {
        // ErrorResourceInitFailed: the object exists; the engine records it (with the outputs the
        // error carried, verbatim) so it is not leaked, and marks it with init errors.
        this.resources.set(urn, this.stateFor(descriptor, initFailed.id, checked, initFailed.properties, initFailed.reasons));
      }
      steps.push({
        ...step,
        urn,
        ...(initFailed ? { id: initFailed.id, initFailed: { id: initFailed.id, reasons: initFailed.reasons } } : {}),
        error: initFailed ? initErrorMessage(initFailed.reasons) : messageOf(error),
      });
      return false;
    }
  }

  /** Deletes a live resource and removes it from state; returns false on failure. */
  private async deleteResource(urn: string, old: ResourceState, steps: Step[], replacedId?: string): Promise<boolean> {
    const replaced = replacedId === undefined ? {} : { replacedId };
    if (old.protect) {
      steps.push({ op: "delete", urn, id: old.id, ...replaced, error: deleteProtectedMessage(urn) });
      return false;
    }
    try {
      await this.host.delete(urn, old.id, old.outputs, old.inputs);
    } catch (error) {
      steps.push({ op: "delete", urn, id: old.id, ...replaced, error: messageOf(error) });
      return false;
    }
    this.resources.delete(urn);
    steps.push({ op: "delete", urn, id: old.id, ...replaced });
    return true;
  }

  private async deletePending(entry: ResourceState & { urn: string }, steps: Step[]): Promise<boolean> {
    try {
      await this.host.delete(entry.urn, entry.id, entry.outputs, entry.inputs);
    } catch (error) {
      steps.push({ op: "delete", urn: entry.urn, id: entry.id, replacedId: entry.id, error: messageOf(error) });
      return false;
    }
    this.pending.splice(this.pending.indexOf(entry), 1);
    steps.push({ op: "delete", urn: entry.urn, id: entry.id, replacedId: entry.id });
    return true;
  }

  private stateFor(
    descriptor: ResourceDescriptor,
    id: string,
    inputs: PropertyMap,
    outputs: PropertyMap,
    initErrors: string[],
  ): ResourceState {
    const secretInputKeys = secretKeysOf(descriptor);
    const additionalSecretOutputs = [...(descriptor.additionalSecretOutputs ?? [])];
    return {
      type: descriptor.type,
      name: descriptor.name,
      id,
      inputs,
      outputs,
      secretInputKeys: Object.keys(inputs).filter((key) => secretInputKeys.includes(key)),
      secretOutputKeys: secretOutputKeysFor(outputs, { secretInputKeys, additionalSecretOutputs }),
      additionalSecretOutputs,
      protect: descriptor.protect ?? false,
      initErrors,
    };
  }

  private encrypt(value: unknown): Record<string, string> {
    const ciphertext = createHash("sha256")
      .update(this.ciphertextSalt)
      .update(JSON.stringify(value) ?? "undefined")
      .digest("base64");
    return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext };
  }
}

function customOnly(resources: ResourceDescriptor[]): ResourceDescriptor[] {
  return resources.filter((descriptor) => descriptor.custom !== false);
}

function isReplace(diff: DiffResult): boolean {
  return diff.changes === "some" && diff.replaces.length > 0;
}

function replaceOrder(diff: DiffResult, descriptor: ResourceDescriptor): "create-before-delete" | "delete-before-create" {
  const deleteFirst = descriptor.deleteBeforeReplace ?? diff.deleteBeforeReplace;
  return deleteFirst ? "delete-before-create" : "create-before-delete";
}

/** Whether a wire value is a secret wrapper `{[SECRET_SIG_KEY]: SECRET_SIG, value}`. */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/** Removes secret wrappers at any depth (the engine strips them for providers with acceptSecrets=false). */
export function stripSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return stripSecrets(value.value);
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stripSecrets(item)]));
  }
  return value;
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** Secret top-level input keys of a descriptor: the declared ones plus any still-wrapped values. */
function secretKeysOf(descriptor: ResourceDescriptor): string[] {
  const wrapped = Object.keys(descriptor.inputs).filter((key) => containsSecret(descriptor.inputs[key]));
  return union(descriptor.secretInputKeys ?? [], wrapped);
}

/** The inputs the engine sends to a provider that does not accept secrets. */
function plainInputs(descriptor: ResourceDescriptor): PropertyMap {
  const inputs = stripSecrets(descriptor.inputs) as PropertyMap;
  if (typeof inputs[PROVIDER_KEY] !== "string" && inputs[PROVIDER_KEY] !== undefined) {
    throw new Error(`${descriptor.name}: __provider must be a string`);
  }
  return inputs;
}

/** The engine re-marks as secret any output whose key is a secret input or an additional secret output. */
function secretOutputKeysFor(
  outputs: PropertyMap,
  source: { secretInputKeys: string[]; additionalSecretOutputs: string[] },
): string[] {
  const secret = new Set([...source.secretInputKeys, ...source.additionalSecretOutputs]);
  return Object.keys(outputs).filter((key) => secret.has(key));
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * What the engine shows for an ErrorResourceInitFailed: only the reasons, as go-multierror lists
 * them (plugin.InitError); the gRPC message is dropped.
 */
export function initErrorMessage(reasons: string[]): string {
  if (reasons.length === 0) return "resource init failed";
  if (reasons.length === 1) return `1 error occurred:\n\t* ${reasons[0]}\n\n`;
  return `${reasons.length} errors occurred:\n\t${reasons.map((reason) => `* ${reason}`).join("\n\t")}\n\n`;
}

/** The engine's error for a replacement of a resource protected in the state and the program. */
function replaceProtectedMessage(urn: string): string {
  return (
    `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
    "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}

/** The engine's error for a delete of a protected resource (deploy.deleteProtectedError). */
function deleteProtectedMessage(urn: string): string {
  return (
    `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, ` +
    "either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the command:\n" +
    `\`pulumi state unprotect '${urn}'\``
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

