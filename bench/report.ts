/**
 * The run's figures against issue 14's targets: per gateway, its throughput, CPU per request and added
 * latency against the floor proxy (first) and the pipeline proxy, as a printed report and a JSON file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Durability } from './postgres-cluster.js';
import type { Measurement, ScenarioName, ScenarioResult } from './suite.js';
import type { BillingCheck } from './verify.js';

export type Verdict = { name: string; value: string; target: string; pass: boolean };

export type GatewayInfo = { name: string; database: string; durability?: Durability };

/** One scenario's first-class figures for one gateway. */
export type GatewayScenario = {
  reqPerS: number;
  /** Gateway req/s ÷ floor req/s (and ÷ pipeline-proxy req/s), same run, interleaved. */
  overFloor: number;
  /** Lowest and highest gateway ÷ floor among the rounds (each round measures every target once, back to back). */
  overFloorRange: [number, number];
  overPipeline?: number;
  cpuMicrosPerRequest: number;
  floorCpuMicrosPerRequest: number;
  /** Gateway CPU µs/req ÷ floor CPU µs/req. */
  cpuTimesFloor: number;
  databaseCpuMicrosPerRequest?: number;
  /** Gateway p50/p99 minus the floor's (meaningful at c=1, where nothing queues). */
  addedP50MsOverFloor: number;
  addedP99MsOverFloor: number;
  addedP50MsOverDirect: number;
  addedP99MsOverDirect: number;
};

export type GatewaySummary = GatewayInfo & {
  scenarios: Partial<Record<ScenarioName, GatewayScenario>>;
  verdicts: Verdict[];
  billing: BillingCheck | null;
};

export type RunReport = {
  kind: 'bench';
  startedAt: string;
  revision: { commit: string; srcChanges: string[] };
  dialect: 'sqlite' | 'postgres';
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAverage: number[] };
  secondsPerMeasurement: number;
  rounds: number;
  /** CPU per second of wall time each server (and database) used while idle, just before the scenarios. */
  idleCpuMsPerS: Record<string, number>;
  gateways: GatewaySummary[];
  scenarios: ScenarioResult[];
};

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg(),
  };
}

function find(results: ScenarioResult[], scenario: ScenarioName, target: string): Measurement | undefined {
  return results.find((r) => r.scenario.name === scenario)?.measurements.find((m) => m.target === target);
}

/** Issue 14's targets for a gateway on this database (PostgreSQL's were set for production durability). */
function verdictsFor(g: GatewayInfo, s: GatewaySummary['scenarios'], billing: BillingCheck | null): Verdict[] {
  const verdicts: Verdict[] = [];
  const postgres = g.database.startsWith('PostgreSQL');
  const note = postgres && g.durability !== 'durable' ? ' (PostgreSQL target, set for durable)' : '';
  const atLeast = (name: string, v: number | undefined, min: number, stretch?: number) => {
    if (v === undefined) return;
    verdicts.push({
      name: name + note,
      value: `${v.toFixed(2)}×`,
      target: `≥ ${min}×${stretch ? ` (stretch ${stretch}×)` : ''}`,
      pass: v >= min,
    });
  };
  const atMost = (name: string, v: number | undefined, max: number, unit: string, digits: number) => {
    if (v === undefined) return;
    const sign = unit === ' ms' && v >= 0 ? '+' : '';
    verdicts.push({ name: name + note, value: `${sign}${v.toFixed(digits)}${unit}`, target: `≤ ${max}${unit}`, pass: v <= max });
  };
  if (postgres) {
    atLeast('non-streaming c=32 req/s ÷ floor', s.c32?.overFloor, 0.35);
    atLeast('streaming c=32 req/s ÷ floor', s.stream?.overFloor, 0.35);
    atMost('c=1 added p50 over floor', s.c1?.addedP50MsOverFloor, 1.5, ' ms', 3);
  } else {
    atLeast('non-streaming c=32 req/s ÷ floor', s.c32?.overFloor, 0.5, 0.7);
    atLeast('streaming c=32 req/s ÷ floor', s.stream?.overFloor, 0.6);
    atMost('c=1 added p50 over floor', s.c1?.addedP50MsOverFloor, 0.3, ' ms', 3);
    atMost('c=1 added p99 over floor', s.c1?.addedP99MsOverFloor, 1, ' ms', 3);
  }
  atMost('CPU per non-streaming request, c=32, × floor', s.c32?.cpuTimesFloor, 2, '×', 2);
  atMost('CPU per non-streaming request, c=1, × floor', s.c1?.cpuTimesFloor, 2, '×', 2);
  if (billing) {
    verdicts.push({
      name: 'every request billed, ledger verify clean',
      value: billing.ok ? 'yes' : billing.problems.join('; '),
      target: 'yes',
      pass: billing.ok,
    });
  }
  return verdicts;
}

export function summarize(
  report: Omit<RunReport, 'gateways'> & { gateways: GatewayInfo[]; billing: Record<string, BillingCheck> },
): RunReport {
  const { billing, ...rest } = report;
  const gateways = report.gateways.map((g): GatewaySummary => {
    const scenarios: GatewaySummary['scenarios'] = {};
    for (const r of report.scenarios) {
      const name = r.scenario.name;
      const gw = find(report.scenarios, name, g.name);
      const floor = find(report.scenarios, name, 'floor');
      const direct = find(report.scenarios, name, 'direct');
      const pipeline = find(report.scenarios, name, 'pipeline');
      if (!gw || !floor || !direct) continue;
      scenarios[name] = {
        reqPerS: gw.reqPerS,
        overFloor: gw.reqPerS / floor.reqPerS,
        overFloorRange: range(gw.roundReqPerS.map((v, i) => v / floor.roundReqPerS[i])),
        ...(pipeline && { overPipeline: gw.reqPerS / pipeline.reqPerS }),
        cpuMicrosPerRequest: gw.cpuMicrosPerRequest,
        floorCpuMicrosPerRequest: floor.cpuMicrosPerRequest,
        cpuTimesFloor: gw.cpuMicrosPerRequest / floor.cpuMicrosPerRequest,
        ...(gw.databaseCpuMicrosPerRequest !== undefined && { databaseCpuMicrosPerRequest: gw.databaseCpuMicrosPerRequest }),
        addedP50MsOverFloor: gw.p50Ms - floor.p50Ms,
        addedP99MsOverFloor: gw.p99Ms - floor.p99Ms,
        addedP50MsOverDirect: gw.p50Ms - direct.p50Ms,
        addedP99MsOverDirect: gw.p99Ms - direct.p99Ms,
      };
    }
    const b = billing[g.name] ?? null;
    return { ...g, scenarios, verdicts: verdictsFor(g, scenarios, b), billing: b };
  });
  return { ...rest, gateways };
}

function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [Number.NaN, Number.NaN];
}

const f = (v: number | undefined, digits: number) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
const ms = (v: number | undefined) => (v === undefined ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Assistiv Gateway benchmark ${r.startedAt}: commit ${r.revision.commit}${r.revision.srcChanges.length ? ` + uncommitted changes (${r.revision.srcChanges.length} files in src/bin/migrations)` : ''}`,
    `${m.cpus} × ${m.cpuModel}, Node ${m.node}, load average ${m.loadAverage.map((v) => v.toFixed(1)).join(' ')}; ~${r.secondsPerMeasurement} s per target and scenario in ${r.rounds} interleaved rounds`,
    'floor = floor-proxy.ts (undici pool.stream, raw headers); pipeline = pipeline-proxy.ts (pool.request + stream.pipeline); direct = the mock itself',
    `idle CPU before the scenarios (ms per s, counted in every CPU µs/req figure): ${Object.entries(r.idleCpuMsPerS)
      .map(([n, v]) => `${n} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  for (const g of r.gateways) {
    const hasDb = Object.values(g.scenarios).some((s) => s?.databaseCpuMicrosPerRequest !== undefined);
    lines.push(
      '',
      `## ${g.name}: ${g.database}`,
      '',
      `| scenario | gateway req/s | ÷ floor | (rounds) | ÷ pipeline | gateway CPU µs/req | floor CPU µs/req | CPU × floor |${hasDb ? ' database CPU µs/req | gateway + database × floor |' : ''} added p50 / p99 ms over floor |`,
      `|---|---:|---:|---|---:|---:|---:|---:|${hasDb ? '---:|---:|' : ''}---:|`,
    );
    for (const res of r.scenarios) {
      const s = g.scenarios[res.scenario.name];
      if (!s) continue;
      lines.push(
        `| ${res.scenario.label} | ${f(s.reqPerS, 0)} | **${f(s.overFloor, 2)}×** | ${f(s.overFloorRange[0], 2)}–${f(s.overFloorRange[1], 2)} | ${f(s.overPipeline, 2)}× | **${f(s.cpuMicrosPerRequest, 0)}** | ${f(s.floorCpuMicrosPerRequest, 0)} | ${f(s.cpuTimesFloor, 2)}× |${hasDb ? ` ${f(s.databaseCpuMicrosPerRequest, 0)} | ${f((s.cpuMicrosPerRequest + (s.databaseCpuMicrosPerRequest ?? 0)) / s.floorCpuMicrosPerRequest, 2)}× |` : ''} ${ms(s.addedP50MsOverFloor)} / ${ms(s.addedP99MsOverFloor)} |`,
      );
    }
    const c1 = g.scenarios.c1;
    const s1 = g.scenarios.stream1;
    if (c1 || s1) {
      lines.push(
        '',
        `Added latency at c=1 (the other rows queue, so their latency differences are throughput, not overhead): non-streaming p50 ${ms(c1?.addedP50MsOverFloor)} ms / p99 ${ms(c1?.addedP99MsOverFloor)} ms over the floor (${ms(c1?.addedP50MsOverDirect)} / ${ms(c1?.addedP99MsOverDirect)} over direct); streaming p50 ${ms(s1?.addedP50MsOverFloor)} / p99 ${ms(s1?.addedP99MsOverFloor)} over the floor (${ms(s1?.addedP50MsOverDirect)} / ${ms(s1?.addedP99MsOverDirect)} over direct).`,
      );
    }
    lines.push('', '| target (issue 14) | this run | goal | |', '|---|---:|---|---|');
    lines.push(...g.verdicts.map((v) => `| ${v.name} | ${v.value} | ${v.target} | ${v.pass ? 'met' : 'MISSED'} |`));
    if (g.billing) {
      const b = g.billing;
      lines.push(
        '',
        `Billing: ${b.successfulRequests} successful requests (warm-ups included); ${b.billedSuccessRows} billed success log rows, ${b.otherRows} other rows; ${b.walletDebitRows} wallet debits totalling ${b.walletDebitsMicros} µUSD = logged costs ${b.loggedCostMicros} µUSD; ${b.openReservations} reservations open. ledger verify (exit ${b.ledgerVerify.code}): ${b.ledgerVerify.output}`,
      );
    }
  }
  const anyDb = r.scenarios.some((s) => s.measurements.some((x) => x.databaseCpuMicrosPerRequest !== undefined));
  lines.push(
    '',
    '## Every measurement',
    '',
    `| scenario | target | req/s | p50 ms | p99 ms | CPU µs/req (server) | mock CPU µs/req |${anyDb ? ' database CPU µs/req |' : ''} load generator CPU µs/req | write syscalls/req | failed |`,
    `|---|---|---:|---:|---:|---:|---:|${anyDb ? '---:|' : ''}---:|---:|---:|`,
  );
  for (const s of r.scenarios) {
    for (const x of s.measurements) {
      lines.push(
        `| ${s.scenario.label} | ${x.target} | ${f(x.reqPerS, 0)} | ${f(x.p50Ms, 3)} | ${f(x.p99Ms, 3)} | ${f(x.cpuMicrosPerRequest, 0)}${x.role === 'direct' ? ' (mock)' : ''} | ${f(x.mockCpuMicrosPerRequest, 0)} |${anyDb ? ` ${f(x.databaseCpuMicrosPerRequest, 0)} |` : ''} ${f(x.loadGeneratorCpuMicrosPerRequest, 0)} | ${f(x.writesPerRequest, 1)} | ${x.errors + x.non2xx} |`,
      );
    }
  }
  return lines.join('\n');
}

export function writeResult(name: string, data: unknown): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
