// 贷后管理 through the gateway: REST/JSON in, the accounting service's PostLoanService behind it,
// loans booked through the migration import (maker and checker) with tokens the gateway issued.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HEAD_OFFICE } from '@loanflow/platform';
import { accountingV1 } from '@loanflow/proto';
import { importedLoan, importLoans } from '@loanflow/test/support/loan-imports';
import { api, startSystem, type TestSystem, type TestUser } from '@loanflow/test/support/system';
import { openApiDocument } from '../src/http/api/openapi';
import { allRoutes, type RouteDeps } from '../src/http/routes/index';
import { API, expectProblem } from './helpers';

jest.setTimeout(60_000);

const USERS: TestUser[] = [
  { username: 'postloan.sh', roles: ['post_loan_officer'], branchId: 'SH001' },
  { username: 'postloan.bj', roles: ['post_loan_officer'], branchId: 'BJ001' },
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'credit.sh', roles: ['credit_officer'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: HEAD_OFFICE },
  { username: 'disb.sh', roles: ['disbursement_reviewer'], branchId: 'SH001' },
  { username: 'admin.hq', roles: ['admin'], branchId: HEAD_OFFICE },
  { username: 'admin2.hq', roles: ['admin'], branchId: HEAD_OFFICE },
];

describe('gateway: post-loan management', () => {
  let system: TestSystem;
  let shLoan: accountingV1.Loan;
  let bjLoan: accountingV1.Loan;

  const call = <T = Record<string, unknown>>(
    user: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) =>
    (async () =>
      api<T>(system.baseUrl, method, `${API}${path}`, {
        token: user ? await system.login(user) : undefined,
        body,
        headers,
      }))();
  const rows = async (table: string, where = 'true', params: unknown[] = []) =>
    (
      await system.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${system.schemas.accounting}.${table} WHERE ${where}`,
        params,
      )
    ).rows[0]!.n;

  /** A loan of 2025-01-15 booked through the migration import (maker admin.hq, checker admin2.hq). */
  async function openLoan(branchId: string): Promise<accountingV1.Loan> {
    const [id] = await importLoans(system, 'admin.hq', 'admin2.hq', [
      importedLoan('2025-01-15', { branchId, approvedAmount: '80000.00' }),
    ]);
    const res = await call<accountingV1.Loan>('admin.hq', 'GET', `/loans/${id}`);
    return res.body;
  }

  beforeAll(async () => {
    system = await startSystem({ users: USERS, firstBusinessDate: '2025-01-15' });
    shLoan = await openLoan('SH001');
    bjLoan = await openLoan('BJ001');
  });
  afterAll(async () => {
    await system?.stop();
  });

  describe('inspections', () => {
    const good = {
      inspectedOn: '2025-02-10',
      kind: 'on_site',
      findings: 'Funds used as declared.',
      result: 'normal',
    };

    it('records an inspection and answers in the words of the API', async () => {
      const key = { 'Idempotency-Key': `insp-${randomUUID()}` };
      const res = await call<{
        inspection: Record<string, unknown>;
        nextDueOn: string | null;
      }>('postloan.sh', 'POST', `/loans/${shLoan.id}/inspections`, good, key);
      expect(res.status).toBe(201);
      const requestId = res.body.inspection.requestId as string;
      expect(res.body.inspection).toMatchObject({
        loanId: shLoan.id,
        inspectedOn: '2025-02-10',
        kind: 'on_site',
        result: 'normal',
        riskSignals: [],
      });
      expect(res.body.nextDueOn).toBe('2025-08-09');

      const again = await call<{ inspection: { id: string } }>(
        'postloan.sh',
        'POST',
        `/loans/${shLoan.id}/inspections`,
        good,
        key,
      );
      expect(again.body.inspection.id).toBe((res.body.inspection as { id: string }).id);
      expect(await rows('inspections', 'request_id = $1', [requestId])).toBe(1);

      const list = await call<{ items: { kind: string }[]; plan: { frequencyDays: number } }>(
        'am.sh',
        'GET',
        `/loans/${shLoan.id}/inspections`,
      );
      expect(list.status).toBe(200);
      expect(list.body.items.map((i) => i.kind)).toEqual(['on_site']);
      expect(list.body.plan.frequencyDays).toBe(180);
    });

    it('makes the Idempotency-Key, bound to the caller, the request id: one inspection even past the replay cache', async () => {
      const key = `insp-${randomUUID()}`;
      const post = (user: string, body: unknown = good) =>
        call<{ inspection: { id: string; requestId: string } }>(
          user,
          'POST',
          `/loans/${shLoan.id}/inspections`,
          body,
          { 'Idempotency-Key': key },
        );
      const first = await post('postloan.sh');
      expect(first.status).toBe(201);
      const requestId = first.body.inspection.requestId;
      expect(requestId).not.toBe(key);
      // The gateway lost its record (a crash, or the key expired there): the retry reaches the
      // service, which finds the inspection made under the same command id.
      await system.db.query(
        `DELETE FROM ${system.schemas.gateway}.idempotency_keys WHERE key = $1`,
        [key],
      );
      const retried = await post('postloan.sh');
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(retried.body.inspection.id).toBe(first.body.inspection.id);
      expect(await rows('inspections', 'request_id = $1', [requestId])).toBe(1);
      // The same key from another user, or with another body, is another command.
      const other = await post('admin.hq');
      expect(other.status).toBe(201);
      expect(other.body.inspection.id).not.toBe(first.body.inspection.id);
      await system.db.query(
        `DELETE FROM ${system.schemas.gateway}.idempotency_keys WHERE key = $1`,
        [key],
      );
      const changed = await post('postloan.sh', { ...good, findings: 'Second visit.' });
      expect(changed.status).toBe(201);
      expect(changed.body.inspection.id).not.toBe(first.body.inspection.id);
      expect(await rows('inspections', 'request_id = $1', [requestId])).toBe(1);
    });

    it('takes no request id from the body', async () => {
      const before = await rows('inspections');
      const res = await call('postloan.sh', 'POST', `/loans/${shLoan.id}/inspections`, {
        ...good,
        requestId: randomUUID(),
      });
      expect(expectProblem(res, 400).errors).toEqual([
        { field: 'requestId', reason: 'is not a known field' },
      ]);
      expect(await rows('inspections')).toBe(before);
    });

    it('does not take X-Request-Id as a command id: other bodies, or other users, make other records', async () => {
      const header = { 'X-Request-Id': `req-${randomUUID()}` };
      const first = await call<{ id: string }>(
        'postloan.bj',
        'POST',
        `/loans/${bjLoan.id}/litigations`,
        { court: '北京市朝阳区人民法院', filedOn: '2025-04-02' },
        header,
      );
      const second = await call<{ id: string; court: string }>(
        'admin.hq',
        'POST',
        `/loans/${bjLoan.id}/litigations`,
        { court: '北京市海淀区人民法院', filedOn: '2025-04-03' },
        header,
      );
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.court).toBe('北京市海淀区人民法院');
      expect(second.headers.get('idempotent-replayed')).toBeNull();
    });

    it('refuses bad input with problem+json naming the field, and writes nothing', async () => {
      const before = await rows('inspections');
      const edge = await call('postloan.sh', 'POST', `/loans/${shLoan.id}/inspections`, {
        ...good,
        kind: 'remote',
        findings: 42,
        extra: true,
      });
      const problem = expectProblem(edge, 400);
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { field: 'kind', reason: 'must be one of on_site, off_site' },
          { field: 'findings', reason: 'must be a string' },
          { field: 'extra', reason: 'is not a known field' },
        ]),
      );
      const date = await call('postloan.sh', 'POST', `/loans/${shLoan.id}/inspections`, {
        ...good,
        inspectedOn: '2025-02-30',
      });
      expect(expectProblem(date, 400).errors).toEqual([
        { field: 'inspectedOn', reason: 'must be a real calendar date in the form YYYY-MM-DD' },
      ]);
      const service = await call('postloan.sh', 'POST', `/loans/${shLoan.id}/inspections`, {
        ...good,
        result: 'risk',
      });
      expect(expectProblem(service, 400).errors).toEqual([
        { field: 'riskSignals', reason: 'name at least one risk signal when the result is risk' },
      ]);
      expectProblem(
        await call('postloan.sh', 'POST', `/loans/not-a-uuid/inspections`, good),
        400,
        'loanId',
      );
      expect(await rows('inspections')).toBe(before);
    });

    it('refuses other roles at the edge and other branches in the service', async () => {
      const before = await rows('inspections');
      expectProblem(await call('am.sh', 'POST', `/loans/${shLoan.id}/inspections`, good), 403);
      expectProblem(await call('credit.sh', 'GET', `/loans/${shLoan.id}/inspections`), 403);
      const branch = expectProblem(
        await call('postloan.bj', 'POST', `/loans/${shLoan.id}/inspections`, good),
        403,
      );
      expect(branch.detail).toMatch(/branch SH001/);
      expectProblem(await call(undefined, 'GET', `/loans/${shLoan.id}/inspections`), 401);
      expect(await rows('inspections')).toBe(before);
    });

    it('lists the inspections due on or before a date', async () => {
      const due = await call<{ items: { loan: { loanId: string }; dueOn: string }[] }>(
        'audit.hq',
        'GET',
        '/inspections:due?date=2025-02-14',
      );
      expect(due.status).toBe(200);
      expect(due.body.items.map((d) => d.loan.loanId)).toEqual([bjLoan.id]);
      expect(due.body.items[0]!.dueOn).toBe('2025-02-14');
      const later = await call<{ items: { loan: { loanId: string } }[] }>(
        'postloan.sh',
        'GET',
        '/inspections:due?date=2025-08-09',
      );
      expect(later.body.items.map((d) => d.loan.loanId)).toEqual([shLoan.id]);
      expectProblem(await call('audit.hq', 'GET', '/inspections:due?date=2025-13-01'), 400, 'date');
      expectProblem(await call('audit.hq', 'GET', '/inspections:due?pageSize=0'), 400, 'pageSize');
    });
  });

  describe('collection', () => {
    let caseId: string;

    it('opens a case, records an action and a promise, marks it broken and closes the case', async () => {
      const opened = await call<{ id: string; status: string; loan: { loanId: string } }>(
        'postloan.sh',
        'POST',
        `/loans/${shLoan.id}/collection-cases`,
        { openedOn: '2025-03-01', reason: 'first installment unpaid' },
      );
      expect(opened.status).toBe(201);
      caseId = opened.body.id;
      expect(opened.headers.get('location')).toBe(`/api/v1/collection-cases/${caseId}`);
      expect(opened.body).toMatchObject({ status: 'open', loan: { loanId: shLoan.id } });
      const { rows: events } = await system.db.query(
        `SELECT event_type FROM ${system.schemas.accounting}.outbox WHERE subject_id = $1`,
        [caseId],
      );
      expect(events).toEqual([{ event_type: 'accounting.collection.case-opened' }]);

      expectProblem(
        await call('postloan.sh', 'POST', `/loans/${shLoan.id}/collection-cases`, {
          openedOn: '2025-03-02',
        }),
        409,
      );

      const action = await call('postloan.sh', 'POST', `/collection-cases/${caseId}/actions`, {
        kind: 'call',
        actionOn: '2025-03-02',
        contactPerson: 'Borrower',
        outcome: 'promised_to_pay',
      });
      expect(action.status).toBe(201);
      expect(action.body).toMatchObject({ kind: 'call', outcome: 'promised_to_pay' });
      expectProblem(
        await call('postloan.sh', 'POST', `/collection-cases/${caseId}/actions`, {
          kind: 'sms',
          actionOn: '2025-03-02',
          contactPerson: 'Borrower',
          outcome: 'reached',
        }),
        400,
        'outcome',
      );

      const before = await rows('payment_promises');
      expectProblem(
        await call('postloan.sh', 'POST', `/collection-cases/${caseId}/promises`, {
          amount: 3500.5,
          promisedDate: '2025-03-15',
        }),
        400,
        'amount',
      );
      const tooPrecise = expectProblem(
        await call('postloan.sh', 'POST', `/collection-cases/${caseId}/promises`, {
          amount: '3500.555',
          promisedDate: '2025-03-15',
        }),
        400,
      );
      expect(tooPrecise.errors).toEqual([
        { field: 'amount', reason: 'must have at most 2 decimal places' },
      ]);
      expect(await rows('payment_promises')).toBe(before);

      const promise = await call<{ id: string; amount: string; status: string }>(
        'postloan.sh',
        'POST',
        `/collection-cases/${caseId}/promises`,
        { amount: '3500.5', promisedDate: '2025-03-15' },
      );
      expect(promise.body).toMatchObject({
        amount: '3500.50',
        status: 'pending',
        resolvedOn: null,
      });

      expectProblem(
        await call('postloan.sh', 'PATCH', `/promises/${promise.body.id}`, {
          status: 'broken',
          resolvedOn: '2025-03-15',
        }),
        400,
        'resolvedOn',
      );
      const broken = await call('postloan.sh', 'PATCH', `/promises/${promise.body.id}`, {
        status: 'broken',
        resolvedOn: '2025-03-16',
      });
      expect(broken.status).toBe(200);
      expect(broken.body).toMatchObject({ status: 'broken', resolvedOn: '2025-03-16' });
      expect(
        await rows(
          'outbox',
          `event_type = 'accounting.collection.promise-broken' AND subject_id = $1`,
          [caseId],
        ),
      ).toBe(1);
      expectProblem(
        await call('postloan.sh', 'PATCH', `/promises/${promise.body.id}`, {
          status: 'kept',
          resolvedOn: '2025-03-17',
        }),
        409,
      );

      const closed = await call('postloan.sh', 'POST', `/collection-cases/${caseId}:close`, {
        reason: 'litigation',
        closedOn: '2025-04-01',
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'litigation' });
    });

    it('reads cases by branch and status, with their actions and promises', async () => {
      const one = await call<{ actions: unknown[]; promises: unknown[] }>(
        'audit.hq',
        'GET',
        `/collection-cases/${caseId}`,
      );
      expect(one.body.actions).toHaveLength(1);
      expect(one.body.promises).toHaveLength(1);
      const closed = await call<{ items: { id: string; status: string }[] }>(
        'am.sh',
        'GET',
        '/collection-cases?status=closed',
      );
      expect(closed.body.items.map((c) => c.id)).toEqual([caseId]);
      const bj = await call<{ items: unknown[] }>(
        'audit.hq',
        'GET',
        '/collection-cases?branchId=BJ001',
      );
      expect(bj.body.items).toEqual([]);
      expectProblem(await call('am.sh', 'GET', '/collection-cases?branchId=BJ001'), 403);
      expectProblem(await call('am.sh', 'GET', '/collection-cases?status=stalled'), 400, 'status');
      const ofLoan = await call<{ items: { id: string }[] }>(
        'am.sh',
        'GET',
        `/loans/${shLoan.id}/collection-cases`,
      );
      expect(ofLoan.body.items.map((c) => c.id)).toEqual([caseId]);
    });
  });

  describe('litigation', () => {
    it('files a suit and moves it on, judgement amount only when judged', async () => {
      const filed = await call<{ id: string; status: string; caseNumber: string | null }>(
        'postloan.sh',
        'POST',
        `/loans/${shLoan.id}/litigations`,
        { court: '上海市浦东新区人民法院', filedOn: '2025-04-02', legalCosts: '1200' },
      );
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({
        status: 'filed',
        caseNumber: null,
        legalCosts: '1200.00',
      });
      const id = filed.body.id;
      const status = (body: unknown) =>
        call<{ status: string; judgementAmount: string | null; history: unknown[] }>(
          'postloan.sh',
          'POST',
          `/litigations/${id}/status`,
          body,
        );
      expectProblem(await status({ status: 'appealed', changedOn: '2025-04-10' }), 400, 'status');
      expectProblem(
        await status({ status: 'accepted', changedOn: '2025-04-10', judgementAmount: '5.00' }),
        400,
        'judgementAmount',
      );
      expectProblem(await status({ status: 'judged', changedOn: '2025-04-10' }), 409);
      const accepted = await status({
        status: 'accepted',
        changedOn: '2025-04-10',
        caseNumber: '(2025)沪0115民初777号',
      });
      expect(accepted.status).toBe(200);
      const judged = await status({
        status: 'judged',
        changedOn: '2025-06-01',
        judgementAmount: '82000.5',
        judgementDate: '2025-05-30',
      });
      expect(judged.body).toMatchObject({ status: 'judged', judgementAmount: '82000.50' });
      expect(judged.body.history).toEqual([
        expect.objectContaining({ fromStatus: null, toStatus: 'filed', changedOn: '2025-04-02' }),
        expect.objectContaining({ fromStatus: 'filed', toStatus: 'accepted' }),
        expect.objectContaining({ fromStatus: 'accepted', toStatus: 'judged' }),
      ]);
      expect(
        await rows(
          'outbox',
          `event_type = 'accounting.litigation.status-changed' AND subject_id = $1`,
          [id],
        ),
      ).toBe(3); // filed (the suit's start is an event too), accepted, judged
      const list = await call<{ items: { id: string }[] }>(
        'audit.hq',
        'GET',
        `/loans/${shLoan.id}/litigations`,
      );
      expect(list.body.items.map((s) => s.id)).toEqual([id]);
    });
  });

  describe('repossessed assets', () => {
    it('registers an asset and records its disposal with the gain or loss', async () => {
      const before = await rows('repossessed_assets');
      const car = {
        assetType: 'vehicle',
        description: 'Car',
        valuationAmount: '0',
        valuationDate: '2025-02-28',
        acquiredOn: '2025-03-01',
        settledAmount: '60000',
        bookValue: '58000',
      };
      const otherBranch = expectProblem(
        await call('postloan.sh', 'POST', `/loans/${bjLoan.id}/repossessed-assets`, car),
        403,
      );
      expect(otherBranch.detail).toMatch(/branch BJ001/);
      // The edge refuses what no asset can have; the service what this one may not.
      const impossible = expectProblem(
        await call('postloan.bj', 'POST', `/loans/${bjLoan.id}/repossessed-assets`, {
          ...car,
          valuationDate: '2025-02-29',
        }),
        400,
      );
      expect(impossible.errors).toEqual([
        { field: 'valuationDate', reason: 'must be a real calendar date in the form YYYY-MM-DD' },
      ]);
      const invalid = expectProblem(
        await call('postloan.bj', 'POST', `/loans/${bjLoan.id}/repossessed-assets`, car),
        400,
      );
      expect(invalid.errors).toEqual([
        { field: 'valuationAmount', reason: 'must be greater than 0' },
      ]);
      expect(await rows('repossessed_assets')).toBe(before);

      const asset = await call<{ id: string; valuationAmount: string; disposal: unknown }>(
        'postloan.bj',
        'POST',
        `/loans/${bjLoan.id}/repossessed-assets`,
        {
          assetType: 'vehicle',
          description: '2021 BYD Han EV, plate 京A·12345',
          valuationAmount: '61000',
          valuationDate: '2025-02-28',
          acquiredOn: '2025-03-01',
          settledAmount: '60000',
          bookValue: '58000',
        },
      );
      expect(asset.status).toBe(201);
      expect(asset.body).toMatchObject({ valuationAmount: '61000.00', disposal: null });
      const sold = await call(
        'postloan.bj',
        'POST',
        `/repossessed-assets/${asset.body.id}/disposal`,
        {
          disposedOn: '2025-05-20',
          proceeds: '59500',
          method: 'auction',
        },
      );
      expect(sold.status).toBe(200);
      expect(sold.body).toMatchObject({
        disposal: {
          disposedOn: '2025-05-20',
          proceeds: '59500.00',
          method: 'auction',
          gainOrLoss: '1500.00',
        },
      });
      expectProblem(
        await call('postloan.bj', 'POST', `/repossessed-assets/${asset.body.id}/disposal`, {
          disposedOn: '2025-05-21',
          proceeds: '59500',
          method: 'negotiated_sale',
        }),
        409,
      );
      const read = await call('audit.hq', 'GET', `/repossessed-assets/${asset.body.id}`);
      expect(read.body).toMatchObject({ assetType: 'vehicle', loan: { branchId: 'BJ001' } });
    });
  });

  it('sets and lists inspection plans: administrators only, within the service’s limits', async () => {
    const plan = { frequencyDays: 90, firstAfterDays: 15 };
    expectProblem(
      await call('postloan.sh', 'PUT', '/inspection-plans/SME_WORKING_CAPITAL', plan),
      403,
    );
    expect(
      expectProblem(await call('admin.hq', 'PUT', '/inspection-plans/sme-working', plan), 400)
        .errors,
    ).toEqual([
      { field: 'productCode', reason: 'must be a product code such as PERSONAL_CONSUMER' },
    ]);
    const bad = expectProblem(
      await call('admin.hq', 'PUT', '/inspection-plans/SME_WORKING_CAPITAL', {
        frequencyDays: 0,
        firstAfterDays: 1e9,
      }),
      400,
    );
    expect(bad.errors).toEqual([
      { field: 'frequencyDays', reason: 'must be a whole number of days from 1 to 3660' },
      { field: 'firstAfterDays', reason: 'must be a whole number of days from 0 to 3660' },
    ]);
    const set = await call<{ productCode: string; frequencyDays: number }>(
      'admin.hq',
      'PUT',
      '/inspection-plans/SME_WORKING_CAPITAL',
      plan,
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ productCode: 'SME_WORKING_CAPITAL', ...plan });
    const plans = await call<{ items: { productCode: string; frequencyDays: number }[] }>(
      'audit.hq',
      'GET',
      '/inspection-plans',
    );
    expect(plans.status).toBe(200);
    expect(plans.body.items).toContainEqual(
      expect.objectContaining({ productCode: 'SME_WORKING_CAPITAL', frequencyDays: 90 }),
    );
    expectProblem(await call('credit.sh', 'GET', '/inspection-plans'), 403);
  });

  it('documents every route, and every schema it refers to exists', () => {
    const doc = openApiDocument(allRoutes({} as RouteDeps), {
      title: 'LoanFlow API',
      version: 'test',
      description: 'test',
    }) as { paths: Record<string, Record<string, { tags: string[] }>>; components: unknown };
    const postLoan = Object.entries(doc.paths)
      .filter(([, ops]) => Object.values(ops).some((op) => op.tags.includes('Post-loan')))
      .map(([path]) => path);
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g)!;
    for (const r of new Set(refs)) expect(schemas).toHaveProperty(r.split('/').pop()!);
    expect(postLoan.sort()).toEqual(
      [
        '/collection-cases',
        '/collection-cases/{id}',
        '/collection-cases/{id}/actions',
        '/collection-cases/{id}/promises',
        '/collection-cases/{id}:close',
        '/inspection-plans',
        '/inspection-plans/{productCode}',
        '/inspections:due',
        '/litigations/{id}',
        '/litigations/{id}/status',
        '/loans/{loanId}/collection-cases',
        '/loans/{loanId}/inspections',
        '/loans/{loanId}/litigations',
        '/loans/{loanId}/repossessed-assets',
        '/promises/{id}',
        '/repossessed-assets/{id}',
        '/repossessed-assets/{id}/disposal',
      ].sort(),
    );
  });
});
