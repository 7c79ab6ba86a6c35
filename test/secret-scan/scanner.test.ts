/** The secrets scan finds what it must (planted keys) and only that (hashes, prefixes, the issuing response). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, hashKey, keyPrefixOf } from '../../src/crypto/api-keys.js';
import { runSecretScan } from './run-scan.js';
import { describeFinding, findKeys, harvestKeys, type KnownKeys } from './scanner.js';

describe('findKeys', () => {
  const eu = generateKey('end_user');
  const plat = generateKey('platform');
  const admin = generateKey('admin');
  const provider = 'sk-proj-"quoted"\\key';
  const keys: KnownKeys = new Map([
    [eu, 'end_user'],
    [plat, 'platform'],
    [admin, 'admin'],
    [provider, 'provider'],
  ]);

  it('finds a raw key of each kind, a provider key raw or JSON-escaped, and nothing in hashes, prefixes or unknown keys', () => {
    expect(findKeys(`{"msg":"auth","key":"${eu}"}`, keys)).toEqual([{ kind: 'end_user', key: eu }]);
    expect(findKeys(`Bearer ${plat} and ${admin}`, keys).map((h) => h.kind)).toEqual(['platform', 'admin']);
    expect(findKeys(`upstream said: ${provider}`, keys)).toEqual([{ kind: 'provider', key: provider }]);
    expect(findKeys(JSON.stringify({ message: provider }), keys)).toEqual([{ kind: 'provider', key: provider }]);
    const harmless = `${hashKey(eu)} ${keyPrefixOf(plat)} ${generateKey('end_user')} sk-eu_${'0'.repeat(64)}`;
    expect(findKeys(harmless, keys)).toEqual([]);
  });

  it('allows a gateway key only as the raw_key of a response, and a provider key never', () => {
    const created = JSON.stringify({ data: { id: 'x', api_key: { key_prefix: keyPrefixOf(eu), raw_key: eu } } });
    expect(findKeys(created, keys, { allowRawKeyField: true })).toEqual([]);
    expect(findKeys(created, keys)).toEqual([{ kind: 'end_user', key: eu }]);
    expect(findKeys(JSON.stringify({ error: { message: `bad key ${eu}` } }), keys, { allowRawKeyField: true })).toHaveLength(1);
    expect(findKeys(JSON.stringify({ raw_key: provider }), keys, { allowRawKeyField: true })).toHaveLength(1);
  });

  it('harvests issued keys from responses and provider keys from request bodies', () => {
    expect(harvestKeys(JSON.stringify({ api_key: { raw_key: plat } }), 'raw_key')).toEqual([{ kind: 'platform', key: plat }]);
    expect(harvestKeys(JSON.stringify({ provider_id: 'p', api_key: provider }), 'api_key')).toEqual([{ kind: 'provider', key: provider }]);
    expect(harvestKeys(JSON.stringify({ api_key: 'short' }), 'api_key')).toEqual([]);
  });

  it('describes a finding by place and kind, never by the key', () => {
    expect(describeFinding({ where: 'log line 3 of x.log', kind: 'end_user' })).toBe('a raw end-user key in log line 3 of x.log');
  });
});

describe('runSecretScan over a scan directory', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plant = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'assistiv-scan-test-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  const eu = generateKey('end_user');
  const keysFile = `${JSON.stringify({ kind: 'end_user', key: eu })}\n${JSON.stringify({ kind: 'provider', key: 'test-key-openai' })}\n`;
  const response = (body: unknown) => `${JSON.stringify({ method: 'POST', path: '/v1/x', status: 201, body: JSON.stringify(body) })}\n`;

  it('counts everything and finds nothing in a clean run', () => {
    plant({
      'keys/1.jsonl': keysFile,
      'logs/1-1.log': '{"level":30,"msg":"incoming request"}\n{"level":30,"msg":"request completed"}\n',
      'responses/1.jsonl': response({ data: { api_key: { raw_key: eu } } }) + response({ data: { key_hint: 'enai' } }),
      'data/1.jsonl': `${JSON.stringify({ dataFiles: 2, findings: [] })}\n`,
    });
    expect(runSecretScan(dir)).toEqual({ logLines: 2, responses: 2, dataFiles: 2, keys: 2, findings: [] });
  });

  it('finds a key planted in a log line, a provider key in a response, and reports the data findings of the workers', () => {
    plant({
      'keys/1.jsonl': keysFile,
      'logs/1-1.log': `{"level":30,"msg":"ok"}\n{"level":20,"msg":"auth","key":"${eu}"}\n`,
      'responses/1.jsonl': response({ error: { message: 'upstream said test-key-openai is invalid' } }),
      'data/1.jsonl': `${JSON.stringify({ dataFiles: 1, findings: [{ where: 'data file db.sqlite of gw', kind: 'end_user' }] })}\n`,
    });
    const r = runSecretScan(dir);
    expect(r.findings).toEqual([
      { where: `log line 2 of ${join(dir, 'logs', '1-1.log')}`, kind: 'end_user' },
      { where: `the response body of POST /v1/x (201), recorded in ${join(dir, 'responses', '1.jsonl')}`, kind: 'provider' },
      { where: 'data file db.sqlite of gw', kind: 'end_user' },
    ]);
    expect(r.findings.map(describeFinding).join('\n')).not.toContain(eu);
  });
});
