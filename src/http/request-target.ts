/**
 * The path of a request target in any of its forms: origin (`/v1/…`) or absolute (`http://host/v1/…`,
 * RFC 9112 §3.2.2, which Node passes through unchanged), without the query. Returns '' when it cannot be
 * read. Everything that decides by path uses this, so an absolute-form target cannot slip past a rule.
 */
export function targetPath(url: string): string {
  const path = url.startsWith('/') ? url : absolutePath(url);
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

function absolutePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
