import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, freePort } from '@loanflow/launcher';
import { generatePiiKey, generateSigningKeys, LocalEventBus } from '@loanflow/platform';
import pg from 'pg';

/** Whether something accepts TCP connections at 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * compose() when a component cannot start: what started before it is stopped again, so a failed
 * start leaves no server behind, and the error names the variable at fault.
 */
describe('compose() with a component that cannot start', () => {
  const suffix = randomBytes(4).toString('hex');
  const schemas = {
    identity: `t_cid_${suffix}`,
    accounting: `t_cacct_${suffix}`,
    applications: `t_capps_${suffix}`,
    notifications: `t_cnf_${suffix}`,
    reporting: `t_crep_${suffix}`,
  };
  const streamsDir = mkdtempSync(join(tmpdir(), `loanflow-compose-${suffix}-`));
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

  afterAll(async () => {
    for (const schema of Object.values(schemas))
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
    rmSync(streamsDir, { recursive: true, force: true });
  });

  it('stops the components already started and reports the bad variable', async () => {
    const keys = generateSigningKeys();
    const ports = {
      identity: await freePort(),
      accounting: await freePort(),
      applications: await freePort(),
      notifications: await freePort(),
      reporting: await freePort(),
    };
    const serviceKeys = generateSigningKeys();
    const bus = new LocalEventBus();
    const started = compose({
      env: {
        DATABASE_URL: databaseUrl,
        AUTH_JWT_PRIVATE_KEY: keys.privateKey,
        AUTH_JWT_PUBLIC_KEY: keys.publicKey,
        PII_ENCRYPTION_KEY: generatePiiKey(),
        PII_INDEX_KEY: generatePiiKey(),
        LOG_LEVEL: 'silent',
        SHUTDOWN_TIMEOUT_MS: '2000',
      },
      serviceEnv: {
        identity: { IDENTITY_DB_SCHEMA: schemas.identity },
        accounting: {
          ACCOUNTING_DB_SCHEMA: schemas.accounting,
          ACCOUNTING_FIRST_BUSINESS_DATE: '2025-01-15',
        },
        applications: { APPLICATIONS_DB_SCHEMA: schemas.applications },
        notifications: {
          NOTIFICATIONS_DB_SCHEMA: schemas.notifications,
          SERVICE_TOKEN_PRIVATE_KEY: serviceKeys.privateKey,
        },
        reporting: { REPORTING_DB_SCHEMA: schemas.reporting, REPORT_STREAMS_DIR: streamsDir },
        // Documents starts after these five; its configuration is refused before it starts.
        documents: { S3_ACCESS_KEY: 'k', S3_SECRET_KEY: 's', DOCUMENTS_BUCKET: 'Not A Bucket' },
      },
      ports,
      bus,
      afterIdentity: async (identity) => {
        // The directory serves when the hook runs: it was started on the port given.
        expect(identity.grpcPort).toBe(ports.identity);
        expect(await listening(ports.identity)).toBe(true);
      },
    });

    await expect(started).rejects.toThrow(/DOCUMENTS_BUCKET: must be a valid S3 bucket name/);
    // The five that had started (their schemas were migrated) no longer listen.
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ANY($1)',
      [Object.values(schemas)],
    );
    expect(rows[0].n).toBe(5);
    expect(await listening(ports.identity)).toBe(false);
    expect(await listening(ports.accounting)).toBe(false);
    expect(await listening(ports.applications)).toBe(false);
    expect(await listening(ports.notifications)).toBe(false);
    expect(await listening(ports.reporting)).toBe(false);
    await bus.close();
  });
});
