import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { outputKeys, secretInputKeys, type ResourceDefinition } from "../provider/core/resource";
import { providerShim } from "./provider-shim";

/** Resource arguments: every field may be a plain value, a promise or an Output. */
export type InputArgs<T> = { [K in keyof T]: InputOf<T[K]> };
type InputOf<V> = V extends Array<infer E>
  ? pulumi.Input<Array<InputOf<E>>>
  : V extends object
    ? pulumi.Input<InputArgs<V>>
    : pulumi.Input<V>;

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
    args: Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if (!args || typeof args !== "object") {
      throw new Error(`${definition.token} "${name}": arguments are required`);
    }
    const secrets = secretInputKeys(definition);
    const props: Record<string, unknown> = {};
    for (const key of outputKeys(definition)) props[key] = undefined;
    for (const [key, value] of Object.entries(args)) {
      props[key] = secrets.includes(key) && value !== undefined ? pulumi.secret(value) : value;
    }
    const [vendor, type] = definition.token.split(":") as [string, string];
    super(
      providerShim(definition.token),
      name,
      props,
      {
        ...opts,
        additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])],
      },
      vendor,
      type,
    );
  }
}
