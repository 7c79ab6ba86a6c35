/** Webhooks (spec §6): the outbox other modules write to, and the delivery worker the gateway runs. */
import type { AppContext } from '../context.js';
import { listenForNotifications } from '../store/notifications.js';
import { WebhookWorker, type WebhookWorkerOptions } from './worker.js';

export {
  ALL_EVENTS,
  type OutboxEventType,
  subscribes,
  WEBHOOK_API_VERSION,
  type WebhookEventType,
  webhookEventId,
  webhookEventTypes,
} from './events.js';
export { type Enqueued, enqueueWebhookEvent, type OutboxEvent, RETRY_WINDOW_MS } from './outbox.js';
export { newWebhookSecret, openSecret, sealSecret } from './secrets.js';
export { urlProblem } from './ssrf.js';
export type { WebhookWorker, WebhookWorkerOptions } from './worker.js';

/** What the money function NOTIFYs after enqueueing (billing/pg-functions.ts). */
const WEBHOOK_CHANNEL = 'assistiv_webhooks';

/** The one notification the worker listens for on the context's event bus. */
const ENQUEUED = 'webhooks.enqueued';

/** Call after the commit of a transaction that enqueued events: the worker sends them now, not at its next poll. */
export function wakeWebhookWorker(ctx: Pick<AppContext, 'events'>): void {
  ctx.events.emit(ENQUEUED);
}

/** Starts this instance's delivery worker (one per deployment delivers at a time: see worker-lock.ts). */
export function startWebhookWorker(
  ctx: AppContext,
  opts: Partial<WebhookWorkerOptions> = {},
): { worker: WebhookWorker; stop(): Promise<void> } {
  const worker = new WebhookWorker(
    {
      store: ctx.store,
      clock: ctx.clock,
      secretBox: ctx.secretBox,
      allowPrivateUrls: ctx.config.webhooksAllowPrivateUrls,
      jobs: ctx.jobs,
      onError: (err) => process.stderr.write(`assistiv: webhook delivery failed: ${String(err)}\n`),
    },
    opts,
  );
  const wake = () => worker.wake();
  ctx.events.on(ENQUEUED, wake);
  // PostgreSQL: the money function's events (enqueued on any instance) wake this worker at their commit.
  const listener = listenForNotifications(ctx.store, ctx.config.databaseDirectUrl, WEBHOOK_CHANNEL, wake, (err) =>
    process.stderr.write(`assistiv: webhook wake-up session failed: ${String(err)}\n`),
  );
  worker.start();
  return {
    worker,
    async stop() {
      ctx.events.off(ENQUEUED, wake);
      await listener?.close();
      await worker.stop();
    },
  };
}
