import { randomUUID } from 'node:crypto';
import { documentsV1 } from '@loanflow/proto';
import {
  countRows,
  eventually,
  givenApplication,
  sha256Of,
  startHarness,
  type Harness,
  type StaffKey,
} from './harness';

/**
 * Contracts through the real service: generated from the product's template with the schedule of
 * the real accounting service, signed by every party (CMS + RFC 3161 timestamp), verified over the
 * stored bytes; an older contract refused once a newer one exists; the disbursement review; and
 * the loan paid out under the contract linking to it and archiving the file.
 */
describe('documents service: contracts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  function request(
    applicationId: string,
    borrowerName: string,
    extra: Partial<documentsV1.GenerateContractRequest> = {},
  ): documentsV1.GenerateContractRequest {
    return documentsV1.GenerateContractRequest.fromPartial({
      applicationId,
      disbursementDate: '2026-01-15',
      parties: [
        {
          role: 'lender',
          name: 'LoanFlow 演示银行上海分行',
          signerUserId: h.principal('shReviewer').userId,
        },
        { role: 'borrower', name: borrowerName, signerUserId: h.principal('borrower').userId },
      ],
      ...extra,
    });
  }

  const sign = (who: StaffKey, contractId: string, partyRole: string) =>
    h.client.signContract({ contractId, partyRole }, h.as(who));

  it('generates a contract with the approved terms and the accounting schedule, signed by every party and verified', async () => {
    h.clock.set('2026-01-10T02:00:00.000Z');
    const { applicationId, customerId, borrowerName } = givenApplication(h);
    const { contract } = await h.client.generateContract(
      request(applicationId, borrowerName),
      h.as('shManager'),
    );
    expect(contract).toMatchObject({
      contractNumber: expect.stringMatching(/^HT2026\d{8}$/),
      applicationId,
      templateCode: 'PERSONAL_CONSUMER_LOAN',
      status: 'generated',
      amount: '100000.00',
      amountInCapitals: '壹拾万元整',
      customerId,
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      generatedAt: '2026-01-10T02:00:00.000Z',
      signatures: [],
      terms: {
        amount: '100000.00',
        annualRatePercent: '4.3500',
        termMonths: 12,
        repaymentMethod: 'REPAYMENT_METHOD_EQUAL_INSTALLMENTS',
        repaymentDay: '15',
        disbursementDate: '2026-01-15',
        firstDueDate: '2026-02-15',
        maturityDate: '2027-01-15',
      },
    });
    expect(contract!.terms!.schedule).toHaveLength(12);
    expect(h.peer.disclosures).toContain(`${applicationId}/contract_printing`);
    const pdf = await h.read('shManager', contract!.id);
    expect(pdf.header.mediaType).toBe('application/pdf');
    expect(sha256Of(pdf.bytes)).toBe(contract!.sha256);
    expect(await h.published('documents.contract.generated', contract!.id)).toEqual([
      {
        contractId: contract!.id,
        contractNumber: contract!.contractNumber,
        applicationId,
        templateCode: 'PERSONAL_CONSUMER_LOAN',
        templateVersion: contract!.templateVersion,
        sha256: contract!.sha256,
        parties: ['lender', 'borrower'],
      },
    ]);

    await expect(sign('shManager', contract!.id, 'lender')).rejects.toMatchObject({
      code: 'permission_denied',
    });
    h.clock.set('2026-01-12T03:00:00.000Z');
    const half = await sign('shReviewer', contract!.id, 'lender');
    expect(half.contract).toMatchObject({ status: 'signing' });
    await expect(sign('shReviewer', contract!.id, 'lender')).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('already signed'),
    });
    expect(await h.published('documents.contract.signed', contract!.id)).toEqual([]);
    h.clock.set('2026-01-12T05:00:00.000Z');
    const signed = await sign('borrower', contract!.id, 'borrower');
    expect(signed.contract!.status).toBe('signed');
    expect(signed.contract!.signatures.map((s) => [s.partyRole, s.signedAt])).toEqual([
      ['lender', '2026-01-12T03:00:00.000Z'],
      ['borrower', '2026-01-12T05:00:00.000Z'],
    ]);

    const verified = await h.client.verifyContract(
      { contractId: contract!.id, pdf: Buffer.alloc(0) },
      h.as('shReviewer'),
    );
    expect(verified).toMatchObject({
      intact: true,
      allPartiesSigned: true,
      sha256: contract!.sha256,
      signatures: [
        { partyRole: 'lender', valid: true, timestampTime: '2026-01-12T03:00:00.000Z' },
        { partyRole: 'borrower', valid: true, timestampTime: '2026-01-12T05:00:00.000Z' },
      ],
    });
    const altered = Buffer.from(pdf.bytes);
    altered[altered.length - 10] ^= 1;
    const tampered = await h.client.verifyContract(
      { contractId: contract!.id, pdf: altered },
      h.as('shReviewer'),
    );
    expect(tampered.intact).toBe(false);

    const [event, ...more] = await h.published('documents.contract.signed', contract!.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      contractId: contract!.id,
      contractNumber: contract!.contractNumber,
      applicationId,
      customerId,
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      borrowerName,
      parties: ['lender', 'borrower'],
      signedAt: '2026-01-12T05:00:00.000Z',
      terms: {
        amount: '100000.00',
        annualRatePercent: '4.3500',
        repaymentMethod: 'REPAYMENT_METHOD_EQUAL_INSTALLMENTS',
        maturityDate: '2027-01-15',
      },
    });
  });

  it('refuses to sign a contract superseded by a newer one, and any once one binds', async () => {
    const { applicationId, borrowerName } = givenApplication(h);
    const older = (
      await h.client.generateContract(request(applicationId, borrowerName), h.as('shManager'))
    ).contract!;
    const newer = (
      await h.client.generateContract(
        request(applicationId, borrowerName, { amount: '90000.00' }),
        h.as('shManager'),
      )
    ).contract!;
    await expect(sign('shReviewer', older.id, 'lender')).rejects.toMatchObject({
      code: 'failed_precondition',
      message: `contract ${older.contractNumber} was superseded by ${newer.contractNumber}; sign the newest`,
    });
    await sign('shReviewer', newer.id, 'lender');
    await sign('borrower', newer.id, 'borrower');
    await expect(sign('borrower', older.id, 'borrower')).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining(`contract ${newer.contractNumber} already binds`),
    });
    expect(await countRows(h, 'contract_signatures', 'contract_id = $1', [older.id])).toBe(0);
    // The older contract's PDF is a superseded version of the application's loan contract.
    const { versions } = await h.client.listVersions({ id: newer.id }, h.as('shManager'));
    expect(versions.map((v) => [v.id, v.status])).toEqual([
      [newer.id, 'stored'],
      [older.id, 'superseded'],
    ]);
  });

  it('refuses bad terms and parties with every field at once, writing and storing nothing', async () => {
    const { applicationId, borrowerName } = givenApplication(h);
    await expect(
      h.client.generateContract(
        request(applicationId, borrowerName, {
          amount: '100000.01',
          disbursementDate: '2026-02-30',
          termMonths: 1000,
          parties: [
            { role: 'lender', name: '', signerUserId: '', idNumberMasked: '', address: '' },
            { role: 'witness', name: 'x', signerUserId: 'y', idNumberMasked: '', address: '' },
          ],
        }),
        h.as('shManager'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: expect.arrayContaining([
        { field: 'amount', reason: 'must not exceed the approved amount 100000.00' },
        { field: 'termMonths', reason: 'must be from 1 to 360' },
        { field: 'disbursementDate', reason: 'must be a date as YYYY-MM-DD' },
        { field: 'parties[0].name', reason: 'is required' },
        { field: 'parties[1].role', reason: 'must be one of lender, borrower, guarantor' },
        { field: 'parties', reason: 'must include the borrower (template PERSONAL_CONSUMER_LOAN)' },
      ]),
    });
    await expect(
      h.client.generateContract(request(applicationId, '李四'), h.as('shManager')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'parties[1].name',
          reason: `must be the borrower's name as the customer record has it (${borrowerName})`,
        },
      ],
    });
    await expect(
      h.client.generateContract(request(applicationId, borrowerName), h.as('auditor')),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const pending = givenApplication(h, {
      status: 'APPLICATION_STATUS_SUBMITTED' as never,
    });
    await expect(
      h.client.generateContract(
        request(pending.applicationId, pending.borrowerName),
        h.as('shManager'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    for (const id of [applicationId, pending.applicationId]) {
      expect(await countRows(h, 'contracts', 'application_id = $1', [id])).toBe(0);
      expect(await countRows(h, 'documents', 'owner_id = $1', [id])).toBe(0);
      expect(await h.objects(`contracts/${id}/`)).toEqual([]);
    }
  });

  it('shows the disbursement review ready only once the contract binds, and links the loan paid out under it', async () => {
    const { applicationId, borrowerName } = givenApplication(h);
    const review = () => h.client.getDisbursementReview({ applicationId }, h.as('shReviewer'));
    expect(await review()).toMatchObject({
      applicationId,
      ready: false,
      blockers: [
        'no contract has been generated for the application',
        'documents missing for disbursement: loan_contract',
      ],
    });
    const { contract } = await h.client.generateContract(
      request(applicationId, borrowerName),
      h.as('shManager'),
    );
    await sign('shReviewer', contract!.id, 'lender');
    expect(await review()).toMatchObject({
      ready: false,
      blockers: [`contract ${contract!.contractNumber} is not yet signed by every party`],
      checklist: { complete: true, missing: [] },
    });
    await sign('borrower', contract!.id, 'borrower');
    const ready = await review();
    expect(ready).toMatchObject({
      ready: true,
      blockers: [],
      contract: { id: contract!.id, status: 'signed' },
      verification: { intact: true, allPartiesSigned: true },
    });
    await expect(
      h.client.getDisbursementReview({ applicationId }, h.as('shManager')),
    ).rejects.toMatchObject({ code: 'permission_denied' });

    const loanId = randomUUID();
    const disbursed = randomUUID();
    const data = { loanId, applicationId, contractId: contract!.id, tranche: 1 };
    await h.publish('loanflow.accounting.loan.disbursed', disbursed, loanId, data);
    await h.publish('loanflow.accounting.loan.disbursed', disbursed, loanId, data);
    await eventually('the file archived after the pay-out', async () => {
      const events = await h.published('documents.document.archived', applicationId);
      return events.length ? events : undefined;
    });
    // A later tranche of another loan on the same consumer: handled after both copies above.
    const marker = givenApplication(h);
    const markerEvent = randomUUID();
    await h.publish('loanflow.accounting.loan.disbursed', markerEvent, randomUUID(), {
      loanId: randomUUID(),
      applicationId: marker.applicationId,
      tranche: 1,
    });
    await eventually('the later pay-out handled', async () =>
      (await countRows(h, 'inbox', 'event_id = $1', [markerEvent])) > 0 ? true : undefined,
    );
    // An application this service filed nothing for has no file to close.
    expect(await countRows(h, 'owners', 'id = $1', [marker.applicationId])).toBe(0);
    expect(await h.published('documents.document.archived', applicationId)).toEqual([
      expect.objectContaining({ reason: 'loan disbursed', documentIds: [contract!.id] }),
    ]);
    const linked = await h.client.getContract({ id: contract!.id }, h.as('shReviewer'));
    expect(linked.contract!.loanId).toBe(loanId);
    expect(await review()).toMatchObject({
      ready: false,
      blockers: [`loan ${loanId} is already opened under it`],
    });
  });
});
