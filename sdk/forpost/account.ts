import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { forpostAccount } from "../../provider/forpost/account";
import type { ResourceOutputs } from "../../provider/core/resource";
import { TelecomResourceBase, type InputArgs, type OutputProperties } from "../telecom-resource";

type Shape = typeof forpostAccount.definition.inputs.shape;
type ComputedShape = typeof forpostAccount.definition.outputs.shape;

/** Arguments of {@link ForpostAccount}; see the README's reference for each field. */
export type ForpostAccountArgs = InputArgs<z.input<typeof forpostAccount.definition.inputs>>;

/** What Forpost holds for the account, as last read. */
export type ForpostAccountOutputs = ResourceOutputs<Shape, ComputedShape>;

/**
 * A subscriber account in Forpost cloud video surveillance, with the tariffs its cameras may use.
 * Type token `pulumi-nodejs:dynamic/forpost:Account`; the id is the Forpost account ID.
 * Configuration: `forpost:url`, `forpost:adminLogin`, `forpost:adminPassword` (secret).
 */
export class ForpostAccount extends TelecomResourceBase {
  constructor(name: string, args: ForpostAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(forpostAccount.definition, name, args as Record<string, unknown>, opts);
  }
}

export interface ForpostAccount extends OutputProperties<ForpostAccountOutputs> {}
