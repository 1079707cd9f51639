import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

export const documentsEnv = z.object({
  ...commonEnv,
  DOCUMENTS_GRPC_HOST: z.string().default('0.0.0.0'),
  DOCUMENTS_GRPC_PORT: port(50054),
  DOCUMENTS_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('documents'),
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  APPLICATIONS_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50051')
    .describe(
      'The applications service (host:port): who may see an application (and so its documents) is its call.',
    ),
  ACCOUNTING_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50053')
    .describe(
      'The accounting service (host:port): the schedule summary of a contract comes from its preview.',
    ),
  /** S3-compatible object store (MinIO in production). */
  S3_ENDPOINT: z.string().url().default('http://127.0.0.1:9000'),
  S3_ACCESS_KEY: z.string().min(1),
  S3_SECRET_KEY: z.string().min(1),
  S3_REGION: z.string().default('us-east-1'),
  DOCUMENTS_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'must be a valid S3 bucket name')
    .default('loanflow-documents'),
  /** Parts of a multipart upload (S3's minimum is 5 MiB). */
  S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(512).default(8),
  /** Lifetime of a presigned viewing URL. */
  PRESIGN_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(5000),
});

export type DocumentsConfig = z.infer<typeof documentsEnv>;

export const loadDocumentsConfig = (env: NodeJS.ProcessEnv = process.env): DocumentsConfig =>
  loadConfig('documents', documentsEnv, env);
