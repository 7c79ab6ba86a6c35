import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api-client';
import { expandPath, PlatformApi, TypedApi } from './typed-api';
import type { UsageRow } from './usage-row';
import type { Wallet } from './wallet';

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typeIs = <T extends true>(_proof?: T) => undefined;

describe('TypedApi', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('expands path templates with URL-encoded values and refuses a missing parameter', () => {
    expect(expandPath('/v1/platforms/{platformId}/end-users/{endUserId}', { platformId: 'p 1', endUserId: 'u/2' })).toBe(
      '/v1/platforms/p%201/end-users/u%2F2',
    );
    expect(() => expandPath('/v1/platforms/{platformId}', {})).toThrow('Missing path parameter "platformId"');
  });

  it('calls the expanded path and returns the unwrapped answer typed from the OpenAPI document', async () => {
    const calls: Array<{ url: string; method: string; body: unknown }> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, method: String(init.method), body: init.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify({ data: { balance: 12.5 } }), { status: 201 });
    });
    const api = new TypedApi(new ApiClient('sk-plat_test'));
    const topUp = await api.post('/v1/platforms/{platformId}/wallet/topup', { path: { platformId: 'p1' }, body: { amount: 12.5 } });
    expect(calls).toEqual([{ url: '/v1/platforms/p1/wallet/topup', method: 'POST', body: { amount: 12.5 } }]);
    expect(topUp).toEqual({ balance: 12.5 });
    typeIs<Equal<typeof topUp.wallet, Wallet>>();
    typeIs<Equal<typeof topUp.wallet.balance, number>>();

    await api
      .list('/v1/platforms/{platformId}/logs', { path: { platformId: 'p1' }, query: { status: 'error', page: 2 } })
      .catch(() => null);
    expect(calls[1]?.url).toBe('/v1/platforms/p1/logs?status=error&page=2');
  });

  it('is checked by tsc: unknown paths, missing parameters and wrong bodies do not compile', () => {
    const api = new TypedApi(new ApiClient('k'));
    const never = () => {
      // @ts-expect-error no such route
      void api.get('/v1/platforms/{platformId}/wallets', { path: { platformId: 'p1' } });
      // @ts-expect-error the path needs platformId
      void api.get('/v1/platforms/{platformId}/wallet', {});
      // @ts-expect-error the amount is a number or decimal string, not a boolean
      void api.post('/v1/platforms/{platformId}/wallet/topup', { path: { platformId: 'p1' }, body: { amount: true } });
    };
    expect(typeof never).toBe('function');
  });

  it('PlatformApi addresses routes after the session base path, typed like the full path', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ data: [], from: 'a', to: 'b', group_by: 'model' }), { status: 200 });
    });
    const api = new PlatformApi(new ApiClient('sk-plat_test'), '/v1/platforms/p%201');
    const rows = await api.get('/usage', { query: { group_by: 'model' } });
    typeIs<Equal<typeof rows, UsageRow[]>>();
    expect(rows).toEqual([]);
    await api.get('/end-users/{endUserId}', { path: { endUserId: 'u 2' } });
    await api.get('');
    expect(urls).toEqual(['/v1/platforms/p%201/usage?group_by=model', '/v1/platforms/p%201/end-users/u%202', '/v1/platforms/p%201']);
    const never = () => {
      // @ts-expect-error no such platform route
      void api.get('/usages');
      // @ts-expect-error the route needs endUserId
      void api.get('/end-users/{endUserId}');
      // @ts-expect-error group_by is day, model or end_user
      void api.get('/usage', { query: { group_by: 'week' } });
    };
    expect(typeof never).toBe('function');
  });

  it('types every kind of call the pages make: wrong paths, parameters, queries, bodies and answers do not compile', () => {
    const client = new ApiClient('k');
    const platform = new PlatformApi(client, '/v1/platforms/p1');
    const operator = new TypedApi(client);
    const never = async () => {
      // @ts-expect-error a budget top-up has `amount`, not `amount_usd`
      await platform.post('/end-users/{endUserId}/budget/topup', { path: { endUserId: 'u1' }, body: { amount_usd: 5 } });
      // @ts-expect-error the end user's id is a path parameter the budget route needs
      await platform.post('/end-users/{endUserId}/budget', { body: { max_usd: 5, period: 'monthly' } });
      // @ts-expect-error is_active is a boolean
      await platform.patch('/end-users/{endUserId}', { path: { endUserId: 'u1' }, body: { is_active: 'yes' } });
      // @ts-expect-error rate limits are numbers (or null), not text
      await platform.put('/rate-limits', { body: { rpm_limit: '10' } });
      // @ts-expect-error keys are deleted by keyId, not id
      await platform.delete('/api-keys/{keyId}', { path: { id: 'k1' } });
      // @ts-expect-error no DELETE on the wallet
      await platform.delete('/wallet');
      // @ts-expect-error a wallet transaction's type is one of the ledger's kinds
      await platform.list('/wallet/transactions', { query: { type: 'gift' } });
      // @ts-expect-error webhook events are the spec's names
      await platform.post('/webhooks', { body: { url: 'https://x.test', events: ['wallet.emptied'] } });
      // @ts-expect-error a member's role is one of five
      await platform.patch('/members/{memberId}', { path: { memberId: 'm1' }, body: { role: 'superuser' } });
      // @ts-expect-error the audit log is filtered by actor, not user
      await platform.list('/audit-log', { query: { user: 'a@b.test' } });
      // @ts-expect-error an operator suspends a platform with is_active, a boolean
      await operator.patch('/v1/admin/platforms/{platformId}', { path: { platformId: 'p1' }, body: { is_active: 1 } });
      // @ts-expect-error a model route's input price is a number
      await operator.patch('/v1/admin/models/{modelId}', { path: { modelId: 'r1' }, body: { input_usd_per_mtok: [] } });
      // @ts-expect-error password sign-in needs the password
      await operator.post('/v1/auth/sessions', { body: { email: 'a@b.test' } });
      // @ts-expect-error the wallet answer has no `amount`
      void (await platform.get('/wallet')).amount;
      const topUp = await platform.post('/wallet/topup', { body: { amount: 5 } });
      // @ts-expect-error the top-up answers `{ wallet, transaction }`: its balance is on the wallet
      void topUp.balance;
      // @ts-expect-error the transport has no untyped `get<T>(path)`: calls go through TypedApi / PlatformApi
      await client.get<{ balance: number }>('/v1/platforms/p1/wallet');
    };
    expect(typeof never).toBe('function');
  });
});
