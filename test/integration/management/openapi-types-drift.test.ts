/**
 * The dashboard's generated API types (dashboard/src/api/generated/openapi.ts) match the running app's
 * OpenAPI document: a route or response schema changed without `npm run api:types` fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesPath, generateApiTypes } from '../../../scripts/generate-api-types.mjs';

describe('generated API types', () => {
  it('the committed dashboard/src/api/generated/openapi.ts is what `npm run api:types` generates now', async () => {
    const fresh = await generateApiTypes();
    const committed = readFileSync(apiTypesPath, 'utf8');
    // On failure: run `npm run api:types` and commit the file with the change to the API.
    expect(committed === fresh, 'dashboard/src/api/generated/openapi.ts is stale: run `npm run api:types`').toBe(true);
    expect(committed).toContain("'/v1/platforms/{platformId}/wallet'");
  });
});
