import { createLogger, GrpcServer, runService, type Logger } from '@loanflow/platform';
import { loadAccountingConfig, type AccountingConfig } from './config';
import { accountingService } from './infra/grpc-handlers';

export * from './domain/schedule';
export { loadAccountingConfig } from './config';

export interface RunningAccounting {
  grpcPort: number;
  stop(): Promise<void>;
}

/**
 * The accounting service. So far it serves schedule previews (pure, no database); loan
 * accounts, accrual, ledger and post-loan management join it with their schema.
 */
export async function start(
  config: AccountingConfig,
  opts: { log?: Logger } = {},
): Promise<RunningAccounting> {
  const log = opts.log ?? createLogger('accounting', config.LOG_LEVEL);
  const server = new GrpcServer({
    log,
    services: [accountingService({ log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(config.ACCOUNTING_GRPC_HOST, config.ACCOUNTING_GRPC_PORT);
  return {
    grpcPort,
    stop: () => server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS),
  };
}

if (require.main === module) runService('accounting', loadAccountingConfig, start);
