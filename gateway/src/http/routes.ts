import {
  DomainError,
  invalidArgument,
  signAccessToken,
  type Logger,
  type PromiseClient,
  type Pool,
  type Principal,
  type Role,
} from '@loanflow/platform';
import {
  applicationsV1 as pb,
  scheduleRequestFromJson,
  type accountingV1,
  type documentsV1,
  type identityV1,
  type postLoanV1,
  type workflowV1,
} from '@loanflow/proto';
import { route, upstreamCall } from './upstream';
import { Router, type Request, type Response } from 'express';
import { principalOf } from './identity-routes';
import { requireRole } from './middleware';
import {
  applicationJson,
  customerJson,
  productJson,
  toPbCustomerType,
  toPbMethod,
  toPbStatus,
} from './representations';
import {
  applicationBody,
  applicationPatch,
  applicationQuery,
  customerBody,
  customerQuery,
  loginBody,
  parseInput,
  withdrawBody,
} from './validation';

export interface RouteDeps {
  pool: Pool;
  log?: Logger;
  /** The user directory: log-in, users and branches. */
  identity: PromiseClient<identityV1.IdentityServiceClient>;
  applications: PromiseClient<pb.ApplicationsServiceClient>;
  workflow: PromiseClient<workflowV1.WorkflowServiceClient>;
  accounting: PromiseClient<accountingV1.AccountingServiceClient>;
  /** 贷后管理: served by the accounting service too (ACCOUNTING_ADDR). */
  postLoan: PromiseClient<postLoanV1.PostLoanServiceClient>;
  /** 影像资料: the documents service (unary calls, and the raw client for streams). */
  documents: PromiseClient<documentsV1.DocumentsServiceClient>;
  documentStreams: documentsV1.DocumentsServiceClient;
  jwtPrivateKey: string;
  tokenTtlSeconds: number;
  rpcTimeoutMs: number;
}

/** Who may enter customers and applications (the owning service checks again, with branch scope). */
const FRONT_OFFICE: Role[] = ['account_manager', 'corporate_lending'];

/** Login needs no token; everything else is mounted behind authentication. */
export function publicRoutes(deps: RouteDeps): Router {
  const r = Router();
  r.post('/auth/login', async (req, res) => {
    const body = parseInput(loginBody, req.body);
    // The directory checks the password; the gateway issues the token with the user's scope.
    const principal = principalOf(
      await deps.identity.authenticate(body, { timeoutMs: deps.rpcTimeoutMs }),
    );
    res.json({
      accessToken: signAccessToken(principal, deps.jwtPrivateKey, deps.tokenTtlSeconds),
      tokenType: 'Bearer',
      expiresIn: deps.tokenTtlSeconds,
      user: principal,
    });
  });
  return r;
}

export function protectedRoutes(deps: RouteDeps): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);

  // A custom method (AIP-136): the colon is part of the path, not a parameter.
  r.post('/schedules\\:preview', async (req, res) => {
    route(res, '/schedules:preview');
    if (req.body === undefined || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw invalidArgument([
        { field: '(body)', reason: 'send the schedule request as a JSON object' },
      ]);
    }
    // Fields of the wrong JSON type are refused together with what the service finds wrong
    // with the others (a preview changes nothing, so it is asked even then).
    const { request, problems } = scheduleRequestFromJson(req.body);
    const preview = deps.accounting.previewSchedule({ request }, call(res));
    if (problems.length === 0) {
      res.json(await preview);
      return;
    }
    const flagged = new Set(problems.map((p) => p.field));
    const others = await preview.then(
      () => [],
      (err: unknown) => {
        if (!(err instanceof DomainError) || err.code !== 'invalid_argument') throw err;
        return err.violations.filter((v) => !flagged.has(v.field));
      },
    );
    throw invalidArgument([...problems, ...others]);
  });

  r.get('/me', (_req, res) => {
    res.json(res.locals.principal as Principal);
  });

  r.get('/products', async (_req, res) => {
    route(res, '/products');
    const out = await deps.applications.listProducts({}, call(res));
    res.json({ items: out.products.map(productJson) });
  });
  r.get('/products/:code', async (req, res) => {
    route(res, '/products/:code');
    const out = await deps.applications.getProduct({ code: req.params.code as string }, call(res));
    res.json(productJson(out.product!));
  });

  r.post('/customers', requireRole(...FRONT_OFFICE), async (req, res) => {
    route(res, '/customers');
    const b = parseInput(customerBody, req.body);
    const out = await deps.applications.createCustomer(
      pb.CreateCustomerRequest.fromPartial({
        type: toPbCustomerType(b.type),
        name: b.name,
        branchId: b.branchId ?? '',
        individual: b.individual,
        corporate: b.corporate,
      }),
      call(res),
    );
    res
      .status(201)
      .location(`/api/v1/customers/${out.customer!.id}`)
      .json(customerJson(out.customer!));
  });
  r.get('/customers', async (req, res) => {
    route(res, '/customers');
    const { name, ...q } = parseInput(customerQuery, req.query);
    const out = await deps.applications.findCustomers(
      pb.FindCustomersRequest.fromPartial({ ...q, namePrefix: name ?? '' }),
      call(res),
    );
    res.json({ items: out.customers.map(customerJson), nextPageToken: out.nextPageToken || null });
  });
  r.get('/customers/:id', async (req, res) => {
    route(res, '/customers/:id');
    const out = await deps.applications.getCustomer({ id: req.params.id as string }, call(res));
    res.json(customerJson(out.customer!));
  });

  const sendApplication = (res: Response, a: pb.Application, status = 200) => {
    res.status(status).setHeader('ETag', `"${a.version}"`);
    res.json(applicationJson(a));
  };

  r.post('/applications', requireRole(...FRONT_OFFICE), async (req, res) => {
    route(res, '/applications');
    const b = parseInput(applicationBody, req.body);
    const out = await deps.applications.createApplication(
      pb.CreateApplicationRequest.fromPartial({
        draft: { ...b, repaymentMethod: toPbMethod(b.repaymentMethod) },
      }),
      call(res),
    );
    res.location(`/api/v1/applications/${out.application!.id}`);
    sendApplication(res, out.application!, 201);
  });
  r.get('/applications', async (req, res) => {
    route(res, '/applications');
    const q = parseInput(applicationQuery, req.query);
    const out = await deps.applications.listApplications(
      pb.ListApplicationsRequest.fromPartial({ ...q, status: toPbStatus(q.status) }),
      call(res),
    );
    res.json({
      items: out.applications.map(applicationJson),
      nextPageToken: out.nextPageToken || null,
    });
  });
  r.get('/applications/:id', async (req, res) => {
    route(res, '/applications/:id');
    const out = await deps.applications.getApplication({ id: req.params.id as string }, call(res));
    sendApplication(res, out.application!);
  });
  r.patch('/applications/:id', requireRole(...FRONT_OFFICE), async (req, res) => {
    route(res, '/applications/:id');
    const b = parseInput(applicationPatch, req.body);
    const mask = Object.keys(b).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    const out = await deps.applications.updateApplication(
      pb.UpdateApplicationRequest.fromPartial({
        id: req.params.id as string,
        draft: { ...b, repaymentMethod: toPbMethod(b.repaymentMethod) },
        updateMask: mask,
        expectedVersion: ifMatchVersion(req),
      }),
      call(res),
    );
    sendApplication(res, out.application!);
  });
  r.post('/applications/:id/submit', requireRole(...FRONT_OFFICE), async (req, res) => {
    route(res, '/applications/:id/submit');
    const out = await deps.applications.submitApplication(
      { id: req.params.id as string },
      call(res),
    );
    sendApplication(res, out.application!);
  });
  r.post('/applications/:id/withdraw', requireRole(...FRONT_OFFICE), async (req, res) => {
    route(res, '/applications/:id/withdraw');
    const b = parseInput(withdrawBody, req.body);
    const out = await deps.applications.withdrawApplication(
      { id: req.params.id as string, reason: b.reason },
      call(res),
    );
    // End the approval now, so nobody acts on its tasks after this answer; should this call
    // fail, the application.withdrawn event ends it a moment later.
    await deps.workflow
      .terminateProcess(
        {
          applicationId: out.application!.id,
          cause: 'withdrawn',
          reason: b.reason,
          idempotencyKey: `withdraw:${out.application!.id}`,
        },
        call(res),
      )
      .catch((err: unknown) => {
        deps.log?.warn(
          { err, applicationId: out.application!.id },
          'the process was not ended now; the withdrawn event will end it',
        );
      });
    sendApplication(res, out.application!);
  });
  return r;
}

/** `If-Match: "3"` → 3; absent → 0 (no check), so `"0"` is refused rather than passed on as "no check". */
function ifMatchVersion(req: Request): number {
  const h = req.get('if-match');
  if (h === undefined) return 0;
  const m = /^(?:W\/)?"([1-9]\d{0,8})"$/.exec(h.trim());
  if (!m)
    throw invalidArgument([
      { field: 'If-Match', reason: 'must be the ETag of the application, e.g. "3"' },
    ]);
  return Number(m[1]);
}
