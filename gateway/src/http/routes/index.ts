/**
 * Every REST route of the gateway, in mounting order. Each area's file declares its routes
 * (see ../api/route.ts); the Express handlers and /openapi.json are both made from this list.
 */
import type { RouteSpec } from '../api/route';
import type { RouteDeps } from './deps';
import { accountingRoutes } from './accounting';
import { postLoanRoutes } from './post-loan';
import { sessionRoutes } from './session';

export type { RouteDeps } from './deps';

export function allRoutes(deps: RouteDeps): RouteSpec[] {
  return [...sessionRoutes(deps), ...accountingRoutes(deps), ...postLoanRoutes(deps)];
}
