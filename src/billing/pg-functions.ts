/**
 * The PostgreSQL money function (migrations 0003, 0006, 0008, 0014, 0016 and 0018, PostgreSQL only). Reserve, settle and release all
 * go through `assistiv_billing(platform, ops, now, daily_start, monthly_start)`: ONE statement, so one client
 * round trip and one short implicit transaction, for one operation or for the batch one gateway instance
 * queued on one wallet while its previous call ran (group commit: one commit and one hand-over of the
 * wallet's row lock for all of them). The hot rows are locked only while the function runs and commits,
 * never across round trips.
 *
 * Every row the call will touch is locked first, in one global order: the settled and released
 * reservations (deleted up front), the budgets by id, then the wallets by id. Calls from several instances,
 * and the budget and wallet routes (one row each), therefore never deadlock each other. Then each operation
 * runs in order. The usual case is a conditional `UPDATE … WHERE <balance covers it>`; the rare paths
 * (stale period, exhausted or suspended budget, overrun at settlement) read the locked row to decide.
 * A second reservation for a request id answers 'duplicate' instead of failing the whole call.
 *
 * ops is a JSON array, one object per operation (jsonb_to_recordset):
 *   reserve  {k:'r', id, eu (end user or null), w (wallet hold), b (budget hold, with markup), exp, t1, t2 (ledger ids: reset, replenish),
 *            ub? (V6: the holds are from the prompt's byte bound; where they would refuse or replenish, answer needs_exact)}
 *   settle   {k:'s', id, c (cost), ec (end-user cost, with markup), d (description), t1, t2 (ledger ids: wallet, budget), l?,
 *            lb? (V4: the platform's low_balance_thresholds, percentages of max_usd; absent: read from its settings)}
 *   release  {k:'x', id, l?}
 * l is the request's log row (request_logs columns). A settle that posts writes it with the amounts it
 * charged (billed); a settle that finds its reservation voided (expired) and a release write it not_billed;
 * a settle that finds an earlier settlement (already_settled) writes none. All rows of a call are inserted
 * by one statement at its end, ON CONFLICT DO NOTHING: a request id that already has its row keeps it.
 * One result row per operation, in order: o_status is ok | budget_suspended | budget_exhausted |
 * wallet_insufficient | needs_exact | duplicate (reserve), settled | already_settled | expired (settle), released |
 * not_found (release). o_available is what fell short on a refusal; o_end_user_micros is null when no
 * budget row was charged.
 *
 * The period-reset rule is PostgreSQL's own function, `assistiv_budget_reset_start(period, period_start, now)`
 * (the twin of `dueReset` in budgets.ts; test/integration/billing/period-reset.test.ts runs one table against
 * both). Since V3 the function computes the period starts from `now` itself: daily_start and monthly_start
 * are ignored, kept in the signature so instances still running V2's caller keep working during an upgrade.
 * (V3 was never released: its two steps, the reset rule and the low-balance events, ship together as V4.)
 *
 * Frozen: a migration's SQL never changes once shipped. To change the function, add a new version here and
 * a new migration that runs it (`CREATE OR REPLACE`), keeping its signature and result columns: instances send
 * the calls as named prepared statements (src/store/database.ts), and one that prepared the call before an
 * upgrade would fail on a changed result type until it reconnects. V1 (migration 0003) is in pg-functions-v1.ts, V2
 * (migration 0006: each request's log row, with its cache-write and reasoning token counts) in
 * pg-functions-v2.ts. Migration 0008 installs the period-reset rule; V4 (migration 0014, pg-functions-v4.ts) uses
 * it and writes the webhook events of settlements and refusals (PG_WEBHOOK_EVENT_FUNCTIONS); V5 (migration 0016,
 * pg-functions-v5.ts) is V4 with statements whose plans PostgreSQL keeps for a call of one operation; V6 (migration
 * 0018, below) is V5 with reserves from the prompt's bound.
 */

import { PG_BILLING_FUNCTIONS_V5 } from './pg-functions-v5.js';

/**
 * The start of the period a daily or monthly budget is due to reset to at `now`, or NULL when none is due
 * (one_time budgets, or a period_start already in the current period). Periods are UTC calendar days and
 * months, whatever the session's time zone; times are ISO-8601 text as JavaScript's toISOString writes them,
 * compared byte by byte (COLLATE "C"), as the rest of the schema does.
 */
export const PG_BUDGET_RESET_RULE = `
CREATE OR REPLACE FUNCTION assistiv_budget_reset_start(p_period text, p_period_start text, p_now text)
RETURNS text LANGUAGE sql STABLE AS $fn$
  -- The current period's start when it is later than p_period_start, else NULL (one_time: no start, NULL).
  -- One expression, no FROM: PostgreSQL inlines it into the money function's statements (~3 µs, not ~15).
  SELECT NULLIF(GREATEST(to_char(date_trunc(CASE p_period WHEN 'daily' THEN 'day' WHEN 'monthly' THEN 'month' END,
                                            p_now::timestamptz AT TIME ZONE 'UTC'),
                                 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') COLLATE "C",
                         p_period_start COLLATE "C"),
                p_period_start)
$fn$;
`;

/**
 * The events of settlements and refusals (spec §6), written by the money function in its own transaction.
 * assistiv_enqueue_webhook writes nothing unless an active endpoint of the platform subscribes (one indexed
 * lookup on webhook_endpoints_platform), and the money function calls the others only when a threshold was
 * crossed or a budget refused, so an ordinary settlement pays two comparisons. Twins of sqlite-events.ts and
 * low-balance.ts (same ids, same data; test/integration/webhooks/low-balance.test.ts runs both).
 */
export const PG_WEBHOOK_EVENT_FUNCTIONS = `
CREATE OR REPLACE FUNCTION assistiv_uuidv7() RETURNS text LANGUAGE sql VOLATILE AS $fn$
  -- RFC 9562 UUIDv7: 48 bits of Unix milliseconds over a random UUID, version bits set to 7.
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
           PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
         52, 1), 53, 1), 'hex')::uuid::text
$fn$;

CREATE OR REPLACE FUNCTION assistiv_usd(p_micros bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $fn$
  SELECT trim_scale(p_micros::numeric / 1000000)
$fn$;

-- The event with its §6 envelope and one pending delivery per subscribed active endpoint; nothing without one.
-- (Migration 0015; 0014 installed it without the NOTIFY: pg-functions-v4.ts.)
CREATE OR REPLACE FUNCTION assistiv_enqueue_webhook(p_platform text, p_type text, p_event_id text, p_now text, p_data jsonb)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  v_targets text[];
BEGIN
  v_targets := ARRAY(SELECT id FROM webhook_endpoints WHERE platform_id = p_platform AND is_active = 1
                       AND (events::jsonb ? p_type OR (events::jsonb ? '*' AND p_type <> 'budget.debited')));
  IF cardinality(v_targets) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO webhook_events (id, platform_id, event_type, payload, created_at)
  VALUES (p_event_id, p_platform, p_type,
          jsonb_build_object('event_type', p_type, 'event_id', p_event_id, 'api_version', '2026-11-01',
                             'created_at', p_now, 'data', p_data)::text, p_now)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO webhook_deliveries (id, platform_id, event_id, event_type, endpoint_id, attempt, status, next_retry_at,
                                  retry_until, created_at)
  SELECT assistiv_uuidv7(), p_platform, p_event_id, p_type, t, 1, 'pending', p_now,
         to_char((p_now::timestamptz + interval '24 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), p_now
    FROM unnest(v_targets) AS t;
  -- Delivered at commit to every instance listening (webhooks/index.ts): one sends now, not at its next poll.
  PERFORM pg_notify('assistiv_webhooks', '');
END
$fn$;

CREATE OR REPLACE FUNCTION assistiv_wallet_low_balance(p_platform text, p_wallet text, p_tx text, p_charge bigint, p_balance bigint,
                                                       p_threshold bigint, p_reason text, p_now text)
RETURNS void LANGUAGE sql AS $fn$
  SELECT assistiv_enqueue_webhook(p_platform, 'wallet.low_balance', p_tx || ':wallet.low_balance', p_now, jsonb_build_object(
    'platform_id', p_platform, 'wallet_id', p_wallet, 'transaction_id', p_tx, 'type', 'llm_usage',
    'amount_usd', assistiv_usd(-p_charge), 'balance_after', assistiv_usd(p_balance), 'reason', p_reason,
    'threshold_usd', assistiv_usd(p_threshold), 'threshold_percentage', NULL))
$fn$;

-- One budget.low_balance per threshold the usage row took remaining (max - used) below: the budget's own, and
-- each percentage of max (floored to µUSD); a percentage on the same amount as another threshold is that one.
CREATE OR REPLACE FUNCTION assistiv_budget_low_balance(p_platform text, p_user text, p_budget text, p_tx text, p_charge bigint,
                                                       p_max bigint, p_used bigint, p_own bigint, p_pcts jsonb, p_reason text,
                                                       p_metadata jsonb, p_now text)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  v_after bigint := p_max - p_used;
  t record;
BEGIN
  FOR t IN
    SELECT DISTINCT ON (s.micros) s.micros, s.pct FROM (
      SELECT p_own AS micros, NULL::numeric AS pct, 0 AS ord
      UNION ALL
      SELECT floor(p_max * x.p / 100)::bigint, x.p, 1
        FROM (SELECT (e #>> '{}')::numeric AS p
                FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_pcts) = 'array' THEN p_pcts ELSE '[]' END) AS e
               WHERE jsonb_typeof(e) = 'number') x
       WHERE x.p > 0 AND x.p < 100 -- validated on write; a settings row older than the rule must not fail a settlement
    ) s
    WHERE s.micros > 0 AND v_after < s.micros AND v_after + p_charge >= s.micros
    ORDER BY s.micros, s.ord
  LOOP
    PERFORM assistiv_enqueue_webhook(p_platform, 'budget.low_balance',
      p_tx || ':budget.low_balance' || CASE WHEN t.pct IS NULL THEN '' ELSE ':' || t.pct || '%' END, p_now, jsonb_build_object(
      'platform_id', p_platform, 'end_user_id', p_user, 'budget_id', p_budget, 'transaction_id', p_tx, 'type', 'usage',
      'amount_usd', assistiv_usd(-p_charge), 'max_usd_after', assistiv_usd(p_max), 'used_usd_after', assistiv_usd(p_used),
      'remaining_usd_after', assistiv_usd(v_after), 'reason', p_reason, 'metadata', p_metadata,
      'threshold_usd', assistiv_usd(t.micros), 'threshold_percentage', t.pct));
  END LOOP;
END
$fn$;

-- budget.exhausted once per exhaustion: the budget is marked (p_mark, a fresh UUIDv7) unless it already was since
-- its last top-up, reset, replenish or raise of max_usd; the event id uses the refused request's id (spec §6).
CREATE OR REPLACE FUNCTION assistiv_budget_exhausted(p_platform text, p_user text, p_budget text, p_request text, p_mark text,
                                                     p_need bigint, p_max bigint, p_used bigint, p_now text)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE platform_id = p_platform AND is_active = 1
                   AND (events::jsonb ? 'budget.exhausted' OR events::jsonb ? '*')) THEN
    RETURN;
  END IF;
  UPDATE budgets SET exhausted_notified_id = p_mark
   WHERE id = p_budget AND (exhausted_notified_id IS NULL OR EXISTS (
     SELECT 1 FROM budget_transactions t WHERE t.budget_id = p_budget AND t.id > budgets.exhausted_notified_id
       AND (t.type IN ('top_up', 'reset', 'replenish') OR (t.type = 'adjustment' AND t.amount_micros > 0))));
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM assistiv_enqueue_webhook(p_platform, 'budget.exhausted', p_request || ':budget.exhausted', p_now, jsonb_build_object(
    'platform_id', p_platform, 'end_user_id', p_user, 'budget_id', p_budget, 'transaction_id', p_request, 'type', 'exhausted',
    'amount_usd', assistiv_usd(p_need), 'max_usd_after', assistiv_usd(p_max), 'used_usd_after', assistiv_usd(p_used),
    'remaining_usd_after', assistiv_usd(p_max - p_used), 'reason', 'budget_exhausted', 'metadata', '{}'::jsonb));
END
$fn$;
`;

/**
 * V6 (migration 0018): V5 with reservations from the prompt's bound (issue 14). A reserve op may carry `ub`: its
 * holds were computed from the prompt's UTF-8 byte length (an upper bound of its tokens), not the tokenizer's
 * count. Such a hold never refuses a call nor triggers an auto-replenish (nor so budget.exhausted): where V5
 * would, V6 answers `needs_exact` with nothing held or written but a due period reset (kept, as on a refusal),
 * and the engine asks again with the counted prompt. A wallet refusal has no side effect, so the engine simply
 * asks again on `wallet_insufficient` too. Derived from V5 by two exact replacements, so the difference is
 * exactly what `amend` lists.
 */
export const PG_BILLING_FUNCTIONS_V6 = amend(PG_BILLING_FUNCTIONS_V5, [
  [
    'AS x(k text, id text, eu text, w bigint, b bigint, exp text, t1 text, t2 text, c bigint, ec bigint, d text, l jsonb, lb jsonb)',
    'AS x(k text, id text, eu text, w bigint, b bigint, exp text, t1 text, t2 text, c bigint, ec bigint, d text, l jsonb, lb jsonb, ub boolean)',
  ],
  [
    `              IF v_remaining < op.b THEN
`,
    `              IF v_remaining < op.b AND op.ub THEN
                -- V6: a hold from the prompt's bound decides no replenish and no refusal: the counted prompt does.
                o_status := 'needs_exact';
                o_budget_hold := NULL;
                EXIT one;
              END IF;
              IF v_remaining < op.b THEN
`,
  ],
]);

/** `text` with each [from, to] applied; each `from` must occur exactly once (a silent no-op would ship V5 as V6). */
function amend(text: string, replacements: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of replacements) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0)
      throw new Error(`pg-functions: the V6 amendment does not match V5 exactly once: ${from.trim()}`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}
