import type { RequestHandler } from 'express';
import { problemInstance } from './problem';

/**
 * Log-in attempts per client address, as a token bucket: `attempts` at once, refilled evenly
 * over `windowSeconds`. In memory, per gateway instance: it slows guessing from one address; the
 * identity service counts failures per user across instances (and answers RESOURCE_EXHAUSTED).
 */
export function loginThrottle(opts: {
  attempts: number;
  windowSeconds: number;
  now?: () => number;
}): RequestHandler {
  const now = opts.now ?? Date.now;
  const refillPerMs = opts.attempts / (opts.windowSeconds * 1000);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const t = now();
    if (buckets.size > 100_000) buckets.clear();
    const b = buckets.get(address) ?? { tokens: opts.attempts, at: t };
    b.tokens = Math.min(opts.attempts, b.tokens + (t - b.at) * refillPerMs);
    b.at = t;
    buckets.set(address, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / refillPerMs / 1000));
    res
      .status(429)
      .setHeader('Retry-After', String(retryAfter))
      .type('application/problem+json')
      .json({
        type: 'https://loanflow.dev/problems/too-many-requests',
        title: 'Too many requests',
        status: 429,
        detail: `too many log-in attempts from this address; retry in ${retryAfter} s`,
        code: 'resource_exhausted',
        instance: problemInstance(req.originalUrl),
        requestId: res.locals.requestId,
      });
  };
}
