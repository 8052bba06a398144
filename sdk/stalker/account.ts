import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { stalkerAccount } from "../../provider/stalker/account";
import type { ResourceOutputs } from "../../provider/core/resource";
import { TelecomResourceBase, type InputArgs, type OutputProperties } from "../telecom-resource";

type Shape = typeof stalkerAccount.definition.inputs.shape;
type ComputedShape = typeof stalkerAccount.definition.outputs.shape;

/** Arguments of {@link StalkerAccount}; see the README's reference for each field. */
export type StalkerAccountArgs = InputArgs<z.input<typeof stalkerAccount.definition.inputs>>;

/** What Stalker holds for the account, as last read. */
export type StalkerAccountOutputs = ResourceOutputs<Shape, ComputedShape>;

/**
 * An IPTV subscriber account in Stalker Middleware. Type token
 * `pulumi-nodejs:dynamic/stalker:Account`; the id is the login. `password` is always kept secret.
 * Set `stbMac` or `accountNumber` (or both): the API addresses accounts only by those, and an
 * account that shares its number with other subscribers can be changed or deleted only by its MAC.
 * Configuration: `stalker:url`, `stalker:user`, `stalker:password` (secret).
 */
export class StalkerAccount extends TelecomResourceBase {
  constructor(name: string, args: StalkerAccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(stalkerAccount.definition, name, args as Record<string, unknown>, opts);
  }
}

export interface StalkerAccount extends OutputProperties<StalkerAccountOutputs> {}
