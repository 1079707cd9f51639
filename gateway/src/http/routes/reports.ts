// OWNED BY: reports. 统计报表 over REST: GET /api/v1/reports/{report} as JSON, CSV or XLSX.
import type { RouteSpec } from '../api/route';
import type { RouteDeps } from './deps';

export function reportRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
