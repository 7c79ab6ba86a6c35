/**
 * The public quick start's five curl commands, run with curl itself against a local gateway: only the host
 * (https://api.assistiv.ai → the local server) and the quick start's placeholders (platform ID and key,
 * provider ID, end-user key) are replaced. Step 1 (provisioning) is the operator's platform create.
 * Step 5 reaches a local mock speaking OpenAI's wire format instead of api.openai.com.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import type { MockProvider } from '../mocks/index.js';
import { startMockOpenAI } from '../mocks/index.js';

const run = promisify(execFile);

/** Runs a quick start command given as its argv after `curl`, and parses the JSON it prints. */
async function curl(args: string[]): Promise<{ status: number; body: any }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) };
}

describe('quick start, verbatim with curl', () => {
  let gw: TestGateway;
  let mock: MockProvider;
  let base: string;
  let platformId: string;
  let platformKey: string;
  let providerId: string;
  let endUserKey: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    base = gw.url;
    mock = await startMockOpenAI();
    const admin = client(gw.url, gw.adminKey);
    const providers = await admin.get('/v1/admin/providers');
    const openai = providers.body.data.find((p: { slug: string }) => p.slug === 'openai');
    await admin.patch(`/v1/admin/providers/${openai.id}`, { base_url: mock.url });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Quick Start Co'));
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it('step 1: every management endpoint takes the platform key and ID', async () => {
    const res = await curl([`${base}/v1/platforms/${platformId}/end-users`, '-H', `Authorization: Bearer ${platformKey}`]);
    expect(res).toEqual({ status: 200, body: { data: [], total: 0, page: 1, limit: 20 } });
  });

  it('step 2: configure an LLM provider', async () => {
    const providers = await curl([`${base}/v1/admin/providers`, '-H', `Authorization: Bearer ${platformKey}`]);
    providerId = providers.body.data.find((p: { slug: string }) => p.slug === 'openai').id;
    const res = await curl([
      '-X',
      'POST',
      `${base}/v1/platforms/${platformId}/llm-configs`,
      '-H',
      `Authorization: Bearer ${platformKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      `{
    "provider_id": "${providerId}",
    "api_key": "sk-openai-your-key-here",
    "is_default": true
  }`,
    ]);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ provider_id: providerId, is_default: true, key_hint: 'here' });
  });

  it('step 3: create an end user, whose response carries its key', async () => {
    const res = await curl([
      '-X',
      'POST',
      `${base}/v1/platforms/${platformId}/end-users`,
      '-H',
      `Authorization: Bearer ${platformKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      `{
    "external_id": "user-123",
    "display_name": "Jane Smith"
  }`,
    ]);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ id: expect.any(String), external_id: 'user-123', display_name: 'Jane Smith' });
    expect(res.body.data.api_key.key_prefix).toBe(res.body.data.api_key.raw_key.slice(0, 12));
    expect(res.body.data.api_key.raw_key).toMatch(/^sk-eu_/);
    endUserKey = res.body.data.api_key.raw_key;
  });

  it('step 4: top up the wallet', async () => {
    const res = await curl([
      '-X',
      'POST',
      `${base}/v1/platforms/${platformId}/wallet/topup`,
      '-H',
      `Authorization: Bearer ${platformKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      `{
    "amount": 50.00,
    "description": "Initial top-up"
  }`,
    ]);
    expect(res.status).toBe(201);
    expect(res.body.data.wallet).toMatchObject({ balance: 50, available: 50 });
  });

  it('step 5: a chat completion in OpenAI format, debited from the wallet', async () => {
    const res = await curl([
      '-X',
      'POST',
      `${base}/v1/chat/completions`,
      '-H',
      `Authorization: Bearer ${endUserKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      `{
    "model": "gpt-4o",
    "messages": [
      { "role": "user", "content": "Hello, world!" }
    ]
  }`,
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(res.body.id).toMatch(/^chatcmpl-/);
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer sk-openai-your-key-here');
    const { usage } = res.body;
    const costMicros = Math.floor((usage.prompt_tokens * 2_500_000 + usage.completion_tokens * 10_000_000 + 500_000) / 1_000_000);
    const wallet = await curl([`${base}/v1/platforms/${platformId}/wallet`, '-H', `Authorization: Bearer ${platformKey}`]);
    expect(Math.round((50 - wallet.body.data.balance) * 1e6)).toBe(costMicros);
  });
});
