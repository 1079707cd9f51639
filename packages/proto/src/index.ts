// Generated contracts, one namespace per proto package.
export * as applicationsV1 from './gen/loanflow/applications/v1/applications';
export * as applicationEventsV1 from './gen/loanflow/applications/v1/events';
export * as commonV1 from './gen/loanflow/common/v1/event';
export * as workflowV1 from './gen/loanflow/workflow/v1/workflow';
export * as workflowEventsV1 from './gen/loanflow/workflow/v1/events';
export * as accountingV1 from './gen/loanflow/accounting/v1/accounting';
export * as postLoanV1 from './gen/loanflow/accounting/v1/post_loan';
export * as accountingEventsV1 from './gen/loanflow/accounting/v1/events';
export * as documentsV1 from './gen/loanflow/documents/v1/documents';
export * as documentEventsV1 from './gen/loanflow/documents/v1/events';
export * as vocabularyV1 from './gen/loanflow/common/v1/vocabulary';
export * as identityV1 from './gen/loanflow/identity/v1/identity';
export * as notificationsV1 from './gen/loanflow/notifications/v1/notifications';
export * as notificationEventsV1 from './gen/loanflow/notifications/v1/events';
export * as reportingV1 from './gen/loanflow/reporting/v1/reporting';
export {
  enumWords,
  repaymentMethodWords,
  documentTypeWords,
  rateBasisWords,
  roleWords,
  type Words,
} from './words';
export {
  SCHEDULE_FIELDS,
  scheduleRequestFromJson,
  scheduleRequestToJson,
  type ScheduleJsonProblem,
} from './schedule';
