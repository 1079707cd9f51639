import {
  withTransaction,
  implement,
  type CallContext,
  type Logger,
  type Principal,
  type ServiceBinding,
} from '@loanflow/platform';
import { workflowV1 as pb } from '@loanflow/proto';
import { requireWriter } from '../app/access';
import {
  allDefinitions,
  deployDefinition,
  getDefinition,
  migrateInstances,
  requireAdmin,
} from '../app/definitions';
import { type WorkflowDeps } from '../app/instances';
import { actOnTask, countTasks, getTask, listTasks } from '../app/tasks';
import { requireTerminator, terminateProcess } from '../app/termination';
import { getInstance } from '../app/queries';
import { completeJob, correlateMessage } from '../app/jobs';
import {
  definitionToPb,
  holidayYearToPb,
  instanceToPb,
  taskActedOnToPb,
  taskListEntryToPb,
  taskViewToPb,
  terminatedToPb,
} from './proto-mapping';
import { listProxies, setProxy } from '../app/proxies';
import { listHolidayYears, publishHolidayYear } from '../app/calendar';
import { refuseNul } from './wire';
import { activeInstanceCounts } from './definition-repo';

const SERVICE = 'loanflow.workflow.v1.WorkflowService';

/** Who may call: any signed-in staff (reads), or a check of the caller's roles. */
type Access = (p: Principal) => void;
const anyStaff: Access = () => {};
const admins =
  (action: string): Access =>
  (p) =>
    requireAdmin(p, action);
const writers =
  (action: string): Access =>
  (p) =>
    requireWriter(p, action);

/**
 * Every call in the same order: the caller (UNAUTHENTICATED), what they may do (PERMISSION_DENIED,
 * before anything of the request is looked at), the request's hygiene (INVALID_ARGUMENT), then
 * the use case.
 */
function handler<Req, Res>(
  access: Access,
  run: (req: Req, p: Principal, ctx: CallContext) => Promise<Res>,
): (req: Req, ctx: CallContext) => Promise<Res> {
  return async (req, ctx) => {
    const p = ctx.principal();
    access(p);
    refuseNul(req);
    return run(req, p, ctx);
  };
}

export function workflowService(
  deps: WorkflowDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const handlers = {
    deployDefinition: handler(
      admins('deploying a process definition'),
      async (req: pb.DeployDefinitionRequest, p): Promise<pb.DeployDefinitionResponse> => {
        const { definition, created } = await deployDefinition(deps, p.userId, req.xml);
        return { definition: definitionToPb(definition), created };
      },
    ),
    listDefinitions: handler(
      anyStaff,
      async (req: pb.ListDefinitionsRequest): Promise<pb.ListDefinitionsResponse> => {
        const definitions = await allDefinitions(deps, req.key);
        const counts = await activeInstanceCounts(deps.pool);
        return {
          definitions: definitions.map((d) => definitionToPb(d, '', false, counts.get(d.id) ?? 0)),
        };
      },
    ),
    getDefinition: handler(
      anyStaff,
      async (req: pb.GetDefinitionRequest): Promise<pb.GetDefinitionResponse> => {
        const { definition, xml } = await getDefinition(deps, req);
        const counts = await activeInstanceCounts(deps.pool, [definition.id]);
        return {
          definition: definitionToPb(definition, xml, true, counts.get(definition.id) ?? 0),
        };
      },
    ),
    getInstance: handler(
      anyStaff,
      async (req: pb.GetInstanceRequest, p): Promise<pb.GetInstanceResponse> => {
        const { instance, definition } = await getInstance(deps, p, req);
        return { instance: instanceToPb(instance, definition) };
      },
    ),
    listTasks: handler(
      anyStaff,
      async (req: pb.ListTasksRequest, p): Promise<pb.ListTasksResponse> => {
        const { tasks, nextPageToken } = await listTasks(deps, p, req);
        const now = new Date();
        return { tasks: tasks.map((t) => taskListEntryToPb(t, now)), nextPageToken };
      },
    ),
    countTasks: handler(anyStaff, (_req: pb.CountTasksRequest, p) => countTasks(deps, p)),
    actOnTask: handler(writers('acting on a task'), (req: pb.ActOnTaskRequest, p, ctx) =>
      actOnTask(deps, p, { ...req, formData: req.formData }, ctx.token(), taskActedOnToPb),
    ),
    setProxy: handler(
      writers('setting a proxy'),
      async (req: pb.SetProxyRequest, p, ctx): Promise<pb.SetProxyResponse> => ({
        tasksHandedOver: await setProxy(deps, p, req, ctx.token()),
      }),
    ),
    listProxies: handler(
      anyStaff,
      async (req: pb.ListProxiesRequest, p): Promise<pb.ListProxiesResponse> => ({
        proxies: (await listProxies(deps, p, req)).map((a) => ({
          userId: a.userId,
          proxyUserId: a.proxyUserId,
          fromDate: a.fromDate,
          toDate: a.toDate,
          createdBy: a.createdBy,
          createdAt: a.createdAt.toISOString(),
        })),
      }),
    ),
    getTask: handler(anyStaff, async (req: pb.GetTaskRequest, p): Promise<pb.GetTaskResponse> =>
      taskViewToPb(await getTask(deps, p, req.id)),
    ),
    terminateProcess: handler(requireTerminator, (req: pb.TerminateProcessRequest, p) =>
      terminateProcess(deps, p, req, terminatedToPb),
    ),
    completeJob: handler(
      admins('completing a job'),
      async (req: pb.CompleteJobRequest): Promise<pb.CompleteJobResponse> => {
        const o = await withTransaction(deps.pool, (tx) =>
          completeJob(deps, req.jobId, req.variables, tx),
        );
        return { instance: instanceToPb(o.instance, o.definition, false) };
      },
    ),
    correlateMessage: handler(
      admins('correlating a message'),
      async (req: pb.CorrelateMessageRequest): Promise<pb.CorrelateMessageResponse> => {
        const o = await correlateMessage(deps, req);
        return { instance: instanceToPb(o.instance, o.definition, false) };
      },
    ),
    listHolidayYears: handler(
      anyStaff,
      async (_req: pb.ListHolidayYearsRequest): Promise<pb.ListHolidayYearsResponse> => {
        const { years, warning } = await listHolidayYears(deps);
        return { years: years.map(holidayYearToPb), warning };
      },
    ),
    publishHolidayYear: handler(
      admins('publishing public holidays'),
      async (req: pb.PublishHolidayYearRequest, p): Promise<pb.PublishHolidayYearResponse> => ({
        year: holidayYearToPb(await publishHolidayYear(deps, p, req)),
      }),
    ),
    migrateInstances: handler(
      admins('migrating process instances'),
      (req: pb.MigrateInstancesRequest) => migrateInstances(deps, req),
    ),
  };
  return {
    name: SERVICE,
    definition: pb.WorkflowServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
