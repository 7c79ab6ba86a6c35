/**
 * Billing's boundaries, read from the source tree: only store and billing know which database runs (anything
 * that differs is a named helper there), storage imports no money rules, every ledger row is written by
 * billing, and nobody outside billing reads the engine's in-memory holds (billing.balances() sums them).
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
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const files = sourceFiles(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }));
const outside = (...folders: string[]) => files.filter((f) => !folders.some((folder) => f.path.startsWith(`${folder}/`)));
/** Each line of the files matching `pattern`, as `path:line: text`. */
const matches = (of: typeof files, pattern: RegExp) =>
  of.flatMap((f) => f.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));

describe('billing boundaries', () => {
  it('reads the tree it checks', () => {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['store/migrations.ts', 'management/budgets/routes.ts', 'billing/engine.ts']),
    );
  });

  it('no module outside src/billing and src/store mentions the dialect', () => {
    expect(matches(outside('billing', 'store'), /dialect/i)).toEqual([]);
  });

  it('src/store imports nothing from src/billing', () => {
    expect(
      matches(
        outside('billing').filter((f) => f.path.startsWith('store/')),
        /from '\.\.\/billing\//,
      ),
    ).toEqual([]);
  });

  it('only billing writes ledger rows, reservations and budgets', () => {
    const ledgerWrite = /(insertInto|updateTable|deleteFrom)\('(budget_transactions|wallet_transactions|reservations|budgets)'\)/;
    expect(matches(outside('billing'), ledgerWrite)).toEqual([]);
  });

  it('outside billing and store, money tables are only read: no wallet is opened or deleted, no table list names a ledger', () => {
    const walletRowWrite = /(insertInto|deleteFrom)\('wallets'\)/;
    expect(matches(outside('billing', 'store'), walletRowWrite)).toEqual([]);
    // A bare name (e.g. in a list of tables to purge) is a write the pattern above cannot see.
    const bareName = /^\s*'(budget_transactions|wallet_transactions|reservations|budgets|wallets)',?\s*$/;
    expect(matches(outside('billing', 'store'), bareName)).toEqual([]);
  });

  it("nobody outside billing reads the engine's in-memory holds", () => {
    expect(matches(outside('billing'), /heldFor/)).toEqual([]);
  });
});
