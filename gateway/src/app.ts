import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger, Pool } from '@loanflow/platform';
import express, { type Express } from 'express';
import { service as healthService } from 'grpc-health-check';
import swaggerUi from 'swagger-ui-express';
import { idempotency } from './http/idempotency';
import { accessLog, authenticate, requestId, requireJson, tracing } from './http/middleware';
import { mountRoutes } from './http/api/mount';
import { openApiDocument } from './http/api/openapi';
import { allRoutes } from './http/routes/index';
import { errorHandler, notFoundRoute } from './http/problem';
import { protectedRoutes, publicRoutes, type RouteDeps } from './http/routes';
import { workflowRoutes } from './http/workflow-routes';
import { documentRoutes, documentUploadRoutes } from './http/documents-routes';
import { identityRoutes } from './http/identity-routes';

export interface GatewayAppDeps extends RouteDeps {
  log: Logger;
  jwtPublicKey: string;
  bodyLimit: string;
  idempotencyTtlHours: number;
  /** Readiness of the upstream services; see upstreamHealth(). */
  ready: () => Promise<Record<string, boolean>>;
}

export function createApp(deps: GatewayAppDeps): Express {
  const routes = allRoutes(deps);
  const document = openApiDocument(routes, {
    title: 'LoanFlow API',
    version: '1.0.0',
    description:
      'Credit approval and servicing. Money is a decimal string in yuan, never a JSON number. Errors are RFC 9457 problem details.',
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestId, tracing, accessLog(deps.log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await deps.ready();
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'LoanFlow API' }));
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><meta charset="utf-8"><title>LoanFlow</title><h1>LoanFlow</h1>' +
          '<p>Credit approval and servicing. API: <a href="/docs">/docs</a> · <a href="/openapi.json">/openapi.json</a></p>',
      );
  });

  // Uploads stream through as multipart/form-data, before the JSON body parser.
  app.use('/api/v1', documentUploadRoutes(deps, authenticate(deps.jwtPublicKey)));
  app.use(
    '/api/v1',
    mountRoutes(routes, {
      authenticate: authenticate(deps.jwtPublicKey),
      idempotency: idempotency(deps.pool, deps.log, deps.idempotencyTtlHours),
      rpcTimeoutMs: deps.rpcTimeoutMs,
      bodyLimit: deps.bodyLimit,
    }),
  );
  // Routes not yet declared (being moved to ./http/routes): the former routers.
  const api = express.Router();
  api.use(requireJson, express.json({ limit: deps.bodyLimit, strict: true }));
  api.use(publicRoutes(deps));
  api.use(
    authenticate(deps.jwtPublicKey),
    idempotency(deps.pool, deps.log, deps.idempotencyTtlHours),
    protectedRoutes(deps),
    workflowRoutes(deps),
    documentRoutes(deps),
    identityRoutes(deps),
  );
  app.use('/api/v1', api);
  app.use(notFoundRoute);
  app.use(errorHandler(deps.log));
  return app;
}

type HealthClient = {
  check(
    req: { service: string },
    md: Metadata,
    opts: { deadline: Date },
    cb: (err: Error | null, res?: { status: string | number }) => void,
  ): void;
  close(): void;
};
const HealthClientCtor = makeGenericClientConstructor(
  healthService as unknown as ServiceDefinition,
  'grpc.health.v1.Health',
);

/** Readiness: the database answers and every upstream gRPC health service says SERVING. */
export function upstreamHealth(pool: Pool, addresses: Record<string, string>) {
  const clients = Object.entries(addresses).map(
    ([name, address]) =>
      [
        name,
        new HealthClientCtor(address, credentials.createInsecure()) as unknown as HealthClient,
      ] as const,
  );
  const check = async () => {
    const result: Record<string, boolean> = {};
    result.database = await pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    for (const [name, client] of clients) {
      result[name] = await new Promise<boolean>((resolve) =>
        client.check(
          { service: '' },
          new Metadata(),
          { deadline: new Date(Date.now() + 1000) },
          (err, res) => resolve(!err && (res?.status === 'SERVING' || res?.status === 1)),
        ),
      );
    }
    return result;
  };
  return { check, close: () => clients.forEach(([, c]) => c.close()) };
}

/**
 * Graceful close of the HTTP server; set up when the server is created, called at shutdown. It
 * stops accepting connections, lets requests in flight finish, then closes what is left at the
 * deadline. Responses still open at that point say `Connection: close`: otherwise their kept-alive
 * connections would idle (and take new requests) until the deadline instead of ending with them.
 */
export function gracefulClose(server: Server): (deadlineMs: number) => Promise<void> {
  const open = new Set<ServerResponse>();
  let closing = false;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return (deadlineMs) =>
    new Promise((resolve) => {
      closing = true;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
}
