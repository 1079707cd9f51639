import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  creditCode as newCreditCode,
  mobile as newMobile,
  residentId as newResidentId,
} from '@loanflow/test/support/identities';
import { api, startSystem, type ApiResponse, type TestSystem } from '@loanflow/test/support/system';
import {
  API,
  corporateBody,
  createApplication,
  draftBody,
  expectProblem,
  individualBody,
  randomBirthDate,
  unique,
} from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

type Json = Record<string, unknown>;
type Page = { items: Json[]; nextPageToken: string | null };

/** Money in the API: a decimal string with exactly two decimals. */
const MONEY = /^\d+\.\d{2}$/;

describe('gateway: customers and applications through the REST API', () => {
  let system: TestSystem;
  let am: string;
  /** Every response body this file received, to check that no full ID or mobile number leaks. */
  const seen: string[] = [];
  /** Every resident ID and mobile number sent. */
  const secrets = new Set<string>();
  const call = async <T = Json>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
  ): Promise<ApiResponse<T>> => {
    const sent = opts.body as
      | {
          individual?: { residentId: string; mobile: string };
          corporate?: { contactMobile: string };
        }
      | undefined;
    if (sent?.individual)
      [sent.individual.residentId, sent.individual.mobile].forEach((s) => secrets.add(s));
    if (sent?.corporate) secrets.add(sent.corporate.contactMobile);
    const res = await api<T>(system.baseUrl, method, `${API}${path}`, { token: am, ...opts });
    seen.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
    return res;
  };

  // The person everything below is about.
  const birthDate = randomBirthDate();
  const residentId = newResidentId(birthDate, 'female');
  const mobile = newMobile();
  const creditCode = newCreditCode();
  const prefix = `测试客户${unique()}`;
  let person: Json;
  let company: Json;

  beforeAll(async () => {
    system = await startSystem();
    am = await system.login('am.sh');
  });

  afterAll(async () => {
    await system?.stop();
  });

  describe('customers', () => {
    it('enters an individual: 201, Location, masked ID and mobile, money with 2 decimals', async () => {
      const res = await call('POST', '/customers', {
        body: individualBody({ name: `${prefix}-B`, residentId, mobile }),
      });

      expect(res.status).toBe(201);
      person = res.body;
      expect(res.headers.get('location')).toBe(`/api/v1/customers/${person.id as string}`);
      expect(person).toMatchObject({
        type: 'individual',
        name: `${prefix}-B`,
        branchId: 'SH001',
        corporate: null,
        individual: {
          // The province and the last four only; an account manager does not assess the borrower,
          // so the birth date (digits 7–14) is not shown either: nothing shown rebuilds the number.
          residentIdMasked: `${residentId.slice(0, 2)}************${residentId.slice(-4)}`,
          mobileMasked: `${mobile.slice(0, 3)}****${mobile.slice(-4)}`,
          birthDate: null,
          sex: 'female',
          occupation: 'Engineer',
          monthlyIncome: '28000.00',
        },
      });
      const me = (await call<Json>('GET', '/me')).body;
      expect(person.createdBy).toBe(me.userId);
    });

    it('enters a company: the credit code in clear, the contact mobile masked', async () => {
      const corp = await system.login('corp.sh');
      const body = corporateBody({ name: `${prefix}-A`, creditCode });
      const res = await call('POST', '/customers', { body, token: corp });

      expect(res.status).toBe(201);
      company = res.body;
      const contact = body.corporate.contactMobile;
      expect(company).toMatchObject({
        type: 'corporate',
        individual: null,
        corporate: {
          creditCode,
          legalRepresentative: '王建国',
          registeredCapital: '5000000.00',
          annualRevenue: '80000000.50',
          contactMobileMasked: `${contact.slice(0, 3)}****${contact.slice(-4)}`,
        },
      });
      expect(JSON.stringify(company)).not.toContain(contact);
    });

    it('GET /customers/:id returns what was entered', async () => {
      const res = await call('GET', `/customers/${person.id as string}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(person);
      const missing = await call('GET', '/customers/0190a0b0-0000-7000-8000-000000000000');
      expectProblem(missing, 404);
      const notAnId = await call('GET', '/customers/12345');
      expectProblem(notAnId, 400, 'id');
    });

    it('finds a customer by resident ID, mobile (with +86 and spaces) and credit code, exactly', async () => {
      const byId = await call<Page>('GET', `/customers?residentId=${residentId}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual({ items: [person], nextPageToken: null });

      const spaced = `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
      const byMobile = await call<Page>('GET', `/customers?mobile=${encodeURIComponent(spaced)}`);
      expect(byMobile.body.items.map((c) => c.id)).toEqual([person.id]);

      const byCode = await call<Page>('GET', `/customers?creditCode=${creditCode.toLowerCase()}`);
      expect(byCode.body.items.map((c) => c.id)).toEqual([company.id]);

      // Exact, not similar: another valid number finds nobody.
      const other = await call<Page>('GET', `/customers?residentId=${newResidentId(birthDate)}`);
      expect(other.body).toEqual({ items: [], nextPageToken: null });
      const two = await call('GET', `/customers?residentId=${residentId}&mobile=${mobile}`);
      expectProblem(two, 400);
    });

    it('finds by name prefix, one per page, following nextPageToken in name order', async () => {
      const third = await call('POST', '/customers', {
        body: individualBody({ name: `${prefix}-C` }),
      });
      expect(third.status).toBe(201);
      await call('POST', '/customers', { body: individualBody({ name: `其他${prefix}` }) });

      const names: string[] = [];
      const ids: unknown[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const q: string = `name=${encodeURIComponent(prefix)}&pageSize=1${token ? `&pageToken=${token}` : ''}`;
        const page: ApiResponse<Page> = await call<Page>('GET', `/customers?${q}`);
        expect(page.status).toBe(200);
        expect(page.body.items).toHaveLength(1);
        names.push(page.body.items[0]!.name as string);
        ids.push(page.body.items[0]!.id);
        token = page.body.nextPageToken;
        pages++;
      } while (token && pages < 10);

      expect(pages).toBe(3);
      expect(names).toEqual([`${prefix}-A`, `${prefix}-B`, `${prefix}-C`]);
      expect(ids).toEqual([company.id, person.id, third.body.id]);
    });

    it('a Beijing account manager does not find the Shanghai customer', async () => {
      const bj = await system.login('am.bj');
      const res = await call<Page>('GET', `/customers?residentId=${residentId}`, { token: bj });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    });
  });

  describe('applications', () => {
    let draft: Json;

    const get = (id: unknown) => call(`GET`, `/applications/${id as string}`);
    const patch = (id: unknown, body: unknown, ifMatch?: string) =>
      call('PATCH', `/applications/${id as string}`, {
        body,
        headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
      });

    it('creates a draft: 201, Location, ETag = version, money as 2-decimal strings', async () => {
      const res = await call('POST', '/applications', {
        body: draftBody(person.id as string, { amount: '120000.5', monthlyIncome: '30000' }),
      });

      expect(res.status).toBe(201);
      draft = res.body;
      expect(res.headers.get('location')).toBe(`/api/v1/applications/${draft.id as string}`);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(draft).toMatchObject({
        customerId: person.id,
        customerType: 'individual',
        customerName: person.name,
        productCode: 'PERSONAL_CONSUMER',
        branchId: 'SH001',
        amount: '120000.50',
        termMonths: 36,
        repaymentMethod: 'equal_installments',
        monthlyIncome: '30000.00',
        existingMonthlyDebtPayments: '1500.00',
        status: 'draft',
        preAssessment: null,
        version: 1,
        submittedAt: null,
        withdrawnAt: null,
      });
      expect(typeof draft.ratePercent).toBe('string');
      for (const field of ['amount', 'monthlyIncome', 'existingMonthlyDebtPayments'])
        expect(draft[field]).toMatch(MONEY);
    });

    it('GET has the ETag of the version', async () => {
      const res = await get(draft.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(draft);
      expect(res.headers.get('etag')).toBe(`"${draft.version as number}"`);
    });

    it('PATCH with If-Match of the current version changes it; a stale If-Match → 409', async () => {
      const edited = await patch(draft.id, { amount: '150000', termMonths: 24 }, '"1"');
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ amount: '150000.00', termMonths: 24, version: 2 });
      expect(edited.headers.get('etag')).toBe('"2"');

      const stale = await patch(draft.id, { amount: '90000.00' }, '"1"');
      expect(expectProblem(stale, 409).code).toBe('conflict');
      expect((await get(draft.id)).body).toMatchObject({ amount: '150000.00', version: 2 });

      // A weak ETag of the current version is accepted too.
      const weak = await patch(draft.id, { purpose: 'Car purchase' }, 'W/"2"');
      expect(weak.body).toMatchObject({ purpose: 'Car purchase', amount: '150000.00', version: 3 });
      expect(weak.headers.get('etag')).toBe('"3"');
      draft = weak.body;
    });

    it('PATCH outside the product → 400, unchanged', async () => {
      const res = await patch(draft.id, { termMonths: 120 }, '"3"');
      expectProblem(res, 400, 'termMonths');
      expect((await get(draft.id)).body).toEqual(draft);
    });

    it('lists with status and customerId filters and cursor pagination, newest first', async () => {
      const customerId = person.id as string;
      const second = await createApplication(system, am, customerId, { amount: '20000.00' });
      const third = await createApplication(system, am, customerId, { amount: '30000.00' });
      const submitted = await call(`POST`, `/applications/${second.id as string}/submit`);
      expect(submitted.body.status).toBe('submitted');
      // Someone else's application, in the same branch.
      const otherCustomer = await call('POST', '/customers', { body: individualBody() });
      const others = await createApplication(system, am, otherCustomer.body.id as string);

      const drafts = await call<Page>('GET', `/applications?status=draft&customerId=${customerId}`);
      expect(drafts.body.items.map((a) => a.id)).toEqual([third.id, draft.id]);
      expect(drafts.body.nextPageToken).toBeNull();
      const done = await call<Page>(
        'GET',
        `/applications?status=submitted&customerId=${customerId}`,
      );
      expect(done.body.items.map((a) => a.id)).toEqual([second.id]);
      const theirs = await call<Page>(
        'GET',
        `/applications?customerId=${otherCustomer.body.id as string}`,
      );
      expect(theirs.body.items.map((a) => a.id)).toEqual([others.id]);

      const first = await call<Page>('GET', `/applications?customerId=${customerId}&pageSize=2`);
      expect(first.body.items.map((a) => a.id)).toEqual([third.id, second.id]);
      expect(first.body.nextPageToken).toEqual(expect.any(String));
      const next = await call<Page>(
        'GET',
        `/applications?customerId=${customerId}&pageSize=2&pageToken=${first.body.nextPageToken!}`,
      );
      expect(next.body.items.map((a) => a.id)).toEqual([draft.id]);
      expect(next.body.nextPageToken).toBeNull();

      const all = await call<Page>('GET', '/applications?pageSize=100');
      expect(all.body.items.map((a) => a.id)).toEqual(
        expect.arrayContaining([draft.id, second.id, third.id, others.id]),
      );
      for (const a of all.body.items) expect(a.amount).toMatch(MONEY);
    });

    it('withdraws with a reason; a withdrawn application cannot be submitted (409)', async () => {
      const noReason = await call('POST', `/applications/${draft.id as string}/withdraw`, {
        body: {},
      });
      expectProblem(noReason, 400, 'reason');

      const res = await call('POST', `/applications/${draft.id as string}/withdraw`, {
        body: { reason: 'The customer found a cheaper loan' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: draft.id,
        status: 'withdrawn',
        withdrawReason: 'The customer found a cheaper loan',
        version: 4,
      });
      expect(new Date(res.body.withdrawnAt as string).getTime()).toBeGreaterThan(
        Date.now() - 60_000,
      );
      expect(res.headers.get('etag')).toBe('"4"');

      const submit = await call('POST', `/applications/${draft.id as string}/submit`);
      expect(expectProblem(submit, 409).code).toBe('failed_precondition');
      const edit = await patch(draft.id, { amount: '100000.00' }, '"4"');
      expectProblem(edit, 409);
      expect((await get(draft.id)).body).toMatchObject({ status: 'withdrawn', version: 4 });

      const listed = await call<Page>(
        'GET',
        `/applications?status=withdrawn&customerId=${person.id as string}`,
      );
      expect(listed.body.items.map((a) => a.id)).toEqual([draft.id]);
    });

    it('submits a draft: pre-assessment recorded, status submitted', async () => {
      const app = await createApplication(system, am, person.id as string, { amount: '50000.00' });
      const res = await call('POST', `/applications/${app.id as string}/submit`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'submitted', version: 2, amount: '50000.00' });
      expect(res.body.preAssessment).toMatchObject({
        score: expect.any(Number),
        opinion: expect.stringMatching(/^(recommend|caution|decline)$/),
      });
      expect(res.headers.get('etag')).toBe('"2"');
    });
  });

  describe('products', () => {
    it('lists the catalogue and reads one product, amounts as strings', async () => {
      const list = await call<{ items: Json[] }>('GET', '/products');
      expect(list.status).toBe(200);
      expect(list.body.items.map((p) => p.code)).toEqual(
        expect.arrayContaining(['PERSONAL_CONSUMER', 'CORP_WORKING_CAPITAL']),
      );
      const one = await call('GET', '/products/PERSONAL_CONSUMER');
      expect(one.body).toMatchObject({
        code: 'PERSONAL_CONSUMER',
        customerType: 'individual',
        minAmount: '10000.00',
        maxAmount: '500000.00',
        minTermMonths: 6,
        maxTermMonths: 60,
        repaymentMethods: ['equal_installments', 'equal_principal'],
      });
      expectProblem(await call('GET', '/products/NO_SUCH_PRODUCT'), 404);
    });
  });

  it('no response body carried a full resident ID or mobile number', () => {
    expect(seen.length).toBeGreaterThan(20);
    expect(secrets.size).toBeGreaterThanOrEqual(9);
    const leaks = seen.filter((body) => [...secrets].some((secret) => body.includes(secret)));
    expect(leaks).toEqual([]);
    // …while the masks were there, so the check looked at the right bodies.
    expect(seen.some((body) => body.includes(residentId.slice(-4)))).toBe(true);
  });
});
