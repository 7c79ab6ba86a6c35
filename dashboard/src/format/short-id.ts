// IDs are shown short with the full value available to copy. Time-ordered (v7) UUIDs share their
// leading digits, so the short form keeps the head and the random tail.

/** `01a2…c9f62e` for a UUID; short values unchanged. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 4)}…${id.slice(-6)}` : id;
}
