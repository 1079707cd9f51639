import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

export const accountingEnv = z.object({
  ...commonEnv,
  ACCOUNTING_GRPC_HOST: z.string().default('0.0.0.0'),
  ACCOUNTING_GRPC_PORT: port(50053),
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
});

export type AccountingConfig = z.infer<typeof accountingEnv>;

export const loadAccountingConfig = (env: NodeJS.ProcessEnv = process.env): AccountingConfig =>
  loadConfig('accounting', accountingEnv, env);
