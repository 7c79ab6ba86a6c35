/**
 * `npm run bench`: the mock upstream, the bare proxy and the gateway in three processes on 127.0.0.1,
 * driven side by side in one run (suite.ts), then the billing check (verify.ts). `--soak` runs the
 * 1,000-stream soak instead (soak.ts). Options: `--seconds N` measured per target and scenario (default 9,
 * in `--rounds` interleaved rounds, default 3), `--only c1,c32,stream`, `--profile` (the gateway runs under
 * `node --cpu-prof`; its top self-time functions are printed), `--keep` (keep the gateway's data),
 * `--streams N` (soak; default 1,000), `--gateway-node-flags="…"` (e.g. V8 heap flags). With DATABASE_URL
 * set the gateway runs on PostgreSQL, in a database created for the run. See BENCHMARKS.md.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareEnvironment } from './environment.js';
import { type GatewayProcess, type ServerProcess, startChild, startGateway } from './processes.js';
import { formatProfile, summarizeProfile } from './profile-summary.js';
import { provisionTenant } from './provision.js';
import { formatReport, machine, summarize, writeResult } from './report.js';
import { runSoak } from './soak.js';
import { runScenario, type ScenarioResult, type SuiteTotals, scenarios, targetsFor } from './suite.js';
import { checkBilling } from './verify.js';

const { values: opts } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '9' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    streams: { type: 'string', default: '1000' },
    'gateway-node-flags': { type: 'string', default: '' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const started: ServerProcess[] = [];

async function stopAll(): Promise<void> {
  for (const p of started.reverse()) await p.stop().catch(() => undefined);
}

function profileFlags(): { flags: string[]; dir: string | null; skipMs: number } {
  if (!opts.profile) return { flags: [], dir: null, skipMs: 0 };
  const dir = join(import.meta.dirname, 'results', `profile-${stamp}`);
  mkdirSync(dir, { recursive: true });
  return { flags: ['--cpu-prof', `--cpu-prof-dir=${dir}`], dir, skipMs: 0 };
}

async function main(): Promise<number> {
  const environment = await prepareEnvironment({ keep: opts.keep });
  const profile = profileFlags();
  let gateway: GatewayProcess | null = null;
  try {
    const mock = await startChild('mock', './mock-upstream.ts');
    started.push(mock);
    const bare = opts.soak ? null : await startChild('bare proxy', './bare-proxy.ts', [mock.url]);
    if (bare) started.push(bare);
    const gatewaySpawnedAt = performance.now();
    const nodeFlags = [...(opts['gateway-node-flags']?.split(/\s+/).filter(Boolean) ?? []), ...profile.flags];
    gateway = await startGateway(environment.env, nodeFlags);
    started.push(gateway);
    say(
      `mock ${mock.url} (pid ${mock.pid})${bare ? `, bare proxy ${bare.url} (pid ${bare.pid})` : ''}, gateway ${gateway.url} (pid ${gateway.pid}, ${environment.dialect})`,
    );
    const tenant = await provisionTenant(gateway.url, environment.adminKey, mock.url);
    // The profile's start-up part (compiling, migrations, provisioning) is left out of its summary.
    profile.skipMs = performance.now() - gatewaySpawnedAt;

    if (opts.soak) {
      const soak = await runSoak(gateway, tenant.endUserKey, Number(opts.streams), say);
      await gateway.stop();
      const billing = await checkBilling(gateway.env, tenant.platformId, soak.completeStreams + soak.warmupRequests);
      const result = { kind: 'soak', startedAt: stamp, dialect: environment.dialect, machine: machine(), soak, billing };
      say(`Billing: ${billing.ok ? 'every stream billed' : billing.problems.join('; ')}`);
      say(`ledger verify (exit ${billing.ledgerVerify.code}): ${billing.ledgerVerify.output}`);
      say(`Result: ${writeResult(`soak-${environment.dialect}-${stamp}.json`, result)}`);
      return soak.ok && billing.ok ? 0 : 1;
    }

    if (!bare) throw new Error('unreachable: the bare proxy runs outside soak mode');
    const only = opts.only?.split(',').map((s) => s.trim());
    const seconds = Number(opts.seconds);
    const targets = targetsFor(mock, bare, gateway, tenant.endUserKey);
    const totals: SuiteTotals = { gatewayOk: 0, failures: 0 };
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios.filter((s) => !only || only.includes(s.name))) {
      results.push(await runScenario(scenario, targets, mock, { seconds, rounds: Number(opts.rounds) }, totals, say));
    }
    await gateway.stop();
    const billing = await checkBilling(gateway.env, tenant.platformId, totals.gatewayOk);
    const report = summarize({
      kind: 'bench',
      startedAt: stamp,
      dialect: environment.dialect,
      machine: machine(),
      secondsPerMeasurement: seconds,
      scenarios: results,
      billing,
    });
    say('');
    say(formatReport(report));
    say(`\nResult: ${writeResult(`bench-${environment.dialect}-${stamp}.json`, report)}`);
    return totals.failures === 0 && billing.ok ? 0 : 1;
  } catch (err) {
    if (gateway) process.stderr.write(`gateway output (last lines):\n${gateway.output().slice(-4000)}\n`);
    throw err;
  } finally {
    await stopAll();
    if (profile.dir) {
      // Thread 0 is the main thread; the others are tsx's module-loader worker (start-up only).
      for (const file of readdirSync(profile.dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
        say(`\nGateway CPU profile ${join(profile.dir, file)} (after start-up and provisioning, ${profile.skipMs.toFixed(0)} ms):`);
        say(formatProfile(summarizeProfile(join(profile.dir, file), { skipMs: profile.skipMs })));
      }
    }
    await environment.cleanup();
  }
}

process.once('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});
process.exitCode = await main();
