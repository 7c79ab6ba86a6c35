// Public surface of the rate-limits folder: the Settings card and the end-user card.
export { EndUserRateLimitsCard } from './end-user-rate-limits-card';
export { RateLimitDefaultsCard } from './rate-limit-defaults-card';
