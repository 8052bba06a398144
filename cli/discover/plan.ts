import { z } from "zod";
import type { DiscoveredObject } from "../../provider/core/resource";
import { ADOPT_KEY } from "../../provider/core/adoption";
import { fieldMeta, UNKNOWN } from "../../provider/core/schema";
import { naturalCompare, resourceNames, variableNames } from "./naming";
import type { DiscoverSource } from "./sources";

/** One object discover found, with the resource kind it belongs to. */
export interface FoundObject {
  source: DiscoverSource;
  object: DiscoveredObject;
}

/** A stack config value the program reads instead of a value discover cannot know. */
export interface Placeholder {
  /** The key in the program's config namespace (`pulumi config set [--secret] <key> …`). */
  configKey: string;
  secret: boolean;
  /** The input it fills. */
  field: string;
  /** The field's documentation (what to set). */
  doc: string;
  resource: PlannedResource;
}

/** One input of a generated resource: a value, a reference to another generated resource, or a placeholder. */
export interface PlannedInput {
  key: string;
  /** The value as the vendor has it (also for references: the other object's id). */
  value?: unknown;
  /** The input holds the id of this other generated resource. */
  ref?: { target: PlannedResource; numeric: boolean };
  /** The input holds the id of an object that is not in the program (filtered out, or failed its check). */
  danglingRef?: { token: string; id: string };
  placeholder?: Placeholder;
}

export interface PlannedResource {
  className: string;
  token: string;
  id: string;
  /** The Pulumi resource name (unique in the program). */
  name: string;
  /** The TypeScript variable holding it. */
  variable: string;
  subscriber?: string;
  inputs: PlannedInput[];
  /** The inputs as `check` returns them (defaults applied), placeholders left out. */
  checked: Record<string, unknown>;
  /** Computed outputs discover already knew. */
  outputs: Record<string, unknown>;
  source: DiscoverSource;
}

/** An object left out of the program because its vendor values fail the resource's own check. */
export interface RejectedObject {
  token: string;
  id: string;
  name?: string;
  subscriber?: string;
  reasons: string[];
}

/** An input a kind's resources leave out, and why. */
export interface LeftOutInput {
  className: string;
  field: string;
  why: "write-only" | "secret";
}

export interface ProgramPlan {
  /** One block per subscriber (the objects of no subscriber last), in program order. */
  groups: Array<{ subscriber?: string; resources: PlannedResource[] }>;
  placeholders: Placeholder[];
  rejected: RejectedObject[];
  leftOut: LeftOutInput[];
  /** SDK classes the program uses, sorted. */
  classes: string[];
}

/** How each input of a kind is written, from its schema's field metadata. */
interface FieldRule {
  key: string;
  required: boolean;
  secret: boolean;
  /** The vendor never returns it (`writeOnly`, or used at creation only). */
  unreadable: boolean;
  doc: string;
}

function fieldRules(source: DiscoverSource): FieldRule[] {
  const shape = source.resource.definition.inputs.shape as Record<string, z.ZodType>;
  return Object.keys(shape).map((key) => {
    const meta = fieldMeta(shape, key);
    return {
      key,
      required: !shape[key]!.safeParse(undefined).success,
      secret: meta.secret === true,
      unreadable: meta.writeOnly === true || meta.onChange === "ignore",
      doc: meta.doc,
    };
  });
}

/**
 * The inputs of a kind that generated resources leave out: optional secrets (a program never holds
 * a secret literally, and an optional one that is left out is simply not managed) and optional
 * inputs the vendor never returns (their value cannot be known; a guess would be adopted unchecked).
 */
export function leftOutInputs(source: DiscoverSource): LeftOutInput[] {
  return fieldRules(source)
    .filter((r) => !r.required && (r.secret || r.unreadable))
    .map((r) => ({ className: source.className, field: r.key, why: r.secret ? "secret" : "write-only" }));
}

const keyOf = (token: string, id: string) => `${token}\u0000${id}`;

/**
 * Turns what discover found into the program's plan: each object checked with its resource's own
 * `check` (an object whose vendor values would fail `pulumi preview` is left out and reported),
 * named, grouped by subscriber and ordered so that every referenced resource comes before the
 * resources that reference it. The same objects always give the same plan, whatever order they
 * were found in.
 */
export async function planProgram(found: readonly FoundObject[], options: { reservedNames?: readonly string[] } = {}): Promise<ProgramPlan> {
  const sourceOrder = new Map<string, number>();
  for (const f of found) if (!sourceOrder.has(f.source.resource.definition.token)) sourceOrder.set(f.source.resource.definition.token, sourceOrder.size);
  const rulesOf = new Map<string, FieldRule[]>();
  const rules = (source: DiscoverSource) => {
    const token = source.resource.definition.token;
    if (!rulesOf.has(token)) rulesOf.set(token, fieldRules(source));
    return rulesOf.get(token)!;
  };

  // Stable order first: subscriber, then kind (registry order), then name, then id.
  const sorted = [...found].sort(
    (a, b) =>
      compareSubscribers(a.object.subscriber, b.object.subscriber) ||
      sourceOrder.get(a.source.resource.definition.token)! - sourceOrder.get(b.source.resource.definition.token)! ||
      naturalCompare(a.object.name ?? "", b.object.name ?? "") ||
      naturalCompare(a.object.id, b.object.id),
  );

  // Check every object as `pulumi preview` would; placeholders are unknown there, as in a preview.
  const accepted: Array<{ found: FoundObject; checked: Record<string, unknown> }> = [];
  const rejected: RejectedObject[] = [];
  const seen = new Set<string>();
  for (const f of sorted) {
    const token = f.source.resource.definition.token;
    if (seen.has(keyOf(token, f.object.id))) continue; // a vendor that lists an object twice (paging under changes)
    seen.add(keyOf(token, f.object.id));
    const news: Record<string, unknown> = {};
    const placeholderKeys = new Set<string>();
    for (const rule of rules(f.source)) {
      const value = f.object.inputs[rule.key];
      if (rule.secret || (rule.unreadable && value === undefined)) {
        if (rule.required) {
          news[rule.key] = UNKNOWN;
          placeholderKeys.add(rule.key);
        }
        continue;
      }
      if (value !== undefined) news[rule.key] = value;
    }
    const unknownKeys = Object.keys(f.object.inputs).filter((k) => !rules(f.source).some((r) => r.key === k));
    // The program adopts the object (its `import` option): inputs only a create needs (a Forpost
    // user's password, a camera's connection settings) are not required then. Checked with the
    // adoption marker rather than `__import`, whose check reads the object from the vendor (one
    // call per object); the marker's own failures (a kind without a natural key) do not apply.
    const result = await f.source.resource.check({}, { ...news, [ADOPT_KEY]: true });
    delete result.inputs[ADOPT_KEY];
    const reasons = [
      ...unknownKeys.map((k) => `${k}: discover returned an input the resource does not have`),
      ...result.failures.filter((x) => x.property !== ADOPT_KEY && !x.reason.startsWith("is needed to adopt an existing object") && !placeholderKeys.has(x.property.split(/[.[]/)[0]!)).map((x) => `${x.property} ${x.reason}`),
    ];
    if (reasons.length > 0) {
      rejected.push({ token, id: f.object.id, ...(f.object.name ? { name: f.object.name } : {}), ...(f.object.subscriber ? { subscriber: f.object.subscriber } : {}), reasons });
      continue;
    }
    const checked = Object.fromEntries(Object.entries(result.inputs).filter(([k]) => !placeholderKeys.has(k)));
    accepted.push({ found: f, checked });
  }

  const names = resourceNames(
    accepted.map(({ found: f }) => ({
      token: f.source.resource.definition.token,
      id: f.object.id,
      ...(f.object.subscriber !== undefined ? { subscriber: f.object.subscriber } : {}),
      ...(f.object.name !== undefined ? { name: f.object.name } : {}),
    })),
  );
  const classes = [...new Set(accepted.map((a) => a.found.source.className))].sort();
  const variables = variableNames(names, ["pulumi", "config", ...classes, ...(options.reservedNames ?? [])]);

  const planned: PlannedResource[] = accepted.map(({ found: f, checked }, i) => ({
    className: f.source.className,
    token: f.source.resource.definition.token,
    id: f.object.id,
    name: names[i]!,
    variable: variables[i]!,
    ...(f.object.subscriber !== undefined && f.object.subscriber.trim() !== "" ? { subscriber: f.object.subscriber.trim() } : {}),
    inputs: [],
    checked,
    outputs: { ...(f.object.outputs ?? {}) },
    source: f.source,
  }));
  const byKey = new Map(planned.map((p) => [keyOf(p.token, p.id), p]));

  const placeholders: Placeholder[] = [];
  planned.forEach((p, i) => {
    const f = accepted[i]!.found;
    for (const rule of rules(p.source)) {
      const value = f.object.inputs[rule.key];
      if (rule.secret || (rule.unreadable && value === undefined)) {
        if (!rule.required) continue;
        const placeholder: Placeholder = { configKey: `${p.name}-${rule.key}`, secret: rule.secret, field: rule.key, doc: rule.doc, resource: p };
        placeholders.push(placeholder);
        p.inputs.push({ key: rule.key, placeholder });
        continue;
      }
      if (value === undefined) continue;
      const ref = f.object.refs?.[rule.key];
      const target = ref ? byKey.get(keyOf(ref.token, ref.id)) : undefined;
      if (ref && target && target !== p) p.inputs.push({ key: rule.key, value, ref: { target, numeric: typeof value === "number" } });
      else if (ref) p.inputs.push({ key: rule.key, value, danglingRef: ref });
      else p.inputs.push({ key: rule.key, value });
    }
  });

  const groups = orderGroups(planned);
  const programOrder = new Map(groups.flatMap((g) => g.resources).map((r, i) => [r, i]));
  placeholders.sort((a, b) => programOrder.get(a.resource)! - programOrder.get(b.resource)!);
  return { groups, placeholders, rejected, leftOut: [...new Set(found.map((f) => f.source))].flatMap(leftOutInputs), classes };
}

function compareSubscribers(a: string | undefined, b: string | undefined): number {
  const x = a?.trim() ?? "";
  const y = b?.trim() ?? "";
  if (x === y) return 0;
  // Objects of no subscriber go last.
  if (x === "") return 1;
  if (y === "") return -1;
  return naturalCompare(x, y);
}

/**
 * Groups by subscriber and orders groups and their members so that referenced resources come
 * first (a `const` cannot be used before its declaration), otherwise keeping the stable order.
 * A reference that still points forward (a cycle) is written as the literal id instead.
 */
function orderGroups(planned: PlannedResource[]): ProgramPlan["groups"] {
  const groupOf = (p: PlannedResource) => p.subscriber ?? "";
  const groups = new Map<string, PlannedResource[]>();
  for (const p of planned) {
    if (!groups.has(groupOf(p))) groups.set(groupOf(p), []);
    groups.get(groupOf(p))!.push(p);
  }
  const deps = (p: PlannedResource) => p.inputs.flatMap((i) => (i.ref ? [i.ref.target] : []));
  const groupKeys = stableTopological(
    [...groups.keys()],
    (g) => [...new Set(groups.get(g)!.flatMap(deps).map(groupOf))].filter((x) => x !== g),
  );
  const emitted = new Set<PlannedResource>();
  const result: ProgramPlan["groups"] = [];
  for (const g of groupKeys) {
    const members = stableTopological(groups.get(g)!, (p) => deps(p).filter((d) => groupOf(d) === g));
    for (const p of members) {
      for (const input of p.inputs) {
        if (input.ref && !emitted.has(input.ref.target)) {
          input.danglingRef = { token: input.ref.target.token, id: input.ref.target.id };
          delete input.ref;
        }
      }
      emitted.add(p);
    }
    result.push({ ...(g !== "" ? { subscriber: g } : {}), resources: members });
  }
  return result;
}

/**
 * Items in the given order, except that an item's dependencies (depth first) come right before it.
 * A dependency on an item still being placed (a cycle) is ignored here.
 */
function stableTopological<T>(items: T[], dependsOn: (item: T) => T[]): T[] {
  const all = new Set(items);
  const placed = new Set<T>();
  const visiting = new Set<T>();
  const out: T[] = [];
  const place = (item: T) => {
    if (placed.has(item) || visiting.has(item)) return;
    visiting.add(item);
    for (const d of dependsOn(item)) if (all.has(d)) place(d);
    visiting.delete(item);
    placed.add(item);
    out.push(item);
  };
  for (const item of items) place(item);
  return out;
}
