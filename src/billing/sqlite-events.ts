/**
 * The settlement and refusal events on SQLite (spec §6: wallet.low_balance, budget.low_balance,
 * budget.exhausted), written synchronously inside the engine's own transaction (the group commit, or the
 * refusal's small one) so the event exists exactly when the movement does. Nothing is written unless an
 * active endpoint of the platform subscribes to the event: a platform without webhooks pays one query per
 * crossing, and none per settlement.
 */
import type SQLite from 'better-sqlite3';
import { uuidv7 } from '../crypto/ids.js';
import { RETRY_WINDOW_MS, subscribes, WEBHOOK_API_VERSION, type WebhookEventType, webhookEventId } from '../webhooks/index.js';

/** Prepared on first use: crossings are rare, and an engine started on an older schema (a test of upgrades) still runs. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export function sqliteEvents(db: SQLite.Database) {
  const endpoints = lazy(() =>
    db.prepare<[string], { id: string; events: string }>(
      'SELECT id, events FROM webhook_endpoints WHERE platform_id = ? AND is_active = 1',
    ),
  );
  const insertEvent = lazy(() =>
    db.prepare(
      'INSERT INTO webhook_events (id, platform_id, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
  );
  const insertDelivery = lazy(() =>
    db.prepare(
      "INSERT INTO webhook_deliveries (id, platform_id, event_id, event_type, endpoint_id, attempt, status, next_retry_at, retry_until, created_at) VALUES (?, ?, ?, ?, ?, 1, 'pending', ?, ?, ?)",
    ),
  );
  const markExhausted = lazy(() =>
    db.prepare<[string, string], { max_micros: number; used_micros: number }>(
      `UPDATE budgets SET exhausted_notified_id = ? WHERE id = ? AND (exhausted_notified_id IS NULL OR EXISTS (
         SELECT 1 FROM budget_transactions t WHERE t.budget_id = budgets.id AND t.id > budgets.exhausted_notified_id
           AND (t.type IN ('top_up', 'reset', 'replenish') OR (t.type = 'adjustment' AND t.amount_micros > 0))))
       RETURNING max_micros, used_micros`,
    ),
  );
  return {
    /**
     * Marks the budget's exhaustion notified (the mark is a fresh UUIDv7), unless it already was since its last
     * top-up, reset, replenish or raise of max_usd (those re-arm it: spec §6 budget.exhausted). "Since" is an
     * index range on budget_tx_budget (budget_id, id). Returns the budget's amounts, or nothing to notify.
     */
    markExhausted(budgetId: string) {
      return markExhausted().get(uuidv7(), budgetId);
    },
    /** The active endpoints of the platform that receive `eventType` (none: write nothing). */
    subscribers(platformId: string, eventType: WebhookEventType): string[] {
      return endpoints()
        .all(platformId)
        .filter((e) => subscribes(JSON.parse(e.events) as string[], eventType))
        .map((e) => e.id);
    },
    /** Adds the event (id `<transactionId>:<eventType><suffix>`) and one pending delivery per endpoint given. */
    enqueue(
      platformId: string,
      eventType: WebhookEventType,
      transactionId: string,
      suffix: string,
      createdAt: string,
      data: Record<string, unknown>,
      endpointIds: string[],
    ): void {
      const eventId = webhookEventId(transactionId, eventType) + suffix;
      const envelope = { event_type: eventType, event_id: eventId, api_version: WEBHOOK_API_VERSION, created_at: createdAt, data };
      if (insertEvent().run(eventId, platformId, eventType, JSON.stringify(envelope), createdAt).changes === 0) return;
      const retryUntil = new Date(Date.parse(createdAt) + RETRY_WINDOW_MS).toISOString();
      for (const endpointId of endpointIds)
        insertDelivery().run(uuidv7(), platformId, eventId, eventType, endpointId, createdAt, retryUntil, createdAt);
    },
  };
}
