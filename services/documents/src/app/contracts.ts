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
import { applicationsV1, documentEventsV1, documentsV1 as pb } from '@loanflow/proto';
import { signatureTimestampDigest, signDetached } from '../domain/contracts/cms';
import { amountInCapitals } from '../domain/contracts/numerals';
import { contractPdf, type ContractDocument } from '../domain/contracts/pdf';
import {
  createCertificateAuthority,
  issueCertificate,
  type Credentials,
} from '../domain/contracts/pki';
import {
  clausesSummary,
  DEFAULT_TEMPLATES,
  rateTermsText,
  renderClauses,
  repaymentDatesText,
} from '../domain/contracts/template';
import {
  METHOD_ZH,
  penaltyRatePercent,
  rateBasisEnum,
  REPAYMENT_METHOD_PREFIX,
  repaymentMethodEnum,
  scheduleRequestOf,
  validateContractTerms,
  wireWord,
  type ContractTerms,
} from '../domain/contracts/terms';
import { respondToRequest, timestampRequest, tokenFromResponse } from '../domain/contracts/tsa';
import { verifySignedContract } from '../domain/contracts/verify';
import { isUuid, onBehalfOf, resolveOwner, SOURCE, type DocumentsDeps } from './deps';
import { checklistOf } from './documents';

/** The checklist stage of the disbursement review (集中审查放款). */
export const DISBURSEMENT_STAGE = 'disbursement';

const PARTY_ROLES = ['lender', 'borrower', 'guarantor'] as const;
const GENERATORS = [
  'account_manager',
  'corporate_lending',
  'disbursement_reviewer',
  'admin',
] as const;

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

/**
 * Loads the built-in templates once (new versions are added, never changed in place); an older
 * version of a code is retired (kept for the contracts that name it, no longer offered).
 */
export async function seedTemplates(pool: Pool): Promise<void> {
  for (const t of DEFAULT_TEMPLATES) {
    await pool.query(
      `INSERT INTO contract_templates (code, version, product_codes, title, clauses, required_parties)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code, version) DO NOTHING`,
      [t.code, t.version, t.productCodes, t.title, JSON.stringify(t.clauses), t.requiredParties],
    );
    await pool.query(
      'UPDATE contract_templates SET active = false WHERE code = $1 AND version < $2 AND active',
      [t.code, t.version],
    );
  }
}

interface StoredTerms extends ContractTerms {
  amountInCapitals: string;
  firstDueDate: string;
  maturityDate: string;
  schedule: pb.ContractInstallment[];
  totalInterest: string;
  totalPayment: string;
}

interface ContractRow {
  id: string;
  contract_number: string;
  application_id: string;
  template_code: string;
  template_version: number;
  parties: pb.ContractParty[];
  /** Contracts made before terms were fixed in full (migration 003) hold fewer fields. */
  terms: Partial<StoredTerms> & { amount: string; amountInCapitals: string };
  object_key: string;
  sha256: string;
  status: 'generated' | 'signing' | 'signed';
  generated_at: Date;
  customer_id: string | null;
  branch_id: string | null;
  product_code: string | null;
  borrower_name: string | null;
  loan_id: string | null;
}

/** The terms of a contract as the wire carries them (LoanTerms). */
export function loanTermsOf(t: ContractRow['terms']): pb.LoanTerms | undefined {
  if (!t.schedule || !t.repaymentMethod || !t.annualRatePercent) return undefined;
  return pb.LoanTerms.fromPartial({
    amount: t.amount,
    annualRatePercent: t.annualRatePercent,
    rateBasis: rateBasisEnum(t.rateBasis ?? 'fixed'),
    spreadBp: t.spreadBp ?? 0,
    repricing: t.repricing ?? '',
    termMonths: t.termMonths,
    repaymentMethod: repaymentMethodEnum(t.repaymentMethod),
    repaymentDay: t.repaymentDay ?? '',
    disbursementDate: t.disbursementDate,
    firstDueDate: t.firstDueDate,
    maturityDate: t.maturityDate,
    penaltyMarkupPercent: t.penaltyMarkupPercent,
    schedule: t.schedule,
    totalInterest: t.totalInterest,
    totalPayment: t.totalPayment,
  });
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
  return pb.Contract.fromPartial({
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
    loanId: c.loan_id ?? '',
    terms: loanTermsOf(c.terms),
    customerId: c.customer_id ?? '',
    branchId: c.branch_id ?? '',
    productCode: c.product_code ?? '',
  });
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

/** The application's repayment method in the vocabulary's words (older names mapped). */
function methodOfApplication(method: string): string {
  const word = wireWord(method, REPAYMENT_METHOD_PREFIX);
  const legacy: Record<string, string> = {
    interest_only_bullet: 'interest_only',
    lump_sum: 'bullet',
  };
  return legacy[word] ?? word;
}

interface TemplateRow {
  code: string;
  version: number;
  title: string;
  clauses: string[];
  required_parties: string[];
  product_codes: string[];
}

/** The active templates (the highest version of each code), for one product or all. */
export async function listContractTemplates(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ListContractTemplatesRequest,
): Promise<pb.ListContractTemplatesResponse> {
  ctx.principal();
  if (req.productCode && !/^[A-Z][A-Z0-9_]{0,63}$/.test(req.productCode))
    throw invalidArgument([
      { field: 'productCode', reason: 'must be a product code such as MORTGAGE' },
    ]);
  const { rows } = await deps.pool.query<TemplateRow>(
    `SELECT DISTINCT ON (code) code, version, title, clauses, required_parties, product_codes
       FROM contract_templates WHERE active AND ($1 = '' OR $1 = ANY(product_codes))
      ORDER BY code, version DESC`,
    [req.productCode],
  );
  return {
    templates: rows.map((t) => ({
      code: t.code,
      version: t.version,
      productCodes: t.product_codes,
      title: t.title,
      requiredParties: t.required_parties,
      clausesSummary: clausesSummary(t.clauses),
    })),
  };
}

/** 生成合同 for an approved application: its terms fixed, its schedule from the accounting preview. */
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
  const checked = validateContractTerms({
    amount: req.amount || app!.approvedAmount,
    annualRatePercent: req.annualRatePercent || app!.approvedRatePercent,
    rateBasis: req.rateBasis,
    spreadBp: req.spreadBp,
    repricing: req.repricing,
    termMonths: req.termMonths || app!.approvedTermMonths,
    repaymentMethod: req.repaymentMethod || methodOfApplication(app!.repaymentMethod),
    repaymentDay: req.repaymentDay,
    disbursementDate: req.disbursementDate,
  });
  const problems = checked.ok ? [] : [...checked.problems];
  const asked = req.amount || app!.approvedAmount;
  if (
    app!.approvedAmount &&
    /^\d{1,13}(\.\d{1,2})?$/.test(asked) &&
    new Decimal(asked).greaterThan(app!.approvedAmount)
  )
    problems.push({
      field: 'amount',
      reason: `must not exceed the approved amount ${new Decimal(app!.approvedAmount).toFixed(2)}`,
    });
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
  if (new Set(roles).size !== roles.length)
    problems.push({ field: 'parties', reason: 'names each role once' });

  const { rows: templates } = await deps.pool.query<TemplateRow>(
    `SELECT code, version, title, clauses, required_parties, product_codes FROM contract_templates
      WHERE active AND ($1 = '' OR code = $1) AND ($1 <> '' OR $2 = ANY(product_codes))
      ORDER BY version DESC LIMIT 1`,
    [req.templateCode, owner.productCode ?? ''],
  );
  const template = templates[0];
  if (!template && req.templateCode)
    problems.push({
      field: 'templateCode',
      reason: `"${req.templateCode}" is not an active template`,
    });
  for (const required of template?.required_parties ?? ['lender', 'borrower']) {
    if (!roles.includes(required))
      problems.push({
        field: 'parties',
        reason: `must include the ${required}${template ? ` (template ${template.code})` : ''}`,
      });
  }
  const needsCollateral = template?.clauses.some((c) => c.includes('{{collateral}}'));
  if (needsCollateral && !req.collateral?.trim())
    problems.push({
      field: 'collateral',
      reason: `is required: template ${template!.code} pledges the property (抵押物) it describes`,
    });
  if (!needsCollateral && req.collateral)
    problems.push({
      field: 'collateral',
      reason: 'applies to a template with a collateral clause',
    });
  if (problems.length) throw invalidArgument(problems);
  if (!template) throw failedPrecondition(`no contract template for product ${owner.productCode}`);
  const terms = (checked as { ok: true; terms: ContractTerms }).terms;

  // A contract names its borrower exactly: the full identity number, disclosed for this purpose
  // by the applications service (which records the disclosure), never typed in by the caller.
  const borrower = await deps.applications.getBorrowerIdentity(
    { applicationId: owner.id, purpose: 'contract_printing' },
    onBehalfOf(ctx, deps.rpcTimeoutMs),
  );
  const borrowerParty = req.parties.find((x) => x.role === 'borrower')!;
  if (borrowerParty.name.trim() !== borrower.name) {
    throw invalidArgument([
      {
        field: `parties[${roles.indexOf('borrower')}].name`,
        reason: `must be the borrower's name as the customer record has it (${borrower.name})`,
      },
    ]);
  }
  const preview = await deps.accounting.previewSchedule(
    { request: scheduleRequestOf(terms) },
    onBehalfOf(ctx, deps.rpcTimeoutMs),
  );
  const installments = preview.installments;
  const firstDueDate = installments[0]!.dueDate;
  const maturity = installments[installments.length - 1]!.dueDate;
  const capitals = amountInCapitals(terms.amount);
  const party = (role: string) => req.parties.find((x) => x.role === role);
  const penalty = penaltyRatePercent(terms);
  const values: Record<string, string> = {
    lender: party('lender')!.name,
    borrower: borrower.name,
    borrowerIdNumber: borrower.idNumber,
    guarantor: party('guarantor')?.name ?? '',
    amount: terms.amount,
    amountInCapitals: capitals,
    rateTerms: rateTermsText(terms),
    penaltyRatePercent: penalty,
    termMonths: String(terms.termMonths),
    repaymentMethod: METHOD_ZH[terms.repaymentMethod],
    repaymentDates: repaymentDatesText({ repaymentDay: terms.repaymentDay, firstDueDate }),
    disbursementDate: terms.disbursementDate,
    maturityDate: maturity,
    repaymentAccount: req.repaymentAccount || '借款人在贷款人处开立的结算账户',
    collateral: req.collateral ?? '',
  };
  const rendered = renderClauses(template.clauses, values);
  if (rendered.missing.length)
    throw failedPrecondition(
      `template ${template.code} v${template.version} needs ${rendered.missing.join(', ')}`,
    );
  const clauses = rendered.clauses;

  const id = uuidv7();
  const generatedAt = new Date();
  const { rows: seq } = await deps.pool.query<{ n: string }>(
    `SELECT nextval('contract_numbers') AS n`,
  );
  const contractNumber = `HT${generatedAt.getUTCFullYear()}${seq[0]!.n.padStart(8, '0')}`;
  const schedule: pb.ContractInstallment[] = installments.map((i) => ({
    period: i.period,
    dueDate: i.dueDate,
    principal: i.principal,
    interest: i.interest,
    total: i.total,
    balance: i.balance,
  }));
  const stored: StoredTerms = {
    ...terms,
    amountInCapitals: capitals,
    firstDueDate,
    maturityDate: maturity,
    schedule,
    totalInterest: preview.totalInterest,
    totalPayment: preview.totalPayment,
  };
  const document: ContractDocument = {
    contractNumber,
    title: template.title,
    templateCode: template.code,
    templateVersion: template.version,
    parties: req.parties.map((x) => ({
      role: x.role as 'lender' | 'borrower' | 'guarantor',
      name: x.role === 'borrower' ? borrower.name : x.name,
      idNumber: x.role === 'borrower' ? borrower.idNumber : x.idNumberMasked || undefined,
      address: x.address || (x.role === 'borrower' ? borrower.address : '') || undefined,
    })),
    amount: terms.amount,
    amountInCapitals: capitals,
    annualRatePercent: terms.annualRatePercent,
    rateBasisZh: RATE_BASIS_ZH(terms),
    termMonths: terms.termMonths,
    repaymentMethodZh: METHOD_ZH[terms.repaymentMethod],
    repaymentDayZh: terms.repaymentDay
      ? terms.repaymentDay === 'month_end'
        ? '每月最后一日'
        : `每月${terms.repaymentDay}日`
      : undefined,
    disbursementDate: terms.disbursementDate,
    firstDueDate: terms.repaymentDay ? firstDueDate : undefined,
    maturityDate: maturity,
    clauses,
    schedule,
    scheduleTotals: {
      principal: terms.amount,
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
           object_key, sha256, status, request_id, generated_by, generated_at, customer_id, branch_id,
           product_code, borrower_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'generated', $10, $11, $12, $13, $14, $15, $16)
         RETURNING *`,
        [
          id,
          contractNumber,
          owner.id,
          template.code,
          template.version,
          JSON.stringify(req.parties),
          JSON.stringify(stored),
          key,
          sha256,
          req.requestId || null,
          p.userId,
          generatedAt,
          app!.customerId,
          app!.branchId,
          app!.productCode,
          borrower.name,
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

const RATE_BASIS_ZH = (t: ContractTerms): string =>
  t.rateBasis === 'fixed'
    ? '固定利率'
    : `${t.rateBasis === 'lpr_1y' ? '1年期' : '5年期以上'}LPR${t.spreadBp >= 0 ? '+' : ''}${t.spreadBp}基点`;

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
    // Only the application's newest contract can bind: a regenerated one supersedes the older
    // (ids are time-ordered), and once one is signed by every party no other can be signed —
    // else a stale contract signed later would replace the terms the loan is opened under.
    const { rows: rivals } = await tx.query<{ contract_number: string; status: string }>(
      `SELECT contract_number, status FROM contracts
        WHERE application_id = $1 AND id <> $2 AND (status = 'signed' OR id > $2)
        ORDER BY id DESC FOR UPDATE`,
      [c.application_id, c.id],
    );
    const binding = rivals.find((r) => r.status === 'signed');
    if (binding)
      throw failedPrecondition(
        `contract ${binding.contract_number} already binds this application; ${c.contract_number} can no longer be signed`,
      );
    if (rivals[0])
      throw failedPrecondition(
        `contract ${c.contract_number} was superseded by ${rivals[0].contract_number}; sign the newest`,
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
      // The signed terms and whose they are, so that the loan opened under the contract takes them.
      await appendToOutbox(tx, SOURCE, {
        type: 'documents.contract.signed',
        subjectId: c.id,
        schemaVersion: 2,
        data: documentEventsV1.ContractSigned.toJSON({
          contractId: c.id,
          contractNumber: c.contract_number,
          applicationId: c.application_id,
          customerId: c.customer_id ?? '',
          branchId: c.branch_id ?? '',
          productCode: c.product_code ?? '',
          borrowerName: c.borrower_name ?? '',
          templateCode: c.template_code,
          templateVersion: c.template_version,
          sha256: c.sha256,
          parties: c.parties.map((x) => x.role),
          signedAt: now.toISOString(),
          terms: loanTermsOf(c.terms),
        }),
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

/** Who does the disbursement review (集中审查放款) and may look at it. */
const REVIEWERS = ['disbursement_reviewer', 'admin', 'auditor'] as const;

/**
 * 集中审查放款: everything the disbursement reviewer decides on in one answer — the application's
 * current contract, its signatures and timestamps verified over the stored bytes, and the checklist
 * of stage "disbursement". The accounting service asks the same checklist before it opens a loan.
 */
export async function getDisbursementReview(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.GetDisbursementReviewRequest,
): Promise<pb.GetDisbursementReviewResponse> {
  requireRole(ctx.principal(), [...REVIEWERS], 'the disbursement review');
  const owner = await resolveOwner(
    deps,
    ctx,
    { kind: 'application', id: req.applicationId },
    'applicationId',
  );
  const checklist = await checklistOf(deps.pool, owner, DISBURSEMENT_STAGE);
  const { rows } = await deps.pool.query<ContractRow>(
    'SELECT * FROM contracts WHERE application_id = $1 ORDER BY generated_at DESC LIMIT 1',
    [owner.id],
  );
  const blockers: string[] = [];
  let contract: pb.Contract | undefined;
  let verification: pb.VerifyContractResponse | undefined;
  if (!rows[0]) blockers.push('no contract has been generated for the application');
  else {
    contract = await contractMessage(deps.pool, rows[0]);
    verification = await verifyContract(deps, ctx, {
      contractId: rows[0].id,
      pdf: Buffer.alloc(0),
    });
    if (!verification.allPartiesSigned)
      blockers.push(`contract ${contract.contractNumber} is not yet signed by every party`);
    else if (!verification.intact)
      blockers.push(`the signatures of contract ${contract.contractNumber} do not verify`);
    if (contract.loanId) blockers.push(`loan ${contract.loanId} is already opened under it`);
  }
  if (checklist.missing.length)
    blockers.push(`documents missing for disbursement: ${checklist.missing.join(', ')}`);
  return {
    applicationId: owner.id,
    contract,
    verification,
    checklist,
    ready: blockers.length === 0,
    blockers,
  };
}

/** accounting.loan.disbursed: the contract links to the loan opened under it. */
export async function linkContractToLoan(
  tx: Queryable,
  data: { loanId?: unknown; contractId?: unknown; tranche?: unknown },
): Promise<void> {
  if (data.tranche !== undefined && data.tranche !== 1) return;
  if (typeof data.loanId !== 'string' || typeof data.contractId !== 'string') return;
  if (!isUuid(data.loanId) || !isUuid(data.contractId)) return;
  await tx.query('UPDATE contracts SET loan_id = $2 WHERE id = $1 AND loan_id IS NULL', [
    data.contractId,
    data.loanId,
  ]);
}
