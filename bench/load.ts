/**
 * Drives one target with autocannon (programmatic API). Latencies come from its per-response event,
 * which carries process.hrtime durations (sub-millisecond); autocannon's own histogram rounds to whole ms.
 * Runs are by request count, not duration, so no request is cut off at the end: every request a run sent
 * was answered, which is what the billing check counts.
 */
import autocannon from 'autocannon';

export type LoadSpec = {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  amount: number;
  /** Seconds before a request counts as an error. */
  timeoutS?: number;
};

/** One drive's raw outcome; several are pooled by `summarizeRuns`. */
export type RawRun = { ok: number; errors: number; non2xx: number; elapsedS: number; latenciesMs: Float64Array };

export type LoadResult = {
  requests: number;
  ok: number;
  errors: number;
  non2xx: number;
  elapsedS: number;
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Pools runs of one target: throughput over their summed time, percentiles over all their latencies. */
export function summarizeRuns(runs: RawRun[]): LoadResult {
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const all = new Float64Array(ok);
  let at = 0;
  for (const r of runs) {
    all.set(r.latenciesMs, at);
    at += r.latenciesMs.length;
  }
  all.sort();
  let sum = 0;
  for (const v of all) sum += v;
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const non2xx = runs.reduce((n, r) => n + r.non2xx, 0);
  const elapsedS = runs.reduce((n, r) => n + r.elapsedS, 0);
  return {
    requests: ok + errors + non2xx,
    ok,
    errors,
    non2xx,
    elapsedS,
    reqPerS: ok / elapsedS,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    meanMs: ok > 0 ? sum / ok : Number.NaN,
    maxMs: ok > 0 ? all[ok - 1] : Number.NaN,
  };
}

export function drive(spec: LoadSpec): Promise<RawRun> {
  const latencies = new Float64Array(spec.amount);
  let ok = 0;
  let non2xx = 0;
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: spec.headers,
        body: spec.body,
        connections: Math.min(spec.connections, spec.amount),
        amount: spec.amount,
        timeout: spec.timeoutS ?? 30,
      },
      (err, result) => {
        if (err) return reject(err);
        // Up to the last answer, not to this callback: autocannon notices `amount` is reached only on its
        // next 1 s tick, which would round every run's duration up to whole seconds.
        const elapsedS = Number(lastAnswer - started) / 1e9;
        resolve({ ok, errors: result.errors, non2xx, elapsedS, latenciesMs: latencies.subarray(0, Math.min(ok, latencies.length)) });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
      lastAnswer = process.hrtime.bigint();
      if (status >= 200 && status < 300) {
        if (ok < latencies.length) latencies[ok] = responseTimeMs;
        ok += 1;
      } else non2xx += 1;
    });
  });
}
