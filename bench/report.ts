/** The run's figures as ratios against issue 5's targets: a printed table and a JSON result file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Measurement, ScenarioName, ScenarioResult, TargetName } from './suite.js';
import type { BillingCheck } from './verify.js';

export type Verdict = { name: string; value: string; target: string; pass: boolean };

export type RunReport = {
  kind: 'bench';
  startedAt: string;
  dialect: 'sqlite' | 'postgres';
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  secondsPerMeasurement: number;
  scenarios: ScenarioResult[];
  /** Gateway req/s ÷ bare-proxy req/s, per scenario. */
  ratios: Partial<Record<ScenarioName, number>>;
  /** Bare-proxy CPU µs/req ÷ gateway CPU µs/req: the same comparison, less sensitive to other load on the machine. */
  cpuRatios: Partial<Record<ScenarioName, number>>;
  addedLatencyMs: {
    overDirectP50?: number;
    overDirectP99?: number;
    bareOverDirectP50?: number;
    bareOverDirectP99?: number;
    overBareP50?: number;
  };
  verdicts: Verdict[];
  billing: BillingCheck | null;
};

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function find(results: ScenarioResult[], scenario: ScenarioName, target: TargetName): Measurement | undefined {
  return results.find((r) => r.scenario.name === scenario)?.measurements.find((m) => m.target === target);
}

export function summarize(report: Omit<RunReport, 'ratios' | 'cpuRatios' | 'addedLatencyMs' | 'verdicts'>): RunReport {
  const ratios: RunReport['ratios'] = {};
  const cpuRatios: RunReport['cpuRatios'] = {};
  for (const r of report.scenarios) {
    const gw = find(report.scenarios, r.scenario.name, 'gateway');
    const bare = find(report.scenarios, r.scenario.name, 'bare');
    if (gw && bare) {
      ratios[r.scenario.name] = gw.reqPerS / bare.reqPerS;
      cpuRatios[r.scenario.name] = bare.cpuMicrosPerRequest / gw.cpuMicrosPerRequest;
    }
  }
  const direct = find(report.scenarios, 'c1', 'direct');
  const bare = find(report.scenarios, 'c1', 'bare');
  const gw = find(report.scenarios, 'c1', 'gateway');
  const added: RunReport['addedLatencyMs'] = {};
  if (direct && gw) {
    added.overDirectP50 = gw.p50Ms - direct.p50Ms;
    added.overDirectP99 = gw.p99Ms - direct.p99Ms;
  }
  if (direct && bare) {
    added.bareOverDirectP50 = bare.p50Ms - direct.p50Ms;
    added.bareOverDirectP99 = bare.p99Ms - direct.p99Ms;
  }
  if (bare && gw) added.overBareP50 = gw.p50Ms - bare.p50Ms;

  const verdicts: Verdict[] = [];
  const ratio = (name: string, v: number | undefined, min: number, stretch?: number) => {
    if (v === undefined) return;
    const target = `≥ ${min}${stretch ? ` (stretch ${stretch})` : ''}`;
    verdicts.push({ name, value: `${v.toFixed(2)}×`, target, pass: v >= min });
  };
  ratio('non-streaming c=32, gateway / bare proxy', ratios.c32, 0.5, 0.7);
  ratio('streaming c=32, gateway / bare proxy', ratios.stream, 0.5);
  const ms = (name: string, v: number | undefined, max: number) => {
    if (v !== undefined) verdicts.push({ name, value: `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms`, target: `≤ ${max} ms`, pass: v <= max });
  };
  ms('added p50 over direct, c=1', added.overDirectP50, 0.5);
  ms('added p99 over direct, c=1', added.overDirectP99, 2);
  ms('added p50 over bare proxy, c=1 (design §10)', added.overBareP50, 0.3);
  if (report.billing) {
    verdicts.push({
      name: 'every request billed, ledger verify clean',
      value: report.billing.ok ? 'yes' : report.billing.problems.join('; '),
      target: 'yes',
      pass: report.billing.ok,
    });
  }
  return { ...report, ratios, cpuRatios, addedLatencyMs: added, verdicts };
}

const f = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  lines.push(
    `Assistiv Gateway benchmark: ${r.dialect}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ~${r.secondsPerMeasurement} s per measurement`,
    '',
    '| scenario | target | req/s | p50 ms | p99 ms | CPU µs/req (server) | mock CPU µs/req | write syscalls/req | failed |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const s of r.scenarios) {
    for (const m of s.measurements) {
      const server = m.target === 'direct' ? 'mock' : m.target;
      lines.push(
        `| ${s.scenario.label} | ${m.target} | ${f(m.reqPerS, 0)} | ${f(m.p50Ms, 3)} | ${f(m.p99Ms, 3)} | ${f(m.cpuMicrosPerRequest, 0)} (${server}) | ${f(m.mockCpuMicrosPerRequest, 0)} | ${f(m.writesPerRequest, 1)} | ${m.errors + m.non2xx} |`,
      );
    }
  }
  const a = r.addedLatencyMs;
  const cpu = Object.entries(r.cpuRatios).map(([name, v]) => `${name} ${f(v, 2)}×`);
  if (cpu.length > 0) lines.push('', `CPU ratios (bare-proxy CPU µs/req ÷ gateway CPU µs/req): ${cpu.join(', ')}`);
  lines.push(
    '',
    `Added latency at c=1: bare proxy over direct p50 ${f(a.bareOverDirectP50 ?? Number.NaN, 3)} ms, p99 ${f(a.bareOverDirectP99 ?? Number.NaN, 3)} ms; gateway over direct p50 ${f(a.overDirectP50 ?? Number.NaN, 3)} ms, p99 ${f(a.overDirectP99 ?? Number.NaN, 3)} ms; gateway over bare proxy p50 ${f(a.overBareP50 ?? Number.NaN, 3)} ms`,
    '',
    '| target (issue 5) | this run | goal | |',
    '|---|---:|---|---|',
    ...r.verdicts.map((v) => `| ${v.name} | ${v.value} | ${v.target} | ${v.pass ? 'met' : 'MISSED'} |`),
  );
  if (r.billing) {
    const b = r.billing;
    lines.push(
      '',
      `Billing: ${b.successfulRequests} successful gateway requests (warm-ups included); ${b.billedSuccessRows} billed success log rows, ${b.otherRows} other rows; ${b.walletDebitRows} wallet debits totalling ${b.walletDebitsMicros} µUSD = logged costs ${b.loggedCostMicros} µUSD; ${b.openReservations} reservations open.`,
      `ledger verify (exit ${b.ledgerVerify.code}): ${b.ledgerVerify.output}`,
    );
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
