import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ADOPT_KEY, IMPORT_IN_CREATE_KEY, IMPORT_KEY } from "../provider/core/adoption";
import { outputKeys, secretInputKeys, type ResourceDefinition } from "../provider/core/resource";
import { providerShim } from "./provider-shim";

/** Resource arguments: every field may be a plain value, a promise or an Output. */
export type InputArgs<T> = { [K in keyof T]: InputOf<T[K]> };
type InputOf<V> = V extends Array<infer E>
  ? pulumi.Input<Array<InputOf<E>>>
  : V extends object
    ? pulumi.Input<InputArgs<V>>
    : pulumi.Input<V>;

/**
 * Resource options of every pulumi-telecom resource: Pulumi's own, where `import` works (see
 * docs/guides/bringing-existing-subscribers-under-management.md), plus `adoptExisting`.
 */
export interface TelecomResourceOptions extends pulumi.CustomResourceOptions {
  /**
   * Adopts the object with this resource's natural key (a contract number, a login, a serial
   * number, an address …) when one exists, else creates it: for deploy pipelines that must
   * converge whether or not the subscriber is already there. Declared inputs that differ are
   * applied in place; a difference that would need a replacement, or two objects with the key,
   * fail without changing anything. Applies to the first `pulumi up` only.
   */
  adoptExisting?: boolean;
}

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time check used by the generated SDK: the documented Args interface must accept exactly
 * what the schema's type accepts (the call fails to type-check otherwise). No effect at run time.
 */
export function assertSameType<A, B>(_proof: Assignable<A, B> extends true ? true : Same<A, B>): void {}

/** Up to this many imports declared together get a line each; more get one line in all. */
const IMPORT_LINES = 10;
const IMPORT_EFFECT = "nothing is created; the first `pulumi up` reads it and fails if a declared input differs";
let announcing: string[] = [];

/**
 * Tells the user, once per run of synchronous resource declarations, that `import` adopts rather than
 * creates (the engine's display shows the steps as `create`). A discover-written program imports
 * tens of thousands of resources: one log line (one engine call) each would flood the output.
 */
function announceImport(what: string): void {
  announcing.push(what);
  if (announcing.length > 1) return;
  // A microtask: it runs once the program's synchronous declarations are done, and before the
  // runtime can finish (a later macrotask may never run under mocks).
  queueMicrotask(() => {
    const imports = announcing;
    announcing = [];
    if (imports.length <= IMPORT_LINES) {
      for (const one of imports) pulumi.log.info(`importing ${one}: ${IMPORT_EFFECT}`);
    } else {
      pulumi.log.info(`importing ${imports.length} resources (${imports.slice(0, 3).join(", ")}, …): ${IMPORT_EFFECT.replace("reads it", "reads each")}`);
    }
  });
}

/** Output properties of a resource, one `pulumi.Output` per field. */
export type OutputProperties<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/**
 * Base of every pulumi-telecom resource class: registers `pulumi-nodejs:dynamic/<vendor>:<Type>`
 * with the shared provider shim, declares every output, wraps secret inputs in `pulumi.secret()`
 * (the dynamic-provider host cannot accept secrets, so the SDK marks them, as generated Pulumi
 * SDKs do) and keeps the same keys secret among the outputs.
 */
export abstract class TelecomResourceBase extends pulumi.dynamic.Resource {
  protected constructor(
    definition: ResourceDefinition<z.ZodRawShape, z.ZodRawShape>,
    name: string,
    args: object,
    opts?: TelecomResourceOptions,
  ) {
    if (!args || typeof args !== "object") {
      throw new Error(`${definition.token} "${name}": arguments are required`);
    }
    const secrets = secretInputKeys(definition);
    const props: Record<string, unknown> = {};
    for (const key of outputKeys(definition)) props[key] = undefined;
    for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
      props[key] = secrets.includes(key) && value !== undefined ? pulumi.secret(value) : value;
    }
    // The engine must never see `import`: for a dynamic provider its ImportStep fails
    // (pulumi/pulumi#3550). The provider gets the id as an input and adopts the object itself.
    const { import: importId, adoptExisting, ...engineOpts } = opts ?? {};
    if (importId !== undefined && importId !== "") {
      props[IMPORT_KEY] = importId;
      // In an update, the provider's Create reads the object and refuses a mismatch; the engine's
      // Check, one resource at a time, then reads nothing (a preview's Check does the reading).
      if (!pulumi.runtime.isDryRun()) props[IMPORT_IN_CREATE_KEY] = true;
      announceImport(`${definition.token} ${String(importId)}`);
    }
    if (adoptExisting) props[ADOPT_KEY] = true;
    const [vendor, type] = definition.token.split(":") as [string, string];
    super(
      providerShim(definition.token),
      name,
      props,
      {
        ...engineOpts,
        additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])],
      },
      vendor,
      type,
    );
  }
}
