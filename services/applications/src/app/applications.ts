import {
  appendToOutbox,
  conflict,
  failedPrecondition,
  invalidArgument,
  isUuid,
  notFound,
  uuidv7,
  withTransaction,
  type PiiProtector,
  type Pool,
  type PoolClient,
  type Principal,
} from '@loanflow/platform';
import { applicationEventsV1 } from '@loanflow/proto';
import { Decimal } from 'decimal.js';
import { todayInChina } from '../domain/calendar';
import { formatAmount, parseRatePercent } from '../domain/money';
import { assess, knockouts } from '../domain/preassessment';
import { checkDraftAgainstProduct, type LoanProduct } from '../domain/products';
import { isRepaymentMethod, monthlyInstallment, REPAYMENT_METHODS } from '../domain/schedule';
import {
  appendHistory,
  applicationById,
  historiesOf,
  historyOf,
  insertApplication,
  listApplications,
  markSubmitted,
  markWithdrawn,
  pendingApplications,
  updateDraft,
  type ApplicationFilter,
  type DraftFields,
} from '../infra/application-repo';
import { isBlacklisted, productByCode, ruleSetOn } from '../infra/catalogue-repo';
import { customerById } from '../infra/customer-repo';
import { toPbCustomerType, toPbMethod, toPbOpinion } from '../infra/proto-mapping';
import { branchFilter, FRONT_OFFICE, requireBranch, requireRole } from './access';
import { INDEX_DOMAIN, Violations } from './customers';
import type { ApplicationStatus, Customer, LoanApplication, StoredAssessment } from './model';
import { decodeCursor, encodeCursor, pageSize } from './pagination';

export const SOURCE = 'applications';

/** A loan of the customer in the accounting books, as exposure counts it. */
export interface BookedLoan {
  loanId: string;
  loanNumber: string;
  /** Principal not yet repaid (unbilled, due and overdue), yuan. */
  outstandingPrincipal: string;
  /** The next installment not yet paid (principal and interest), yuan; 0 when none is left. */
  nextInstallment: string;
}

export interface ApplicationDeps {
  pool: Pool;
  pii: PiiProtector;
  /** Today's date in the bank's time zone; injectable for tests. */
  today?: () => string;
  /** The customer's active loans (accounting's ListLoans), asked on the caller's behalf. */
  loansOf: (customerId: string, token: string) => Promise<BookedLoan[]>;
}

/** An application as entered: strings as they came over the wire, checked here. */
export interface DraftInput {
  customerId: string;
  productCode: string;
  amount: string;
  termMonths: number;
  repaymentMethod: string;
  ratePercent: string;
  purpose: string;
  businessSituation: string;
  monthlyIncome: string;
  existingMonthlyDebtPayments: string;
}

export const DRAFT_FIELDS: (keyof DraftInput)[] = [
  'customerId',
  'productCode',
  'amount',
  'termMonths',
  'repaymentMethod',
  'ratePercent',
  'purpose',
  'businessSituation',
  'monthlyIncome',
  'existingMonthlyDebtPayments',
];

/** Checks every field, and the whole draft against its product; all problems at once. */
async function validateDraft(
  tx: PoolClient,
  actor: Principal,
  input: DraftInput,
): Promise<{ fields: DraftFields; customer: Customer; product: LoanProduct }> {
  const v = new Violations();
  let customer: Customer | undefined;
  if (!isUuid(input.customerId)) v.add('customerId', 'must be the UUID of a customer');
  else {
    customer = await customerById(tx, input.customerId);
    if (!customer) v.add('customerId', 'no such customer');
  }
  const product = input.productCode ? await productByCode(tx, input.productCode) : undefined;
  if (!product)
    v.add(
      'productCode',
      input.productCode ? `unknown product ${input.productCode}` : 'is required',
    );

  const amount = v.optionalAmount('amount', input.amount);
  if (!input.amount.trim()) v.add('amount', 'is required');
  if (!Number.isInteger(input.termMonths) || input.termMonths <= 0)
    v.add('termMonths', 'must be a whole number of months above 0');
  if (!isRepaymentMethod(input.repaymentMethod))
    v.add('repaymentMethod', `must be one of ${REPAYMENT_METHODS.join(', ')}`);
  let rate: Decimal | undefined;
  if (input.ratePercent.trim())
    rate = v.take('ratePercent', parseRatePercent(input.ratePercent.trim()));
  const purpose = v.text('purpose', input.purpose, { required: true, max: 1000 });
  const businessSituation = v.text('businessSituation', input.businessSituation, { max: 4000 });
  const monthlyIncome = v.optionalAmount('monthlyIncome', input.monthlyIncome);
  const existingDebt = v.optionalAmount(
    'existingMonthlyDebtPayments',
    input.existingMonthlyDebtPayments,
  );

  if (customer && product && amount && v.list.length === 0) {
    v.list.push(
      ...checkDraftAgainstProduct(
        {
          customerType: customer.type,
          amount: new Decimal(amount),
          termMonths: input.termMonths,
          repaymentMethod: input.repaymentMethod,
          ratePercent: rate,
        },
        product,
      ),
    );
  }
  v.throwIfAny();
  requireBranch(actor, customer!.branchId, 'the customer');
  return {
    customer: customer!,
    product: product!,
    fields: {
      customerId: customer!.id,
      customerType: customer!.type,
      productCode: product!.code,
      branchId: customer!.branchId,
      amount: amount!,
      termMonths: input.termMonths,
      repaymentMethod: input.repaymentMethod as DraftFields['repaymentMethod'],
      ratePercent: (rate ?? new Decimal(product!.referenceRatePercent)).toFixed(4),
      purpose,
      businessSituation,
      monthlyIncome,
      existingMonthlyDebtPayments: existingDebt,
    },
  };
}

export async function createApplication(
  deps: ApplicationDeps,
  actor: Principal,
  input: DraftInput,
): Promise<LoanApplication> {
  requireRole(actor, FRONT_OFFICE, 'entering a loan application');
  const id = uuidv7();
  return withTransaction(deps.pool, async (tx) => {
    const { fields } = await validateDraft(tx, actor, input);
    await insertApplication(tx, id, fields, actor.userId);
    await appendToOutbox(tx, SOURCE, {
      type: 'applications.application.created',
      subjectId: id,
      data: applicationEventsV1.ApplicationCreated.toJSON({
        applicationId: id,
        customerId: fields.customerId,
        customerType: toPbCustomerType(fields.customerType),
        productCode: fields.productCode,
        branchId: fields.branchId,
        amount: fields.amount,
        termMonths: fields.termMonths,
        createdBy: actor.userId,
      }),
    });
    return (await applicationById(tx, id))!;
  });
}

/** Loads an application the actor may see, locked for a change when `lock`. */
async function visibleApplication(
  tx: PoolClient | Pool,
  actor: Principal,
  id: string,
  lock = false,
): Promise<LoanApplication> {
  if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  const app = await applicationById(tx, id, lock);
  if (!app) throw notFound(`application ${id}`);
  requireBranch(actor, app.branchId, 'the application');
  return app;
}

export async function updateApplication(
  deps: ApplicationDeps,
  actor: Principal,
  id: string,
  input: Partial<DraftInput>,
  mask: string[],
  expectedVersion: number,
): Promise<LoanApplication> {
  requireRole(actor, FRONT_OFFICE, 'editing a loan application');
  const unknown = mask.filter((m) => !(DRAFT_FIELDS as string[]).includes(m));
  if (unknown.length > 0 || mask.length === 0) {
    throw invalidArgument([
      {
        field: 'updateMask',
        reason:
          mask.length === 0
            ? 'name at least one field to change'
            : `unknown fields: ${unknown.join(', ')}`,
      },
    ]);
  }
  return withTransaction(deps.pool, async (tx) => {
    const current = await visibleApplication(tx, actor, id, true);
    if (current.status !== 'draft')
      throw failedPrecondition(`only a draft can be edited; this application is ${current.status}`);
    if (expectedVersion && expectedVersion !== current.version) {
      throw conflict(
        `the application changed since version ${expectedVersion}; it is at version ${current.version}`,
      );
    }
    const merged: DraftInput = {
      customerId: current.customerId,
      productCode: current.productCode,
      amount: current.amount,
      termMonths: current.termMonths,
      repaymentMethod: current.repaymentMethod,
      ratePercent: current.ratePercent,
      purpose: current.purpose,
      businessSituation: current.businessSituation,
      monthlyIncome: current.monthlyIncome ?? '',
      existingMonthlyDebtPayments: current.existingMonthlyDebtPayments ?? '',
    };
    for (const field of mask as (keyof DraftInput)[])
      (merged as unknown as Record<string, unknown>)[field] = input[field];
    const { fields } = await validateDraft(tx, actor, merged);
    await updateDraft(tx, id, fields);
    return (await applicationById(tx, id))!;
  });
}

/** One application with its history (submitted, withdrawn, decided, contracted, disbursed …). */
export async function getApplication(
  deps: ApplicationDeps,
  actor: Principal,
  id: string,
): Promise<LoanApplication> {
  const app = await visibleApplication(deps.pool, actor, id);
  return { ...app, history: await historyOf(deps.pool, id) };
}

export async function findApplications(
  deps: ApplicationDeps,
  actor: Principal,
  q: Omit<ApplicationFilter, 'branchIds'> & {
    branchId?: string;
    pageSize: number;
    pageToken: string;
  },
): Promise<{ applications: LoanApplication[]; nextPageToken: string }> {
  if (q.customerId && !isUuid(q.customerId))
    throw invalidArgument([{ field: 'customerId', reason: 'must be a UUID' }]);
  // The branch asked for (within the caller's subtree), else the whole subtree.
  const branchIds = branchFilter(actor, q.branchId) ?? undefined;
  const size = pageSize(q.pageSize);
  const before = decodeCursor(q.pageToken, 1)?.[0];
  if (before && !isUuid(before))
    throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
  const filter = { status: q.status, customerId: q.customerId, productCode: q.productCode };
  const rows = await listApplications(deps.pool, { ...filter, branchIds }, { size, before });
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  const histories = await historiesOf(
    deps.pool,
    page.map((a) => a.id),
  );
  return {
    applications: page.map((a) => ({ ...a, history: histories.get(a.id) ?? [] })),
    nextPageToken: rows.length > size && last ? encodeCursor([last.id]) : '',
  };
}

/**
 * Submits a draft: runs the pre-assessment with the rule set in force and records its opinion,
 * then emits application.submitted. A knockout (a blacklist hit) declines it instead and emits
 * application.declined: no approval process starts. Submitting twice changes nothing.
 *
 * Exposure counts the customer's other applications under way here (submitted, approved,
 * contracted) and the loans in the accounting books, asked for on the caller's behalf before the
 * transaction so that no lock waits on another service.
 */
export async function submitApplication(
  deps: ApplicationDeps,
  actor: Principal,
  id: string,
  token: string,
): Promise<LoanApplication> {
  requireRole(actor, FRONT_OFFICE, 'submitting a loan application');
  const peek = await visibleApplication(deps.pool, actor, id);
  const loans = peek.status === 'draft' ? await deps.loansOf(peek.customerId, token) : [];
  const submitted = await withTransaction(deps.pool, async (tx) => {
    const app = await visibleApplication(tx, actor, id, true);
    if (app.status === 'submitted' || app.status === 'declined') return app;
    if (app.status !== 'draft')
      throw failedPrecondition(`a ${app.status} application cannot be submitted`);
    // Locked: two applications of one customer submitted together must see each other as pending.
    const customer = (await customerById(tx, app.customerId, true))!;
    const product = await productByCode(tx, app.productCode);
    if (!product) throw failedPrecondition(`product ${app.productCode} is no longer offered`);
    const asOf = (deps.today ?? todayInChina)();
    const ruleSet = await ruleSetOn(tx, asOf);
    if (!ruleSet) throw failedPrecondition(`no pre-assessment rule set is in force on ${asOf}`);

    const pending = await pendingApplications(tx, customer.id, app.id);
    const bankMonthly = [
      ...pending.map((p) =>
        monthlyInstallment(
          new Decimal(p.amount),
          new Decimal(p.ratePercent),
          p.termMonths,
          p.repaymentMethod,
        ),
      ),
      ...loans.map((l) => new Decimal(l.nextInstallment)),
    ].reduce((a, b) => a.plus(b), new Decimal(0));
    const income =
      app.monthlyIncome ??
      (customer.type === 'individual' ? customer.individual.monthlyIncome : undefined);
    const assessment = assess(
      {
        asOf,
        customerType: customer.type,
        productCategory: product.category,
        amount: new Decimal(app.amount),
        termMonths: app.termMonths,
        repaymentMethod: app.repaymentMethod,
        ratePercent: new Decimal(app.ratePercent),
        applicant: {
          birthDate: customer.type === 'individual' ? customer.individual.birthDate : undefined,
          monthlyIncome: income !== undefined ? new Decimal(income) : undefined,
          existingMonthlyDebtPayments:
            app.existingMonthlyDebtPayments !== undefined
              ? new Decimal(app.existingMonthlyDebtPayments)
              : undefined,
          annualRevenue:
            customer.type === 'corporate' && customer.corporate.annualRevenue
              ? new Decimal(customer.corporate.annualRevenue)
              : undefined,
          registeredCapital:
            customer.type === 'corporate' && customer.corporate.registeredCapital
              ? new Decimal(customer.corporate.registeredCapital)
              : undefined,
        },
        blacklistHit: await blacklistHit(tx, deps.pii, customer),
        otherPendingApplications: pending.length,
        otherPendingAmount: pending.reduce((a, p) => a.plus(p.amount), new Decimal(0)),
        bankMonthlyDebtPayments: bankMonthly,
      },
      ruleSet,
    );
    const stored: StoredAssessment = { ...assessment, assessedAt: new Date().toISOString() };
    const refused = knockouts(assessment, ruleSet);
    if (refused.length > 0) {
      const reason = refused.map((k) => k.reason).join('; ');
      await markSubmitted(tx, id, stored, actor.userId, 'declined');
      await appendHistory(tx, id, { action: 'declined', actor: actor.userId, reason });
      const declined = (await applicationById(tx, id))!;
      await appendToOutbox(tx, SOURCE, {
        type: 'applications.application.declined',
        subjectId: id,
        data: applicationEventsV1.ApplicationDeclined.toJSON({
          applicationId: id,
          customerId: customer.id,
          branchId: app.branchId,
          reason,
          declinedAt: declined.submittedAt ?? '',
          ruleCodes: refused.map((k) => k.code),
          productCode: product.code,
          amount: formatAmount(new Decimal(app.amount)),
        }),
      });
      return declined;
    }
    await markSubmitted(tx, id, stored, actor.userId, 'submitted');
    await appendHistory(tx, id, { action: 'submitted', actor: actor.userId });
    const done = (await applicationById(tx, id))!;
    await appendToOutbox(tx, SOURCE, {
      type: 'applications.application.submitted',
      subjectId: id,
      data: applicationEventsV1.ApplicationSubmitted.toJSON({
        applicationId: id,
        customerId: customer.id,
        customerType: toPbCustomerType(customer.type),
        customerName: customer.name,
        productCode: product.code,
        productCategory: product.category,
        branchId: app.branchId,
        amount: formatAmount(new Decimal(app.amount)),
        termMonths: app.termMonths,
        repaymentMethod: toPbMethod(app.repaymentMethod),
        initialOpinion: toPbOpinion(assessment.opinion),
        score: assessment.score,
        submittedBy: actor.userId,
        submittedAt: done.submittedAt ?? '',
      }),
    });
    return done;
  });
  return { ...submitted, history: await historyOf(deps.pool, id) };
}

/** Individuals are listed by their resident ID's blind index, companies by their credit code's. */
async function blacklistHit(
  tx: PoolClient,
  pii: PiiProtector,
  customer: Customer,
): Promise<boolean> {
  const index =
    customer.type === 'individual'
      ? customer.identityIndex
      : pii.blindIndex(INDEX_DOMAIN.creditCode, customer.corporate.creditCode);
  return index !== undefined && isBlacklisted(tx, index);
}

/** Until the contract is signed, the customer may still walk away (an approval is an offer). */
const WITHDRAWABLE: ApplicationStatus[] = ['draft', 'submitted', 'approved'];

/**
 * The customer or the bank takes the application back; the reason, who and when go into the
 * history. Withdrawing twice changes nothing.
 */
export async function withdrawApplication(
  deps: ApplicationDeps,
  actor: Principal,
  id: string,
  reason: string,
): Promise<LoanApplication> {
  requireRole(actor, FRONT_OFFICE, 'withdrawing a loan application');
  const why = reason.trim();
  if (!why) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  if (why.length > 1000)
    throw invalidArgument([{ field: 'reason', reason: 'must be at most 1000 characters' }]);
  const result = await withTransaction(deps.pool, async (tx) => {
    const app = await visibleApplication(tx, actor, id, true);
    if (app.status === 'withdrawn') return app;
    if (!WITHDRAWABLE.includes(app.status))
      throw failedPrecondition(`a ${app.status} application cannot be withdrawn`);
    await markWithdrawn(tx, id, why, actor.userId);
    const withdrawn = (await applicationById(tx, id))!;
    await appendHistory(tx, id, {
      action: 'withdrawn',
      at: withdrawn.withdrawnAt,
      actor: actor.userId,
      reason: why,
      details: { from: app.status },
    });
    await appendToOutbox(tx, SOURCE, {
      type: 'applications.application.withdrawn',
      subjectId: id,
      data: applicationEventsV1.ApplicationWithdrawn.toJSON({
        applicationId: id,
        customerId: app.customerId,
        branchId: app.branchId,
        reason: why,
        withdrawnBy: actor.userId,
        withdrawnAt: withdrawn.withdrawnAt ?? '',
      }),
    });
    return withdrawn;
  });
  return { ...result, history: await historyOf(deps.pool, id) };
}
