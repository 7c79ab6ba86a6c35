/**
 * The secrets scan over a finished run's scan directory (see recorder.ts): no raw key may appear in any
 * gateway log line or data file, and in a response body only as the `raw_key` of the response that issues
 * it (provider keys in none at all).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Finding, findKeys, type KnownKeys } from './scanner.js';

export type ScanResult = {
  logLines: number;
  responses: number;
  dataFiles: number;
  keys: number;
  findings: Finding[];
};

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

export function runSecretScan(scanDir: string): ScanResult {
  const keys: KnownKeys = new Map();
  for (const file of files(join(scanDir, 'keys'))) {
    for (const { kind, key } of jsonLines<{ kind: Finding['kind']; key: string }>(file)) keys.set(key, kind);
  }
  const findings: Finding[] = [];
  const result: ScanResult = { logLines: 0, responses: 0, dataFiles: 0, keys: keys.size, findings };

  for (const file of files(join(scanDir, 'logs'))) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    result.logLines += lines.filter((l) => l !== '').length;
    if (findKeys(text, keys).length === 0) continue;
    lines.forEach((line, i) => {
      for (const hit of findKeys(line, keys)) findings.push({ where: `log line ${i + 1} of ${file}`, kind: hit.kind });
    });
  }

  for (const file of files(join(scanDir, 'responses'))) {
    for (const r of jsonLines<{ method: string; path: string; status: number; body: string }>(file)) {
      result.responses++;
      for (const hit of findKeys(r.body, keys, { allowRawKeyField: true })) {
        findings.push({ where: `the response body of ${r.method} ${r.path} (${r.status}), recorded in ${file}`, kind: hit.kind });
      }
    }
  }

  for (const file of files(join(scanDir, 'data'))) {
    for (const d of jsonLines<{ dataFiles: number; findings: Finding[] }>(file)) {
      result.dataFiles += d.dataFiles;
      findings.push(...d.findings);
    }
  }
  return result;
}
