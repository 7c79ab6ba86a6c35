/** Reads a whole (non-streamed) response body, with a bound. */

/** An error body is a sentence or two; anything past this is cut. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A completion is text, but inline images/audio in Gemini or OpenAI answers can be tens of MiB. */
export const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

export type BodyStream = AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown };

/** The body as UTF-8, or null when it is larger than `maxBytes` (the rest is discarded). */
export async function readBodyText(body: BodyStream, maxBytes: number): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Up to `maxBytes` of the body (for error messages), never throwing. */
export async function readBodyPrefix(body: BodyStream, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= maxBytes) break;
    }
  } catch {
    // A body cut mid-way still tells us something: keep what arrived.
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxBytes);
}
