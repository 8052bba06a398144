import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { billingHome } from "../../provider/billing/home";
import type { ResourceOutputs } from "../../provider/core/resource";
import { TelecomResourceBase, type InputArgs, type OutputProperties } from "../telecom-resource";

type Shape = typeof billingHome.definition.inputs.shape;
type ComputedShape = typeof billingHome.definition.outputs.shape;

/** Arguments of {@link BillingHome}; see the README's reference for each field. */
export type BillingHomeArgs = InputArgs<z.input<typeof billingHome.definition.inputs>>;

/** What the billing holds for the home, as last read (CLN_HOME_LIST). */
export type BillingHomeOutputs = ResourceOutputs<Shape, ComputedShape>;

/**
 * A house in the ISP billing's address directory, where subscriber connections start.
 * Type token `pulumi-nodejs:dynamic/billing:Home`; the id is the billing's home ID.
 * Configuration: `billing:url`, `billing:login`, `billing:password` (secret), the client
 * certificate (`billing:clientCert` + `billing:clientKey`, or `billing:pfx`) and `billing:caCert`.
 */
export class BillingHome extends TelecomResourceBase {
  constructor(name: string, args: BillingHomeArgs, opts?: pulumi.CustomResourceOptions) {
    super(billingHome.definition, name, args as Record<string, unknown>, opts);
  }
}

export interface BillingHome extends OutputProperties<BillingHomeOutputs> {}
