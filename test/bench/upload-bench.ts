import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { api, startSystem, type TestSystem } from '../support/system';
import { pdfStream, uploadDocument } from '../support/uploads';
import { mobile, residentId } from '../support/identities';
import { f1, hostLine, intList, latencies, positive, progress, table, runBench } from './report';

/**
 * Document uploads (issue 5 §8): a large scan through the gateway (multipart → gRPC stream →
 * S3 multipart) beside a direct S3 PUT of the same bytes with the same client (the ratio), and
 * p50/p99 of 200 KB scans at N concurrent uploads. Services and gateway run in this process.
 */
async function main(): Promise<void> {
  const load = loadavg();
  const sizeMb = positive('BENCH_UPLOAD_MB', 200, 2048);
  const seconds = positive('BENCH_SECONDS', 10, 600);
  const clients = intList('BENCH_CLIENTS', [1, 8, 32]);
  const system: TestSystem = await startSystem({
    users: [{ username: 'am.bench', roles: ['account_manager'], branchId: 'SH001' }],
  });
  try {
    const token = await system.login('am.bench');
    const customer = await api<{ id: string }>(system.baseUrl, 'POST', '/api/v1/customers', {
      token,
      body: {
        type: 'individual',
        name: '压测客户',
        individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '20000.00' },
      },
    });
    const newApplication = async () =>
      (
        await api<{ id: string }>(system.baseUrl, 'POST', '/api/v1/applications', {
          token,
          body: {
            customerId: customer.body.id,
            productCode: 'PERSONAL_CONSUMER',
            amount: '100000.00',
            termMonths: 12,
            repaymentMethod: 'equal_installments',
            purpose: 'bench',
          },
        })
      ).body.id;
    const size = sizeMb * 1024 * 1024;

    progress(`${sizeMb} MB through the gateway`);
    let started = process.hrtime.bigint();
    const res = await uploadDocument(
      system.baseUrl,
      token,
      { kind: 'application', id: await newApplication() },
      'bulk_scan',
      {
        name: 'big.pdf',
        type: 'application/pdf',
        body: pdfStream(size, 'bench'),
      },
    );
    if (res.status !== 201) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
    const viaGateway = Number(process.hrtime.bigint() - started) / 1e9;

    progress(`${sizeMb} MB straight to S3 with the same client`);
    const store = system.documents.store;
    started = process.hrtime.bigint();
    await store.put(
      `bench/direct-${Date.now()}.pdf`,
      Readable.from(pdfStream(size, 'bench')),
      'application/pdf',
    );
    const direct = Number(process.hrtime.bigint() - started) / 1e9;

    const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200 * 1024 - 9)]);
    const rows: (string | number)[][] = [];
    for (const n of clients) {
      progress(`200 KB scans, ${n} concurrent uploads, ${seconds} s`);
      const owners = await Promise.all(Array.from({ length: n }, () => newApplication()));
      const samples: number[] = [];
      const until = Date.now() + seconds * 1000;
      let seq = 0;
      await Promise.all(
        owners.map(async (owner) => {
          while (Date.now() < until) {
            const body = Buffer.from(scan);
            body.writeUInt32BE(seq++, 100); // distinct bytes: no duplicate detection shortcut
            const t0 = process.hrtime.bigint();
            const r = await uploadDocument(
              system.baseUrl,
              token,
              { kind: 'application', id: owner },
              'other',
              { name: 'scan.pdf', type: 'application/pdf', body },
            );
            if (r.status !== 201) throw new Error(`upload failed: ${JSON.stringify(r.body)}`);
            samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }),
      );
      const l = latencies(samples);
      rows.push([
        n,
        samples.length,
        f1(samples.length / seconds),
        f1((samples.length * 0.2) / seconds),
        f1(l.p50),
        f1(l.p99),
      ]);
    }

    console.log(`LoanFlow document upload benchmark: ${sizeMb} MB scan, then 200 KB scans`);
    console.log(hostLine(load));
    console.log(
      table(
        ['path', 'MB', 'seconds', 'MB/s', 'ratio'],
        [
          [
            'gateway → documents → S3 (multipart)',
            sizeMb,
            f1(viaGateway),
            f1(sizeMb / viaGateway),
            f1(viaGateway / direct),
          ],
          ['direct S3 PUT, same client', sizeMb, f1(direct), f1(sizeMb / direct), '1.0'],
        ],
      ),
    );
    console.log(table(['clients', 'uploads', 'uploads/s', 'MB/s', 'p50 ms', 'p99 ms'], rows));
  } finally {
    await system.stop();
  }
}

runBench(main);
