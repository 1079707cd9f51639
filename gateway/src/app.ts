import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { httpRequestDuration, httpRequests, type Logger, type Pool } from '@loanflow/platform';
import express, { type Express, type RequestHandler } from 'express';
import { service as healthService } from 'grpc-health-check';
import swaggerUi from 'swagger-ui-express';
import helmet from 'helmet';
import { idempotency } from './http/idempotency';
import { accessLog, authenticate, requestId, tracing, userStanding } from './http/middleware';
import { mountRoutes } from './http/api/mount';
import { apiDocument } from './http/api/document';
import { workbench } from './http/workbench';
import { allRoutes, type RouteDeps } from './http/routes/index';
import { errorHandler, notFoundRoute } from './http/problem';
import { loginThrottle } from './http/throttle';

export interface GatewayAppDeps extends RouteDeps {
  log: Logger;
  jwtPublicKey: string;
  bodyLimit: string;
  idempotencyTtlHours: number;
  /** Log-in attempts per client address and the window they refill over. */
  loginAttemptsPerIp?: number;
  loginWindowSeconds?: number;
  /** How long what the directory says of a user (active, locked) is trusted, at most 1 s. */
  userCheckTtlMs?: number;
  /** The built workbench (web/dist); a plain page pointing at /docs when it is not built. */
  webDir?: string;
  /** Readiness of the upstream services; see upstreamHealth(). */
  ready: () => Promise<Record<string, boolean>>;
}

export function createApp(deps: GatewayAppDeps): Express {
  const routes = allRoutes(deps);
  const document = apiDocument(routes);
  const signedIn = authenticate(
    deps.jwtPublicKey,
    userStanding(deps.identity, { ttlMs: deps.userCheckTtlMs, timeoutMs: deps.rpcTimeoutMs }),
  );
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(httpMetrics);
  // Security headers on every answer (API, pages, documents, errors): a CSP that the Swagger UI
  // page and the workbench satisfy (every script is a file of their own, no eval; styles may be
  // inline, as antd's CSS-in-JS writes them; images may be data: icons or blob: URLs of scans the
  // workbench fetched with its token; workers only from this origin), no framing by other sites,
  // no MIME sniffing, no referrer.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          workerSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          // Served over plain HTTP inside the cluster and in tests: upgrading would break /docs.
          upgradeInsecureRequests: null,
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(requestId, tracing, accessLog(deps.log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    let checks = await deps.ready();
    // `?scope=gateway`: this gateway's own readiness (its database, not draining), as Kubernetes
    // asks it; a service behind it that is down must not take every gateway out of rotation.
    if (req.query.scope === 'gateway')
      checks = Object.fromEntries(
        Object.entries(checks).filter(([name]) => name === 'database' || name === 'serving'),
      );
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'LoanFlow API' }));

  // Guessing passwords from one address is slowed before the body is even read.
  app.post(
    '/api/v1/auth/login',
    loginThrottle({
      attempts: deps.loginAttemptsPerIp ?? 300,
      windowSeconds: deps.loginWindowSeconds ?? 60,
    }),
  );
  app.use(
    '/api/v1',
    mountRoutes(routes, {
      authenticate: signedIn,
      idempotency: idempotency(deps.pool, deps.log, deps.idempotencyTtlHours),
      rpcTimeoutMs: deps.rpcTimeoutMs,
      bodyLimit: deps.bodyLimit,
    }),
  );
  // The workbench (web/): its files, and its index page for every page path it routes itself.
  app.use(workbench(deps.webDir));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.log));
  return app;
}

/** What no route matched (404s, static files of /docs): one series, not one per path. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Counts and times each request under its route pattern (`/api/v1/applications/:id`), never its
 * path: ids in paths would make a series per loan. The pattern is taken when Express matches the
 * route, because by the time the answer ends an error handler may have left the router and
 * restored `req.baseUrl`. A caller that goes away before the answer counts as 499 (nginx's
 * "client closed request").
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const stopTimer = httpRequestDuration.startTimer();
  let route = UNMATCHED_ROUTE;
  let matched: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => matched,
    set(value: { path?: unknown } | undefined) {
      matched = value;
      if (value?.path !== undefined) route = `${req.baseUrl}${String(value.path)}`;
    },
  });
  res.once('close', () => {
    const labels = { service: 'gateway', method: req.method, route };
    stopTimer(labels);
    const status = res.writableFinished ? res.statusCode : 499;
    httpRequests.inc({ ...labels, status: String(status) });
  });
  next();
};

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
 * A connection accepted just before the close whose request has not been read yet is not idle: its
 * client has sent (or is sending) a request and must get an answer, so it is given a moment to
 * arrive (server.closeIdleConnections() would reset it).
 */
export function gracefulClose(
  server: Server,
  firstRequestGraceMs = 2000,
): (deadlineMs: number) => Promise<void> {
  const open = new Set<ServerResponse>();
  /** Connections with no request in progress: kept alive after one, or awaiting their first. */
  const idle = new Map<Socket, 'kept-alive' | 'new'>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    idle.set(socket, 'new');
    socket.once('close', () => idle.delete(socket));
  });
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    open.add(res);
    idle.delete(req.socket);
    res.once('close', () => {
      open.delete(res);
      if (!req.socket.destroyed) idle.set(req.socket, 'kept-alive');
      if (closing) req.socket.end();
    });
  });
  return (deadlineMs) =>
    new Promise((resolve) => {
      closing = true;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
      // Connections the kernel completed but this process has not accepted yet would be reset
      // when the listener closes: the next turn of the event loop accepts them first.
      setImmediate(() =>
        setImmediate(() => {
          // net.Server's close, not http.Server's: the latter also resets every connection
          // without a request in progress, those whose first request is on its way included.
          NetServer.prototype.close.call(server, () => {
            clearTimeout(timer);
            resolve();
          });
          for (const [socket, state] of idle) if (state === 'kept-alive') socket.end();
          // A new connection that sends nothing is not waited for until the deadline.
          setTimeout(() => {
            for (const [socket, state] of idle) if (state === 'new') socket.destroy();
          }, firstRequestGraceMs).unref();
        }),
      );
    });
}
