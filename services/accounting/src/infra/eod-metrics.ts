// The end of day's Prometheus metrics, on the process's registry (served where the process serves
// metrics). Several accounting processes share a night's chunks: each counts its own.
import { metricsRegistry } from '@loanflow/platform';
import { Counter, Histogram } from 'prom-client';

/** How long closing a business date took, by outcome: closed, already_closed or failed. */
export const endOfDayDuration = new Histogram({
  name: 'loanflow_eod_duration_seconds',
  help: 'Time to close a business date (the end-of-day batch), from the coordinator',
  labelNames: ['service', 'outcome'] as const,
  // From a small book's seconds to a large book's hour-long night.
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
  registers: [metricsRegistry],
});

/** Chunks this process committed, as the coordinator of the night or as a worker for another. */
export const endOfDayChunks = new Counter({
  name: 'loanflow_eod_chunks_total',
  help: 'End-of-day chunks committed by this process',
  labelNames: ['service', 'role'] as const,
  registers: [metricsRegistry],
});
