import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { setStackConfig, stackConfigIsSet } from "../provider/core/config";
import type { TelecomFunction } from "../provider/core/function";
import type { InputArgs } from "./telecom-resource";

/**
 * Functions run in the program's own process (there is no provider host for them), so they read
 * the stack's configuration the way the program sees it: `pulumi.runtime.getConfig` holds every
 * namespace with secrets decrypted, without the "use getSecret" warning `Config.get` prints. The
 * environment variables stay the fallback, as for resources.
 */
function useProgramConfig(): void {
  if (stackConfigIsSet()) return;
  setStackConfig({ get: (key) => pulumi.runtime.getConfig(key) });
}

/** Calls a function with plain values. */
export function invokeFunction<A extends z.ZodRawShape, R extends z.ZodType>(
  fn: TelecomFunction<A, R>,
  args: z.input<z.ZodObject<A>> | undefined,
): Promise<z.output<R>> {
  useProgramConfig();
  return fn.call(args);
}

/**
 * Calls a function with arguments that may be Outputs; the answer is an Output (secret when an
 * argument was, unknown during preview while an argument is).
 */
export function invokeFunctionOutput<A extends z.ZodRawShape, R extends z.ZodType>(
  fn: TelecomFunction<A, R>,
  args: InputArgs<z.input<z.ZodObject<A>>> | undefined,
): pulumi.Output<z.output<R>> {
  return pulumi.output(args ?? {}).apply((plain) => invokeFunction(fn, plain as z.input<z.ZodObject<A>>)) as pulumi.Output<z.output<R>>;
}
