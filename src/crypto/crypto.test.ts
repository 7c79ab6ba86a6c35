import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, hashKey, keyPrefixOf, kindOfKey } from './api-keys.js';
import { uuidPattern, uuidv7 } from './ids.js';
import { SecretBox } from './secret-box.js';

describe('api keys', () => {
  it('generates prefixed 32-byte keys whose hash and prefix are stable', () => {
    const key = generateKey('end_user');
    expect(key).toMatch(/^sk-eu_[0-9a-f]{64}$/);
    expect(kindOfKey(key)).toBe('end_user');
    expect(keyPrefixOf(key)).toBe(key.slice(0, 12));
    expect(hashKey(key)).toBe(hashKey(key));
    expect(hashKey(key)).not.toContain(key.slice(6));
  });
});

describe('secret box', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));
  it('round-trips with the same additional data', () => {
    const sealed = box.encrypt('sk-openai-secret', 'p1:c1');
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain('sk-openai-secret');
    expect(box.decrypt(sealed, 'p1:c1')).toBe('sk-openai-secret');
  });
  it('refuses a ciphertext moved to another row', () => {
    const sealed = box.encrypt('sk-openai-secret', 'p1:c1');
    expect(() => box.decrypt(sealed, 'p2:c1')).toThrow();
  });
  it('refuses another master key', () => {
    const other = new SecretBox(randomBytes(32).toString('base64'));
    expect(() => other.decrypt(box.encrypt('x', 'a'), 'a')).toThrow();
  });
});

describe('uuidv7', () => {
  it('is a time-ordered UUID', () => {
    const a = uuidv7();
    expect(a).toMatch(uuidPattern);
    expect(a[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(a[19]);
  });
  it('is strictly increasing within one process, even within one millisecond (newest-first lists sort by id)', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
