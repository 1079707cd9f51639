import {
  withTransaction,
  implement,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { workflowV1 as pb } from '@loanflow/proto';
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
import { terminateProcess } from '../app/termination';
import { getInstance } from '../app/queries';
import { completeJob, correlateMessage } from '../app/jobs';
import { instanceView } from '../app/views';
import { setProxy } from '../app/proxies';
import { listHolidayYears, publishHolidayYear } from '../app/calendar';

const SERVICE = 'loanflow.workflow.v1.WorkflowService';

export function workflowService(
  deps: WorkflowDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const handlers = {
    deployDefinition: async (
      req: pb.DeployDefinitionRequest,
      ctx: CallContext,
    ): Promise<pb.DeployDefinitionResponse> => {
      const p = ctx.principal();
      requireAdmin(p, 'deploying a process definition');
      const { definition, created } = await deployDefinition(deps, p.userId, req.xml);
      return { definition: definitionToPb(definition), created };
    },
    listDefinitions: async (
      req: pb.ListDefinitionsRequest,
      ctx: CallContext,
    ): Promise<pb.ListDefinitionsResponse> => {
      ctx.principal();
      return { definitions: await allDefinitions(deps, req.key) };
    },
    getDefinition: async (
      req: pb.GetDefinitionRequest,
      ctx: CallContext,
    ): Promise<pb.GetDefinitionResponse> => {
      ctx.principal();
      return { definition: await getDefinition(deps, req) };
    },
    getInstance: async (
      req: pb.GetInstanceRequest,
      ctx: CallContext,
    ): Promise<pb.GetInstanceResponse> => ({
      instance: await getInstance(deps, ctx.principal(), req),
    }),
    listTasks: async (req: pb.ListTasksRequest, ctx: CallContext) =>
      listTasks(deps, ctx.principal(), req),
    countTasks: async (_req: pb.CountTasksRequest, ctx: CallContext) =>
      countTasks(deps, ctx.principal()),
    actOnTask: async (req: pb.ActOnTaskRequest, ctx: CallContext) =>
      actOnTask(deps, ctx.principal(), { ...req, formData: req.formData }, ctx.token()),
    setProxy: async (req: pb.SetProxyRequest, ctx: CallContext): Promise<pb.SetProxyResponse> => ({
      tasksHandedOver: await setProxy(deps, ctx.principal(), req, ctx.token()),
    }),
    getTask: async (req: pb.GetTaskRequest, ctx: CallContext) =>
      getTask(deps, ctx.principal(), req.id),
    terminateProcess: async (req: pb.TerminateProcessRequest, ctx: CallContext) =>
      terminateProcess(deps, ctx.principal(), req),
    completeJob: async (
      req: pb.CompleteJobRequest,
      ctx: CallContext,
    ): Promise<pb.CompleteJobResponse> => {
      requireAdmin(ctx.principal(), 'completing a job');
      const o = await withTransaction(deps.pool, (tx) =>
        completeJob(deps, req.jobId, req.variables, tx),
      );
      return { instance: instanceView(o.instance, o.definition, false) };
    },
    correlateMessage: async (
      req: pb.CorrelateMessageRequest,
      ctx: CallContext,
    ): Promise<pb.CorrelateMessageResponse> => {
      requireAdmin(ctx.principal(), 'correlating a message');
      const o = await correlateMessage(deps, req);
      return { instance: instanceView(o.instance, o.definition, false) };
    },
    listHolidayYears: async (_req: pb.ListHolidayYearsRequest, ctx: CallContext) => {
      ctx.principal();
      return listHolidayYears(deps);
    },
    publishHolidayYear: async (req: pb.PublishHolidayYearRequest, ctx: CallContext) =>
      publishHolidayYear(deps, ctx.principal(), req),
    migrateInstances: async (req: pb.MigrateInstancesRequest, ctx: CallContext) => {
      requireAdmin(ctx.principal(), 'migrating process instances');
      return migrateInstances(deps, req);
    },
  };
  return {
    name: SERVICE,
    definition: pb.WorkflowServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
