import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import jwt from 'jsonwebtoken';
import { permissionDenied, unauthenticated } from './errors';

/** Roles of the approval chain and the back office (see GLOSSARY.md). */
export const ROLES = [
  'account_manager',
  'market_specialist',
  'group_leader',
  'corporate_lending',
  'credit_officer',
  'pre_meeting_reviewer',
  'committee_member',
  'committee_chair',
  'risk_manager',
  'final_approver',
  'disbursement_reviewer',
  'post_loan_officer',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Branch code of the head office, the root of the branch tree: its staff see every branch. */
export const HEAD_OFFICE = 'HQ';

/** How branch codes look: HQ, SH001, a sub-branch SH001-01. */
export const BRANCH_CODE = /^[A-Z][A-Z0-9]{0,9}(-[A-Z0-9]{1,9})?$/;

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  branchId: string;
  /**
   * Data scope: the branch codes of the subtree of the user's branch (the identity service says
   * which), or `all` at the head office. A principal without one sees its own branch only.
   */
  branchScope?: string[] | 'all';
}

export const hasRole = (p: Principal, ...roles: Role[]): boolean =>
  roles.some((r) => p.roles.includes(r));

/** The branch codes the principal may see; `null` for every branch. */
export function branchScopeOf(p: Principal): string[] | null {
  if (p.branchScope === 'all') return null;
  if (p.branchScope) return p.branchScope;
  return p.branchId === HEAD_OFFICE ? null : [p.branchId];
}

/** Whether the principal may see data of `branchId`: a branch of their subtree. */
export const canAccessBranch = (p: Principal, branchId: string): boolean => {
  const scope = branchScopeOf(p);
  return scope === null || scope.includes(branchId);
};

/** Refuses (PERMISSION_DENIED) a caller without one of `allowed`, naming the action. */
export function requireRole(p: Principal, allowed: readonly Role[], action: string): void {
  if (!hasRole(p, ...allowed)) {
    throw permissionDenied(`${action} needs one of the roles ${allowed.join(', ')}`);
  }
}

/** Data scope: staff see their branch's subtree; head-office staff see all branches. */
export function requireBranch(p: Principal, branchId: string, what: string): void {
  if (!canAccessBranch(p, branchId)) {
    const scope = branchScopeOf(p)!;
    const yours =
      scope.length === 1 ? `your branch ${scope[0]}` : `your branches ${scope.join(', ')}`;
    throw permissionDenied(`${what} belongs to branch ${branchId}, outside ${yours}`);
  }
}

/**
 * The branches a list query covers: the one asked for (when it is in scope), else the caller's
 * whole scope; `null` for no branch condition (head office, nothing asked). In SQL:
 * `($n::text[] IS NULL OR branch_id = ANY($n))`.
 */
export function branchFilter(p: Principal, requested = ''): string[] | null {
  if (!requested) return branchScopeOf(p);
  requireBranch(p, requested, 'the branch filter');
  return [requested];
}

const ISSUER = 'loanflow-gateway';
const AUDIENCE = 'loanflow';
const ALGORITHM = 'ES256';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** An ES256 key pair for development and tests; production keys come from the environment. */
export function generateSigningKeys(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

// Parsing a PEM costs more than checking a signature; keep the parsed keys.
const parsedKeys = new Map<string, KeyObject>();
function keyObject(pem: string, kind: 'private' | 'public'): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

/** Issued by the gateway only; services hold the public key and verify every call themselves. */
export function signAccessToken(p: Principal, privateKey: string, ttlSeconds = 3600): string {
  return jwt.sign(
    {
      username: p.username,
      name: p.displayName,
      roles: p.roles,
      branch: p.branchId,
      ...(p.branchScope ? { scope: p.branchScope } : {}),
    },
    keyObject(privateKey, 'private'),
    {
      algorithm: ALGORITHM,
      subject: p.userId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: ttlSeconds,
    },
  );
}

/** Tokens already verified, per public key: a signature check per call is a large part of a request. */
const verifiedTokens = new Map<string, Map<string, { principal: Principal; expiresAt: number }>>();
const VERIFIED_TOKENS_KEPT = 4096;

/**
 * Checks an access token's signature, issuer, audience and expiry; a token without an expiry is
 * refused (it would be good for ever). A token verified before (same bytes, same key) is answered
 * from memory until it expires: its claims cannot have changed.
 */
export function verifyAccessToken(token: string, publicKey: string): Principal {
  let known = verifiedTokens.get(publicKey);
  if (!known) verifiedTokens.set(publicKey, (known = new Map()));
  const hit = known.get(token);
  if (hit && Date.now() < hit.expiresAt) return copyOf(hit.principal);
  if (hit) known.delete(token);
  const { principal, claims } = verifyUncached(token, publicKey);
  if (claims.nbf === undefined) {
    if (known.size >= VERIFIED_TOKENS_KEPT) known.delete(known.keys().next().value!);
    known.set(token, { principal, expiresAt: claims.exp * 1000 });
  }
  return copyOf(principal);
}

function copyOf(p: Principal): Principal {
  const copy: Principal = { ...p, roles: [...p.roles] };
  if (Array.isArray(p.branchScope)) copy.branchScope = [...p.branchScope];
  return copy;
}

function verifyUncached(
  token: string,
  publicKey: string,
): { principal: Principal; claims: jwt.JwtPayload & { exp: number } } {
  let claims: jwt.JwtPayload;
  try {
    claims = jwt.verify(token, keyObject(publicKey, 'public'), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as jwt.JwtPayload;
  } catch (err) {
    throw unauthenticated(`invalid access token: ${(err as Error).message}`);
  }
  if (typeof claims.exp !== 'number') throw unauthenticated('access token without an expiry');
  const roles = Array.isArray(claims.roles)
    ? (claims.roles.filter((r) => (ROLES as readonly string[]).includes(r)) as Role[])
    : [];
  if (!claims.sub || typeof claims.branch !== 'string')
    throw unauthenticated('malformed access token');
  const principal: Principal = {
    userId: claims.sub,
    username: String(claims.username ?? ''),
    displayName: String(claims.name ?? ''),
    roles,
    branchId: claims.branch,
  };
  const scope: unknown = claims.scope;
  if (scope === 'all') principal.branchScope = 'all';
  else if (Array.isArray(scope) && scope.every((b) => typeof b === 'string'))
    principal.branchScope = scope as string[];
  else if (scope !== undefined) throw unauthenticated('malformed access token');
  return { principal, claims: claims as jwt.JwtPayload & { exp: number } };
}

/** `Bearer <token>` → token. */
export function bearerToken(header: string | undefined): string {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) throw unauthenticated('missing bearer token');
  return m[1]!;
}
