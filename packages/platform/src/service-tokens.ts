import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { permissionDenied, unauthenticated } from './errors';

// Calls one service makes on its own behalf (no user behind them: an event being handled) carry a
// short-lived service token. It is signed with a key pair of its own, not the gateway's user-token
// key: a service that can mint service tokens still cannot mint a user, and a user token is never
// a service token (other issuer and audience). Only the narrow RPCs that serve services accept it.
const ISSUER = 'loanflow-services';
const AUDIENCE = 'loanflow-service-calls';
const ALGORITHM = 'ES256';

const keys = new Map<string, KeyObject>();
const keyOf = (pem: string, kind: 'private' | 'public'): KeyObject => {
  let key = keys.get(pem);
  if (!key)
    keys.set(pem, (key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem)));
  return key;
};

/** A token naming the calling service (`sub: service:<name>`), good for `ttlSeconds`. */
export function signServiceToken(service: string, privateKey: string, ttlSeconds = 300): string {
  return jwt.sign({}, keyOf(privateKey, 'private'), {
    algorithm: ALGORITHM,
    subject: `service:${service}`,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
}

/**
 * The calling service a service token names, when its signature, issuer, audience and expiry
 * hold; UNAUTHENTICATED otherwise, PERMISSION_DENIED for a service not in `allowed`.
 */
export function verifyServiceToken(
  token: string,
  publicKey: string,
  allowed: readonly string[],
): string {
  let claims: jwt.JwtPayload;
  try {
    claims = jwt.verify(token, keyOf(publicKey, 'public'), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as jwt.JwtPayload;
  } catch (err) {
    throw unauthenticated(`invalid service token: ${(err as Error).message}`);
  }
  if (typeof claims.exp !== 'number') throw unauthenticated('service token without an expiry');
  const service = typeof claims.sub === 'string' ? claims.sub.replace(/^service:/, '') : '';
  if (!claims.sub?.startsWith('service:') || !service)
    throw unauthenticated('malformed service token');
  if (!allowed.includes(service))
    throw permissionDenied(`the ${service} service may not make this call`);
  return service;
}

/** Keeps one service token and signs a new one when it has less than a minute left. */
export class ServiceTokens {
  private current: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly service: string,
    private readonly privateKey: string,
    private readonly ttlSeconds = 300,
    private readonly now: () => number = Date.now,
  ) {}

  token(): string {
    const now = this.now();
    if (!this.current || this.current.expiresAt - now < 60_000) {
      this.current = {
        token: signServiceToken(this.service, this.privateKey, this.ttlSeconds),
        expiresAt: now + this.ttlSeconds * 1000,
      };
    }
    return this.current.token;
  }
}
