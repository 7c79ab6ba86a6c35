/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and ranks self time by function and by where the code
 * lives (our folders, each npm package, node internals, GC). Also a CLI: `npx tsx bench/profile-summary.ts <file> [top] [skipMs]`.
 */
import { readFileSync } from 'node:fs';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** `skipMs`: samples in the profile's first milliseconds (start-up, compiling, provisioning) are left out. */
export type SummaryOptions = { top?: number; skipMs?: number };

export type ProfileSummary = {
  totalMs: number;
  /** Busy time: everything but `(idle)`. */
  busyMs: number;
  functions: Array<{ name: string; where: string; selfMs: number }>;
  areas: Array<{ area: string; selfMs: number }>;
  /** Our own functions (src/, or dist/ when built) by inclusive time: where the hot path's CPU goes, callees included. */
  ours: Array<{ name: string; where: string; totalMs: number }>;
};

/** Where a frame's code lives: `src/inference`, `npm:fastify`, `node:internal`, `(garbage collector)`… */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? `node:${url.split('/')[1] ?? 'internal'}` : url;
  const ours = /\/((?:src|dist)\/[^/]+|bench|test\/mocks)\//.exec(url);
  return ours ? ours[1] : url;
}

function shortUrl(url: string): string {
  const i = url.search(/node_modules\/|\/(src|dist)\//);
  return i >= 0 ? url.slice(i + 1) : url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, opts: SummaryOptions = {}): ProfileSummary {
  const top = opts.top ?? 25;
  const skipUs = (opts.skipMs ?? 0) * 1000;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let atUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    atUs += delta;
    if (atUs < skipUs) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, { name: string; where: string; selfMs: number }>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') idleUs += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us / 1000);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, { name: string; where: string; totalMs: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !/\/(src|dist)\//.test(frame.url)) continue;
      const name = frame.functionName || '(anonymous)';
      const where = `${shortUrl(frame.url)}`;
      const key = `${name} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where, totalMs: 0 };
      entry.totalMs += us / 1000;
      inclusive.set(key, entry);
    }
  }
  const busy = (e: { name?: string; area?: string }) => e.name !== '(idle)' && e.area !== '(idle)';
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    functions: [...functions.values()]
      .filter(busy)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    areas: [...areas.entries()]
      .map(([area, selfMs]) => ({ area, selfMs }))
      .filter(busy)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    ours: [...inclusive.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, top),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const pct = (ms: number) => `${((ms / s.busyMs) * 100).toFixed(1).padStart(5)} %`;
  return [
    `busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled; self time by area:`,
    ...s.areas.map((a) => `  ${pct(a.selfMs)}  ${a.area}`),
    'top functions by self time:',
    ...s.functions.map((f) => `  ${pct(f.selfMs)}  ${f.name}  ${f.where}`),
    'our functions by inclusive time (callees included):',
    ...s.ours.map((f) => `  ${pct(f.totalMs)}  ${f.name}  ${f.where}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, skipMs] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [skipMs=0]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfile(summarizeProfile(file, { top: Number(top ?? 25), skipMs: Number(skipMs ?? 0) }))}\n`);
}
