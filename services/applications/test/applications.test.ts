import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationsV1, vocabularyV1 } from '@loanflow/proto';
import {
  consumerDraft,
  countRows,
  createCorporate,
  createIndividual,
  rpcError,
  startHarness,
  todayInChina,
  type Harness,
  type StaffKey,
} from './harness';

const { ApplicationStatus, CustomerType, Opinion } = applicationsV1;
const { RepaymentMethod } = vocabularyV1;
const SUBMITTED = 'applications.application.submitted';
const WITHDRAWN = 'applications.application.withdrawn';

/** Completed years between a birth date and a day, both YYYY-MM-DD. */
function age(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

describe('applications service: loan applications', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  const create = async (draft: applicationsV1.ApplicationDraft, staff: StaffKey = 'shManager') =>
    (await h.client.createApplication({ draft }, h.as(staff))).application!;
  const submit = async (id: string, staff: StaffKey = 'shManager') =>
    (await h.client.submitApplication({ id }, h.as(staff))).application!;
  const withdraw = async (id: string, reason: string, staff: StaffKey = 'shManager') =>
    (await h.client.withdrawApplication({ id, reason }, h.as(staff))).application!;
  const get = async (id: string, staff: StaffKey = 'shManager') =>
    (await h.client.getApplication({ id }, h.as(staff))).application!;
  const update = (
    id: string,
    draft: Partial<applicationsV1.ApplicationDraft>,
    updateMask: string[],
    expectedVersion: number,
    staff: StaffKey = 'shManager',
  ) =>
    h.client.updateApplication(
      applicationsV1.UpdateApplicationRequest.fromPartial({
        id,
        draft,
        updateMask,
        expectedVersion,
      }),
      h.as(staff),
    );
  const written = async () => ({
    applications: await countRows(h, 'loan_applications'),
    outbox: await countRows(h, 'outbox'),
  });

  describe('drafts', () => {
    it('creates a draft whose rate defaults to the product reference rate, and records a created event', async () => {
      const { customer } = await createIndividual(h);

      const app = await create(consumerDraft(customer.id));

      expect(app).toEqual({
        id: expect.any(String),
        customerId: customer.id,
        customerType: CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        customerName: customer.name,
        productCode: 'PERSONAL_CONSUMER',
        branchId: 'SH001',
        amount: '120000.00',
        termMonths: 12,
        repaymentMethod: RepaymentMethod.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
        // PERSONAL_CONSUMER's reference rate is 3.60% a year.
        ratePercent: '3.6000',
        purpose: 'Home renovation',
        businessSituation: '',
        monthlyIncome: '',
        existingMonthlyDebtPayments: '1000.00',
        status: ApplicationStatus.APPLICATION_STATUS_DRAFT,
        preAssessment: undefined,
        version: 1,
        createdBy: h.principal('shManager').userId,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        submittedAt: '',
        withdrawnAt: '',
        withdrawReason: '',
        decidedAt: '',
        approvedAmount: '',
        approvedRatePercent: '',
        approvedTermMonths: 0,
        contractId: '',
        contractNumber: '',
        loanId: '',
        loanNumber: '',
        history: [],
      });
      expect(await get(app.id, 'auditor')).toEqual(app);
      expect(await countRows(h, 'outbox', 'subject_id = $1', [app.id])).toBe(1);
      expect(
        await countRows(h, 'outbox', 'subject_id = $1 AND event_type = $2', [
          app.id,
          'applications.application.created',
        ]),
      ).toBe(1);
    });

    it('keeps a rate given explicitly', async () => {
      const { customer } = await createIndividual(h);
      const app = await create(consumerDraft(customer.id, { ratePercent: '4.25' }));
      expect(app.ratePercent).toBe('4.2500');
    });

    it('changes only the fields named in update_mask, bumping the version', async () => {
      const { customer } = await createIndividual(h);
      const app = await create(consumerDraft(customer.id));

      const { application: updated } = await update(
        app.id,
        // purpose differs too, but is not in the mask: it must stay as it was.
        consumerDraft(customer.id, {
          amount: '150000.5',
          termMonths: 24,
          purpose: 'Not in the mask',
        }),
        ['amount', 'term_months'],
        1,
      );

      expect(updated).toEqual({
        ...app,
        amount: '150000.50',
        termMonths: 24,
        version: 2,
        updatedAt: expect.any(String),
      });
      expect(Date.parse(updated!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(app.updatedAt));
      expect(await get(app.id)).toEqual(updated);
    });

    it('refuses an update with a stale expected_version (ABORTED) and changes nothing; 0 skips the check', async () => {
      const { customer } = await createIndividual(h);
      const app = await create(consumerDraft(customer.id));
      await update(app.id, { amount: '130000' }, ['amount'], 1);

      const err = await rpcError(update(app.id, { amount: '140000' }, ['amount'], 1));
      expect(err.code).toBe('conflict');
      expect(err.message).toBe('the application changed since version 1; it is at version 2');
      const after = await get(app.id);
      expect(after.amount).toBe('130000.00');
      expect(after.version).toBe(2);

      const { application: unchecked } = await update(app.id, { amount: '140000' }, ['amount'], 0);
      expect(unchecked!.amount).toBe('140000.00');
      expect(unchecked!.version).toBe(3);
    });

    it('refuses an update mask that is empty or names unknown fields', async () => {
      const { customer } = await createIndividual(h);
      const app = await create(consumerDraft(customer.id));

      const unknown = await rpcError(update(app.id, { amount: '130000' }, ['amount', 'status'], 1));
      expect(unknown.code).toBe('invalid_argument');
      expect(unknown.violations).toEqual([
        { field: 'updateMask', reason: 'unknown fields: status' },
      ]);

      const empty = await rpcError(update(app.id, { amount: '130000' }, [], 1));
      expect(empty.violations).toEqual([
        { field: 'updateMask', reason: 'name at least one field to change' },
      ]);
      expect((await get(app.id)).version).toBe(1);
    });

    it('validates an update against the product too, leaving the draft as it was', async () => {
      const { customer } = await createIndividual(h);
      const app = await create(consumerDraft(customer.id));

      const err = await rpcError(update(app.id, { amount: '9999.99' }, ['amount'], 1));

      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual([
        {
          field: 'amount',
          reason:
            'must be between 10000.00 and 500000.00 yuan for Personal consumer loan (PERSONAL_CONSUMER) (got 9999.99)',
        },
      ]);
      expect(await get(app.id)).toEqual(app);
    });
  });

  describe('invalid drafts: INVALID_ARGUMENT naming the fields, nothing written', () => {
    const cases: {
      what: string;
      draft: (ids: { individual: string; corporate: string }) => applicationsV1.ApplicationDraft;
      violations: { field: string; reason: string }[];
    }[] = [
      {
        what: 'an amount above the product maximum',
        draft: ({ individual }) => consumerDraft(individual, { amount: '500000.01' }),
        violations: [
          {
            field: 'amount',
            reason:
              'must be between 10000.00 and 500000.00 yuan for Personal consumer loan (PERSONAL_CONSUMER) (got 500000.01)',
          },
        ],
      },
      {
        what: 'a term outside the product range',
        draft: ({ individual }) => consumerDraft(individual, { termMonths: 61 }),
        violations: [
          {
            field: 'termMonths',
            reason:
              'must be a whole number of months between 6 and 60 for Personal consumer loan (PERSONAL_CONSUMER) (got 61)',
          },
        ],
      },
      {
        what: 'a repayment method the product does not offer',
        draft: ({ individual }) =>
          consumerDraft(individual, {
            repaymentMethod: RepaymentMethod.REPAYMENT_METHOD_INTEREST_ONLY,
          }),
        violations: [
          {
            field: 'repaymentMethod',
            reason:
              'interest_only is not offered for Personal consumer loan (PERSONAL_CONSUMER); allowed: equal_installments, equal_principal',
          },
        ],
      },
      {
        what: 'amount, term and method all wrong at once',
        draft: ({ individual }) =>
          consumerDraft(individual, {
            amount: '5000',
            termMonths: 3,
            repaymentMethod: RepaymentMethod.REPAYMENT_METHOD_BULLET,
          }),
        violations: [
          {
            field: 'amount',
            reason:
              'must be between 10000.00 and 500000.00 yuan for Personal consumer loan (PERSONAL_CONSUMER) (got 5000.00)',
          },
          {
            field: 'termMonths',
            reason:
              'must be a whole number of months between 6 and 60 for Personal consumer loan (PERSONAL_CONSUMER) (got 3)',
          },
          {
            field: 'repaymentMethod',
            reason:
              'bullet is not offered for Personal consumer loan (PERSONAL_CONSUMER); allowed: equal_installments, equal_principal',
          },
        ],
      },
      {
        what: 'a rate outside the product range',
        draft: ({ individual }) => consumerDraft(individual, { ratePercent: '18.5' }),
        violations: [
          {
            field: 'ratePercent',
            reason:
              'must be between 3.00% and 18.00% for Personal consumer loan (PERSONAL_CONSUMER) (got 18.50%)',
          },
        ],
      },
      {
        what: 'an unknown product',
        draft: ({ individual }) => consumerDraft(individual, { productCode: 'NO_SUCH_PRODUCT' }),
        violations: [{ field: 'productCode', reason: 'unknown product NO_SUCH_PRODUCT' }],
      },
      {
        what: 'a corporate customer on an individual product',
        draft: ({ corporate }) => consumerDraft(corporate),
        violations: [
          {
            field: 'customerId',
            reason:
              'Personal consumer loan (PERSONAL_CONSUMER) is for individual customers, not corporate customers',
          },
        ],
      },
      {
        what: 'an individual customer on a corporate product',
        draft: ({ individual }) =>
          consumerDraft(individual, {
            productCode: 'CORP_WORKING_CAPITAL',
            amount: '600000',
            repaymentMethod: RepaymentMethod.REPAYMENT_METHOD_BULLET,
          }),
        violations: [
          {
            field: 'customerId',
            reason:
              'Working capital loan (CORP_WORKING_CAPITAL) is for corporate customers, not individual customers',
          },
        ],
      },
      {
        what: 'a customer id that is not a UUID, a malformed amount and no purpose',
        draft: () => consumerDraft('cust-1', { amount: '12,000', purpose: ' ' }),
        violations: [
          { field: 'customerId', reason: 'must be the UUID of a customer' },
          { field: 'amount', reason: 'must be a decimal string such as "50000.00"' },
          { field: 'purpose', reason: 'is required' },
        ],
      },
      {
        what: 'a customer that does not exist',
        draft: () => consumerDraft('01900000-0000-7000-8000-000000000000'),
        violations: [{ field: 'customerId', reason: 'no such customer' }],
      },
    ];

    let ids: { individual: string; corporate: string };
    beforeAll(async () => {
      ids = {
        individual: (await createIndividual(h)).customer.id,
        corporate: (await createCorporate(h)).customer.id,
      };
    });

    it.each(cases)('$what', async ({ draft, violations }) => {
      const before = await written();

      const err = await rpcError(
        h.client.createApplication({ draft: draft(ids) }, h.as('shManager')),
      );

      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual(violations);
      expect(await written()).toEqual(before);
    });
  });

  describe('submitting', () => {
    it('submits a draft with a pre-assessment: rule set version, score, opinion, and every rule with its reason', async () => {
      const { customer, residentId } = await createIndividual(h, 'shManager', {
        monthlyIncome: '30000',
      });
      const draft = await create(consumerDraft(customer.id));
      const today = todayInChina();
      // Digits 7–14 of the number (the account manager is not shown the birth date).
      const born = `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`;
      // 12 months on; 29 February becomes 28 February, as maturity dates are set.
      const maturity = `${Number(today.slice(0, 4)) + 1}${today.slice(4) === '-02-29' ? '-02-28' : today.slice(4)}`;

      const app = await submit(draft.id);

      expect(app.status).toBe(ApplicationStatus.APPLICATION_STATUS_SUBMITTED);
      expect(app.version).toBe(2);
      expect(Date.parse(app.submittedAt)).toBeGreaterThan(Date.now() - 60000);
      expect(app.preAssessment).toEqual({
        ruleSetVersion: '2026.1',
        score: 100,
        opinion: Opinion.OPINION_RECOMMEND,
        assessedAt: expect.any(String),
        results: [
          { ruleId: 'blacklist', outcome: 'pass', reason: 'applicant is not on the blacklist' },
          {
            ruleId: 'age_at_maturity',
            outcome: 'pass',
            reason: `applicant is ${age(born, today)} now and will be ${age(born, maturity)} at maturity on ${maturity} (allowed 18 to 65)`,
          },
          {
            ruleId: 'debt_to_income',
            outcome: 'pass',
            // Equal principal: 120000/12 + 120000 × 3.6%/12 = 10360.00; (10360 + 1000) / 30000 = 37.87%.
            reason:
              'debt-to-income 37.87% is within 45% (new installment 10360.00 + existing 1000.00, monthly income 30000.00)',
          },
          {
            ruleId: 'amount_to_income',
            outcome: 'pass',
            reason: 'amount 120000.00 is 4.00 times monthly income 30000.00, within 20',
          },
          {
            ruleId: 'pending_application',
            outcome: 'pass',
            reason: 'no other applications are in progress',
          },
        ],
      });
      expect(await get(app.id, 'hqRisk')).toEqual(app);
    });

    it('declines on debt-to-income, naming the percentage (income stated on the application wins over the profile)', async () => {
      const { customer } = await createIndividual(h, 'shManager', { monthlyIncome: '30000' });
      const draft = await create(
        consumerDraft(customer.id, { monthlyIncome: '10000', existingMonthlyDebtPayments: '640' }),
      );

      const app = await submit(draft.id);

      expect(app.preAssessment!.opinion).toBe(Opinion.OPINION_DECLINE);
      expect(app.preAssessment!.score).toBe(60);
      const dti = app.preAssessment!.results.find((r) => r.ruleId === 'debt_to_income');
      // (10360.00 + 640.00) / 10000.00 = 110.00%
      expect(dti).toEqual({
        ruleId: 'debt_to_income',
        outcome: 'fail',
        reason:
          'debt-to-income 110.00% exceeds 55% (new installment 10360.00 + existing 640.00, monthly income 10000.00)',
      });
      expect(
        app.preAssessment!.results.filter((r) => r.outcome !== 'pass').map((r) => r.ruleId),
      ).toEqual(['debt_to_income']);
    });

    it('warns on a second pending application of the same customer', async () => {
      const { customer } = await createIndividual(h);
      const first = await submit((await create(consumerDraft(customer.id))).id);
      expect(first.preAssessment!.opinion).toBe(Opinion.OPINION_RECOMMEND);
      // A draft is not pending: it does not count against the next one.
      await create(consumerDraft(customer.id));

      const second = await submit(
        (await create(consumerDraft(customer.id, { amount: '20000' }))).id,
      );

      const pending = second.preAssessment!.results.find((r) => r.ruleId === 'pending_application');
      expect(pending).toEqual({
        ruleId: 'pending_application',
        outcome: 'warn',
        reason: '1 other application is in progress (120000.00 yuan), more than the 0 allowed',
      });
      expect(second.preAssessment!.opinion).toBe(Opinion.OPINION_CAUTION);
      expect(second.preAssessment!.score).toBe(90);
    });

    it('counts a concurrently submitted application of the same customer as pending: exactly one of two warns', async () => {
      // Five customers, each with two drafts submitted at the same moment.
      const pairs = await Promise.all(
        [1, 2, 3, 4, 5].map(async () => {
          const { customer } = await createIndividual(h);
          return [
            await create(consumerDraft(customer.id)),
            await create(consumerDraft(customer.id, { amount: '20000' })),
          ];
        }),
      );

      const submitted = await Promise.all(
        pairs.map((pair) => Promise.all(pair.map((d) => submit(d.id)))),
      );

      const pendingOutcomes = submitted.map((pair) =>
        pair
          .map(
            (a) =>
              a.preAssessment!.results.find((r) => r.ruleId === 'pending_application')!.outcome,
          )
          .sort(),
      );
      expect(pendingOutcomes).toEqual(pairs.map(() => ['pass', 'warn']));
    });

    it('submitting twice changes nothing: same result, one outbox row, exactly one submitted event', async () => {
      const { customer } = await createIndividual(h);
      const draft = await create(consumerDraft(customer.id));

      const first = await submit(draft.id);
      const again = await submit(draft.id);
      const racing = await Promise.all([submit(draft.id), submit(draft.id)]);

      expect(again).toEqual(first);
      expect(racing).toEqual([first, first]);
      expect(
        await countRows(h, 'outbox', 'subject_id = $1 AND event_type = $2', [draft.id, SUBMITTED]),
      ).toBe(1);
      await h.service.flushOutbox();
      await h.events.settle();
      expect(h.events.about(draft.id, SUBMITTED)).toHaveLength(1);
    });

    it('submits concurrent first submissions once', async () => {
      const { customer } = await createIndividual(h);
      const draft = await create(consumerDraft(customer.id));

      const results = await Promise.all([1, 2, 3].map(() => submit(draft.id)));

      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(results[0]!.version).toBe(2);
      expect(
        await countRows(h, 'outbox', 'subject_id = $1 AND event_type = $2', [draft.id, SUBMITTED]),
      ).toBe(1);
      await h.service.flushOutbox();
      await h.events.settle();
      expect(h.events.about(draft.id, SUBMITTED)).toHaveLength(1);
    });

    it('does not let an auditor submit, nor another branch', async () => {
      const { customer } = await createIndividual(h);
      const draft = await create(consumerDraft(customer.id));

      expect(
        (await rpcError(h.client.submitApplication({ id: draft.id }, h.as('auditor')))).code,
      ).toBe('permission_denied');
      expect(
        (await rpcError(h.client.submitApplication({ id: draft.id }, h.as('bjManager')))).code,
      ).toBe('permission_denied');
      expect((await get(draft.id)).status).toBe(ApplicationStatus.APPLICATION_STATUS_DRAFT);
      expect(
        await countRows(h, 'outbox', 'subject_id = $1 AND event_type = $2', [draft.id, SUBMITTED]),
      ).toBe(0);
    });
  });

  describe('withdrawing', () => {
    it('withdraws with a reason and emits one withdrawn event; withdrawing again changes nothing', async () => {
      const { customer } = await createIndividual(h);
      const submitted = await submit((await create(consumerDraft(customer.id))).id);

      const app = await withdraw(submitted.id, '  Customer found a cheaper offer  ');

      expect(app).toEqual({
        ...submitted,
        status: ApplicationStatus.APPLICATION_STATUS_WITHDRAWN,
        withdrawReason: 'Customer found a cheaper offer',
        withdrawnAt: expect.any(String),
        version: 3,
        updatedAt: expect.any(String),
        // The history keeps the reason, who and when (item 2 of issue 9).
        history: [
          ...submitted.history,
          {
            action: 'withdrawn',
            at: app.withdrawnAt,
            actor: h.principal('shManager').userId,
            reason: 'Customer found a cheaper offer',
            details: { from: 'submitted' },
          },
        ],
      });
      expect(submitted.history).toEqual([
        {
          action: 'submitted',
          at: submitted.submittedAt,
          actor: h.principal('shManager').userId,
          reason: '',
          details: {},
        },
      ]);
      expect(await withdraw(submitted.id, 'again')).toEqual(app);
      expect(await get(app.id)).toEqual(app);

      await h.service.flushOutbox();
      const [event] = await h.events.waitFor(app.id, WITHDRAWN);
      expect(event!.envelope.data).toEqual({
        applicationId: app.id,
        customerId: customer.id,
        branchId: 'SH001',
        reason: 'Customer found a cheaper offer',
        withdrawnBy: h.principal('shManager').userId,
        withdrawnAt: app.withdrawnAt,
      });
      await h.events.settle();
      expect(h.events.about(app.id, WITHDRAWN)).toHaveLength(1);
    });

    it('wants a reason', async () => {
      const { customer } = await createIndividual(h);
      const draft = await create(consumerDraft(customer.id));

      const err = await rpcError(
        h.client.withdrawApplication({ id: draft.id, reason: '   ' }, h.as('shManager')),
      );

      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual([{ field: 'reason', reason: 'is required' }]);
      expect(await get(draft.id)).toEqual(draft);
    });

    it('refuses to submit or edit a withdrawn application (FAILED_PRECONDITION)', async () => {
      const { customer } = await createIndividual(h);
      const draft = await create(consumerDraft(customer.id));
      const withdrawn = await withdraw(draft.id, 'Entered by mistake');

      const submitErr = await rpcError(
        h.client.submitApplication({ id: draft.id }, h.as('shManager')),
      );
      expect(submitErr.code).toBe('failed_precondition');
      expect(submitErr.message).toBe('a withdrawn application cannot be submitted');

      const editErr = await rpcError(update(draft.id, { amount: '130000' }, ['amount'], 0));
      expect(editErr.code).toBe('failed_precondition');

      expect(await get(draft.id)).toEqual(withdrawn);
      expect(
        await countRows(h, 'outbox', 'subject_id = $1 AND event_type = $2', [draft.id, SUBMITTED]),
      ).toBe(0);
    });

    it('refuses to edit a submitted application (FAILED_PRECONDITION)', async () => {
      const { customer } = await createIndividual(h);
      const app = await submit((await create(consumerDraft(customer.id))).id);

      const err = await rpcError(update(app.id, { amount: '130000' }, ['amount'], app.version));

      expect(err.code).toBe('failed_precondition');
      expect(err.message).toBe('only a draft can be edited; this application is submitted');
    });
  });

  describe('listing and branch scope', () => {
    let shCustomer: string;
    let bjCustomer: string;
    /** Oldest first. */
    let shApps: applicationsV1.Application[];
    let bjApps: applicationsV1.Application[];

    beforeAll(async () => {
      shCustomer = (await createIndividual(h, 'shManager')).customer.id;
      bjCustomer = (await createIndividual(h, 'bjManager')).customer.id;
      shApps = [];
      for (const amount of ['11000', '12000', '13000'])
        shApps.push(await create(consumerDraft(shCustomer, { amount })));
      shApps[1] = await submit(shApps[1]!.id);
      bjApps = [await create(consumerDraft(bjCustomer), 'bjManager')];
    });

    const list = (
      q: Partial<applicationsV1.ListApplicationsRequest>,
      staff: StaffKey = 'shManager',
    ) =>
      h.client.listApplications(applicationsV1.ListApplicationsRequest.fromPartial(q), h.as(staff));

    it('filters by customer, newest first, and pages with a cursor', async () => {
      const newestFirst = [...shApps].reverse();

      const all = await list({ customerId: shCustomer });
      expect(all.applications).toEqual(newestFirst);
      expect(all.nextPageToken).toBe('');

      const page1 = await list({ customerId: shCustomer, pageSize: 2 });
      expect(page1.applications).toEqual(newestFirst.slice(0, 2));
      expect(page1.nextPageToken).not.toBe('');
      const page2 = await list({
        customerId: shCustomer,
        pageSize: 2,
        pageToken: page1.nextPageToken,
      });
      expect(page2.applications).toEqual(newestFirst.slice(2));
      expect(page2.nextPageToken).toBe('');
    });

    it('filters by status', async () => {
      const submitted = await list({
        customerId: shCustomer,
        status: ApplicationStatus.APPLICATION_STATUS_SUBMITTED,
      });
      expect(submitted.applications.map((a) => a.id)).toEqual([shApps[1]!.id]);

      const drafts = await list({
        customerId: shCustomer,
        status: ApplicationStatus.APPLICATION_STATUS_DRAFT,
      });
      expect(drafts.applications.map((a) => a.id)).toEqual([shApps[2]!.id, shApps[0]!.id]);
    });

    it('shows staff only their own branch; head office any branch', async () => {
      const bjOwn = await list({}, 'bjManager');
      expect(bjOwn.applications.map((a) => a.id)).toEqual(bjApps.map((a) => a.id));

      // A customer of another branch yields nothing rather than leaking its applications.
      expect((await list({ customerId: shCustomer }, 'bjManager')).applications).toEqual([]);
      const denied = await rpcError(list({ branchId: 'SH001' }, 'bjManager'));
      expect(denied.code).toBe('permission_denied');

      const shOwn = await list({ pageSize: 100 });
      expect(shOwn.applications.length).toBeGreaterThanOrEqual(3);
      expect(shOwn.applications.every((a) => a.branchId === 'SH001')).toBe(true);

      const hqBj = await list({ branchId: 'BJ001' }, 'hqRisk');
      expect(hqBj.applications.map((a) => a.id)).toEqual(bjApps.map((a) => a.id));
      const hqAll = await list({ pageSize: 100 }, 'hqRisk');
      expect(hqAll.applications.map((a) => a.id)).toEqual(
        expect.arrayContaining([...shApps, ...bjApps].map((a) => a.id)),
      );
      expect(hqAll.applications).toHaveLength(
        shOwn.applications.length + bjOwn.applications.length,
      );
    });

    it('keeps other branches from reading, editing or creating applications of a customer', async () => {
      const shApp = shApps[0]!;
      const read = await rpcError(h.client.getApplication({ id: shApp.id }, h.as('bjManager')));
      expect(read.code).toBe('permission_denied');
      expect(read.message).toBe(
        'the application belongs to branch SH001, outside your branch BJ001',
      );

      expect(
        (await rpcError(update(shApp.id, { amount: '14000' }, ['amount'], 0, 'bjManager'))).code,
      ).toBe('permission_denied');
      expect(
        (
          await rpcError(
            h.client.withdrawApplication({ id: shApp.id, reason: 'x' }, h.as('bjManager')),
          )
        ).code,
      ).toBe('permission_denied');

      const before = await written();
      const create = await rpcError(
        h.client.createApplication({ draft: consumerDraft(shCustomer) }, h.as('bjManager')),
      );
      expect(create.code).toBe('permission_denied');
      expect(await written()).toEqual(before);
      expect(await get(shApp.id)).toEqual(shApp);
    });

    it('refuses a page token it did not issue', async () => {
      const err = await rpcError(
        list({ pageToken: Buffer.from('["not-a-uuid"]').toString('base64url') }),
      );
      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual([
        { field: 'pageToken', reason: 'is not a token this service issued' },
      ]);
    });
  });
});
