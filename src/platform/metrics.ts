import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app instance, so several instances in one process (tests) never share counters. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Registers the SQL counter and pool gauges once the database exists. */
  observeDatabase(database: ObservedDatabase): void;
  /** Registers the limits' degraded gauge (1 while Redis fails and each instance counts rate limits and quotas alone). */
  observeLimits(limits: { readonly degraded: boolean }): void;
  /** Jobs this instance finished, by kind and outcome (succeeded, failed, retried). */
  jobOutcomes: Counter<'kind' | 'outcome'>;
  /** Registers the gauge of jobs running on this instance's runner. */
  observeJobs(runner: { readonly running: number }): void;
}

export interface ObservedDatabase {
  engine: string;
  stats(): PoolStats;
  statements(): number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portico_' });
  const httpDuration = new Histogram({
    name: 'portico_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const observeDatabase = ({ engine, stats, statements }: ObservedDatabase) => {
    let reported = 0;
    new Counter({
      name: 'portico_sql_statements_total',
      help: 'SQL statements executed, by engine.',
      labelNames: ['engine'] as const,
      registers: [registry],
      collect() {
        const now = statements();
        this.inc({ engine }, now - reported);
        reported = now;
      },
    });
    const gauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['engine'] as const,
        registers: [registry],
        collect() {
          this.set({ engine }, pick(stats()));
        },
      });
    gauge('portico_db_pool_connections', 'Database connections open.', (s) => s.total);
    gauge('portico_db_pool_idle', 'Database connections idle.', (s) => s.idle);
    gauge('portico_db_pool_waiting', 'Queries waiting for a database connection.', (s) => s.waiting);
  };
  const observeLimits = (limits: { readonly degraded: boolean }) => {
    new Gauge({
      name: 'portico_rate_limit_degraded',
      help: 'Rate limits and daily quotas counted per instance because Redis fails (1), or shared through Redis (0).',
      registers: [registry],
      collect() {
        this.set(limits.degraded ? 1 : 0);
      },
    });
  };
  const jobOutcomes = new Counter({
    name: 'portico_jobs_total',
    help: 'Jobs (extracts, calculations) this instance ran to an outcome: succeeded, failed, or retried later.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const observeJobs = (runner: { readonly running: number }) => {
    new Gauge({
      name: 'portico_jobs_running',
      help: 'Jobs running on this instance now.',
      registers: [registry],
      collect() {
        this.set(runner.running);
      },
    });
  };
  return { registry, httpDuration, observeDatabase, observeLimits, jobOutcomes, observeJobs };
}
