/**
 * The composition root: compose() wires the whole system; `npm start` (main.ts) runs it embedded
 * and the test harness (test/support/system.ts) runs it on fresh schemas.
 */
export {
  addrVariable,
  compose,
  PEERS,
  START_ORDER,
  type ComponentName,
  type ComposedSystem,
  type ComposeOptions,
  type ServiceName,
} from './compose';
export { seedDemoBook } from './demo-data';
export { scanPdf } from './demo-files';
export { freePort, reservablePort } from './ports';
export {
  CLOSE_DAY_ENTRY,
  deployable,
  DEPLOYABLES,
  METRICS_PORT,
  TRACING_IMPORT,
  type Deployable,
} from './topology';
export {
  componentEnvironment,
  startProcesses,
  type ComponentPorts,
  type ProcessesOptions,
  type RunningProcesses,
} from './processes';
