// Wire shapes of rate limits: platform defaults and an end user's effective limits.

/** Calls per sliding 60 s, tokens per sliding 60 s, calls per sliding 24 h; null = unlimited. */
export interface Limits {
  rpm_limit: number | null;
  tpm_limit: number | null;
  rpd_limit: number | null;
}

/** Where an end user's effective limits come from: their override, the platform default, or nowhere. */
export type RateLimitResolution = 'explicit' | 'default' | 'none';

/** `GET/PUT /v1/platforms/{id}/rate-limits`; `updated_at` is null while no default was ever set. */
export interface PlatformRateLimits extends Limits {
  platform_id: string;
  updated_at: string | null;
}

/** `GET/PUT /v1/platforms/{id}/end-users/{euId}/rate-limits`. */
export interface EndUserRateLimits extends Limits {
  end_user_id: string;
  resolution: RateLimitResolution;
}
