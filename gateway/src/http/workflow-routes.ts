import { invalidArgument, type Role } from '@loanflow/platform';
import { workflowV1 as wf } from '@loanflow/proto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from './middleware';
import type { RouteDeps } from './routes';
import { route, upstreamCall } from './upstream';
import { parseInput } from './validation';

const ACTIONS = [
  'claim',
  'unclaim',
  'complete',
  'send-back',
  'withdraw',
  'transfer',
  'delegate',
  'add-signer',
  'urge',
] as const;

const taskQuery = z.strictObject({
  scope: z.enum(['mine', 'group', 'all'], { error: 'must be mine, group or all' }).optional(),
  state: z
    .enum(['open', 'suspended', 'completed', 'cancelled'], {
      error: 'must be open, suspended, completed or cancelled',
    })
    .optional(),
  step: z.string().max(64).optional(),
  productCode: z.string().max(64).optional(),
  minAmount: z.string().max(32).optional(),
  maxAmount: z.string().max(32).optional(),
  overdue: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  dueBefore: z.string().max(40).optional(),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .optional(),
  pageToken: z.string().max(512).optional(),
  applicationId: z.uuid({ error: 'must be an application id (UUID)' }).optional(),
});

const actionBody = z.strictObject({
  outcome: z.enum(['approve', 'reject'], { error: 'must be approve or reject' }).optional(),
  opinion: z.string().max(4000).optional(),
  formData: z.record(z.string(), z.unknown()).optional(),
  targetElementId: z.string().max(200).optional(),
  userId: z.string().max(100).optional(),
  position: z.enum(['before', 'after'], { error: 'must be before or after' }).optional(),
  reason: z.string().max(1000).optional(),
});

const deployBody = z.strictObject({
  xml: z.string({ error: 'must be the BPMN 2.0 XML as a string' }).min(1, 'is required'),
});
const proxyBody = z.strictObject({
  userId: z.string().max(100).optional(),
  proxyUserId: z.string({ error: 'is required' }).max(100),
  fromDate: z.string({ error: 'is required' }),
  toDate: z.string({ error: 'is required' }),
});
const migrationBody = z.strictObject({
  fromVersion: z.number({ error: 'must be a version number' }).int().min(1),
  toVersion: z.number({ error: 'must be a version number' }).int().min(1),
  instanceIds: z.array(z.string().max(64)).max(1000).optional(),
});

const holidayYearBody = z.strictObject({
  notice: z.string({ error: 'is required' }).max(500),
  holidays: z
    .array(
      z.strictObject({
        name: z.string({ error: 'is required' }).max(100),
        firstDay: z.string({ error: 'is required' }).max(10),
        lastDay: z.string({ error: 'is required' }).max(10),
        workdays: z.array(z.string().max(10)).max(5).optional(),
      }),
      { error: 'must list the arrangements' },
    )
    .max(20),
});

const ADMIN: Role[] = ['admin'];

/** 我的业务 and the approval actions, process definitions and instances (the workflow service). */
export function workflowRoutes(deps: RouteDeps): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);

  r.get('/tasks', async (req, res) => {
    route(res, '/tasks');
    const { overdue, ...q } = parseInput(taskQuery, req.query);
    const out = await deps.workflow.listTasks(
      wf.ListTasksRequest.fromPartial({ ...q, overdueOnly: overdue === 'true' }),
      call(res),
    );
    res.json({ items: out.tasks, nextPageToken: out.nextPageToken || null });
  });
  r.get('/tasks/counts', async (req, res) => {
    route(res, '/tasks/counts');
    const out = await deps.workflow.countTasks({ scope: String(req.query.scope ?? '') }, call(res));
    res.json({ items: out.steps });
  });
  // One task with its step's form (a JSON Schema of formData) and what the caller may do now.
  r.get('/tasks/:id', async (req, res) => {
    route(res, '/tasks/:id');
    const out = await deps.workflow.getTask({ id: req.params.id as string }, call(res));
    res.json({
      ...out.task,
      form: out.form ?? null,
      allowedActions: out.allowedActions,
      sendBackTargets: out.sendBackTargets,
      processStatus: out.processStatus,
      terminationReason: out.terminationReason || null,
    });
  });

  // AIP-136 custom methods: POST /tasks/{id}:claim. Task ids contain ':' themselves, so the
  // action is what follows the last one; /tasks/{id}/claim works too.
  const act = async (req: Request, res: Response, taskId: string, action: string) => {
    route(res, `/tasks/{id}:${action}`);
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw invalidArgument([{ field: 'action', reason: `must be one of ${ACTIONS.join(', ')}` }]);
    }
    const b = parseInput(actionBody, req.body ?? {});
    const out = await deps.workflow.actOnTask(
      wf.ActOnTaskRequest.fromPartial({
        ...b,
        taskId,
        action,
        idempotencyKey: req.get('idempotency-key') ?? (res.locals.requestId as string),
      }),
      call(res),
    );
    res.json(out);
  };
  r.post('/tasks/:taskAction', (req, res) => {
    const whole = req.params.taskAction as string;
    const cut = whole.lastIndexOf(':');
    if (cut <= 0)
      throw invalidArgument([
        { field: 'action', reason: 'use POST /tasks/{id}:{action}, e.g. …:claim' },
      ]);
    return act(req, res, whole.slice(0, cut), whole.slice(cut + 1));
  });
  r.post('/tasks/:id/:action', (req, res) =>
    act(req, res, req.params.id as string, req.params.action as string),
  );

  r.post('/process-definitions', requireRole(...ADMIN), async (req, res) => {
    route(res, '/process-definitions');
    const b = parseInput(deployBody, req.body);
    const out = await deps.workflow.deployDefinition({ xml: b.xml }, call(res));
    res.status(out.created ? 201 : 200).json(out);
  });
  r.get('/process-definitions', async (req, res) => {
    route(res, '/process-definitions');
    const out = await deps.workflow.listDefinitions(
      { key: String(req.query.key ?? '') },
      call(res),
    );
    res.json({ items: out.definitions });
  });
  r.get('/process-definitions/:id', async (req, res) => {
    route(res, '/process-definitions/:id');
    const out = await deps.workflow.getDefinition(
      { id: req.params.id as string, key: '', version: 0 },
      call(res),
    );
    if (req.query.format === 'xml') res.type('application/xml').send(out.definition!.xml);
    else res.json(out.definition);
  });
  r.post('/process-definitions/:key/migrations', requireRole(...ADMIN), async (req, res) => {
    route(res, '/process-definitions/:key/migrations');
    const b = parseInput(migrationBody, req.body);
    const out = await deps.workflow.migrateInstances(
      { definitionKey: req.params.key as string, ...b, instanceIds: b.instanceIds ?? [] },
      call(res),
    );
    res.json(out);
  });
  r.get('/calendar/holiday-years', async (_req, res) => {
    route(res, '/calendar/holiday-years');
    const out = await deps.workflow.listHolidayYears({}, call(res));
    res.json({ items: out.years, warning: out.warning || null });
  });
  r.put('/calendar/holiday-years/:year', requireRole(...ADMIN), async (req, res) => {
    route(res, '/calendar/holiday-years/:year');
    const year = req.params.year as string;
    if (!/^\d{4}$/.test(year))
      throw invalidArgument([{ field: 'year', reason: 'must be a year such as 2027' }]);
    const b = parseInput(holidayYearBody, req.body);
    const out = await deps.workflow.publishHolidayYear(
      {
        year: Number(year),
        notice: b.notice,
        holidays: b.holidays.map((h) => ({ ...h, workdays: h.workdays ?? [] })),
      },
      call(res),
    );
    res.json(out.year);
  });
  r.get('/process-instances/:id', async (req, res) => {
    route(res, '/process-instances/:id');
    const out = await deps.workflow.getInstance(
      { id: req.params.id as string, businessKey: '' },
      call(res),
    );
    res.json(out.instance);
  });
  r.get('/applications/:id/process', async (req, res) => {
    route(res, '/applications/:id/process');
    const out = await deps.workflow.getInstance(
      { id: '', businessKey: req.params.id as string },
      call(res),
    );
    res.json(out.instance);
  });
  r.post('/proxies', async (req, res) => {
    route(res, '/proxies');
    const b = parseInput(proxyBody, req.body);
    const out = await deps.workflow.setProxy({ ...b, userId: b.userId ?? '' }, call(res));
    res.json(out);
  });
  return r;
}
