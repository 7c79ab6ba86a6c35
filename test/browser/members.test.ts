/**
 * Dashboard accounts in Chromium (spec §3b): an owner signs in with email and password, invites a viewer
 * from the Members page (the link shown once), the viewer opens the link, sets a password, signs in, sees
 * the wallet without a top-up form, and a top-up forced from the page with its own cookie and CSRF token is
 * refused by the API (403) and moves no money. Then the viewer is removed: its open dashboard goes back to
 * sign-in with a notice, its password no longer signs in, and an email of two platforms is asked which one.
 * Screenshots: test-artifacts/screenshots/members.png and invite-accept.png (the set-password page), and
 * docs/screenshots/ with ASSISTIV_UPDATE_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { browserEnabled } from '../helpers/suites.js';
import { tokenOf } from '../integration/accounts/members-helpers.js';
import { docsScreenshotDir, ensureDashboardBuilt, openPage, screenshotDir, submitEmailSignIn } from './chromium.js';

const ownerPassword = 'team lead passphrase 123';
const viewerPassword = 'read only passphrase 456';

describe.skipIf(!browserEnabled)('dashboard accounts in Chromium', () => {
  let gw: TestGateway;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let platformId: string;
  let platformKey: string;
  let pageErrors: string[] = [];

  const signInWithEmail = async (email: string, password: string) => {
    await submitEmailSignIn(page, gw.url, email, password);
    await page.getByTestId('nav-overview').waitFor();
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway();
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Team Co'));
    // The first owner, invited with the platform key and accepted over the API.
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, {
      email: 'owner@team.example',
      role: 'owner',
    });
    expect(
      (await client(gw.url).post(`/v1/auth/invites/${tokenOf(invited.body.data.invite_url)}`, { password: ownerPassword })).status,
    ).toBe(201);
    await mkdir(screenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('invite → accept → sign in → a viewer sees no top-up, and a forced top-up is refused', async () => {
    await signInWithEmail('owner@team.example', ownerPassword);
    await page.getByTestId('nav-members').click();
    await page.getByTestId('member-invite-email').fill('viewer@team.example');
    await page.getByTestId('member-invite-role').selectOption('viewer');
    await page.getByTestId('member-invite-submit').click();
    await page.getByTestId('member-row-viewer@team.example').waitFor();
    const link = (await page.getByTestId('raw-key-value').textContent())?.trim() ?? '';
    expect(link).toMatch(/\/dashboard\/#\/invite\/[A-Za-z0-9_-]{43}$/);
    await page.getByTestId('member-row-owner@team.example').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'members.png'), fullPage: true });
    if (process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1') {
      await mkdir(docsScreenshotDir, { recursive: true });
      await page.screenshot({ path: join(docsScreenshotDir, 'members.png') });
    }
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-email').waitFor();

    // The viewer opens the link and sets a password.
    await page.goto(link);
    await page.getByTestId('invite-password').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'invite-accept.png'), fullPage: true });
    if (process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(docsScreenshotDir, 'invite-accept.png') });
    await page.getByTestId('invite-password').fill('too short');
    await page.getByTestId('invite-submit').click();
    await page.locator('[data-testid="invite-error"], [data-testid="invite-password-error"]').first().waitFor();
    await page.getByTestId('invite-password').fill(viewerPassword);
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-accepted').waitFor();

    await signInWithEmail('viewer@team.example', viewerPassword);
    expect(await page.getByTestId('account-member').textContent()).toBe('viewer@team.example · viewer');
    await page.getByTestId('nav-wallet').click();
    await page.getByTestId('wallet-balance').waitFor();
    expect(await page.getByTestId('topup-form').count()).toBe(0);
    expect(await page.getByTestId('topup-submit').count()).toBe(0);

    // A top-up forced from the page, with the viewer's cookie and CSRF token: the API refuses it.
    const forced = await page.evaluate(async (path) => {
      const session = JSON.parse(window.sessionStorage.getItem('assistiv.dashboard.session') ?? '{}');
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.member?.csrf ?? '' },
        body: JSON.stringify({ amount: 100 }),
      });
      return { status: res.status, body: await res.json() };
    }, `/v1/platforms/${platformId}/wallet/topup`);
    expect(forced.status).toBe(403);
    expect(forced.body.error.code).toBe('forbidden');
    const wallet = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`);
    expect(wallet.body.data.balance).toBe(0);
    // The page never sees the session cookie (HttpOnly).
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it("a removed member's open dashboard is sent to sign-in; a wrong password is named; an email of two platforms is asked which", async () => {
    // The viewer is still signed in from the test above. An owner removes it; the next page it opens ends the session.
    const members = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/members`);
    const viewer = members.body.data.find((m: { email: string }) => m.email === 'viewer@team.example');
    expect((await client(gw.url, platformKey).delete(`/v1/platforms/${platformId}/members/${viewer.id}`)).status).toBe(204);
    await page.goto(`${gw.url}/dashboard/#/end-users`);
    await page.getByTestId('session-ended').waitFor();
    expect(await page.getByTestId('session-ended').textContent()).toContain('Your session has ended');
    expect(await page.evaluate(() => window.sessionStorage.getItem('assistiv.dashboard.session'))).toBeNull();

    // A removed member cannot sign in again; a wrong password gets the API's message.
    const refusedSignIn = async (email: string, password: string) => {
      await page.getByTestId('signin-email').fill(email);
      await page.getByTestId('signin-password').fill(password);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/v1/auth/sessions') && r.request().method() === 'POST'),
        page.getByTestId('signin-email-submit').click(),
      ]);
      expect(answer.status()).toBe(401);
      await expect.poll(() => page.getByTestId('signin-email-error-message').textContent()).toBe('Wrong email or password.');
    };
    await refusedSignIn('viewer@team.example', viewerPassword);
    await refusedSignIn('owner@team.example', 'not the owner password');

    // The owner is also a member of a second platform with the same password: the form asks for the Platform ID.
    const second = await createPlatform(gw.url, gw.adminKey, 'Second Co');
    const invited = await client(gw.url, second.platformKey).post(`/v1/platforms/${second.platformId}/members`, {
      email: 'owner@team.example',
      role: 'viewer',
    });
    expect(
      (await client(gw.url).post(`/v1/auth/invites/${tokenOf(invited.body.data.invite_url)}`, { password: ownerPassword })).status,
    ).toBe(201);
    await page.getByTestId('signin-password').fill(ownerPassword);
    await page.getByTestId('signin-email-submit').click();
    await page.getByTestId('signin-email-platform-id').waitFor();
    await page.getByTestId('signin-email-platform-id').fill(second.platformId);
    await page.getByTestId('signin-email-submit').click();
    await page.getByTestId('nav-overview').waitFor();
    expect(await page.getByTestId('account-member').textContent()).toBe('owner@team.example · viewer');
    expect(await page.evaluate(() => window.sessionStorage.getItem('assistiv.dashboard.session'))).toContain(second.platformId);
    expect(pageErrors).toEqual([]);
  });
});
