// 合同: generated from the product's template as a PDF with Chinese text, signed by every party
// with a detached CMS signature and an RFC 3161 timestamp, verifiable by anyone with the bytes.
import { createHash, randomBytes } from 'node:crypto';
import Decimal from 'decimal.js';
import {
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  requireRole,
  uuidv7,
  withTransaction,
  type CallContext,
  type Pool,
  type Queryable,
} from '@loanflow/platform';
import { applicationsV1, type documentsV1 as pb } from '@loanflow/proto';
import { signatureTimestampDigest, signDetached } from '../domain/contracts/cms';
import { amountInCapitals } from '../domain/contracts/numerals';
import { contractPdf, type ContractDocument } from '../domain/contracts/pdf';
import {
  createCertificateAuthority,
  issueCertificate,
  type Credentials,
} from '../domain/contracts/pki';
import { DEFAULT_TEMPLATES, renderTemplate } from '../domain/contracts/template';
import { respondToRequest, timestampRequest, tokenFromResponse } from '../domain/contracts/tsa';
import { verifySignedContract } from '../domain/contracts/verify';
import { isUuid, onBehalfOf, resolveOwner, SOURCE, type DocumentsDeps } from './deps';

const PARTY_ROLES = ['lender', 'borrower', 'guarantor'] as const;
const GENERATORS = [
  'account_manager',
  'corporate_lending',
  'disbursement_reviewer',
  'admin',
] as const;

const METHOD_ZH: Record<string, string> = {
  equal_installments: '等额本息',
  equal_principal: '等额本金',
  flat: '等本等息',
  interest_only: '按月付息、到期还本',
  interest_only_quarterly: '按季付息、到期还本',
  bullet: '一次性还本付息',
};

/** The deployment's development CA and timestamp authority, made once at first start. */
export async function ensurePki(
  pool: Pool,
  now = new Date(),
): Promise<{ root: Credentials; tsa: Credentials }> {
  const load = async (name: string) =>
    (
      await pool.query<{ certificate_pem: string; private_key_pem: string }>(
        'SELECT certificate_pem, private_key_pem FROM pki WHERE name = $1',
        [name],
      )
    ).rows[0];
  const save = (name: string, c: Credentials) =>
    pool.query(
      'INSERT INTO pki (name, certificate_pem, private_key_pem) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
      [name, c.certificatePem, c.privateKeyPem],
    );
  if (!(await load('root')))
    await save('root', createCertificateAuthority('LoanFlow Development Root CA', now));
  const rootRow = (await load('root'))!;
  const root = { certificatePem: rootRow.certificate_pem, privateKeyPem: rootRow.private_key_pem };
  if (!(await load('tsa'))) {
    await save(
      'tsa',
      issueCertificate(
        root,
        { commonName: 'LoanFlow Development Timestamp Authority', organization: 'LoanFlow' },
        'timestamping',
        now,
        3650,
      ),
    );
  }
  const tsaRow = (await load('tsa'))!;
  return {
    root,
    tsa: { certificatePem: tsaRow.certificate_pem, privateKeyPem: tsaRow.private_key_pem },
  };
}

/** Loads the built-in templates once (new versions are added, never changed in place). */
export async function seedTemplates(pool: Pool): Promise<void> {
  for (const t of DEFAULT_TEMPLATES) {
    await pool.query(
      `INSERT INTO contract_templates (code, version, product_codes, title, clauses) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code, version) DO NOTHING`,
      [t.code, t.version, t.productCodes, t.title, JSON.stringify(t.clauses)],
    );
  }
}

interface ContractRow {
  id: string;
  contract_number: string;
  application_id: string;
  template_code: string;
  template_version: number;
  parties: pb.ContractParty[];
  terms: {
    amount: string;
    amountInCapitals: string;
    annualRatePercent: string;
    termMonths: number;
    repaymentMethod: string;
  };
  object_key: string;
  sha256: string;
  status: 'generated' | 'signing' | 'signed';
  generated_at: Date;
}

async function contractMessage(db: Queryable, c: ContractRow): Promise<pb.Contract> {
  const { rows } = await db.query<{
    party_role: string;
    signer: string;
    signed_at: Date;
    timestamp_time: Date;
    certificate_pem: string;
  }>(
    'SELECT party_role, signer, signed_at, timestamp_time, certificate_pem FROM contract_signatures WHERE contract_id = $1 ORDER BY signed_at',
    [c.id],
  );
  return {
    id: c.id,
    contractNumber: c.contract_number,
    applicationId: c.application_id,
    templateCode: c.template_code,
    templateVersion: c.template_version,
    parties: c.parties,
    sha256: c.sha256,
    status: c.status,
    signatures: rows.map((r) => ({
      partyRole: r.party_role,
      signer: r.signer,
      signedAt: r.signed_at.toISOString(),
      timestampTime: r.timestamp_time.toISOString(),
      certificateSubject: '',
      valid: true,
      reason: '',
    })),
    generatedAt: c.generated_at.toISOString(),
    amount: c.terms.amount,
    amountInCapitals: c.terms.amountInCapitals,
  };
}

async function findContract(db: Queryable, id: string, lock = false): Promise<ContractRow> {
  if (!isUuid(id)) throw invalidArgument([{ field: 'contractId', reason: 'must be a UUID' }]);
  const { rows } = await db.query<ContractRow>(
    `SELECT * FROM contracts WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  if (!rows[0]) throw notFound(`contract ${id}`);
  return rows[0];
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const RATE = /^\d{1,2}(\.\d{1,6})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** 生成合同 for an approved application. */
export async function generateContract(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.GenerateContractRequest,
): Promise<pb.GenerateContractResponse> {
  const p = ctx.principal();
  requireRole(p, [...GENERATORS], 'generating a contract');
  if (req.requestId) {
    const { rows } = await deps.pool.query<ContractRow>(
      'SELECT * FROM contracts WHERE request_id = $1',
      [req.requestId],
    );
    if (rows[0]) return { contract: await contractMessage(deps.pool, rows[0]) };
  }
  const owner = await resolveOwner(
    deps,
    ctx,
    { kind: 'application', id: req.applicationId },
    'applicationId',
  );
  const { application: app } = await deps.applications.getApplication(
    { id: owner.id },
    onBehalfOf(ctx, deps.rpcTimeoutMs),
  );
  if (app!.status !== applicationsV1.ApplicationStatus.APPLICATION_STATUS_APPROVED) {
    throw failedPrecondition('a contract is generated for an approved application');
  }
  const rawAmount = req.amount || app!.approvedAmount;
  const rate = req.annualRatePercent || app!.approvedRatePercent;
  const term = req.termMonths || app!.approvedTermMonths;
  const method = req.repaymentMethod || 'equal_installments';
  const problems: { field: string; reason: string }[] = [];
  if (!AMOUNT.test(rawAmount) || /^0+(\.0+)?$/.test(rawAmount))
    problems.push({ field: 'amount', reason: 'must be a positive amount with at most 2 places' });
  if (!RATE.test(rate))
    problems.push({
      field: 'annualRatePercent',
      reason: 'must be a percentage with at most 6 places',
    });
  if (!Number.isInteger(term) || term < 1 || term > 360)
    problems.push({ field: 'termMonths', reason: 'must be from 1 to 360' });
  if (!METHOD_ZH[method])
    problems.push({
      field: 'repaymentMethod',
      reason: `must be one of ${Object.keys(METHOD_ZH).join(', ')}`,
    });
  if (!DATE.test(req.disbursementDate) || Number.isNaN(Date.parse(req.disbursementDate))) {
    problems.push({ field: 'disbursementDate', reason: 'must be a date as YYYY-MM-DD' });
  }
  const roles = req.parties.map((x) => x.role);
  req.parties.forEach((party, i) => {
    if (!(PARTY_ROLES as readonly string[]).includes(party.role))
      problems.push({
        field: `parties[${i}].role`,
        reason: `must be one of ${PARTY_ROLES.join(', ')}`,
      });
    if (!party.name?.trim()) problems.push({ field: `parties[${i}].name`, reason: 'is required' });
    if (!party.signerUserId?.trim())
      problems.push({
        field: `parties[${i}].signerUserId`,
        reason: 'is required: the user who signs for the party',
      });
  });
  for (const required of ['lender', 'borrower']) {
    if (!roles.includes(required))
      problems.push({ field: 'parties', reason: `must include the ${required}` });
  }
  if (new Set(roles).size !== roles.length)
    problems.push({ field: 'parties', reason: 'names each role once' });
  if (problems.length) throw invalidArgument(problems);
  // "0100" and "100" are 100.00 on paper.
  const amount = new Decimal(rawAmount).toFixed(2);

  const { rows: templates } = await deps.pool.query<{
    code: string;
    version: number;
    title: string;
    clauses: string[];
  }>(
    `SELECT code, version, title, clauses FROM contract_templates
      WHERE active AND ($1 = '' OR code = $1) AND ($1 <> '' OR $2 = ANY(product_codes))
      ORDER BY version DESC LIMIT 1`,
    [req.templateCode, owner.productCode ?? ''],
  );
  const template = templates[0];
  if (!template) {
    throw req.templateCode
      ? invalidArgument([
          { field: 'templateCode', reason: `"${req.templateCode}" is not an active template` },
        ])
      : failedPrecondition(`no contract template for product ${owner.productCode}`);
  }
  const preview = await deps.accounting.previewSchedule(
    {
      request: {
        principal: amount,
        annualRatePercent: rate,
        term,
        termUnit: 'month',
        repaymentMethod: method,
        disbursementDate: req.disbursementDate,
      },
    },
    onBehalfOf(ctx, deps.rpcTimeoutMs),
  );
  const installments = preview.installments;
  const maturity = installments[installments.length - 1]!.dueDate;
  const capitals = amountInCapitals(amount);
  const party = (role: string) => req.parties.find((x) => x.role === role);
  const penalty = new Decimal(rate).times('1.5').toFixed();
  const values: Record<string, string> = {
    lender: party('lender')!.name,
    borrower: party('borrower')!.name,
    borrowerIdNumber: party('borrower')!.idNumberMasked || '—',
    guarantor: party('guarantor')?.name ?? '',
    amount,
    amountInCapitals: capitals,
    annualRatePercent: rate,
    penaltyRatePercent: penalty,
    termMonths: String(term),
    repaymentMethod: METHOD_ZH[method]!,
    disbursementDate: req.disbursementDate,
    maturityDate: maturity,
    repaymentAccount: req.repaymentAccount || '借款人在贷款人处开立的结算账户',
  };
  const clauses: string[] = [];
  for (const clause of template.clauses) {
    if (clause.includes('{{guarantor}}') && !party('guarantor')) continue;
    const rendered = renderTemplate(clause, values);
    if (rendered.missing.length)
      throw failedPrecondition(
        `template ${template.code} v${template.version} needs ${rendered.missing.join(', ')}`,
      );
    clauses.push(rendered.text);
  }

  const id = uuidv7();
  const generatedAt = new Date();
  const { rows: seq } = await deps.pool.query<{ n: string }>(
    `SELECT nextval('contract_numbers') AS n`,
  );
  const contractNumber = `HT${generatedAt.getUTCFullYear()}${seq[0]!.n.padStart(8, '0')}`;
  const document: ContractDocument = {
    contractNumber,
    title: template.title,
    templateCode: template.code,
    templateVersion: template.version,
    parties: req.parties.map((x) => ({
      role: x.role as 'lender' | 'borrower' | 'guarantor',
      name: x.name,
      idNumberMasked: x.idNumberMasked || undefined,
      address: x.address || undefined,
    })),
    amount,
    amountInCapitals: capitals,
    annualRatePercent: rate,
    termMonths: term,
    repaymentMethodZh: METHOD_ZH[method]!,
    disbursementDate: req.disbursementDate,
    maturityDate: maturity,
    clauses,
    schedule: installments.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      total: i.total,
    })),
    scheduleTotals: {
      principal: amount,
      interest: preview.totalInterest,
      total: preview.totalPayment,
    },
    generatedAt: generatedAt.toISOString(),
  };
  const pdf = await contractPdf(document);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const key = `contracts/${owner.id}/${id}.pdf`;
  await deps.store.put(key, pdf, 'application/pdf');
  try {
    const row = await withTransaction(deps.pool, async (tx) => {
      await tx.query('SELECT 1 FROM owners WHERE kind = $1 AND id = $2 FOR UPDATE', [
        owner.kind,
        owner.id,
      ]);
      const { rows: version } = await tx.query<{ v: number }>(
        `SELECT COALESCE(max(version), 0) + 1 AS v FROM documents WHERE owner_kind = 'application' AND owner_id = $1 AND document_type = 'loan_contract'`,
        [owner.id],
      );
      await tx.query(
        `UPDATE documents SET status = 'superseded' WHERE owner_kind = 'application' AND owner_id = $1 AND document_type = 'loan_contract' AND status = 'stored'`,
        [owner.id],
      );
      // The contract is also a document of the application: viewed (and recorded) and archived with it.
      await tx.query(
        `INSERT INTO documents (id, owner_kind, owner_id, document_type, version, media_type, size, sha256, pages,
           file_name, object_key, status, uploaded_by, renditions)
         VALUES ($1, 'application', $2, 'loan_contract', $3, 'application/pdf', $4, $5, 0, $6, $7, 'stored', $8, 'pending')`,
        [id, owner.id, version[0]!.v, pdf.length, sha256, `${contractNumber}.pdf`, key, p.userId],
      );
      const { rows } = await tx.query<ContractRow>(
        `INSERT INTO contracts (id, contract_number, application_id, template_code, template_version, parties, terms,
           object_key, sha256, status, request_id, generated_by, generated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'generated', $10, $11, $12) RETURNING *`,
        [
          id,
          contractNumber,
          owner.id,
          template.code,
          template.version,
          JSON.stringify(req.parties),
          JSON.stringify({
            amount,
            amountInCapitals: capitals,
            annualRatePercent: rate,
            termMonths: term,
            repaymentMethod: method,
            disbursementDate: req.disbursementDate,
            maturityDate: maturity,
          }),
          key,
          sha256,
          req.requestId || null,
          p.userId,
          generatedAt,
        ],
      );
      await appendToOutbox(tx, SOURCE, {
        type: 'documents.contract.generated',
        subjectId: id,
        data: {
          contractId: id,
          contractNumber,
          applicationId: owner.id,
          templateCode: template.code,
          templateVersion: template.version,
          sha256,
          parties: req.parties.map((x) => x.role),
        },
      });
      return rows[0]!;
    });
    deps.renditionsPending();
    return { contract: await contractMessage(deps.pool, row) };
  } catch (err) {
    await deps.store.discard(key);
    throw err;
  }
}

/** 签署: the caller signs for the party they are named for; the last signature completes the contract. */
export async function signContract(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.SignContractRequest,
): Promise<pb.SignContractResponse> {
  const p = ctx.principal();
  if (!(PARTY_ROLES as readonly string[]).includes(req.partyRole)) {
    throw invalidArgument([
      { field: 'partyRole', reason: `must be one of ${PARTY_ROLES.join(', ')}` },
    ]);
  }
  const row = await withTransaction(deps.pool, async (tx) => {
    const c = await findContract(tx, req.contractId, true);
    const party = c.parties.find((x) => x.role === req.partyRole);
    if (!party)
      throw invalidArgument([
        { field: 'partyRole', reason: `the contract has no ${req.partyRole}` },
      ]);
    if (party.signerUserId !== p.userId)
      throw permissionDenied(
        `you are not the signer for the ${req.partyRole} of contract ${c.contract_number}`,
      );
    const signed = await tx.query(
      'SELECT 1 FROM contract_signatures WHERE contract_id = $1 AND party_role = $2',
      [c.id, req.partyRole],
    );
    if (signed.rowCount)
      throw failedPrecondition(
        `the ${req.partyRole} has already signed contract ${c.contract_number}`,
      );
    const pdf = await deps.store.getBuffer(c.object_key, 64 * 1024 * 1024);
    if (createHash('sha256').update(pdf).digest('hex') !== c.sha256) {
      throw failedPrecondition(
        `the stored contract ${c.contract_number} does not match its fingerprint; it cannot be signed`,
      );
    }
    const now = new Date();
    const credentials = issueCertificate(
      deps.pki.root,
      {
        // X.520 bounds: a common name of at most 64 characters, a PrintableString serial number.
        commonName: `${party.name.slice(0, 48)} (${req.partyRole})`,
        organization: 'LoanFlow',
        serialNumber: p.userId.replace(/[^A-Za-z0-9 '()+,\-./:=?]/g, '-').slice(0, 64),
      },
      'signing',
      now,
    );
    const cms = signDetached(pdf, credentials, now);
    const { rows: serial } = await tx.query<{ n: string }>(
      `SELECT nextval('timestamp_serials') AS n`,
    );
    const tsq = timestampRequest(
      signatureTimestampDigest(cms),
      BigInt(`0x${randomBytes(8).toString('hex')}`),
    );
    const token = tokenFromResponse(respondToRequest(deps.pki.tsa, tsq, now, BigInt(serial[0]!.n)));
    await tx.query(
      `INSERT INTO contract_signatures (contract_id, party_role, signer, certificate_pem, cms, timestamp_token, signed_at, timestamp_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
      [c.id, req.partyRole, p.userId, credentials.certificatePem, cms, token, now],
    );
    const { rows: count } = await tx.query<{ n: string }>(
      'SELECT count(*) AS n FROM contract_signatures WHERE contract_id = $1',
      [c.id],
    );
    const complete = Number(count[0]!.n) === c.parties.length;
    const { rows: updated } = await tx.query<ContractRow>(
      'UPDATE contracts SET status = $2 WHERE id = $1 RETURNING *',
      [c.id, complete ? 'signed' : 'signing'],
    );
    if (complete) {
      await appendToOutbox(tx, SOURCE, {
        type: 'documents.contract.signed',
        subjectId: c.id,
        data: {
          contractId: c.id,
          contractNumber: c.contract_number,
          applicationId: c.application_id,
          sha256: c.sha256,
          parties: c.parties.map((x) => x.role),
          signedAt: now.toISOString(),
          // The signed terms, so that disbursement can hold the loan to them.
          terms: c.terms,
        },
      });
    }
    return updated[0]!;
  });
  return { contract: await contractMessage(deps.pool, row) };
}

/** 验签: signers, signing and timestamp times, and whether these bytes are what was signed. */
export async function verifyContract(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.VerifyContractRequest,
): Promise<pb.VerifyContractResponse> {
  ctx.principal();
  const c = await findContract(deps.pool, req.contractId);
  await resolveOwner(deps, ctx, { kind: 'application', id: c.application_id });
  const pdf =
    req.pdf && req.pdf.length > 0
      ? Buffer.from(req.pdf)
      : await deps.store.getBuffer(c.object_key, 64 * 1024 * 1024);
  const { rows } = await deps.pool.query<{
    party_role: string;
    signer: string;
    cms: Buffer;
    timestamp_token: Buffer;
  }>(
    'SELECT party_role, signer, cms, timestamp_token FROM contract_signatures WHERE contract_id = $1 ORDER BY signed_at',
    [c.id],
  );
  const result = verifySignedContract(
    pdf,
    rows.map((r) => ({ party: r.party_role, cms: r.cms, timestampToken: r.timestamp_token })),
    deps.pki.root.certificatePem,
  );
  return {
    intact: result.intact && rows.length > 0,
    allPartiesSigned: rows.length === c.parties.length,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    signatures: result.signatures.map((s, i) => ({
      partyRole: s.party,
      signer: rows[i]!.signer,
      signedAt: s.signingTime ? s.signingTime.toISOString() : '',
      timestampTime: s.timestampTime ? s.timestampTime.toISOString() : '',
      certificateSubject: s.signer ?? '',
      valid: s.ok,
      reason: s.reason ?? '',
    })),
  };
}

export async function getContract(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.GetContractRequest,
): Promise<pb.GetContractResponse> {
  ctx.principal();
  const c = await findContract(deps.pool, req.id);
  await resolveOwner(deps, ctx, { kind: 'application', id: c.application_id });
  return { contract: await contractMessage(deps.pool, c) };
}
