import { describe, expect, it } from 'vitest';
import { parseRoute } from './route';

describe('parseRoute', () => {
  it('maps hash paths to routes, the empty hash to sign-in', () => {
    expect(parseRoute('')).toEqual({ name: 'sign-in' });
    expect(parseRoute('#/wallet')).toEqual({ name: 'wallet' });
    expect(parseRoute('#/admin/models')).toEqual({ name: 'admin-models' });
    expect(parseRoute('#/admin/audit')).toEqual({ name: 'admin-audit' });
    expect(parseRoute('#/end-users/0198-abc')).toEqual({ name: 'end-user', id: '0198-abc' });
    expect(parseRoute('#/members')).toEqual({ name: 'members' });
    expect(parseRoute('#/invite/abc_DEF-123')).toEqual({ name: 'invite', token: 'abc_DEF-123' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });
});
