/** The upstream HTTP client: the only module that talks to providers. */

export { Cancellation } from './cancellation.js';
export { closeUpstreamPools } from './pools.js';
export { sendChat } from './send-chat.js';
export { DEFAULT_UPSTREAM_TIMEOUTS } from './timeouts.js';
export type { SendChatOptions, UpstreamResult, UpstreamTimeouts } from './types.js';
