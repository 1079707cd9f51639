import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { creditCode, mobile, residentId } from '@loanflow/test/support/identities';
import { api, startSystem, type TestSystem } from '@loanflow/test/support/system';
import {
  API,
  corporateBody,
  createApplication,
  createCustomer,
  draftBody,
  expectProblem,
  individualBody,
  writeCounts,
  type WriteCounts,
} from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

/** The same string with its last (check) character replaced by another valid one. */
function withWrongCheckChar(value: string, alphabet: string): string {
  const last = value[value.length - 1]!;
  const other = [...alphabet].find((c) => c !== last)!;
  return value.slice(0, -1) + other;
}

describe('gateway: bad input is refused with a problem and nothing is written', () => {
  let system: TestSystem;
  let am: string; // account manager, Shanghai
  let amBeijing: string;
  let customerId: string; // a Shanghai customer
  let applicationId: string;
  let before: WriteCounts;

  beforeAll(async () => {
    system = await startSystem();
    [am, amBeijing] = await Promise.all([system.login('am.sh'), system.login('am.bj')]);
    customerId = (await createCustomer(system, am)).id as string;
    applicationId = (await createApplication(system, am, customerId)).id as string;
  });

  afterAll(async () => {
    await system?.stop();
  });

  beforeEach(async () => {
    before = await writeCounts(system);
  });

  const post = (path: string, body: unknown, token = am) =>
    api(system.baseUrl, 'POST', `${API}${path}`, { token, body });
  const nothingWritten = async () => expect(await writeCounts(system)).toEqual(before);

  describe('customers', () => {
    it('resident ID number with a wrong check digit → 400 individual.residentId', async () => {
      const res = await post(
        '/customers',
        individualBody({ residentId: withWrongCheckChar(residentId(), '0123456789X') }),
      );
      const problem = expectProblem(res, 400, 'individual.residentId');
      expect(problem.code).toBe('invalid_argument');
      expect(problem.errors).toEqual([
        { field: 'individual.residentId', reason: expect.stringMatching(/check digit/) },
      ]);
      await nothingWritten();
    });

    it('malformed mobile number → 400 individual.mobile', async () => {
      const res = await post('/customers', individualBody({ mobile: '1390000' }));
      expectProblem(res, 400, 'individual.mobile');
      expect((res.body.errors as unknown[]).length).toBe(1);
      await nothingWritten();
    });

    it('unified social credit code with a wrong check character → 400 corporate.creditCode', async () => {
      const corp = await system.login('corp.sh');
      const bad = withWrongCheckChar(creditCode(), '0123456789ABCDEFGHJKLMNPQRTUWXY');
      const res = await post('/customers', corporateBody({ creditCode: bad }), corp);
      const problem = expectProblem(res, 400, 'corporate.creditCode');
      expect(problem.errors![0]!.reason).toMatch(/check character/);
      await nothingWritten();
    });

    it('a field the API does not know → 400 naming it (strict bodies), also when nested', async () => {
      const body = individualBody();
      const res = await post('/customers', { ...body, favouriteColour: 'blue' });
      const problem = expectProblem(res, 400, 'favouriteColour');
      expect(problem.errors).toEqual([
        { field: 'favouriteColour', reason: 'is not a known field' },
      ]);

      const nested = await post('/customers', {
        ...body,
        individual: { ...body.individual, shoeSize: 42 },
      });
      expectProblem(nested, 400, 'individual.shoeSize');
      await nothingWritten();
    });

    it('a wrong type for a field → 400 naming it', async () => {
      const res = await post('/customers', { ...individualBody(), type: 'robot', name: 7 });
      expectProblem(res, 400, 'type');
      expectProblem(res, 400, 'name');
      await nothingWritten();
    });

    it('auditor or credit officer entering a customer → 403', async () => {
      for (const username of ['audit.hq', 'credit.sh']) {
        const token = await system.login(username);
        const res = await post('/customers', individualBody(), token);
        expect(expectProblem(res, 403).code).toBe('permission_denied');
      }
      await nothingWritten();
    });
  });

  describe('applications', () => {
    it('amount as a JSON number instead of a decimal string → 400 amount', async () => {
      const res = await post('/applications', draftBody(customerId, { amount: 120000 }));
      const problem = expectProblem(res, 400, 'amount');
      expect(problem.errors![0]!.reason).toMatch(/decimal string/);
      await nothingWritten();
    });

    it.each([
      ['amount below the product minimum', 'amount', { amount: '5000.00' }],
      ['amount above the product maximum', 'amount', { amount: '500000.01' }],
      ['term shorter than the product allows', 'termMonths', { termMonths: 3 }],
      ['term longer than the product allows', 'termMonths', { termMonths: 61 }],
      [
        'repayment method the product does not offer',
        'repaymentMethod',
        { repaymentMethod: 'bullet' },
      ],
      ['term that is not a whole number', 'termMonths', { termMonths: 12.5 }],
      ['unknown product', 'productCode', { productCode: 'NO_SUCH_PRODUCT' }],
      [
        'customer that does not exist',
        'customerId',
        { customerId: '0190a0b0-0000-7000-8000-000000000000' },
      ],
    ])('%s → 400 %s', async (_what, field, overrides) => {
      const res = await post('/applications', draftBody(customerId, overrides));
      const problem = expectProblem(res, 400, field);
      expect(problem.errors!.map((e) => e.field)).toEqual([field]);
      await nothingWritten();
    });

    it('every field outside the product is reported at once', async () => {
      const res = await post(
        '/applications',
        draftBody(customerId, { amount: '1.00', termMonths: 600, repaymentMethod: 'bullet' }),
      );
      const problem = expectProblem(res, 400);
      expect(problem.errors!.map((e) => e.field).sort()).toEqual(
        ['amount', 'repaymentMethod', 'termMonths'].sort(),
      );
      await nothingWritten();
    });

    it('an unknown field → 400', async () => {
      const res = await post('/applications', { ...draftBody(customerId), discount: '0.5' });
      expectProblem(res, 400, 'discount');
      await nothingWritten();
    });

    it('Beijing account manager: application for a Shanghai customer → 403, and the customer → 403', async () => {
      const res = await post('/applications', draftBody(customerId), amBeijing);
      expect(expectProblem(res, 403).code).toBe('permission_denied');

      const read = await api(system.baseUrl, 'GET', `${API}/customers/${customerId}`, {
        token: amBeijing,
      });
      expectProblem(read, 403);
      expect(read.body).not.toHaveProperty('name');
      const app = await api(system.baseUrl, 'GET', `${API}/applications/${applicationId}`, {
        token: amBeijing,
      });
      expectProblem(app, 403);
      await nothingWritten();
    });

    it('invalid If-Match → 400 If-Match, the application unchanged', async () => {
      for (const ifMatch of ['3', '"three"', '"0"', '"1", "2"']) {
        const res = await api(system.baseUrl, 'PATCH', `${API}/applications/${applicationId}`, {
          token: am,
          body: { amount: '150000.00' },
          headers: { 'if-match': ifMatch },
        });
        expectProblem(res, 400, 'If-Match');
      }
      const current = await api(system.baseUrl, 'GET', `${API}/applications/${applicationId}`, {
        token: am,
      });
      expect(current.body).toMatchObject({ amount: '120000.00', version: 1 });
      await nothingWritten();
    });
  });

  describe('the request itself', () => {
    it('malformed JSON → 400 naming the body', async () => {
      const res = await api(system.baseUrl, 'POST', `${API}/customers`, {
        token: am,
        rawBody: '{"type": "individual", "name": ',
      });
      const problem = expectProblem(res, 400, '(body)');
      expect(problem.errors![0]!.reason).toMatch(/JSON/);
      await nothingWritten();
    });

    it('a JSON body that is not an object → 400', async () => {
      const res = await api(system.baseUrl, 'POST', `${API}/customers`, {
        token: am,
        rawBody: '"just a string"',
      });
      expectProblem(res, 400, '(body)');
      await nothingWritten();
    });

    it('body over the limit (256kb) → 413', async () => {
      const body = individualBody();
      const res = await post('/customers', {
        ...body,
        individual: { ...body.individual, address: 'x'.repeat(300 * 1024) },
      });
      const problem = expectProblem(res, 413);
      expect(problem.detail).toMatch(/limit/);
      await nothingWritten();
      // Just under the limit the body is read, and refused for what it says.
      const under = await post('/customers', {
        ...body,
        individual: { ...body.individual, address: 'x'.repeat(200 * 1024) },
      });
      expectProblem(under, 400, 'individual.address');
      await nothingWritten();
    });

    it('text/plain → 415', async () => {
      const res = await api(system.baseUrl, 'POST', `${API}/customers`, {
        token: am,
        rawBody: JSON.stringify(individualBody()),
        headers: { 'content-type': 'text/plain' },
      });
      expectProblem(res, 415);
      await nothingWritten();
    });

    it('unknown route → 404 problem, inside and outside the API', async () => {
      const inside = await api(system.baseUrl, 'GET', `${API}/no-such-collection`, {
        token: am,
      });
      expect(expectProblem(inside, 404).code).toBe('not_found');
      const outside = await api(system.baseUrl, 'GET', '/nowhere');
      expectProblem(outside, 404);
      const wrongMethod = await api(system.baseUrl, 'DELETE', `${API}/customers/${customerId}`, {
        token: am,
      });
      expectProblem(wrongMethod, 404);
      await nothingWritten();
    });

    it.each([
      ['0', /between 1 and 100/],
      ['101', /between 1 and 100/],
      ['ten', /number/],
      ['2.5', /whole number/],
    ])('pageSize=%s → 400 pageSize', async (size, reason) => {
      const res = await api(system.baseUrl, 'GET', `${API}/applications?pageSize=${size}`, {
        token: am,
      });
      expect(expectProblem(res, 400, 'pageSize').errors).toEqual([
        { field: 'pageSize', reason: expect.stringMatching(reason) },
      ]);
      const customers = await api(
        system.baseUrl,
        'GET',
        `${API}/customers?name=${encodeURIComponent('张')}&pageSize=${size}`,
        { token: am },
      );
      expectProblem(customers, 400, 'pageSize');
    });

    it('an unknown query parameter or a forged page token → 400', async () => {
      const res = await api(system.baseUrl, 'GET', `${API}/applications?colour=red`, { token: am });
      expectProblem(res, 400, 'colour');
      const token = await api(system.baseUrl, 'GET', `${API}/applications?pageToken=bm9wZQ`, {
        token: am,
      });
      expectProblem(token, 400, 'pageToken');
    });

    it('a search by a full identity number that fails does not echo the number back', async () => {
      const id = residentId();
      const phone = mobile();
      const res = await api(system.baseUrl, 'GET', `${API}/customers?residentId=${id}&pageSize=0`, {
        token: am,
      });
      expectProblem(res, 400, 'pageSize');
      expect(JSON.stringify(res.body)).not.toContain(id);
      const both = await api(
        system.baseUrl,
        'GET',
        `${API}/customers?residentId=${id}&mobile=${phone}`,
        { token: am },
      );
      expectProblem(both, 400);
      expect(JSON.stringify(both.body)).not.toContain(id);
      expect(JSON.stringify(both.body)).not.toContain(phone);
    });
  });
});
