import { loadavg } from 'node:os';
import { buildSchedule, validateScheduleRequest } from '@loanflow/accounting';
import { f1, hostLine, latencies, positive, progress, table, runBench } from './report';

/**
 * Repayment schedule previews per second (issue 4 §10): 360-month annuities and equal
 * principal, built by the pure library on one thread; validation measured separately.
 */
async function main(): Promise<void> {
  const load = loadavg();
  const seconds = positive('BENCH_SECONDS', 10, 600) / 2;
  const request = (repaymentMethod: string) => ({
    principal: '1000000.00',
    annualRatePercent: '4.9',
    term: 360,
    termUnit: 'month',
    repaymentMethod,
    disbursementDate: '2025-01-31',
    repaymentDay: 'month_end',
  });
  const rows: (string | number)[][] = [];
  for (const method of ['equal_installments', 'equal_principal']) {
    const terms = validateScheduleRequest(request(method));
    if (!terms.ok) throw new Error(JSON.stringify(terms.errors));
    progress(`schedule previews, ${method}: ${seconds} s`);
    for (let i = 0; i < 50; i++) buildSchedule(terms.value); // warm-up
    const samples: number[] = [];
    const until = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
    let lines = 0;
    while (process.hrtime.bigint() < until) {
      const started = process.hrtime.bigint();
      lines += buildSchedule(terms.value).installments.length;
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const l = latencies(samples);
    rows.push([
      method,
      samples.length,
      f1(samples.length / seconds),
      f1(lines / seconds),
      f1(l.p50),
      f1(l.p99),
    ]);
  }
  console.log(
    'LoanFlow schedule benchmark: 1,000,000 at 4.9% over 360 months, month-end repayment day',
  );
  console.log(hostLine(load));
  console.log(table(['method', 'schedules', 'schedules/s', 'lines/s', 'p50 ms', 'p99 ms'], rows));
}

runBench(main);
