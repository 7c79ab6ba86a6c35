// Query-string values accepted by the API client; empty values are left out of the URL.

/** A query parameter; `undefined`, `null` and `''` are omitted. */
export type QueryValue = string | number | boolean | null | undefined;

/** Query parameters of one request. */
export type Query = Record<string, QueryValue>;

/** Builds `?a=1&b=2` (or `''`) from the non-empty values. */
export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
