// The deployables are described once, in the platform package (the ops tool reads them without
// loading the launcher, which brings every service with it).
export {
  CLOSE_DAY_ENTRY,
  deployable,
  DEPLOYABLES,
  METRICS_PORT,
  PEERS,
  TRACING_IMPORT,
  type ComponentName,
  type Deployable,
  type ServiceName,
} from '@loanflow/platform';
