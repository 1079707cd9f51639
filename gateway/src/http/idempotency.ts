import { createHash } from 'node:crypto';
import {
  DomainError,
  invalidArgument,
  type Logger,
  type Pool,
  type Principal,
} from '@loanflow/platform';
import type { RequestHandler } from 'express';
import { jsonHazard } from './api/schemas';
import { problemInstance, sendProblem } from './problem';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

/** Deeper than this is refused before any hashing (real bodies are a few levels deep). */
const MAX_CANONICAL_DEPTH = 64;

/**
 * JSON with sorted keys, so the same body sent with another key order is the same request.
 * Depth-bounded: a hostile body refuses with a 400 instead of overflowing the stack.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_CANONICAL_DEPTH)
    throw invalidArgument([
      { field: '(body)', reason: `nests deeper than ${MAX_CANONICAL_DEPTH} levels` },
    ]);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        (k) =>
          `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], depth + 1)}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response is recorded
 * before it is sent; the same key with the same method, path and body replays that response;
 * with anything else it is refused (422). A request still running answers 409. Server errors are
 * not recorded, so the client may retry them with the same key.
 */
export function idempotency(pool: Pool, log: Logger, ttlHours: number): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next();
    if (!KEY.test(key)) {
      sendProblem(
        res,
        invalidArgument([
          { field: 'Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' },
        ]),
        req.originalUrl,
      );
      return;
    }
    const userId = (res.locals.principal as Principal).userId;
    // Too deep or with NUL: refused before it is hashed or recorded.
    const hazard = jsonHazard(req.body);
    if (hazard) {
      sendProblem(res, invalidArgument([hazard]), req.originalUrl);
      return;
    }
    const hash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex');
    try {
      // Claims the key, or takes over a recorded one that has expired, in one statement.
      const claimed = await pool.query(
        `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status)
         VALUES ($1, $2, $3, $4, $5, 'in_progress')
         ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method, path = excluded.path,
           request_hash = excluded.request_hash, status = 'in_progress', response_status = NULL,
           response_body = NULL, response_headers = NULL, created_at = now(), completed_at = NULL
         WHERE idempotency_keys.created_at < now() - make_interval(hours => $6)`,
        [userId, key, req.method, req.path, hash, ttlHours],
      );
      if (claimed.rowCount === 0) {
        const { rows } = await pool.query(
          'SELECT method, path, request_hash, status, response_status, response_body, response_headers FROM idempotency_keys WHERE user_id = $1 AND key = $2',
          [userId, key],
        );
        const prior = rows[0];
        if (!prior)
          return next(
            new DomainError('conflict', 'idempotency key was released while checking it; retry'),
          );
        if (prior.request_hash !== hash) {
          res
            .status(422)
            .type('application/problem+json')
            .json({
              type: 'https://loanflow.dev/problems/idempotency-key-reused',
              title: 'Idempotency key reused',
              status: 422,
              detail: `this Idempotency-Key was used for a different request (${prior.method} ${prior.path} with another body)`,
              code: 'invalid_argument',
              errors: [
                { field: 'Idempotency-Key', reason: 'already used with a different request' },
              ],
              instance: problemInstance(req.originalUrl),
              requestId: res.locals.requestId,
            });
          return;
        }
        if (prior.status === 'in_progress') {
          res.setHeader('Retry-After', '1');
          sendProblem(
            res,
            new DomainError(
              'conflict',
              'a request with this Idempotency-Key is still being processed',
            ),
            req.originalUrl,
          );
          return;
        }
        for (const [h, v] of Object.entries(
          (prior.response_headers ?? {}) as Record<string, string>,
        ))
          res.setHeader(h, v);
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(prior.response_status as number).send(JSON.stringify(prior.response_body));
        return;
      }
    } catch (err) {
      return next(err);
    }

    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      // res.json sets this only later; without it the replay (res.send of a string) would be text/html.
      if (!res.get('Content-Type')) res.type('application/json');
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.map((h) => [h, res.getHeader(h)])
          .filter(([, v]) => v !== undefined)
          .map(([h, v]) => [h, String(v)]),
      );
      const record =
        res.statusCode >= 500
          ? pool.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
              userId,
              key,
            ])
          : pool.query(
              `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4,
                 response_headers = $5, completed_at = now() WHERE user_id = $1 AND key = $2`,
              [userId, key, res.statusCode, JSON.stringify(body ?? null), JSON.stringify(headers)],
            );
      record.then(
        () => send(body),
        (err: unknown) => {
          log.error({ err }, 'could not record the idempotent response');
          send(body);
        },
      );
      return res;
    };
    next();
  };
}

/** Drops recorded responses older than the time-to-live. */
export async function purgeIdempotencyKeys(pool: Pool, ttlHours: number): Promise<number> {
  const res = await pool.query(
    'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)',
    [ttlHours],
  );
  return res.rowCount ?? 0;
}
