/**
 * The audit log is append-only (spec §3b), read from the source tree: only src/audit writes its rows (inserts,
 * never an update or delete), and the one delete is platform deletion purging the platform's own rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sourceFiles(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }));
const matches = (pattern: RegExp) =>
  files.flatMap((f) => f.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));

describe('audit log is append-only', () => {
  it('reads the tree it checks', () => {
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['audit/writer.ts', 'management/platforms/service.ts']));
  });

  it('no code updates or deletes audit rows through the query builder or raw SQL', () => {
    expect(matches(/(updateTable|deleteFrom)\(\s*'audit_log'/)).toEqual([]);
    expect(matches(/\b(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?"?audit_log\b/i)).toEqual([]);
  });

  it('only the writer inserts, the list routes read, and platform deletion purges', () => {
    const mentions = matches(/'audit_log'/).map((m) => m.split(':')[0]);
    expect([...new Set(mentions)].sort()).toEqual([
      'audit/routes.ts',
      'audit/writer.ts',
      'management/platforms/service.ts',
      'store/migrations.ts',
    ]);
    // In platform deletion, the table is one entry of the purge list (deleted by platform_id, nothing else).
    const service = files.find((f) => f.path === 'management/platforms/service.ts')?.text ?? '';
    expect(service).toMatch(
      /'audit_log',[\s\S]*\] as const\) \{\s*await trx\.deleteFrom\(table\)\.where\('platform_id', '=', platformId\)/,
    );
    expect(matches(/insertInto\('audit_log'\)/).map((m) => m.split(':')[0])).toEqual(['audit/writer.ts']);
  });
});
