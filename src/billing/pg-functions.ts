/**
 * The PostgreSQL money function (migrations 0003, 0006, 0008, 0014 and 0016, PostgreSQL only). Reserve, settle and release all
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
 *   reserve  {k:'r', id, eu (end user or null), w (wallet hold), b (budget hold, with markup), exp, t1, t2 (ledger ids: reset, replenish)}
 *   settle   {k:'s', id, c (cost), ec (end-user cost, with markup), d (description), t1, t2 (ledger ids: wallet, budget), l?,
 *            lb? (V4: the platform's low_balance_thresholds, percentages of max_usd; absent: read from its settings)}
 *   release  {k:'x', id, l?}
 * l is the request's log row (request_logs columns). A settle that posts writes it with the amounts it
 * charged (billed); a settle that finds its reservation voided (expired) and a release write it not_billed;
 * a settle that finds an earlier settlement (already_settled) writes none. All rows of a call are inserted
 * by one statement at its end, ON CONFLICT DO NOTHING: a request id that already has its row keeps it.
 * One result row per operation, in order: o_status is ok | budget_suspended | budget_exhausted |
 * wallet_insufficient | duplicate (reserve), settled | already_settled | expired (settle), released |
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
 * a new migration that runs it (`CREATE OR REPLACE`). V1 (migration 0003) is in pg-functions-v1.ts, V2
 * (migration 0006: each request's log row, with its cache-write and reasoning token counts) in
 * pg-functions-v2.ts. Migration 0008 installs the period-reset rule; V4 (migration 0014, pg-functions-v4.ts) uses
 * it and writes the webhook events of settlements and refusals (PG_WEBHOOK_EVENT_FUNCTIONS); V5 (migration 0016)
 * is V4 with statements whose plans PostgreSQL keeps for a call of one operation.
 */

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
 * V5 (migration 0016): V4 with plans PostgreSQL can keep. A call of one operation resolves at most one
 * reservation and locks at most one budget and its own platform's wallet, so it takes those rows by scalar
 * keys (`= v_ids[1]`), whose generic plans the session caches; V4's `= ANY(array)` statements were planned
 * afresh at every call. Batches of several operations keep V4's statements. Same locks, same order, same results.
 */
export const PG_BILLING_FUNCTIONS_V5 = `
CREATE OR REPLACE FUNCTION assistiv_billing(p_platform_id text, p_ops jsonb, p_now text, p_daily_start text, p_monthly_start text)
RETURNS TABLE (o_status text, o_budget_id text, o_budget_hold bigint, o_available bigint,
               o_wallet_micros bigint, o_end_user_micros bigint, o_capped boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  op record;
  b record;
  v_ids text[];
  v_users text[];
  d_ids text[];
  d_platforms text[];
  d_users text[];
  d_budgets text[];
  d_hold_w bigint[];
  d_hold_b bigint[];
  j int;
  v_platform text;
  v_user text;
  v_budget text;
  v_hold_w bigint;
  v_hold_b bigint;
  v_held boolean;
  v_slow boolean;
  v_start text;
  v_used bigint;
  v_remaining bigint;
  v_replenish bigint;
  v_wallet_id text;
  v_max bigint;
  v_reserved bigint;
  v_balance bigint;
  v_charge bigint;
  v_debited boolean;
  v_threshold bigint;
  v_pcts jsonb;
  v_crossed boolean;
  v_cut bigint;
  v_logs jsonb := '[]';
BEGIN
  v_ids := ARRAY(SELECT DISTINCT x.id FROM jsonb_to_recordset(p_ops) AS x(k text, id text) WHERE x.k <> 'r');
  v_users := ARRAY(SELECT DISTINCT x.eu FROM jsonb_to_recordset(p_ops) AS x(k text, eu text) WHERE x.k = 'r' AND x.eu IS NOT NULL);
  -- V5: a call of one operation (every call at low load) takes its rows by scalar keys, whose plans the session
  -- caches; "= ANY(array)" is planned afresh at each call. Batches keep the array statements.
  IF cardinality(v_ids) = 1 THEN
    WITH gone AS (DELETE FROM reservations WHERE request_id = v_ids[1]
                  RETURNING request_id, platform_id, end_user_id, budget_id, wallet_micros, budget_micros)
    SELECT array_agg(request_id), array_agg(platform_id), array_agg(end_user_id), array_agg(budget_id),
           array_agg(wallet_micros), array_agg(budget_micros)
      INTO d_ids, d_platforms, d_users, d_budgets, d_hold_w, d_hold_b FROM gone;
  ELSIF cardinality(v_ids) > 1 THEN
    -- The reservations this call resolves: taken out first (settle and release consume them below).
    WITH gone AS (DELETE FROM reservations WHERE request_id = ANY(v_ids)
                  RETURNING request_id, platform_id, end_user_id, budget_id, wallet_micros, budget_micros)
    SELECT array_agg(request_id), array_agg(platform_id), array_agg(end_user_id), array_agg(budget_id),
           array_agg(wallet_micros), array_agg(budget_micros)
      INTO d_ids, d_platforms, d_users, d_budgets, d_hold_w, d_hold_b FROM gone;
  END IF;
  -- The same locks, in the same order; at most one budget and only this platform's wallet take the cached plans.
  IF cardinality(v_users) + coalesce(cardinality(d_budgets), 0) > 1 THEN
    PERFORM 1 FROM budgets WHERE end_user_id = ANY(v_users) OR id = ANY(d_budgets) ORDER BY id FOR UPDATE;
  ELSIF cardinality(v_users) = 1 THEN
    PERFORM 1 FROM budgets WHERE end_user_id = v_users[1] FOR UPDATE;
  ELSIF d_budgets[1] IS NOT NULL THEN
    PERFORM 1 FROM budgets WHERE id = d_budgets[1] FOR UPDATE;
  END IF;
  IF d_platforms IS NULL OR d_platforms <@ ARRAY[p_platform_id] THEN
    PERFORM 1 FROM wallets WHERE platform_id = p_platform_id FOR UPDATE;
  ELSE
    PERFORM 1 FROM wallets WHERE platform_id = p_platform_id OR platform_id = ANY(d_platforms) ORDER BY id FOR UPDATE;
  END IF;

  FOR op IN SELECT * FROM jsonb_to_recordset(p_ops)
      AS x(k text, id text, eu text, w bigint, b bigint, exp text, t1 text, t2 text, c bigint, ec bigint, d text, l jsonb, lb jsonb) LOOP
    o_status := NULL; o_budget_id := NULL; o_budget_hold := NULL; o_available := NULL;
    o_wallet_micros := NULL; o_end_user_micros := NULL; o_capped := NULL;
    v_debited := false;
    <<one>>
    BEGIN
      IF op.k = 'r' THEN
        ---------------------------------------------------------------- reserve
        IF EXISTS (SELECT 1 FROM reservations WHERE request_id = op.id) THEN
          o_status := 'duplicate';
          EXIT one;
        END IF;
        o_status := 'ok';
        o_budget_hold := 0;
        v_held := false;
        v_slow := false;
        v_replenish := 0;
        IF op.eu IS NOT NULL THEN
          -- The usual case: an active, unsuspended budget in its current period that covers the hold.
          UPDATE budgets SET reserved_micros = reserved_micros + op.b
           WHERE end_user_id = op.eu AND is_active = 1 AND is_suspended = 0
             AND max_micros - used_micros - reserved_micros >= op.b
             AND assistiv_budget_reset_start(period, period_start, p_now) IS NULL
           RETURNING id INTO o_budget_id;
          IF FOUND THEN
            v_held := true;
            o_budget_hold := op.b;
          ELSE
            -- No budget, an inactive or suspended one, a period to reset, or not enough left.
            SELECT id, platform_id, max_micros, used_micros, reserved_micros, period, period_start,
                   auto_replenish, replenish_amount_micros, is_active, is_suspended
              INTO b FROM budgets WHERE end_user_id = op.eu;
            IF FOUND AND b.is_active = 1 THEN
              IF b.is_suspended = 1 THEN
                o_status := 'budget_suspended';
                o_budget_hold := NULL;
                EXIT one;
              END IF;
              v_used := b.used_micros;
              v_start := assistiv_budget_reset_start(b.period, b.period_start, p_now);
              IF v_start IS NOT NULL THEN
                -- The lazy period reset: written first, and kept even when the request is then refused.
                UPDATE budgets SET used_micros = 0, period_start = v_start, updated_at = p_now WHERE id = b.id;
                IF b.used_micros > 0 THEN
                  INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros,
                                                   max_after_micros, used_after_micros, reason, metadata, request_id, created_at)
                  VALUES (op.t1, b.id, b.platform_id, op.eu, 'reset', b.used_micros, b.max_micros, 0, 'Period reset', '{}',
                          NULL, p_now);
                END IF;
                v_used := 0;
              END IF;
              v_remaining := b.max_micros - v_used - b.reserved_micros;
              IF v_remaining < op.b THEN
                -- auto_replenish, decided "when exhausted": one top-up of replenish_amount, if that suffices.
                IF b.auto_replenish = 1 AND coalesce(b.replenish_amount_micros, 0) > 0
                   AND v_remaining + b.replenish_amount_micros >= op.b THEN
                  v_replenish := b.replenish_amount_micros;
                ELSE
                  o_status := 'budget_exhausted';
                  o_available := v_remaining;
                  o_budget_hold := NULL;
                  -- V4: budget.exhausted on the first refusal since the budget was re-armed (t2 is unused here: the mark).
                  PERFORM assistiv_budget_exhausted(b.platform_id, op.eu, b.id, op.id, op.t2, op.b, b.max_micros, v_used, p_now);
                  EXIT one;
                END IF;
              END IF;
              v_slow := true;
              o_budget_id := b.id;
              o_budget_hold := op.b;
            END IF;
          END IF;
        END IF;

        UPDATE wallets SET reserved_micros = reserved_micros + op.w
         WHERE platform_id = p_platform_id AND balance_micros - reserved_micros >= op.w;
        IF NOT FOUND THEN
          SELECT balance_micros - reserved_micros INTO o_available FROM wallets WHERE platform_id = p_platform_id;
          o_available := coalesce(o_available, 0);
          o_status := 'wallet_insufficient';
          -- Undo the budget hold of the usual case (same transaction: nobody ever sees it); no replenish is written.
          IF v_held THEN
            UPDATE budgets SET reserved_micros = reserved_micros - op.b WHERE id = o_budget_id;
          END IF;
          o_budget_id := NULL;
          o_budget_hold := NULL;
          EXIT one;
        END IF;

        IF v_slow THEN
          UPDATE budgets SET max_micros = max_micros + v_replenish, reserved_micros = reserved_micros + op.b,
                             updated_at = CASE WHEN v_replenish > 0 THEN p_now ELSE updated_at END
           WHERE id = b.id;
          IF v_replenish > 0 THEN
            INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros,
                                             max_after_micros, used_after_micros, reason, metadata, request_id, created_at)
            VALUES (op.t2, b.id, b.platform_id, op.eu, 'replenish', v_replenish, b.max_micros + v_replenish, v_used,
                    'Auto-replenish', '{}', NULL, p_now);
          END IF;
        END IF;

        INSERT INTO reservations (request_id, platform_id, end_user_id, budget_id, wallet_micros, budget_micros, created_at, expires_at)
        VALUES (op.id, p_platform_id, op.eu, o_budget_id, op.w, o_budget_hold, p_now, op.exp);
        EXIT one;
      END IF;

      j := array_position(d_ids, op.id);
      IF j IS NULL THEN
        IF op.k = 'x' THEN
          o_status := 'not_found';
          EXIT one;
        END IF;
        -- Already resolved: by an earlier settle (report its amounts) or by the sweeper (nothing was billed).
        SELECT -t.amount_micros INTO o_wallet_micros FROM wallet_transactions t
         WHERE t.request_id = op.id AND t.type = 'llm_usage';
        IF NOT FOUND THEN
          o_status := 'expired';
          o_wallet_micros := 0;
          o_end_user_micros := 0;
          EXIT one;
        END IF;
        SELECT -t.amount_micros INTO o_end_user_micros FROM budget_transactions t
         WHERE t.request_id = op.id AND t.type = 'usage';
        o_status := 'already_settled';
        EXIT one;
      END IF;
      d_ids[j] := NULL; -- consumed: a second operation on this id in the same call finds it resolved
      v_platform := d_platforms[j];
      v_user := d_users[j];
      v_budget := d_budgets[j];
      v_hold_w := d_hold_w[j];
      v_hold_b := d_hold_b[j];

      IF op.k = 'x' THEN
        ---------------------------------------------------------------- release
        IF v_budget IS NOT NULL AND v_hold_b <> 0 THEN
          UPDATE budgets SET reserved_micros = reserved_micros - v_hold_b WHERE id = v_budget;
        END IF;
        IF v_hold_w <> 0 THEN
          UPDATE wallets SET reserved_micros = reserved_micros - v_hold_w WHERE platform_id = v_platform;
        END IF;
        o_status := 'released';
        EXIT one;
      END IF;

      ---------------------------------------------------------------- settle
      o_status := 'settled';
      o_capped := false;
      IF v_budget IS NOT NULL AND v_user IS NOT NULL THEN
        UPDATE budgets SET reserved_micros = reserved_micros - v_hold_b, used_micros = used_micros + op.ec, updated_at = p_now
         WHERE id = v_budget AND max_micros - used_micros - reserved_micros + v_hold_b >= op.ec
         RETURNING max_micros, used_micros, low_balance_threshold_micros INTO v_max, v_used, v_threshold;
        IF FOUND THEN
          o_end_user_micros := op.ec;
          INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros, max_after_micros,
                                           used_after_micros, reason, metadata, request_id, created_at)
          VALUES (op.t2, v_budget, v_platform, v_user, 'usage', -op.ec, v_max, v_used, op.d, '{}', op.id, p_now);
          v_pcts := op.lb;
          IF v_pcts IS NULL THEN -- not cached by the caller: the platform's setting
            v_pcts := (SELECT settings::jsonb -> 'low_balance_thresholds' FROM platforms WHERE id = v_platform);
          END IF;
          -- Only a crossing calls the helper; otherwise this is a few integer comparisons per threshold.
          v_crossed := v_threshold IS NOT NULL AND v_max - v_used < v_threshold AND v_max - v_used + op.ec >= v_threshold;
          IF NOT v_crossed AND jsonb_typeof(v_pcts) = 'array' THEN
            FOR i IN 0 .. jsonb_array_length(v_pcts) - 1 LOOP
              IF jsonb_typeof(v_pcts -> i) = 'number' THEN
                v_cut := floor(v_max * (v_pcts ->> i)::numeric / 100);
                IF v_max - v_used < v_cut AND v_max - v_used + op.ec >= v_cut THEN
                  v_crossed := true;
                  EXIT;
                END IF;
              END IF;
            END LOOP;
          END IF;
          IF v_crossed THEN
            PERFORM assistiv_budget_low_balance(v_platform, v_user, v_budget, op.t2, op.ec, v_max, v_used, v_threshold, v_pcts,
                                                op.d, '{}', p_now);
          END IF;
        ELSE
          SELECT max_micros, used_micros, reserved_micros, low_balance_threshold_micros INTO v_max, v_used, v_reserved, v_threshold
            FROM budgets WHERE id = v_budget;
          IF FOUND THEN
            -- The provider overran max_tokens: charge what the budget still has, never below zero.
            v_charge := LEAST(op.ec, GREATEST(0, v_max - v_used - v_reserved + v_hold_b));
            UPDATE budgets SET reserved_micros = reserved_micros - v_hold_b, used_micros = used_micros + v_charge, updated_at = p_now
             WHERE id = v_budget;
            INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros, max_after_micros,
                                             used_after_micros, reason, metadata, request_id, created_at)
            VALUES (op.t2, v_budget, v_platform, v_user, 'usage', -v_charge, v_max, v_used + v_charge, op.d,
                    CASE WHEN v_charge < op.ec THEN '{"capped_from_micros":' || op.ec || '}' ELSE '{}' END, op.id, p_now);
            v_pcts := op.lb;
            IF v_pcts IS NULL THEN
              v_pcts := (SELECT settings::jsonb -> 'low_balance_thresholds' FROM platforms WHERE id = v_platform);
            END IF;
            IF v_threshold IS NOT NULL OR (jsonb_typeof(v_pcts) = 'array' AND v_pcts <> '[]') THEN
              PERFORM assistiv_budget_low_balance(v_platform, v_user, v_budget, op.t2, v_charge, v_max, v_used + v_charge, v_threshold,
                v_pcts, op.d, CASE WHEN v_charge < op.ec THEN jsonb_build_object('capped_from_micros', op.ec) ELSE '{}' END, p_now);
            END IF;
            o_end_user_micros := v_charge;
            o_capped := v_charge < op.ec;
          END IF;
        END IF;
      END IF;

      UPDATE wallets SET reserved_micros = reserved_micros - v_hold_w, balance_micros = balance_micros - op.c, updated_at = p_now
       WHERE platform_id = v_platform AND balance_micros - reserved_micros + v_hold_w >= op.c
       RETURNING id, balance_micros, low_balance_threshold_micros INTO v_wallet_id, v_balance, v_threshold;
      IF FOUND THEN
        o_wallet_micros := op.c;
        INSERT INTO wallet_transactions (id, wallet_id, platform_id, type, amount_micros, balance_after_micros, description,
                                         request_id, end_user_id, created_at)
        VALUES (op.t1, v_wallet_id, v_platform, 'llm_usage', -op.c, v_balance, op.d, op.id, v_user, p_now);
        -- V4: wallet.low_balance when this debit crossed the threshold (edge: the row lock serialises settlements).
        IF v_balance < v_threshold AND v_balance + op.c >= v_threshold THEN
          PERFORM assistiv_wallet_low_balance(v_platform, v_wallet_id, op.t1, op.c, v_balance, v_threshold, op.d, p_now);
        END IF;
        v_debited := true;
        EXIT one;
      END IF;
      SELECT id, balance_micros, reserved_micros INTO v_wallet_id, v_balance, v_reserved FROM wallets WHERE platform_id = v_platform;
      IF NOT FOUND THEN
        o_wallet_micros := 0;
        o_capped := o_capped OR op.c > 0;
        EXIT one;
      END IF;
      v_charge := LEAST(op.c, GREATEST(0, v_balance - v_reserved + v_hold_w));
      UPDATE wallets SET reserved_micros = reserved_micros - v_hold_w, balance_micros = balance_micros - v_charge, updated_at = p_now
       WHERE id = v_wallet_id RETURNING balance_micros, low_balance_threshold_micros INTO v_balance, v_threshold;
      INSERT INTO wallet_transactions (id, wallet_id, platform_id, type, amount_micros, balance_after_micros, description,
                                       request_id, end_user_id, created_at)
      VALUES (op.t1, v_wallet_id, v_platform, 'llm_usage', -v_charge, v_balance,
              CASE WHEN v_charge < op.c
                THEN op.d || ' (capped: the cost of ' || op.c || ' µUSD exceeded the available balance)'
                ELSE op.d END,
              op.id, v_user, p_now);
      IF v_balance < v_threshold AND v_balance + v_charge >= v_threshold THEN
        PERFORM assistiv_wallet_low_balance(v_platform, v_wallet_id, op.t1, v_charge, v_balance, v_threshold,
          CASE WHEN v_charge < op.c THEN op.d || ' (capped: the cost of ' || op.c || ' µUSD exceeded the available balance)' ELSE op.d END,
          p_now);
      END IF;
      v_debited := true;
      o_wallet_micros := v_charge;
      o_capped := o_capped OR v_charge < op.c;
    END one;
    -- The request's log row, with what was actually charged; none beside an earlier settlement's.
    IF op.l IS NOT NULL AND (op.k = 'x' OR o_status IN ('settled', 'expired')) THEN
      v_logs := v_logs || jsonb_build_array(op.l || jsonb_build_object(
        'cost_micros', CASE WHEN v_debited THEN o_wallet_micros ELSE 0 END,
        'end_user_cost_micros', CASE WHEN v_debited THEN coalesce(o_end_user_micros, op.ec) ELSE 0 END,
        'billing_status', CASE WHEN v_debited THEN 'billed' ELSE 'not_billed' END));
    END IF;
    RETURN NEXT;
  END LOOP;
  IF jsonb_array_length(v_logs) > 0 THEN
    -- Same statement, same transaction as the debits. A request id that already has its row keeps it.
    WITH cols AS (SELECT * FROM jsonb_populate_recordset(NULL::request_logs, v_logs))
    INSERT INTO request_logs (id, request_id, platform_id, end_user_id, request_type, provider_id, model, provider_model_id,
                              stream, prompt_tokens, completion_tokens, cached_tokens, latency_ms, ttft_ms, cost_micros,
                              end_user_cost_micros, status, error_code, error_message, token_count_method, billing_status,
                              fallback_from, metadata, created_at, cache_write_tokens, reasoning_tokens)
    SELECT id, request_id, platform_id, end_user_id, request_type, provider_id, model, provider_model_id,
           stream, prompt_tokens, completion_tokens, cached_tokens, latency_ms, ttft_ms, cost_micros,
           end_user_cost_micros, status, error_code, error_message, token_count_method, billing_status,
           fallback_from, metadata, created_at, coalesce(cache_write_tokens, 0), coalesce(reasoning_tokens, 0) FROM cols
    ON CONFLICT DO NOTHING;
  END IF;
END
$fn$;
`;
