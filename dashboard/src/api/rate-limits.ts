// Wire shapes of rate limits: null on a dimension = unlimited.
import type { Schemas } from './schemas';

export type Limits = Pick<Schemas['PlatformRateLimits'], 'rpm_limit' | 'tpm_limit' | 'rpd_limit'>;

/** Where an end user's effective limits come from. */
export type RateLimitResolution = Schemas['EndUserRateLimits']['resolution'];

export type PlatformRateLimits = Schemas['PlatformRateLimits'];

export type EndUserRateLimits = Schemas['EndUserRateLimits'];
