import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

export const identityEnv = z.object({
  ...commonEnv,
  IDENTITY_GRPC_HOST: z.string().default('0.0.0.0'),
  IDENTITY_GRPC_PORT: port(50055),
  IDENTITY_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('identity'),
  /** PEM public key of the gateway's token signer (ES256). */
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  /**
   * Adds the demo branches and users (password "loanflow-demo") at start when they are missing:
   * `npm run start:services` and the dev overlay; never in production.
   */
  IDENTITY_DEMO_SEED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type IdentityConfig = z.infer<typeof identityEnv>;

export const loadIdentityConfig = (env: NodeJS.ProcessEnv = process.env): IdentityConfig =>
  loadConfig('identity', identityEnv, env);
