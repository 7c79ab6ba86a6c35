/**
 * `npm run bench:scale-out` (issue 15): where one PostgreSQL saturates as gateway instances are added. Starts a
 * private PostgreSQL cluster with production durability (fsync, synchronous_commit, full_page_writes on; initdb +
 * pg_ctl on a free port, as `npm run bench -- --postgres` does), the mock upstream, then 1, 2, 3 … `assistiv serve`
 * processes on one database, and for each count drives all instances at once with autocannon (the same
 * connections per instance, requests spread over several tenants so no single wallet row is the bottleneck).
 * Reports per step: calls/s, p50/p99, PostgreSQL commits/s and commits per call (pg_stat_database.xact_commit
 * delta), and CPU of the gateways, the database and the load generator (from /proc). Results are printed and
 * written to bench/results/scale-out-<time>.json.
 *
 * Every process shares one machine: on a 2-core box the CPU, not PostgreSQL, is what saturates first; the
 * report says so by showing where the cores went (docs/scaling.md reads the figures).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { type BenchEnvironment, prepareEnvironment } from './environment.js';
import { type Durability, type PostgresCluster, startCluster } from './postgres-cluster.js';
import { clockTicksPerS, cpuMicros, type GatewayProcess, type ServerProcess, startChild, startGateway } from './processes.js';
import { BENCH_MODEL, provisionTenant, type Tenant } from './provision.js';

const USAGE = `npm run bench:scale-out -- [options]

  --instances 1,2,3     gateway process counts to measure, in order (default 1,2,3)
  --connections N       concurrent connections per gateway instance (default 32)
  --seconds N           measured seconds per step, after a 2 s warm-up (default 10)
  --tenants N           platforms (each its wallet and an end user with a budget) the calls are spread over (default 8)
  --stream              streaming calls (default: non-streaming)
  --durability durable|fast   the cluster's fsync/synchronous_commit/full_page_writes (default durable)
  --help                this text

Needs PostgreSQL server binaries (/usr/lib/postgresql/<v>/bin, or PG_BIN). The cluster lives under
PG_BENCH_DIR (default the temp dir), which must be a real disk for durable runs.`;

const { values: opts } = parseArgs({
  options: {
    instances: { type: 'string', default: '1,2,3' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    tenants: { type: 'string', default: '8' },
    stream: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'durable' },
    help: { type: 'boolean', default: false },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

type Step = {
  instances: number;
  connections: number;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  callsPerS: number;
  p50Ms: number;
  p99Ms: number;
  commits: number;
  commitsPerS: number;
  commitsPerCall: number;
  rowsPerCall: { inserted: number; updated: number; deleted: number };
  /**
   * Cores busy on average over the step (1 = one core fully used); `machine` is every process on the box
   * (/proc/stat), so `machine` minus the rest is what other work took meanwhile.
   */
  cores: { gateways: number; perGateway: number[]; database: number; loadGenerator: number; mock: number; machine: number };
  loadAverage: number;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Drives one gateway for `seconds` with `connections`, each request a tenant's key in turn. */
function driveFor(url: string, keys: string[], connections: number, seconds: number, stream: boolean) {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let next = 0;
  const body = JSON.stringify({ model: BENCH_MODEL, stream, messages: [{ role: 'user', content: 'Hello, benchmark.' }] });
  return new Promise<{ ok: number; non2xx: number; errors: number; latencies: number[] }>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/chat/completions`,
        method: 'POST',
        connections,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => ({
              ...req,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[next++ % keys.length]}` },
              body,
            }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve({ ok, non2xx, errors: result.errors, latencies })),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(responseTimeMs);
      } else non2xx++;
    });
  });
}

/** Busy CPU time of the whole machine so far (all cores, everything but idle and iowait), in µs. */
function machineBusyMicros(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields;
  return ((user + nice + system + irq + softirq + steal) * 1e6) / clockTicksPerS;
}

type DbCounters = { commits: number; inserted: number; updated: number; deleted: number };

async function dbCounters(url: string): Promise<DbCounters> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ xact_commit: string; tup_inserted: string; tup_updated: string; tup_deleted: string }>(
      'SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()',
    );
    const r = rows[0];
    return {
      commits: Number(r.xact_commit),
      inserted: Number(r.tup_inserted),
      updated: Number(r.tup_updated),
      deleted: Number(r.tup_deleted),
    };
  } finally {
    await c.end();
  }
}

/** More tenants on the same gateway: a platform with its provider key, a funded wallet and a budgeted end user. */
async function addTenant(gatewayUrl: string, adminKey: string, i: number): Promise<Tenant> {
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(gatewayUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { data: Record<string, unknown> & { id: string; api_key: { raw_key: string } } };
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json.data;
  };
  const providers = (await call(adminKey, 'GET', '/v1/admin/providers?limit=100')) as unknown as Array<{ id: string; slug: string }>;
  const openai = providers.find((p) => p.slug === 'openai')!;
  const platform = await call(adminKey, 'POST', '/v1/admin/platforms', { name: `Scale Co ${i}` });
  const key = platform.api_key.raw_key as string;
  const base = `/v1/platforms/${platform.id}`;
  await call(key, 'POST', `${base}/llm-configs`, { provider_id: openai.id, api_key: 'sk-bench-upstream' });
  await call(key, 'POST', `${base}/wallet/topup`, { amount: 1_000_000 });
  const user = await call(key, 'POST', `${base}/end-users`, { external_id: `scale-user-${i}` });
  await call(key, 'POST', `${base}/end-users/${user.id}/budget`, { max_usd: 100_000, period: 'monthly' });
  return { platformId: platform.id, platformKey: key, endUserId: user.id, endUserKey: user.api_key.raw_key };
}

async function main(): Promise<void> {
  if (opts.help) {
    say(USAGE);
    return;
  }
  const counts = opts.instances.split(',').map(Number);
  const connections = Number(opts.connections);
  const seconds = Number(opts.seconds);
  const tenantCount = Number(opts.tenants);
  if (!counts.every((n) => Number.isInteger(n) && n >= 1) || !(connections >= 1) || !(seconds >= 1) || !(tenantCount >= 1)) {
    throw new Error(`bad option value\n\n${USAGE}`);
  }
  const durability = opts.durability as Durability;
  if (durability !== 'durable' && durability !== 'fast') throw new Error('--durability must be durable or fast');

  const started: ServerProcess[] = [];
  let cluster: PostgresCluster | null = null;
  let environment: BenchEnvironment | null = null;
  const steps: Step[] = [];
  try {
    cluster = await startCluster(durability);
    say(`PostgreSQL private cluster: ${cluster.settings}`);
    const mock = await startChild('mock', './mock-upstream.ts');
    started.push(mock);
    const mockPid = mock.pid;
    environment = await prepareEnvironment({ keep: false, serverUrl: cluster.url });
    const env = environment.env;
    const gateways: GatewayProcess[] = [];
    const first = await startGateway(env);
    started.push(first);
    gateways.push(first);
    const tenants = [await provisionTenant(first.url, environment.adminKey, mock.url)];
    for (let i = 1; i < tenantCount; i++) tenants.push(await addTenant(first.url, environment.adminKey, i));
    const keys = tenants.map((t) => t.endUserKey);
    const dbUrl = env.DATABASE_URL;

    for (const n of counts) {
      while (gateways.length < n) {
        const gw = await startGateway(env);
        started.push(gw);
        gateways.push(gw);
      }
      const active = gateways.slice(0, n);
      say(`\n${n} instance(s): ${active.map((g) => `pid ${g.pid}`).join(', ')}; ${connections} connections each; warm-up 2 s`);
      await Promise.all(active.map((g) => driveFor(g.url, keys, connections, 2, opts.stream)));
      await new Promise((r) => setTimeout(r, 1_100)); // PostgreSQL flushes its statistics at most once a second
      const db0 = await dbCounters(dbUrl);
      const cpu0 = active.map((g) => cpuMicros(g.pid));
      const dbCpu0 = cluster.cpuMicros();
      const mock0 = cpuMicros(mockPid);
      const machine0 = machineBusyMicros();
      const self0 = process.cpuUsage();
      const t0 = performance.now();
      const runs = await Promise.all(active.map((g) => driveFor(g.url, keys, connections, seconds, opts.stream)));
      const elapsedS = (performance.now() - t0) / 1000;
      const cpu1 = active.map((g) => cpuMicros(g.pid));
      const dbCpu1 = cluster.cpuMicros();
      const mock1 = cpuMicros(mockPid);
      const machine1 = machineBusyMicros();
      const self = process.cpuUsage(self0);
      await new Promise((r) => setTimeout(r, 1_100));
      const db1 = await dbCounters(dbUrl);
      const ok = runs.reduce((s, r) => s + r.ok, 0);
      const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const commits = db1.commits - db0.commits;
      const perGateway = cpu1.map((c, i) => (c - cpu0[i]) / 1e6 / elapsedS);
      const step: Step = {
        instances: n,
        connections: connections * n,
        seconds: elapsedS,
        ok,
        non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
        errors: runs.reduce((s, r) => s + r.errors, 0),
        callsPerS: ok / elapsedS,
        p50Ms: percentile(all, 50),
        p99Ms: percentile(all, 99),
        commits,
        commitsPerS: commits / elapsedS,
        commitsPerCall: ok > 0 ? commits / ok : Number.NaN,
        rowsPerCall: {
          inserted: (db1.inserted - db0.inserted) / ok,
          updated: (db1.updated - db0.updated) / ok,
          deleted: (db1.deleted - db0.deleted) / ok,
        },
        cores: {
          gateways: perGateway.reduce((s, c) => s + c, 0),
          perGateway,
          database: (dbCpu1 - dbCpu0) / 1e6 / elapsedS,
          loadGenerator: (self.user + self.system) / 1e6 / elapsedS,
          mock: (mock1 - mock0) / 1e6 / elapsedS,
          machine: (machine1 - machine0) / 1e6 / elapsedS,
        },
        loadAverage: loadavg()[0],
      };
      steps.push(step);
      say(
        `  ${step.callsPerS.toFixed(0)} calls/s, p50 ${step.p50Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms, ` +
          `${step.commitsPerS.toFixed(0)} commits/s (${step.commitsPerCall.toFixed(2)} per call), ` +
          `cores: gateways ${step.cores.gateways.toFixed(2)}, PostgreSQL ${step.cores.database.toFixed(2)}, load generator ${step.cores.loadGenerator.toFixed(2)}, ` +
          `mock ${step.cores.mock.toFixed(2)}, whole machine ${step.cores.machine.toFixed(2)} of ${availableParallelism()}` +
          (step.non2xx + step.errors > 0 ? `; ${step.non2xx} non-2xx, ${step.errors} errors` : ''),
      );
    }
  } finally {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    await environment?.cleanup().catch(() => undefined);
    cluster?.stop();
  }

  say(
    '\n| instances | connections | calls/s | p50 ms | p99 ms | PG commits/s | commits/call | gateway cores | PG cores | loadgen + mock cores | machine busy cores |',
  );
  say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of steps) {
    say(
      `| ${s.instances} | ${s.connections} | ${s.callsPerS.toFixed(0)} | ${s.p50Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} | ${s.commitsPerS.toFixed(0)} | ` +
        `${s.commitsPerCall.toFixed(2)} | ${s.cores.gateways.toFixed(2)} | ${s.cores.database.toFixed(2)} | ` +
        `${(s.cores.loadGenerator + s.cores.mock).toFixed(2)} | ${s.cores.machine.toFixed(2)} |`,
    );
  }
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version };
  say(`\nmachine: ${machine.cpus} CPUs (${machine.model}), ${machine.node}; every process shares them.`);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scale-out-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ options: opts, machine, durability, steps }, null, 2)}\n`);
  say(`written: ${file}`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
