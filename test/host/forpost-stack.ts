/**
 * What the Forpost host tests share: the example's registrations, and wiring one resource's
 * inputs to another's id. Under mocks a resource's id is `<name>-id`, so the account's id reaches
 * the camera as "acme-id"; the MiniEngine does not resolve dependencies, so a test replaces it
 * with the real id once the referenced resource exists, as the engine would.
 */
import type { MiniEngine, ResourceDescriptor } from "../harness/mini-engine";
import type { Registration } from "../harness/program-under-mocks";

export const TYPES = {
  account: "pulumi-nodejs:dynamic/forpost:Account",
  user: "pulumi-nodejs:dynamic/forpost:User",
  camera: "pulumi-nodejs:dynamic/forpost:Camera",
  access: "pulumi-nodejs:dynamic/forpost:UserCameraAccess",
} as const;

/** The registration named `name`. */
export function named(registrations: Registration[], name: string): Registration {
  const found = registrations.find((r) => r.name === name);
  if (!found) throw new Error(`the example registers no ${name} (it registers ${registrations.map((r) => r.name).join(", ")})`);
  return found;
}

/** Every input holding `<name>-id` (a mock id) gets the id the engine's state has for that resource. */
export function resolved(engine: MiniEngine, descriptor: ResourceDescriptor): ResourceDescriptor {
  const ids = new Map(Object.values(engine.state()).map((s) => [`${s.name}-id`, s.id]));
  const inputs = Object.fromEntries(Object.entries(descriptor.inputs).map(([k, v]) => [k, typeof v === "string" && ids.has(v) ? ids.get(v) : v]));
  return { ...descriptor, inputs };
}

/** The descriptors with their references resolved against the engine's state. */
export function resolvedAll(engine: MiniEngine, descriptors: ResourceDescriptor[]): ResourceDescriptor[] {
  return descriptors.map((d) => resolved(engine, d));
}

/** Routes the emulator logged, without the read-only ones. */
export function writesOf(routes: Array<string | null>): string[] {
  return routes.filter((r): r is string => r !== null && !/^(Get|Find|mas)/.test(r));
}
