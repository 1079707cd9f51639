import { randomUUID } from 'node:crypto';
import { countRows, givenApplication, pdfBytes, startHarness, type Harness } from './harness';

/**
 * The checklist of an application per product and stage of the approval flow: what is filed on
 * the application or on its customer counts, and the stage's completion is published once.
 */
describe('documents service: checklists', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const file = (ownerKind: string, ownerId: string, documentType: string) =>
    h.upload('shManager', {
      owner: { kind: ownerKind, id: ownerId },
      documentType,
      bytes: pdfBytes(`${ownerId}-${documentType}`),
    });

  it('lists what each stage of the product needs, and what is still missing', async () => {
    const { applicationId } = givenApplication(h, { productCode: 'PERSONAL_CONSUMER' });
    const all = await h.client.getChecklist({ applicationId, stage: '' }, h.as('shManager'));
    expect(all.items.map((i) => `${i.stage}:${i.documentType}:${i.present}`)).toEqual([
      'disbursement:loan_contract:false',
      'investigation:investigation_report:false',
      'market_routing:bank_statement:false',
      'market_routing:credit_report:false',
      'market_routing:id_card_back:false',
      'market_routing:id_card_front:false',
      'market_routing:income_proof:false',
    ]);
    expect(all).toMatchObject({ applicationId, productCode: 'PERSONAL_CONSUMER', complete: false });

    const investigation = await h.client.getChecklist(
      { applicationId, stage: 'investigation' },
      h.as('shManager'),
    );
    expect(investigation).toMatchObject({
      missing: ['investigation_report'],
      complete: false,
      items: [{ documentType: 'investigation_report', nameZh: '贷前调查报告', present: false }],
    });

    const small = givenApplication(h, { productCode: 'SMALL_BUSINESS' });
    const routing = await h.client.getChecklist(
      { applicationId: small.applicationId, stage: 'market_routing' },
      h.as('shManager'),
    );
    expect(routing.missing).toEqual([
      'bank_statement',
      'business_license',
      'credit_report',
      'id_card_back',
      'id_card_front',
    ]);
  });

  it('completes a stage once every document is in — the ID card filed on the customer counting — and says so once', async () => {
    const { applicationId, customerId } = givenApplication(h);
    await file('customer', customerId, 'id_card_front');
    await file('customer', customerId, 'id_card_back');
    for (const type of ['income_proof', 'bank_statement'])
      await file('application', applicationId, type);
    expect(await h.published('documents.checklist.completed', applicationId)).toEqual([]);

    await file('application', applicationId, 'credit_report');
    const done = await h.client.getChecklist(
      { applicationId, stage: 'market_routing' },
      h.as('shManager'),
    );
    expect(done).toMatchObject({ missing: [], complete: true });
    expect(await h.published('documents.checklist.completed', applicationId)).toEqual([
      { applicationId, productCode: 'PERSONAL_CONSUMER', stage: 'market_routing' },
    ]);

    // A new version of a filed type completes nothing again.
    await h.upload('shManager', {
      owner: { kind: 'application', id: applicationId },
      documentType: 'credit_report',
      bytes: pdfBytes(`${applicationId}-credit-report-v2`),
    });
    await file('application', applicationId, 'investigation_report');
    expect(await h.published('documents.checklist.completed', applicationId)).toEqual([
      { applicationId, productCode: 'PERSONAL_CONSUMER', stage: 'market_routing' },
      { applicationId, productCode: 'PERSONAL_CONSUMER', stage: 'investigation' },
    ]);
  });

  it('refuses a malformed stage or application id, and a caller who may not see the application', async () => {
    const { applicationId } = givenApplication(h);
    await expect(
      h.client.getChecklist({ applicationId, stage: 'Market Routing' }, h.as('shManager')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'stage', reason: 'must be a step code such as investigation' }],
    });
    await expect(
      h.client.getChecklist({ applicationId: 'not-a-uuid', stage: '' }, h.as('shManager')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'applicationId.id', reason: 'must be a UUID' }],
    });
    await expect(
      h.client.getChecklist({ applicationId, stage: '' }, h.as('bjManager')),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.client.getChecklist({ applicationId: randomUUID(), stage: '' }, h.as('shManager')),
    ).rejects.toMatchObject({ code: 'not_found' });
    // Only the application the caller could see is remembered.
    expect(await countRows(h, 'owners', 'id = $1', [applicationId])).toBe(0);
  });
});
