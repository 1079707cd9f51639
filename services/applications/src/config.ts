import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

export const applicationsEnv = z.object({
  ...commonEnv,
  APPLICATIONS_GRPC_HOST: z.string().default('0.0.0.0'),
  APPLICATIONS_GRPC_PORT: port(50051),
  APPLICATIONS_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('applications'),
  /** PEM public key of the gateway's token signer (ES256). */
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  /**
   * PEM public key (ES256) of the service-token signer: calls services make on their own behalf
   * (GetBorrowerContact from notifications). Unset: every such call is refused, UNAUTHENTICATED.
   */
  SERVICE_TOKEN_PUBLIC_KEY: pemKey('public').optional(),
  PII_ENCRYPTION_KEY: base64Key,
  PII_INDEX_KEY: base64Key,
  ACCOUNTING_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .describe(
      "The accounting service (host:port): the customer's booked loans count in pre-assessment (exposure). Required.",
    ),
  /** How often the expiry sweep looks for applications past their product's validity. */
  APPLICATIONS_EXPIRY_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(3_600_000),
});

export type ApplicationsConfig = z.infer<typeof applicationsEnv>;

export const loadApplicationsConfig = (env: NodeJS.ProcessEnv = process.env): ApplicationsConfig =>
  loadConfig('applications', applicationsEnv, env);
