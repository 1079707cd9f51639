/**
 * Every REST route of the gateway, in mounting order. Each area's file declares its routes
 * (see ../api/route.ts); the Express handlers and /openapi.json are both made from this list.
 */
import type { RouteSpec } from '../api/route';
import type { RouteDeps } from './deps';
import { accountingRoutes } from './accounting';
import { applicationRoutes } from './applications';
import { documentRoutes } from './documents';
import { identityRoutes } from './identity';
import { notificationRoutes } from './notifications';
import { postLoanRoutes } from './post-loan';
import { reportRoutes } from './reports';
import { reportStreamRoutes } from './report-streams';
import { sessionRoutes } from './session';
import { workflowRoutes } from './workflow';

export type { RouteDeps } from './deps';

export function allRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    ...sessionRoutes(deps),
    ...applicationRoutes(deps),
    ...identityRoutes(deps),
    ...workflowRoutes(deps),
    ...documentRoutes(deps),
    ...accountingRoutes(deps),
    ...postLoanRoutes(deps),
    ...notificationRoutes(deps),
    ...reportRoutes(deps),
    ...reportStreamRoutes(deps),
  ];
}
