/**
 * The billing keeps the domain's default plan in every organization by itself (the document: a
 * new organization gets "Default"; `tariff_plans: []` removes every plan "кроме тарифа по
 * умолчанию"). The API does not mark which plan is the default (GET /tariff_plans shows no flag),
 * so the resource learns it from its own writes: whatever the organization has after a POST or PUT
 * that was not asked for, the billing added by itself.
 *
 * With D those defaults, P the declared `tariffPlanIds` and A the plans the organization has:
 *  - the diff compares P \ D with A \ D as sets, so the default never shows as a change, whether
 *    the program declares it or not;
 *  - the `tariffPlanIds` output is A without the defaults the program did not declare, so the
 *    state looks like the program;
 *  - a declared plan removed outside Pulumi is missing from A \ D: refresh shows it, the next
 *    `pulumi up` PUTs P again. Every PUT sends P as it is, and the billing keeps D.
 */

/** Plans the billing added by itself after a write that sent `sent`. */
export function defaultsAfterWrite(present: readonly number[], sent: readonly number[]): number[] {
  return present.filter((id) => !sent.includes(id));
}

/**
 * Defaults still in effect after a read: the known defaults that are still there. A read cannot
 * learn a new default (a plan that appeared could be one added by hand); it shows as a change, and
 * the next write learns it.
 */
export function defaultsAfterRead(present: readonly number[], known: readonly number[] | undefined): number[] {
  return (known ?? []).filter((id) => present.includes(id));
}

/** The `tariffPlanIds` output: the plans there, minus the defaults the program did not declare. */
export function declaredView(present: readonly number[], defaults: readonly number[], declared: readonly unknown[] | undefined): number[] {
  return present.filter((id) => !defaults.includes(id) || (declared ?? []).includes(id));
}

/** A list of plan ids without the defaults (unknown elements and non-lists are kept as they are). */
export function withoutDefaults(value: unknown, defaults: readonly number[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.filter((id) => typeof id !== "number" || !defaults.includes(id));
}
