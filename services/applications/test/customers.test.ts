import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, generateSigningKeys, signAccessToken } from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';
import {
  corporateRequest,
  countRows,
  createCorporate,
  createIndividual,
  creditCode,
  individualRequest,
  maskedId,
  maskedMobile,
  mobile,
  residentId,
  rpcError,
  startHarness,
  withWrongCheckChar,
  type Harness,
} from './harness';

const { CustomerType } = applicationsV1;
const find = (q: Partial<applicationsV1.FindCustomersRequest>) =>
  applicationsV1.FindCustomersRequest.fromPartial(q);

describe('applications service: customers', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('creating', () => {
    it('creates an individual: birth date and sex come from the ID number, the response carries only masks (no birth date for the front office)', async () => {
      const person = residentId({ sex: 'female' });
      const phone = mobile();
      const req = individualRequest({
        name: 'Wang Fang',
        residentId: person.id,
        mobile: phone,
        monthlyIncome: '25000',
      });

      const { customer } = await h.client.createCustomer(req, h.as('shManager'));

      expect(customer).toEqual({
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        type: CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        name: 'Wang Fang',
        branchId: 'SH001',
        individual: {
          residentId: '',
          residentIdMasked: maskedId(person.id),
          birthDate: '',
          sex: 'female',
          mobile: '',
          mobileMasked: maskedMobile(phone),
          address: '88 Century Avenue, Pudong, Shanghai',
          occupation: 'Engineer',
          employer: 'Shanghai Electric',
          monthlyIncome: '25000.00',
        },
        corporate: undefined,
        createdBy: h.principal('shManager').userId,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Date.parse(customer!.createdAt)).toBeGreaterThan(Date.now() - 60000);

      const fetched = await h.client.getCustomer({ id: customer!.id }, h.as('shManager'));
      expect(fetched.customer).toEqual(customer);
      // The credit officer who assesses the borrower sees the birth date, and less of the number.
      const assessor = { ...h.principal('shManager'), roles: ['credit_officer' as const] };
      const assessed = await h.client.getCustomer({ id: customer!.id }, h.as(assessor));
      expect(assessed.customer!.individual).toMatchObject({
        residentIdMasked: `${person.id.slice(0, 2)}${'*'.repeat(16)}`,
        birthDate: person.birthDate,
      });
    });

    it('derives sex "male" from an odd 17th digit', async () => {
      const person = residentId({ sex: 'male' });
      const { customer } = await createIndividual(h, 'shManager', { residentId: person.id });
      expect(customer.individual!.sex).toBe('male');
      const assessor = { ...h.principal('shManager'), roles: ['risk_manager' as const] };
      const read = await h.client.getCustomer({ id: customer.id }, h.as(assessor));
      expect(read.customer!.individual!.birthDate).toBe(person.birthDate);
    });

    it('stores the resident ID number and mobile only encrypted: neither appears in clear in any table', async () => {
      const person = residentId();
      const phone = mobile();
      // Entered with separators and a country code: what must not leak is the normalised number.
      const entered = `+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
      const { customer } = await createIndividual(h, 'shManager', {
        residentId: person.id,
        mobile: entered,
      });
      expect(customer.individual!.mobileMasked).toBe(maskedMobile(phone));

      const { rows: tables } = await h.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
        [h.schema],
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['customers', 'outbox', 'loan_applications']),
      );
      for (const { table_name } of tables) {
        for (const secret of [person.id, phone]) {
          const hits = await countRows(h, `${table_name} t`, `t::text LIKE '%' || $1 || '%'`, [
            secret,
          ]);
          expect({ table: table_name, secret, hits }).toEqual({
            table: table_name,
            secret,
            hits: 0,
          });
        }
      }

      // It is there, encrypted with the service's key, and indexed by a keyed hash.
      const { rows } = await h.db.query(
        'SELECT resident_id_enc, resident_id_idx, resident_id_masked, mobile_enc, mobile_idx, mobile_masked FROM customers WHERE id = $1',
        [customer.id],
      );
      const row = rows[0] as Record<string, string>;
      expect(h.pii.decrypt(row.resident_id_enc!)).toBe(person.id);
      expect(h.pii.decrypt(row.mobile_enc!)).toBe(phone);
      expect(row.resident_id_idx).toBe(h.pii.blindIndex('resident_id', person.id));
      expect(row.mobile_idx).toBe(h.pii.blindIndex('mobile', phone));
      expect(row.resident_id_masked).toBe(maskedId(person.id));
      expect(row.mobile_masked).toBe(maskedMobile(phone));
    });

    it('creates a corporate customer, normalising the credit code and masking the contact mobile', async () => {
      const code = creditCode();
      const phone = mobile();
      const req = corporateRequest({
        name: 'Huadong Machinery Co., Ltd.',
        creditCode: code.toLowerCase(),
        contactMobile: phone,
        annualRevenue: '20000000.5',
      });

      const { customer } = await h.client.createCustomer(req, h.as('shCorporate'));

      expect(customer).toEqual({
        id: expect.any(String),
        type: CustomerType.CUSTOMER_TYPE_CORPORATE,
        name: 'Huadong Machinery Co., Ltd.',
        branchId: 'SH001',
        individual: undefined,
        corporate: {
          creditCode: code,
          legalRepresentative: 'Li Si',
          registeredCapital: '5000000.00',
          industry: 'Manufacturing',
          annualRevenue: '20000000.50',
          contactMobile: '',
          contactMobileMasked: maskedMobile(phone),
        },
        createdBy: h.principal('shCorporate').userId,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await countRows(h, 'customers c', `c::text LIKE '%' || $1 || '%'`, [phone])).toBe(0);
    });

    it('refuses a second customer with the same resident ID number (ALREADY_EXISTS) and writes nothing', async () => {
      const person = residentId();
      const first = await createIndividual(h, 'shManager', { residentId: person.id });
      const before = await countRows(h, 'customers');

      const err = await rpcError(
        h.client.createCustomer(individualRequest({ residentId: person.id }), h.as('shManager')),
      );

      expect(err.code).toBe('already_exists');
      expect(err.message).toBe(
        `a customer with this resident ID number already exists: ${first.customer.id}`,
      );
      expect(err.extensions).toEqual({ existingCustomerId: first.customer.id });
      expect(await countRows(h, 'customers')).toBe(before);
    });

    it('recognises the same number entered with a lower-case check character x as a duplicate', async () => {
      const person = residentId({ checkChar: 'X' });
      const { customer } = await createIndividual(h, 'shManager', {
        residentId: person.id.toLowerCase(),
      });
      expect(customer.individual!.residentIdMasked).toBe(maskedId(person.id));

      const err = await rpcError(
        h.client.createCustomer(individualRequest({ residentId: person.id }), h.as('shManager')),
      );
      expect(err.code).toBe('already_exists');

      const found = await h.client.findCustomers(
        find({ residentId: person.id.toLowerCase() }),
        h.as('shManager'),
      );
      expect(found.customers.map((c) => c.id)).toEqual([customer.id]);
    });

    it("refuses a second company with the same credit code (ALREADY_EXISTS), even from another branch — naming it only within the caller's scope", async () => {
      const code = creditCode();
      const first = await createCorporate(h, 'shCorporate', { creditCode: code });
      const before = await countRows(h, 'customers');

      const err = await rpcError(
        h.client.createCustomer(
          corporateRequest({ creditCode: code.toLowerCase() }),
          h.as('bjManager'),
        ),
      );

      expect(err.code).toBe('already_exists');
      // Beijing does not serve Shanghai's customer: not told who, nor where.
      expect(err.message).toBe('a customer with this unified social credit code already exists');
      expect(err.extensions).toEqual({});
      expect(err.message).not.toContain('SH001');

      const inScope = await rpcError(
        h.client.createCustomer(corporateRequest({ creditCode: code }), h.as('shCorporate')),
      );
      expect(inScope.message).toBe(
        `a customer with this unified social credit code already exists: ${first.customer.id}`,
      );
      expect(inScope.extensions).toEqual({ existingCustomerId: first.customer.id });
      expect(await countRows(h, 'customers')).toBe(before);
    });

    it('does not tell an account manager of another branch which customer holds a resident ID number', async () => {
      const person = residentId();
      const first = await createIndividual(h, 'shManager', { residentId: person.id });
      const before = await countRows(h, 'customers');

      const outside = await rpcError(
        h.client.createCustomer(individualRequest({ residentId: person.id }), h.as('bjManager')),
      );
      expect(outside.code).toBe('already_exists');
      expect(outside.message).toBe('a customer with this resident ID number already exists');
      expect(outside.extensions).toEqual({});
      expect(JSON.stringify(outside)).not.toContain(first.customer.id);

      // The head office serves every branch: it is told.
      const hq = await rpcError(
        h.client.createCustomer(
          individualRequest({ residentId: person.id, branchId: 'SH001' }),
          h.as('hqManager'),
        ),
      );
      expect(hq.extensions).toEqual({ existingCustomerId: first.customer.id });
      expect(await countRows(h, 'customers')).toBe(before);
    });
  });

  describe('invalid input: INVALID_ARGUMENT naming the field, nothing written', () => {
    const cases: {
      what: string;
      request: () => applicationsV1.CreateCustomerRequest;
      violations: { field: string; reason: string | RegExp }[];
    }[] = [
      {
        what: 'a resident ID number with a wrong check digit',
        request: () => individualRequest({ residentId: withWrongCheckChar(residentId().id) }),
        violations: [
          {
            field: 'individual.residentId',
            reason: /^check digit does not match \(expected [0-9X]\)$/,
          },
        ],
      },
      {
        what: 'a resident ID number with an impossible birth date',
        request: () => {
          const first17 = `${residentId().id.slice(0, 6)}19900230${'123'}`;
          return individualRequest({ residentId: `${first17}0` });
        },
        violations: [
          {
            field: 'individual.residentId',
            reason: 'birth date 19900230 is not a real calendar date',
          },
        ],
      },
      {
        what: 'a mobile number starting with 12',
        request: () => individualRequest({ mobile: '12345678901' }),
        violations: [{ field: 'individual.mobile', reason: 'must start with 13 to 19' }],
      },
      {
        what: 'a mobile number that is too short',
        request: () => individualRequest({ mobile: '1391234567' }),
        violations: [{ field: 'individual.mobile', reason: 'must be an 11-digit mobile number' }],
      },
      {
        what: 'a bad ID number and a bad mobile at once (all problems reported)',
        request: () =>
          individualRequest({
            residentId: withWrongCheckChar(residentId().id),
            mobile: '12345678901',
          }),
        violations: [
          { field: 'individual.residentId', reason: /^check digit does not match/ },
          { field: 'individual.mobile', reason: 'must start with 13 to 19' },
        ],
      },
      {
        what: 'a credit code with a wrong check character',
        request: () => {
          const code = creditCode();
          const wrong = code[17] === '0' ? '1' : '0';
          return corporateRequest({ creditCode: code.slice(0, 17) + wrong });
        },
        violations: [
          {
            field: 'corporate.creditCode',
            reason: /^check character does not match \(expected [0-9A-Y]\)$/,
          },
        ],
      },
      {
        what: 'a credit code with a letter the standard never uses',
        request: () => corporateRequest({ creditCode: `91310000MA1FL0000I` }),
        violations: [
          {
            field: 'corporate.creditCode',
            reason: 'character "I" is not allowed (I, O, S, V and Z are never used)',
          },
        ],
      },
      {
        what: 'a bad contact mobile of a company',
        request: () => corporateRequest({ contactMobile: '2345' }),
        violations: [
          { field: 'corporate.contactMobile', reason: 'must be an 11-digit mobile number' },
        ],
      },
      {
        what: 'no customer type',
        request: () => ({ ...individualRequest(), type: CustomerType.CUSTOMER_TYPE_UNSPECIFIED }),
        violations: [{ field: 'type', reason: 'must be individual or corporate' }],
      },
      {
        what: 'a blank name',
        request: () => individualRequest({ name: '   ' }),
        violations: [{ field: 'name', reason: 'is required' }],
      },
      {
        what: 'NUL characters in the name and the address (PostgreSQL would refuse them)',
        request: () => {
          const req = individualRequest({ name: 'Zhang\u0000San' });
          req.individual!.address = '88 Century Avenue\u0000';
          return req;
        },
        violations: [
          { field: 'name', reason: 'must not contain a NUL character' },
          { field: 'individual.address', reason: 'must not contain a NUL character' },
        ],
      },
      {
        what: "a NUL character in a company's legal representative",
        request: () => {
          const req = corporateRequest();
          req.corporate!.legalRepresentative = 'Li\u0000Si';
          return req;
        },
        violations: [
          { field: 'corporate.legalRepresentative', reason: 'must not contain a NUL character' },
        ],
      },
    ];

    it.each(cases)('$what', async ({ request, violations }) => {
      const before = await countRows(h, 'customers');

      const err = await rpcError(h.client.createCustomer(request(), h.as('shManager')));

      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual(
        violations.map((v) => ({
          field: v.field,
          reason: typeof v.reason === 'string' ? v.reason : expect.stringMatching(v.reason),
        })),
      );
      expect(await countRows(h, 'customers')).toBe(before);
    });
  });

  describe('finding', () => {
    it('finds an individual by resident ID number, exactly', async () => {
      const a = await createIndividual(h);
      await createIndividual(h);

      const found = await h.client.findCustomers(
        find({ residentId: a.residentId }),
        h.as('shManager'),
      );

      expect(found.customers).toEqual([a.customer]);
      expect(found.nextPageToken).toBe('');
      const nobody = await h.client.findCustomers(
        find({ residentId: residentId().id }),
        h.as('shManager'),
      );
      expect(nobody.customers).toEqual([]);
    });

    it('finds customers by mobile, whatever way the number is written', async () => {
      const phone = mobile();
      const a = await createIndividual(h, 'shManager', { mobile: phone });
      const b = await createIndividual(h, 'shManager', { mobile: phone });
      await createIndividual(h);

      const found = await h.client.findCustomers(
        find({ mobile: `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` }),
        h.as('shManager'),
      );

      expect(found.customers.map((c) => c.id).sort()).toEqual(
        [a.customer.id, b.customer.id].sort(),
      );
    });

    it('finds a company by credit code, exactly and case-insensitively', async () => {
      const a = await createCorporate(h);
      await createCorporate(h);

      const found = await h.client.findCustomers(
        find({ creditCode: a.creditCode.toLowerCase() }),
        h.as('shManager'),
      );

      expect(found.customers).toEqual([a.customer]);
    });

    it('pages through a name prefix, page_size 2, in name order with ties broken by id', async () => {
      const prefix = `Pager${h.runId}`;
      const alpha = await createIndividual(h, 'shManager', { name: `${prefix}A` });
      const bravo1 = await createIndividual(h, 'shManager', { name: `${prefix}B` });
      const bravo2 = await createIndividual(h, 'shManager', { name: `${prefix}B` });
      const charlie = await createIndividual(h, 'shManager', { name: `${prefix}C` });
      await createIndividual(h, 'shManager', { name: `Other${h.runId}A` });
      const bravos = [bravo1.customer.id, bravo2.customer.id].sort();

      const page1 = await h.client.findCustomers(
        find({ namePrefix: prefix, pageSize: 2 }),
        h.as('shManager'),
      );
      expect(page1.customers.map((c) => c.id)).toEqual([alpha.customer.id, bravos[0]]);
      expect(page1.nextPageToken).not.toBe('');

      const page2 = await h.client.findCustomers(
        find({ namePrefix: prefix, pageSize: 2, pageToken: page1.nextPageToken }),
        h.as('shManager'),
      );
      expect(page2.customers.map((c) => c.id)).toEqual([bravos[1], charlie.customer.id]);
      // Exactly 4 matches: no token pointing at an empty page.
      expect(page2.nextPageToken).toBe('');
    });

    it('treats % and _ in a name prefix literally', async () => {
      const base = `Lit${h.runId}`;
      const percent = await createIndividual(h, 'shManager', { name: `${base}%off` });
      const underscore = await createIndividual(h, 'shManager', { name: `${base}_x` });
      await createIndividual(h, 'shManager', { name: `${base}Zoff` });

      const byPercent = await h.client.findCustomers(
        find({ namePrefix: `${base}%` }),
        h.as('shManager'),
      );
      const byUnderscore = await h.client.findCustomers(
        find({ namePrefix: `${base}_` }),
        h.as('shManager'),
      );

      expect(byPercent.customers.map((c) => c.id)).toEqual([percent.customer.id]);
      expect(byUnderscore.customers.map((c) => c.id)).toEqual([underscore.customer.id]);
    });

    it('wants exactly one criterion and a token it issued', async () => {
      const none = await rpcError(h.client.findCustomers(find({}), h.as('shManager')));
      expect(none.code).toBe('invalid_argument');
      expect(none.violations).toEqual([
        {
          field: 'residentId',
          reason: 'give exactly one of residentId, creditCode, mobile, namePrefix',
        },
      ]);

      const two = await rpcError(
        h.client.findCustomers(find({ namePrefix: 'Zh', mobile: mobile() }), h.as('shManager')),
      );
      expect(two.code).toBe('invalid_argument');
      expect(two.violations).toEqual([
        {
          field: 'namePrefix',
          reason: 'give exactly one of residentId, creditCode, mobile, namePrefix',
        },
      ]);

      const badId = await rpcError(
        h.client.findCustomers(find({ residentId: '110105' }), h.as('shManager')),
      );
      expect(badId.violations).toEqual([
        { field: 'residentId', reason: 'must be 18 characters (got 6)' },
      ]);

      const badToken = await rpcError(
        h.client.findCustomers(
          find({ namePrefix: 'Zh', pageToken: 'not-a-token' }),
          h.as('shManager'),
        ),
      );
      expect(badToken.code).toBe('invalid_argument');
      expect(badToken.violations).toEqual([
        { field: 'pageToken', reason: 'is not a token this service issued' },
      ]);
    });
  });

  describe('branch scope and roles', () => {
    it('keeps BJ001 staff away from an SH001 customer; SH001 staff and head office see it', async () => {
      const { customer, residentId: id } = await createIndividual(h, 'shManager');

      const err = await rpcError(h.client.getCustomer({ id: customer.id }, h.as('bjManager')));
      expect(err.code).toBe('permission_denied');
      expect(err.message).toBe('the customer belongs to branch SH001, outside your branch BJ001');

      expect((await h.client.getCustomer({ id: customer.id }, h.as('auditor'))).customer).toEqual(
        customer,
      );
      // The risk manager assesses: shown the birth date, and only the province of the number.
      expect((await h.client.getCustomer({ id: customer.id }, h.as('hqRisk'))).customer).toEqual({
        ...customer,
        individual: {
          ...customer.individual,
          residentIdMasked: `${id.slice(0, 2)}${'*'.repeat(16)}`,
          birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
        },
      });
    });

    it('returns NOT_FOUND for an unknown id and INVALID_ARGUMENT for a malformed one', async () => {
      const missing = await rpcError(
        h.client.getCustomer({ id: '01900000-0000-7000-8000-000000000000' }, h.as('hqRisk')),
      );
      expect(missing.code).toBe('not_found');
      const malformed = await rpcError(h.client.getCustomer({ id: 'abc' }, h.as('hqRisk')));
      expect(malformed.code).toBe('invalid_argument');
      expect(malformed.violations).toEqual([{ field: 'id', reason: 'must be a UUID' }]);
    });

    it('leaves other branches out of search results; head office sees all', async () => {
      const prefix = `Scope${h.runId}`;
      const sh1 = await createIndividual(h, 'shManager', { name: `${prefix}1` });
      const sh2 = await createIndividual(h, 'shManager', { name: `${prefix}2` });
      const bj = await createIndividual(h, 'bjManager', { name: `${prefix}3` });
      expect(bj.customer.branchId).toBe('BJ001');

      const ids = async (
        staff: 'shManager' | 'bjManager' | 'hqRisk',
        q: Partial<applicationsV1.FindCustomersRequest>,
      ) => (await h.client.findCustomers(find(q), h.as(staff))).customers.map((c) => c.id);

      expect(await ids('shManager', { namePrefix: prefix })).toEqual([
        sh1.customer.id,
        sh2.customer.id,
      ]);
      expect(await ids('bjManager', { namePrefix: prefix })).toEqual([bj.customer.id]);
      expect(await ids('hqRisk', { namePrefix: prefix })).toEqual([
        sh1.customer.id,
        sh2.customer.id,
        bj.customer.id,
      ]);
      // Exact identifiers do not reach across branches either.
      expect(await ids('bjManager', { residentId: sh1.residentId })).toEqual([]);
      expect(await ids('bjManager', { mobile: sh1.mobile })).toEqual([]);
      expect(await ids('hqRisk', { residentId: sh1.residentId })).toEqual([sh1.customer.id]);
    });

    it('lets only head office name another branch for a new customer', async () => {
      const before = await countRows(h, 'customers');
      const denied = await rpcError(
        h.client.createCustomer(individualRequest({ branchId: 'BJ001' }), h.as('shManager')),
      );
      expect(denied.code).toBe('permission_denied');
      expect(await countRows(h, 'customers')).toBe(before);

      const { customer } = await createIndividual(h, 'hqManager', { branchId: 'BJ001' });
      expect(customer.branchId).toBe('BJ001');

      const hqItself = await rpcError(
        h.client.createCustomer(individualRequest(), h.as('hqManager')),
      );
      expect(hqItself.code).toBe('invalid_argument');
      expect(hqItself.violations).toEqual([
        { field: 'branchId', reason: 'customers belong to a branch, not to the head office' },
      ]);
    });

    it.each(['auditor', 'hqRisk'] as const)(
      'does not let a %s enter customers (PERMISSION_DENIED, nothing written)',
      async (staff) => {
        const before = await countRows(h, 'customers');

        const err = await rpcError(h.client.createCustomer(individualRequest(), h.as(staff)));

        expect(err.code).toBe('permission_denied');
        expect(err.message).toBe(
          'entering a customer needs one of the roles account_manager, corporate_lending',
        );
        expect(await countRows(h, 'customers')).toBe(before);
      },
    );

    it('refuses calls without a valid token (UNAUTHENTICATED)', async () => {
      const { customer } = await createIndividual(h);
      const before = await countRows(h, 'customers');

      const noToken = await rpcError(h.client.createCustomer(individualRequest()));
      expect(noToken.code).toBe('unauthenticated');
      expect(noToken.message).toBe('missing bearer token');
      expect((await rpcError(h.client.getCustomer({ id: customer.id }))).code).toBe(
        'unauthenticated',
      );
      expect((await rpcError(h.client.findCustomers(find({ namePrefix: 'Zh' })))).code).toBe(
        'unauthenticated',
      );

      const foreign = new Metadata();
      foreign.set(
        'authorization',
        `Bearer ${signAccessToken(h.principal('shManager'), generateSigningKeys().privateKey)}`,
      );
      const forged = await rpcError(
        h.client.createCustomer(individualRequest(), { metadata: foreign }),
      );
      expect(forged.code).toBe('unauthenticated');
      expect(forged.message).toMatch(/^invalid access token: invalid signature/);

      const stale = new Metadata();
      stale.set(
        'authorization',
        `Bearer ${signAccessToken(h.principal('shManager'), h.signingKeys.privateKey, -60)}`,
      );
      const expired = await rpcError(
        h.client.createCustomer(individualRequest(), { metadata: stale }),
      );
      expect(expired.code).toBe('unauthenticated');
      expect(expired.message).toMatch(/^invalid access token: jwt expired/);

      expect(await countRows(h, 'customers')).toBe(before);
    });

    it('maps refusals to the gRPC status codes themselves, with the field violations in the trailer', async () => {
      const raw = createGrpcClient(
        applicationsV1.ApplicationsServiceClient,
        `127.0.0.1:${h.service.grpcPort}`,
      );
      const call = (req: applicationsV1.CreateCustomerRequest, md: Metadata) =>
        new Promise<ServiceError>((resolve, reject) =>
          raw.createCustomer(req, md, (err) =>
            err ? resolve(err) : reject(new Error('expected the call to fail')),
          ),
        );
      try {
        const unauthenticated = await call(individualRequest(), new Metadata());
        expect(unauthenticated.code).toBe(GrpcStatus.UNAUTHENTICATED);

        const invalid = await call(
          individualRequest({ mobile: '12345678901' }),
          h.as('shManager').metadata!,
        );
        expect(invalid.code).toBe(GrpcStatus.INVALID_ARGUMENT);
        const trailer = invalid.metadata.get('loanflow-error-bin')[0] as Buffer;
        expect(JSON.parse(trailer.toString('utf8'))).toEqual({
          code: 'invalid_argument',
          violations: [{ field: 'individual.mobile', reason: 'must start with 13 to 19' }],
        });

        const denied = await call(individualRequest(), h.as('auditor').metadata!);
        expect(denied.code).toBe(GrpcStatus.PERMISSION_DENIED);
      } finally {
        raw.close();
      }
    });
  });
});
