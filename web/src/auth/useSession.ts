import { useSyncExternalStore } from 'react';
import { session, type Principal } from './session';

/** The signed-in user (undefined on the log-in page), re-rendering when the session changes. */
export function useUser(): Principal | undefined {
  return useSyncExternalStore(
    (l) => session.subscribe(l),
    () => (session.token() ? session.user() : undefined),
  );
}

/** Whether the user holds one of the roles (a page offers only what the API allows them). */
export function hasRole(user: Principal | undefined, roles: readonly string[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

export function useHasRole(...roles: string[]): boolean {
  return hasRole(useUser(), roles);
}
