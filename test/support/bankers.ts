import { randomUUID } from 'node:crypto';
import { api, type ApiResponse, type TestSystem, type TestUser } from './system';

/** Polls `probe` until it gives a value (or fails after `timeoutMs`). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Bankers at the REST API of a test system: `call` as a named user (logged in once, a fresh
 * Idempotency-Key per call) and their user ids, filled by `loadIds`.
 */
export function bankers(system: () => TestSystem) {
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
