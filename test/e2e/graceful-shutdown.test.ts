import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  DomainError,
  generatePiiKey,
  generateSigningKeys,
  promiseClient,
  signAccessToken,
} from '@loanflow/platform';
import { applicationsV1 as pb, vocabularyV1 } from '@loanflow/proto';
import pg from 'pg';
import { mobile, residentId } from '../support/identities';

const root = join(__dirname, '..', '..');
const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * The deployed process, as Kubernetes stops it: SIGTERM while calls are in flight. Every call the
 * server accepted must finish and be stored with its event published; the rest are refused with
 * UNAVAILABLE (so a client retries them elsewhere), and the process exits 0.
 */
describe('applications service stops gracefully on SIGTERM', () => {
  const schema = `t_sig_${randomBytes(4).toString('hex')}`;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const keys = generateSigningKeys();
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  });

  it('finishes accepted calls, refuses new ones and publishes every committed event', async () => {
    const port = await freePort();
    child = spawn(
      process.execPath,
      ['--import', './packages/platform/dist/tracing.js', 'services/applications/dist/main.js'],
      {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
          APPLICATIONS_DB_SCHEMA: schema,
          APPLICATIONS_GRPC_HOST: '127.0.0.1',
          APPLICATIONS_GRPC_PORT: String(port),
          AUTH_JWT_PUBLIC_KEY: keys.publicKey,
          PII_ENCRYPTION_KEY: generatePiiKey(),
          PII_INDEX_KEY: generatePiiKey(),
          // Asked only when an application is submitted, which this test does not do.
          ACCOUNTING_ADDR: '127.0.0.1:1',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );
    for (let i = 0; i < 200 && !output.includes('gRPC server listening'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('gRPC server listening');

    const client = promiseClient(
      createGrpcClient(pb.ApplicationsServiceClient, `127.0.0.1:${port}`),
      // Refused calls seen at once, not waited for until the process is back.
      { waitForReady: false },
    );
    const metadata = new Metadata();
    metadata.set(
      'authorization',
      `Bearer ${signAccessToken({ userId: 'u-1', username: 'am', displayName: 'am', roles: ['account_manager'], branchId: 'SH001' }, keys.privateKey)}`,
    );
    try {
      const { customer } = await client.createCustomer(
        pb.CreateCustomerRequest.fromPartial({
          type: pb.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
          name: '周敏',
          individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '25000.00' },
        }),
        { metadata },
      );
      const draft = {
        customerId: customer!.id,
        productCode: 'PERSONAL_CONSUMER',
        amount: '50000.00',
        termMonths: 12,
        repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_EQUAL_INSTALLMENTS,
        purpose: 'Tuition',
      };
      const wave = (n: number) =>
        Array.from({ length: n }, () =>
          client
            .createApplication(pb.CreateApplicationRequest.fromPartial({ draft }), {
              metadata,
              timeoutMs: 15000,
            })
            .then(
              (r) => ({ ok: true as const, id: r.application!.id }),
              (err: DomainError) => ({ ok: false as const, code: err.code }),
            ),
        );
      // Calls in flight, then SIGTERM as Kubernetes sends it, then calls after shutdown began.
      const before = wave(40);
      await new Promise((r) => setTimeout(r, 30));
      child.kill('SIGTERM');
      // The process logs this as it stops accepting; calls made after it must be refused.
      for (let i = 0; i < 100 && !output.includes('shutting down'); i++)
        await new Promise((r) => setTimeout(r, 10));
      const after = await Promise.all(wave(10));
      const results = [...(await Promise.all(before)), ...after];
      expect(await exited).toBe(0);

      const succeeded = results.filter((r) => r.ok).map((r) => (r as { id: string }).id);
      const refused = results.filter((r) => !r.ok) as { code: string }[];
      expect(succeeded.length).toBeGreaterThan(0);
      expect(after.every((r) => !r.ok && r.code === 'unavailable')).toBe(true);
      expect(refused.every((r) => r.code === 'unavailable')).toBe(true);

      const stored = await db.query<{ id: string }>(`SELECT id FROM ${schema}.loan_applications`);
      expect(stored.rows.map((r) => r.id).sort()).toEqual([...succeeded].sort());
      const outbox = await db.query<{ subject_id: string; published_at: Date | null }>(
        `SELECT subject_id, published_at FROM ${schema}.outbox WHERE event_type = 'applications.application.created'`,
      );
      expect(outbox.rows.map((r) => r.subject_id).sort()).toEqual([...succeeded].sort());
      expect(outbox.rows.every((r) => r.published_at !== null)).toBe(true);
      expect(output).toContain('stopped cleanly');
    } finally {
      client.close();
    }
  });
});
