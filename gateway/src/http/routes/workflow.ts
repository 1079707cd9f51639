/**
 * 我的业务 and the approval actions, process definitions and instances, proxies and the holiday
 * calendar (the workflow service).
 */
import { ROLES, type Role } from '@loanflow/platform';
import { workflowV1 as wf } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import {
  idParams,
  int,
  isoDate,
  money,
  page,
  queryBool,
  text,
  timestamp,
  uuid,
} from '../api/schemas';
import type { RouteDeps } from './deps';

const ADMIN: Role[] = ['admin'];
/** Everyone who takes part in the work: the auditor only reads (urging or handing over is acting). */
const STAFF: Role[] = ROLES.filter((r) => r !== 'auditor');

/** The approval actions, as custom methods `POST /tasks/{id}:claim` (AIP-136). */
export const TASK_ACTIONS = [
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
type TaskAction = (typeof TASK_ACTIONS)[number];

const ACTION_SUMMARY: Record<TaskAction, string> = {
  claim: 'Claim a task of one of my groups (签收)',
  unclaim: 'Give a claimed task back to its groups',
  complete: "Complete a task: outcome, opinion and the step's form (formData)",
  'send-back': 'Send a task back to an earlier step (退回), with a reason',
  withdraw: 'Take back the task just completed while the next step has not started on it (撤回)',
  transfer: 'Hand a task to a colleague (转办)',
  delegate: 'Ask a colleague to do a task and return it to me (委派)',
  'add-signer': 'Add a signer before or after me (加签)',
  urge: 'Remind whoever holds the task (催办)',
};

/** A task id: the process instance and the task within it (`<uuid>:task-3`). */
const taskId = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[A-Za-z0-9._-]{1,64}$/,
    'must be a task id such as "<process instance id>:task-3"',
  );
/** A user named by id or username (never a path or anything else). */
const userRef = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a user id or username');
/** Element ids and step names of a BPMN definition (XML NCName-like). */
const elementId = z.string().regex(/^[A-Za-z_][A-Za-z0-9._-]{0,199}$/, 'must be an element id');
const definitionKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9._-]{0,99}$/, 'must be a process definition key');

/** A JSON object of unknown shape (process variables, form data, JSON Schemas of forms). */
const AnyObject = z.record(z.string(), z.unknown());

const Task = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    businessKey: z.string().meta({ description: 'The application id' }),
    elementId: z.string(),
    name: z.string(),
    step: z.string(),
    state: z.string(),
    assignee: z.string(),
    candidateGroups: z.array(z.string()),
    candidateUsers: z.array(z.string()),
    owner: z.string(),
    createdAt: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    productCode: z.string(),
    amount: z.string(),
    branchId: z.string(),
    customerName: z.string(),
    cancelReason: z.string().meta({ description: 'why a cancelled task was cancelled' }),
    urgeCount: z
      .int()
      .min(0)
      .meta({ description: '催办: how often the task was urged while open' }),
    lastUrgedAt: z.string().meta({ description: 'When it was last urged; empty: never' }),
  })
  .meta({ id: 'Task' });

const ProcessInstance = z
  .object({
    id: z.string(),
    definitionId: z.string(),
    definitionKey: z.string(),
    definitionVersion: z.int(),
    businessKey: z.string(),
    status: z.enum(['active', 'completed', 'terminated']),
    variables: AnyObject.optional(),
    activeElementIds: z.array(z.string()),
    history: z.array(
      z.object({
        at: z.string(),
        actor: z.string(),
        action: z.string(),
        elementId: z.string(),
        elementName: z.string(),
        opinion: z.string(),
        formData: AnyObject.optional(),
        taskId: z.string(),
        outcome: z
          .string()
          .meta({ description: 'approve | reject on a completion (a committee vote); else empty' }),
      }),
    ),
    startedAt: z.string(),
    endedAt: z.string(),
  })
  .meta({ id: 'ProcessInstance' });

const ProcessDefinition = z
  .object({
    id: z.string(),
    key: z.string(),
    version: z.int(),
    name: z.string(),
    deployedBy: z.string(),
    deployedAt: z.string(),
    activeInstances: z.int().meta({ description: 'How many instances run on this version now' }),
    xml: z.string(),
    routes: z.array(
      z.object({
        gatewayId: z.string(),
        gatewayName: z.string(),
        flowId: z.string(),
        flowName: z.string(),
        condition: z.string(),
        isDefault: z.boolean(),
        targetElementId: z.string(),
        targetName: z.string(),
      }),
    ),
    forms: z.array(
      z.object({
        elementId: z.string(),
        step: z.string(),
        name: z.string(),
        formKey: z.string(),
        form: AnyObject.optional(),
      }),
    ),
  })
  .meta({ id: 'ProcessDefinition' });

const HolidayArrangement = z
  .strictObject({
    name: text(100, 1).meta({ examples: ['Spring Festival (春节)'] }),
    firstDay: isoDate,
    lastDay: isoDate,
    workdays: z
      .array(isoDate)
      .max(5)
      .optional()
      .meta({ description: 'Saturdays or Sundays declared working days' }),
  })
  .meta({ id: 'HolidayArrangement' });

/**
 * An arrangement as sent: the dates are only bounded here, the workflow service reads them and
 * reports every wrong field of the year at once (a real date, in the year, a weekend make-up day).
 */
const dayText = text(10, 1).meta({ format: 'date', examples: ['2026-02-17'] });
const HolidayArrangementInput = z
  .strictObject({
    name: HolidayArrangement.shape.name,
    firstDay: dayText,
    lastDay: dayText,
    workdays: z
      .array(dayText)
      .max(5)
      .optional()
      .meta({ description: 'Saturdays or Sundays declared working days' }),
  })
  .meta({ id: 'HolidayArrangementInput' });

const HolidayYear = z
  .object({
    year: z.int(),
    notice: z.string(),
    holidays: z.array(
      z.object({
        name: z.string(),
        firstDay: z.string(),
        lastDay: z.string(),
        workdays: z.array(z.string()),
      }),
    ),
    source: z.enum(['built_in', 'published']),
    publishedBy: z.string(),
    publishedAt: z.string(),
  })
  .meta({ id: 'HolidayYear' });

const TaskQuery = z.strictObject({
  scope: z.enum(['mine', 'group', 'all'], { error: 'must be mine, group or all' }).optional(),
  state: z
    .enum(['open', 'suspended', 'completed', 'cancelled'], {
      error: 'must be open, suspended, completed or cancelled',
    })
    .optional(),
  step: text(64).optional(),
  productCode: text(64).optional(),
  minAmount: money.optional(),
  maxAmount: money.optional(),
  overdue: queryBool.optional(),
  dueBefore: timestamp.optional(),
  applicationId: uuid.optional().meta({ description: 'Only the tasks of this application' }),
  ...page,
});

const TaskActionInput = z
  .strictObject({
    outcome: z
      .enum(['approve', 'reject'], { error: 'must be approve or reject' })
      .optional()
      .meta({ description: 'complete' }),
    opinion: text(4000).optional(),
    formData: AnyObject.optional().meta({
      description:
        "The step's form fields (GET /tasks/{id} gives its JSON Schema), checked on complete: missing or wrong fields are a 400 naming formData.<field>. They become process variables (e.g. creditOfficer, recommendedAmount); users are named by id or username and stored as ids",
    }),
    targetElementId: elementId
      .optional()
      .meta({ description: 'send-back: an earlier user task of this instance' }),
    userId: userRef.optional().meta({ description: 'transfer, delegate, add-signer' }),
    position: z
      .enum(['before', 'after'], { error: 'must be before or after' })
      .optional()
      .meta({ description: 'add-signer' }),
    reason: text(1000).optional().meta({
      description: 'send-back (required); urge (催办说明, optional: told to the task holders)',
    }),
  })
  .meta({ id: 'TaskAction' });

const TaskActionResult = z
  .object({
    task: Task.optional(),
    nextTasks: z.array(Task),
    instance: ProcessInstance.optional(),
  })
  .meta({ id: 'TaskActionResult' });

const TaskView = Task.extend({
  form: AnyObject.nullable().meta({
    description:
      'JSON Schema (2020-12) of formData; x-loanflow-assigns names the step a named user will hold, x-loanflow-required-when the FEEL condition under which a field is required',
  }),
  allowedActions: z.array(z.enum(TASK_ACTIONS)),
  sendBackTargets: z.array(z.string()),
  processStatus: z.enum(['active', 'completed', 'terminated']),
  terminationReason: z.string().nullable(),
}).meta({ id: 'TaskView' });

/** Largest BPMN XML taken: within the gateway body limit (256 kB). */
const XML_LIMIT = 250_000;

export function workflowRoutes(deps: RouteDeps): RouteSpec[] {
  const actionRoute = (action: TaskAction, path: string, operationId: string, extra = {}) =>
    defineRoute({
      operationId,
      method: 'post',
      path,
      tag: 'Tasks',
      summary: ACTION_SUMMARY[action],
      access: { roles: STAFF },
      grpc: 'loanflow.workflow.v1.WorkflowService/ActOnTask',
      idempotent: true,
      request: { params: z.strictObject({ id: taskId }), body: TaskActionInput },
      responses: {
        200: {
          description: 'Done; the task, the tasks it opened and the process',
          schema: TaskActionResult,
        },
        404: { description: 'No such task' },
        409: { description: 'The task is not open, or the action does not fit its state' },
      },
      ...extra,
      async handle({ params, body, call, commandId }) {
        const out = await deps.workflow.actOnTask(
          wf.ActOnTaskRequest.fromPartial({
            ...body,
            taskId: params.id,
            action,
            idempotencyKey: commandId,
          }),
          call,
        );
        return ok(out);
      },
    });
  const camel = (a: string) => a.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

  return [
    defineRoute({
      operationId: 'listTasks',
      method: 'get',
      path: '/tasks',
      tag: 'Tasks',
      summary:
        "我的业务: my tasks (scope=mine), my groups' unclaimed tasks (group), or all (auditors, head office)",
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/ListTasks',
      request: { query: TaskQuery },
      responses: {
        200: {
          description: 'A page of tasks',
          schema: z.object({ items: z.array(Task), nextPageToken: z.string().nullable() }),
        },
      },
      async handle({ query, call }) {
        const { overdue, ...q } = query;
        const out = await deps.workflow.listTasks(
          wf.ListTasksRequest.fromPartial({ ...q, overdueOnly: overdue === true }),
          call,
        );
        return ok({ items: out.tasks, nextPageToken: out.nextPageToken || null });
      },
    }),
    defineRoute({
      operationId: 'countTasks',
      method: 'get',
      path: '/tasks/counts',
      tag: 'Tasks',
      summary: 'Open and overdue tasks per step',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/CountTasks',
      request: {
        query: z.strictObject({
          scope: z
            .enum(['mine', 'group', 'all'], { error: 'must be mine, group or all' })
            .optional(),
        }),
      },
      responses: {
        200: {
          description: 'Per step',
          schema: z.object({
            items: z.array(z.object({ step: z.string(), open: z.int(), overdue: z.int() })),
          }),
        },
      },
      async handle({ query, call }) {
        const out = await deps.workflow.countTasks({ scope: query.scope ?? '' }, call);
        return ok({ items: out.steps });
      },
    }),
    defineRoute({
      operationId: 'getTask',
      method: 'get',
      path: '/tasks/{id}',
      tag: 'Tasks',
      summary:
        "One task with its step's form (a JSON Schema of formData, from the definition the process runs) and the actions the caller may take on it now",
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/GetTask',
      request: { params: z.strictObject({ id: taskId }) },
      responses: {
        200: { description: 'The task', schema: TaskView },
        404: { description: 'No such task' },
      },
      async handle({ params, call }) {
        const out = await deps.workflow.getTask({ id: params.id }, call);
        return ok({
          ...out.task!,
          form: out.form ?? null,
          allowedActions: out.allowedActions,
          sendBackTargets: out.sendBackTargets,
          processStatus: out.processStatus,
          terminationReason: out.terminationReason || null,
        });
      },
    }),
    ...TASK_ACTIONS.map((action) =>
      actionRoute(action, `/tasks/{id}:${action}`, `${camel(action)}Task`),
    ),
    ...TASK_ACTIONS.map((action) =>
      actionRoute(action, `/tasks/{id}/${action}`, `${camel(action)}TaskSubResource`, {
        description: `The same as POST /tasks/{id}:${action}, as a sub-resource path`,
      }),
    ),
    defineRoute({
      operationId: 'deployDefinition',
      method: 'post',
      path: '/process-definitions',
      tag: 'Process definitions',
      summary:
        'Deploy BPMN 2.0 XML (from the bpmn-js designer) as the next version (administrators)',
      access: { roles: ADMIN },
      grpc: 'loanflow.workflow.v1.WorkflowService/DeployDefinition',
      idempotent: true,
      request: {
        body: z.strictObject({
          xml: z
            .string({ error: 'must be the BPMN 2.0 XML as a string' })
            .min(1, 'is required')
            .max(XML_LIMIT, `must be at most ${XML_LIMIT} characters`)
            .regex(/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<[A-Za-z]/, 'must be BPMN 2.0 XML')
            .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
        }),
      },
      responses: {
        201: {
          description: 'Deployed',
          schema: z.object({ definition: ProcessDefinition, created: z.boolean() }),
        },
        200: {
          description: 'Same as the latest version; nothing deployed',
          schema: z.object({ definition: ProcessDefinition, created: z.boolean() }),
        },
      },
      async handle({ body, call }) {
        const out = await deps.workflow.deployDefinition({ xml: body.xml }, call);
        return out.created ? created(out) : ok(out);
      },
    }),
    defineRoute({
      operationId: 'listDefinitions',
      method: 'get',
      path: '/process-definitions',
      tag: 'Process definitions',
      summary: 'Deployed definitions, every version',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/ListDefinitions',
      request: { query: z.strictObject({ key: definitionKey.optional() }) },
      responses: {
        200: {
          description: 'Definitions',
          schema: z.object({ items: z.array(ProcessDefinition) }),
        },
      },
      async handle({ query, call }) {
        const out = await deps.workflow.listDefinitions({ key: query.key ?? '' }, call);
        return ok({ items: out.definitions });
      },
    }),
    defineRoute({
      operationId: 'getDefinition',
      method: 'get',
      path: '/process-definitions/{id}',
      tag: 'Process definitions',
      summary: 'One definition; ?format=xml returns the BPMN XML for the designer',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/GetDefinition',
      request: {
        params: idParams,
        query: z.strictObject({
          format: z.enum(['json', 'xml'], { error: 'must be json or xml' }).optional(),
        }),
      },
      responses: {
        200: {
          description: 'The definition (JSON), or its BPMN XML with ?format=xml',
          schema: ProcessDefinition,
          alternatives: { 'application/xml': z.string() },
        },
        404: { description: 'No such definition' },
      },
      async handle({ params, query, call, res }) {
        const out = await deps.workflow.getDefinition({ id: params.id, key: '', version: 0 }, call);
        if (query.format !== 'xml') return ok(out.definition);
        res.type('application/xml').send(out.definition!.xml);
        return undefined;
      },
    }),
    defineRoute({
      operationId: 'migrateInstances',
      method: 'post',
      path: '/process-definitions/{key}/migrations',
      tag: 'Process definitions',
      summary: 'Move instances waiting at user tasks from one version to another (administrators)',
      access: { roles: ADMIN },
      grpc: 'loanflow.workflow.v1.WorkflowService/MigrateInstances',
      idempotent: true,
      request: {
        params: z.strictObject({ key: definitionKey }),
        body: z.strictObject({
          fromVersion: int(1, 1_000_000),
          toVersion: int(1, 1_000_000),
          instanceIds: z.array(uuid).max(1000).optional(),
        }),
      },
      responses: {
        200: {
          description: 'Which instances moved, and why the others did not',
          schema: z.object({
            migrated: z.array(z.string()),
            refused: z.array(z.object({ instanceId: z.string(), reason: z.string() })),
          }),
        },
      },
      async handle({ params, body, call }) {
        const out = await deps.workflow.migrateInstances(
          { definitionKey: params.key, ...body, instanceIds: body.instanceIds ?? [] },
          call,
        );
        return ok(out);
      },
    }),
    defineRoute({
      operationId: 'getProcessInstance',
      method: 'get',
      path: '/process-instances/{id}',
      tag: 'Process instances',
      summary: 'State, history timeline and active element ids (for drawing on the diagram)',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/GetInstance',
      request: { params: idParams },
      responses: {
        200: { description: 'The instance', schema: ProcessInstance },
        404: { description: 'No such instance' },
      },
      async handle({ params, call }) {
        const out = await deps.workflow.getInstance({ id: params.id, businessKey: '' }, call);
        return ok(out.instance);
      },
    }),
    defineRoute({
      operationId: 'getApplicationProcess',
      method: 'get',
      path: '/applications/{id}/process',
      tag: 'Process instances',
      summary: 'The approval process of an application',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/GetInstance',
      request: { params: idParams },
      responses: {
        200: { description: 'The instance', schema: ProcessInstance },
        404: { description: 'No process for this application' },
      },
      async handle({ params, call }) {
        const out = await deps.workflow.getInstance({ id: '', businessKey: params.id }, call);
        return ok(out.instance);
      },
    }),
    defineRoute({
      operationId: 'listProxies',
      method: 'get',
      path: '/proxies',
      tag: 'Tasks',
      summary:
        "委托 in force or to come: mine (given and taken), or anyone's for administrators (userId filters)",
      access: { roles: STAFF },
      grpc: 'loanflow.workflow.v1.WorkflowService/ListProxies',
      request: {
        query: z.strictObject({
          userId: uuid.meta({ description: "Administrators: this user's only (by id)" }).optional(),
        }),
      },
      responses: {
        200: {
          description: 'Earliest first; users by id',
          schema: z.object({
            items: z.array(
              z
                .object({
                  userId: z.string().meta({ description: 'The absent user' }),
                  proxyUserId: z.string().meta({ description: 'Who stands in' }),
                  fromDate: isoDate,
                  toDate: isoDate,
                  createdBy: z.string(),
                  createdAt: z.string(),
                })
                .meta({ id: 'Proxy' }),
            ),
          }),
        },
      },
      async handle({ query, call }) {
        const out = await deps.workflow.listProxies({ userId: query.userId ?? '' }, call);
        return ok({ items: out.proxies });
      },
    }),
    defineRoute({
      operationId: 'setProxy',
      method: 'post',
      path: '/proxies',
      tag: 'Tasks',
      summary:
        '委托: hand my tasks to a colleague while I am away (administrators may set it for anyone)',
      access: { roles: STAFF },
      grpc: 'loanflow.workflow.v1.WorkflowService/SetProxy',
      idempotent: true,
      request: {
        body: z.strictObject({
          userId: userRef.optional(),
          proxyUserId: userRef,
          fromDate: isoDate,
          toDate: isoDate,
        }),
      },
      responses: {
        200: {
          description: 'How many open tasks were handed over now',
          schema: z.object({ tasksHandedOver: z.int() }),
        },
      },
      async handle({ body, call }) {
        const out = await deps.workflow.setProxy({ ...body, userId: body.userId ?? '' }, call);
        return ok(out);
      },
    }),
    defineRoute({
      operationId: 'listHolidayYears',
      method: 'get',
      path: '/calendar/holiday-years',
      tag: 'Calendar',
      summary:
        'Public holidays and make-up working days (调休) that due dates and cycle times count with, by year',
      access: { signedIn: true },
      grpc: 'loanflow.workflow.v1.WorkflowService/ListHolidayYears',
      responses: {
        200: {
          description: 'Every year known',
          schema: z.object({
            items: z.array(HolidayYear),
            warning: z.string().nullable().meta({
              description:
                'Set when this year, or from October next year, has no arrangements (due dates then count Monday to Friday only)',
            }),
          }),
        },
      },
      async handle({ call }) {
        const out = await deps.workflow.listHolidayYears({}, call);
        return ok({ items: out.years, warning: out.warning || null });
      },
    }),
    defineRoute({
      operationId: 'publishHolidayYear',
      method: 'put',
      path: '/calendar/holiday-years/{year}',
      tag: 'Calendar',
      summary:
        "Enter a year's arrangements from the State Council's notice, or correct them (administrators)",
      access: { roles: ADMIN },
      grpc: 'loanflow.workflow.v1.WorkflowService/PublishHolidayYear',
      request: {
        params: z.strictObject({
          year: z
            .string()
            .regex(/^\d{4}$/, 'must be a year such as 2027')
            .transform(Number),
        }),
        body: z.strictObject({
          notice: text(500).meta({ examples: ['国务院办公厅关于2027年部分节假日安排的通知'] }),
          holidays: z
            .array(HolidayArrangementInput, { error: 'must list the arrangements' })
            .max(20),
        }),
      },
      responses: { 200: { description: 'The year as published', schema: HolidayYear } },
      async handle({ params, body, call }) {
        const out = await deps.workflow.publishHolidayYear(
          {
            year: params.year,
            notice: body.notice,
            holidays: body.holidays.map((h) => ({ ...h, workdays: h.workdays ?? [] })),
          },
          call,
        );
        return ok(out.year);
      },
    }),
  ];
}
