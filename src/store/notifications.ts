/**
 * PostgreSQL notifications (LISTEN/NOTIFY) for the deployment's instances: NOTIFY is delivered at commit, once
 * per transaction, to every session listening on the channel. LISTEN needs a session of its own (never a pool
 * connection, nor one behind a transaction pooler), so each listener keeps one direct connection, reopened with
 * back-off when lost. A notification is only a hint to look now: whoever listens also polls, so one missed
 * while the session was down only waits a poll. SQLite has one process per database: nothing to listen to.
 */
import pg from 'pg';
import { instanceId } from './background-jobs.js';
import type { Store } from './database.js';

/** Reopening a lost session waits this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

export type NotificationListener = { close(): Promise<void> };

/**
 * Calls onNotify for each notification on `channel` (and once each time the session (re)opens: what was
 * committed meanwhile is due now). Null on SQLite, or without a URL.
 */
export function listenForNotifications(
  store: Store,
  url: string | undefined,
  channel: string,
  onNotify: () => void,
  onError: (err: unknown) => void,
): NotificationListener | null {
  if (store.dialect !== 'postgres' || !url) return null;
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = RETRY_FIRST_MS;
  let retryTimer: NodeJS.Timeout | null = null;

  const reopenLater = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void open();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const lose = (lost: pg.Client) => {
    if (client !== lost) return;
    client = null;
    void lost.end().catch(() => undefined);
    reopenLater();
  };

  const open = async () => {
    if (closed) return;
    const next = new pg.Client({
      connectionString: url,
      application_name: `assistiv-listen ${instanceId}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    // A session the server closes (restart, failover) must not crash the process: it is reopened.
    next.on('error', () => lose(next));
    next.on('end', () => lose(next));
    next.on('notification', () => onNotify());
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      retryMs = RETRY_FIRST_MS;
      onNotify();
    } catch (err) {
      if (!closed) onError(err);
      lose(next);
    }
    if (closed) await next.end().catch(() => undefined);
  };

  void open();
  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
