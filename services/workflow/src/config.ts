import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

export const workflowEnv = z.object({
  ...commonEnv,
  WORKFLOW_GRPC_HOST: z.string().default('0.0.0.0'),
  WORKFLOW_GRPC_PORT: port(50052),
  WORKFLOW_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('workflow'),
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  /** BPMN process id started for each submitted application. */
  WORKFLOW_CREDIT_PROCESS: z.string().default('Process_CreditApproval'),
  DOCUMENTS_ADDR: z
    .string({ error: 'is required: the documents service, host:port' })
    .regex(/^[^:]+:\d+$/, 'must be host:port of the documents service')
    .describe(
      'The documents service (host:port): a step may be approved only once the documents its checklist requires are filed (资料齐全). Required: there is no deployment without the gate.',
    ),
  IDENTITY_ADDR: z
    .string({ error: 'is required: the identity service, host:port' })
    .regex(/^[^:]+:\d+$/, 'must be host:port of the identity service')
    .describe(
      'The identity service (host:port): the people named in commands (assignees, candidate users, delegates, added signers, proxies) are checked against its user directory. Required.',
    ),
  /** How often the timer poller looks for due timers. */
  WORKFLOW_TIMER_POLL_MS: z.coerce.number().int().min(50).max(60000).default(1000),
});

export type WorkflowConfig = z.infer<typeof workflowEnv>;

export const loadWorkflowConfig = (env: NodeJS.ProcessEnv = process.env): WorkflowConfig =>
  loadConfig('workflow', workflowEnv, env);
