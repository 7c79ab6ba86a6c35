/**
 * The counter store behind the limiter: one atomic check-and-record per admission, so an in-memory store
 * (synchronous) and a Redis store (one Lua script) give the same exact counts under concurrency.
 */
import type { Limits } from './types.js';

/** The 60 s window (rpm, tpm) and the 24 h window (rpd), spec §5 "Rate limits". */
export const minuteWindowMs = 60_000;
export const dayWindowMs = 24 * 60 * 60_000;

/** Which windows an admission is recorded in: a window counts only while a limit on it applies. */
export type Windows = { minute: boolean; day: boolean };

/** One user's windows as seen by an admission (including it when admitted, excluding it when refused). */
export type WindowState = {
  minuteRequests: number;
  minuteTokens: number;
  dayRequests: number;
  /** When the oldest call still counted entered each window (null = empty window). */
  minuteOldestAtMs: number | null;
  dayOldestAtMs: number | null;
};

export type Dimension = 'rpm' | 'tpm' | 'rpd';

export type StoreAdmitInput = {
  /** One counter set per end user: `platformId:endUserId`. */
  key: string;
  /** Unique per admission, so settle and release find exactly this call. */
  entryId: string;
  nowMs: number;
  tokens: number;
  limits: Limits;
  windows: Windows;
};

export type StoreAdmitResult =
  | { ok: true; state: WindowState }
  | {
      ok: false;
      state: WindowState;
      /** The first dimension (rpm, tpm, rpd order) that refused. */
      exceeded: Dimension;
      /** Milliseconds until every refusing window has freed enough for this call. */
      retryAfterMs: number;
      /** The call's own estimate is above tpm (or a limit is 0): waiting never helps. */
      neverFits: boolean;
    };

/** A recorded admission, as settle and release address it. */
export type EntryRef = { key: string; entryId: string; atMs: number; windows: Windows };

export interface RateLimitStore {
  /** Atomically: drop expired calls, check every limited window, and record the call only if all pass. */
  admit(input: StoreAdmitInput): Promise<StoreAdmitResult>;
  /** Replaces a recorded call's token charge (estimate → actual); a call already out of the window is left alone. */
  settle(ref: EntryRef, estimatedTokens: number, actualTokens: number, nowMs: number): Promise<void>;
  /** Un-counts a recorded call in every window (a refusal after admission). */
  release(ref: EntryRef, estimatedTokens: number, nowMs: number): Promise<void>;
  close(): Promise<void>;
}

const unlimited = (v: number | null): v is null => v === null;

/** How many units must leave a window before `used + wanted` fits under `limit` (0 = fits now). */
export function excess(used: number, wanted: number, limit: number | null): number {
  if (unlimited(limit)) return 0;
  return Math.max(0, used + wanted - limit);
}
