import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { BANK_TIME_ZONE, isTimeZone } from './dates';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against one schema at boot and fails fast with every problem at
 * once, naming each variable. Secrets are never echoed back.
 */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}

/** Variables every service shares. */
export const commonEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/postgres'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /**
   * Where a service's new durable consumers start: the whole stream (production: nothing
   * published before the first deploy is missed) or new messages only (test deployments).
   */
  EVENTS_START_AT: z.enum(['all', 'new']).default('all'),
  /**
   * A deployment's own corner of a shared event stream (`loanflow.<namespace>.…` on the wire):
   * test deployments on one NATS server do not hear each other. Empty in production.
   */
  EVENTS_NAMESPACE: z
    .string()
    .regex(/^([a-z][a-z0-9_-]{0,31})?$/, 'must be lower-case letters, digits, _ or -, at most 32')
    .default(''),
  /** The bank's time zone: business dates, archive and contract years are its calendar dates. */
  BANK_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
    .default(BANK_TIME_ZONE),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  /** How long health reports NOT_SERVING before the server stops accepting (probe period). */
  SHUTDOWN_NOT_SERVING_MS: z.coerce.number().int().min(0).max(60000).default(0),
  /**
   * Where the process serves Prometheus metrics (`GET /metrics`, text exposition format) on its
   * own HTTP port, apart from the traffic ports; 0: not served (several services in one process).
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  METRICS_HOST: z.string().default('0.0.0.0'),
};

export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);
export const secret = (minLength: number) =>
  z.string().min(minLength, `must be at least ${minLength} characters`);

/** A PEM key that must parse at boot, not at the first request. */
export const pemKey = (kind: 'public' | 'private') =>
  z.string().refine((v) => {
    try {
      if (kind === 'public') createPublicKey(v);
      else createPrivateKey(v);
      return true;
    } catch {
      return false;
    }
  }, `must be a PEM ${kind} key (ES256)`);
