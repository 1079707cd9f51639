// 贷后管理 through the real PostLoanService over gRPC, on the accounting service's own schema in
// the real PostgreSQL, with loans opened through the loan book's API.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createGrpcClient,
  DomainError,
  promiseClient,
  type FieldViolation,
  type PromiseClient,
} from '@loanflow/platform';
import { accountingV1, postLoanV1 as pb } from '@loanflow/proto';
import {
  annuitySchedule,
  openTestLoan,
  startHarness,
  type Harness,
  type StaffKey,
} from './harness';

jest.setTimeout(60_000);

let h: Harness;
let client: PromiseClient<pb.PostLoanServiceClient>;
/** Loans of the Shanghai and Beijing branches, opened on 2025-01-15. */
let shLoan: accountingV1.Loan;
let bjLoan: accountingV1.Loan;

const OPENED_ON = '2025-01-15';
/** Tomorrow in China: the first date the service must refuse as "in the future". */
/** The day after the service's (injected) today. */
const tomorrow = '2026-01-01';

beforeAll(async () => {
  h = await startHarness({ firstBusinessDate: OPENED_ON });
  client = promiseClient(
    createGrpcClient(pb.PostLoanServiceClient, `127.0.0.1:${h.service.grpcPort}`),
  );
  shLoan = await openTestLoan(h, { branchId: 'SH001' });
  bjLoan = await openTestLoan(h, { branchId: 'BJ001' });
});

afterAll(async () => {
  client?.close();
  await h?.close();
});

const as = (who: StaffKey) => h.as(who);
const userId = (who: StaffKey) => h.principal(who).userId;

/** A loan of any product code, opened on the open business date through the loan book. */
async function openLoanOf(productCode: string, branchId = 'SH001'): Promise<accountingV1.Loan> {
  return openTestLoan(h, {
    customerId: randomUUID(),
    branchId,
    productCode,
    approvedAmount: '50000.00',
    schedule: annuitySchedule(OPENED_ON, '50000.00'),
  });
}

async function rpcError(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The field violations of a call that must fail with INVALID_ARGUMENT. */
async function violations(call: Promise<unknown>): Promise<FieldViolation[]> {
  const err = await rpcError(call);
  expect(err.code).toBe('invalid_argument');
  return err.violations;
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await h.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]!.n);
}

/** Envelopes in the outbox of one event type about one subject, in order. */
async function outboxEvents(type: string, subjectId: string) {
  const { rows } = await h.db.query<{ payload: { data: Record<string, unknown>; source: string } }>(
    'SELECT payload FROM outbox WHERE event_type = $1 AND subject_id = $2 ORDER BY seq',
    [type, subjectId],
  );
  return rows.map((r) => r.payload);
}

// ---------------------------------------------------------------------------------------------

describe('the schema', () => {
  it('stores every amount as numeric(20, 2)', async () => {
    const { rows } = await h.db.query<{ column: string; type: string }>(
      `SELECT table_name || '.' || column_name AS column,
              data_type || '(' || numeric_precision || ',' || numeric_scale || ')' AS type
         FROM information_schema.columns
        WHERE table_schema = $1 AND column_name IN ('amount', 'judgement_amount', 'legal_costs',
          'valuation_amount', 'settled_amount', 'book_value', 'disposal_proceeds')
          AND table_name IN ('payment_promises', 'litigations', 'repossessed_assets')
        ORDER BY 1`,
      [h.schema],
    );
    expect(rows).toEqual(
      [
        'litigations.judgement_amount',
        'litigations.legal_costs',
        'payment_promises.amount',
        'repossessed_assets.book_value',
        'repossessed_assets.disposal_proceeds',
        'repossessed_assets.settled_amount',
        'repossessed_assets.valuation_amount',
      ].map((column) => ({ column, type: 'numeric(20,2)' })),
    );
  });
});

describe('inspection plans', () => {
  it('seeds a plan per product as data', async () => {
    const { plans } = await client.listInspectionPlans({}, as('shManager'));
    const seeded = plans
      .filter((p) => p.updatedBy === 'migration')
      .map((p) => [p.productCode, p.frequencyDays, p.firstAfterDays]);
    expect(seeded).toEqual([
      ['CORP_WORKING_CAPITAL', 90, 30],
      ['MORTGAGE', 365, 90],
      ['PERSONAL_CONSUMER', 180, 30],
      ['SMALL_BUSINESS', 90, 30],
    ]);
  });

  it('lets an administrator set a plan, and nobody else', async () => {
    const { plan } = await client.setInspectionPlan(
      { productCode: 'EQUIPMENT_LEASE', frequencyDays: 120, firstAfterDays: 15 },
      as('admin'),
    );
    expect(plan).toMatchObject({
      productCode: 'EQUIPMENT_LEASE',
      frequencyDays: 120,
      firstAfterDays: 15,
      updatedBy: userId('admin'),
    });
    const err = await rpcError(
      client.setInspectionPlan(
        { productCode: 'EQUIPMENT_LEASE', frequencyDays: 1, firstAfterDays: 1 },
        as('shPostLoan'),
      ),
    );
    expect(err.code).toBe('permission_denied');
    const { rows } = await h.db.query(
      `SELECT frequency_days, first_after_days FROM inspection_plans WHERE product_code = 'EQUIPMENT_LEASE'`,
    );
    expect(rows).toEqual([{ frequency_days: 120, first_after_days: 15 }]);
  });

  it('refuses a bad plan field by field', async () => {
    expect(
      await violations(
        client.setInspectionPlan(
          { productCode: 'not a code', frequencyDays: 0, firstAfterDays: 4000 },
          as('admin'),
        ),
      ),
    ).toEqual([
      { field: 'productCode', reason: 'must be a product code such as PERSONAL_CONSUMER' },
      { field: 'frequencyDays', reason: 'must be a whole number of days from 1 to 3660' },
      { field: 'firstAfterDays', reason: 'must be a whole number of days from 0 to 3660' },
    ]);
    expect(await count('inspection_plans', `product_code = 'not a code'`)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

const inspection = (overrides: Partial<pb.RecordInspectionRequest> = {}) =>
  pb.RecordInspectionRequest.fromPartial({
    requestId: randomUUID(),
    loanId: shLoan.id,
    inspectedOn: '2025-02-10',
    kind: pb.InspectionKind.INSPECTION_KIND_ON_SITE,
    findings: 'Renovation under way as declared; invoices seen; income unchanged.',
    result: pb.InspectionResult.INSPECTION_RESULT_NORMAL,
    ...overrides,
  });

describe('inspections', () => {
  let first: pb.Inspection;

  it('records an inspection and moves the next due date 180 days on', async () => {
    const req = inspection();
    const out = await client.recordInspection(req, as('shPostLoan'));
    first = out.inspection!;
    expect(first).toMatchObject({
      requestId: req.requestId,
      loanId: shLoan.id,
      inspectedOn: '2025-02-10',
      inspector: userId('shPostLoan'),
      kind: pb.InspectionKind.INSPECTION_KIND_ON_SITE,
      findings: req.findings,
      riskSignals: [],
      result: pb.InspectionResult.INSPECTION_RESULT_NORMAL,
      recordedBy: userId('shPostLoan'),
    });
    expect(out.nextDueOn).toBe('2025-08-09');
    const { rows } = await h.db.query(
      'SELECT loan_id, inspected_on, kind, result, risk_signals FROM inspections WHERE id = $1',
      [first.id],
    );
    expect(rows).toEqual([
      {
        loan_id: shLoan.id,
        inspected_on: '2025-02-10',
        kind: 'on_site',
        result: 'normal',
        risk_signals: [],
      },
    ]);
  });

  it('takes the latest inspection for the next due date, across the year end', async () => {
    const risk = await client.recordInspection(
      inspection({
        inspectedOn: '2025-07-20',
        inspector: '王芳',
        kind: pb.InspectionKind.INSPECTION_KIND_OFF_SITE,
        result: pb.InspectionResult.INSPECTION_RESULT_RISK,
        riskSignals: ['overdue at another bank', 'employer laid off staff'],
      }),
      as('shPostLoan'),
    );
    expect(risk.nextDueOn).toBe('2026-01-16');
    expect(risk.inspection!.riskSignals).toEqual([
      'overdue at another bank',
      'employer laid off staff',
    ]);
    // Entered late, dated earlier: the cycle still runs from the latest inspection.
    const late = await client.recordInspection(
      inspection({ inspectedOn: '2025-03-01' }),
      as('shPostLoan'),
    );
    expect(late.nextDueOn).toBe('2026-01-16');

    const list = await client.listInspections({ loanId: shLoan.id }, as('shManager'));
    expect(list.inspections.map((i) => i.inspectedOn)).toEqual([
      '2025-07-20',
      '2025-03-01',
      '2025-02-10',
    ]);
    expect(list.nextDueOn).toBe('2026-01-16');
    expect(list.plan).toMatchObject({
      productCode: 'PERSONAL_CONSUMER',
      frequencyDays: 180,
      firstAfterDays: 30,
    });
  });

  it('a retried request id returns the first inspection and writes nothing more', async () => {
    const before = await count('inspections', 'loan_id = $1', [shLoan.id]);
    const again = await client.recordInspection(
      inspection({ requestId: first.requestId }),
      as('shPostLoan'),
    );
    expect(again.inspection).toEqual(first);
    expect(await count('inspections', 'loan_id = $1', [shLoan.id])).toBe(before);
    expect(await count('inspections', 'request_id = $1', [first.requestId])).toBe(1);
  });

  it('refuses a request id already used for another loan', async () => {
    expect(
      await violations(
        client.recordInspection(
          inspection({ requestId: first.requestId, loanId: bjLoan.id }),
          as('admin'),
        ),
      ),
    ).toEqual([
      { field: 'requestId', reason: 'was already used for another inspection; choose a new one' },
    ]);
    expect(await count('inspections', 'loan_id = $1', [bjLoan.id])).toBe(0);
  });

  it.each([
    [{ inspectedOn: '2025-02-30' }, 'inspectedOn', '2025-02-30 is not a real calendar date'],
    [{ inspectedOn: '10/02/2025' }, 'inspectedOn', 'must be a date in the form YYYY-MM-DD'],
    [
      { inspectedOn: '2025-01-14' },
      'inspectedOn',
      'must not be before the day the loan was opened (2025-01-15)',
    ],
    [
      { kind: pb.InspectionKind.INSPECTION_KIND_UNSPECIFIED },
      'kind',
      'must be one of on_site, off_site',
    ],
    [
      { result: pb.InspectionResult.INSPECTION_RESULT_UNSPECIFIED },
      'result',
      'must be one of normal, attention, risk',
    ],
    [{ findings: '   ' }, 'findings', 'is required'],
    [
      { result: pb.InspectionResult.INSPECTION_RESULT_RISK },
      'riskSignals',
      'name at least one risk signal when the result is risk',
    ],
    [{ riskSignals: ['cash flow', 'cash flow'] }, 'riskSignals.1', 'repeats an earlier signal'],
    [
      { requestId: '' },
      'requestId',
      'is required: 1 to 128 visible ASCII characters chosen by the client',
    ],
    [{ loanId: 'LN-1' }, 'loanId', 'must be the UUID of a loan'],
  ] as [Partial<pb.RecordInspectionRequest>, string, string][])(
    'refuses %j under %s, writing nothing',
    async (overrides, field, reason) => {
      const before = await count('inspections');
      expect(
        await violations(client.recordInspection(inspection(overrides), as('shPostLoan'))),
      ).toEqual([{ field, reason }]);
      expect(await count('inspections')).toBe(before);
    },
  );

  it('refuses a date in the future', async () => {
    expect(
      await violations(
        client.recordInspection(inspection({ inspectedOn: tomorrow }), as('shPostLoan')),
      ),
    ).toEqual([
      { field: 'inspectedOn', reason: expect.stringMatching(/^must not be in the future/) },
    ]);
  });

  it('answers not found for an unknown loan', async () => {
    const err = await rpcError(
      client.recordInspection(inspection({ loanId: randomUUID() }), as('shPostLoan')),
    );
    expect(err.code).toBe('not_found');
  });

  it('lets only post-loan officers write, and only in their branch', async () => {
    const before = await count('inspections');
    for (const who of ['shManager', 'hqRisk', 'hqAuditor', 'shDisburser'] as const)
      expect((await rpcError(client.recordInspection(inspection(), as(who)))).code).toBe(
        'permission_denied',
      );
    const other = await rpcError(client.recordInspection(inspection(), as('bjPostLoan')));
    expect(other.code).toBe('permission_denied');
    expect(other.message).toMatch(/belongs to branch SH001/);
    expect(await count('inspections')).toBe(before);
    // Head-office admin reaches every branch.
    await client.recordInspection(inspection({ loanId: bjLoan.id }), as('admin'));
  });

  it('lets readers of the branch and head office read, nobody else', async () => {
    for (const who of ['shManager', 'hqAuditor', 'hqRisk', 'shPostLoan'] as const)
      expect(
        (await client.listInspections({ loanId: shLoan.id }, as(who))).inspections.length,
      ).toBeGreaterThan(0);
    for (const who of ['bjManager', 'bjPostLoan', 'shDisburser'] as const)
      expect((await rpcError(client.listInspections({ loanId: shLoan.id }, as(who)))).code).toBe(
        'permission_denied',
      );
  });
});

// ---------------------------------------------------------------------------------------------

describe('inspections due on or before a date', () => {
  let consumer: accountingV1.Loan;
  let business: accountingV1.Loan;
  let trade: accountingV1.Loan;
  let noPlan: accountingV1.Loan;
  let closed: accountingV1.Loan;
  let mine: string[];
  const TRADE = `TRADE_${Date.now().toString(36).toUpperCase()}`;

  beforeAll(async () => {
    // 45 days from 2025-01-15 runs over the end of February: due 2025-03-01.
    await client.setInspectionPlan(
      { productCode: TRADE, frequencyDays: 60, firstAfterDays: 45 },
      as('admin'),
    );
    consumer = await openLoanOf('PERSONAL_CONSUMER', 'SH001');
    business = await openLoanOf('SMALL_BUSINESS', 'BJ001');
    trade = await openLoanOf(TRADE, 'SH001');
    noPlan = await openLoanOf('NO_PLAN_PRODUCT', 'SH001');
    closed = await openLoanOf('PERSONAL_CONSUMER', 'SH001');
    // Only active loans are inspected; the loan book closes loans its own way, the test by hand.
    await h.db.query(`UPDATE loans SET status = 'closed' WHERE id = $1`, [closed.id]);
    mine = [consumer.id, business.id, trade.id, noPlan.id, closed.id];
  });

  /** Every page of the due list for `date` as `who`, narrowed to this block's loans. */
  async function due(date: string, who: StaffKey = 'hqRisk', branchId = '', pageSize = 100) {
    const all: pb.DueInspection[] = [];
    let pageToken = '';
    do {
      const out = await client.listDueInspections(
        { dueOnOrBefore: date, branchId, pageSize, pageToken },
        as(who),
      );
      all.push(...out.due);
      pageToken = out.nextPageToken;
    } while (pageToken);
    return all
      .filter((d) => mine.includes(d.loan!.loanId))
      .map((d) => ({
        loan: d.loan!.loanId,
        dueOn: d.dueOn,
        daysOverdue: d.daysOverdue,
        last: d.lastInspectedOn,
      }));
  }

  it('lists a loan from firstAfterDays after opening, the due date itself included', async () => {
    expect(await due('2025-02-13')).toEqual([]);
    const onTheDay = await due('2025-02-14');
    expect(onTheDay).toEqual(
      [consumer.id, business.id]
        .sort()
        .map((loan) => ({ loan, dueOn: '2025-02-14', daysOverdue: 0, last: '' })),
    );
  });

  it('crosses the end of February, and leaves out loans without a plan or no longer active', async () => {
    expect(await due('2025-02-28')).toHaveLength(2);
    const march = await due('2025-03-01');
    expect(march).toEqual(
      expect.arrayContaining([
        { loan: consumer.id, dueOn: '2025-02-14', daysOverdue: 15, last: '' },
        { loan: business.id, dueOn: '2025-02-14', daysOverdue: 15, last: '' },
        { loan: trade.id, dueOn: '2025-03-01', daysOverdue: 0, last: '' },
      ]),
    );
    expect(march).toHaveLength(3);
    expect((await due('2030-12-31')).map((d) => d.loan)).not.toEqual(
      expect.arrayContaining([noPlan.id]),
    );
    expect((await due('2030-12-31')).map((d) => d.loan)).not.toContain(closed.id);
  });

  it('a completed inspection moves the loan out until its next date, across the year end', async () => {
    await client.recordInspection(
      inspection({ loanId: business.id, inspectedOn: '2025-10-15' }),
      as('bjPostLoan'),
    );
    const before = await due('2026-01-12');
    expect(before.map((d) => d.loan)).not.toContain(business.id);
    expect(before.map((d) => d.loan).sort()).toEqual([consumer.id, trade.id].sort());
    expect(await due('2026-01-13')).toContainEqual({
      loan: business.id,
      dueOn: '2026-01-13',
      daysOverdue: 0,
      last: '2025-10-15',
    });
    expect(await due('2026-02-02')).toContainEqual({
      loan: business.id,
      dueOn: '2026-01-13',
      daysOverdue: 20,
      last: '2025-10-15',
    });
  });

  it('comes earliest first, and pages without losing or repeating a loan', async () => {
    const whole = await due('2026-06-30');
    expect(whole.map((d) => d.dueOn)).toEqual([...whole.map((d) => d.dueOn)].sort());
    const paged = await due('2026-06-30', 'hqRisk', '', 1);
    expect(paged).toEqual(whole);
    expect(new Set(paged.map((d) => d.loan)).size).toBe(paged.length);
  });

  it('keeps each officer to their branch; head office may narrow to one', async () => {
    const bj = await due('2026-06-30', 'bjPostLoan');
    expect(bj.map((d) => d.loan)).toEqual([business.id]);
    const sh = await due('2026-06-30', 'shPostLoan');
    expect(sh.map((d) => d.loan).sort()).toEqual([consumer.id, trade.id].sort());
    expect((await due('2026-06-30', 'hqRisk', 'BJ001')).map((d) => d.loan)).toEqual([business.id]);
    const err = await rpcError(
      client.listDueInspections(
        { dueOnOrBefore: '2026-06-30', branchId: 'BJ001', pageSize: 0, pageToken: '' },
        as('shPostLoan'),
      ),
    );
    expect(err.code).toBe('permission_denied');
    expect(
      (
        await rpcError(
          client.listDueInspections(
            { dueOnOrBefore: '2026-06-30', branchId: '', pageSize: 0, pageToken: '' },
            as('shDisburser'),
          ),
        )
      ).code,
    ).toBe('permission_denied');
  });

  it('takes today when no date is given', async () => {
    expect((await due('')).map((d) => d.loan)).toEqual(expect.arrayContaining([consumer.id]));
  });

  it.each([
    [{ dueOnOrBefore: '2025-02-30' }, 'dueOnOrBefore', '2025-02-30 is not a real calendar date'],
    [{ pageSize: 101 }, 'pageSize', 'must be between 1 and 100'],
    [{ pageToken: 'not-ours' }, 'pageToken', 'is not a token this service issued'],
  ] as [Partial<pb.ListDueInspectionsRequest>, string, string][])(
    'refuses %j',
    async (overrides, field, reason) => {
      expect(
        await violations(
          client.listDueInspections(
            pb.ListDueInspectionsRequest.fromPartial({ dueOnOrBefore: '2025-06-30', ...overrides }),
            as('hqRisk'),
          ),
        ),
      ).toEqual([{ field, reason }]);
    },
  );
});

// ---------------------------------------------------------------------------------------------

const CASE_OPENED = 'accounting.collection.case-opened';
const PROMISE_BROKEN = 'accounting.collection.promise-broken';
const PROMISE_MADE = 'accounting.collection.promise-made';
const PROMISE_KEPT = 'accounting.collection.promise-kept';
const CASE_CLOSED = 'accounting.collection.case-closed';
const ASSET_CHANGED = 'accounting.asset.status-changed';
const STATUS_CHANGED = 'accounting.litigation.status-changed';

describe('collection cases', () => {
  let loan: accountingV1.Loan;
  let opened: pb.CollectionCase;

  const action = (caseId: string, overrides: Partial<pb.RecordCollectionActionRequest> = {}) =>
    pb.RecordCollectionActionRequest.fromPartial({
      requestId: randomUUID(),
      caseId,
      kind: pb.CollectionActionKind.COLLECTION_ACTION_KIND_CALL,
      actionOn: '2025-03-02',
      contactPerson: 'Borrower',
      outcome: pb.CollectionOutcome.COLLECTION_OUTCOME_PROMISED_TO_PAY,
      ...overrides,
    });
  const promise = (caseId: string, overrides: Partial<pb.RecordPaymentPromiseRequest> = {}) =>
    pb.RecordPaymentPromiseRequest.fromPartial({
      requestId: randomUUID(),
      caseId,
      amount: '3500.5',
      promisedDate: '2025-03-15',
      ...overrides,
    });
  const resolve = (id: string, status: pb.PaymentPromiseStatus, resolvedOn: string) =>
    pb.ResolvePaymentPromiseRequest.fromPartial({ id, status, resolvedOn });

  beforeAll(async () => {
    loan = await openLoanOf('PERSONAL_CONSUMER', 'SH001');
  });

  it('opens a case and tells the bus through the outbox', async () => {
    const requestId = randomUUID();
    const out = await client.openCollectionCase(
      {
        requestId,
        loanId: loan.id,
        openedOn: '2025-03-01',
        officer: '',
        reason: 'first installment unpaid',
      },
      as('shPostLoan'),
    );
    opened = out.collectionCase!;
    expect(opened).toMatchObject({
      requestId,
      loan: {
        loanId: loan.id,
        loanNumber: loan.loanNumber,
        branchId: 'SH001',
        customerId: loan.customerId,
        productCode: 'PERSONAL_CONSUMER',
      },
      status: pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_OPEN,
      openedOn: '2025-03-01',
      officer: userId('shPostLoan'),
      reason: 'first installment unpaid',
      openedBy: userId('shPostLoan'),
      closedOn: '',
      closeReason: pb.CaseCloseReason.CASE_CLOSE_REASON_UNSPECIFIED,
    });
    const events = await outboxEvents(CASE_OPENED, opened.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.source).toBe('accounting');
    expect(events[0]!.data).toEqual({
      caseId: opened.id,
      loanId: loan.id,
      loanNumber: loan.loanNumber,
      branchId: 'SH001',
      customerId: loan.customerId,
      openedOn: '2025-03-01',
      officer: userId('shPostLoan'),
      openedBy: userId('shPostLoan'),
    });
  });

  it('a retried open returns the same case and tells the bus once', async () => {
    const again = await client.openCollectionCase(
      {
        requestId: opened.requestId,
        loanId: loan.id,
        openedOn: '2025-03-01',
        officer: '',
        reason: 'first installment unpaid',
      },
      as('shPostLoan'),
    );
    expect(again.collectionCase!.id).toBe(opened.id);
    expect(await count('collection_cases', 'loan_id = $1', [loan.id])).toBe(1);
    expect(await outboxEvents(CASE_OPENED, opened.id)).toHaveLength(1);
  });

  it('keeps one open case per loan', async () => {
    const err = await rpcError(
      client.openCollectionCase(
        {
          requestId: randomUUID(),
          loanId: loan.id,
          openedOn: '2025-03-02',
          officer: '',
          reason: '',
        },
        as('shPostLoan'),
      ),
    );
    expect(err.code).toBe('already_exists');
    expect(err.message).toMatch(/already has an open collection case/);
    expect(await count('collection_cases', 'loan_id = $1', [loan.id])).toBe(1);
  });

  it('refuses a bad opening, writing nothing', async () => {
    const before = await count('collection_cases');
    expect(
      await violations(
        client.openCollectionCase(
          {
            requestId: '',
            loanId: shLoan.id,
            openedOn: '2025-01-01',
            officer: 'x'.repeat(101),
            reason: '',
          },
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      {
        field: 'requestId',
        reason: 'is required: 1 to 128 visible ASCII characters chosen by the client',
      },
      { field: 'openedOn', reason: 'must not be before the day the loan was opened (2025-01-15)' },
      { field: 'officer', reason: 'must be at most 100 characters' },
    ]);
    expect(await count('collection_cases')).toBe(before);
  });

  it('refuses other roles and other branches', async () => {
    const req = {
      requestId: randomUUID(),
      loanId: shLoan.id,
      openedOn: '2025-03-01',
      officer: '',
      reason: '',
    };
    for (const who of ['shManager', 'bjPostLoan', 'hqAuditor'] as const)
      expect((await rpcError(client.openCollectionCase(req, as(who)))).code).toBe(
        'permission_denied',
      );
    expect(await count('collection_cases', 'loan_id = $1', [shLoan.id])).toBe(0);
  });

  it('records actions: the outcome must fit the kind, the date the case', async () => {
    const call = await client.recordCollectionAction(action(opened.id), as('shPostLoan'));
    expect(call.action).toMatchObject({
      caseId: opened.id,
      kind: pb.CollectionActionKind.COLLECTION_ACTION_KIND_CALL,
      outcome: pb.CollectionOutcome.COLLECTION_OUTCOME_PROMISED_TO_PAY,
      officer: userId('shPostLoan'),
      contactPerson: 'Borrower',
    });
    const again = await client.recordCollectionAction(
      action(opened.id, { requestId: call.action!.requestId }),
      as('shPostLoan'),
    );
    expect(again.action!.id).toBe(call.action!.id);
    await client.recordCollectionAction(
      action(opened.id, {
        kind: pb.CollectionActionKind.COLLECTION_ACTION_KIND_LEGAL_NOTICE,
        actionOn: '2025-03-05',
        contactPerson: 'Borrower, registered address',
        outcome: pb.CollectionOutcome.COLLECTION_OUTCOME_DELIVERED,
      }),
      as('shPostLoan'),
    );
    expect(await count('collection_actions', 'case_id = $1', [opened.id])).toBe(2);

    expect(
      await violations(
        client.recordCollectionAction(
          action(opened.id, {
            kind: pb.CollectionActionKind.COLLECTION_ACTION_KIND_LETTER,
            outcome: pb.CollectionOutcome.COLLECTION_OUTCOME_NOT_REACHED,
            actionOn: '2025-02-28',
            contactPerson: ' ',
          }),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      { field: 'actionOn', reason: 'must not be before the day the case was opened (2025-03-01)' },
      { field: 'contactPerson', reason: 'is required' },
      {
        field: 'outcome',
        reason: 'a letter can end delivered, undeliverable, other, not not_reached',
      },
    ]);
    expect(await count('collection_actions', 'case_id = $1', [opened.id])).toBe(2);
    expect(
      (await rpcError(client.recordCollectionAction(action(opened.id), as('bjPostLoan')))).code,
    ).toBe('permission_denied');
  });

  let kept: pb.PaymentPromise;
  let broken: pb.PaymentPromise;

  it('records promises to pay with the amount as an exact decimal', async () => {
    kept = (await client.recordPaymentPromise(promise(opened.id), as('shPostLoan'))).promise!;
    expect(kept).toMatchObject({
      caseId: opened.id,
      amount: '3500.50',
      promisedDate: '2025-03-15',
      status: pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_PENDING,
      resolvedOn: '',
    });
    const { rows } = await h.db.query(
      'SELECT amount::text AS amount FROM payment_promises WHERE id = $1',
      [kept.id],
    );
    expect(rows).toEqual([{ amount: '3500.50' }]);
    // A promise beyond what the loan owes (its payoff amount) is refused, nothing written.
    const { loan: owing } = await h.client.getLoan({ id: loan.id }, as('admin'));
    const payoff = owing!.balances!.payoffAmount;
    expect(
      await violations(
        client.recordPaymentPromise(
          promise(opened.id, { amount: '999999999999999.99', promisedDate: '2025-04-30' }),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      { field: 'amount', reason: 'must be at most 1000000000000.00 (one trillion yuan)' },
    ]);
    expect(
      await violations(
        client.recordPaymentPromise(
          promise(opened.id, { amount: '50000.01', promisedDate: '2025-04-30' }),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      {
        field: 'amount',
        reason: `must not exceed what the loan owes (payoff amount ${payoff})`,
      },
    ]);
    expect(await count('payment_promises', 'case_id = $1', [opened.id])).toBe(1);
    broken = (
      await client.recordPaymentPromise(
        promise(opened.id, { amount: '48000.00', promisedDate: '2025-04-30' }),
        as('shPostLoan'),
      )
    ).promise!;
    expect(broken.amount).toBe('48000.00');
    const again = await client.recordPaymentPromise(
      promise(opened.id, { requestId: kept.requestId }),
      as('shPostLoan'),
    );
    expect(again.promise!.id).toBe(kept.id);
    expect(await count('payment_promises', 'case_id = $1', [opened.id])).toBe(2);
    // Each promise made is told once (the retried one is not told again), in order.
    const made = await outboxEvents(PROMISE_MADE, opened.id);
    expect(made.map((e) => e.data)).toEqual([
      {
        promiseId: kept.id,
        caseId: opened.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        amount: '3500.50',
        promisedDate: '2025-03-15',
        status: 'made',
        by: userId('shPostLoan'),
      },
      expect.objectContaining({ promiseId: broken.id, amount: '48000.00', status: 'made' }),
    ]);
  });

  it.each([
    ['0', 'must be greater than 0'],
    ['0.00', 'must be greater than 0'],
    ['-100.00', 'must not be negative'],
    ['100.005', 'must have at most 2 decimal places'],
    ['1e3', 'must be a decimal string of yuan such as "1500.00"'],
    ['1,000.00', 'must be a decimal string of yuan such as "1500.00"'],
    ['1000000000000000', 'must have at most 15 digits before the decimal point'],
    ['', 'is required'],
  ])('refuses the promised amount %j', async (amount, reason) => {
    const before = await count('payment_promises');
    expect(
      await violations(
        client.recordPaymentPromise(promise(opened.id, { amount }), as('shPostLoan')),
      ),
    ).toEqual([{ field: 'amount', reason }]);
    expect(await count('payment_promises')).toBe(before);
  });

  it('marks a promise kept or broken (only after its date), each with its event', async () => {
    const k = await client.resolvePaymentPromise(
      resolve(kept.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_KEPT, '2025-03-14'),
      as('shPostLoan'),
    );
    expect(k.promise).toMatchObject({
      status: pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_KEPT,
      resolvedOn: '2025-03-14',
      resolvedBy: userId('shPostLoan'),
    });
    expect(await outboxEvents(PROMISE_BROKEN, opened.id)).toHaveLength(0);
    expect((await outboxEvents(PROMISE_KEPT, opened.id)).map((e) => e.data)).toEqual([
      {
        promiseId: kept.id,
        caseId: opened.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        amount: '3500.50',
        promisedDate: '2025-03-15',
        status: 'kept',
        resolvedOn: '2025-03-14',
        by: userId('shPostLoan'),
      },
    ]);

    expect(
      await violations(
        client.resolvePaymentPromise(
          resolve(broken.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN, '2025-04-30'),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      {
        field: 'resolvedOn',
        reason: 'a promise is broken only after its date has passed: after 2025-04-30',
      },
    ]);
    expect(
      await violations(
        client.resolvePaymentPromise(
          resolve(broken.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_PENDING, '2025-05-01'),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([{ field: 'status', reason: 'must be one of kept, broken' }]);

    const b = await client.resolvePaymentPromise(
      resolve(broken.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN, '2025-05-01'),
      as('shPostLoan'),
    );
    expect(b.promise!.status).toBe(pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN);
    const events = await outboxEvents(PROMISE_BROKEN, opened.id);
    expect(events.map((e) => e.data)).toEqual([
      {
        promiseId: broken.id,
        caseId: opened.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        amount: '48000.00',
        promisedDate: '2025-04-30',
        resolvedOn: '2025-05-01',
        markedBy: userId('shPostLoan'),
      },
    ]);

    // Marked again the same way: nothing changes, nobody is told twice; the other way: refused.
    const same = await client.resolvePaymentPromise(
      resolve(broken.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN, '2025-05-02'),
      as('shPostLoan'),
    );
    expect(same.promise!.resolvedOn).toBe('2025-05-01');
    expect(await outboxEvents(PROMISE_BROKEN, opened.id)).toHaveLength(1);
    const flip = await rpcError(
      client.resolvePaymentPromise(
        resolve(broken.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_KEPT, '2025-05-02'),
        as('shPostLoan'),
      ),
    );
    expect(flip.code).toBe('failed_precondition');
    expect(
      (
        await rpcError(
          client.resolvePaymentPromise(
            resolve(kept.id, pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN, '2025-05-02'),
            as('bjPostLoan'),
          ),
        )
      ).code,
    ).toBe('permission_denied');
  });

  it('reads a case with its actions and promises, within the branch', async () => {
    const { collectionCase } = await client.getCollectionCase({ id: opened.id }, as('hqAuditor'));
    expect(collectionCase!.actions.map((a) => a.actionOn)).toEqual(['2025-03-02', '2025-03-05']);
    expect(collectionCase!.promises.map((p) => p.status)).toEqual([
      pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_KEPT,
      pb.PaymentPromiseStatus.PAYMENT_PROMISE_STATUS_BROKEN,
    ]);
    expect(
      (await rpcError(client.getCollectionCase({ id: opened.id }, as('bjManager')))).code,
    ).toBe('permission_denied');
    expect(
      (await rpcError(client.getCollectionCase({ id: randomUUID() }, as('hqAuditor')))).code,
    ).toBe('not_found');
  });

  it('closes a case only once its promises are settled; then takes no more actions', async () => {
    const pendingCaseLoan = await openLoanOf('PERSONAL_CONSUMER', 'SH001');
    const c = (
      await client.openCollectionCase(
        {
          requestId: randomUUID(),
          loanId: pendingCaseLoan.id,
          openedOn: '2025-03-01',
          officer: '',
          reason: '',
        },
        as('shPostLoan'),
      )
    ).collectionCase!;
    await client.recordPaymentPromise(promise(c.id), as('shPostLoan'));
    const close = (id: string, reason: pb.CaseCloseReason, closedOn: string, notes = '') =>
      client.closeCollectionCase({ id, reason, closedOn, notes }, as('shPostLoan'));
    const pending = await rpcError(
      close(c.id, pb.CaseCloseReason.CASE_CLOSE_REASON_REPAID, '2025-04-01'),
    );
    expect(pending.code).toBe('failed_precondition');
    expect(pending.message).toMatch(/1 pending promise/);

    expect(
      await violations(close(opened.id, pb.CaseCloseReason.CASE_CLOSE_REASON_OTHER, '2025-02-01')),
    ).toEqual([
      { field: 'closedOn', reason: 'must not be before the day the case was opened (2025-03-01)' },
      { field: 'notes', reason: 'say why the case is closed when the reason is other' },
    ]);
    const closed = (
      await close(
        opened.id,
        pb.CaseCloseReason.CASE_CLOSE_REASON_RESTRUCTURED,
        '2025-05-10',
        'new schedule agreed',
      )
    ).collectionCase!;
    expect(closed).toMatchObject({
      status: pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_CLOSED,
      closedOn: '2025-05-10',
      closeReason: pb.CaseCloseReason.CASE_CLOSE_REASON_RESTRUCTURED,
      closeNotes: 'new schedule agreed',
      closedBy: userId('shPostLoan'),
    });
    const again = await close(
      opened.id,
      pb.CaseCloseReason.CASE_CLOSE_REASON_RESTRUCTURED,
      '2025-05-10',
    );
    expect(again.collectionCase!.updatedAt).toBe(closed.updatedAt);
    // Told once, though closed twice the same way.
    expect((await outboxEvents(CASE_CLOSED, opened.id)).map((e) => e.data)).toEqual([
      {
        caseId: opened.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        closedOn: '2025-05-10',
        outcome: 'restructured',
        closedBy: userId('shPostLoan'),
      },
    ]);
    expect(
      (await rpcError(close(opened.id, pb.CaseCloseReason.CASE_CLOSE_REASON_REPAID, '2025-05-11')))
        .code,
    ).toBe('failed_precondition');
    expect(
      (
        await rpcError(
          client.recordCollectionAction(
            action(opened.id, { actionOn: '2025-05-11' }),
            as('shPostLoan'),
          ),
        )
      ).code,
    ).toBe('failed_precondition');
    expect(
      (await rpcError(client.recordPaymentPromise(promise(opened.id), as('shPostLoan')))).code,
    ).toBe('failed_precondition');

    // Closed, the loan may have a new case.
    const next = await client.openCollectionCase(
      {
        requestId: randomUUID(),
        loanId: loan.id,
        openedOn: '2025-06-01',
        officer: '',
        reason: 'again in arrears',
      },
      as('shPostLoan'),
    );
    expect(next.collectionCase!.id).not.toBe(opened.id);
    expect(await count('collection_cases', `loan_id = $1 AND status = 'open'`, [loan.id])).toBe(1);
  });

  it('lists cases by branch and status, newest first, page by page', async () => {
    const bjCase = (
      await client.openCollectionCase(
        {
          requestId: randomUUID(),
          loanId: bjLoan.id,
          openedOn: '2025-03-01',
          officer: '',
          reason: '',
        },
        as('bjPostLoan'),
      )
    ).collectionCase!;
    const list = (who: StaffKey, q: Partial<pb.ListCollectionCasesRequest> = {}) =>
      client.listCollectionCases(pb.ListCollectionCasesRequest.fromPartial(q), as(who));

    const sh = (await list('shPostLoan')).collectionCases;
    expect(sh.length).toBeGreaterThanOrEqual(3);
    expect(sh.every((c) => c.loan!.branchId === 'SH001')).toBe(true);
    expect(sh.map((c) => c.id)).toEqual([...sh.map((c) => c.id)].sort().reverse());
    expect(sh.map((c) => c.id)).toContain(opened.id);

    const open = (
      await list('shPostLoan', { status: pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_OPEN })
    ).collectionCases;
    expect(
      open.every((c) => c.status === pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_OPEN),
    ).toBe(true);
    expect(open.map((c) => c.id)).not.toContain(opened.id);

    expect((await list('hqRisk', { branchId: 'BJ001' })).collectionCases.map((c) => c.id)).toEqual([
      bjCase.id,
    ]);
    expect((await list('bjManager')).collectionCases.map((c) => c.id)).toEqual([bjCase.id]);
    expect((await rpcError(list('shManager', { branchId: 'BJ001' }))).code).toBe(
      'permission_denied',
    );
    expect((await rpcError(list('shManager', { loanId: bjLoan.id }))).code).toBe(
      'permission_denied',
    );
    expect((await list('shManager', { loanId: loan.id })).collectionCases).toHaveLength(2);

    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await list('shPostLoan', { pageSize: 1, pageToken });
      expect(page.collectionCases.length).toBeLessThanOrEqual(1);
      seen.push(...page.collectionCases.map((c) => c.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(sh.map((c) => c.id));
    expect(await violations(list('shPostLoan', { pageToken: 'junk' }))).toEqual([
      { field: 'pageToken', reason: 'is not a token this service issued' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('litigation', () => {
  let loan: accountingV1.Loan;
  let suit: pb.Litigation;
  const COURT = '上海市浦东新区人民法院';
  const change = (
    overrides: Partial<pb.ChangeLitigationStatusRequest>,
    who: StaffKey = 'shPostLoan',
  ) =>
    client.changeLitigationStatus(
      pb.ChangeLitigationStatusRequest.fromPartial({ id: suit.id, ...overrides }),
      as(who),
    );
  const S = pb.LitigationStatus;

  beforeAll(async () => {
    loan = await openLoanOf('PERSONAL_CONSUMER', 'SH001');
  });

  it('files a lawsuit, with its filing as the first entry of its history', async () => {
    const req = pb.FileLitigationRequest.fromPartial({
      requestId: randomUUID(),
      loanId: loan.id,
      court: COURT,
      filedOn: '2025-05-10',
      legalCosts: '0',
    });
    suit = (await client.fileLitigation(req, as('shPostLoan'))).litigation!;
    expect(suit).toMatchObject({
      court: COURT,
      caseNumber: '',
      filedOn: '2025-05-10',
      status: S.LITIGATION_STATUS_FILED,
      judgementAmount: '',
      legalCosts: '0.00',
      filedBy: userId('shPostLoan'),
    });
    expect(suit.history).toMatchObject([
      {
        fromStatus: S.LITIGATION_STATUS_UNSPECIFIED,
        toStatus: S.LITIGATION_STATUS_FILED,
        changedOn: '2025-05-10',
      },
    ]);
    const again = await client.fileLitigation(req, as('shPostLoan'));
    expect(again.litigation!.id).toBe(suit.id);
    expect(await count('litigations', 'loan_id = $1', [loan.id])).toBe(1);
    // The filing is a change from no status (unspecified, left out of the JSON) to filed, told once.
    expect((await outboxEvents(STATUS_CHANGED, suit.id)).map((e) => e.data)).toEqual([
      {
        litigationId: suit.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        toStatus: 'LITIGATION_STATUS_FILED',
        changedOn: '2025-05-10',
        changedBy: userId('shPostLoan'),
      },
    ]);
  });

  it('refuses a bad filing field by field, writing nothing', async () => {
    const before = await count('litigations');
    expect(
      await violations(
        client.fileLitigation(
          pb.FileLitigationRequest.fromPartial({
            requestId: randomUUID(),
            loanId: loan.id,
            court: '',
            filedOn: '2025-13-01',
            legalCosts: '12.345',
          }),
          as('shPostLoan'),
        ),
      ),
    ).toEqual([
      { field: 'court', reason: 'is required' },
      { field: 'filedOn', reason: '2025-13-01 is not a real calendar date' },
      { field: 'legalCosts', reason: 'must have at most 2 decimal places' },
    ]);
    expect(await count('litigations')).toBe(before);
  });

  it('needs the case number on acceptance and tells the bus of each change', async () => {
    expect(
      await violations(change({ status: S.LITIGATION_STATUS_ACCEPTED, changedOn: '2025-05-20' })),
    ).toEqual([{ field: 'caseNumber', reason: 'is required when the court accepts the case' }]);
    const accepted = (
      await change({
        status: S.LITIGATION_STATUS_ACCEPTED,
        changedOn: '2025-05-20',
        caseNumber: '(2025)沪0115民初12345号',
      })
    ).litigation!;
    expect(accepted).toMatchObject({
      status: S.LITIGATION_STATUS_ACCEPTED,
      caseNumber: '(2025)沪0115民初12345号',
    });
    const events = await outboxEvents(STATUS_CHANGED, suit.id);
    expect(events.slice(1).map((e) => e.data)).toEqual([
      {
        litigationId: suit.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        fromStatus: 'LITIGATION_STATUS_FILED',
        toStatus: 'LITIGATION_STATUS_ACCEPTED',
        changedOn: '2025-05-20',
        caseNumber: '(2025)沪0115民初12345号',
        changedBy: userId('shPostLoan'),
      },
    ]);
  });

  it('takes a judgement amount only when judged, and never goes back', async () => {
    expect(
      await violations(
        change({
          status: S.LITIGATION_STATUS_IN_TRIAL,
          changedOn: '2025-07-01',
          judgementAmount: '1000.00',
        }),
      ),
    ).toEqual([
      { field: 'judgementAmount', reason: 'is given only when the status becomes judged' },
    ]);
    expect(
      (await change({ status: S.LITIGATION_STATUS_FILED, changedOn: '2025-07-01' }).catch((e) => e))
        .code,
    ).toBe('failed_precondition');
    await change({ status: S.LITIGATION_STATUS_IN_TRIAL, changedOn: '2025-07-01' });
    expect(
      await violations(change({ status: S.LITIGATION_STATUS_JUDGED, changedOn: '2025-09-01' })),
    ).toEqual([
      { field: 'judgementAmount', reason: 'is required' },
      { field: 'judgementDate', reason: 'is required' },
    ]);
    expect(
      await violations(
        change({
          status: S.LITIGATION_STATUS_JUDGED,
          changedOn: '2025-06-30',
          judgementAmount: '-1',
          judgementDate: '2025-06-30',
        }),
      ),
    ).toEqual([
      { field: 'changedOn', reason: 'must not be before the last change of status (2025-07-01)' },
      { field: 'judgementAmount', reason: 'must not be negative' },
    ]);
    expect(await count('litigation_status_changes', 'litigation_id = $1', [suit.id])).toBe(3);

    // A judgement above twice the 50,000.00 disbursed, or legal costs above 100,000.00 (more
    // than the amount disbursed), are typing errors: refused with the field, nothing written.
    expect(
      await violations(
        change({
          status: S.LITIGATION_STATUS_JUDGED,
          changedOn: '2025-09-05',
          judgementAmount: '100000.01',
          judgementDate: '2025-09-03',
          legalCosts: '100000.01',
        }),
      ),
    ).toEqual([
      {
        field: 'legalCosts',
        reason: 'must not exceed 100000.00 (the amount disbursed, or 100000.00 if more)',
      },
      {
        field: 'judgementAmount',
        reason: 'must not exceed 100000.00 (twice the amount disbursed)',
      },
    ]);
    expect(await count('litigation_status_changes', 'litigation_id = $1', [suit.id])).toBe(3);
    const judged = (
      await change({
        status: S.LITIGATION_STATUS_JUDGED,
        changedOn: '2025-09-05',
        judgementAmount: '86500',
        judgementDate: '2025-09-03',
        legalCosts: '8200.5',
      })
    ).litigation!;
    expect(judged).toMatchObject({
      status: S.LITIGATION_STATUS_JUDGED,
      judgementAmount: '86500.00',
      judgementDate: '2025-09-03',
      legalCosts: '8200.50',
    });
    const { rows } = await h.db.query(
      'SELECT judgement_amount::text AS j, legal_costs::text AS c FROM litigations WHERE id = $1',
      [suit.id],
    );
    expect(rows).toEqual([{ j: '86500.00', c: '8200.50' }]);

    // The same status again is a retry: no history, no event.
    const eventsBefore = (await outboxEvents(STATUS_CHANGED, suit.id)).length;
    const same = (
      await change({
        status: S.LITIGATION_STATUS_JUDGED,
        changedOn: '2025-09-06',
        judgementAmount: '1',
        judgementDate: '2025-09-06',
      })
    ).litigation!;
    expect(same.judgementAmount).toBe('86500.00');
    expect((await outboxEvents(STATUS_CHANGED, suit.id)).length).toBe(eventsBefore);
  });

  it('goes on to enforcement and close, keeping the whole history', async () => {
    await change({ status: S.LITIGATION_STATUS_ENFORCING, changedOn: '2025-10-10' });
    const closed = (
      await change({
        status: S.LITIGATION_STATUS_CLOSED,
        changedOn: '2025-12-01',
        notes: 'paid through enforcement',
      })
    ).litigation!;
    expect(closed.history.map((c) => [c.fromStatus, c.toStatus, c.changedOn])).toEqual([
      [S.LITIGATION_STATUS_UNSPECIFIED, S.LITIGATION_STATUS_FILED, '2025-05-10'],
      [S.LITIGATION_STATUS_FILED, S.LITIGATION_STATUS_ACCEPTED, '2025-05-20'],
      [S.LITIGATION_STATUS_ACCEPTED, S.LITIGATION_STATUS_IN_TRIAL, '2025-07-01'],
      [S.LITIGATION_STATUS_IN_TRIAL, S.LITIGATION_STATUS_JUDGED, '2025-09-05'],
      [S.LITIGATION_STATUS_JUDGED, S.LITIGATION_STATUS_ENFORCING, '2025-10-10'],
      [S.LITIGATION_STATUS_ENFORCING, S.LITIGATION_STATUS_CLOSED, '2025-12-01'],
    ]);
    expect(closed.judgementAmount).toBe('86500.00');
    const events = await outboxEvents(STATUS_CHANGED, suit.id);
    expect(events.map((e) => e.data.toStatus)).toEqual([
      'LITIGATION_STATUS_FILED',
      'LITIGATION_STATUS_ACCEPTED',
      'LITIGATION_STATUS_IN_TRIAL',
      'LITIGATION_STATUS_JUDGED',
      'LITIGATION_STATUS_ENFORCING',
      'LITIGATION_STATUS_CLOSED',
    ]);
    expect(events[3]!.data.judgementAmount).toBe('86500.00');
    const reopen = await rpcError(
      change({ status: S.LITIGATION_STATUS_ENFORCING, changedOn: '2025-12-02' }),
    );
    expect(reopen.code).toBe('failed_precondition');
    expect(reopen.message).toMatch(/no longer changes/);
  });

  it('refuses a case number already recorded at the court', async () => {
    const err = await rpcError(
      client.fileLitigation(
        pb.FileLitigationRequest.fromPartial({
          requestId: randomUUID(),
          loanId: loan.id,
          court: COURT,
          caseNumber: '(2025)沪0115民初12345号',
          filedOn: '2025-05-11',
        }),
        as('shPostLoan'),
      ),
    );
    expect(err.code).toBe('already_exists');
  });

  it('reads within the branch, writes only as a post-loan officer', async () => {
    expect(
      (await client.listLitigations({ loanId: loan.id }, as('shManager'))).litigations,
    ).toHaveLength(1);
    expect((await client.getLitigation({ id: suit.id }, as('hqRisk'))).litigation!.id).toBe(
      suit.id,
    );
    for (const who of ['bjManager', 'shDisburser'] as const)
      expect((await rpcError(client.getLitigation({ id: suit.id }, as(who)))).code).toBe(
        'permission_denied',
      );
    expect(
      (
        await rpcError(
          change({ status: S.LITIGATION_STATUS_CLOSED, changedOn: '2025-12-01' }, 'shManager'),
        )
      ).code,
    ).toBe('permission_denied');
  });
});

// ---------------------------------------------------------------------------------------------

describe('repossessed assets', () => {
  let loan: accountingV1.Loan;
  let flat: pb.RepossessedAsset;
  const register = (
    overrides: Partial<pb.RegisterRepossessedAssetRequest> = {},
    who: StaffKey = 'shPostLoan',
  ) =>
    client.registerRepossessedAsset(
      pb.RegisterRepossessedAssetRequest.fromPartial({
        requestId: randomUUID(),
        loanId: loan.id,
        assetType: pb.RepossessedAssetType.REPOSSESSED_ASSET_TYPE_REAL_ESTATE,
        description: '浦东新区某路 88 弄 5 号 1201 室, 89.5 m²',
        valuationAmount: '2350000',
        valuationDate: '2025-03-15',
        acquiredOn: '2025-04-01',
        settledAmount: '1980000.00',
        bookValue: '1980000.00',
        ...overrides,
      }),
      as(who),
    );
  const dispose = (overrides: Partial<pb.RecordAssetDisposalRequest> = {}) =>
    client.recordAssetDisposal(
      pb.RecordAssetDisposalRequest.fromPartial({
        id: flat.id,
        disposedOn: '2025-08-18',
        proceeds: '1900000.1',
        method: pb.DisposalMethod.DISPOSAL_METHOD_AUCTION,
        ...overrides,
      }),
      as('shPostLoan'),
    );

  beforeAll(async () => {
    loan = await openLoanOf('MORTGAGE', 'SH001');
  });

  it('registers an asset with exact amounts, once per request id', async () => {
    flat = (await register()).asset!;
    expect(flat).toMatchObject({
      loan: { loanId: loan.id, branchId: 'SH001' },
      assetType: pb.RepossessedAssetType.REPOSSESSED_ASSET_TYPE_REAL_ESTATE,
      valuationAmount: '2350000.00',
      valuationDate: '2025-03-15',
      acquiredOn: '2025-04-01',
      settledAmount: '1980000.00',
      bookValue: '1980000.00',
      registeredBy: userId('shPostLoan'),
    });
    expect(flat.disposal).toBeUndefined();
    const again = await register({ requestId: flat.requestId });
    expect(again.asset!.id).toBe(flat.id);
    expect(await count('repossessed_assets', 'loan_id = $1', [loan.id])).toBe(1);
    expect((await outboxEvents(ASSET_CHANGED, flat.id)).map((e) => e.data)).toEqual([
      {
        assetId: flat.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        kind: 'real_estate',
        toStatus: 'held',
        bookedValue: '1980000.00',
        changedOn: '2025-04-01',
        changedBy: userId('shPostLoan'),
      },
    ]);
  });

  it.each([
    [
      { assetType: pb.RepossessedAssetType.REPOSSESSED_ASSET_TYPE_UNSPECIFIED },
      'assetType',
      'must be one of real_estate, vehicle, equipment, equity, other',
    ],
    [{ description: '' }, 'description', 'is required'],
    [{ valuationAmount: '0' }, 'valuationAmount', 'must be greater than 0'],
    [{ valuationDate: '2025-02-29' }, 'valuationDate', '2025-02-29 is not a real calendar date'],
    [
      { acquiredOn: '2025-01-14' },
      'acquiredOn',
      'must not be before the day the loan was opened (2025-01-15)',
    ],
    [{ settledAmount: '1.001' }, 'settledAmount', 'must have at most 2 decimal places'],
    [{ bookValue: '-5' }, 'bookValue', 'must not be negative'],
    [{ bookValue: '12 000' }, 'bookValue', 'must be a decimal string of yuan such as "1500.00"'],
  ] as [Partial<pb.RegisterRepossessedAssetRequest>, string, string][])(
    'refuses %j under %s, writing nothing',
    async (overrides, field, reason) => {
      const before = await count('repossessed_assets');
      expect(await violations(register(overrides))).toEqual([{ field, reason }]);
      expect(await count('repossessed_assets')).toBe(before);
    },
  );

  it('records the disposal on or after the acquisition, once, with the gain or loss', async () => {
    expect(await violations(dispose({ disposedOn: '2025-03-31', proceeds: '0' }))).toEqual([
      {
        field: 'disposedOn',
        reason: 'must not be before the day the asset was acquired (2025-04-01)',
      },
      { field: 'proceeds', reason: 'must be greater than 0' },
    ]);
    expect(await violations(dispose({ disposedOn: tomorrow }))).toEqual([
      { field: 'disposedOn', reason: expect.stringMatching(/^must not be in the future/) },
    ]);
    expect(
      await count('repossessed_assets', 'id = $1 AND disposed_on IS NOT NULL', [flat.id]),
    ).toBe(0);

    const sold = (await dispose()).asset!;
    expect(sold.disposal).toEqual({
      disposedOn: '2025-08-18',
      proceeds: '1900000.10',
      method: pb.DisposalMethod.DISPOSAL_METHOD_AUCTION,
      notes: '',
      disposedBy: userId('shPostLoan'),
      gainOrLoss: '-79999.90',
    });
    expect((await dispose()).asset!.updatedAt).toBe(sold.updatedAt);
    const changes = await outboxEvents(ASSET_CHANGED, flat.id);
    expect(changes.map((e) => e.data)).toEqual([
      expect.objectContaining({ toStatus: 'held' }),
      {
        assetId: flat.id,
        loanId: loan.id,
        branchId: 'SH001',
        customerId: loan.customerId,
        kind: 'real_estate',
        fromStatus: 'held',
        toStatus: 'disposed',
        bookedValue: '1980000.00',
        proceeds: '1900000.10',
        changedOn: '2025-08-18',
        changedBy: userId('shPostLoan'),
      },
    ]);
    const other = await rpcError(dispose({ proceeds: '2000000.00' }));
    expect(other.code).toBe('failed_precondition');
    const { rows } = await h.db.query(
      'SELECT disposal_proceeds::text AS p, disposal_method AS m FROM repossessed_assets WHERE id = $1',
      [flat.id],
    );
    expect(rows).toEqual([{ p: '1900000.10', m: 'auction' }]);
  });

  it('reads within the branch, writes only as a post-loan officer', async () => {
    expect(
      (await client.listRepossessedAssets({ loanId: loan.id }, as('hqAuditor'))).assets.map(
        (a) => a.id,
      ),
    ).toEqual([flat.id]);
    expect((await client.getRepossessedAsset({ id: flat.id }, as('shManager'))).asset!.id).toBe(
      flat.id,
    );
    expect(
      (await rpcError(client.getRepossessedAsset({ id: flat.id }, as('bjManager')))).code,
    ).toBe('permission_denied');
    for (const who of ['bjPostLoan', 'hqRisk'] as const)
      expect((await rpcError(register({}, who))).code).toBe('permission_denied');
    expect((await rpcError(client.getRepossessedAsset({ id: 'x' }, as('shManager')))).code).toBe(
      'invalid_argument',
    );
  });
});
