// The approval engine: pure, deterministic commands over an InstanceState. Each command copies the
// state, applies itself to the copy and returns it with its effects, or throws an EngineError and
// changes nothing. Time comes only from `now`; ids only from the counters in the state.
//
//   execution.ts  one command's private copy of the state: lookups, ids, history, effects
//   tokens.ts     entering elements, gateways, moving on and cancelling tokens
//   tasks.ts      user tasks (assignee, candidates, due date)      guards.ts  who may act
//   votes.ts      会签 tallies        timers.ts  boundary timers    messages.ts / jobs.ts  waits
//   commands/     one module per command of the task API and of the process
export { EngineError } from '../engine-error';
export * from '../instance-state';
export { endedMessage } from './execution';
export { start } from './commands/start';
export { claimTask, unclaimTask } from './commands/claim';
export { completeTask, type CompletionInput } from './commands/complete';
export { sendBack } from './commands/send-back';
export { withdraw } from './commands/withdraw';
export { transfer, delegate } from './commands/reassign';
export { addSigner } from './commands/add-signer';
export { urge } from './commands/urge';
export { fireTimer } from './commands/fire-timer';
export { completeJob } from './commands/complete-job';
export { correlateMessage } from './commands/correlate-message';
export { migrateInstance } from './commands/migrate';
export { terminateProcess } from './commands/terminate';
export { allowedActions, TASK_ACTIONS, type TaskAction } from './commands/allowed-actions';
