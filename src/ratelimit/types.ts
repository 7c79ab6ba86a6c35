/**
 * The contract between the inference pipeline and rate limiting (spec §5 "Rate limits", issue 7).
 * Limits apply per end user; platform-key calls are not limited.
 */

export type Limits = { rpm_limit: number | null; tpm_limit: number | null; rpd_limit: number | null };

export type AdmitRequest = {
  requestId: string;
  platformId: string;
  endUserId: string;
  /**
   * The reservation's token estimate (prompt + max output), charged to tpm at admission. A function is
   * called only when a tpm limit applies (counting the prompt costs the tokenizer).
   */
  estimatedTokens: number | (() => number);
};

/** A granted admission; settle or release it exactly once. */
export type RateTicket = {
  requestId: string;
  platformId: string;
  endUserId: string;
  estimatedTokens: number;
  at: number;
  /** Set by the limiter: which store entry and windows this admission was recorded in (absent = nothing recorded). */
  entry?: TicketEntry;
};

/** Where an admission was recorded: its store entry id, and whether the 60 s and 24 h windows counted it. */
export type TicketEntry = { id: string; minute: boolean; day: boolean };

export type AdmitResult =
  | { ok: true; ticket: RateTicket | null; headers: Record<string, string> }
  | { ok: false; retryAfterSeconds: number; headers: Record<string, string>; message: string };

export interface RateLimiter {
  /** Refuses when any window would exceed its limit; refused calls do not count. */
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /** Corrects the tpm charge to the actual tokens. */
  settle(ticket: RateTicket, actualTokens: number): void;
  /** Un-counts a call refused after admission (e.g. 402), so refused calls never count. */
  release(ticket: RateTicket): void;
}
