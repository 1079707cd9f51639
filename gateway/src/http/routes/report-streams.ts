// OWNED BY: streams. The report streams' catalogue and replays over REST.
import type { RouteSpec } from '../api/route';
import type { RouteDeps } from './deps';

export function reportStreamRoutes(_deps: RouteDeps): RouteSpec[] {
  return [];
}
