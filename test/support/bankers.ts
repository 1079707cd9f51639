import { randomUUID } from 'node:crypto';
import { eventually } from './poll';
import { api, type ApiResponse, type TestSystem, type TestUser } from './system';

/** What the bankers need of a system: the gateway and a login (any test system gives them). */
export type Bank = Pick<TestSystem, 'baseUrl' | 'login'>;

export { eventually } from './poll';

/**
 * Bankers at the REST API of a test system: `call` as a named user (logged in once, a fresh
 * Idempotency-Key per call) and their user ids, filled by `loadIds`.
 */
export function bankers(system: () => Bank) {
  const ids: Record<string, string> = {};
  const call = async <T = Record<string, unknown>>(
    who: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>> =>
    api<T>(system().baseUrl, method, `/api/v1${path}`, {
      token: await system().login(who),
      body,
      headers: { 'idempotency-key': randomUUID() },
    });
  const loadIds = async (users: TestUser[]) => {
    for (const u of users)
      ids[u.username] = (await call<{ userId: string }>(u.username, 'GET', '/me')).body.userId;
  };
  return { ids, call, eventually, loadIds };
}
