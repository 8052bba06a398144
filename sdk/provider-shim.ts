import type * as pulumi from "@pulumi/pulumi";

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object Pulumi serializes into every resource's state (`__provider`). It holds no
 * code, configuration or credentials of ours: each method loads the implementation by package
 * name when the dynamic-provider host calls it (the host resolves modules from the program's
 * folder), so the state stays small and a new package version takes effect without replacing
 * anything. It captures only the resource token.
 */
export function providerShim(token: string): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(token);
  if (!shim) {
    const impl = () => require("pulumi-telecom/provider").resourceProvider(token);
    shim = {
      configure: async (req) => require("pulumi-telecom/provider").configure(req.config),
      check: async (olds, news) => impl().check(olds, news),
      diff: async (id, olds, news) => impl().diff(id, olds, news),
      create: async (inputs) => impl().create(inputs),
      read: async (id, props) => impl().read(id, props),
      update: async (id, olds, news) => impl().update(id, olds, news),
      delete: async (id, props) => impl().delete(id, props),
    };
    // One object per token: Pulumi caches a provider's serialized text per object.
    shims.set(token, shim);
  }
  return shim;
}
