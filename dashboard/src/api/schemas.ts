// The named objects of the gateway's OpenAPI document: every API type of the dashboard is one of these.
import type { components } from './generated/openapi';

/** `components['schemas']` of the generated types (`npm run api:types`). */
export type Schemas = components['schemas'];
