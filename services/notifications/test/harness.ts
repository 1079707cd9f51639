// The notifications service on its own, against real PostgreSQL, NATS JetStream and gRPC, with
// a stand-in applications peer (borrower contacts). Events are published to the bus as their
// owners would; the clock is the test's.
import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  generateSigningKeys,
  JetStreamBus,
  promiseClient,
  signAccessToken,
  type Pool,
  type Principal,
  type PromiseClient,
  type Role,
  type RpcOptions,
} from '@loanflow/platform';
import { identityV1, notificationsV1, vocabularyV1 } from '@loanflow/proto';
import {
  loadNotificationsConfig,
  start,
  type NotificationsConfig,
  type RunningNotifications,
} from '@loanflow/notifications';
import { startApplicationsPeer, type ApplicationsPeer } from './applications-peer';

export type NotificationsClient = PromiseClient<notificationsV1.NotificationsServiceClient>;

export interface StaffUser {
  id: string;
  username: string;
  roles: Role[];
  branchId: string;
  email?: string;
  mobile?: string;
  language?: 'zh-CN' | 'en';
}

export interface Harness {
  runId: string;
  schema: string;
  config: NotificationsConfig;
  service: RunningNotifications;
  client: NotificationsClient;
  /** The raw client, for the WatchInbox stream. */
  raw: notificationsV1.NotificationsServiceClient;
  db: Pool;
  peer: ApplicationsPeer;
  clock: { set(iso: string): void; now(): Date };
  /** A user known to the service's directory (through an identity.user.created event). */
  addUser(u: StaffUser): Promise<void>;
  addBranch(code: string, parentCode: string): Promise<void>;
  as(user: StaffUser): RpcOptions;
  metadataOf(user: StaffUser): Metadata;
  /** Publishes an event as its owner would; the id is returned (publish it again to redeliver). */
  publish(type: string, subjectId: string, data: unknown, id?: string): Promise<string>;
  /** Waits until the event has been handled (its inbox row). */
  handled(eventId: string): Promise<void>;
  close(): Promise<void>;
}

export const HARNESS_NOW = '2026-12-07T10:00:00+08:00';

/** Roles as the identity service publishes them (the proto enum's JSON names). */
const roleJson = (r: Role) =>
  vocabularyV1.roleToJSON(vocabularyV1.roleFromJSON(`ROLE_${r.toUpperCase()}`));

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `t_nf_${runId}`;
  const keys = generateSigningKeys();
  const serviceKeys = generateSigningKeys();
  const log = createLogger('notifications-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const peer = await startApplicationsPeer(serviceKeys.publicKey);
    cleanups.push(() => peer.stop());
    const config = loadNotificationsConfig({
      ...process.env,
      NOTIFICATIONS_GRPC_HOST: '127.0.0.1',
      NOTIFICATIONS_GRPC_PORT: '0',
      NOTIFICATIONS_DB_SCHEMA: schema,
      APPLICATIONS_ADDR: peer.addr,
      AUTH_JWT_PUBLIC_KEY: keys.publicKey,
      SERVICE_TOKEN_PRIVATE_KEY: serviceKeys.privateKey,
      PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PII_INDEX_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_POOL_MAX: '5',
      SHUTDOWN_TIMEOUT_MS: '5000',
      EVENTS_START_AT: 'new',
      DELIVERY_BACKOFF_BASE_MS: '10',
      DELIVERY_BACKOFF_MAX_MS: '100',
      ...env,
    });
    const db = createPool({
      connectionString: config.DATABASE_URL,
      schema,
      max: 3,
      applicationName: `test-${schema}`,
    });
    cleanups.push(async () => {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    });
    const bus = await JetStreamBus.connect({
      url: config.NATS_URL,
      name: `notifications-test-${runId}`,
      log,
    });
    cleanups.push(() => bus.close());

    let instant = new Date(HARNESS_NOW);
    const clock = { set: (iso: string) => void (instant = new Date(iso)), now: () => instant };
    const service = await start(config, { bus, log, now: () => clock.now(), random: () => 0.5 });
    cleanups.push(async () => {
      await service.stop();
      for (const durable of service.consumers) await bus.deleteConsumer(durable);
    });
    const address = `127.0.0.1:${service.grpcPort}`;
    const client = promiseClient(
      createGrpcClient(notificationsV1.NotificationsServiceClient, address),
    );
    const raw = createGrpcClient(notificationsV1.NotificationsServiceClient, address, {
      retries: false,
    });
    cleanups.push(async () => {
      client.close();
      raw.close();
    });

    const principal = (u: StaffUser): Principal => ({
      userId: u.id,
      username: u.username,
      displayName: u.username,
      roles: u.roles,
      branchId: u.branchId,
    });
    const metadataOf = (u: StaffUser) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${signAccessToken(principal(u), keys.privateKey)}`);
      return metadata;
    };

    const publish: Harness['publish'] = async (type, subjectId, data, id = randomUUID()) => {
      const envelope = {
        id,
        type,
        schemaVersion: 1,
        source: type.split('.')[0],
        subjectId,
        occurredAt: clock.now().toISOString(),
        data,
      };
      await bus.publish(`loanflow.${type}`, Buffer.from(JSON.stringify(envelope)), {
        msgId: randomUUID(),
        headers: { 'loanflow-subject-id': subjectId },
      });
      return id;
    };
    const handled: Harness['handled'] = async (eventId) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rowCount } = await db.query('SELECT 1 FROM inbox WHERE event_id = $1', [eventId]);
        if (rowCount) return;
        if (Date.now() > deadline) throw new Error(`event ${eventId} was not handled in 20 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const addUser: Harness['addUser'] = async (u) => {
      const id = await publish('identity.user.created', u.id, {
        user: identityV1.User.toJSON(
          identityV1.User.fromPartial({
            id: u.id,
            username: u.username,
            displayName: u.username,
            roles: u.roles.map((r) => vocabularyV1.roleFromJSON(roleJson(r))),
            branchId: u.branchId,
            email: u.email ?? `${u.username}@bank.example`,
            mobile: u.mobile ?? '',
            language: u.language ?? 'zh-CN',
            active: true,
            version: 1,
          }),
        ),
      });
      await handled(id);
    };
    const addBranch: Harness['addBranch'] = async (code, parentCode) => {
      const level = parentCode === 'HQ' ? 'branch' : 'sub_branch';
      await handled(
        await publish('identity.branch.created', code, {
          branch: { code, name: code, parentCode, level },
        }),
      );
    };

    return {
      runId,
      schema,
      config,
      service,
      client,
      raw,
      db,
      peer,
      clock,
      addUser,
      addBranch,
      as: (u) => ({ metadata: metadataOf(u), timeoutMs: 20000 }),
      metadataOf,
      publish,
      handled,
      close: cleanUp,
    };
  } catch (err) {
    await cleanUp().catch(() => undefined);
    throw err;
  }
}

/** A new staff user of this run (unique id and name). */
export function staff(
  runId: string,
  name: string,
  roles: Role[],
  branchId: string,
  more: Partial<StaffUser> = {},
): StaffUser {
  return { id: randomUUID(), username: `${name}.${runId}`.slice(0, 60), roles, branchId, ...more };
}

export { eventually } from '@loanflow/test/support/poll';
export { countRows } from '@loanflow/test/support/rows';
