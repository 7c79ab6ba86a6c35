/**
 * `--soak`: N (default 1,000) concurrent slow streams through the gateway, each 300 chunks one every
 * 100 ms (30 s), all open at once. Every stream must end with `[DONE]`, carry every chunk and no error
 * frame; the gateway's resident memory is sampled throughout (and its VmHWM read at the end). A warm-up
 * of ordinary calls runs first, so the streams meet warm code as they would in production.
 */
import { Agent, request } from 'undici';
import { drive } from './load.js';
import { type GatewayProcess, memoryMiB } from './processes.js';
import { BENCH_MODEL, SOAK_MODEL } from './provision.js';
import { bodyFor } from './suite.js';

/** Content chunks each soak stream carries (the soak route's upstream model, provision.ts). */
const CHUNKS_PER_STREAM = 300;
const RSS_SAMPLE_MS = 250;

/** Requests sent before the soak so its streams meet warm code (JIT, pools, caches), as in production. */
const WARMUP_REQUESTS = 2_000;

export type SoakResult = {
  ok: boolean;
  streams: number;
  completeStreams: number;
  /** Successful warm-up requests (billed too). */
  warmupRequests: number;
  errors: Record<string, number>;
  elapsedS: number;
  rssStartMiB: number;
  rssPeakSampledMiB: number;
  rssHighWaterMiB: number;
  rssEndMiB: number;
  firstByteP50Ms: number;
  firstByteP99Ms: number;
};

type StreamOutcome = { ok: true; firstByteMs: number } | { ok: false; reason: string };

async function oneStream(url: string, key: string, dispatcher: Agent): Promise<StreamOutcome> {
  const started = performance.now();
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SOAK_MODEL, stream: true, messages: [{ role: 'user', content: 'Count slowly.' }] }),
    });
    if (res.statusCode !== 200) {
      await res.body.text();
      return { ok: false, reason: `HTTP ${res.statusCode}` };
    }
    let firstByteMs = -1;
    let tail = '';
    let ticks = 0;
    let done = false;
    let errored = false;
    for await (const chunk of res.body) {
      if (firstByteMs < 0) firstByteMs = performance.now() - started;
      const text = tail + (chunk as Buffer).toString('utf8');
      const frames = text.split('\n\n');
      tail = frames.pop() ?? '';
      for (const frame of frames) {
        if (frame === 'data: [DONE]') done = true;
        else if (frame.startsWith('data: {"error"')) errored = true;
        else if (frame.includes('"content":"tick')) ticks += 1;
      }
    }
    if (errored) return { ok: false, reason: 'error frame' };
    if (!done) return { ok: false, reason: 'no [DONE]' };
    if (ticks !== CHUNKS_PER_STREAM) return { ok: false, reason: `${ticks} chunks` };
    return { ok: true, firstByteMs };
  } catch (err) {
    return { ok: false, reason: (err as { code?: string }).code ?? String(err) };
  }
}

async function warmUp(gateway: GatewayProcess, key: string): Promise<number> {
  let ok = 0;
  for (const stream of [false, true]) {
    const run = await drive({
      url: `${gateway.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: bodyFor({ stream }, BENCH_MODEL),
      connections: 32,
      amount: WARMUP_REQUESTS,
    });
    ok += run.ok;
  }
  return ok;
}

export async function runSoak(gateway: GatewayProcess, key: string, streams: number, say: (line: string) => void): Promise<SoakResult> {
  const warmupRequests = await warmUp(gateway, key);
  const dispatcher = new Agent({ connections: streams, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const start = memoryMiB(gateway.pid);
  let peak = start.rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, memoryMiB(gateway.pid).rss);
  }, RSS_SAMPLE_MS);
  say(
    `soak: ${streams} concurrent streams of ${CHUNKS_PER_STREAM} chunks, one every 100 ms; gateway RSS at start ${start.rss.toFixed(1)} MiB`,
  );
  const began = performance.now();
  const progress = setInterval(() => {
    say(
      `  ${((performance.now() - began) / 1000).toFixed(0)} s: gateway RSS ${memoryMiB(gateway.pid).rss.toFixed(1)} MiB (peak ${peak.toFixed(1)})`,
    );
  }, 5_000);
  const url = `${gateway.url}/v1/chat/completions`;
  const outcomes = await Promise.all(Array.from({ length: streams }, () => oneStream(url, key, dispatcher)));
  const elapsedS = (performance.now() - began) / 1000;
  clearInterval(sampler);
  clearInterval(progress);
  await dispatcher.close();
  const end = memoryMiB(gateway.pid);
  const errors: Record<string, number> = {};
  const firstBytes: number[] = [];
  for (const o of outcomes) {
    if (o.ok) firstBytes.push(o.firstByteMs);
    else errors[o.reason] = (errors[o.reason] ?? 0) + 1;
  }
  firstBytes.sort((a, b) => a - b);
  const pct = (p: number) => firstBytes[Math.min(firstBytes.length - 1, Math.ceil((p / 100) * firstBytes.length) - 1)] ?? Number.NaN;
  const result: SoakResult = {
    ok: firstBytes.length === streams,
    streams,
    completeStreams: firstBytes.length,
    warmupRequests,
    errors,
    elapsedS,
    rssStartMiB: start.rss,
    rssPeakSampledMiB: Math.max(peak, end.rss),
    rssHighWaterMiB: end.peak,
    rssEndMiB: end.rss,
    firstByteP50Ms: pct(50),
    firstByteP99Ms: pct(99),
  };
  say(
    `soak: ${result.completeStreams}/${streams} complete streams in ${elapsedS.toFixed(1)} s, errors ${JSON.stringify(errors)}; ` +
      `gateway RSS start ${result.rssStartMiB.toFixed(1)} MiB, peak ${result.rssPeakSampledMiB.toFixed(1)} MiB (VmHWM ${result.rssHighWaterMiB.toFixed(1)}), end ${result.rssEndMiB.toFixed(1)}; ` +
      `first byte p50 ${result.firstByteP50Ms.toFixed(1)} ms, p99 ${result.firstByteP99Ms.toFixed(1)} ms; target (issue 14): peak RSS (VmHWM) ≤ 250 MB, zero errors → ${result.ok && result.rssHighWaterMiB * 1.048576 <= 250 ? 'met' : 'MISSED'}`,
  );
  return result;
}
