/** The one exception adapters may throw: a 2xx body that is not what the provider documents. */

/**
 * Thrown by `parseResponse` when a success body cannot be mapped. The upstream client catches it and
 * returns `{ kind: 'bad_response' }`; it never reaches a client as an exception.
 */
export class ProviderProtocolError extends Error {
  override readonly name = 'ProviderProtocolError';
}
