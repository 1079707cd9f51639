/**
 * The schemas of the loan accounts (the accounting service's AccountingService) at the edge: what
 * a request may carry, and what each answer holds. Kinds are lower snake case words, as the
 * accounting proto's strings carry them; money is a decimal string, never a JSON number.
 */
import { BRANCH_CODE } from '@loanflow/platform';
import { repaymentMethodWords } from '@loanflow/proto';
import { z } from 'zod';
import { int, isoDate, money, name, rate, signedMoney, text, uuid } from './schemas';

/** One of the words of a kind; a refusal lists them (the wording the API has always used). */
export const words = <const W extends readonly [string, ...string[]]>(values: W, what: string) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).meta({ description: what });

/**
 * An amount of money in a request, with the reason the accounting service gives for each way
 * it can be wrong (so a refusal reads the same whether the edge or the service finds it).
 */
export const amount = z
  .string({ error: 'must be a decimal string such as "150000.00"' })
  .regex(/^\d+(\.\d+)?$/, { error: 'must be a decimal string such as "150000.00"', abort: true })
  .regex(/^\d+(\.\d{1,2})?$/, { error: 'must have at most 2 decimal places', abort: true })
  .regex(/^\d{1,15}(\.\d+)?$/, 'must have at most 15 digits before the decimal point')
  .meta({ examples: ['150000.00'] });

/** A positive decimal with up to six places, as a schedule takes principal and multiples. */
const decimal = (example: string) =>
  z
    .string({ error: `must be a decimal string such as "${example}"` })
    .regex(/^\d{1,15}(\.\d{1,6})?$/, `must be a decimal string such as "${example}"`);

/** A branch code such as SH001 or SH001-01 (head office: HQ), as the directory names branches. */
export const branchId = z
  .string({ error: 'must be a branch code such as SH001 or SH001-01' })
  .regex(BRANCH_CODE, 'must be a branch code such as SH001 or SH001-01');
/** A product code such as PERSONAL_CONSUMER. */
export const productCode = text(64, 1);

export const CLASSIFICATIONS = [
  'normal',
  'special_mention',
  'substandard',
  'doubtful',
  'loss',
] as const;
export const BUCKETS = [
  'compound',
  'penalty',
  'overdue_interest',
  'overdue_principal',
  'due_interest',
  'due_principal',
] as const;
export const LOAN_STATUSES = ['active', 'closed', 'written_off'] as const;
const RATE_TYPES = ['fixed', 'floating'] as const;
const DAY_COUNTS = ['ACT/360', 'ACT/365', 'ACT/ACT', '30/360'] as const;
const LPR_TERMS = ['1Y', '5Y'] as const;
const REPRICINGS = ['january_first', 'anniversary'] as const;

const classification = words(CLASSIFICATIONS, 'five-tier classification');

// ---- The schedule request (POST /schedules:preview, and a loan's schedule) ----

/**
 * The terms of a repayment schedule, field by field as the accounting service reads them. The
 * edge checks each field (type, format, range); the service checks how they combine (a term that
 * is a whole number of periods, grace within the term, the rate ceiling of each product…).
 */
const scheduleShape = {
  principal: decimal('100000.00'),
  annualRatePercent: z
    .string({ error: 'must be a decimal string such as "4.35"' })
    .regex(/^\d{1,2}(\.\d{1,6})?$/, 'must be a decimal string such as "4.35"')
    .refine((s) => Number(s.split('.')[0]) < 36, 'must be below 36% a year')
    .meta({ description: 'Percent a year, below 36' }),
  term: int(1, 18262).meta({
    description: 'In termUnit: at most 600 months, 2609 weeks, 18262 days',
  }),
  termUnit: words(['month', 'week', 'day'], 'term unit'),
  repayEvery: int(1, 18262).optional(),
  repaymentMethod: words(repaymentMethodWords.words as [string, ...string[]], 'repayment method'),
  disbursementDate: isoDate,
  firstRepaymentDate: isoDate.optional(),
  repaymentDay: z
    .union([int(1, 28), z.literal('month_end')], {
      error: 'must be a day of the month from 1 to 28, or "month_end"',
    })
    .optional(),
  interestBasis: words(['period', 'daily'], 'interest basis').optional(),
  dayCount: words(DAY_COUNTS, 'day count').optional(),
  roundingMode: words(['half_up', 'half_even'], 'rounding mode').optional(),
  decimals: int(0, 6).optional(),
  installmentMultiple: decimal('100').optional(),
  graceOnPrincipalPeriods: int(0, 3000).optional(),
  graceOnInterestPeriods: int(0, 3000).optional(),
};
export const ScheduleRequest = z
  .strictObject(scheduleShape)
  .meta({ id: 'ScheduleRequest', description: 'The terms of a repayment schedule' });
/** A loan under a contract: any term named must be the contract's. */
export const ScheduleTerms = z
  .strictObject(
    Object.fromEntries(Object.entries(scheduleShape).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof scheduleShape]: z.ZodOptional<(typeof scheduleShape)[K]>;
    },
  )
  .meta({
    id: 'ScheduleTerms',
    description: 'Terms of the schedule; each, if named, must be the contract’s',
  });

export const ScheduleInstallment = z
  .object({
    period: z.int(),
    dueDate: isoDate,
    principal: money,
    interest: money,
    total: money,
    balance: money.meta({ description: 'Principal still owed after this installment' }),
  })
  .meta({ id: 'ScheduleInstallment' });
export const Schedule = z
  .object({
    installments: z.array(ScheduleInstallment),
    totalInterest: money,
    totalPayment: money,
  })
  .meta({ id: 'Schedule' });

// ---- Requests ----

export const Payee = z
  .strictObject(
    {
      paymentMethod: words(
        ['entrusted', 'self'],
        'entrusted: 受托支付 to the counterparty; self: 自主支付',
      ),
      counterpartyName: text(200).optional(),
      counterpartyAccount: text(40).optional(),
      counterpartyBank: text(200).optional(),
    },
    { error: 'must be an object with paymentMethod and, when entrusted, the counterparty' },
  )
  .meta({ id: 'Payee' });

const loanTerms = {
  rateType: words(RATE_TYPES, 'rate type'),
  lprTerm: words(LPR_TERMS, 'LPR term').optional(),
  spreadBp: int(-10_000, 10_000)
    .meta({ description: 'Floating loans: basis points over the LPR' })
    .optional(),
  repricing: words(REPRICINGS, 'repricing date').optional(),
  penaltyMarkupPercent: z
    .string({ error: 'must be a decimal string such as "50"' })
    .regex(/^\d{1,3}(\.\d{1,4})?$/, 'must be a decimal string such as "50"')
    .meta({ description: 'Penalty rate = contract rate × (1 + markup); default 50' })
    .optional(),
  graceDays: int(0, 365).optional(),
  allocationOrder: z
    .array(words(BUCKETS, 'bucket'), { error: 'must be a list of buckets' })
    .max(BUCKETS.length, `must list at most ${BUCKETS.length} buckets`)
    .optional(),
  payee: Payee,
};

export const OpenLoanRequest = z
  .strictObject({
    applicationId: z
      .string({
        error:
          'is required: a loan is opened from an approved application under its signed contract (migrated loans: POST /loan-imports)',
      })
      .pipe(uuid),
    contractId: uuid.optional(),
    customerId: uuid.optional(),
    branchId: branchId.optional(),
    productCode: productCode.optional(),
    approvedAmount: amount.optional(),
    schedule: ScheduleTerms.optional(),
    ...loanTerms,
    rateType: loanTerms.rateType.optional(),
  })
  .meta({ id: 'OpenLoanRequest' });

const importedLoanShape = {
  externalReference: text(100, 1).meta({
    description: 'The loan’s number in the system it comes from',
  }),
  customerId: uuid,
  borrowerName: name(200),
  branchId,
  productCode,
  approvedAmount: amount,
  schedule: ScheduleRequest,
  ...loanTerms,
};
export const ImportedLoanRequest = z
  .strictObject(importedLoanShape)
  .meta({ id: 'ImportedLoanRequest' });
export const LoanImportRequest = z
  .strictObject({
    sourceSystem: text(100, 1),
    reason: text(1000, 1),
    loans: z
      .array(ImportedLoanRequest, { error: 'must be a list of loans' })
      .min(1, 'must list at least one loan')
      .max(500, 'must list at most 500 loans'),
  })
  .meta({ id: 'LoanImportRequest' });

export const TrancheRequest = z.strictObject({ amount, payee: Payee });
export const RepaymentRequest = z.strictObject({
  amount,
  kind: words(['regular', 'prepayment', 'payoff'], 'repayment kind').optional(),
  prepaymentOption: words(['shorten_term', 'lower_installment'], 'prepayment option').optional(),
  reference: text(100).optional(),
  source: words(['cash', 'repossessed_asset'], 'source of the money').optional(),
});
export const RefundRequest = z.strictObject({
  amount: amount.meta({ description: 'Default: the whole credit balance' }).optional(),
  reference: text(100).optional(),
});
export const ReasonRequest = z.strictObject({ reason: text(1000, 1) });
export const RateChangeRequest = z.strictObject({
  annualRatePercent: rate,
  effectiveDate: isoDate,
  reference: text(100, 1),
});
export const LprRequest = z.strictObject({
  term: words(LPR_TERMS, 'LPR term'),
  ratePercent: rate,
  effectiveDate: isoDate,
});
export const ClassificationRequest = z.strictObject({
  classification,
  reason: text(2000, 1),
});
export const DecisionRequest = z.strictObject({ comment: text(2000).optional() });
export const RecoveryRequest = z.strictObject({ amount, reference: text(100).optional() });
export const SimulationRequest = z.strictObject({ throughDate: isoDate, reason: text(1000, 1) });

// ---- Answers ----

/** A string that may be empty (unset in the accounting proto). */
const maybe = (what: string) => z.string().meta({ description: `${what}; empty when none` });
const dateOrEmpty = z.union([isoDate, z.literal('')]);

export const Balances = z
  .object({
    principal: money.meta({ description: 'Not yet billed' }),
    duePrincipal: money,
    dueInterest: money,
    overduePrincipal: money,
    overdueInterest: money,
    accruedInterest: money,
    penaltyInterest: money,
    compoundInterest: money,
    creditBalance: money,
    payoffAmount: money.meta({ description: 'What paying off on the open business date costs' }),
  })
  .meta({ id: 'Balances' });

export const LoanInstallment = z
  .object({
    period: z.int(),
    dueDate: isoDate,
    principal: money,
    scheduledInterest: money,
    billedInterest: z.string().meta({ description: 'Empty until billed' }),
    principalPaid: money,
    interestPaid: money,
    status: words(['scheduled', 'due', 'overdue', 'paid'], 'installment status'),
    paidOn: dateOrEmpty,
    total: money.meta({ description: 'Principal + interest (billed, or scheduled until billed)' }),
    balance: money.meta({ description: 'Principal still owed after this installment' }),
  })
  .meta({ id: 'LoanInstallment' });

export const Loan = z
  .object({
    id: uuid,
    loanNumber: z.string(),
    applicationId: z.string(),
    customerId: z.string(),
    branchId: z.string(),
    productCode: z.string(),
    currency: z.string(),
    approvedAmount: money,
    disbursedAmount: money,
    status: words(LOAN_STATUSES, 'loan status'),
    openedOn: isoDate,
    maturityDate: isoDate,
    rateType: words(RATE_TYPES, 'rate type'),
    annualRatePercent: z.string().meta({ description: 'Percent a year, four fraction digits' }),
    penaltyRatePercent: z.string(),
    lprTerm: maybe('Floating loans: 1Y or 5Y'),
    spreadBp: z.int(),
    nextRepricingDate: dateOrEmpty,
    graceDays: z.int(),
    balances: Balances,
    daysPastDue: z.int(),
    classification,
    nextDueDate: dateOrEmpty,
    accruedThrough: dateOrEmpty,
    version: z.int(),
    allocationOrder: z.array(words(BUCKETS, 'bucket')),
    installments: z
      .array(LoanInstallment)
      .meta({ description: 'On GET /loans/{loanId} and after postings; empty in lists' }),
    repaymentMethod: z.union([
      words(repaymentMethodWords.words as [string, ...string[]], 'repayment method'),
      z.literal(''),
    ]),
    contractNumber: maybe('The signed contract the loan was opened under'),
    contractId: z.string(),
    origin: words(['contract', 'import'], 'origin'),
    importId: maybe('Imported loans: the batch that brought them in'),
  })
  .meta({ id: 'Loan' });

export const LoanPage = z
  .object({ items: z.array(Loan), nextPageToken: z.string().nullable() })
  .meta({ id: 'LoanPage' });

const ImportedLoan = z
  .object({
    ...Object.fromEntries(
      [
        'externalReference',
        'customerId',
        'branchId',
        'productCode',
        'approvedAmount',
        'rateType',
        'lprTerm',
        'repricing',
        'penaltyMarkupPercent',
        'borrowerName',
      ].map((k) => [k, z.string()]),
    ),
    schedule: z.record(z.string(), z.unknown()).optional(),
    spreadBp: z.int(),
    graceDays: z.int(),
    allocationOrder: z.array(z.string()),
    payee: z
      .object({
        paymentMethod: z.string(),
        counterpartyName: z.string(),
        counterpartyAccount: z.string(),
        counterpartyBank: z.string(),
      })
      .optional(),
  })
  .meta({ id: 'ImportedLoan' });

export const LoanImport = z
  .object({
    id: uuid,
    status: words(['pending', 'approved', 'rejected'], 'decision'),
    sourceSystem: z.string(),
    reason: z.string(),
    loans: z.array(ImportedLoan),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decidedBy: z.string(),
    decidedAt: z.string(),
    decisionComment: z.string(),
    loanIds: z.array(uuid).meta({ description: 'The loans opened, in the order of loans' }),
  })
  .meta({ id: 'LoanImport' });

const Allocation = z
  .object({
    compound: money,
    penalty: money,
    overdueInterest: money,
    overduePrincipal: money,
    dueInterest: money,
    duePrincipal: money,
    accruedInterest: money,
    principal: money,
    credit: money,
    fromCredit: money,
  })
  .meta({ id: 'Allocation' });

export const Repayment = z
  .object({
    id: uuid,
    loanId: z.string(),
    valueDate: isoDate,
    amount: money,
    kind: words(['regular', 'prepayment', 'payoff'], 'repayment kind'),
    prepaymentOption: z.string(),
    allocation: Allocation,
    status: words(['posted', 'reversed'], 'repayment status'),
    reference: z.string(),
    source: z.string(),
    postedBy: z
      .string()
      .meta({ description: 'Who posted it (user id); empty in the answer to the posting' }),
    postedAt: z
      .string()
      .meta({ description: 'When it was posted; empty in the answer to the posting' }),
  })
  .meta({ id: 'Repayment' });

export const RepaymentPage = z
  .object({ items: z.array(Repayment), nextPageToken: z.string().nullable() })
  .meta({ id: 'RepaymentPage' });

export const RepaymentResult = z
  .object({ repayment: Repayment, loan: Loan })
  .meta({ id: 'RepaymentResult' });
export const ReversalResult = z
  .object({
    repayment: Repayment,
    loan: Loan,
    adjustments: z
      .array(z.object({ accountCode: z.string(), amount: signedMoney }))
      .meta({ description: 'The correcting entry per account: positive debit, negative credit' }),
  })
  .meta({ id: 'ReversalResult' });
export const RateChange = z.object({ id: uuid, effectiveDate: isoDate }).meta({ id: 'RateChange' });
export const Lpr = z
  .object({ term: z.string(), ratePercent: z.string(), effectiveDate: isoDate })
  .meta({ id: 'Lpr' });

export const DayClose = z
  .object({
    day: z.object({
      businessDate: isoDate,
      status: words(['open', 'closing', 'closed'], 'business day status'),
      loansAccrued: z.int(),
      normalInterest: money,
      penaltyInterest: money,
      compoundInterest: money,
      closedBy: z.string().meta({ description: 'User id of who closed it' }),
      aheadOfCalendar: z.boolean(),
      simulationId: maybe('The simulation that allowed it, if ahead'),
    }),
    alreadyClosed: z.boolean(),
    nextBusinessDate: isoDate,
  })
  .meta({ id: 'DayClose' });

export const Simulation = z
  .object({
    id: uuid,
    throughDate: isoDate,
    startedOn: isoDate,
    fromBusinessDate: isoDate,
    reason: z.string(),
    startedBy: z.string(),
    startedAt: z.string(),
    datesClosed: z.array(isoDate),
  })
  .meta({ id: 'Simulation' });
export const SimulationStarted = z
  .object({ simulation: Simulation })
  .meta({ id: 'SimulationStarted' });
export const BusinessDate = z
  .object({
    openBusinessDate: isoDate,
    lastClosedDate: dateOrEmpty,
    calendarDate: isoDate.meta({ description: 'Today in the bank’s time zone' }),
    timeZone: z.string(),
    aheadOfCalendar: z.boolean(),
    activeSimulation: Simulation.optional(),
    simulations: z.array(Simulation).meta({ description: 'Newest first, 50 at most' }),
  })
  .meta({ id: 'BusinessDate' });

export const Statement = z
  .object({
    loanId: z.string(),
    loanNumber: z.string(),
    fromDate: isoDate,
    toDate: isoDate,
    header: z
      .object({
        bankName: z.string(),
        bankNameZh: z.string(),
        customerId: z.string(),
        customerName: z.string(),
        branchId: z.string(),
        productCode: z.string(),
        currency: z.string(),
        dayCount: words(DAY_COUNTS, 'day count'),
        interestBasis: words(['daily', 'period'], 'interest basis'),
        annualRatePercent: z.string(),
        rateType: words(RATE_TYPES, 'rate type'),
        lprTerm: z.string(),
        spreadBp: z.int(),
        timeZone: z.string(),
        generatedAt: z.string(),
      })
      .optional(),
    lines: z.array(
      z.object({
        kind: words(['normal', 'penalty', 'compound'], 'interest kind'),
        start: isoDate,
        end: isoDate.meta({ description: 'Last day, inclusive' }),
        days: z.int(),
        base: money,
        annualRatePercent: z.string(),
        interest: money,
      }),
    ),
    totals: z.object({ normal: money, penalty: money, compound: money, total: money }).optional(),
  })
  .meta({ id: 'Statement' });

export const TrialBalance = z
  .object({
    lines: z.array(
      z.object({
        accountCode: z.string(),
        name: z.string(),
        nameZh: z.string(),
        category: z.string(),
        debit: money,
        credit: money,
        balance: signedMoney.meta({ description: 'Debit minus credit' }),
      }),
    ),
    totalDebit: money,
    totalCredit: money,
    balanced: z.boolean(),
  })
  .meta({ id: 'TrialBalance' });

export const Reconciliation = z
  .object({
    loansChecked: z.int(),
    mismatches: z.array(
      z.object({
        loanId: z.string(),
        accountCode: z.string(),
        loanBalance: signedMoney,
        ledgerBalance: signedMoney,
      }),
    ),
  })
  .meta({ id: 'Reconciliation' });

export const ClassificationChange = z
  .object({
    id: uuid,
    loanId: z.string(),
    fromClassification: classification,
    toClassification: classification,
    cause: words(['days_past_due', 'manual'], 'cause'),
    reason: z.string(),
    status: words(['pending', 'approved', 'rejected'], 'decision'),
    requestedBy: z.string(),
    decidedBy: z.string(),
    businessDate: isoDate,
  })
  .meta({ id: 'ClassificationChange' });
export const ClassificationDecision = z
  .object({ change: ClassificationChange, loan: Loan.optional() })
  .meta({ id: 'ClassificationDecision' });

export const WriteOff = z.object({ loan: Loan, amountWrittenOff: money }).meta({ id: 'WriteOff' });
export const Recovery = z.object({ loan: Loan, recoveredTotal: money }).meta({ id: 'Recovery' });
export const CreditRefund = z.object({ loan: Loan, refunded: money }).meta({ id: 'CreditRefund' });
