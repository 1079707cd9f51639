// What use cases answer with: domain records, shaped for the API by the gRPC handlers.
import type { InstallmentRow } from '../domain/loan/repayment';
import type { LoanRecord } from '../infra/loan-views';

/** A loan account, with its schedule where the answer shows it. */
export interface LoanView {
  record: LoanRecord;
  installments?: readonly InstallmentRow[];
}

/**
 * Shapes a command's outcome as its reply. A command runs once per command id and a retry gets
 * the stored reply, so the reply (not the outcome) is what is kept: the edge's shape, as JSON.
 */
export type Reply<Outcome, R> = (outcome: Outcome) => R;
