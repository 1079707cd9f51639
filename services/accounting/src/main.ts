// The accounting service (issue 4). So far: the repayment schedule library in domain/schedule;
// the service (accounts, accrual, ledger, gRPC) is wired here once it lands.
export * from './domain/schedule';
