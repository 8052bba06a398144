/** What {@link InFlightGauge.snapshot} reports (also served at `GET /__sandbox/in-flight`). */
export interface InFlightSnapshot {
  /** Vendor requests that have arrived and not been answered (or dropped) yet. */
  current: number;
  /** The most vendor requests that were in flight at once since the start or the last reset. */
  peak: number;
}

/**
 * Counts vendor requests in flight at the emulator, as the server sees them: from the moment a
 * request arrives (before its body is read) until its answer is sent or its connection dropped.
 * The peak is what a client's concurrency cap is measured against, independently of the client.
 */
export class InFlightGauge {
  private current = 0;
  private peak = 0;

  /** Counts a request that just arrived; call the returned function once when it is done (extra calls are ignored). */
  enter(): () => void {
    this.current++;
    this.peak = Math.max(this.peak, this.current);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.current--;
    };
  }

  snapshot(): InFlightSnapshot {
    return { current: this.current, peak: this.peak };
  }

  /** Starts a new high-water mark from the requests in flight now. */
  resetPeak(): void {
    this.peak = this.current;
  }
}
