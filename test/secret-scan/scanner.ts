/**
 * The secrets scan's checks (pure, so they are unit-tested): which raw keys a piece of text holds. Raw
 * gateway keys (`sk-admin_`, `sk-plat_`, `sk-eu_`) are found by their shape and looked up in the set of keys
 * the tests used; provider keys have no shape, so each is searched for, raw and JSON-escaped. A key's
 * SHA-256 or its display prefix is not a secret and is never reported.
 */

export type KeyKind = 'admin' | 'platform' | 'end_user' | 'provider';
export type KnownKeys = Map<string, KeyKind>;

/** Shorter "provider keys" (test placeholders such as `x`) would match everywhere and mean nothing. */
export const MIN_PROVIDER_KEY_LENGTH = 8;

const gatewayKeyShape = /sk-(?:admin|plat|eu)_[A-Za-z0-9_-]+/g;
const rawKeyField = '"raw_key":"';

export type Hit = { kind: KeyKind; key: string };

/**
 * The known keys in `text`. `allowRawKeyField`: a response may return a gateway key as the value of
 * `raw_key` (the one creation response, spec §2/§3, and its idempotent replays); anywhere else it is a leak.
 */
export function findKeys(text: string, keys: KnownKeys, opts: { allowRawKeyField?: boolean } = {}): Hit[] {
  const hits: Hit[] = [];
  for (const m of text.matchAll(gatewayKeyShape)) {
    const kind = keys.get(m[0]);
    if (kind === undefined || kind === 'provider') continue;
    if (opts.allowRawKeyField && text.slice(Math.max(0, m.index - rawKeyField.length), m.index) === rawKeyField) continue;
    hits.push({ kind, key: m[0] });
  }
  for (const [key, kind] of keys) {
    if (kind !== 'provider') continue;
    if (text.includes(key) || text.includes(JSON.stringify(key).slice(1, -1))) hits.push({ kind, key });
  }
  return hits;
}

export function kindOfRawKey(raw: string): KeyKind | null {
  if (raw.startsWith('sk-eu_')) return 'end_user';
  if (raw.startsWith('sk-plat_')) return 'platform';
  if (raw.startsWith('sk-admin_')) return 'admin';
  return null;
}

/** Keys a test sent or received: `raw_key` values of responses and `api_key` values (provider keys) of request bodies. */
export function harvestKeys(text: string, field: 'raw_key' | 'api_key'): Array<{ kind: KeyKind; key: string }> {
  const out: Array<{ kind: KeyKind; key: string }> = [];
  const re = field === 'raw_key' ? /"raw_key"\s*:\s*("(?:[^"\\]|\\.)*")/g : /"api_key"\s*:\s*("(?:[^"\\]|\\.)*")/g;
  for (const m of text.matchAll(re)) {
    let key: string;
    try {
      key = JSON.parse(m[1]);
    } catch {
      continue;
    }
    const kind = field === 'raw_key' ? kindOfRawKey(key) : key.length >= MIN_PROVIDER_KEY_LENGTH ? 'provider' : null;
    if (kind) out.push({ kind, key });
  }
  return out;
}

/** One leak, named without the key itself: the report must not become a leak of its own. */
export type Finding = { where: string; kind: KeyKind };

export function describeFinding(f: Finding): string {
  return `a raw ${f.kind.replace('_', '-')} key in ${f.where}`;
}
