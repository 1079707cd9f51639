import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError } from './problem';
import { session } from '../auth/session';

/** The base of every API path (the gateway's `servers`). */
export const API_BASE = '/api/v1';

/**
 * Adds the bearer token to every call, and turns an answer of 401 into the end of the session:
 * the page goes to the log-in and comes back where it was afterwards.
 */
const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/auth/login')) session.expired();
    return response;
  },
};

/** The typed API client: paths, parameters, bodies and answers come from the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: API_BASE });
api.use(auth);

/**
 * The data of an openapi-fetch answer, or an ApiError carrying the problem (title, detail and the
 * field errors): for react-query, which wants a rejected promise on failure.
 */
export async function data<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data: body, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, error);
  return body as T;
}

/** A fresh Idempotency-Key for one user action: a retried click changes nothing twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Bytes the API streams (a scan, a PDF, a CSV) with the caller's token: as a Blob, for an object
 * URL (the CSP allows `blob:` images) or a download.
 */
export async function fetchBlob(path: string, init: RequestInit = {}): Promise<Blob> {
  const headers = new Headers(init.headers);
  const token = session.token();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${API_BASE}${path}`, { ...init, headers });
  if (response.status === 401) session.expired();
  if (!response.ok) {
    let problem: unknown;
    try {
      problem = await response.json();
    } catch {
      problem = undefined;
    }
    throw new ApiError(response.status, problem);
  }
  return response.blob();
}

/** Saves a Blob under a file name (an export, a statement). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
