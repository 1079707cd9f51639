// 放款: how a loan account comes to exist. Every loan is opened from an approved application under
// its contract signed by every party, with every term the contract fixes, once the disbursement
// review's checklist is complete (集中审查放款); loans migrated from another system come in through
// an audited maker-checker import instead. Both book the loan the same way.
import {
  appendToOutbox,
  BRANCH_CODE,
  DomainError,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type CallContext,
  type FieldViolation,
  type Principal,
} from '@loanflow/platform';
import { accountingEventsV1 as events } from '@loanflow/proto';
import {
  contractedLoan,
  differencesFromContract,
  scheduleDeparture,
} from '../domain/loan/contract';
import { ACCOUNTS, posting } from '../domain/loan/ledger';
import {
  installmentRows,
  openingState,
  scheduleOf,
  validateLoanTerms,
  type LoanTerms,
} from '../domain/loan/opening';
import { nextRepricingDate } from '../domain/loan/repricing';
import { DEFAULT_ALLOCATION_ORDER, validateAllocationOrder } from '../domain/loan/repayment';
import { accountTail } from '../domain/loan/payee';
import { formatMoney, formatRate, formatRatePercent, type Cents } from '../domain/money';
import { lockSignedContractId, signedContractOf } from '../infra/contract-repo';
import type { Db } from '../infra/db';
import * as imports from '../infra/import-repo';
import type { ImportedLoanInput, LoanImportRecord } from '../infra/import-repo';
import {
  applicationHasLoan,
  insertLoan,
  nextLoanNumber,
  postLoanEntry,
  toIso,
  writeInstallments,
} from '../infra/loan-repo';
import { findLoan } from '../infra/loan-views';
import { insertDisbursement, type Payee } from '../infra/movements-repo';
import { lprInForce } from '../infra/rate-repo';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { DISBURSERS, SOURCE, type AccountingDeps } from './deps';
import { Fields, validatePayee, type PayeeRequest } from './input';
import type { LoanView, Reply } from './views';

export interface OpeningDeps extends AccountingDeps {
  /** What the disbursement review's checklist (the documents service) still lacks, asked as the caller. */
  disbursementChecklist(applicationId: string, ctx: CallContext): Promise<string[]>;
}
/** Administrators request and approve imports of migrated loans (two different ones). */
const IMPORTERS = ['admin'] as const;
const MAX_IMPORT = 500;

/** A loan to book, every term checked. */
interface LoanToBook {
  applicationId: string | null;
  contract: { id: string; number: string } | null;
  importId: string | null;
  customerId: string;
  /** Kept with the loan so that statements print it without asking another service. */
  borrowerName: string;
  branchId: string;
  productCode: string;
  approved: Cents;
  terms: LoanTerms;
  /** The schedule request as given (stored with the loan). */
  schedule: unknown;
  rateType: 'fixed' | 'floating';
  lprTerm: '1Y' | '5Y' | undefined;
  spreadBp: number;
  repricing: 'january_first' | 'anniversary' | undefined;
  order: string[];
  payee: Payee;
}

/** Books a checked loan on the open business date: account, schedule, first tranche, journal, event. */
async function bookLoan(tx: Db, p: Principal, l: LoanToBook, at = ''): Promise<LoanView> {
  const today = await postingDate(tx);
  await checkOpeningTerms(tx, l, today, at);
  if (l.applicationId && (await applicationHasLoan(tx, l.applicationId)))
    throw failedPrecondition(`application ${l.applicationId} already has a loan`);
  const principal = BigInt(l.terms.schedule.principal.times(100).toFixed(0));
  const plan = scheduleOf(l.terms.schedule);
  const state = openingState(uuidv7(), l.terms, plan);
  const loanNumber = await nextLoanNumber(tx, today);
  const maturity = plan[plan.length - 1]!.dueDate;
  await insertLoan(tx, {
    state,
    loanNumber,
    applicationId: l.applicationId,
    contractId: l.contract?.id ?? null,
    contractNumber: l.contract?.number ?? null,
    importId: l.importId,
    customerId: l.customerId,
    borrowerName: l.borrowerName,
    branchId: l.branchId,
    productCode: l.productCode,
    approved: l.approved,
    openedOn: today,
    maturity,
    terms: l.schedule,
    rateType: l.rateType,
    lprTerm: l.lprTerm ?? null,
    spreadBp: l.rateType === 'floating' ? l.spreadBp : null,
    repricing: l.repricing ?? null,
    nextRepricingDate: l.repricing ? nextRepricingDate(l.repricing, today, today) : null,
    allocationOrder: l.order,
  });
  await writeInstallments(tx, state.id, installmentRows(plan), false);
  await insertDisbursement(tx, {
    id: uuidv7(),
    loanId: state.id,
    tranche: 1,
    amount: principal,
    valueDate: today,
    payee: l.payee,
    disbursedBy: p.userId,
  });
  await postLoanEntry(tx, {
    businessDate: today,
    kind: 'disbursement',
    loanId: state.id,
    description: `Disbursement of loan ${loanNumber}, tranche 1`,
    postings: posting('disbursement', ACCOUNTS.principal, ACCOUNTS.settlement, principal),
  });
  await appendToOutbox(tx, SOURCE, {
    type: 'accounting.loan.disbursed',
    subjectId: state.id,
    data: events.LoanDisbursed.toJSON({
      loanId: state.id,
      loanNumber,
      applicationId: l.applicationId ?? undefined,
      contractId: l.contract?.id,
      contractNumber: l.contract?.number,
      importId: l.importId ?? undefined,
      customerId: l.customerId,
      branchId: l.branchId,
      productCode: l.productCode,
      tranche: 1,
      amount: formatMoney(principal),
      valueDate: toIso(today),
      paymentMethod: l.payee.method,
      accountTail: accountTail(l.payee.account),
      annualRatePercent: formatRatePercent(l.terms.annualRate),
      maturityDate: toIso(maturity),
    }),
  });
  return { record: (await findLoan(tx, state.id))! };
}

/**
 * A loan opens on its disbursement date only, and a floating loan at the LPR in force that day
 * plus its spread; a contract that fixes another date or rate must be regenerated.
 */
async function checkOpeningTerms(tx: Db, l: LoanToBook, today: number, at: string) {
  const t = l.terms;
  if (t.schedule.disbursementDate !== today) {
    throw l.contract
      ? failedPrecondition(
          `contract ${l.contract.number} fixes the disbursement date ${toIso(t.schedule.disbursementDate)}, ` +
            `but the open business date is ${toIso(today)}: regenerate the contract for today's date and sign it again`,
        )
      : invalidArgument([
          {
            field: `${at}schedule.disbursementDate`,
            reason: `must be the open business date ${toIso(today)}`,
          },
        ]);
  }
  if (l.rateType !== 'floating') return;
  const lpr = await lprInForce(tx, l.lprTerm!, today);
  if (lpr === undefined)
    throw failedPrecondition(`no ${l.lprTerm} LPR is published for ${toIso(today)}`);
  const expected = formatRate(lpr + BigInt(l.spreadBp) * 10n ** 8n);
  if (formatRate(t.annualRate) !== expected) {
    throw invalidArgument([
      {
        field: `${at}schedule.annualRatePercent`,
        reason: `must be the ${l.lprTerm} LPR ${formatRate(lpr)} + ${l.spreadBp} bp = ${expected}${l.contract ? ` (regenerate contract ${l.contract.number})` : ''}`,
      },
    ]);
  }
}

/** The checks of the account's own terms, shared by both ways in; fields under `prefix`. */
function accountTerms(
  f: Fields,
  prefix: string,
  req: {
    schedule: unknown;
    penaltyMarkupPercent: string;
    graceDays: number;
    allocationOrder: string[];
    payee: PayeeRequest | undefined;
  },
) {
  const order =
    req.allocationOrder.length > 0 ? req.allocationOrder : [...DEFAULT_ALLOCATION_ORDER];
  const orderProblem = validateAllocationOrder(order);
  if (orderProblem) f.fail(`${prefix}allocationOrder`, orderProblem);
  const payeeFields = new Fields();
  const payee = validatePayee(payeeFields, req.payee);
  for (const e of payeeFields.errors) f.fail(`${prefix}${e.field}`, e.reason);
  const terms = validateLoanTerms(
    req.schedule ?? {},
    req.penaltyMarkupPercent || undefined,
    req.graceDays,
  );
  if (!terms.ok) for (const e of terms.errors) f.fail(`${prefix}${e.field}`, e.reason);
  return { order, payee, terms: terms.ok ? terms.value : undefined };
}

const preconditionOn = (field: string, reason: string) =>
  new DomainError('failed_precondition', `${field}: ${reason}`, [{ field, reason }]);

/**
 * 放款 under a contract: the application's contract signed by every party fixes customer,
 * branch, product, amount, rate and its basis, term, method, repayment day and the schedule; the
 * request names only how the money is paid out (payee), the grace days and the allocation order,
 * and any fixed value it does name must be the contract's. Opened on the contract's disbursement
 * date only, and only while the disbursement checklist is complete.
 */
/** A loan opening as requested: the application, the payee, and any term repeated from the contract. */
export interface OpenLoanRequest {
  commandId: string;
  applicationId: string;
  contractId: string;
  customerId: string;
  branchId: string;
  productCode: string;
  approvedAmount: string;
  /** The schedule request's JSON form. */
  schedule: Record<string, unknown> | undefined;
  rateType: string;
  lprTerm: string;
  spreadBp: number;
  repricing: string;
  penaltyMarkupPercent: string;
  graceDays: number;
  allocationOrder: string[];
  payee: PayeeRequest | undefined;
}

export async function openLoan<R>(
  deps: OpeningDeps,
  ctx: CallContext,
  req: OpenLoanRequest,
  reply: Reply<LoanView, R>,
): Promise<R> {
  const p = ctx.principal();
  requireRole(p, DISBURSERS, 'opening a loan');
  const f = new Fields();
  if (!req.applicationId)
    f.fail(
      'applicationId',
      'is required: a loan is opened from an approved application under its signed contract (loans migrated from another system: a loan import)',
    );
  const applicationId = f.uuid('applicationId', req.applicationId, false);
  const contractId = f.uuid('contractId', req.contractId, false);
  if (req.customerId) f.uuid('customerId', req.customerId);
  f.done();
  const contract = await signedContractOf(deps.pool, applicationId!);
  if (!contract)
    throw preconditionOn(
      'applicationId',
      `application ${applicationId} has no contract signed by every party (only an approved application's contract, once every party signed it, opens a loan)`,
    );
  if (contractId && contractId !== contract.contractId)
    throw invalidArgument([
      {
        field: 'contractId',
        reason: `is not the application's signed contract (${contract.contractNumber})`,
      },
    ]);
  requireBranch(p, contract.branchId, 'the loan');
  const differences = differencesFromContract(contract, {
    customerId: req.customerId,
    branchId: req.branchId,
    productCode: req.productCode,
    approvedAmount: req.approvedAmount,
    rateType: req.rateType,
    lprTerm: req.lprTerm,
    spreadBp: req.spreadBp,
    repricing: req.repricing,
    penaltyMarkupPercent: req.penaltyMarkupPercent,
    schedule: req.schedule,
  });
  const fixed = contractedLoan(contract);
  const checked = accountTerms(f, '', {
    schedule: fixed.schedule,
    penaltyMarkupPercent: fixed.penaltyMarkupPercent,
    graceDays: req.graceDays,
    allocationOrder: req.allocationOrder,
    payee: req.payee,
  });
  f.errors.unshift(...differences);
  f.done();
  const departure = scheduleDeparture(contract);
  if (departure)
    throw failedPrecondition(
      `the schedule of contract ${contract.contractNumber} no longer comes out as printed: ${departure}; regenerate the contract`,
    );
  const missing = await deps.disbursementChecklist(contract.applicationId, ctx);
  if (missing.length)
    throw preconditionOn(
      'applicationId',
      `the disbursement review lists documents missing: ${missing.join(', ')}`,
    );
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'OpenLoan', p, async () => {
      // The contract read again under the transaction: a newer signed contract replaces it.
      if ((await lockSignedContractId(tx, contract.applicationId)) !== contract.contractId)
        throw failedPrecondition('the application was signed under a newer contract; try again');
      const loan = await bookLoan(tx, p, {
        applicationId: contract.applicationId,
        contract: { id: contract.contractId, number: contract.contractNumber },
        importId: null,
        customerId: contract.customerId,
        borrowerName: contract.borrowerName,
        branchId: contract.branchId,
        productCode: contract.productCode,
        approved: BigInt(checked.terms!.schedule.principal.times(100).toFixed(0)),
        terms: checked.terms!,
        schedule: fixed.schedule,
        rateType: fixed.rateType,
        lprTerm: fixed.lprTerm,
        spreadBp: fixed.spreadBp,
        repricing: fixed.repricing,
        order: checked.order,
        payee: checked.payee,
      });
      return reply(loan);
    }),
  );
}

/** Checks one loan of an import; every problem under `loans[i].`. */
function checkImportedLoan(f: Fields, i: number, l: ImportedLoanInput) {
  const at = `loans[${i}].`;
  f.text(`${at}externalReference`, l.externalReference, { required: true, max: 100 });
  const customerId = f.uuid(`${at}customerId`, l.customerId);
  const borrowerName = f.text(`${at}borrowerName`, l.borrowerName, { required: true, max: 200 });
  const branchId = f.text(`${at}branchId`, l.branchId, { required: true, max: 20 });
  if (branchId && !BRANCH_CODE.test(branchId))
    f.fail(`${at}branchId`, 'must be a branch code such as SH001 or SH001-01');
  const productCode = f.text(`${at}productCode`, l.productCode, { required: true, max: 64 });
  const approved = f.amount(`${at}approvedAmount`, l.approvedAmount);
  const rateType = f.oneOf(`${at}rateType`, l.rateType, ['fixed', 'floating'] as const);
  const floating = rateType === 'floating';
  const lprTerm = floating ? f.oneOf(`${at}lprTerm`, l.lprTerm, ['1Y', '5Y'] as const) : undefined;
  const repricing = floating
    ? f.oneOf(`${at}repricing`, l.repricing, ['january_first', 'anniversary'] as const)
    : undefined;
  if (floating && (l.spreadBp < -1000 || l.spreadBp > 2000))
    f.fail(`${at}spreadBp`, 'must be from -1000 to 2000 basis points');
  if (!floating && (l.lprTerm || l.repricing || l.spreadBp))
    f.fail(`${at}rateType`, 'a fixed-rate loan has no LPR term, spread or repricing');
  const checked = accountTerms(f, at, l);
  if (checked.terms && approved !== undefined) {
    const principal = BigInt(checked.terms.schedule.principal.times(100).toFixed(0));
    if (principal > approved)
      f.fail(`${at}schedule.principal`, 'must not exceed the approved amount');
  }
  return {
    customerId: customerId!,
    borrowerName: borrowerName!,
    branchId: branchId!,
    productCode: productCode!,
    approved: approved!,
    rateType: rateType!,
    lprTerm,
    repricing,
    spreadBp: floating ? l.spreadBp : 0,
    ...checked,
  };
}

/** The maker: an administrator asks to import a batch of migrated loans; nothing is booked yet. */
export async function requestLoanImport(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; sourceSystem: string; reason: string; loans: ImportedLoanInput[] },
): Promise<LoanImportRecord> {
  requireRole(p, [...IMPORTERS], 'requesting a loan import');
  const f = new Fields();
  const sourceSystem = f.text('sourceSystem', req.sourceSystem, { required: true, max: 100 });
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  if (req.loans.length === 0) f.fail('loans', 'must list at least one loan');
  if (req.loans.length > MAX_IMPORT) f.fail('loans', `must list at most ${MAX_IMPORT} loans`);
  req.loans.forEach((l, i) => checkImportedLoan(f, i, l));
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RequestLoanImport', p, async () => {
      const batch = await imports.insertImport(tx, {
        id: uuidv7(),
        sourceSystem: sourceSystem!,
        reason: reason!,
        loans: req.loans,
        requestedBy: p.userId,
      });
      return batch;
    }),
  );
}

/**
 * The checker: another administrator approves (every loan is booked on the open business date,
 * all or none) or rejects (with the reason) a pending import. Who decided and when is recorded.
 */
export async function decideLoanImport(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; importId: string; approve: boolean; comment: string },
): Promise<LoanImportRecord> {
  requireRole(p, [...IMPORTERS], 'deciding a loan import');
  const f = new Fields();
  const importId = f.uuid('importId', req.importId);
  const comment = f.text('comment', req.comment, { required: !req.approve, max: 1000 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'DecideLoanImport', p, async () => {
      const batch = await imports.importById(tx, importId!, true);
      if (!batch) throw notFound(`loan import ${importId}`);
      if (batch.status !== 'pending')
        throw failedPrecondition(`loan import ${importId} is already ${batch.status}`);
      if (batch.requestedBy === p.userId)
        throw permissionDenied(
          'a loan import is approved or rejected by another administrator than the one who requested it',
        );
      const loanIds: string[] = [];
      if (req.approve) {
        const loans = batch.loans;
        const problems: FieldViolation[] = [];
        for (const [i, l] of loans.entries()) {
          const g = new Fields();
          const c = checkImportedLoan(g, i, l);
          if (g.errors.length) {
            problems.push(...g.errors);
            continue;
          }
          const loan = await bookLoan(
            tx,
            p,
            {
              applicationId: null,
              contract: null,
              importId: batch.id,
              customerId: c.customerId,
              borrowerName: c.borrowerName,
              branchId: c.branchId,
              productCode: c.productCode,
              approved: c.approved,
              terms: c.terms!,
              schedule: l.schedule ?? {},
              rateType: c.rateType,
              lprTerm: c.lprTerm,
              spreadBp: c.spreadBp,
              repricing: c.repricing,
              order: c.order,
              payee: c.payee,
            },
            `loans[${i}].`,
          );
          loanIds.push(loan.record.state.id);
        }
        if (problems.length) throw invalidArgument(problems);
      }
      const decided = await imports.decideImport(tx, batch.id, {
        approve: req.approve,
        by: p.userId,
        comment,
        loanIds,
      });
      return decided;
    }),
  );
}

export async function getLoanImport(
  deps: AccountingDeps,
  p: Principal,
  req: { id: string },
): Promise<LoanImportRecord> {
  requireRole(p, ['admin', 'auditor'], 'reading a loan import');
  const f = new Fields();
  const id = f.uuid('id', req.id);
  f.done();
  const batch = await imports.importById(deps.pool, id!);
  if (!batch) throw notFound(`loan import ${id}`);
  return batch;
}
