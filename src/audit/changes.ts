/**
 * The `changes` of an audit row: `{ field: [before, after] }` for every field that differs, computed from the
 * API views of a resource before and after a write. A secret field is never recorded: only the word "changed".
 */

/** A field's before/after, or "changed" for a secret. */
export type FieldChange = [unknown, unknown] | 'changed';
export type Changes = Record<string, FieldChange>;

/** Names that hold secrets or their hashes (raw keys, provider keys, webhook secrets, passwords, tokens). */
const SECRET_NAME = /(^|_)(api_key|raw_key|secret|password|token|encrypted|hash)(_|$)|^encrypted|_hash$/i;

/** Fields the row names already (id, platform) or that change with every write. */
const NOISE = new Set(['id', 'platform_id', 'created_at', 'updated_at']);

export function isSecretField(name: string): boolean {
  // Display-only descriptions of a secret are safe to record (the API shows them).
  if (name === 'key_prefix' || name === 'key_hint') return false;
  return SECRET_NAME.test(name);
}

/** A value with every nested secret-named field replaced by "changed" (e.g. a create response's api_key.raw_key). */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretField(k) ? 'changed' : scrub(v)]));
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Fields of `before` and `after` (either null for a create or a delete) that differ. `secretsChanged` names
 * secret inputs the views do not show (an llm-config's api_key, a webhook's secret) that the write set.
 */
export function diffChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  secretsChanged: readonly string[] = [],
): Changes {
  const changes: Changes = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    if (NOISE.has(field)) continue;
    const b = before ? (before[field] ?? null) : null;
    const a = after ? (after[field] ?? null) : null;
    if (same(b, a)) continue;
    changes[field] = isSecretField(field) ? 'changed' : [scrub(b), scrub(a)];
  }
  for (const field of secretsChanged) changes[field] = 'changed';
  return changes;
}
