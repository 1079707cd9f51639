import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

export const gatewayEnv = z.object({
  ...commonEnv,
  GATEWAY_HTTP_HOST: z.string().default('0.0.0.0'),
  GATEWAY_HTTP_PORT: port(8080),
  GATEWAY_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('gateway'),
  IDENTITY_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50055')
    .describe('The identity service (host:port): log-in checks, users and branches.'),
  APPLICATIONS_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50051')
    .describe('The applications service (host:port): customers, products and applications.'),
  WORKFLOW_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50052')
    .describe('The workflow service (host:port): processes, tasks and the working-day calendar.'),
  ACCOUNTING_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50053')
    .describe(
      'The accounting service (host:port): schedules, loans, the ledger and post-loan management.',
    ),
  DOCUMENTS_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50054')
    .describe('The documents service (host:port): scans, checklists, the archive and contracts.'),
  NOTIFICATIONS_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50057')
    .describe(
      'The notifications service (host:port): inboxes and their live stream, preferences, templates, rules and the delivery log.',
    ),
  REPORTING_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50058')
    .describe(
      'The reporting service (host:port): management reports, their exports and the report streams.',
    ),
  AUTH_JWT_PRIVATE_KEY: pemKey('private'),
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  AUTH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(3600),
  GATEWAY_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'like 256kb')
    .default('256kb'),
  /**
   * The built workbench (web/dist) served at /; by default the one beside this gateway in the
   * repository or the container image. A folder without index.html serves a plain page instead.
   */
  GATEWAY_WEB_DIR: z.string().min(1).optional(),
  /** Upstream call deadline. */
  GATEWAY_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /**
   * Log-in attempts per client address: a bucket of this many, refilled evenly over the window.
   * Generous by default (a branch behind one NAT logs in together); tests set it low.
   */
  GATEWAY_LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(300),
  GATEWAY_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How long the gateway trusts what the directory said of a user (locked, inactive). */
  GATEWAY_USER_CHECK_TTL_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  /**
   * Seconds between heartbeat comments on a live notification stream: proxies and load balancers
   * close connections that stay silent (often after 30 to 60 s), and a client learns a dead link.
   */
  GATEWAY_SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  /** How long a recorded idempotent response is kept. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig('gateway', gatewayEnv, env);
