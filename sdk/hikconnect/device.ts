import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { hikDevice } from "../../provider/hikconnect/device";
import type { ResourceOutputs } from "../../provider/core/resource";
import { TelecomResourceBase, type InputArgs, type OutputProperties } from "../telecom-resource";

type Shape = typeof hikDevice.definition.inputs.shape;
type ComputedShape = typeof hikDevice.definition.outputs.shape;

/** Arguments of {@link HikDevice}; see the README's reference for each field. */
export type HikDeviceArgs = InputArgs<z.input<typeof hikDevice.definition.inputs>>;

/** What Hik-Connect holds for the device, as last read. */
export type HikDeviceOutputs = ResourceOutputs<Shape, ComputedShape>;

/**
 * A camera, recorder or other device in Hik-Connect for Teams, added by serial number and
 * verification code. Type token `pulumi-nodejs:dynamic/hikconnect:Device`; the id is the platform's
 * deviceId. `verifyCode`, `password` and `streamSecretKey` are kept secret.
 * Configuration: `hikconnect:url` (the region server), `hikconnect:appKey`, `hikconnect:secretKey` (secret).
 */
export class HikDevice extends TelecomResourceBase {
  constructor(name: string, args: HikDeviceArgs, opts?: pulumi.CustomResourceOptions) {
    super(hikDevice.definition, name, args as Record<string, unknown>, opts);
  }
}

export interface HikDevice extends OutputProperties<HikDeviceOutputs> {}
