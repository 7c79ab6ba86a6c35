/**
 * One exact sliding window in memory: a ring of slots (time, requests, tokens) in time order with running
 * totals. A call at time t counts while now < t + windowMs. Each admitted call gets its own slot, so the
 * window is exact to the millisecond while a user has at most `maxSlots` calls in it; past that, the two
 * oldest slots are merged under the later time, so merged calls leave the window late, never early:
 * the limit can be undercut by a little, never exceeded. Work per call is O(1) amortised (each slot is
 * pushed and expired once); settle/release use a binary search.
 */

export class SlidingWindow {
  private atMs: Float64Array;
  private requests: Int32Array;
  private tokens: Float64Array;
  private head = 0;
  private size = 0;
  requestsTotal = 0;
  tokensTotal = 0;

  private readonly maxSlots: number;

  constructor(
    readonly windowMs: number,
    maxSlots: number,
    initialSlots = 4,
  ) {
    this.maxSlots = Math.max(2, maxSlots); // merging needs two slots
    const n = Math.max(1, Math.min(initialSlots, this.maxSlots));
    this.atMs = new Float64Array(n);
    this.requests = new Int32Array(n);
    this.tokens = new Float64Array(n);
  }

  get slots(): number {
    return this.size;
  }

  private index(i: number): number {
    return (this.head + i) % this.atMs.length;
  }

  /** Drops every slot whose calls have left the window at `nowMs`. */
  expire(nowMs: number): void {
    while (this.size > 0 && this.atMs[this.head] + this.windowMs <= nowMs) {
      this.requestsTotal -= this.requests[this.head];
      this.tokensTotal -= this.tokens[this.head];
      this.head = (this.head + 1) % this.atMs.length;
      this.size--;
    }
    if (this.size === 0) {
      // Totals can only drift through float tokens; an empty window is exactly zero.
      this.requestsTotal = 0;
      this.tokensTotal = 0;
    }
  }

  oldestAtMs(): number | null {
    return this.size === 0 ? null : this.atMs[this.head];
  }

  /** Records calls at `atMs` (not before the newest slot). */
  push(atMs: number, requests: number, tokens: number): void {
    if (this.size === this.atMs.length) {
      if (this.size < this.maxSlots) this.grow(Math.min(this.maxSlots, this.size * 2));
      else this.mergeOldestTwo();
    }
    const i = this.index(this.size);
    this.atMs[i] = atMs;
    this.requests[i] = requests;
    this.tokens[i] = tokens;
    this.size++;
    this.requestsTotal += requests;
    this.tokensTotal += tokens;
  }

  /**
   * Adds deltas to the slot holding a call made at `atMs` (the first slot at or after it: merges keep the
   * later time). Returns false when that call has already left the window.
   */
  adjust(atMs: number, requestsDelta: number, tokensDelta: number, nowMs: number): boolean {
    if (atMs + this.windowMs <= nowMs) return false;
    this.expire(nowMs);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.atMs[this.index(mid)] < atMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.size) return false;
    const i = this.index(lo);
    this.requests[i] += requestsDelta;
    this.tokens[i] += tokensDelta;
    this.requestsTotal += requestsDelta;
    this.tokensTotal += tokensDelta;
    return true;
  }

  /**
   * Milliseconds from `nowMs` until at least `requests` requests and `tokens` tokens have left the window
   * (0 when nothing needs to leave). Slots sharing a time leave together, so the check is made at the end
   * of each group of equal times. Walks at most the slots that must expire.
   */
  waitToFree(requests: number, tokens: number, nowMs: number): number {
    if (requests <= 0 && tokens <= 0) return 0;
    let freedRequests = 0;
    let freedTokens = 0;
    for (let k = 0; k < this.size; k++) {
      const i = this.index(k);
      freedRequests += this.requests[i];
      freedTokens += this.tokens[i];
      const groupEnds = k === this.size - 1 || this.atMs[this.index(k + 1)] !== this.atMs[i];
      if (groupEnds && freedRequests >= requests && freedTokens >= tokens) return this.atMs[i] + this.windowMs - nowMs;
    }
    return this.windowMs;
  }

  private grow(capacity: number): void {
    const at = new Float64Array(capacity);
    const req = new Int32Array(capacity);
    const tok = new Float64Array(capacity);
    for (let k = 0; k < this.size; k++) {
      const i = this.index(k);
      at[k] = this.atMs[i];
      req[k] = this.requests[i];
      tok[k] = this.tokens[i];
    }
    this.atMs = at;
    this.requests = req;
    this.tokens = tok;
    this.head = 0;
  }

  /** At capacity: the oldest slot's calls join the next one and leave with it (late, never early). */
  private mergeOldestTwo(): void {
    if (this.size < 2) return;
    const first = this.head;
    const second = this.index(1);
    this.requests[second] += this.requests[first];
    this.tokens[second] += this.tokens[first];
    this.head = second;
    this.size--;
  }
}
