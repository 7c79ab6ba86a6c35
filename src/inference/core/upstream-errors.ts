/** Maps a classified provider failure to the spec §1 error the client sees (no key ever included). */
import { ApiError } from '../../http/errors.js';
import type { UpstreamError } from '../providers/types.js';

export function toApiError(error: UpstreamError, providerSlug: string): ApiError {
  switch (error.kind) {
    case 'invalid_request':
      return new ApiError(
        error.status >= 400 && error.status < 500 ? error.status : 400,
        'upstream_invalid_request',
        `${providerSlug}: ${error.message}`,
        {
          type: 'invalid_request_error',
        },
      );
    case 'rate_limited':
      return new ApiError(429, 'upstream_rate_limited', `${providerSlug} rate-limited the request: ${error.message}`, {
        type: 'rate_limit_error',
        headers: error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {},
      });
    case 'timeout':
      return new ApiError(504, 'upstream_timeout', `${providerSlug} did not answer in time: ${error.message}`, { type: 'upstream_error' });
    case 'auth':
      return new ApiError(
        502,
        'upstream_error',
        `${providerSlug} refused the platform's provider key (HTTP ${error.status}): check the llm-config for this provider.`,
        { type: 'upstream_error' },
      );
    default:
      return new ApiError(502, 'upstream_error', `${providerSlug} failed: ${error.message}`, { type: 'upstream_error' });
  }
}
