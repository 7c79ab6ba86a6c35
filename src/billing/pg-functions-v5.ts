/**
 * The PostgreSQL money function as migration 0016 shipped it (frozen: a migration's SQL never changes).
 * pg-functions.ts documents the function and holds its current version.
 */

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
