import { documentTypeWords, repaymentMethodWords } from '@loanflow/proto';
import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';
import { startSystem, type TestSystem, type TestUser } from '../support/system';
import { scanPdf, uploadDocument, type Body } from '../support/uploads';

/**
 * One vocabulary through the gateway (issue 9, item 5): products, applications, the documents
 * service and the API speak the words of loanflow.common.v1; what a product requires is what its
 * checklists ask for; old words are refused naming the allowed ones; rates have four decimals.
 * And the smaller seams of the applications: a duplicate customer names the existing one, the
 * history keeps a withdrawal's reason.
 */

const USERS: TestUser[] = [{ username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' }];

interface Product {
  code: string;
  repaymentMethods: string[];
  requiredDocuments: string[];
  minRatePercent: string;
  maxRatePercent: string;
  referenceRatePercent: string;
}

describe('end to end: one vocabulary', () => {
  let system: TestSystem;
  const { ids, call, loadIds } = bankers(() => system);
  let products: Product[];
  let customerId: string;

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    await loadIds(USERS);
    products = (await call<{ items: Product[] }>('am.sh', 'GET', '/products')).body.items;
    const customer = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '刘洋',
      individual: {
        residentId: residentId('1984-02-11', 'male'),
        mobile: mobile(),
        monthlyIncome: '40000.00',
      },
    });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
  });
  afterAll(async () => {
    await system?.stop();
  });

  const application = (draft: Record<string, unknown> = {}) =>
    call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'SMALL_BUSINESS',
      amount: '300000.00',
      termMonths: 24,
      repaymentMethod: 'interest_only',
      purpose: 'Stock for a second shop',
      existingMonthlyDebtPayments: '0.00',
      ...draft,
    });

  // A product requires what its approval steps' checklists ask for; the disbursement review's
  // papers (the signed contract, which files itself, and the security documents) come after the
  // decision and are checked there.
  it("requires for every product exactly what the product's approval checklists ask for", async () => {
    const { rows } = await system.db.query<{ product_code: string; document_type: string }>(
      `SELECT DISTINCT product_code, document_type FROM ${system.schemas.documents}.checklist_items
        WHERE stage <> 'disbursement'`,
    );
    const checklists = new Map<string, string[]>();
    for (const r of rows)
      checklists.set(r.product_code, [...(checklists.get(r.product_code) ?? []), r.document_type]);

    expect(products.map((p) => p.code).sort()).toEqual(
      ['CORP_WORKING_CAPITAL', 'MORTGAGE', 'PERSONAL_CONSUMER', 'SMALL_BUSINESS'].sort(),
    );
    for (const p of products) {
      expect({ product: p.code, required: [...p.requiredDocuments].sort() }).toEqual({
        product: p.code,
        required: (checklists.get(p.code) ?? []).sort(),
      });
    }
    const types = await system.db.query<{ code: string }>(
      `SELECT code FROM ${system.schemas.documents}.document_types ORDER BY code`,
    );
    expect(types.rows.map((t) => t.code)).toEqual([...documentTypeWords.words].sort());
  });

  it('lists products with the common words and rates of four decimals', () => {
    for (const p of products) {
      expect(p.repaymentMethods.every((m) => repaymentMethodWords.words.includes(m))).toBe(true);
      for (const rate of [p.minRatePercent, p.maxRatePercent, p.referenceRatePercent])
        expect(rate).toMatch(/^\d{1,2}\.\d{4}$/);
    }
    expect(products.find((p) => p.code === 'SMALL_BUSINESS')).toMatchObject({
      repaymentMethods: ['equal_installments', 'equal_principal', 'interest_only'],
      referenceRatePercent: '3.8500',
      requiredDocuments: [
        'id_card_front',
        'id_card_back',
        'bank_statement',
        'credit_report',
        'business_license',
        'investigation_report',
      ],
    });
  });

  it("accepts an upload under each of the product's words, and answers rates with four decimals", async () => {
    const created = await application({ ratePercent: '4.2' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ repaymentMethod: 'interest_only', ratePercent: '4.2000' });
    const token = await system.login('am.sh');
    const small = products.find((p) => p.code === 'SMALL_BUSINESS')!;
    for (const documentType of small.requiredDocuments) {
      const filed = await uploadDocument(
        system.baseUrl,
        token,
        { kind: 'application', id: created.body.id as string },
        documentType,
        { name: `${documentType}.pdf`, type: 'application/pdf', body: scanPdf(documentType) },
      );
      expect([documentType, filed.status]).toEqual([documentType, 201]);
    }
    for (const stage of ['market_routing', 'investigation']) {
      const checklist = await call<Body>(
        'am.sh',
        'GET',
        `/applications/${created.body.id as string}/checklist?stage=${stage}`,
      );
      expect([stage, checklist.body]).toMatchObject([stage, { complete: true, missing: [] }]);
    }
  });

  it('refuses the old words with a 400 naming the field and the allowed values, writing nothing', async () => {
    const before = await system.count(system.schemas.applications, 'loan_applications');
    for (const old of ['interest_only_bullet', 'lump_sum']) {
      const refused = await application({ repaymentMethod: old });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.errors).toEqual([
        {
          field: 'repaymentMethod',
          reason:
            'must be one of equal_installments, equal_principal, interest_only, ' +
            'interest_only_quarterly, bullet, flat',
        },
      ]);
    }
    expect(await system.count(system.schemas.applications, 'loan_applications')).toBe(before);

    const draft = await application();
    const documentsBefore = await system.count(system.schemas.documents, 'documents');
    for (const old of ['business_licence', 'bank_statements', 'id_card']) {
      const refused = await uploadDocument(
        system.baseUrl,
        await system.login('am.sh'),
        { kind: 'application', id: draft.body.id as string },
        old,
        { name: 'scan.pdf', type: 'application/pdf', body: scanPdf(old) },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: 'documentType', reason: `must be one of ${documentTypeWords.words.join(', ')}` },
      ]);
    }
    expect(await system.count(system.schemas.documents, 'documents')).toBe(documentsBefore);
  });

  it('answers a duplicate customer with 409 and the id of the customer who exists', async () => {
    const person = residentId('1991-07-30', 'female');
    const first = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '赵敏',
      individual: { residentId: person, mobile: mobile() },
    });
    expect(first.status).toBe(201);
    const again = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '赵敏',
      individual: { residentId: person, mobile: mobile() },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'already_exists',
      existingCustomerId: first.body.id,
      detail: `a customer with this resident ID number already exists: ${first.body.id as string}`,
    });
  });

  it("keeps a withdrawal's reason, who and when in the application's history", async () => {
    const draft = await application({ amount: '100000.00' });
    const id = draft.body.id as string;
    const submitted = await call('am.sh', 'POST', `/applications/${id}/submit`);
    expect(submitted.status).toBe(200);
    const withdrawn = await call('am.sh', 'POST', `/applications/${id}/withdraw`, {
      reason: '客户改用抵押贷款',
    });
    expect(withdrawn.status).toBe(200);
    const read = await call<Body>('am.sh', 'GET', `/applications/${id}`);
    expect(read.body.status).toBe('withdrawn');
    expect(read.body.history).toEqual([
      {
        action: 'submitted',
        at: read.body.submittedAt,
        actor: ids['am.sh'],
        reason: null,
        details: {},
      },
      {
        action: 'withdrawn',
        at: read.body.withdrawnAt,
        actor: ids['am.sh'],
        reason: '客户改用抵押贷款',
        details: { from: 'submitted' },
      },
    ]);
    expect(read.body).toMatchObject({ contractId: null, loanId: null });
  });
});
