// Generated contracts, one namespace per proto package.
export * as applicationsV1 from './gen/loanflow/applications/v1/applications';
export * as applicationEventsV1 from './gen/loanflow/applications/v1/events';
export * as commonV1 from './gen/loanflow/common/v1/event';
