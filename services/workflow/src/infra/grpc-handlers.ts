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
  definitionToPb,
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
import { instanceView } from '../app/views';
import { setProxy } from '../app/proxies';
import { listHolidayYears, publishHolidayYear } from '../app/calendar';
import { refuseNul } from './wire';

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
      async (req: pb.ListDefinitionsRequest): Promise<pb.ListDefinitionsResponse> => ({
        definitions: await allDefinitions(deps, req.key),
      }),
    ),
    getDefinition: handler(
      anyStaff,
      async (req: pb.GetDefinitionRequest): Promise<pb.GetDefinitionResponse> => ({
        definition: await getDefinition(deps, req),
      }),
    ),
    getInstance: handler(
      anyStaff,
      async (req: pb.GetInstanceRequest, p): Promise<pb.GetInstanceResponse> => ({
        instance: await getInstance(deps, p, req),
      }),
    ),
    listTasks: handler(anyStaff, (req: pb.ListTasksRequest, p) => listTasks(deps, p, req)),
    countTasks: handler(anyStaff, (_req: pb.CountTasksRequest, p) => countTasks(deps, p)),
    actOnTask: handler(writers('acting on a task'), (req: pb.ActOnTaskRequest, p, ctx) =>
      actOnTask(deps, p, { ...req, formData: req.formData }, ctx.token()),
    ),
    setProxy: handler(
      writers('setting a proxy'),
      async (req: pb.SetProxyRequest, p, ctx): Promise<pb.SetProxyResponse> => ({
        tasksHandedOver: await setProxy(deps, p, req, ctx.token()),
      }),
    ),
    getTask: handler(anyStaff, (req: pb.GetTaskRequest, p) => getTask(deps, p, req.id)),
    terminateProcess: handler(requireTerminator, (req: pb.TerminateProcessRequest, p) =>
      terminateProcess(deps, p, req),
    ),
    completeJob: handler(
      admins('completing a job'),
      async (req: pb.CompleteJobRequest): Promise<pb.CompleteJobResponse> => {
        const o = await withTransaction(deps.pool, (tx) =>
          completeJob(deps, req.jobId, req.variables, tx),
        );
        return { instance: instanceView(o.instance, o.definition, false) };
      },
    ),
    correlateMessage: handler(
      admins('correlating a message'),
      async (req: pb.CorrelateMessageRequest): Promise<pb.CorrelateMessageResponse> => {
        const o = await correlateMessage(deps, req);
        return { instance: instanceView(o.instance, o.definition, false) };
      },
    ),
    listHolidayYears: handler(anyStaff, (_req: pb.ListHolidayYearsRequest) =>
      listHolidayYears(deps),
    ),
    publishHolidayYear: handler(
      admins('publishing public holidays'),
      (req: pb.PublishHolidayYearRequest, p) => publishHolidayYear(deps, p, req),
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
