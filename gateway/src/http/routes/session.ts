import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { fromGrpcError, signAccessToken } from '@loanflow/platform';
import type { identityV1 } from '@loanflow/proto';
import { z } from 'zod';
import { TooManyRequests } from '../problem';
import { principalOf } from './identity';
import { defineRoute, ok, type RouteSpec } from '../api/route';
import { text } from '../api/schemas';
import type { RouteDeps } from './deps';

export const Principal = z
  .object({
    userId: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    branchId: z.string(),
    branchScope: z.union([z.literal('all'), z.array(z.string())]),
  })
  .meta({ id: 'Principal', description: 'The signed-in user and the branches they may see' });

const LoginRequest = z
  .strictObject({ username: text(64, 1), password: text(256, 1) })
  .meta({ id: 'LoginRequest' });

const LoginResponse = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.int(),
    user: Principal,
  })
  .meta({ id: 'LoginResponse' });

/**
 * Authenticate through the raw client: the directory answers RESOURCE_EXHAUSTED with a
 * `retry-after` trailer (seconds) when a user has tried too often, which becomes 429.
 */
function authenticate(
  client: identityV1.IdentityServiceClient,
  request: identityV1.AuthenticateRequest,
  timeoutMs: number,
): Promise<identityV1.AuthenticateResponse> {
  return new Promise((resolve, reject) =>
    client.authenticate(
      request,
      new Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (err: ServiceError | null, res?: identityV1.AuthenticateResponse) => {
        if (!err) return resolve(res!);
        if (err.code === status.RESOURCE_EXHAUSTED) {
          const seconds = Number(err.metadata?.get('retry-after')[0] ?? '');
          return reject(
            new TooManyRequests(
              err.details || 'too many log-in attempts',
              Number.isInteger(seconds) && seconds > 0 ? seconds : 60,
            ),
          );
        }
        reject(fromGrpcError(err));
      },
    ),
  );
}

/** Log-in and the signed-in user. */
export function sessionRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    defineRoute({
      operationId: 'login',
      method: 'post',
      path: '/auth/login',
      tag: 'Session',
      summary: 'Log in; returns a bearer access token (ES256 JWT)',
      access: { public: true },
      grpc: 'loanflow.identity.v1.IdentityService/Authenticate',
      bodyLimit: '4kb',
      request: { body: LoginRequest },
      responses: {
        200: { description: 'Signed in', schema: LoginResponse },
        401: { description: 'Unknown user, wrong password, or a locked or inactive account' },
        429: {
          description: 'Too many attempts from this address or for this user; see Retry-After',
          headers: { 'Retry-After': { description: 'Seconds to wait', schema: z.string() } },
        },
      },
      async handle({ body, call }) {
        // The directory checks the password; the gateway issues the token with the user's scope.
        const principal = principalOf(
          deps.identityRpc
            ? await authenticate(deps.identityRpc, body, call.timeoutMs)
            : await deps.identity.authenticate(body, { timeoutMs: call.timeoutMs }),
        );
        return ok({
          accessToken: signAccessToken(principal, deps.jwtPrivateKey, deps.tokenTtlSeconds),
          tokenType: 'Bearer',
          expiresIn: deps.tokenTtlSeconds,
          user: principal,
        });
      },
    }),
    defineRoute({
      operationId: 'getMe',
      method: 'get',
      path: '/me',
      tag: 'Session',
      summary: 'The signed-in user',
      access: { signedIn: true },
      responses: { 200: { description: 'The caller', schema: Principal } },
      handle: ({ principal }) => ok(principal),
    }),
  ];
}
