import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';

/** The route label of the workbench's files and pages in the HTTP metrics. */
export const WORKBENCH_ROUTE = '(workbench)';

/** web/dist beside this gateway: in the repository and in the gateway's container image alike. */
export const DEFAULT_WEB_DIR = resolve(__dirname, '..', '..', '..', 'web', 'dist');

/**
 * The workbench's own page paths (web/src/App.tsx routes them): only these get its index page,
 * so a mistyped URL is still a 404 problem and the API, the probes and /docs are never shadowed.
 */
const PAGES =
  /^\/($|login$|tasks(\/|$)|applications(\/|$)|contracts\/|loans(\/|$)|business-day$|post-loan(\/|$)|reports$|notifications$|admin\/|proxies$)/;

/**
 * Serves the workbench: its hashed assets cached for a year (a new build has new names), and its
 * index page, never cached, for `/` and every page path the client routes itself (a bookmark of
 * /applications/…, a reload on /tasks). Only GET/HEAD asking for HTML get the page; anything else
 * falls through to the 404 problem. Without a build, `/` says where the API is.
 */
export function workbench(webDir: string = DEFAULT_WEB_DIR): Router {
  const router = Router();
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    router.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>LoanFlow</title><h1>LoanFlow</h1>' +
            '<p>Credit approval and servicing. API: <a href="/docs">/docs</a> · <a href="/openapi.json">/openapi.json</a></p>' +
            '<p>The workbench is not built: <code>npm run build</code>.</p>',
        );
    });
    return router;
  }
  // One metrics series for the workbench's files and pages (not one per asset or page path).
  router.use((req, _res, next) => {
    if (req.path.startsWith('/assets/') || PAGES.test(req.path))
      (req as { route?: unknown }).route = { path: WORKBENCH_ROUTE };
    next();
  });
  router.use(
    '/assets',
    express.static(join(webDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );
  router.use(
    express.static(webDir, {
      index: false,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  router.use((req, res, next) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      !PAGES.test(req.path) ||
      !req.accepts('html')
    ) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
