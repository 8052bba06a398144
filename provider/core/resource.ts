import type { z } from "zod";
import { ResourceInitError, type Vendor } from "./errors";
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
  create(inputs: I, progress: CreateProgress<O>): Promise<{ id: string; outs: O }>;
  /** The object as the vendor has it now, or undefined when it is gone. */
  read(id: string, olds: Partial<O>): Promise<O | undefined>;
  /** Applies the `changed` inputs (never sends what did not change) and returns the new state. */
  update(id: string, olds: O, news: I, changed: string[]): Promise<O>;
  /** Deletes the object; an object that is already gone is success. */
  delete(id: string, olds: O): Promise<void>;
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
  ): CheckFailure[];
  /**
   * Puts the stored outputs and the new inputs into the form the diff compares, for values the
   * vendor changes by itself in a known way (a default element it always adds to a list, an e-mail
   * address it lower-cases). Used by `diff` and by `update`'s list of changed inputs; what is
   * stored and sent is not affected. Default: compared as they are.
   */
  comparable?(olds: Record<string, unknown>, news: Record<string, unknown>): { olds: Record<string, unknown>; news: Record<string, unknown> };
  /** What a valid id looks like, to refuse a corrupted state before calling the vendor. */
  idPattern?: RegExp;
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
  const checkId = (id: string) => {
    if (definition.idPattern && !definition.idPattern.test(id)) {
      throw new Error(`${definition.token}: the state holds id ${JSON.stringify(id)}, which is not a valid id for this resource`);
    }
  };

  return {
    definition,

    async check(olds, news) {
      const { inputs, failures } = validateInputs(schema, news);
      if (failures.length === 0 && definition.crossCheck) {
        const known = (key: string) => inputs[key] === undefined || !containsUnknown(inputs[key]);
        const previous = withoutProvider(olds ?? {}) as Partial<z.output<z.ZodObject<S>>>;
        failures.push(...definition.crossCheck(inputs as Partial<z.output<z.ZodObject<S>>>, known, previous));
      }
      return { inputs, failures: failures.map((f) => ({ property: f.property, reason: redact(f.reason) })) };
    },

    async diff(_id, olds, news) {
      const { changed, replaces } = diffOf(olds, news);
      return {
        changes: changed.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && definition.deleteBeforeReplace === true,
      };
    },

    async create(props) {
      const inputs = parseKnown(props);
      const declared = declaredOf(inputs);
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
      try {
        const { id, outs } = await handlers.create(inputs, progress);
        return { id, outs: withDeclared(outs, declared) };
      } catch (error) {
        if (createdId === undefined) throw error;
        // The host stores these properties as the object's outputs verbatim and later loads the
        // provider from them, so they must carry __provider or the next read/delete cannot run.
        const properties = { ...withDeclared(progressState, declared), [PROVIDER_KEY]: props[PROVIDER_KEY] };
        throw new ResourceInitError(createdId, dropUndefined(properties), error);
      }
    },

    async read(id, props) {
      checkId(id);
      const olds = withoutProvider(props);
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
      const inputs = parseKnown(news);
      // The engine may call Update without our diff (e.g. to finish a create that failed half-way),
      // so what changed is computed here again.
      const { changed } = diffOf(withoutProvider(olds), inputs);
      const outs = await handlers.update(id, withoutProvider(olds) as ResourceOutputs<S, C>, inputs, changed);
      return { outs: withDeclared(outs, declaredOf(inputs)) };
    },

    async delete(id, props) {
      checkId(id);
      await handlers.delete(id, withoutProvider(props) as ResourceOutputs<S, C>);
    },
  };

  /** Create and update get checked inputs; anything else is a broken engine contract. */
  function parseKnown(props: Props): ResourceInputs<S> {
    const { inputs, failures } = validateInputs(schema, withoutProvider(props));
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

function withoutProvider(props: Props): Props {
  const { [PROVIDER_KEY]: _ignored, ...rest } = props;
  return rest;
}

function dropUndefined(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}
