import { Metadata } from '@grpc/grpc-js';
import type { Response } from 'express';

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
