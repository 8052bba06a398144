/** The guide's rule (3.1 "Request Frequency"): no more than 5 requests per second. */
export interface RateLimitSettings {
  /** Requests admitted per window. Default 5. */
  limit: number;
  /** Window length. Default 1000 ms. */
  windowMs: number;
  /** Seconds sent as Retry-After with a 429; default none (the guide documents no such header). */
  retryAfterSeconds?: number;
}

/** What the emulator counted on its own, independent of any client (served in the state and at `/__sandbox/accounting`). */
export interface AccountingSnapshot {
  /** Calls of token/get with the account's AK (whatever their outcome). */
  tokenRequests: number;
  /** Distinct access tokens handed out (a token/get within a token's validity returns the same token). */
  tokensIssued: number;
  rate: {
    limit: number;
    windowMs: number;
    /** Requests of the account answered normally. */
    admitted: number;
    /** Requests refused with HTTP 429 for exceeding the limit. */
    rejected: number;
    /** The most requests (admitted or not) that arrived within any one window. */
    peakArrivalsInWindow: number;
  };
}

/**
 * Counts one account's requests in a sliding window and refuses those beyond the limit. Only
 * admitted requests use up the window (a refused one did no work); every arrival counts for the
 * peak, so a client that overshoots shows it even when all its retries later succeed.
 */
export class RequestAccounting {
  tokenRequests = 0;
  tokensIssued = 0;
  private admittedTimes: number[] = [];
  private arrivalTimes: number[] = [];
  private admitted = 0;
  private rejected = 0;
  private peak = 0;

  constructor(
    public settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an arrival; false when it exceeds the limit and must be refused. */
  admit(): boolean {
    const t = this.now();
    const since = t - this.settings.windowMs;
    this.arrivalTimes = this.arrivalTimes.filter((x) => x > since);
    this.arrivalTimes.push(t);
    this.peak = Math.max(this.peak, this.arrivalTimes.length);
    this.admittedTimes = this.admittedTimes.filter((x) => x > since);
    if (this.admittedTimes.length >= this.settings.limit) {
      this.rejected++;
      return false;
    }
    this.admittedTimes.push(t);
    this.admitted++;
    return true;
  }

  snapshot(): AccountingSnapshot {
    return {
      tokenRequests: this.tokenRequests,
      tokensIssued: this.tokensIssued,
      rate: {
        limit: this.settings.limit,
        windowMs: this.settings.windowMs,
        admitted: this.admitted,
        rejected: this.rejected,
        peakArrivalsInWindow: this.peak,
      },
    };
  }

  reset(): void {
    this.tokenRequests = 0;
    this.tokensIssued = 0;
    this.admittedTimes = [];
    this.arrivalTimes = [];
    this.admitted = 0;
    this.rejected = 0;
    this.peak = 0;
  }
}
