/**
 * The test workers' half of the secrets scan (test/global-setup.ts runs the other half after the suite):
 * every raw key the tests create or send is registered, every response body a test reads through `fetch`
 * is recorded, each gateway logs at debug to its own file, and each gateway's data (SQLite files incl. WAL,
 * or every PostgreSQL table) is scanned when it closes, before it is deleted. Everything goes to the run's
 * scan directory (ASSISTIV_SECRET_SCAN_DIR); with no directory (ASSISTIV_TEST_SECRET_SCAN=0) nothing happens.
 */
import { appendFileSync, createWriteStream, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Finding, findKeys, harvestKeys, type KeyKind, type KnownKeys } from './scanner.js';

export const scanDir: string | undefined = process.env.ASSISTIV_SECRET_SCAN_DIR || undefined;

/** Keys this worker has seen (the data scan at a gateway's close uses them; the final scan reads the files). */
const known: KnownKeys = new Map();

function append(sub: string, line: unknown) {
  if (!scanDir) return;
  mkdirSync(join(scanDir, sub), { recursive: true });
  appendFileSync(join(scanDir, sub, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
}

export function registerKey(kind: KeyKind, key: string) {
  if (!scanDir || known.has(key)) return;
  known.set(key, kind);
  append('keys', { kind, key });
}

let logFiles = 0;
/** A file the gateway's pino logger writes to (asynchronously), closed with the gateway. */
export function gatewayLogStream(): { stream: NodeJS.WritableStream; close(): Promise<void> } | undefined {
  if (!scanDir) return undefined;
  mkdirSync(join(scanDir, 'logs'), { recursive: true });
  const stream = createWriteStream(join(scanDir, 'logs', `${process.pid}-${++logFiles}.log`), { flags: 'a' });
  return { stream, close: () => new Promise((resolve) => stream.end(resolve)) };
}

/** Most responses are small; a cap keeps a test that downloads megabytes from filling the disk. */
const MAX_RECORDED_BYTES = 4 * 1024 * 1024;

function recordResponse(method: string, url: string, status: number, body: string) {
  for (const k of harvestKeys(body, 'raw_key')) registerKey(k.kind, k.key);
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {}
  append('responses', { method, path, status, body });
}

/**
 * Wraps the global fetch (once per worker): provider keys in request bodies are registered, and the body of
 * every response is copied as the test reads it. The copy pulls only when the test pulls, so streaming
 * tests keep their backpressure and cancellation.
 */
export function installFetchRecorder() {
  const g = globalThis as { fetch: typeof fetch; __assistivFetchRecorder?: true };
  if (!scanDir || g.__assistivFetchRecorder) return;
  g.__assistivFetchRecorder = true;
  const original = g.fetch;
  g.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (typeof init?.body === 'string') for (const k of harvestKeys(init.body, 'api_key')) registerKey(k.kind, k.key);
    const res = await original(input, init);
    if (res.body === null) {
      recordResponse(method, url, res.status, '');
      return res;
    }
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    let recorded = false;
    const finish = () => {
      if (recorded) return;
      recorded = true;
      recordResponse(method, url, res.status, Buffer.concat(chunks).toString('utf8'));
    };
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              finish();
              controller.close();
              return;
            }
            if (size < MAX_RECORDED_BYTES) {
              chunks.push(value);
              size += value.byteLength;
            }
            controller.enqueue(value);
          } catch (err) {
            finish();
            controller.error(err);
          }
        },
        cancel(reason) {
          finish();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    const copy = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    Object.defineProperties(copy, { url: { value: res.url }, redirected: { value: res.redirected } });
    return copy;
  };
}

function report(findings: Finding[], dataFiles: number) {
  append('data', { dataFiles, findings });
}

const scannedFiles = new Set<string>();

/** Scans every file under a gateway's data directory (the SQLite database, its WAL, anything else written). */
export function scanDataDir(dir: string, label: string) {
  if (!scanDir) return;
  const findings: Finding[] = [];
  let files = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        // Scanned while open and again after close: count each file once.
        if (!scannedFiles.has(path)) files++;
        scannedFiles.add(path);
        // latin1 keeps every byte, so an ASCII key is found wherever SQLite put it.
        for (const hit of findKeys(readFileSync(path).toString('latin1'), known))
          findings.push({ where: `data file ${name} of ${label}`, kind: hit.kind });
      }
    }
  };
  walk(dir);
  report(findings, files);
}

/** Scans every row of every table of a PostgreSQL database, as text, before it is dropped. */
export async function scanPostgres(url: string, label: string) {
  if (!scanDir) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = (
      await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
    ).rows as Array<{ table_name: string }>;
    const findings: Finding[] = [];
    for (const { table_name } of tables) {
      const rows = await c.query(`SELECT t::text AS row FROM "${table_name}" t`);
      const text = rows.rows.map((r: { row: string }) => r.row).join('\n');
      for (const hit of findKeys(text, known)) findings.push({ where: `table ${table_name} of ${label}`, kind: hit.kind });
    }
    report(findings, tables.length);
  } finally {
    await c.end();
  }
}
