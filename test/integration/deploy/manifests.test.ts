/**
 * The deployment files name only variables the gateway reads, with values it accepts: the gateway ignores an
 * unknown variable, so a misspelt name in a manifest would silently do nothing (and a bad value would only show
 * when a pod starts). Reads deploy/k8s/configmap.yaml, deploy/k8s/secret.yaml and the gateway environment of
 * deploy/docker-compose.yml as text (their shapes are simple and fixed).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariableNames, loadConfig } from '../../../src/config.js';

const deployFile = (path: string) => readFileSync(new URL(`../../../deploy/${path}`, import.meta.url), 'utf8');

/** `KEY: value` entries indented under `section:` (up to the next line indented less), quotes removed; comments skipped. */
function entriesUnder(text: string, section: string): Record<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${section}:` || l.trim().startsWith(`${section}: &`));
  if (start < 0) throw new Error(`no ${section}: section`);
  const indent = lines[start].length - lines[start].trimStart().length;
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (line.length - line.trimStart().length <= indent) break;
    const m = /^\s+([A-Z][A-Z0-9_]*):\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

const known = new Set(configVariableNames);
/** The gateway's own variables among `entries` that it does not know (POSTGRES_* belong to the database image). */
const unknown = (entries: Record<string, string>) => Object.keys(entries).filter((name) => !known.has(name));

describe('deployment files', () => {
  const configMap = entriesUnder(deployFile('k8s/configmap.yaml'), 'data');
  const secret = entriesUnder(deployFile('k8s/secret.yaml'), 'stringData');
  const compose = entriesUnder(deployFile('docker-compose.yml'), 'environment');

  it('read what they set', () => {
    expect(configMap).toMatchObject({ PORT: '8080', ASSISTIV_WEBHOOK_RETENTION_DAYS: '30' });
    expect(Object.keys(secret).sort()).toEqual(['ASSISTIV_ADMIN_KEY', 'ASSISTIV_ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL']);
    expect(compose).toHaveProperty('DATABASE_URL');
  });

  it('name only variables the gateway reads', () => {
    expect(unknown(configMap)).toEqual([]);
    expect(unknown(secret)).toEqual([]);
    expect(unknown(compose)).toEqual([]);
  });

  it("the ConfigMap's values, with real secrets in place of the placeholders, are a configuration the gateway accepts", () => {
    const config = loadConfig({
      ...configMap,
      DATABASE_URL: 'postgres://assistiv:pw@postgres.assistiv.svc:5432/assistiv',
      REDIS_URL: secret.REDIS_URL,
      ASSISTIV_ADMIN_KEY: `sk-admin_${randomBytes(24).toString('hex')}`,
      ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.retention).toMatchObject({ requestLogDays: null, webhookDays: 30, intervalMs: 600_000, batchRows: 5000 });
    // The Service is reached directly: X-Forwarded-For is not believed.
    expect(config.trustProxy).toBe(false);
  });

  it("compose trusts X-Forwarded-For from nginx, which replaces the client's own header with the client's address", () => {
    expect(loadConfig({ ASSISTIV_TRUST_PROXY: compose.ASSISTIV_TRUST_PROXY }).trustProxy).toEqual(['uniquelocal']);
    const nginx = deployFile('nginx/nginx.conf');
    expect(nginx).toMatch(/^\s*proxy_set_header X-Forwarded-For \$remote_addr;$/m);
    expect(nginx).toMatch(/^\s*proxy_set_header Host \$http_host;$/m);
  });
});
