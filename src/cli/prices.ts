/**
 * `assistiv prices import <file> [--apply] [--allow-increases]`: compares a price list (LiteLLM or
 * genai-prices JSON) with the model routes and prints the diff; changes nothing unless `--apply`, and never
 * raises a price without `--allow-increases`. Exit 0: done; 1: the file or the database could not be used
 * (nothing changed); 2: applied, but increases or invalid entries were left out.
 */
import { readFileSync } from 'node:fs';
import { auditRun, cliActor } from '../audit/index.js';
import { applyImport, type ImportResult, planFromDatabase } from '../catalogue/import-apply.js';
import { type AddedModel, type ImportPlan, type RouteChange, showTiers } from '../catalogue/import-plan.js';
import { PriceListError, readPriceList } from '../catalogue/price-list.js';
import { loadPriceTable } from '../catalogue/seed.js';
import type { Config } from '../config.js';
import { prepareStore } from '../gateway.js';
import { describeDatabase } from '../store/database.js';

export type PricesImportOptions = { dryRun?: boolean; apply?: boolean; allowIncreases?: boolean; add?: boolean };

/** "1 route", "2 routes". */
const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

function failExit(message: string): never {
  process.stderr.write(`assistiv: prices import: ${message}\nNothing was changed.\n`);
  process.exit(1);
}

export async function importPricesFromCli(config: Config, file: string, opts: PricesImportOptions): Promise<void> {
  if (opts.dryRun && opts.apply) failExit('--dry-run and --apply exclude each other');
  if (opts.allowIncreases && !opts.apply) failExit('--allow-increases only means something with --apply');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    failExit(`cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    failExit(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const now = new Date();
  let list: ReturnType<typeof readPriceList>;
  try {
    list = readPriceList(doc, now.toISOString().slice(0, 10));
  } catch (err) {
    if (err instanceof PriceListError) failExit(`${file}: ${err.message}`);
    throw err;
  }
  const table = loadPriceTable();
  const catalogue = table.models;
  const add = opts.add !== false;
  const store = await prepareStore(config).catch((err: Error) => failExit(`cannot open the database: ${err.message}`));
  try {
    let result: ImportResult | undefined;
    let plan: ImportPlan;
    if (opts.apply) {
      result = await applyImport(store.db, list, catalogue, {
        allowIncreases: opts.allowIncreases === true,
        add,
        nowIso: now.toISOString(),
        audit: auditRun(cliActor('prices import')),
      });
      plan = result.plan;
    } else plan = await planFromDatabase(store.db, list, catalogue, { add });
    const lines = [
      `${file}: ${plan.format} price list, ${count(plan.entries, 'entry', 'entries')}, compared with the model routes in this database (${describeDatabase(store)}).`,
      `Prices in USD per million tokens. Shipped catalogue: v${table.version}, ${table.source}, data of ${table.source_date}.`,
      ...report(plan),
      '',
      ...outcome(plan, result, opts),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (result && (result.heldBack.length > 0 || plan.invalid.length > 0)) process.exitCode = 2;
  } catch (err) {
    failExit(`the import failed and was rolled back: ${(err as Error).message}`);
  } finally {
    await store.close();
  }
}

function report(plan: ImportPlan): string[] {
  const lines: string[] = [];
  if (plan.changed.length > 0) lines.push('', `Changed prices (${count(plan.changed.length, 'route')}):`, ...plan.changed.map(changeLine));
  if (plan.added.length > 0) lines.push('', `Added models (${plan.added.length}):`, ...plan.added.map(addedLine));
  lines.push('', `Unchanged: ${count(plan.unchanged, 'route')}. Not in the file: ${count(plan.notInFile, 'route')} (left as they are).`);
  if (plan.invalid.length > 0)
    lines.push('', `Invalid entries (${plan.invalid.length}, never applied):`, ...plan.invalid.map((i) => `  ${i.ref}: ${i.message}`));
  if (plan.otherProviders.size > 0) {
    const counts = [...plan.otherProviders.entries()].sort((a, b) => b[1] - a[1]);
    const total = counts.reduce((n, [, c]) => n + c, 0);
    const shown = counts.slice(0, 8).map(([p, c]) => `${p} ${c}`);
    lines.push(
      '',
      `Skipped ${count(total, 'entry', 'entries')} of providers this database does not have (${shown.join(', ')}${counts.length > 8 ? ', …' : ''}): add the provider first to import its models.`,
    );
  }
  return lines;
}

function changeLine(c: RouteChange): string {
  const fields = c.fields.map((f) => `${f.field} ${f.from} → ${f.to}`).join(', ');
  return `  ${c.provider}/${c.route.slug} (route ${c.route.id}, from ${c.ref}): ${fields}${c.increase ? '   [INCREASE]' : ''}`;
}

function addedLine(a: AddedModel): string {
  const c = a.columns;
  const parts = [`input ${c.input_micros_per_mtok / 1e6}`, `output ${c.output_micros_per_mtok / 1e6}`];
  if (c.cached_input_micros_per_mtok !== null) parts.push(`cached input ${c.cached_input_micros_per_mtok / 1e6}`);
  if (c.cache_write_micros_per_mtok !== null) parts.push(`cache write 5m ${c.cache_write_micros_per_mtok / 1e6}`);
  if (c.cache_write_1h_micros_per_mtok !== null) parts.push(`cache write 1h ${c.cache_write_1h_micros_per_mtok / 1e6}`);
  if (c.tiers) parts.push(`tiers ${showTiers(c.tiers)}`);
  const from = { file: 'from the file', catalogue: 'from the catalogue', default: 'default' }[a.maxOutputFrom];
  return `  ${a.provider}/${a.slug}: ${parts.join(', ')}; max output ${a.maxOutputTokens} tokens (${from})`;
}

function outcome(plan: ImportPlan, result: ImportResult | undefined, opts: PricesImportOptions): string[] {
  const increases = plan.changed.filter((c) => c.increase).length;
  const others = plan.changed.length - increases;
  if (!result) {
    const lines = [
      `Dry run: nothing was changed. --apply would reprice ${count(others, 'route')} (no increase) and add ${count(plan.added.length, 'model')}, in one transaction.`,
    ];
    if (increases > 0)
      lines.push(`${count(increases, 'route')} would be billed more (marked INCREASE): applied only with --apply --allow-increases.`);
    return lines;
  }
  const lines = [`Applied in one transaction: ${count(result.updated, 'route')} repriced, ${count(result.added, 'model')} added.`];
  if (result.heldBack.length > 0)
    lines.push(
      `Not applied: ${count(result.heldBack.length, 'price increase')} (marked INCREASE above). Run again with --apply --allow-increases to apply them.`,
    );
  else if (opts.allowIncreases && increases > 0) lines.push(`Including ${count(increases, 'price increase')} (--allow-increases).`);
  if (plan.invalid.length > 0) lines.push(`Not applied: ${count(plan.invalid.length, 'invalid entry', 'invalid entries')} (listed above).`);
  lines.push('Running gateways bill at the new prices within about a second (their route cache expires).');
  return lines;
}
