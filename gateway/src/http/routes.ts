import { invalidArgument } from '@loanflow/platform';
import { Router } from 'express';
import type { RouteDeps } from './routes/deps';
import { route, upstreamCall } from './upstream';

export type { RouteDeps } from './routes/deps';

/**
 * The one former route of this file not declared yet: the schedule preview belongs to the
 * accounting area, whose declarations (routes/accounting.ts) take it over.
 */
export function protectedRoutes(deps: RouteDeps): Router {
  const r = Router();
  // A custom method (AIP-136): the colon is part of the path, not a parameter.
  r.post('/schedules\\:preview', async (req, res) => {
    route(res, '/schedules:preview');
    if (req.body === undefined || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw invalidArgument([
        { field: '(body)', reason: 'send the schedule request as a JSON object' },
      ]);
    }
    const out = await deps.accounting.previewSchedule(
      { request: req.body as Record<string, unknown> },
      upstreamCall(res, deps.rpcTimeoutMs),
    );
    res.json(out);
  });
  return r;
}
