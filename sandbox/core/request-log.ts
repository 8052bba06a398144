import type { FaultKind } from "./faults";

/** One vendor request as the emulator handled it. Secrets in `params` are already replaced by `***`. */
export interface RequestLogEntry {
  /** ISO 8601 time the request arrived. */
  time: string;
  method: string;
  /** Path without the query string (a query string may carry credentials). */
  path: string;
  /** Matched route name, or null when no route matched. */
  route: string | null;
  /** Query parameters and body fields (form fields or a JSON object's keys), redacted. */
  params: Record<string, unknown>;
  /** HTTP status sent, or null when the connection was dropped without an answer. */
  status: number | null;
  /** Faults applied to this request, in the order they took effect. */
  faults?: FaultKind[];
  /** The listener that received it, when it was not the main one (see `VendorEmulator.listenAlso`). */
  listener?: string;
}

/** An in-memory, bounded log of vendor requests that tests read and clear. */
export class RequestLog {
  private readonly items: RequestLogEntry[] = [];
  /** Requests per "METHOD route" since the last clear, the discarded ones included. */
  private readonly tally = new Map<string, number>();

  /** @param capacity oldest entries are discarded beyond this many (keeps a long CLI run bounded). */
  constructor(private readonly capacity = 10_000) {}

  /** Appends an entry (called by the framework). */
  record(entry: RequestLogEntry): void {
    this.items.push(entry);
    const key = `${entry.method} ${entry.route ?? entry.path}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** A copy of the entries, oldest first; optionally only those of one route. */
  entries(route?: string): RequestLogEntry[] {
    const selected = route === undefined ? this.items : this.items.filter((entry) => entry.route === route);
    return selected.map((entry) => structuredClone(entry));
  }

  /**
   * How many requests arrived per "METHOD route" (the path when no route matched) since the last
   * clear — all of them, also those the bounded entries no longer hold (a bench at scale).
   */
  counts(): Map<string, number> {
    return new Map(this.tally);
  }

  /** Forgets every entry and count. */
  clear(): void {
    this.items.length = 0;
    this.tally.clear();
  }
}
