import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata } from '@grpc/grpc-js';
import { generateSigningKeys, signServiceToken, type RpcOptions } from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';
import {
  consumerDraft,
  createCorporate,
  createIndividual,
  rpcError,
  startHarness,
  type Harness,
} from './harness';

const { CustomerType } = applicationsV1;
const UNKNOWN = '0190a0a0-0000-7000-8000-00000000dead';

const bearer = (token: string): RpcOptions => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { metadata, timeoutMs: 10000 };
};

describe('GetBorrowerContact: the borrower’s name and mobile, for the notifications service only', () => {
  const serviceKeys = generateSigningKeys();
  const asService = (service: string, privateKey = serviceKeys.privateKey) =>
    bearer(signServiceToken(service, privateKey));
  let h: Harness;
  const disclosures = async (customerId: string) =>
    (
      await h.db.query(
        `SELECT customer_id, application_id, purpose, disclosed_to FROM pii_disclosures
          WHERE customer_id = $1 ORDER BY disclosed_at, id`,
        [customerId],
      )
    ).rows;

  beforeAll(async () => {
    h = await startHarness({ env: { SERVICE_TOKEN_PUBLIC_KEY: serviceKeys.publicKey } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('by customer id: the name and the full mobile of an individual, the disclosure recorded', async () => {
    const { customer, mobile } = await createIndividual(h, 'shManager', { name: '王小明' });
    const res = await h.client.getBorrowerContact(
      { customerId: customer.id, applicationId: '', purpose: 'notification' },
      asService('notifications'),
    );
    expect(res).toEqual({
      customerId: customer.id,
      customerType: CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
      name: '王小明',
      mobile,
      accountManagerId: '',
      branchId: 'SH001',
    });
    expect(await disclosures(customer.id)).toEqual([
      {
        customer_id: customer.id,
        application_id: null,
        purpose: 'notification',
        disclosed_to: 'service:notifications',
      },
    ]);
  });

  it("a company's contact mobile", async () => {
    const contactMobile = '13912345678';
    const { customer } = await createCorporate(h, 'shCorporate', { contactMobile });
    const res = await h.client.getBorrowerContact(
      { customerId: customer.id, applicationId: '', purpose: 'notification' },
      asService('notifications'),
    );
    expect(res).toMatchObject({
      customerType: CustomerType.CUSTOMER_TYPE_CORPORATE,
      name: customer.name,
      mobile: contactMobile,
    });
  });

  it('by application id: also the account manager who entered it and its branch', async () => {
    const { customer, mobile } = await createIndividual(h, 'shManager');
    const { application } = await h.client.createApplication(
      { draft: consumerDraft(customer.id) },
      h.as('shManager'),
    );
    const byApplication = { customerId: '', applicationId: application!.id };
    const res = await h.client.getBorrowerContact(
      { ...byApplication, purpose: 'notification' },
      asService('notifications'),
    );
    expect(res).toEqual({
      customerId: customer.id,
      customerType: CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
      name: customer.name,
      mobile,
      accountManagerId: h.principal('shManager').userId,
      branchId: application!.branchId,
    });
    // Both ids may be given when they agree; a customer that is not the application's is refused.
    const both = await h.client.getBorrowerContact(
      { customerId: customer.id, applicationId: application!.id, purpose: 'notification' },
      asService('notifications'),
    );
    expect(both).toEqual(res);
    const { customer: other } = await createIndividual(h, 'shManager');
    const mismatch = await rpcError(
      h.client.getBorrowerContact(
        { customerId: other.id, applicationId: application!.id, purpose: 'notification' },
        asService('notifications'),
      ),
    );
    expect(mismatch.code).toBe('invalid_argument');
    expect(mismatch.violations).toEqual([
      { field: 'customerId', reason: `is not the customer of application ${application!.id}` },
    ]);
    expect(await disclosures(customer.id)).toEqual([
      {
        customer_id: customer.id,
        application_id: application!.id,
        purpose: 'notification',
        disclosed_to: 'service:notifications',
      },
      {
        customer_id: customer.id,
        application_id: application!.id,
        purpose: 'notification',
        disclosed_to: 'service:notifications',
      },
    ]);
    expect(await disclosures(other.id)).toEqual([]);
  });

  it('refuses a user token, another service, a token of another signer, and no token; discloses nothing', async () => {
    const { customer } = await createIndividual(h, 'shManager');
    const ask = (opts: RpcOptions) =>
      rpcError(
        h.client.getBorrowerContact(
          { customerId: customer.id, applicationId: '', purpose: 'notification' },
          opts,
        ),
      );
    // Even the account manager of the customer's own branch: staff read the masked number.
    const user = await ask(h.as('shManager'));
    expect(user.code).toBe('unauthenticated');
    const documents = await ask(asService('documents'));
    expect(documents.code).toBe('permission_denied');
    expect(documents.message).toBe('the documents service may not make this call');
    const forged = await ask(asService('notifications', generateSigningKeys().privateKey));
    expect(forged.code).toBe('unauthenticated');
    const anonymous = await ask({ metadata: new Metadata(), timeoutMs: 10000 });
    expect(anonymous.code).toBe('unauthenticated');
    expect(await disclosures(customer.id)).toEqual([]);
  });

  it('refuses another purpose, missing or malformed ids, with the field; NOT_FOUND for unknown ids', async () => {
    const { customer } = await createIndividual(h, 'shManager');
    const ask = (req: Partial<applicationsV1.GetBorrowerContactRequest>) =>
      rpcError(
        h.client.getBorrowerContact(
          { customerId: '', applicationId: '', purpose: 'notification', ...req },
          asService('notifications'),
        ),
      );
    const purpose = await ask({ customerId: customer.id, purpose: 'marketing' });
    expect(purpose.code).toBe('invalid_argument');
    expect(purpose.violations).toEqual([
      { field: 'purpose', reason: 'must be one of notification' },
    ]);
    expect((await ask({})).violations).toEqual([
      { field: 'customerId', reason: 'give the customer id or the application id' },
    ]);
    expect((await ask({ customerId: 'C-1', applicationId: 'A-1' })).violations).toEqual([
      { field: 'customerId', reason: 'must be a UUID' },
      { field: 'applicationId', reason: 'must be a UUID' },
    ]);
    expect((await ask({ customerId: UNKNOWN })).code).toBe('not_found');
    expect((await ask({ applicationId: UNKNOWN })).code).toBe('not_found');
    expect(await disclosures(customer.id)).toEqual([]);
  });
});

describe('GetBorrowerContact without SERVICE_TOKEN_PUBLIC_KEY', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers UNAUTHENTICATED: service calls are not configured', async () => {
    const { customer } = await createIndividual(h, 'shManager');
    const keys = generateSigningKeys();
    const err = await rpcError(
      h.client.getBorrowerContact(
        { customerId: customer.id, applicationId: '', purpose: 'notification' },
        bearer(signServiceToken('notifications', keys.privateKey)),
      ),
    );
    expect(err.code).toBe('unauthenticated');
    expect(err.message).toBe('service calls are not configured');
  });
});
