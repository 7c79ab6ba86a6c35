/**
 * The budget period-reset rule exists once per database: `dueReset` in TypeScript (the SQLite engine and
 * budget movements on SQLite) and `assistiv_budget_reset_start` in PostgreSQL (the money function and
 * budget movements on PostgreSQL). One table of cases, with the answer written out, runs against both, and
 * random instants compare them directly (fast-check; the seed is printed), so they cannot drift apart.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BudgetPeriod, dueReset } from '../../../src/billing/budgets.js';
import { billingMigrations } from '../../../src/billing/migrations.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrations.js';
import { dropPgDatabase } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';

type Case = { why: string; period: BudgetPeriod; periodStart: string; now: string; resetTo: string | null };

const cases: Case[] = [
  // daily
  { why: 'same UTC day', period: 'daily', periodStart: '2026-03-01T00:00:00.000Z', now: '2026-03-01T23:59:59.999Z', resetTo: null },
  {
    why: 'the next day, at midnight exactly',
    period: 'daily',
    periodStart: '2026-03-01T00:00:00.000Z',
    now: '2026-03-02T00:00:00.000Z',
    resetTo: '2026-03-02T00:00:00.000Z',
  },
  {
    why: 'several days later',
    period: 'daily',
    periodStart: '2026-02-20T00:00:00.000Z',
    now: '2026-03-05T13:14:15.678Z',
    resetTo: '2026-03-05T00:00:00.000Z',
  },
  {
    why: 'leap day',
    period: 'daily',
    periodStart: '2024-02-28T00:00:00.000Z',
    now: '2024-02-29T12:00:00.000Z',
    resetTo: '2024-02-29T00:00:00.000Z',
  },
  {
    why: 'the day after a leap day',
    period: 'daily',
    periodStart: '2024-02-29T00:00:00.000Z',
    now: '2024-03-01T00:00:00.001Z',
    resetTo: '2024-03-01T00:00:00.000Z',
  },
  {
    why: 'year end',
    period: 'daily',
    periodStart: '2026-12-31T00:00:00.000Z',
    now: '2027-01-01T00:00:00.000Z',
    resetTo: '2027-01-01T00:00:00.000Z',
  },
  {
    why: 'US DST start (UTC has none)',
    period: 'daily',
    periodStart: '2026-03-07T00:00:00.000Z',
    now: '2026-03-08T07:30:00.000Z',
    resetTo: '2026-03-08T00:00:00.000Z',
  },
  {
    why: 'EU DST end (UTC has none)',
    period: 'daily',
    periodStart: '2026-10-25T00:00:00.000Z',
    now: '2026-10-25T23:30:00.000Z',
    resetTo: null,
  },
  {
    why: 'a start inside the day (not on midnight)',
    period: 'daily',
    periodStart: '2026-03-01T10:00:00.000Z',
    now: '2026-03-01T12:00:00.000Z',
    resetTo: null,
  },
  {
    why: 'a start inside the day, next day',
    period: 'daily',
    periodStart: '2026-03-01T10:00:00.000Z',
    now: '2026-03-02T00:00:00.000Z',
    resetTo: '2026-03-02T00:00:00.000Z',
  },
  {
    why: 'the clock went back before the start',
    period: 'daily',
    periodStart: '2026-03-02T00:00:00.000Z',
    now: '2026-03-01T10:00:00.000Z',
    resetTo: null,
  },
  // monthly
  {
    why: 'last millisecond of January',
    period: 'monthly',
    periodStart: '2026-01-01T00:00:00.000Z',
    now: '2026-01-31T23:59:59.999Z',
    resetTo: null,
  },
  {
    why: 'first instant of February',
    period: 'monthly',
    periodStart: '2026-01-01T00:00:00.000Z',
    now: '2026-02-01T00:00:00.000Z',
    resetTo: '2026-02-01T00:00:00.000Z',
  },
  {
    why: 'a 30-day month ends',
    period: 'monthly',
    periodStart: '2026-04-01T00:00:00.000Z',
    now: '2026-05-01T00:00:00.000Z',
    resetTo: '2026-05-01T00:00:00.000Z',
  },
  {
    why: 'leap-year February, last millisecond',
    period: 'monthly',
    periodStart: '2024-02-01T00:00:00.000Z',
    now: '2024-02-29T23:59:59.999Z',
    resetTo: null,
  },
  {
    why: 'leap-year February ends',
    period: 'monthly',
    periodStart: '2024-02-01T00:00:00.000Z',
    now: '2024-03-01T00:00:00.000Z',
    resetTo: '2024-03-01T00:00:00.000Z',
  },
  {
    why: '2100 is no leap year',
    period: 'monthly',
    periodStart: '2100-02-01T00:00:00.000Z',
    now: '2100-02-28T23:59:59.999Z',
    resetTo: null,
  },
  {
    why: '2100: March after February 28',
    period: 'monthly',
    periodStart: '2100-02-01T00:00:00.000Z',
    now: '2100-03-01T00:00:00.000Z',
    resetTo: '2100-03-01T00:00:00.000Z',
  },
  {
    why: '2000 is a leap year',
    period: 'monthly',
    periodStart: '2000-02-01T00:00:00.000Z',
    now: '2000-02-29T18:00:00.000Z',
    resetTo: null,
  },
  {
    why: 'year end',
    period: 'monthly',
    periodStart: '2026-12-01T00:00:00.000Z',
    now: '2027-01-01T00:00:00.000Z',
    resetTo: '2027-01-01T00:00:00.000Z',
  },
  {
    why: 'months skipped',
    period: 'monthly',
    periodStart: '2025-11-01T00:00:00.000Z',
    now: '2026-03-15T08:00:00.000Z',
    resetTo: '2026-03-01T00:00:00.000Z',
  },
  {
    why: 'already July at UTC+14, still June in UTC',
    period: 'monthly',
    periodStart: '2026-06-01T00:00:00.000Z',
    now: '2026-06-30T20:00:00.000Z',
    resetTo: null,
  },
  {
    why: 'a start inside the month (one_time changed to monthly mid-month)',
    period: 'monthly',
    periodStart: '2026-06-15T09:00:00.000Z',
    now: '2026-06-30T20:00:00.000Z',
    resetTo: null,
  },
  {
    why: 'the clock went back before the start',
    period: 'monthly',
    periodStart: '2026-07-01T00:00:00.000Z',
    now: '2026-06-30T23:59:59.999Z',
    resetTo: null,
  },
  // one_time
  {
    why: 'one_time never resets',
    period: 'one_time',
    periodStart: '2020-01-15T10:11:12.131Z',
    now: '2026-03-01T00:00:00.000Z',
    resetTo: null,
  },
  {
    why: 'one_time at a month start',
    period: 'one_time',
    periodStart: '2026-02-28T00:00:00.000Z',
    now: '2026-03-01T00:00:00.000Z',
    resetTo: null,
  },
];

const tsRule = (c: { period: BudgetPeriod; periodStart: string; now: string }): string | null =>
  dueReset({ period: c.period, period_start: c.periodStart, used_micros: 0 }, Date.parse(c.now))?.periodStart ?? null;

describe('period-reset rule: TypeScript (SQLite)', () => {
  it.each(cases)('$period, $why', (c) => {
    expect(tsRule(c)).toBe(c.resetTo);
  });

  it('reports the used amount it clears', () => {
    const reset = dueReset(
      { period: 'daily', period_start: '2026-03-01T00:00:00.000Z', used_micros: 1_250_000 },
      Date.parse('2026-03-02T00:00:00.000Z'),
    );
    expect(reset).toEqual({ periodStart: '2026-03-02T00:00:00.000Z', amountMicros: 1_250_000 });
  });
});

describe.runIf(postgresUrl)('period-reset rule: PostgreSQL', () => {
  const name = `assistiv_reset_${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'assistiv-reset-'));
  let store: Store;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgresUrl as string);
    url.pathname = `/${name}`;
    store = openStore({ databaseUrl: url.toString(), dataDir });
    await migrateToLatest(store.db as never, billingMigrations);
  });
  afterAll(async () => {
    await store?.close();
    await dropPgDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The SQL rule for many cases in one statement, in a session set to `timeZone` (the rule must not care). */
  async function sqlRule(
    timeZone: string,
    rows: Array<{ period: string; periodStart: string; now: string }>,
  ): Promise<Array<string | null>> {
    return store.db.connection().execute(async (conn) => {
      await sql`SELECT set_config('TimeZone', ${timeZone}, false)`.execute(conn);
      const { rows: out } = await sql<{ start: string | null }>`
        SELECT assistiv_budget_reset_start(p, s, n) AS start
          FROM unnest(${rows.map((r) => r.period)}::text[], ${rows.map((r) => r.periodStart)}::text[], ${rows.map((r) => r.now)}::text[])
               WITH ORDINALITY AS t(p, s, n, i)
         ORDER BY i`.execute(conn);
      await sql`SELECT set_config('TimeZone', 'UTC', false)`.execute(conn);
      return out.map((r) => r.start);
    });
  }

  for (const timeZone of ['UTC', 'America/New_York', 'Pacific/Kiritimati', 'Asia/Kathmandu', 'Pacific/Pago_Pago']) {
    it(`answers every case of the table in a session at ${timeZone}`, async () => {
      const got = await sqlRule(timeZone, cases);
      expect(cases.map((c, i) => ({ why: `${c.period}, ${c.why}`, resetTo: got[i] }))).toEqual(
        cases.map((c) => ({ why: `${c.period}, ${c.why}`, resetTo: c.resetTo })),
      );
    });
  }

  it('agrees with the TypeScript rule on random instants, starts and periods', async () => {
    const seed = Number(process.env.RESET_RULE_SEED ?? Date.now() % 2 ** 31);
    process.stdout.write(`[period-reset rule] seed=${seed} (replay with RESET_RULE_SEED=${seed})\n`);
    const min = Date.parse('1999-01-01T00:00:00.000Z');
    const max = Date.parse('2101-01-01T00:00:00.000Z');
    const instant = fc.oneof(
      fc.integer({ min, max }),
      // Near a UTC midnight, where the two could disagree by a millisecond.
      fc
        .tuple(fc.integer({ min: min / 86_400_000, max: max / 86_400_000 }), fc.integer({ min: -2, max: 2 }))
        .map(([d, ms]) => d * 86_400_000 + ms),
    );
    const iso = (ms: number) => new Date(ms).toISOString();
    const samples = fc.sample(
      fc.record({
        period: fc.constantFrom<BudgetPeriod>('daily', 'monthly', 'one_time'),
        periodStart: instant.map(iso),
        now: instant.map(iso),
      }),
      { seed, numRuns: 2000 },
    );
    const got = await sqlRule('America/New_York', samples);
    const differ = samples.map((s, i) => ({ ...s, ts: tsRule(s), sql: got[i] })).filter((s) => s.ts !== s.sql);
    if (differ.length > 0) process.stdout.write(`[period-reset rule] FAILED with seed ${seed}: replay with RESET_RULE_SEED=${seed}\n`);
    expect(differ).toEqual([]);
  });

  it('is the rule the money function applies (no period start of its own)', async () => {
    const { rows } = await sql<{ src: string }>`SELECT prosrc AS src FROM pg_proc WHERE proname = 'assistiv_billing'`.execute(store.db);
    expect(rows).toHaveLength(1);
    expect(rows[0].src.match(/assistiv_budget_reset_start\(/g)).toHaveLength(2);
    expect(rows[0].src).not.toMatch(/p_daily_start|p_monthly_start/);
  });
});
