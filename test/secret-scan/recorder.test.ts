/**
 * The secrets scan's wiring: a test gateway logs at debug into the run's scan directory, the keys a test
 * creates and sends are registered, response bodies are recorded as read (streams included), and the data
 * is scanned at close. Without it the final scan would pass by seeing nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlatform } from '../helpers/http.js';
import { startInferenceFixture } from '../helpers/inference.js';
import { dialects } from '../helpers/suites.js';
import { scanDir } from './recorder.js';

const mine = (sub: string) => {
  if (!scanDir || !existsSync(join(scanDir, sub))) return [];
  return readdirSync(join(scanDir, sub))
    .filter((name) => name.startsWith(`${process.pid}`))
    .map((name) => readFileSync(join(scanDir as string, sub, name), 'utf8'));
};

describe.each(dialects)('secrets scan recording (%s)', (dialect) => {
  it.runIf(scanDir !== undefined)('records logs, keys, response bodies and data scans of a gateway', async () => {
    const f = await startInferenceFixture({ dialect });
    const { platformKey } = await createPlatform(f.gw.url, f.gw.adminKey, 'Scan Co');
    await f.addRoute('scan-gpt', 'openai', 'gpt-scan');
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'scan-gpt', stream: true, messages: [{ role: 'user', content: 'scan me' }] }),
    });
    expect(await res.text()).toContain('data: [DONE]');
    await f.close();

    const keys = mine('keys').join('');
    for (const key of [f.gw.adminKey, platformKey, f.platformKey, f.endUserKey, 'test-key-openai'])
      expect(keys).toContain(JSON.stringify(key));
    const logs = mine('logs').join('');
    expect(logs).toContain('"msg":"incoming request"'); // per-request lines are logged at debug only
    const responses = mine('responses').join('');
    expect(responses).toContain('"path":"/v1/chat/completions"');
    expect(responses).toContain('data: [DONE]');
    expect(responses).toContain(`\\"raw_key\\":\\"${f.endUserKey}\\"`);
    const data = mine('data').map((text) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
    expect(data.flat().some((d) => d.dataFiles > 0)).toBe(true);
  });
});
