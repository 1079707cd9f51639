import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { commonEnv, ConfigError, loadConfig, port, secret } from './config';

const schema = z.object({
  ...commonEnv,
  GRPC_PORT: port(50051),
  JWT_PUBLIC_KEY: z.string().min(1),
  PII_KEY: secret(40),
});

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig('applications', schema, {
      JWT_PUBLIC_KEY: 'pem',
      PII_KEY: 'k'.repeat(40),
      DATABASE_POOL_MAX: '25',
      GRPC_PORT: '0',
    });
    expect(config).toEqual({
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      DATABASE_POOL_MAX: 25,
      NATS_URL: 'nats://127.0.0.1:4222',
      SHUTDOWN_TIMEOUT_MS: 10000,
      SHUTDOWN_NOT_SERVING_MS: 0,
      METRICS_PORT: 0,
      METRICS_HOST: '0.0.0.0',
      EVENTS_START_AT: 'all',
      EVENTS_NAMESPACE: '',
      BANK_TIME_ZONE: 'Asia/Shanghai',
      GRPC_PORT: 0,
      JWT_PUBLIC_KEY: 'pem',
      PII_KEY: 'k'.repeat(40),
    });
  });

  it('reports every bad variable by name in one error, without echoing secrets', () => {
    const leakedSecret = 'hunter2-short-secret';
    let error: unknown;
    try {
      loadConfig('applications', schema, {
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://root@db/loans',
        DATABASE_POOL_MAX: 'many',
        SHUTDOWN_TIMEOUT_MS: '5',
        GRPC_PORT: '70000',
        PII_KEY: leakedSecret,
      });
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.service).toBe('applications');
    const named = configError.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual([
      'DATABASE_POOL_MAX',
      'DATABASE_URL',
      'GRPC_PORT',
      'JWT_PUBLIC_KEY',
      'LOG_LEVEL',
      'PII_KEY',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(configError.problems).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(configError.problems).toContain('PII_KEY: must be at least 40 characters');
    expect(configError.message.startsWith('applications: invalid configuration\n')).toBe(true);
    for (const problem of configError.problems)
      expect(configError.message).toContain(`  - ${problem}`);
    expect(configError.message).not.toContain(leakedSecret);
  });

  it('ignores variables the schema does not know', () => {
    expect(() =>
      loadConfig('gateway', z.object({ GATEWAY_PORT: port(8080) }), {
        PATH: '/usr/bin',
        GATEWAY_PORT: '8081',
      }),
    ).not.toThrow();
  });

  it('names the environment itself when the problem has no variable', () => {
    const needsOne = z
      .object({ S3_ENDPOINT: z.string().optional(), S3_BUCKET_URL: z.string().optional() })
      .refine((env) => env.S3_ENDPOINT || env.S3_BUCKET_URL, 'set S3_ENDPOINT or S3_BUCKET_URL');
    expect(() => loadConfig('documents', needsOne, {})).toThrow(
      'documents: invalid configuration\n  - (environment): set S3_ENDPOINT or S3_BUCKET_URL',
    );
  });
});
