import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { vsaasOrganization } from "../../provider/vsaas/organization";
import type { ResourceOutputs } from "../../provider/core/resource";
import { TelecomResourceBase, type InputArgs, type OutputProperties } from "../telecom-resource";

type Shape = typeof vsaasOrganization.definition.inputs.shape;
type ComputedShape = typeof vsaasOrganization.definition.outputs.shape;

/** Arguments of {@link VsaasOrganization}; see the README's reference for each field. */
export type VsaasOrganizationArgs = InputArgs<z.input<typeof vsaasOrganization.definition.inputs>>;

/** What the VSAAS.IO billing holds for the organization, as last read. */
export type VsaasOrganizationOutputs = ResourceOutputs<Shape, ComputedShape>;

/**
 * A subscriber organization in the VSAAS.IO billing and the Flussonic Watcher cloud.
 * Type token `pulumi-nodejs:dynamic/vsaas:Organization`; the id is the billing organization id and
 * `externalId` the Watcher's. A new `title` or `owner` replaces the organization, deleting it with
 * its cameras: consider `protect: true`.
 * Configuration: `vsaas:url`, `vsaas:user`, `vsaas:password` (secret), `vsaas:domainId`.
 */
export class VsaasOrganization extends TelecomResourceBase {
  constructor(name: string, args: VsaasOrganizationArgs, opts?: pulumi.CustomResourceOptions) {
    super(vsaasOrganization.definition, name, args as Record<string, unknown>, opts);
  }
}

export interface VsaasOrganization extends OutputProperties<VsaasOrganizationOutputs> {}
