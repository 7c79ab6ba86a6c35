/**
 * The side-by-side measurements: each scenario drives direct-to-mock, the floor proxy, the pipeline proxy and
 * the gateway(s) in turn, in the same run, each after its own warm-up, interleaved in rounds, reading each
 * server's CPU time from /proc around the measured part only.
 */
import { drive, type LoadResult, type LoadSpec, type RawRun, summarizeRuns } from './load.js';
import { cpuMicros, type ServerProcess, writeSyscalls } from './processes.js';
import { BENCH_MODEL, BENCH_UPSTREAM_MODEL } from './provision.js';

/** direct: the mock itself; floor: floor-proxy.ts; pipeline: pipeline-proxy.ts; gateway: one gateway process. */
export type TargetRole = 'direct' | 'floor' | 'pipeline' | 'gateway';
export type ScenarioName = 'c1' | 'c32' | 'stream1' | 'stream';

export type Target = {
  /** Unique in a run: the role, or for gateways e.g. "gateway pg durable". */
  name: string;
  role: TargetRole;
  url: string;
  key: string;
  model: string;
  server: ServerProcess;
  /** CPU of the gateway's database server so far (PostgreSQL clusters the bench started), in µs. */
  databaseCpuMicros?: () => number;
};

export type Scenario = { name: ScenarioName; label: string; stream: boolean; connections: number; warmupRequests: number };

export const scenarios: Scenario[] = [
  { name: 'c1', label: 'non-streaming c=1', stream: false, connections: 1, warmupRequests: 500 },
  { name: 'c32', label: 'non-streaming c=32', stream: false, connections: 32, warmupRequests: 3_000 },
  { name: 'stream1', label: 'streaming c=1', stream: true, connections: 1, warmupRequests: 300 },
  { name: 'stream', label: 'streaming c=32', stream: true, connections: 32, warmupRequests: 2_000 },
];

/** A short, realistic prompt; the route's upstream model answers 20 text pieces (22 SSE data frames with the usage chunk). */
const PROMPT = 'Summarise the benefits of connection pooling for an HTTP gateway in one short paragraph.';

export type Measurement = LoadResult & {
  target: string;
  role: TargetRole;
  /** CPU time of the process under test per answered request (the mock's, for direct). */
  cpuMicrosPerRequest: number;
  /** The mock's CPU per request in the same measurement (the upstream's share). */
  mockCpuMicrosPerRequest: number;
  /** Write system calls of the process under test per request (socket writes, plus SQLite's for the gateway). */
  writesPerRequest: number;
  /** req/s of each measured round, in round order (the rounds of all targets interleave). */
  roundReqPerS: number[];
  /** The load generator's (this process's) CPU per request: on 2 shared cores it competes with the servers. */
  loadGeneratorCpuMicrosPerRequest: number;
  /** The database server's CPU per request (PostgreSQL clusters the bench started; absent otherwise). */
  databaseCpuMicrosPerRequest?: number;
};

export type ScenarioResult = { scenario: Scenario; measurements: Measurement[] };

export function bodyFor(scenario: Pick<Scenario, 'stream'>, model: string): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: PROMPT }],
    max_tokens: 256,
    ...(scenario.stream && { stream: true, stream_options: { include_usage: true } }),
  });
}

export type GatewayTarget = { name: string; server: ServerProcess; endUserKey: string; databaseCpuMicros?: () => number };

export function targetsFor(mock: ServerProcess, floor: ServerProcess, pipeline: ServerProcess | null, gateways: GatewayTarget[]): Target[] {
  const upstream = { key: 'sk-bench-upstream', model: BENCH_UPSTREAM_MODEL };
  return [
    { name: 'direct', role: 'direct', url: `${mock.url}/chat/completions`, ...upstream, server: mock },
    { name: 'floor', role: 'floor', url: `${floor.url}/v1/chat/completions`, ...upstream, server: floor },
    ...(pipeline
      ? [{ name: 'pipeline', role: 'pipeline' as const, url: `${pipeline.url}/v1/chat/completions`, ...upstream, server: pipeline }]
      : []),
    ...gateways.map(
      (g): Target => ({
        name: g.name,
        role: 'gateway',
        url: `${g.server.url}/v1/chat/completions`,
        key: g.endUserKey,
        model: BENCH_MODEL,
        server: g.server,
        databaseCpuMicros: g.databaseCpuMicros,
      }),
    ),
  ];
}

export type SuiteProgress = (line: string) => void;

/** Successful requests per gateway across warm-ups and measurements: what the billing check expects. */
export type SuiteTotals = { gatewayOk: Record<string, number>; failures: number };

/** Warm-up per target: at least this long (JIT, pools, caches), which also calibrates its request rate. */
const WARMUP_S = 1.5;

type Driven = {
  target: Target;
  spec: LoadSpec;
  ratePerS: number;
  runs: RawRun[];
  cpuMicros: number;
  mockCpuMicros: number;
  databaseCpuMicros: number;
  loadGeneratorCpuMicros: number;
  writes: number;
};

async function warmUp(target: Target, spec: LoadSpec, totals: SuiteTotals, firstAmount: number): Promise<number> {
  let amount = firstAmount;
  let elapsedS = 0;
  let rate = 0;
  while (elapsedS < WARMUP_S) {
    const run = await drive({ ...spec, amount });
    account(target, run, totals);
    elapsedS += run.elapsedS;
    rate = run.ok / run.elapsedS;
    amount = Math.max(spec.connections * 4, Math.round(rate * (WARMUP_S - elapsedS + 0.2)));
  }
  return rate;
}

function account(target: Target, run: RawRun, totals: SuiteTotals): void {
  if (target.role === 'gateway') totals.gatewayOk[target.name] = (totals.gatewayOk[target.name] ?? 0) + run.ok;
  totals.failures += run.errors + run.non2xx;
}

/**
 * Warms every target up, then measures in `rounds` interleaved rounds (the target order rotating each
 * round), so load from elsewhere on a noisy machine spreads over all targets alike; results are pooled.
 */
export async function runScenario(
  scenario: Scenario,
  targets: Target[],
  mock: ServerProcess,
  opts: { seconds: number; rounds: number },
  totals: SuiteTotals,
  progress: SuiteProgress,
): Promise<ScenarioResult> {
  const driven: Driven[] = [];
  for (const target of targets) {
    const spec: LoadSpec = {
      url: target.url,
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
      body: bodyFor(scenario, target.model),
      connections: scenario.connections,
      amount: 0,
    };
    const ratePerS = await warmUp(target, spec, totals, scenario.warmupRequests);
    driven.push({
      target,
      spec,
      ratePerS,
      runs: [],
      cpuMicros: 0,
      mockCpuMicros: 0,
      databaseCpuMicros: 0,
      loadGeneratorCpuMicros: 0,
      writes: 0,
    });
  }
  for (let round = 0; round < opts.rounds; round++) {
    for (let i = 0; i < driven.length; i++) {
      const d = driven[(i + round) % driven.length];
      const amount = Math.max(scenario.connections * 10, Math.round((d.ratePerS * opts.seconds) / opts.rounds));
      const cpuBefore = cpuMicros(d.target.server.pid);
      const mockBefore = cpuMicros(mock.pid);
      const writesBefore = writeSyscalls(d.target.server.pid);
      const databaseBefore = d.target.databaseCpuMicros?.() ?? 0;
      const loadBefore = process.cpuUsage();
      const run = await drive({ ...d.spec, amount });
      const load = process.cpuUsage(loadBefore);
      d.loadGeneratorCpuMicros += load.user + load.system;
      d.writes += writeSyscalls(d.target.server.pid) - writesBefore;
      d.cpuMicros += cpuMicros(d.target.server.pid) - cpuBefore;
      d.mockCpuMicros += cpuMicros(mock.pid) - mockBefore;
      d.databaseCpuMicros += (d.target.databaseCpuMicros?.() ?? 0) - databaseBefore;
      d.runs.push(run);
      d.ratePerS = run.ok / run.elapsedS;
      account(d.target, run, totals);
    }
  }
  const measurements = driven.map((d): Measurement => {
    const pooled = summarizeRuns(d.runs);
    return {
      ...pooled,
      target: d.target.name,
      role: d.target.role,
      roundReqPerS: d.runs.map((r) => r.ok / r.elapsedS),
      cpuMicrosPerRequest: d.cpuMicros / Math.max(1, pooled.ok),
      mockCpuMicrosPerRequest: d.mockCpuMicros / Math.max(1, pooled.ok),
      writesPerRequest: d.writes / Math.max(1, pooled.ok),
      loadGeneratorCpuMicrosPerRequest: d.loadGeneratorCpuMicros / Math.max(1, pooled.ok),
      ...(d.target.databaseCpuMicros && { databaseCpuMicrosPerRequest: d.databaseCpuMicros / Math.max(1, pooled.ok) }),
    };
  });
  for (const m of measurements) {
    progress(
      `  ${scenario.label.padEnd(19)} ${m.target.padEnd(19)} ${m.reqPerS.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(3)} ms  p99 ${m.p99Ms.toFixed(3)} ms  CPU ${m.cpuMicrosPerRequest.toFixed(0)} µs/req  (${m.ok} requests in ${m.elapsedS.toFixed(1)} s)`,
    );
  }
  return { scenario, measurements };
}
