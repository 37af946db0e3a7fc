/**
 * Prometheus metrics of one server process: request counts and latencies by route, store query timings, the agent
 * polls parked right now, and the process's V8 heap.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'neptune_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'neptune_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly queries = new Histogram({
    name: 'neptune_store_query_duration_seconds',
    help: 'Time of one store query',
    labelNames: ['outcome'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5],
    registers: [this.registry],
  });

  private parkedPolls: () => number = () => 0;
  readonly parked: Gauge = new Gauge({
    name: 'neptune_agent_polls_parked',
    help: 'Agent long-polls waiting for work in this process',
    registers: [this.registry],
    collect: (): void => this.parked.set(this.parkedPolls()),
  });
  readonly heap: Gauge<'kind'> = new Gauge({
    name: 'neptune_heap_bytes',
    help: 'V8 heap of this process: used and total',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: (): void => {
      const m = process.memoryUsage();
      this.heap.set({ kind: 'used' }, m.heapUsed);
      this.heap.set({ kind: 'total' }, m.heapTotal);
    },
  });

  /** Where the parked-poll count comes from (the dispatch service's notifier). */
  countParkedPolls(source: () => number): void {
    this.parkedPolls = source;
  }

  /** For the store's onQuery hook. */
  readonly onQuery = (durationMs: number, failed: boolean): void => {
    this.queries.observe({ outcome: failed ? 'error' : 'ok' }, durationMs / 1000);
  };
}
