import type { components } from '../api/schema';

export type Principal = components['schemas']['Principal'];

const KEY = 'loanflow.session';

interface Stored {
  token: string;
  /** When the token stops being accepted (ms since the epoch). */
  expiresAt: number;
  user: Principal;
}

type Listener = () => void;

/**
 * The signed-in user of this tab: the access token and who it is, kept in sessionStorage (a tab
 * closed is a session ended). When the API answers 401 the session ends and the page asks the
 * app to go to the log-in, remembering where it was.
 */
class Session {
  private listeners = new Set<Listener>();
  /** The session ended because the API refused its token (not by logging out). */
  private endedByExpiry = false;

  /** The last parse, so that the same session is the same object (React compares snapshots). */
  private cache?: { raw: string; stored: Stored };

  private read(): Stored | undefined {
    try {
      const raw = sessionStorage.getItem(KEY);
      if (!raw) return undefined;
      if (this.cache?.raw !== raw) this.cache = { raw, stored: JSON.parse(raw) as Stored };
      const stored = this.cache.stored;
      return stored.expiresAt > Date.now() ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  token(): string | undefined {
    return this.read()?.token;
  }

  user(): Principal | undefined {
    return this.read()?.user;
  }

  start(token: string, expiresInSeconds: number, user: Principal): void {
    const stored: Stored = { token, expiresAt: Date.now() + expiresInSeconds * 1000, user };
    sessionStorage.setItem(KEY, JSON.stringify(stored));
    this.endedByExpiry = false;
    this.emit();
  }

  end(): void {
    sessionStorage.removeItem(KEY);
    this.emit();
  }

  /** The API refused the token (expired, revoked, the user locked). */
  expired(): void {
    if (!sessionStorage.getItem(KEY)) return;
    this.endedByExpiry = true;
    this.end();
  }

  /** Whether the last session ended by expiry: the log-in page says so. */
  expiredLast(): boolean {
    return this.endedByExpiry;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const session = new Session();
