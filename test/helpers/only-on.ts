/** Per-dialect tests inside `describe.each(dialects)` (kept apart from suites.ts, which the global setup loads). */
import { it } from 'vitest';

/**
 * `it` for a test of one dialect's own mechanism inside `describe.each(dialects)`: registered only in that
 * dialect's run, so the other run has nothing to skip (CI must show no skipped test).
 */
export function itOnlyOn(current: 'sqlite' | 'postgres', wanted: 'sqlite' | 'postgres'): typeof it {
  return current === wanted ? it : ((() => undefined) as unknown as typeof it);
}
