/** Response schemas of rate limits (spec §3, §4): null on a dimension = unlimited. */
import { z } from 'zod';
import { timestamp } from '../responses.js';

const limit = z.number().int().nullable().describe('null = unlimited on this dimension');

/** The platform's defaults for every end user; updated_at null while none were ever set. */
export const PlatformRateLimits = z
  .object({ platform_id: z.string(), rpm_limit: limit, tpm_limit: limit, rpd_limit: limit, updated_at: timestamp.nullable() })
  .meta({ id: 'PlatformRateLimits' });

/** Where effective limits come from: the user's own override, the platform default, or none. */
const resolution = z.enum(['explicit', 'default', 'none']);

export const EndUserRateLimits = z
  .object({ end_user_id: z.string(), rpm_limit: limit, tpm_limit: limit, rpd_limit: limit, resolution })
  .meta({ id: 'EndUserRateLimits' });

/** `GET /v1/me/rate-limits`: the caller's effective limits. */
export const MyRateLimits = EndUserRateLimits.omit({ end_user_id: true }).meta({ id: 'MyRateLimits' });
