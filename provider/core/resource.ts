import type { z } from "zod";
import {
  ADOPT_KEY,
  CreateOutcomeUnknownError,
  describeDifference,
  describeKey,
  differences,
  expectResolution,
  IMPORT_KEY,
  IMPORT_IN_CREATE_KEY,
  isPendingId,
  keyValues,
  markResolved,
  PENDING_KEY,
  pendingId,
  settleByOf,
  settledFind,
  takeResolution,
  wasResolved,
  writeOnlyInputs,
  type CreateContext,
  type NaturalKey,
  type PendingCreate,
} from "./adoption";
import { ResourceInitError, type Vendor } from "./errors";
import { withKeyLock } from "./key-lock";
import { redact } from "./redact";
import { containsUnknown, diffInputs, fieldMeta, validateInputs, type CheckFailure } from "./schema";

/**
 * Outputs carry the names of the inputs the program declared. The host hands `read` only the
 * outputs, yet refresh must return inputs — just the declared ones, or the next preview would show
 * every vendor default as a removed input.
 */
export const DECLARED_KEY = "__declared";
const PROVIDER_KEY = "__provider";

/** Lets a create report how far it got, so a failure after the object exists never leaks it. */
export interface CreateProgress<O> {
  /** The object exists: from now on a failure keeps it in state with these properties. */
  created(id: string, properties: Partial<O>): void;
  /** More of the desired state was applied. */
  applied(properties: Partial<O>): void;
}

export interface ResourceHandlers<I, O> {
  /**
   * Creates the object. The core has already taken the natural key's lock and looked the key up
   * (`context.before`); after a lost answer, `context.findNew()` tells whether the request took
   * effect. When it cannot be told (the look-ups fail too), throw {@link CreateOutcomeUnknownError}:
   * the core then leaves a pending placeholder that the next `pulumi up` resolves.
   */
  create(inputs: I, progress: CreateProgress<O>, context: CreateContext): Promise<{ id: string; outs: O }>;
  /**
   * The object as the vendor has it now, or undefined when it is gone. `olds` are the last known
   * outputs — empty when an object is imported by id, so `read` must work from the id alone
   * (write-only inputs then stay out: the core adds the declared ones).
   *
   * `declared` (import, adoption and pending creates only) are the inputs the program declares,
   * for a vendor whose by-id answer leaves out something the program knows and the vendor can
   * confirm (Forpost's GetCameras does not name a camera's account, but lists the cameras of a
   * given one). Use them only to look the object up, never as its values.
   */
  read(id: string, olds: Partial<O>, declared?: Partial<I>): Promise<O | undefined>;
  /** Applies the `changed` inputs (never sends what did not change) and returns the new state. */
  update(id: string, olds: O, news: I, changed: string[]): Promise<O>;
  /** Deletes the object; an object that is already gone is success. */
  delete(id: string, olds: O): Promise<void>;
}

/** One existing object, as `pulumi-telecom discover` finds it through the vendor's list endpoints. */
export interface DiscoveredObject {
  /** The resource id (what the `import` option takes). */
  id: string;
  /** Its inputs as the vendor has them; write-only inputs (passwords, codes) are left out. */
  inputs: Record<string, unknown>;
  /**
   * Inputs that hold the id of another discovered object, by input name: `{ accountId: { token:
   * "forpost:Account", id: "1001" } }`, so the program can reference that resource instead.
   */
  refs?: Record<string, { token: string; id: string }>;
  /** The subscriber it belongs to (a contract or account number, an address), to group by. */
  subscriber?: string;
  /** A short human name for the generated resource (`acme`, `alice-tv`). */
  name?: string;
  /**
   * Computed outputs the list answer already carries (`{ accountId: 1001 }`), for the state that
   * `pulumi-telecom discover --import-file` writes. Never worth an extra call: what is left out
   * appears after the first `pulumi refresh`.
   */
  outputs?: Record<string, unknown>;
}

export interface DiscoverOptions {
  /** Stop after this many objects. */
  limit?: number;
  /** Only subscribers whose contract/account number starts with this. */
  subscriberPrefix?: string;
  /** Told after each vendor call, for a progress display. */
  onProgress?(found: number): void;
  /**
   * One read per discover run for a list several kinds of a vendor need (Forpost's accounts and
   * each account's users, VSAAS.IO's members of each organization, the Hik-Connect area tree and
   * cameras, the billing's homes): the first kind reads it, the others get the same answer. Read
   * through {@link sharedRead}; absent (a kind's discover called on its own) every read is made.
   */
  shared?<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/** `read()` once per discover run under `key` (see {@link DiscoverOptions.shared}). */
export function sharedRead<T>(options: DiscoverOptions, key: string, read: () => Promise<T>): Promise<T> {
  return options.shared ? options.shared(key, read) : read();
}

export interface ResourceDefinition<S extends z.ZodRawShape, C extends z.ZodRawShape> {
  /** `<vendor>:<Type>`; the SDK registers `pulumi-nodejs:dynamic/<vendor>:<Type>`. */
  token: `${Vendor}:${string}`;
  /** One paragraph for the reference docs. */
  description: string;
  inputs: z.ZodObject<S>;
  /** Computed outputs, on top of every input as read back. */
  outputs: z.ZodObject<C>;
  /** Replacements delete the old object first (when two cannot exist at once). */
  deleteBeforeReplace?: boolean;
  /**
   * Rules across fields; `known(key)` is false while a value is unknown (preview). `olds` are the
   * inputs the object was last applied with (empty for a new object and for a replacement's
   * second check), for rules that only apply to a change, such as an update API's tighter limit.
   */
  crossCheck?(
    inputs: Partial<z.output<z.ZodObject<S>>>,
    known: (key: keyof S & string) => boolean,
    olds: Partial<z.output<z.ZodObject<S>>>,
    /**
     * Whether the program imports the object (`import`) or may adopt it (`adoptExisting`): inputs
     * that only a create needs (a password the vendor never returns) cannot be required then.
     */
    adoption: { importing: boolean; adopting: boolean },
  ): CheckFailure[];
  /**
   * Puts the stored outputs and the new inputs into the form the diff compares, for values the
   * vendor changes by itself in a known way (a default element it always adds to a list, an e-mail
   * address it lower-cases). Used by `diff` and by `update`'s list of changed inputs; what is
   * stored and sent is not affected. Default: compared as they are.
   */
  comparable?(olds: Record<string, unknown>, news: Record<string, unknown>): { olds: Record<string, unknown>; news: Record<string, unknown> };
  /** What a valid id looks like, to refuse a corrupted state (or a wrong import id) before calling the vendor. */
  idPattern?: RegExp;
  /** What an id is, for messages and the docs' Import section ("the Forpost account ID, e.g. `1234`"). */
  idDoc?: string;
  /**
   * The vendor's own identity of the object besides its id. Without it the resource cannot be
   * adopted by key (`adoptExisting`), and a create whose outcome is unknown cannot be resolved later.
   */
  naturalKey?: NaturalKey<Partial<ResourceInputs<S>>>;
  /**
   * Every object of this kind the vendor has, read page by page through list endpoints (never one
   * call per object where a list exists), within the vendor's limits. Read-only: never writes.
   */
  discover?(options: DiscoverOptions): AsyncIterable<DiscoveredObject>;
  handlers: ResourceHandlers<ResourceInputs<S>, ResourceOutputs<S, C>>;
}

export type ResourceInputs<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;
export type ResourceOutputs<S extends z.ZodRawShape, C extends z.ZodRawShape> = Partial<z.output<z.ZodObject<S>>> &
  z.output<z.ZodObject<C>>;

type Props = Record<string, unknown>;

/** The dynamic-provider methods the host calls (pulumi.dynamic.ResourceProvider). */
export interface DynamicResourceImpl {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

export interface TelecomResource<S extends z.ZodRawShape = z.ZodRawShape, C extends z.ZodRawShape = z.ZodRawShape>
  extends DynamicResourceImpl {
  readonly definition: ResourceDefinition<S, C>;
}

/** Builds the dynamic-provider implementation of a resource from its definition. */
export function defineResource<S extends z.ZodRawShape, C extends z.ZodRawShape>(
  definition: ResourceDefinition<S, C>,
): TelecomResource<S, C> {
  const { inputs: schema, handlers } = definition;
  const inputKeys = Object.keys(schema.shape);

  const declaredOf = (inputs: Props) => inputKeys.filter((k) => inputs[k] !== undefined);
  const withDeclared = (outs: Props, declared: string[]): Props => ({ ...dropUndefined(outs), [DECLARED_KEY]: declared });
  const diffOf = (olds: Props, news: Props) => {
    const view = definition.comparable ? definition.comparable(olds, news) : { olds, news };
    return diffInputs(schema, view.olds, view.news);
  };
  const vendorTitle = VENDOR_TITLES[definition.token.split(":")[0] as Vendor] ?? definition.token;
  // "forpost:UserCameraAccess" → "user camera access": how messages name one object.
  const noun = definition.token.split(":")[1]!.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  // "an account", but "a user" / "a unit": a "u" sounded "you" (u, consonant, vowel) takes "a";
  // "switches", not "switchs".
  const nouns = (n: number) =>
    n === 1 ? `${/^(?!u[^aeiou][aeiou])[aeiou]/.test(noun) ? "an" : "a"} ${noun}` : `${n} ${noun.replace(/(s|x|z|ch|sh)$/, "$1e")}s`;
  const checkId = (id: string, what = "the state holds id") => {
    if (isPendingId(id)) return;
    if (definition.idPattern && !definition.idPattern.test(id)) {
      throw new Error(`${definition.token}: ${what} ${JSON.stringify(id)}, which is not a valid id for this resource${definition.idDoc ? ` (${definition.idDoc})` : ""}`);
    }
  };
  const keyOf = (values: Props) => (definition.naturalKey ? keyValues(definition.naturalKey.fields, values, definition.naturalKey.optionalFields) : undefined);
  const keyNames = definition.naturalKey ? [...definition.naturalKey.fields, ...(definition.naturalKey.optionalFields ?? [])] : [];
  const lockOf = (key: Record<string, unknown>) => `${definition.token}:${JSON.stringify(key)}`;
  const labels = new Map<string, string>();
  const find = async (values: Props, options?: { fresh: true }) =>
    (await definition.naturalKey!.find(values as Partial<ResourceInputs<S>>, options)).map((found) => {
      if (typeof found === "string") return found;
      if (found.label) labels.set(found.id, found.label);
      return found.id;
    });
  const listIds = (ids: string[]) => ids.map((id) => (labels.has(id) ? `${id} ${JSON.stringify(labels.get(id))}` : id)).join(", ");

  /** What the vendor has for an id, compared with the declared inputs (import and adoption). */
  const readToAdopt = async (id: string, declared: Props) => {
    const now = await handlers.read(id, {}, declared as Partial<ResourceInputs<S>>);
    if (now === undefined) return undefined;
    return { now: now as Props, diffs: differences(schema, now as Props, declared, definition.comparable) };
  };

  /** Keeps an existing object: the declared write-only inputs join what the vendor returned. */
  const keep = (id: string, now: Props, inputs: Props): { id: string; outs: Props } => ({
    id,
    outs: withDeclared({ ...now, ...writeOnlyInputs(schema, inputs) }, declaredOf(inputs)),
  });

  /** Adopts an existing object (by key or a pending create's), applying the declared inputs that differ. */
  const adopt = async (id: string, inputs: ResourceInputs<S>, why: string, provider: unknown): Promise<{ id: string; outs: Props }> => {
    const found = await readToAdopt(id, inputs as Props);
    if (!found) throw new Error(`${definition.token}: ${why}: ${vendorTitle} ${noun} ${id} disappeared while it was being adopted; run \`pulumi up\` again`);
    const replacing = found.diffs.filter((d) => d.replaces);
    if (replacing.length > 0) {
      throw new Error(
        redact(
          `${definition.token}: ${why}: ${vendorTitle} ${noun} ${id} differs in what can only change by replacing it — ` +
            `${replacing.map((d) => describeDifference(d, vendorTitle)).join("; ")}. Change the program to match, or delete the object in ${vendorTitle} first.`,
        ),
      );
    }
    const kept = keep(id, found.now, inputs as Props);
    if (found.diffs.length === 0) return kept;
    try {
      const outs = await handlers.update(id, kept.outs as ResourceOutputs<S, C>, inputs, found.diffs.map((d) => d.field));
      return { id, outs: withDeclared(outs, declaredOf(inputs as Props)) };
    } catch (error) {
      // Adopted, but applying the program's values failed: keep it in the state; the next `up` retries.
      throw new ResourceInitError(id, dropUndefined({ ...kept.outs, ...found.now, [DECLARED_KEY]: declaredOf(inputs as Props), [PROVIDER_KEY]: provider }), error);
    }
  };

  return {
    definition,

    async check(olds, news) {
      const { inputs, failures } = validateInputs(schema, news);
      // `import` and `adoptExisting` apply to an object that is not in the state yet. Once it is
      // (olds hold its inputs), they are dropped, as Pulumi ignores `import` for a resource it has.
      const isNew = Object.keys(withoutCoreKeys(olds ?? {})).length === 0;
      if (failures.length === 0 && definition.crossCheck) {
        const known = (key: string) => inputs[key] === undefined || !containsUnknown(inputs[key]);
        const previous = withoutCoreKeys(olds ?? {}) as Partial<z.output<z.ZodObject<S>>>;
        const adoption = {
          importing: isNew && typeof news[IMPORT_KEY] === "string" && news[IMPORT_KEY] !== "",
          adopting: isNew && news[ADOPT_KEY] === true,
        };
        failures.push(...definition.crossCheck(inputs as Partial<z.output<z.ZodObject<S>>>, known, previous, adoption));
      }
      if (isNew && news[ADOPT_KEY] === true) {
        if (!definition.naturalKey) failures.push({ property: ADOPT_KEY, reason: `${definition.token} has no natural key to adopt an existing object by; use the import option with its id` });
        else if (failures.length === 0 && !containsUnknown(pickKeys(inputs, definition.naturalKey.fields)) && !keyOf(inputs)) {
          failures.push({ property: definition.naturalKey.fields.find((f) => inputs[f] === undefined) ?? ADOPT_KEY, reason: `is needed to adopt an existing object (adoptExisting looks it up by ${definition.naturalKey.fields.join(" + ")})` });
        } else inputs[ADOPT_KEY] = true;
      }
      if (isNew && typeof news[IMPORT_KEY] === "string" && news[IMPORT_KEY] !== "") {
        const id = news[IMPORT_KEY] as string;
        inputs[IMPORT_KEY] = id;
        // The one place a preview reads from a vendor: an import shows its differences before `up`.
        // In an update the SDK says so, and Create reads instead (see IMPORT_IN_CREATE_KEY).
        if (failures.length === 0 && news[IMPORT_IN_CREATE_KEY] === true) failures.push(...idProblems(id));
        else if (failures.length === 0 && !containsUnknown(inputs)) failures.push(...(await importProblems(id, inputs)));
      }
      return { inputs, failures: failures.map((f) => ({ property: f.property, reason: redact(f.reason) })) };
    },

    async diff(id, olds, news) {
      if (isPendingId(id)) {
        // A create that never learnt its outcome: replace the placeholder. Our create, in this
        // same process, then finds the object by its natural key (see adoption.ts).
        const pending = olds[PENDING_KEY] as PendingCreate | undefined;
        if (pending) expectResolution(definition.token, id, pending);
        return { changes: true, replaces: [definition.naturalKey?.fields[0] ?? Object.keys(schema.shape)[0]!], deleteBeforeReplace: false };
      }
      const { changed, replaces } = diffOf(olds, news);
      return {
        changes: changed.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && definition.deleteBeforeReplace === true,
      };
    },

    async create(props) {
      const importId = typeof props[IMPORT_KEY] === "string" ? (props[IMPORT_KEY] as string) : undefined;
      const adoptExisting = props[ADOPT_KEY] === true;
      const inputs = parseKnown(props);
      const declared = declaredOf(inputs);
      if (importId !== undefined) return importExisting(importId, inputs);

      const key = keyOf(inputs);
      const run = async (): Promise<{ id: string; outs: Props }> => {
        const resolving = key ? takeResolution(definition.token, key) : undefined;
        const shouldLook = key !== undefined && (adoptExisting || resolving !== undefined || definition.naturalKey!.checkBeforeCreate !== false);
        let now = shouldLook ? await find(inputs) : [];
        if (resolving) {
          const fresh = () => now.filter((id) => !resolving.pending.before.includes(id));
          // A request that timed out may still land: "not there" counts once its time has passed.
          if (fresh().length === 0 && resolving.pending.settleBy) {
            await settledFind(resolving.pending, async () => {
              now = await find(inputs, { fresh: true });
              return fresh();
            });
          }
          const made = fresh();
          if (made.length > 1) throw new Error(ambiguous(key!, made, "a create that could not be confirmed earlier"));
          if (made.length === 1) {
            const result = await adopt(made[0]!, inputs, `resolving the create that could not be confirmed at ${resolving.pending.since}`, props[PROVIDER_KEY]);
            markResolved(resolving.pendingId);
            return result;
          }
          markResolved(resolving.pendingId);
          // Not there: the earlier request never took effect; create it now.
        }
        const before = resolving ? [...new Set([...resolving.pending.before, ...now])] : now;
        if (key && adoptExisting && !resolving) {
          if (now.length > 1) throw new Error(ambiguous(key, now, "adoptExisting"));
          if (now.length === 1) return adopt(now[0]!, inputs, `adopting by ${describeKey(key)}`, props[PROVIDER_KEY]);
        } else if (key && definition.naturalKey!.unique && before.length > 0 && !resolving) {
          throw new Error(
            redact(
              `${vendorTitle} already has ${nouns(before.length)} with ${describeKey(key)} (id ${listIds(before)}); ` +
                `refusing to create a duplicate. To manage ${before.length === 1 ? "it" : "one of them"} with this program, add the resource option ` +
                `\`{ adoptExisting: true }\` (or \`{ import: "<id>" }\`); otherwise change ${keyNames.join(" / ")}.`,
            ),
          );
        }
        return createNew(inputs, key, before, declared, props[PROVIDER_KEY]);
      };
      return key ? withKeyLock(lockOf(key), run) : run();
    },

    async read(id, props) {
      checkId(id);
      const olds = withoutCoreKeys(props);
      if (isPendingId(id)) return readPending(id, olds);
      const now = await handlers.read(id, olds as Partial<ResourceOutputs<S, C>>);
      if (now === undefined) return {};
      const declared = Array.isArray(olds[DECLARED_KEY])
        ? (olds[DECLARED_KEY] as string[])
        : inputKeys.filter((k) => olds[k] !== undefined);
      const outs = withDeclared(now, declared);
      const inputs = Object.fromEntries(declared.filter((k) => outs[k] !== undefined).map((k) => [k, outs[k]]));
      return { id, props: outs, inputs };
    },

    async update(id, olds, news) {
      checkId(id);
      if (isPendingId(id)) {
        throw new Error(`${definition.token}: this object's create could not be confirmed; run \`pulumi refresh\` (it finds the object by ${keyNames.join(" + ") || "its key"}) and then \`pulumi up\``);
      }
      const inputs = parseKnown(news);
      // The engine may call Update without our diff (e.g. to finish a create that failed half-way),
      // so what changed is computed here again.
      const { changed } = diffOf(withoutCoreKeys(olds), inputs);
      const outs = await handlers.update(id, withoutCoreKeys(olds) as ResourceOutputs<S, C>, inputs, changed);
      return { outs: withDeclared(outs, declaredOf(inputs)) };
    },

    async delete(id, props) {
      checkId(id);
      const olds = withoutCoreKeys(props);
      if (isPendingId(id)) {
        // Replaced by the create that resolved it in this process: the object lives on under its real id.
        if (wasResolved(id)) return;
        const made = await pendingObjects(id, olds);
        if (made.length > 1) throw new Error(ambiguous(keyOf(olds) ?? {}, made, "the pending create being destroyed"));
        if (made.length === 1) await handlers.delete(made[0]!, olds as ResourceOutputs<S, C>);
        return;
      }
      await handlers.delete(id, olds as ResourceOutputs<S, C>);
    },
  };

  /** An import id that cannot be one of this resource's (no read). */
  function idProblems(id: string): CheckFailure[] {
    if (!definition.idPattern || definition.idPattern.test(id)) return [];
    return [{ property: IMPORT_KEY, reason: `${JSON.stringify(id)} is not a valid ${noun} id${definition.idDoc ? ` (expected ${definition.idDoc})` : ""}` }];
  }

  async function importProblems(id: string, inputs: Props): Promise<CheckFailure[]> {
    const malformed = idProblems(id);
    if (malformed.length > 0) return malformed;
    const found = await readToAdopt(id, inputs);
    if (!found) {
      return [{ property: IMPORT_KEY, reason: `${vendorTitle} has no ${noun} with id ${JSON.stringify(id)} (it does not exist, or is another kind of object): check the id` }];
    }
    return found.diffs.map((d) => ({
      property: d.field,
      reason:
        `differs from the ${noun} ${id} being imported — ${describeDifference(d, vendorTitle)}. ` +
        `An import must match what exists: change the program to the vendor's value (or drop the input). ` +
        `If this resource is already in the stack, remove the import option: it applies to the first \`pulumi up\` only.`,
    }));
  }

  async function importExisting(id: string, inputs: ResourceInputs<S>): Promise<{ id: string; outs: Props }> {
    checkId(id, "the import option names");
    const problems = await importProblems(id, inputs as Props);
    if (problems.length > 0) {
      throw new Error(redact(`${definition.token}: cannot import ${id}: ${problems.map((p) => (p.property === IMPORT_KEY ? p.reason : `${p.property} ${p.reason}`)).join("; ")}`));
    }
    const now = await handlers.read(id, {}, inputs);
    if (now === undefined) throw new Error(`${definition.token}: ${vendorTitle} ${noun} ${id} disappeared while it was being imported`);
    return keep(id, now as Props, inputs as Props);
  }

  async function createNew(inputs: ResourceInputs<S>, key: Record<string, unknown> | undefined, before: string[], declared: string[], currentProvider: unknown) {
    let createdId: string | undefined;
    let progressState: Props = {};
    const progress: CreateProgress<ResourceOutputs<S, C>> = {
      created(id, properties) {
        createdId = id;
        progressState = { ...properties };
      },
      applied(properties) {
        progressState = { ...progressState, ...properties };
      },
    };
    const context: CreateContext = {
      before,
      findNew: async () => (key ? (await find(inputs as Props)).filter((id) => !before.includes(id)) : []),
    };
    try {
      const { id, outs } = await handlers.create(inputs, progress, context);
      return { id, outs: withDeclared(outs, declared) };
    } catch (error) {
      if (createdId !== undefined) {
        // The host stores these properties as the object's outputs verbatim and later loads the
        // provider from them, so they must carry __provider or the next read/delete cannot run.
        const properties = { ...withDeclared(progressState, declared), [PROVIDER_KEY]: currentProvider };
        throw new ResourceInitError(createdId, dropUndefined(properties), error);
      }
      if (error instanceof CreateOutcomeUnknownError && key) {
        const settleBy = settleByOf(error);
        const pending: PendingCreate = { key, before, since: new Date().toISOString(), ...(settleBy ? { settleBy } : {}) };
        const id = pendingId(definition.token, pending);
        const properties = { ...withDeclared(inputs as Props, declared), [PENDING_KEY]: pending, [PROVIDER_KEY]: currentProvider };
        throw new ResourceInitError(id, dropUndefined(properties), error, {
          summary:
            `could not tell whether ${vendorTitle} created it (${describeKey(key)}). The stack keeps a placeholder: the next ` +
            `\`pulumi up\` (or \`pulumi refresh\`) finds the object by ${keyNames.join(" + ")} and keeps it, or creates it if it is not there.`,
        });
      }
      throw error;
    }
  }

  /** Objects a pending create may have made: the key's holders now, less those from before it. */
  async function pendingObjects(id: string, olds: Props): Promise<string[]> {
    const pending = olds[PENDING_KEY] as PendingCreate | undefined;
    if (!pending || !definition.naturalKey) throw new Error(`${definition.token}: the state's placeholder ${id} carries no natural key; remove it with \`pulumi state delete\``);
    // A refresh or destroy right after a timed-out create waits for it to land before calling it absent.
    let reads = 0;
    return settledFind(pending, async () => (await find({ ...olds, ...pending.key }, reads++ > 0 ? { fresh: true } : undefined)).filter((x) => !pending.before.includes(x)));
  }

  async function readPending(id: string, olds: Props): Promise<{ id?: string; props?: Props; inputs?: Props }> {
    const made = await pendingObjects(id, olds);
    if (made.length === 0) return {};
    if (made.length > 1) throw new Error(ambiguous(keyOf(olds) ?? {}, made, "a create that could not be confirmed"));
    const realId = made[0]!;
    const now = await handlers.read(realId, {}, olds as Partial<ResourceInputs<S>>);
    if (now === undefined) return {};
    const declared = Array.isArray(olds[DECLARED_KEY]) ? (olds[DECLARED_KEY] as string[]) : inputKeys.filter((k) => olds[k] !== undefined);
    const outs = withDeclared({ ...now, ...writeOnlyInputs(schema, olds) }, declared);
    const inputs = Object.fromEntries(declared.filter((k) => outs[k] !== undefined).map((k) => [k, outs[k]]));
    // The engine takes the id a refresh returns: the placeholder becomes the real object.
    return { id: realId, props: outs, inputs };
  }

  function ambiguous(key: Record<string, unknown>, ids: string[], what: string): string {
    return redact(
      `${definition.token}: ${vendorTitle} has ${nouns(ids.length)} with ${describeKey(key)} (id ${listIds(ids)}), so ${what} cannot tell which is meant; ` +
        `nothing was changed. Remove the extra ones in ${vendorTitle}, or import the right one with \`{ import: "<id>" }\`.`,
    );
  }

  /** Create and update get checked inputs; anything else is a broken engine contract. */
  function parseKnown(props: Props): ResourceInputs<S> {
    const { inputs, failures } = validateInputs(schema, withoutCoreKeys(props));
    if (containsUnknown(inputs)) throw new Error(`${definition.token}: inputs still hold unknown values at apply time`);
    if (failures.length > 0) {
      throw new Error(`${definition.token}: invalid inputs: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    }
    return inputs as ResourceInputs<S>;
  }
}

/** The names of a resource's secret inputs (the SDK wraps them in pulumi.secret). */
export function secretInputKeys(definition: ResourceDefinition<z.ZodRawShape, z.ZodRawShape>): string[] {
  return Object.keys(definition.inputs.shape).filter((k) => fieldMeta(definition.inputs.shape, k).secret === true);
}

/** Every output a resource has: each input as read back, then the computed outputs. */
export function outputKeys(definition: ResourceDefinition<z.ZodRawShape, z.ZodRawShape>): string[] {
  return [...Object.keys(definition.inputs.shape), ...Object.keys(definition.outputs.shape)];
}

/** The inputs or outputs without what core adds (`__provider`, `__import`, `__importInCreate`, `__adopt`). */
function withoutCoreKeys(props: Props): Props {
  const { [PROVIDER_KEY]: _p, [IMPORT_KEY]: _i, [IMPORT_IN_CREATE_KEY]: _c, [ADOPT_KEY]: _a, ...rest } = props;
  return rest;
}

function pickKeys(values: Props, keys: readonly string[]): Props {
  return Object.fromEntries(keys.map((k) => [k, values[k]]));
}

/** How messages name each vendor. */
const VENDOR_TITLES: Record<Vendor, string> = {
  forpost: "Forpost",
  stalker: "Stalker",
  vsaas: "VSAAS.IO",
  hikconnect: "Hik-Connect",
  billing: "the billing",
};

function dropUndefined(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}
