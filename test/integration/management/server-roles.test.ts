/** `assistiv serve --role`: management and inference instances can be split (spec §0). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';

describe('server roles', () => {
  let inference: TestGateway;
  let management: TestGateway;
  beforeAll(async () => {
    inference = await startTestGateway({ role: 'inference' });
    management = await startTestGateway({ role: 'management' });
  });
  afterAll(async () => {
    await inference?.close();
    await management?.close();
  });

  it('an inference instance serves /v1/models and /v1/chat/completions but no management routes', async () => {
    expect((await client(inference.url, inference.adminKey).get('/v1/admin/platforms')).status).toBe(404);
    expect((await client(inference.url, 'sk-eu_unknown').get('/v1/models')).status).toBe(401);
    expect((await fetch(`${inference.url}/healthz`)).status).toBe(200);
  });

  it('a management instance serves the management API but no inference routes', async () => {
    expect((await client(management.url, management.adminKey).get('/v1/admin/platforms')).status).toBe(200);
    const chat = await client(management.url, 'sk-eu_unknown').post('/v1/chat/completions', { model: 'gpt-4o', messages: [] });
    expect(chat.status).toBe(404);
    expect(chat.body.error.type).toBe('not_found_error');
  });
});
