import { AsyncLocalStorage } from "node:async_hooks";
import * as diagnostics from "node:diagnostics_channel";
import { redact } from "../../provider/core/redact";
import type { DiscoverOptions } from "../../provider/core/resource";
import type { FoundObject } from "./plan";
import type { ProgressDisplay } from "./progress";
import { vendorOf, type DiscoverSource } from "./sources";

export interface CollectOptions {
  /** The kinds to read, in the order the program lists them. */
  sources: readonly DiscoverSource[];
  /** Only subscribers whose contract/account number (or address) starts with this. */
  subscriberPrefix?: string;
  /** At most this many objects of each kind. */
  limit?: number;
  progress: ProgressDisplay;
}

/** What reading one kind cost and gave. */
export interface KindReport {
  token: string;
  vendor: string;
  found: number;
  /** HTTP requests sent to the vendor while reading this kind (retries included). */
  calls: number;
  ms: number;
  error?: string;
}

export interface CollectResult {
  /** Grouped by kind in the order of `sources` (so the plan does not depend on which vendor answered first). */
  found: FoundObject[];
  kinds: KindReport[];
}

const requestOwner = new AsyncLocalStorage<(n: number) => void>();
let subscribed = false;

/**
 * Counts every HTTP request the vendor clients send (undici reports each one, each retry
 * included, on the `undici:request:create` diagnostics channel) and charges it to the kind being
 * read in the async context that sent it. Vendors are read at the same time, so counting by
 * context, not by time, is what keeps the figures per vendor right.
 */
function countRequests(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe("undici:request:create", () => requestOwner.getStore()?.(1));
}

/**
 * Reads every object of the given kinds through their `discover` iterables (the vendors' list
 * endpoints, page by page, within each vendor's limits — the clients enforce them). Different
 * vendors are read at the same time; the kinds of one vendor one after another, so one vendor
 * never sees more than one discover at once. Never writes to a vendor: discover iterables are
 * read-only by contract.
 */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  countRequests();
  const byVendor = new Map<string, DiscoverSource[]>();
  for (const s of options.sources) {
    const v = vendorOf(s.resource.definition.token);
    if (!byVendor.has(v)) byVendor.set(v, []);
    byVendor.get(v)!.push(s);
  }
  const results = new Map<DiscoverSource, { found: FoundObject[]; report: KindReport }>();
  // Lists more than one kind needs are read once in a run (a failed read is tried again by the next kind).
  const reads = new Map<string, Promise<unknown>>();
  const shared = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let answer = reads.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = read();
      reads.set(key, answer);
      answer.catch(() => reads.delete(key));
    }
    return answer;
  };
  await Promise.all(
    [...byVendor.values()].map(async (kinds) => {
      for (const source of kinds) results.set(source, await collectKind(source, options, shared));
    }),
  );
  const ordered = options.sources.map((s) => results.get(s)!);
  return { found: ordered.flatMap((r) => r.found), kinds: ordered.map((r) => r.report) };
}

async function collectKind(source: DiscoverSource, options: CollectOptions, shared: NonNullable<DiscoverOptions["shared"]>): Promise<{ found: FoundObject[]; report: KindReport }> {
  const definition = source.resource.definition;
  const report: KindReport = { token: definition.token, vendor: vendorOf(definition.token), found: 0, calls: 0, ms: 0 };
  const found: FoundObject[] = [];
  const started = Date.now();
  const prefix = options.subscriberPrefix;
  options.progress.start(definition.token);
  const count = (n: number) => {
    report.calls += n;
    options.progress.update(definition.token, found.length, report.calls);
  };
  try {
    await requestOwner.run(count, async () => {
      const iterable = definition.discover!({
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        ...(prefix !== undefined ? { subscriberPrefix: prefix } : {}),
        onProgress: () => options.progress.update(definition.token, found.length, report.calls),
        shared,
      });
      for await (const object of iterable) {
        // The prefix is applied here too: a vendor whose list cannot filter may hand over everything.
        if (prefix !== undefined && !(object.subscriber ?? "").startsWith(prefix)) continue;
        found.push({ source, object });
        if (options.limit !== undefined && found.length >= options.limit) break;
      }
    });
  } catch (error) {
    report.error = redact(error instanceof Error ? error.message : String(error));
  }
  report.found = found.length;
  report.ms = Date.now() - started;
  options.progress.finish(definition.token, found.length, report.calls, report.error ? "FAILED" : "");
  return { found, report };
}
