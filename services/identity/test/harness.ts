import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  DomainError,
  generateSigningKeys,
  promiseClient,
  signAccessToken,
  type Pool,
  type Principal,
  type PromiseClient,
  type RpcOptions,
} from '@loanflow/platform';
import { identityV1 } from '@loanflow/proto';
import { expect } from '@jest/globals';
import { loadIdentityConfig, start, type RunningIdentity } from '../src/main';

export interface IdentityHarness {
  schema: string;
  service: RunningIdentity;
  client: PromiseClient<identityV1.IdentityServiceClient>;
  /** A pool on the service's schema, for what was (not) written. */
  db: Pool;
  /** Call options with a token for `p` (signed with the key the service trusts). */
  as(p: Principal): RpcOptions;
  close(): Promise<void>;
}

/** The identity service on port 0 with a fresh schema, on the test PostgreSQL and NATS. */
export async function startIdentity(env: Record<string, string> = {}): Promise<IdentityHarness> {
  const schema = `t_idn_${randomBytes(4).toString('hex')}`;
  const keys = generateSigningKeys();
  const config = loadIdentityConfig({
    ...process.env,
    IDENTITY_GRPC_HOST: '127.0.0.1',
    IDENTITY_GRPC_PORT: '0',
    IDENTITY_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  const service = await start(config, { log: createLogger('identity-test', config.LOG_LEVEL) });
  const client = promiseClient(
    createGrpcClient(identityV1.IdentityServiceClient, `127.0.0.1:${service.grpcPort}`),
  );
  const db = createPool({ connectionString: config.DATABASE_URL, schema, max: 2 });
  return {
    schema,
    service,
    client,
    db,
    as(p) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${signAccessToken(p, keys.privateKey)}`);
      return { metadata, timeoutMs: 10000 };
    },
    async close() {
      client.close();
      await service.stop();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    },
  };
}

/** The DomainError a call fails with (the gRPC status and its field violations, mapped back). */
export async function failure(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected the call to fail');
}
