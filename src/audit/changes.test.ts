import { describe, expect, it } from 'vitest';
import { diffChanges, isSecretField } from './changes.js';

describe('audit changes', () => {
  it('records only the fields that differ, as [before, after], with null for a create or a delete', () => {
    expect(diffChanges({ name: 'a', priority: 1, updated_at: 'x' }, { name: 'b', priority: 1, updated_at: 'y' })).toEqual({
      name: ['a', 'b'],
    });
    expect(diffChanges(null, { id: 'i', name: 'a', tags: ['x'] })).toEqual({ name: [null, 'a'], tags: [null, ['x']] });
    expect(diffChanges({ settings: { a: 1 } }, null)).toEqual({ settings: [{ a: 1 }, null] });
    expect(diffChanges({ settings: { a: 1 } }, { settings: { a: 1 } })).toEqual({});
  });

  it('records a secret only as "changed", nested ones included, and names secrets the views do not show', () => {
    const raw = 'sk-plat_0123456789abcdef';
    const changes = diffChanges(
      null,
      { api_key: { id: 'k', key_prefix: 'sk-plat_0123', raw_key: raw }, meta: { password: 'hunter2hunter2' } },
      ['secret'],
    );
    expect(changes).toEqual({ api_key: 'changed', meta: [null, { password: 'changed' }], secret: 'changed' });
    expect(JSON.stringify(changes)).not.toContain('hunter2');
    for (const name of [
      'api_key',
      'raw_key',
      'secret',
      'encrypted_key',
      'encrypted_secret',
      'key_hash',
      'password_hash',
      'token',
      'token_hash',
    ])
      expect(isSecretField(name), name).toBe(true);
    for (const name of ['key_prefix', 'key_hint', 'name', 'max_usd', 'is_active', 'tokens_used'])
      expect(isSecretField(name), name).toBe(false);
  });
});
