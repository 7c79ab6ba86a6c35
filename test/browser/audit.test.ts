/**
 * The Audit page in Chromium (spec §3b): an owner signs in, tops up the wallet from the Wallet page, and the
 * Audit page shows the entry with its actor (the owner's email) and the balance as before → after; the action,
 * actor and UTC day filters keep only matching rows (an empty state when none), and Reset shows them all again.
 * The operator's Audit page (admin key) lists GET /v1/admin/audit-log, a CLI command's rows among them. Screenshots: test-artifacts/screenshots/
 * audit.png and admin-audit.png, and docs/screenshots/audit.png with ASSISTIV_UPDATE_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { runAssistiv } from '../helpers/spawn.js';
import { browserEnabled } from '../helpers/suites.js';
import { tokenOf } from '../integration/accounts/members-helpers.js';
import { docsScreenshotDir, ensureDashboardBuilt, openPage, screenshotDir, submitEmailSignIn } from './chromium.js';

const ownerPassword = 'audit trail passphrase 123';

describe.skipIf(!browserEnabled)('audit page in Chromium', () => {
  let gw: TestGateway;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let platformId: string;
  let platformKey: string;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway();
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Audit Co'));
    const api = client(gw.url, platformKey);
    const invited = await api.post(`/v1/platforms/${platformId}/members`, { email: 'owner@audit.example', role: 'owner' });
    expect(
      (await client(gw.url).post(`/v1/auth/invites/${tokenOf(invited.body.data.invite_url)}`, { password: ownerPassword })).status,
    ).toBe(201);
    // Some history before the browser's own change: an end user and a budget edit by the platform key.
    const user = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: 'acme-support-bot', display_name: 'Support bot' });
    await api.post(`/v1/platforms/${platformId}/end-users/${user.body.data.id}/budget`, { max_usd: 10, period: 'monthly' });
    await api.patch(`/v1/platforms/${platformId}/end-users/${user.body.data.id}/budget`, { max_usd: 15 });
    await mkdir(screenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('shows a wallet top-up made in the dashboard, with its actor and the balance before → after', async () => {
    await submitEmailSignIn(page, gw.url, 'owner@audit.example', ownerPassword);
    await page.getByTestId('nav-wallet').click();
    await page.getByTestId('topup-amount').fill('25');
    await page.getByTestId('topup-submit').click();
    await page.getByTestId('topup-success').waitFor();

    await page.getByTestId('nav-audit').click();
    await page.locator('h1', { hasText: 'Audit log' }).waitFor();
    const topup = page.locator('[data-testid="audit-row"][data-action="wallet.topup"]');
    await topup.waitFor();
    expect(await topup.count()).toBe(1);
    expect(await topup.textContent()).toContain('owner@audit.example');
    expect(await topup.getByTestId('audit-change-balance').textContent()).toBe('balance 0 → 25');
    // The newest entry comes first.
    expect(await page.getByTestId('audit-row').first().getAttribute('data-action')).toBe('wallet.topup');
    // The owner's invite acceptance and sign-in are entries too, naming the member.
    for (const action of ['member.accept_invite', 'member.sign_in']) {
      const row = page.locator(`[data-testid="audit-row"][data-action="${action}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain('owner@audit.example');
    }
    expect(
      await page
        .locator('[data-testid="audit-row"][data-action="member.accept_invite"]')
        .getByTestId('audit-change-password')
        .textContent(),
    ).toContain('changed');
    const budget = page.locator('[data-testid="audit-row"][data-action="budget.update"]');
    expect(await budget.getByTestId('audit-change-max_usd').textContent()).toBe('max_usd 10 → 15');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(screenshotDir, 'audit.png'), fullPage: true });
    if (process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1') {
      await mkdir(docsScreenshotDir, { recursive: true });
      await page.screenshot({ path: join(docsScreenshotDir, 'audit.png') });
    }

    await page.getByTestId('audit-filter-action').fill('budget.update');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
    expect(await page.getByTestId('audit-row').first().getAttribute('data-action')).toBe('budget.update');
    expect(pageErrors).toEqual([]);
  });

  it('filters by actor and by UTC day, shows an empty state when nothing matches, and resets', async () => {
    const actions = () => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    const apply = async (filter: { action?: string; actor?: string; from?: string; to?: string }) => {
      await page.getByTestId('audit-filter-action').fill(filter.action ?? '');
      await page.getByTestId('audit-filter-actor').fill(filter.actor ?? '');
      await page.getByTestId('audit-filter-from').fill(filter.from ?? '');
      await page.getByTestId('audit-filter-to').fill(filter.to ?? '');
      await page.getByTestId('audit-filter-apply').click();
    };
    // The owner's own entries only: not the end user and budget changes made with the platform key.
    await apply({ actor: 'owner@audit.example' });
    await expect.poll(async () => (await actions()).sort()).toEqual(['member.accept_invite', 'member.sign_in', 'wallet.topup']);

    const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
    await apply({ from: day(1) });
    await page.getByTestId('audit-table-empty').waitFor();
    expect(await page.getByTestId('audit-table-empty').textContent()).toContain('No changes match these filters.');
    await apply({ to: day(-1) });
    await page.getByTestId('audit-table-empty').waitFor();
    await apply({ actor: 'owner@audit.example', from: day(-1), to: day(1) });
    await expect.poll(async () => (await actions()).length).toBe(3);

    const all = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/audit-log?limit=100`);
    expect(all.body.total).toBeGreaterThan(3);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(async () => (await actions()).length).toBe(all.body.total);
    expect(await page.getByTestId('audit-filter-actor').inputValue()).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it("the operator's Audit page lists GET /v1/admin/audit-log: its own changes and those of no platform, not the platform's", async () => {
    // A change of no platform, made with the admin key.
    const provider = await client(gw.url, gw.adminKey).post('/v1/admin/providers', {
      slug: 'audit-page-provider',
      name: 'Audit page provider',
      kind: 'openai',
      base_url: 'https://llm.example.com/v1',
    });
    expect(provider.status).toBe(201);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-tab-admin').click();
    await page.getByTestId('signin-admin-key').fill(gw.adminKey);
    await page.getByTestId('signin-admin-submit').click();
    await page.getByTestId('nav-admin-audit').click();
    await page.locator('h1', { hasText: 'Audit log' }).waitFor();
    const operatorLog = await client(gw.url, gw.adminKey).get('/v1/admin/audit-log?limit=100');
    await expect
      .poll(() => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))
      .toEqual(operatorLog.body.data.map((r: { action: string }) => r.action));
    expect(operatorLog.body.data.map((r: { action: string }) => r.action)).toEqual(['provider.create', 'platform.create']);
    expect(await page.getByTestId('audit-row').first().textContent()).toContain('admin key');
    // The platform's own changes (the owner's top-up, the platform key's budget edits) are not the operator's.
    expect(await page.locator('[data-testid="audit-row"][data-action="wallet.topup"]').count()).toBe(0);

    await page.getByTestId('audit-filter-action').fill('provider.create');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
    expect(await page.getByTestId('audit-change-name').textContent()).toBe('name — → Audit page provider');
    await page.screenshot({ path: join(screenshotDir, 'admin-audit.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('a platform made with `assistiv platform create` shows as a Command line entry naming the command and user@host', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env, ASSISTIV_DATA_DIR: gw.ctx.config.dataDir };
    expect((await runAssistiv(['platform', 'create', '--name', 'CLI Co'], env)).code).toBe(0);
    await page.getByTestId('audit-filter-action').fill('platform.create');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(2);
    const who = `${userInfo().username}@${hostname()}`;
    expect(await page.getByTestId('audit-row').first().textContent()).toContain(`Command line assistiv platform create (${who})`);
    expect(await page.getByTestId('audit-row').first().getByTestId('audit-change-api_key').textContent()).toBe(
      'api_key changed (secret, not recorded)',
    );
    expect(pageErrors).toEqual([]);
  });
});
