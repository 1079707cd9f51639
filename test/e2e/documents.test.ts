import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';
import { assertDocumented } from '../support/openapi-check';
import { startSystem, type ApiResponse, type TestSystem, type TestUser } from '../support/system';
import {
  multipart,
  pdfStream,
  scanPdf,
  uploadDocument,
  type Body,
  type UploadFile,
} from '../support/uploads';

/**
 * Paperless imaging through the gateway: uploads streamed to the real S3 server, views recorded,
 * the checklist gating a step of the approval flow, the archive, contracts signed and verified,
 * and the memory bound of a 200 MB upload.
 */

const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'am.bj', roles: ['account_manager'], branchId: 'BJ001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: 'HQ' },
  { username: 'disb.hq', roles: ['disbursement_reviewer'], branchId: 'HQ' },
  { username: 'admin.hq', roles: ['admin'], branchId: 'HQ' },
  { username: 'borrower.portal', roles: ['account_manager'], branchId: 'SH001' },
];

const MiB = 1024 * 1024;

/** A JPEG scan made by sharp (a real image, so thumbnails can be made of it). */
const jpeg = (seed: number, width = 640, height = 400) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: seed % 255, g: (seed * 7) % 255, b: 90 },
    },
  })
    .jpeg()
    .toBuffer();

describe('end to end: documents through the gateway on the real S3 server', () => {
  let system: TestSystem;
  const { ids, call, eventually, loadIds } = bankers(() => system);
  let applicationId: string;
  let customerId: string;

  const upload = async (
    who: string,
    owner: { kind: string; id: string },
    documentType: string,
    file: UploadFile,
    opts: { signal?: AbortSignal; key?: string } = {},
  ) => uploadDocument(system.baseUrl, await system.login(who), owner, documentType, file, opts);
  /** A document's bytes as `who`; an answer in JSON (a problem) is checked against /openapi.json. */
  const download = async (who: string, path: string) => {
    const res = await fetch(`${system.baseUrl}/api/v1${path}`, {
      headers: { authorization: `Bearer ${await system.login(who)}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type');
    if (contentType?.includes('json'))
      await assertDocumented(system.baseUrl, {
        method: 'GET',
        path: `/api/v1${path}`,
        status: res.status,
        contentType,
        body: JSON.parse(bytes.toString('utf8')),
      });
    return { status: res.status, headers: res.headers, bytes };
  };
  const rows = async (sql: string) =>
    (await system.db.query(sql.replaceAll('$s', system.schemas.documents))).rows;
  const objects = async () => {
    const store = system.documents.store;
    return { keys: await store.list(''), incomplete: await store.incompleteUploads('') };
  };

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    await loadIds(USERS);
    const customer = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '陈静',
      individual: {
        residentId: residentId('1990-03-08', 'female'),
        mobile: mobile(),
        monthlyIncome: '30000.00',
      },
    });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
    const app = await call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '100000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'Home renovation',
    });
    expect(app.status).toBe(201);
    applicationId = app.body.id as string;
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('stores a scan once, versions a new one of the same type, and refuses bad files with nothing left behind', async () => {
    const owner = { kind: 'application', id: applicationId };
    const front = await jpeg(1);
    const first = await upload('am.sh', owner, 'id_card_front', {
      name: '身份证正面.jpg',
      type: 'image/jpeg',
      body: front,
    });
    expect(first.status).toBe(201);
    expect(first.body.document).toMatchObject({
      documentType: 'id_card_front',
      version: 1,
      mediaType: 'image/jpeg',
      size: String(front.length),
      sha256: createHash('sha256').update(front).digest('hex'),
      fileName: '身份证正面.jpg',
      status: 'stored',
      branchId: 'SH001',
    });
    const again = await upload('am.sh', owner, 'id_card_front', {
      name: 'again.jpg',
      type: 'image/jpeg',
      body: front,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, document: { id: first.body.document.id } });
    const second = await upload('am.sh', owner, 'id_card_front', {
      name: 'rescan.jpg',
      type: 'image/jpeg',
      body: await jpeg(2),
    });
    expect(second.body.document).toMatchObject({ version: 2, current: true });
    const versions = await call<{ versions: { version: number; status: string }[] }>(
      'am.sh',
      'GET',
      `/documents/${second.body.document.id}/versions`,
    );
    expect(versions.body.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'stored'],
      [1, 'superseded'],
    ]);

    await system.documents.renditionsIdle();
    const before = {
      rows: await rows('SELECT count(*)::int AS n FROM $s.documents'),
      objects: await objects(),
    };
    const refusals: [string, string, { name: string; type: string; body: Buffer }, string][] = [
      [
        'empty',
        'other',
        { name: 'empty.pdf', type: 'application/pdf', body: Buffer.alloc(0) },
        'file',
      ],
      ['mismatch', 'other', { name: 'x.png', type: 'image/png', body: front }, 'declaredMediaType'],
      [
        'executable',
        'other',
        {
          name: 'setup.pdf',
          type: 'application/pdf',
          body: Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(5000)]),
        },
        'file',
      ],
      [
        'unknown type',
        'passport_photo',
        { name: 'p.jpg', type: 'image/jpeg', body: front },
        'documentType',
      ],
      [
        'over the limit',
        'id_card_back',
        {
          name: 'big.jpg',
          type: 'image/jpeg',
          body: Buffer.concat([front, Buffer.alloc(11 * MiB)]),
        },
        'file',
      ],
    ];
    for (const [what, type, file, field] of refusals) {
      const res = await upload('am.sh', owner, type, file);
      expect(`${what}: ${res.status} ${res.body.errors?.[0]?.field}`).toBe(`${what}: 400 ${field}`);
    }
    // Another branch may not file documents on this application.
    expect(
      (await upload('am.bj', owner, 'other', { name: 'x.jpg', type: 'image/jpeg', body: front }))
        .status,
    ).toBe(403);
    expect(await rows('SELECT count(*)::int AS n FROM $s.documents')).toEqual(before.rows);
    expect(await objects()).toEqual(before.objects);
  });

  it('shows a document only to those who may see the application, and records every view', async () => {
    const scan = await jpeg(3);
    const { body } = await upload('am.sh', { kind: 'customer', id: customerId }, 'id_card_back', {
      name: 'back.jpg',
      type: 'image/jpeg',
      body: scan,
    });
    const id = body.document.id as string;
    const res = await download('am.sh', `/documents/${id}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.bytes.equals(scan)).toBe(true);
    expect(res.headers.get('x-content-sha256')).toBe(
      createHash('sha256').update(scan).digest('hex'),
    );
    // Uploaded bytes are never sniffed into another type (a "JPEG" that is HTML, say).
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const outsider = await download('am.bj', `/documents/${id}/content`);
    expect(outsider.status).toBe(403);
    const url = await call<{ url: string }>('audit.hq', 'GET', `/documents/${id}/url`);
    expect(url.status).toBe(200);
    const direct = await fetch(url.body.url);
    expect(Buffer.from(await direct.arrayBuffer()).equals(scan)).toBe(true);
    // Thumbnails are made in the background.
    await system.documents.renditionsIdle();
    const thumb = await eventually('a thumbnail', async () => {
      const r = await download('am.sh', `/documents/${id}/content?rendition=thumbnail`);
      return r.status === 200 ? r.bytes : undefined;
    });
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(256);
    const views = await call<{ views: { viewer: string; via: string }[] }>(
      'audit.hq',
      'GET',
      `/documents/${id}/views`,
    );
    expect(views.body.views.map((v) => [v.viewer, v.via])).toEqual([
      [ids['am.sh'], 'stream'],
      [ids['audit.hq'], 'presigned'],
      [ids['am.sh'], 'thumbnail'],
    ]);
  });

  it('keeps a step of the approval flow from completing while its checklist is incomplete', async () => {
    const missing = await call<{ missing: string[]; complete: boolean }>(
      'am.sh',
      'GET',
      `/applications/${applicationId}/checklist?stage=market_routing`,
    );
    // The product's words are the documents service's words (one vocabulary).
    expect(missing.body).toMatchObject({
      complete: false,
      missing: ['bank_statement', 'credit_report', 'income_proof'],
    });
    expect((await call('am.sh', 'POST', `/applications/${applicationId}/submit`)).status).toBe(200);
    const task = await eventually('the market routing task', async () => {
      const res = await call<{ items: { id: string; businessKey: string }[] }>(
        'mkt.sh',
        'GET',
        '/tasks?scope=group&step=market_routing',
      );
      return res.body.items.find((t) => t.businessKey === applicationId);
    });
    const refused = await call('mkt.sh', 'POST', `/tasks/${encodeURIComponent(task.id)}:complete`, {
      outcome: 'approve',
      opinion: 'ok',
      formData: { customerType: 'individual' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(
      'documents required for market_routing are missing: bank_statement, credit_report, income_proof',
    );
    const proof = await upload(
      'am.sh',
      { kind: 'application', id: applicationId },
      'income_proof',
      { name: 'income.pdf', type: 'application/pdf', body: pdfStream(300_000, 'income') },
    );
    expect(proof.status).toBe(201);
    for (const documentType of ['bank_statement', 'credit_report']) {
      const filed = await upload(
        'am.sh',
        { kind: 'application', id: applicationId },
        documentType,
        {
          name: `${documentType}.pdf`,
          type: 'application/pdf',
          body: scanPdf(documentType),
        },
      );
      expect(filed.status).toBe(201);
    }
    const done = await call('mkt.sh', 'POST', `/tasks/${encodeURIComponent(task.id)}:complete`, {
      outcome: 'approve',
      opinion: 'ok',
      formData: { customerType: 'individual' },
    });
    expect(done.status).toBe(200);
    const completed = await eventually('checklist.completed', async () => {
      const r = await rows(
        `SELECT payload FROM $s.outbox WHERE event_type = 'documents.checklist.completed'`,
      );
      return r.length ? r : undefined;
    });
    expect(completed.map((r) => r.payload.data)).toEqual([
      { applicationId, productCode: 'PERSONAL_CONSUMER', stage: 'market_routing' },
    ]);
  });

  it('lists a contract template for every seeded product, with the parties and clauses each needs', async () => {
    const all = await call<{ templates: Body[] }>('am.sh', 'GET', '/contract-templates');
    expect(all.status).toBe(200);
    expect(all.body.templates.map((t: Body) => [t.code, t.productCodes]).sort()).toEqual([
      ['MORTGAGE_LOAN', ['MORTGAGE']],
      ['PERSONAL_CONSUMER_LOAN', ['PERSONAL_CONSUMER']],
      ['SMALL_BUSINESS_LOAN', ['SMALL_BUSINESS']],
      ['WORKING_CAPITAL_LOAN', ['CORP_WORKING_CAPITAL']],
    ]);
    const of = async (productCode: string) =>
      (
        await call<{ templates: Body[] }>(
          'am.sh',
          'GET',
          `/contract-templates?productCode=${productCode}`,
        )
      ).body.templates;
    const [corporate] = await of('CORP_WORKING_CAPITAL');
    expect(corporate).toMatchObject({
      version: 2,
      title: '流动资金借款合同',
      requiredParties: ['lender', 'borrower', 'guarantor'],
    });
    expect(corporate!.clausesSummary).toContain('保证担保');
    const [mortgage] = await of('MORTGAGE');
    expect(mortgage!.requiredParties).toEqual(['lender', 'borrower']);
    expect(mortgage!.clausesSummary).toEqual(expect.arrayContaining(['抵押担保', '借款利率']));
    expect((await of('SMALL_BUSINESS'))[0]!.title).toBe('小微企业经营借款合同');
    expect(await of('NO_SUCH_PRODUCT')).toEqual([]);
    const bad = await call<Body>('am.sh', 'GET', '/contract-templates?productCode=bad code');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Body) => e.field)).toEqual(['productCode']);
  });

  it('generates a contract with the amount in capitals, signed by two parties with timestamps, and verification fails after one byte changes', async () => {
    // The approval chain is exercised elsewhere; here the decision is recorded as the workflow would.
    await system.db.query(
      `UPDATE ${system.schemas.applications}.loan_applications SET status = 'approved', approved_amount = 100000.00, approved_rate_percent = 4.35, approved_term_months = 12, decided_at = now() WHERE id = $1`,
      [applicationId],
    );
    const parties = [
      { role: 'lender', name: '上海浦东支行', signerUserId: ids['disb.hq'] },
      { role: 'borrower', name: '陈静', signerUserId: ids['borrower.portal'] },
    ];
    // Bad terms: 400 with `errors` naming each field (the problem document's member), nothing made.
    const bad = await call<Body>('disb.hq', 'POST', '/contracts', {
      applicationId,
      disbursementDate: '2025-01-15',
      repaymentDay: '31',
      rateBasis: 'lpr_10y',
      amount: '100000.01',
      parties,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: Body) => e.field).sort()).toEqual([
      'amount',
      'rateBasis',
      'repaymentDay',
    ]);
    expect(await rows('SELECT id FROM $s.contracts')).toEqual([]);
    // Generated for the open business date (2025-01-15), due on the 15th as the date says.
    const generated = await call<{ contract: Body }>('disb.hq', 'POST', '/contracts', {
      applicationId,
      disbursementDate: '2025-01-15',
      repaymentMethod: 'equal_installments',
      parties,
    });
    expect(generated.status).toBe(201);
    const contract = generated.body.contract;
    expect(contract).toMatchObject({
      status: 'generated',
      amount: '100000.00',
      amountInCapitals: '壹拾万元整',
      templateCode: 'PERSONAL_CONSUMER_LOAN',
      templateVersion: 2,
      customerId,
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      loanId: '',
    });
    expect(contract.terms).toMatchObject({
      amount: '100000.00',
      annualRatePercent: '4.3500',
      rateBasis: 'fixed',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      repaymentDay: '15',
      disbursementDate: '2025-01-15',
      firstDueDate: '2025-02-15',
      maturityDate: '2026-01-15',
    });
    expect(contract.terms.schedule).toHaveLength(12);
    // The borrower's full ID number is printed, and its disclosure recorded by applications.
    const disclosed = (
      await system.db.query(
        `SELECT customer_id, application_id, purpose, disclosed_to FROM ${system.schemas.applications}.pii_disclosures`,
      )
    ).rows;
    expect(disclosed).toEqual([
      {
        customer_id: customerId,
        application_id: applicationId,
        purpose: 'contract_printing',
        disclosed_to: ids['disb.hq'],
      },
    ]);
    // The PDF is a document of the application: read (and recorded) like any other.
    const pdf = (await download('disb.hq', `/documents/${contract.id}/content`)).bytes;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(contract.sha256);

    expect(
      (await call('am.sh', 'POST', `/contracts/${contract.id}:sign`, { partyRole: 'borrower' }))
        .status,
    ).toBe(403);
    const lender = await call<{ contract: Body }>(
      'disb.hq',
      'POST',
      `/contracts/${contract.id}:sign`,
      { partyRole: 'lender' },
    );
    expect(lender.body.contract.status).toBe('signing');
    expect(
      (await call('disb.hq', 'POST', `/contracts/${contract.id}:sign`, { partyRole: 'lender' }))
        .status,
    ).toBe(409);
    const borrower = await call<{ contract: Body }>(
      'borrower.portal',
      'POST',
      `/contracts/${contract.id}:sign`,
      { partyRole: 'borrower' },
    );
    expect(borrower.body.contract.status).toBe('signed');

    // The application's contracts, as its page lists them: this one, signed by both.
    const listed = await call<{ items: Body[] }>(
      'am.sh',
      'GET',
      `/contracts?applicationId=${applicationId}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: Body) => [c.id, c.status, c.signatures.length])).toEqual([
      [contract.id, 'signed', 2],
    ]);
    expect((await call('am.sh', 'GET', '/contracts?applicationId=nope')).status).toBe(400);
    expect((await call('am.sh', 'GET', '/contracts')).status).toBe(400);
    // Another branch learns nothing of them (as of the application itself).
    const outsider = await call('am.bj', 'GET', `/contracts?applicationId=${applicationId}`);
    expect([403, 404]).toContain(outsider.status);
    expect(JSON.stringify(outsider.body)).not.toContain(contract.id);

    const verified = await call<Body>('audit.hq', 'POST', `/contracts/${contract.id}:verify`, {});
    expect(verified.body).toMatchObject({
      intact: true,
      allPartiesSigned: true,
      sha256: contract.sha256,
    });
    expect(verified.body.signatures.map((s: Body) => [s.partyRole, s.valid, s.signer])).toEqual([
      ['lender', true, ids['disb.hq']],
      ['borrower', true, ids['borrower.portal']],
    ]);
    for (const s of verified.body.signatures) {
      expect(Math.abs(Date.parse(s.timestampTime) - Date.parse(s.signedAt))).toBeLessThan(5000);
    }
    const tampered = Buffer.from(pdf);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    const broken = await call<Body>('audit.hq', 'POST', `/contracts/${contract.id}:verify`, {
      pdfBase64: tampered.toString('base64'),
    });
    expect(broken.body.intact).toBe(false);
    expect(broken.body.signatures.every((s: Body) => s.valid === false && s.reason)).toBe(true);
    const signed = await rows(
      `SELECT payload FROM $s.outbox WHERE event_type = 'documents.contract.signed'`,
    );
    expect(signed.map((r) => r.payload.data.contractNumber)).toEqual([contract.contractNumber]);
  });

  it('pays the loan out only under the signed contract, then archives the file: nothing can be added, changed or deleted', async () => {
    const { body: contract } = await call<{ contract: Body }>(
      'disb.hq',
      'GET',
      `/contracts/${(await rows('SELECT id FROM $s.contracts'))[0]!.id}`,
    ).then((r) => ({ body: r.body.contract }));
    // 集中审查放款: one call shows the contract, its signatures verified and the checklist.
    const review = await call<Body>(
      'disb.hq',
      'GET',
      `/applications/${applicationId}/disbursement-review`,
    );
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({
      applicationId,
      contract: { id: contract.id, status: 'signed' },
      verification: { intact: true, allPartiesSigned: true },
      checklist: { complete: true, missing: [] },
      ready: true,
      blockers: [],
    });
    expect(review.body.checklist.items.map((i: Body) => [i.stage, i.documentType])).toEqual([
      ['disbursement', 'loan_contract'],
    ]);
    const loansBefore = await system.count(system.schemas.accounting, 'loans');
    // No application: refused with the field. A stranger's customer, branch ZZ999 and product
    // NO_SUCH_PRODUCT: refused with each field (once accounting heard contract.signed).
    const none = await call<Body>('disb.hq', 'POST', '/loans', {
      customerId,
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      approvedAmount: '10000.00',
      payee: { paymentMethod: 'self' },
    });
    expect(none.status).toBe(400);
    expect(none.body.errors.map((e: Body) => e.field)).toEqual(['applicationId']);
    const strange = await eventually('the signed contract known to accounting', async () => {
      const r = await call<Body>('disb.hq', 'POST', '/loans', {
        applicationId,
        customerId: '0190a0a0-0000-7000-8000-000000000777',
        branchId: 'ZZ999',
        productCode: 'NO_SUCH_PRODUCT',
        payee: { paymentMethod: 'self' },
      });
      return r.status === 400 ? r : undefined;
    });
    expect(strange.body.errors.map((e: Body) => e.field)).toEqual([
      'customerId',
      'branchId',
      'productCode',
    ]);
    // A term other than the contract's: refused with the field.
    const beyond = await call<Body>('disb.hq', 'POST', '/loans', {
      applicationId,
      schedule: { annualRatePercent: '4.5', repaymentDay: 21 },
      payee: { paymentMethod: 'self' },
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors).toEqual([
      {
        field: 'schedule.annualRatePercent',
        reason: expect.stringMatching(/^must be "4\.3500", as contract HT\d+ fixes it$/),
      },
      {
        field: 'schedule.repaymentDay',
        reason: expect.stringMatching(/^must be 15, as contract HT\d+ fixes it$/),
      },
    ]);
    expect(await system.count(system.schemas.accounting, 'loans')).toBe(loansBefore);
    // Opened under the contract: every term from it.
    const loan = await call<Body>('disb.hq', 'POST', '/loans', {
      applicationId,
      contractId: contract.id,
      payee: { paymentMethod: 'self' },
    });
    expect(loan.status).toBe(201);
    expect(loan.body).toMatchObject({
      applicationId,
      customerId,
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      contractNumber: contract.contractNumber,
      contractId: contract.id,
      origin: 'contract',
      approvedAmount: '100000.00',
      disbursedAmount: '100000.00',
      openedOn: contract.terms.disbursementDate,
      maturityDate: contract.terms.maturityDate,
      repaymentMethod: 'equal_installments',
      rateType: 'fixed',
      nextDueDate: contract.terms.firstDueDate,
    });
    // The demo case of issue 9 (contract due on the 7th, loan on the 21st): now equal field by field.
    const booked = await call<Body>('disb.hq', 'GET', `/loans/${loan.body.id}`);
    expect(
      booked.body.installments.map((i: Body) => [
        i.period,
        i.dueDate,
        i.principal,
        i.scheduledInterest,
      ]),
    ).toEqual(
      contract.terms.schedule.map((i: Body) => [i.period, i.dueDate, i.principal, i.interest]),
    );
    expect(Number(booked.body.annualRatePercent)).toBe(Number(contract.terms.annualRatePercent));
    // The statement names the borrower as the signed contract did, kept with the loan at opening.
    const day = booked.body.accruedThrough as string;
    const statement = await call<Body>(
      'disb.hq',
      'GET',
      `/loans/${loan.body.id}/statement?from=${day}&to=${day}`,
    );
    expect(statement.status).toBe(200);
    expect(statement.body.header).toMatchObject({
      customerId,
      customerName: '陈静',
      bankName: 'LoanFlow Demo Bank',
      dayCount: 'ACT/360',
      annualRatePercent: booked.body.annualRatePercent,
      timeZone: 'Asia/Shanghai',
    });
    // The contract links to its loan once disbursed.
    await eventually('the contract linked to its loan', async () => {
      const r = await call<{ contract: Body }>('disb.hq', 'GET', `/contracts/${contract.id}`);
      return r.body.contract.loanId === loan.body.id ? true : undefined;
    });
    // loan.disbursed closes the application's file in the central archive.
    const archiveNumber = await eventually('the file archived on disbursement', async () => {
      const r = await call<{ documents: { archiveNumber: string }[] }>(
        'am.sh',
        'GET',
        `/documents?ownerKind=application&ownerId=${applicationId}`,
      );
      return r.body.documents[0]?.archiveNumber || undefined;
    });
    const archived = { body: { archive: { archiveNumber } } };
    expect(archived.body.archive.archiveNumber).toMatch(/^DA\d{4}\d{8}$/);
    const docs = await call<{
      documents: { id: string; status: string; retainUntil: string; archiveNumber: string }[];
    }>('am.sh', 'GET', `/documents?ownerKind=application&ownerId=${applicationId}`);
    expect(docs.body.documents.length).toBeGreaterThanOrEqual(3);
    expect(
      docs.body.documents.every(
        (d) =>
          d.status === 'archived' &&
          d.archiveNumber === archived.body.archive.archiveNumber &&
          d.retainUntil > '2050-01-01',
      ),
    ).toBe(true);
    const late = await upload('am.sh', { kind: 'application', id: applicationId }, 'other', {
      name: 'late.jpg',
      type: 'image/jpeg',
      body: await jpeg(9),
    });
    expect(late.status).toBe(409);
    const del = await call('admin.hq', 'POST', `/documents/${docs.body.documents[0]!.id}:delete`, {
      reason: 'clean up',
    });
    expect(del.status).toBe(409);
    expect(del.body.detail).toMatch(/retained until/);
    const again = await call<{ alreadyArchived: boolean }>('admin.hq', 'POST', '/archives', {
      ownerKind: 'application',
      ownerId: applicationId,
      reason: 'again',
    });
    expect(again.body.alreadyArchived).toBe(true);
    const found = await call<{ archives: { archiveNumber: string }[] }>(
      'audit.hq',
      'GET',
      `/archives?applicationId=${applicationId}`,
    );
    expect(found.body.archives.map((a) => a.archiveNumber)).toEqual([
      archived.body.archive.archiveNumber,
    ]);
  });

  it('closes and archives the file of a withdrawn application by itself (withdrawn → documents.document.archived)', async () => {
    const app = await call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '20000.00',
      termMonths: 6,
      repaymentMethod: 'equal_installments',
      purpose: 'Furniture',
    });
    const id = app.body.id as string;
    const filed = await upload('am.sh', { kind: 'application', id }, 'income_proof', {
      name: 'income.jpg',
      type: 'image/jpeg',
      body: await jpeg(11),
    });
    expect(filed.status).toBe(201);
    expect(
      (
        await call('am.sh', 'POST', `/applications/${id}/withdraw`, {
          reason: 'customer changed mind',
        })
      ).status,
    ).toBe(200);
    const archived = await eventually('the archive of the withdrawn application', async () => {
      const r = await rows(
        `SELECT payload FROM $s.outbox WHERE event_type = 'documents.document.archived' AND subject_id = '${id}'`,
      );
      return r.length ? r : undefined;
    });
    expect(archived[0]!.payload.data).toMatchObject({
      owner: { kind: 'application', id },
      reason: 'application withdrawn',
      documentIds: [filed.body.document.id],
    });
    const late = await upload('am.sh', { kind: 'application', id }, 'other', {
      name: 'late.jpg',
      type: 'image/jpeg',
      body: await jpeg(12),
    });
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/archived/);
    const uploaded = await rows(
      `SELECT count(*)::int AS n FROM $s.outbox WHERE event_type = 'documents.document.uploaded' AND payload->'data'->'owner'->>'id' = '${id}'`,
    );
    expect(uploaded).toEqual([{ n: 1 }]);
  });

  it('refuses bad input with 400 and the field before the service is called: path ids, NUL, impossible dates, ranges', async () => {
    const count = async () => ({
      documents: await rows('SELECT count(*)::int AS n FROM $s.documents'),
      contracts: await rows('SELECT count(*)::int AS n FROM $s.contracts'),
      archived: await rows(`SELECT count(*)::int AS n FROM $s.owners WHERE status = 'archived'`),
    });
    const before = await count();
    const fields = (r: ApiResponse<Body>) => [r.status, r.body.errors?.map((e: Body) => e.field)];
    const parties = [
      { role: 'lender', name: '上海浦东支行', signerUserId: ids['disb.hq'] },
      { role: 'borrower', name: '陈静', signerUserId: ids['borrower.portal'] },
    ];
    // Path ids: not a UUID, or a NUL.
    expect(fields(await call('am.sh', 'GET', '/documents/not-a-uuid'))).toEqual([400, ['id']]);
    expect(fields(await call('am.sh', 'GET', '/documents/%00/content'))).toEqual([400, ['id']]);
    expect(
      fields(await call('am.sh', 'GET', `/applications/${applicationId}%00/checklist`)),
    ).toEqual([400, ['id']]);
    expect(
      fields(await call('disb.hq', 'POST', '/contracts/1%00:sign', { partyRole: 'lender' })),
    ).toEqual([400, ['id']]);
    // A NUL in a JSON string, in a query, in a field of an upload.
    expect(
      fields(
        await call('admin.hq', 'POST', '/archives', {
          ownerKind: 'application',
          ownerId: randomUUID(),
          reason: 'closed\u0000',
        }),
      ),
    ).toEqual([400, ['reason']]);
    expect(
      fields(await call('am.sh', 'GET', '/contract-templates?productCode=MORTGAGE%00')),
    ).toEqual([400, ['productCode']]);
    expect(
      fields(
        await call('disb.hq', 'POST', '/contracts', {
          applicationId,
          disbursementDate: '2025-01-15',
          parties: [parties[0], { ...parties[1], name: '陈\u0000静' }],
        }),
      ),
    ).toEqual([400, ['parties[1].name']]);
    const scan = await jpeg(21);
    const nulOwner = await upload(
      'am.sh',
      { kind: 'customer', id: `${customerId}\u0000` },
      'other',
      {
        name: 'x.jpg',
        type: 'image/jpeg',
        body: scan,
      },
    );
    expect([nulOwner.status, nulOwner.body.errors]).toEqual([
      400,
      [{ field: 'ownerId', reason: 'must be a UUID' }],
    ]);
    // Dates that do not exist and numbers beyond their range.
    expect(
      fields(
        await call('disb.hq', 'POST', '/contracts', {
          applicationId,
          disbursementDate: '2025-02-30',
          termMonths: 1e12,
          parties,
        }),
      ),
    ).toEqual([400, ['termMonths', 'disbursementDate']]);
    expect(
      fields(await call('audit.hq', 'GET', '/archives?archivedFrom=2025-02-30&pageSize=1000')),
    ).toEqual([400, ['archivedFrom', 'pageSize']]);
    expect(await count()).toEqual(before);
  });

  it('asks for the token before it reads an upload, and takes a retry for the first upload only with the same key and fields', async () => {
    // No token: 401 while the body is still being sent (the gateway has read none of it).
    const m = multipart(
      { ownerKind: 'customer', ownerId: customerId, documentType: 'other' },
      { name: 'x.pdf', type: 'application/pdf', body: pdfStream(50 * MiB, 'never sent') },
    );
    const refused = await new Promise<{ status: number; body: Body; type: string | null }>(
      (resolve, reject) => {
        const req = request(`${system.baseUrl}/api/v1/documents`, {
          method: 'POST',
          headers: { 'content-type': m.contentType },
        });
        req.on('error', reject);
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            req.destroy();
            resolve({
              status: res.statusCode!,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body,
              type: res.headers['content-type'] ?? null,
            });
          });
        });
        // The first part only; the request stays open until the answer is in.
        void m.body.next().then((first) => req.write(first.value));
      },
    );
    expect(refused.status).toBe(401);
    await assertDocumented(system.baseUrl, {
      method: 'POST',
      path: '/api/v1/documents',
      status: refused.status,
      contentType: refused.type,
      body: refused.body,
    });

    const app = await call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '30000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'Piano',
    });
    const owner = { kind: 'application', id: app.body.id as string };
    const key = randomUUID();
    const file = { name: 'statement.pdf', type: 'application/pdf', body: scanPdf('key') };
    const first = await upload('am.sh', owner, 'bank_statement', file, { key });
    expect(first.status).toBe(201);
    const retry = await upload('am.sh', owner, 'bank_statement', file, { key });
    expect([retry.status, retry.body.document.id]).toEqual([200, first.body.document.id]);
    // The same key for another upload is not a retry: filed as what it says it is.
    const other = await upload(
      'am.sh',
      owner,
      'income_proof',
      { ...file, body: scanPdf('another') },
      { key },
    );
    expect(other.status).toBe(201);
    expect(other.body.document).toMatchObject({ documentType: 'income_proof', version: 1 });
    expect(other.body.document.id).not.toBe(first.body.document.id);
  });

  it('streams a 200 MB scan through the gateway to S3 with the memory of both growing by less than 64 MB', async () => {
    const app = await call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '50000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'Car',
    });
    const size = 200 * MiB;
    const hash = createHash('sha256');
    // What is alive, not what is garbage not yet collected: the sampler collects before it looks
    // (without that, V8 may leave a few hundred MB of spent chunk buffers for later).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = live();
    let peak = baseline;
    // A full collection of a test process that has loaded many suites can take tens of
    // milliseconds: the next sample waits at least four times as long as the last one took, so
    // sampling never starves the upload it measures. It always stops, also on failure.
    let sampling = true;
    let next: NodeJS.Timeout | undefined;
    const sample = () => {
      const started = performance.now();
      peak = Math.max(peak, live());
      if (sampling) next = setTimeout(sample, Math.max(100, 4 * (performance.now() - started)));
    };
    next = setTimeout(sample, 100);
    let res: Awaited<ReturnType<typeof upload>>;
    try {
      res = await upload('am.sh', { kind: 'application', id: app.body.id as string }, 'bulk_scan', {
        name: 'archive-box-17.pdf',
        type: 'application/pdf',
        body: pdfStream(size, 'big', hash),
      });
    } finally {
      sampling = false;
      clearTimeout(next);
    }
    expect(res.status).toBe(201);
    expect(res.body.document).toMatchObject({ size: String(size), sha256: hash.digest('hex') });
    expect((peak - baseline) / MiB).toBeLessThan(64);
  }, 180_000);

  it('leaves nothing behind when the client breaks off an upload', async () => {
    const app = await call('am.sh', 'POST', '/applications', {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '60000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'Travel',
    });
    const before = {
      rows: await rows('SELECT count(*)::int AS n FROM $s.documents'),
      objects: await objects(),
    };
    const abort = new AbortController();
    let sent = 0;
    async function* breaking() {
      for await (const chunk of pdfStream(60 * MiB, 'broken')) {
        sent += chunk.length;
        if (sent > 20 * MiB) abort.abort();
        yield chunk;
      }
    }
    await expect(
      upload(
        'am.sh',
        { kind: 'application', id: app.body.id as string },
        'bulk_scan',
        { name: 'x.pdf', type: 'application/pdf', body: breaking() },
        { signal: abort.signal },
      ),
    ).rejects.toThrow();
    await eventually('the broken upload cleaned up', async () => {
      const now = await objects();
      return now.keys.length === before.objects.keys.length && now.incomplete.length === 0
        ? true
        : undefined;
    });
    expect(await rows('SELECT count(*)::int AS n FROM $s.documents')).toEqual(before.rows);
  });
});
