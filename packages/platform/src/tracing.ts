// Loaded first with `node --import .../tracing.js`, before any application module, so that the
// pg instrumentation can patch the driver when it is required.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { initTracing } from './telemetry';

initTracing();
registerInstrumentations({ instrumentations: [new PgInstrumentation()] });
