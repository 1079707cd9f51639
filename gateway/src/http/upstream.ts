import { createHash } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { Principal } from '@loanflow/platform';
import type { Request, Response } from 'express';

/** The caller's token and request id go on to the service, which checks the token itself. */
export function upstreamCall(res: Response, timeoutMs: number) {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${res.locals.token as string}`);
  metadata.set('x-request-id', res.locals.requestId as string);
  return { metadata, timeoutMs };
}

/** Names the route template for the request's span (ids left out of span names). */
export const route = (res: Response, name: string): void => {
  res.locals.route = name;
};

/**
 * The command id of a money-changing command (or the request id of a create): from the
 * Idempotency-Key, so that a retry which reaches the service again changes nothing again. The
 * service keeps one answer per id for everyone, so the key is scoped here to the user and the
 * request path: two users (or two commands) that pick the same key never get each other's answer.
 */
export function commandIdOf(req: Request, res: Response): string {
  const key = req.get('idempotency-key');
  if (key === undefined) return '';
  const user = (res.locals.principal as Principal).userId;
  const scope = `${user}\n${req.method} ${req.baseUrl}${req.path}\n${key}`;
  return `http:${createHash('sha256').update(scope).digest('base64url')}`;
}
