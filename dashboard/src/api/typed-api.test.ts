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
});
