/**
 * Prometheus metrics at GET /metrics (spec §0): the process defaults of prom-client plus a request
 * counter and a latency histogram labelled by route pattern (never the raw URL: ids would explode the series),
 * and per background job what this instance did: whether it runs the job now, its runs, failures and skips
 * (another instance held the job's lock), and when it last ran and failed.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type BackgroundJobStats, type BackgroundJobs, instanceId } from '../store/background-jobs.js';

export function installMetrics(app: FastifyInstance, jobs?: BackgroundJobs): Registry {
  // One registry per app, so several gateways in one process (tests) never collide on metric names.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'assistiv_' });
  const requests = new Counter({
    name: 'assistiv_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'assistiv_http_request_duration_seconds',
    help: 'Time from request to response, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  if (jobs) installJobMetrics(registry, jobs);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

/** Background job series, read from `jobs` at each scrape. */
function installJobMetrics(registry: Registry, jobs: BackgroundJobs): void {
  new Gauge({
    name: 'assistiv_instance_info',
    help: 'This gateway process (host:pid), as its lock session names itself in pg_stat_activity.application_name',
    labelNames: ['instance_id'] as const,
    registers: [registry],
  }).set({ instance_id: instanceId }, 1);
  const series: Array<[string, string, 'counter' | 'gauge', (s: BackgroundJobStats) => number]> = [
    ['runs_total', 'Ticks at which this instance ran the background job to the end', 'counter', (s) => s.runs],
    ['failures_total', 'Ticks at which the background job failed on this instance', 'counter', (s) => s.failures],
    ['skipped_total', 'Ticks this instance skipped because another instance held the job lock', 'counter', (s) => s.skipped],
    ['leader', '1 while this instance runs the background job (holds its lock), else 0', 'gauge', (s) => (s.leader ? 1 : 0)],
    ['last_run_timestamp_seconds', 'Unix time the last run here ended (0: never ran here)', 'gauge', (s) => (s.lastRunAt ?? 0) / 1000],
    ['last_failure_timestamp_seconds', 'Unix time of the last failure here (0: none)', 'gauge', (s) => (s.lastFailureAt ?? 0) / 1000],
    ['last_duration_seconds', 'How long the last run here took', 'gauge', (s) => (s.lastDurationMs ?? 0) / 1000],
  ];
  for (const [suffix, help, type, read] of series) {
    const Metric = type === 'counter' ? Counter : Gauge;
    new Metric({
      name: `assistiv_background_job_${suffix}`,
      help,
      labelNames: ['job'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [job, s] of jobs.snapshot()) {
          if (this instanceof Gauge) this.set({ job }, read(s));
          else this.inc({ job }, read(s));
        }
      },
    });
  }
}
