/** Splits `data:` URLs (how OpenAI clients inline images and files) into media type and base64 payload. */

export type InlineData = { mediaType: string; base64: string };

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s;

/** Returns the media type and base64 data of a base64 `data:` URL, or null for anything else. */
export function parseDataUrl(url: string): InlineData | null {
  if (!url.startsWith('data:')) return null;
  const match = DATA_URL.exec(url);
  if (match === null) return null;
  return { mediaType: match[1] ?? 'application/octet-stream', base64: match[3] ?? '' };
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** Best guess of a remote file's media type from its URL's extension; JPEG when unknown. */
export function mediaTypeFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_TYPES[extension] ?? 'image/jpeg';
}
