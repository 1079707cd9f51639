import type { Logger, Pool, PromiseClient } from '@loanflow/platform';
import type { LiveStreams } from '../sse';
import type {
  accountingV1,
  applicationsV1,
  documentsV1,
  identityV1,
  notificationsV1,
  postLoanV1,
  reportingV1,
  workflowV1,
} from '@loanflow/proto';

/** What route handlers call: the services' gRPC clients and the gateway's own settings. */
export interface RouteDeps {
  pool: Pool;
  log?: Logger;
  /** The user directory: log-in, users and branches. */
  identity: PromiseClient<identityV1.IdentityServiceClient>;
  /** The same, raw: for calls whose gRPC status the gateway reads itself (log-in's 429). */
  identityRpc?: identityV1.IdentityServiceClient;
  applications: PromiseClient<applicationsV1.ApplicationsServiceClient>;
  workflow: PromiseClient<workflowV1.WorkflowServiceClient>;
  accounting: PromiseClient<accountingV1.AccountingServiceClient>;
  /** 贷后管理: served by the accounting service too (ACCOUNTING_ADDR). */
  postLoan: PromiseClient<postLoanV1.PostLoanServiceClient>;
  /** 影像资料: the documents service (unary calls, and the raw client for streams). */
  documents: PromiseClient<documentsV1.DocumentsServiceClient>;
  documentStreams: documentsV1.DocumentsServiceClient;
  /** 通知与消息: inboxes, preferences, templates, rules and the delivery log (unary calls). */
  notifications: PromiseClient<notificationsV1.NotificationsServiceClient>;
  /** The same without retries, for the live inbox stream (WatchInbox). */
  notificationStreams: notificationsV1.NotificationsServiceClient;
  /** 统计报表 and the report streams (unary calls). */
  reporting: PromiseClient<reportingV1.ReportingServiceClient>;
  /** The same without retries, for exports (ExportReport streams rows). */
  reportExports: reportingV1.ReportingServiceClient;
  /** The open live streams (ended at the start of shutdown); its size is their gauge. */
  liveStreams: LiveStreams;
  /** Between heartbeat comments on a live stream. */
  sseHeartbeatMs: number;
  jwtPrivateKey: string;
  tokenTtlSeconds: number;
  rpcTimeoutMs: number;
}
