/**
 * `npm run bench`: the mock upstream, the floor proxy, the pipeline proxy and the gateway, each its own
 * process on 127.0.0.1, driven side by side and interleaved in one run (suite.ts), then the billing check
 * (verify.ts) for every gateway. Options (see BENCHMARKS.md): `--postgres` (the gateway on private
 * PostgreSQL clusters: one with production durability, one with fsync/synchronous_commit off, both in the
 * same run; `--durability durable|fast|both`, default both), `--seconds N` measured per target and scenario
 * (default 9, in `--rounds` interleaved rounds, default 9), `--only c1,c32,stream1,stream`, `--no-pipeline`
 * (skip the pipeline proxy), `--profile` (gateways under `node --cpu-prof`), `--keep`, `--soak`,
 * `--streams N` (soak), `--gateway-node-flags="…"`. With DATABASE_URL set (and no `--postgres`) the gateway
 * runs on that PostgreSQL server, in a database created for the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchEnvironment, prepareEnvironment } from './environment.js';
import { type Durability, type PostgresCluster, startCluster } from './postgres-cluster.js';
import { cpuMicros, type GatewayProcess, repoRoot, type ServerProcess, startChild, startGateway } from './processes.js';
import { formatProfile, summarizeProfile } from './profile-summary.js';
import { provisionTenant, type Tenant } from './provision.js';
import { formatReport, type GatewayInfo, machine, summarize, writeResult } from './report.js';
import { runSoak } from './soak.js';
import { runScenario, type ScenarioResult, type SuiteTotals, scenarios, type Target, targetsFor } from './suite.js';
import { type BillingCheck, checkBilling } from './verify.js';

const { values: opts } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'both' },
    seconds: { type: 'string', default: '9' },
    rounds: { type: 'string', default: '9' },
    only: { type: 'string' },
    'no-pipeline': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    streams: { type: 'string', default: '1000' },
    'gateway-node-flags': { type: 'string', default: '' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const started: ServerProcess[] = [];
const clusters: PostgresCluster[] = [];

async function stopAll(): Promise<void> {
  for (const p of started.reverse()) await p.stop().catch(() => undefined);
}

/** What was measured: the commit, and whether the working tree's src/ differed from it. */
function revision(): { commit: string; srcChanges: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  try {
    const changes = git('status', '--porcelain', '--', 'src', 'bin', 'migrations');
    return { commit: git('rev-parse', '--short=12', 'HEAD'), srcChanges: changes ? changes.split('\n').map((l) => l.trim()) : [] };
  } catch {
    return { commit: 'unknown (not a git checkout)', srcChanges: [] };
  }
}

type GatewaySetup = { name: string; database: string; durability?: Durability; serverUrl?: string; cluster?: PostgresCluster };

async function gatewaySetups(): Promise<GatewaySetup[]> {
  if (!opts.postgres) {
    if (process.env.DATABASE_URL)
      return [{ name: 'gateway', database: 'PostgreSQL (DATABASE_URL, as configured)', serverUrl: process.env.DATABASE_URL }];
    return [{ name: 'gateway', database: 'SQLite (embedded, WAL)' }];
  }
  const wanted: Durability[] = opts.durability === 'both' ? ['durable', 'fast'] : [opts.durability as Durability];
  if (opts.soak) wanted.splice(1); // the soak drives one gateway
  if (!wanted.every((d) => d === 'durable' || d === 'fast')) throw new Error('--durability must be durable, fast or both');
  const setups: GatewaySetup[] = [];
  for (const durability of wanted) {
    const cluster = await startCluster(durability);
    clusters.push(cluster);
    setups.push({
      name: `gateway pg ${durability}`,
      database: `PostgreSQL private cluster (${cluster.settings})`,
      durability,
      serverUrl: cluster.url,
      cluster,
    });
  }
  return setups;
}

/** CPU each server (and each gateway's database) burns with no request in flight: part of any per-request figure at low rates. */
async function measureIdle(targets: Target[], ms = 3_000): Promise<Record<string, number>> {
  const readings = () =>
    targets.flatMap((t) => [
      [t.role === 'direct' ? 'mock' : t.name, cpuMicros(t.server.pid)] as const,
      ...(t.databaseCpuMicros ? [[`${t.name} database`, t.databaseCpuMicros()] as const] : []),
    ]);
  await new Promise((r) => setTimeout(r, 1_000));
  const before = new Map(readings());
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const seconds = (performance.now() - t0) / 1000;
  return Object.fromEntries(readings().map(([name, v]) => [name, (v - (before.get(name) ?? v)) / 1000 / seconds]));
}

type Gateway = {
  setup: GatewaySetup;
  environment: BenchEnvironment;
  process: GatewayProcess;
  tenant: Tenant;
  profileDir: string | null;
  spawnedAt: number;
};

async function main(): Promise<number> {
  const gateways: Gateway[] = [];
  const environments: BenchEnvironment[] = [];
  let measureFrom = 0;
  try {
    const mock = await startChild('mock', './mock-upstream.ts');
    started.push(mock);
    const floor = opts.soak ? null : await startChild('floor proxy', './floor-proxy.ts', [mock.url]);
    if (floor) started.push(floor);
    const pipeline = opts.soak || opts['no-pipeline'] ? null : await startChild('pipeline proxy', './pipeline-proxy.ts', [mock.url]);
    if (pipeline) started.push(pipeline);
    const setups = await gatewaySetups();
    for (const setup of setups) {
      const environment = await prepareEnvironment({ keep: opts.keep, serverUrl: setup.serverUrl });
      environments.push(environment);
      const profileDir = opts.profile ? join(import.meta.dirname, 'results', `profile-${stamp}`, setup.name.replace(/\W+/g, '-')) : null;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const spawnedAt = performance.now();
      const nodeFlags = [
        ...(opts['gateway-node-flags']?.split(/\s+/).filter(Boolean) ?? []),
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ];
      const gw = await startGateway(environment.env, nodeFlags);
      started.push(gw);
      const tenant = await provisionTenant(gw.url, environment.adminKey, mock.url);
      gateways.push({ setup, environment, process: gw, tenant, profileDir, spawnedAt });
      say(`${setup.name} ${gw.url} (pid ${gw.pid}, ${setup.database})`);
    }
    say(
      `mock ${mock.url} (pid ${mock.pid})${floor ? `, floor proxy ${floor.url} (pid ${floor.pid})` : ''}${pipeline ? `, pipeline proxy ${pipeline.url} (pid ${pipeline.pid})` : ''}`,
    );
    const rev = revision();
    // The profiles' start-up part (compiling, migrations, provisioning) is left out of their summaries.
    measureFrom = performance.now();
    say(`measuring commit ${rev.commit}${rev.srcChanges.length ? ` plus uncommitted changes: ${rev.srcChanges.join(', ')}` : ''}`);

    if (opts.soak) {
      const [g] = gateways;
      const soak = await runSoak(g.process, g.tenant.endUserKey, Number(opts.streams), say);
      await g.process.stop();
      const billing = await checkBilling(g.process.env, g.tenant.platformId, soak.completeStreams + soak.warmupRequests);
      const result = { kind: 'soak', startedAt: stamp, revision: rev, dialect: g.environment.dialect, machine: machine(), soak, billing };
      say(`Billing: ${billing.ok ? 'every stream billed' : billing.problems.join('; ')}`);
      say(`ledger verify (exit ${billing.ledgerVerify.code}): ${billing.ledgerVerify.output}`);
      say(`Result: ${writeResult(`soak-${g.environment.dialect}-${stamp}.json`, result)}`);
      return soak.ok && billing.ok ? 0 : 1;
    }

    if (!floor) throw new Error('unreachable: the floor proxy runs outside soak mode');
    const only = opts.only?.split(',').map((s) => s.trim());
    const seconds = Number(opts.seconds);
    const rounds = Number(opts.rounds);
    const targets = targetsFor(
      mock,
      floor,
      pipeline,
      gateways.map((g) => ({
        name: g.setup.name,
        server: g.process,
        endUserKey: g.tenant.endUserKey,
        databaseCpuMicros: g.setup.cluster ? () => g.setup.cluster?.cpuMicros() ?? 0 : undefined,
      })),
    );
    const idleCpuMsPerS = await measureIdle(targets);
    say(
      `idle CPU, ms per s: ${Object.entries(idleCpuMsPerS)
        .map(([n, v]) => `${n} ${v.toFixed(1)}`)
        .join(', ')}`,
    );
    const totals: SuiteTotals = { gatewayOk: {}, failures: 0 };
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios.filter((s) => !only || only.includes(s.name))) {
      results.push(await runScenario(scenario, targets, mock, { seconds, rounds }, totals, say));
    }
    const billing: Record<string, BillingCheck> = {};
    for (const g of gateways) {
      await g.process.stop();
      billing[g.setup.name] = await checkBilling(g.process.env, g.tenant.platformId, totals.gatewayOk[g.setup.name] ?? 0);
    }
    const gatewayInfo: GatewayInfo[] = gateways.map((g) => ({
      name: g.setup.name,
      database: g.setup.database,
      durability: g.setup.durability,
    }));
    const report = summarize({
      kind: 'bench',
      startedAt: stamp,
      revision: rev,
      dialect: gateways[0].environment.dialect,
      machine: machine(),
      secondsPerMeasurement: seconds,
      rounds,
      gateways: gatewayInfo,
      idleCpuMsPerS,
      scenarios: results,
      billing,
    });
    say('');
    say(formatReport(report));
    const label = opts.postgres ? 'postgres' : gateways[0].environment.dialect;
    say(`\nResult: ${writeResult(`bench-${label}-${stamp}.json`, report)}`);
    return totals.failures === 0 && Object.values(billing).every((b) => b.ok) ? 0 : 1;
  } catch (err) {
    for (const g of gateways) process.stderr.write(`${g.setup.name} output (last lines):\n${g.process.output().slice(-4000)}\n`);
    throw err;
  } finally {
    await stopAll();
    for (const g of gateways) {
      if (!g.profileDir) continue;
      // Thread 0 is the main thread; the others are worker threads.
      for (const file of readdirSync(g.profileDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
        const skipMs = measureFrom - g.spawnedAt;
        say(`\n${g.setup.name} CPU profile ${join(g.profileDir, file)} (after start-up and provisioning, ${skipMs.toFixed(0)} ms):`);
        say(formatProfile(summarizeProfile(join(g.profileDir, file), { skipMs })));
      }
    }
    for (const e of environments) await e.cleanup();
    for (const c of clusters) c.stop();
  }
}

process.once('SIGINT', () => {
  void stopAll()
    .then(() => {
      for (const c of clusters) c.stop();
    })
    .finally(() => process.exit(130));
});
process.exitCode = await main();
