/** Joins a configured base URL (with or without a trailing slash) and an endpoint path. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}
