import { previewSchedule, type Schedule } from './index';

/** Builds a schedule from a request that the test expects to be valid. */
export function schedule(request: Record<string, unknown>): Schedule {
  const preview = previewSchedule(request);
  if (!preview.ok) throw new Error(`unexpectedly refused: ${JSON.stringify(preview.errors)}`);
  return preview.value;
}
