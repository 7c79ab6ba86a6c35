/**
 * The Webhooks page in Chromium, on each database, against a real receiver on 127.0.0.1: an endpoint added
 * from the page shows its whsec_ secret once (gone after a reload); "Send test" delivers a ping that verifies
 * with the `standardwebhooks` library using the secret read from the page, and the deliveries table shows
 * 200; a receiver answering 500 shows the failed attempt and its next retry, and Redeliver brings the next
 * attempt forward, which succeeds; edit (events, description, active), rotate (new secret once, the old one
 * still signing) and delete (after a confirming click) reach the API; a bad URL is shown by the URL field; without the operator's allow-private
 * setting the gateway's SSRF message is shown there. Screenshots: test-artifacts/screenshots/webhooks.png,
 * and docs/screenshots/webhooks.png with ASSISTIV_UPDATE_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { browserEnabled, dialects } from '../helpers/suites.js';
import { eventually, type Receiver, startReceiver } from '../integration/webhooks/receiver.js';
import { docsScreenshotDir, ensureDashboardBuilt, openPage, screenshotDir } from './chromium.js';

type Delivery = { id: string; event_id: string; attempt: number; status: string; status_code: number | null; next_retry_at: string | null };

describe.skipIf(!browserEnabled).each(dialects)('Webhooks page in Chromium (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let platformId: string;
  let platformKey: string;
  /** Paths the receiver answers with 500. */
  const failing = new Set<string>();
  let pageErrors: string[] = [];

  const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
  const signIn = async (url: string, key: string, id: string) => {
    await page.goto(`${url}/dashboard/#/sign-in`);
    await page.getByTestId('signin-tab-platform').click();
    await page.getByTestId('signin-platform-key').fill(key);
    await page.getByTestId('signin-platform-id').fill(id);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('webhook-create-form').waitFor();
  };
  const addEndpoint = async (url: string) => {
    await page.getByTestId('webhook-create-url').fill(url);
    await page.getByTestId('webhook-create-submit').click();
    await page.getByTestId('raw-key-value').waitFor();
    return (await text('raw-key-value')).trim();
  };
  const api = () => client(gw.url, platformKey);
  const deliveriesOf = async (endpointId: string) =>
    (await api().get(`/v1/platforms/${platformId}/webhooks/${endpointId}/deliveries?limit=100`)).body.data as Delivery[];
  const endpointIdOf = async (url: string) => {
    const list = (await api().get(`/v1/platforms/${platformId}/webhooks?limit=100`)).body.data as Array<{ id: string; url: string }>;
    const found = list.find((e) => e.url === url);
    if (!found) throw new Error(`no endpoint ${url}`);
    return found.id;
  };
  /** The deliveries table's rows as shown: attempt, status, status code, next retry. */
  const shownRows = () =>
    page.locator('[data-testid="webhook-deliveries-table"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute('data-testid')?.replace('delivery-row-', ''),
        attempt: Number(row.getAttribute('data-attempt')),
        status: row.getAttribute('data-status'),
        code: row.querySelector('[data-testid="delivery-status-code"]')?.textContent?.trim(),
        nextRetry: row.querySelector('[data-testid="delivery-next-retry"]')?.textContent?.trim(),
      })),
    );

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway({ dialect, env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' } });
    receiver = await startReceiver();
    receiver.answer = (req, res) => res.writeHead(failing.has(req.url ?? '') ? 500 : 200).end('ok');
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Hooks Co'));
    await mkdir(screenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
    await signIn(gw.url, platformKey, platformId);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await gw?.close();
  });

  it('shows the secret once; a test ping verifies with standardwebhooks using it, and the table shows 200', async () => {
    const url = `${receiver.url}/ok`;
    const secret = await addEndpoint(url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await text('raw-key-box')).toContain('you will not see this again');
    const endpointId = await endpointIdOf(url);
    await page.getByTestId(`webhook-row-${endpointId}`).waitFor();

    // Not on reload: the page keeps no copy of it.
    await page.reload();
    await page.getByTestId(`webhook-row-${endpointId}`).waitFor();
    expect(await page.getByTestId('raw-key-box').count()).toBe(0);
    expect(await page.content()).not.toContain(secret.slice(6));

    await page.getByTestId(`webhook-open-${endpointId}`).click();
    await page.getByTestId('webhook-deliveries-empty').waitFor();
    const before = receiver.received.length;
    await page.getByTestId('webhook-test').click();
    await expect.poll(() => text('webhook-action-success')).toContain('Ping sent');
    const [ping] = (await receiver.waitFor(before + 1)).slice(before);
    if (!ping) throw new Error('no ping');
    expect(ping.path).toBe('/ok');
    const payload = new Webhook(secret).verify(ping.body, ping.headers) as { event_type: string; data: Record<string, unknown> };
    expect(payload.event_type).toBe('ping');
    expect(payload.data).toMatchObject({ platform_id: platformId, webhook_id: endpointId });
    // A different secret does not verify it: the check above is real.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(ping.body, ping.headers)).toThrow();

    // The table refreshes by itself until the attempt is settled.
    await expect
      .poll(shownRows, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ attempt: 1, status: 'delivered', code: '200', nextRetry: '—' })]);
    const [stored] = await deliveriesOf(endpointId);
    expect(stored).toMatchObject({ event_id: ping.headers['webhook-id'], status_code: 200 });

    await page.screenshot({ path: join(screenshotDir, 'webhooks.png'), fullPage: true });
    if (process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1' && dialect === dialects[0]) {
      await mkdir(docsScreenshotDir, { recursive: true });
      await page.screenshot({ path: join(docsScreenshotDir, 'webhooks.png'), fullPage: true });
    }
  });

  it('a receiver answering 500 shows the failed attempt and its next retry; Redeliver sends the next attempt', async () => {
    const path = '/fail';
    failing.add(path);
    await addEndpoint(`${receiver.url}${path}`);
    const endpointId = await endpointIdOf(`${receiver.url}${path}`);
    await page.getByTestId('raw-key-dismiss').click();
    await page.getByTestId('webhook-deliveries-empty').waitFor();
    await page.getByTestId('webhook-test').click();

    // Attempt 1 failed with 500 and is retrying; attempt 2 waits for the backoff (first retry within 30 s).
    await expect
      .poll(shownRows, { timeout: 10_000 })
      .toEqual([
        expect.objectContaining({ attempt: 2, status: 'pending', code: '—' }),
        expect.objectContaining({ attempt: 1, status: 'retrying', code: '500' }),
      ]);
    const stored = await deliveriesOf(endpointId);
    const failed = stored.find((d) => d.attempt === 1);
    if (!failed?.next_retry_at) throw new Error('attempt 1 has no next retry');
    expect(Date.parse(failed.next_retry_at) - Date.now()).toBeGreaterThan(1000);
    const shown = await shownRows();
    expect(shown[1]?.nextRetry).not.toBe('—');
    expect(shown.every((row) => row.id !== undefined)).toBe(true);

    // The receiver recovers; Redeliver brings attempt 2 forward instead of waiting for the backoff.
    failing.delete(path);
    const before = receiver.received.length;
    await page.getByTestId(`delivery-redeliver-${failed.id}`).click();
    await expect.poll(() => text('webhook-redeliver-success')).toContain('Attempt 2');
    await expect
      .poll(shownRows, { timeout: 10_000 })
      .toEqual([
        expect.objectContaining({ attempt: 2, status: 'delivered', code: '200' }),
        expect.objectContaining({ attempt: 1, status: 'retrying', code: '500' }),
      ]);
    const got = await receiver.waitFor(before + 1);
    expect(got.filter((r) => r.path === path).map((r) => r.headers['webhook-id'])).toEqual([failed.event_id, failed.event_id]);
    // Redeliver on the delivered attempt makes a new attempt 3 (nothing was waiting any more).
    const delivered = (await deliveriesOf(endpointId)).find((d) => d.attempt === 2);
    await page.getByTestId(`delivery-redeliver-${delivered?.id}`).click();
    await expect
      .poll(() => shownRows().then((rows) => rows[0]), { timeout: 10_000 })
      .toEqual(expect.objectContaining({ attempt: 3, status: 'delivered', code: '200' }));
  });

  it('edits events, description and active state; rotates the secret (shown once, old one in grace); deletes after confirming', async () => {
    const url = `${receiver.url}/edit`;
    const first = await addEndpoint(url);
    const endpointId = await endpointIdOf(url);
    await page.getByTestId('raw-key-dismiss').click();
    await page.getByTestId('webhook-edit').click();
    await page.getByTestId('webhook-edit-event-all').uncheck();
    await page.getByTestId('webhook-edit-event-wallet.topped_up').check();
    await page.getByTestId('webhook-edit-event-budget.debited').check();
    await page.getByTestId('webhook-edit-description').fill('Billing hooks');
    await page.getByTestId('webhook-edit-active').uncheck();
    await page.getByTestId('webhook-edit-submit').click();
    await expect.poll(() => text('webhook-panel-events')).toBe('wallet.topped_up, budget.debited');
    const saved = (await api().get(`/v1/platforms/${platformId}/webhooks/${endpointId}`)).body.data;
    expect(saved).toMatchObject({ events: ['wallet.topped_up', 'budget.debited'], description: 'Billing hooks', is_active: false });
    // An inactive endpoint refuses a test ping: the API's message is shown.
    await page.getByTestId('webhook-test').click();
    await expect.poll(() => text('webhook-action-error-message')).toContain('disabled');
    await page.getByTestId('webhook-edit').click();
    await page.getByTestId('webhook-edit-active').check();
    await page.getByTestId('webhook-edit-submit').click();
    await expect.poll(async () => (await api().get(`/v1/platforms/${platformId}/webhooks/${endpointId}`)).body.data.is_active).toBe(true);

    await page.getByTestId('webhook-rotate').click();
    await page.getByTestId('webhook-rotate-confirm').click();
    await expect.poll(() => text('webhook-action-success')).toContain('previous one keeps signing until');
    const rotated = await text('raw-key-value');
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(first);
    // A ping after the rotation verifies with the new secret (and, during the grace period, with the old one).
    const before = receiver.received.length;
    await page.getByTestId('webhook-test').click();
    const [ping] = (await receiver.waitFor(before + 1)).slice(before);
    if (!ping) throw new Error('no ping');
    expect((new Webhook(rotated).verify(ping.body, ping.headers) as { event_type: string }).event_type).toBe('ping');
    expect(() => new Webhook(first).verify(ping.body, ping.headers)).not.toThrow();

    await page.getByTestId('webhook-delete').click();
    expect((await api().get(`/v1/platforms/${platformId}/webhooks/${endpointId}`)).status).toBe(200);
    await page.getByTestId('webhook-delete-confirm').click();
    await expect.poll(() => page.getByTestId(`webhook-row-${endpointId}`).count()).toBe(0);
    expect((await api().get(`/v1/platforms/${platformId}/webhooks/${endpointId}`)).status).toBe(404);
    expect(await page.getByTestId('webhook-panel').count()).toBe(0);
  });

  it('a bad URL is shown by the URL field, with the API message', async () => {
    const direct = await api().post(`/v1/platforms/${platformId}/webhooks`, { url: 'ftp://example.com/hook', events: ['*'] });
    expect(direct.status).toBe(400);
    expect(direct.body.error.param).toBe('url');
    await page.getByTestId('webhook-create-url').fill('ftp://example.com/hook');
    await page.getByTestId('webhook-create-submit').click();
    await expect.poll(() => text('webhook-create-url-error')).toBe(direct.body.error.message);
    expect(await page.getByTestId('webhook-create-error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('without the allow-private setting, a loopback URL is refused with the gateway message', async () => {
    const strict = await startTestGateway({ dialect });
    try {
      const p = await createPlatform(strict.url, strict.adminKey, 'Strict Co');
      await signIn(strict.url, p.platformKey, p.platformId);
      await page.getByTestId('webhook-create-url').fill(`${receiver.url}/hook`);
      await page.getByTestId('webhook-create-submit').click();
      await expect.poll(() => text('webhook-create-url-error')).toContain('ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS');
      await eventually(async () => (await page.getByTestId('webhooks-empty').count()) === 1);
    } finally {
      await strict.close();
    }
    // A second gateway (a fresh PostgreSQL database, migrations, catalogue) started and stopped inside the test.
  }, 90_000);
});
