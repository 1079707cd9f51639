// 合同: generated from the product's template as a PDF with Chinese text, signed by every party
// with a detached CMS signature and an RFC 3161 timestamp, verifiable by anyone with the bytes.
import { createHash, randomBytes } from 'node:crypto';
import Decimal from 'decimal.js';
import {
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  isUuid,
  notFound,
  permissionDenied,
  requireRole,
  uuidv7,
  withTransaction,
  type Pool,
  type Queryable,
} from '@loanflow/platform';
import { signatureTimestampDigest, signDetached } from '../domain/contracts/cms';
import { amountInCapitals } from '../domain/contracts/numerals';
import { contractPdf, type ContractDocument } from '../domain/contracts/pdf';
import {
  createCertificateAuthority,
  issueCertificate,
  type Credentials,
} from '../domain/contracts/pki';
import {
  DEFAULT_TEMPLATES,
  rateTermsText,
  renderClauses,
  repaymentDatesText,
} from '../domain/contracts/template';
import {
  METHOD_ZH,
  penaltyRatePercent,
  validateContractTerms,
  type ContractTerms,
  type FieldProblem,
} from '../domain/contracts/terms';
import { respondToRequest, timestampRequest, tokenFromResponse } from '../domain/contracts/tsa';
import { verifySignedContract } from '../domain/contracts/verify';
import {
  activeTemplates,
  addTemplateVersion,
  findContract,
  findContractByRequestId,
  insertContract,
  insertSignature,
  contractsOf,
  latestContractOf,
  linkLoan,
  loadCredentials,
  nextContractSerial,
  nextTimestampSerial,
  rivalContracts,
  saveCredentials,
  setContractStatus,
  signaturesOf,
  templateFor,
} from '../infra/contract-repo';
import { fileNewVersion } from '../infra/document-repo';
import { contractGenerated, contractSigned } from '../infra/events';
import { lockOwner } from '../infra/owner-repo';
import { resolveOwner, SOURCE, type DocumentsDeps } from './deps';
import { checklistOf } from './documents';
import {
  PARTY_ROLES,
  type ApplicationForContract,
  type BorrowerIdentity,
  type Caller,
  type Contract,
  type ContractParty,
  type ContractTemplate,
  type DisbursementReview,
  type OwnerRecord,
  type SchedulePreview,
  type SignedContract,
  type StoredTerms,
  type Verification,
} from './model';

/** The checklist stage of the disbursement review (集中审查放款). */
export const DISBURSEMENT_STAGE = 'disbursement';

const GENERATORS = [
  'account_manager',
  'corporate_lending',
  'disbursement_reviewer',
  'admin',
] as const;

/** Contracts are read back whole for signing and verifying; none is near this. */
const MAX_CONTRACT_BYTES = 64 * 1024 * 1024;

/** The deployment's development CA and timestamp authority, made once at first start. */
export async function ensurePki(
  pool: Pool,
  now = new Date(),
): Promise<{ root: Credentials; tsa: Credentials }> {
  if (!(await loadCredentials(pool, 'root')))
    await saveCredentials(
      pool,
      'root',
      createCertificateAuthority('LoanFlow Development Root CA', now),
    );
  const root = (await loadCredentials(pool, 'root'))!;
  if (!(await loadCredentials(pool, 'tsa'))) {
    await saveCredentials(
      pool,
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
  return { root, tsa: (await loadCredentials(pool, 'tsa'))! };
}

/**
 * Loads the built-in templates once (new versions are added, never changed in place); an older
 * version of a code is retired (kept for the contracts that name it, no longer offered).
 */
export async function seedTemplates(pool: Pool): Promise<void> {
  for (const t of DEFAULT_TEMPLATES) await addTemplateVersion(pool, t);
}

const withSignatures = async (db: Queryable, contract: Contract): Promise<SignedContract> => ({
  contract,
  signatures: await signaturesOf(db, contract.id),
});

async function contractById(db: Queryable, id: string, lock = false): Promise<Contract> {
  if (!isUuid(id)) throw invalidArgument([{ field: 'contractId', reason: 'must be a UUID' }]);
  const contract = await findContract(db, id, { lock });
  if (!contract) throw notFound(`contract ${id}`);
  return contract;
}

/** The active templates (the highest version of each code), for one product or all. */
export async function listContractTemplates(
  deps: DocumentsDeps,
  _caller: Caller,
  productCode: string,
): Promise<ContractTemplate[]> {
  if (productCode && !/^[A-Z][A-Z0-9_]{0,63}$/.test(productCode))
    throw invalidArgument([
      { field: 'productCode', reason: 'must be a product code such as MORTGAGE' },
    ]);
  return activeTemplates(deps.pool, productCode);
}

export interface GenerateContractRequest {
  applicationId: string;
  templateCode: string;
  parties: ContractParty[];
  amount: string;
  annualRatePercent: string;
  rateBasis: string;
  spreadBp: number;
  repricing: string;
  termMonths: number;
  repaymentMethod: string;
  repaymentDay: string;
  disbursementDate: string;
  repaymentAccount: string;
  collateral: string;
  requestId: string;
}

/** 生成合同 for an approved application: its terms fixed, its schedule from the accounting preview. */
export async function generateContract(
  deps: DocumentsDeps,
  caller: Caller,
  req: GenerateContractRequest,
): Promise<SignedContract> {
  requireRole(caller.principal, [...GENERATORS], 'generating a contract');
  if (req.requestId) {
    const earlier = await findContractByRequestId(deps.pool, req.requestId);
    if (earlier) return withSignatures(deps.pool, earlier);
  }
  const owner = await resolveOwner(
    deps,
    caller,
    { kind: 'application', id: req.applicationId },
    'applicationId',
  );
  const app = await deps.peers.application(caller, owner.id);
  if (!app.approved)
    throw failedPrecondition('a contract is generated for an approved application');
  const { terms, template } = await checkContractRequest(deps.pool, owner, app, req);
  // A contract names its borrower exactly: the full identity number, disclosed for this purpose
  // by the applications service (which records the disclosure), never typed in by the caller.
  const borrower = await deps.peers.borrowerIdentity(caller, owner.id);
  const borrowerAt = req.parties.findIndex((x) => x.role === 'borrower');
  if (req.parties[borrowerAt]!.name.trim() !== borrower.name) {
    throw invalidArgument([
      {
        field: `parties[${borrowerAt}].name`,
        reason: `must be the borrower's name as the customer record has it (${borrower.name})`,
      },
    ]);
  }
  const preview = await deps.peers.previewSchedule(caller, terms);
  const id = uuidv7();
  const generatedAt = deps.now();
  const contractNumber = `HT${deps.calendar.today().slice(0, 4)}${(await nextContractSerial(deps.pool)).padStart(8, '0')}`;
  const stored = storedTerms(terms, preview);
  const pdf = await contractPdf(
    contractDocument({ contractNumber, template, req, borrower, terms: stored, generatedAt }),
  );
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const key = `contracts/${owner.id}/${id}.pdf`;
  await deps.store.put(key, pdf, 'application/pdf');
  try {
    const contract = await withTransaction(deps.pool, async (tx) => {
      await lockOwner(tx, owner);
      // The contract is also a document of the application: viewed (and recorded) and archived with it.
      await fileNewVersion(tx, {
        id,
        owner,
        documentType: 'loan_contract',
        mediaType: 'application/pdf',
        size: pdf.length,
        sha256,
        pages: 0,
        fileName: `${contractNumber}.pdf`,
        objectKey: key,
        uploadedBy: caller.principal.userId,
        requestId: null,
      });
      const made = await insertContract(tx, {
        id,
        contractNumber,
        applicationId: owner.id,
        template,
        parties: req.parties,
        terms: stored,
        objectKey: key,
        sha256,
        requestId: req.requestId || null,
        generatedBy: caller.principal.userId,
        generatedAt,
        customerId: app.customerId,
        branchId: app.branchId,
        productCode: app.productCode,
        borrowerName: borrower.name,
      });
      await appendToOutbox(tx, SOURCE, contractGenerated(made));
      return made;
    });
    deps.renditionsPending();
    return withSignatures(deps.pool, contract);
  } catch (err) {
    await deps.store.discard(key);
    throw err;
  }
}

/**
 * The request against the application and the template: the terms within what was approved,
 * each party named once with the user who signs for it, the template's parties and collateral.
 * Every problem at once, with its field.
 */
async function checkContractRequest(
  db: Queryable,
  owner: OwnerRecord,
  app: ApplicationForContract,
  req: GenerateContractRequest,
): Promise<{ terms: ContractTerms; template: ContractTemplate }> {
  const checked = validateContractTerms({
    amount: req.amount || app.approvedAmount,
    annualRatePercent: req.annualRatePercent || app.approvedRatePercent,
    rateBasis: req.rateBasis,
    spreadBp: req.spreadBp,
    repricing: req.repricing,
    termMonths: req.termMonths || app.approvedTermMonths,
    repaymentMethod: req.repaymentMethod || app.repaymentMethod,
    repaymentDay: req.repaymentDay,
    disbursementDate: req.disbursementDate,
  });
  const problems: FieldProblem[] = checked.ok ? [] : [...checked.problems];
  const asked = req.amount || app.approvedAmount;
  if (
    app.approvedAmount &&
    /^\d{1,13}(\.\d{1,2})?$/.test(asked) &&
    new Decimal(asked).greaterThan(app.approvedAmount)
  )
    problems.push({
      field: 'amount',
      reason: `must not exceed the approved amount ${new Decimal(app.approvedAmount).toFixed(2)}`,
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

  const template = await templateFor(db, req.templateCode, owner.productCode ?? '');
  if (!template && req.templateCode)
    problems.push({
      field: 'templateCode',
      reason: `"${req.templateCode}" is not an active template`,
    });
  for (const required of template?.requiredParties ?? ['lender', 'borrower']) {
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
  return { terms: (checked as { ok: true; terms: ContractTerms }).terms, template };
}

/** The terms as the contract fixes them, with the schedule the accounting preview gave. */
function storedTerms(terms: ContractTerms, preview: SchedulePreview): StoredTerms {
  const installments = preview.installments;
  return {
    ...terms,
    amountInCapitals: amountInCapitals(terms.amount),
    firstDueDate: installments[0]!.dueDate,
    maturityDate: installments[installments.length - 1]!.dueDate,
    schedule: installments.map((i) => ({ ...i })),
    totalInterest: preview.totalInterest,
    totalPayment: preview.totalPayment,
  };
}

const RATE_BASIS_ZH = (t: ContractTerms): string =>
  t.rateBasis === 'fixed'
    ? '固定利率'
    : `${t.rateBasis === 'lpr_1y' ? '1年期' : '5年期以上'}LPR${t.spreadBp >= 0 ? '+' : ''}${t.spreadBp}基点`;

/** What the PDF prints: the template's clauses filled in, the parties, the terms and schedule. */
function contractDocument(c: {
  contractNumber: string;
  template: ContractTemplate;
  req: GenerateContractRequest;
  borrower: BorrowerIdentity;
  terms: StoredTerms;
  generatedAt: Date;
}): ContractDocument {
  const { template, req, borrower, terms } = c;
  const party = (role: string) => req.parties.find((x) => x.role === role);
  const values: Record<string, string> = {
    lender: party('lender')!.name,
    borrower: borrower.name,
    borrowerIdNumber: borrower.idNumber,
    guarantor: party('guarantor')?.name ?? '',
    amount: terms.amount,
    amountInCapitals: terms.amountInCapitals,
    rateTerms: rateTermsText(terms),
    penaltyRatePercent: penaltyRatePercent(terms),
    termMonths: String(terms.termMonths),
    repaymentMethod: METHOD_ZH[terms.repaymentMethod],
    repaymentDates: repaymentDatesText({
      repaymentDay: terms.repaymentDay,
      firstDueDate: terms.firstDueDate,
    }),
    disbursementDate: terms.disbursementDate,
    maturityDate: terms.maturityDate,
    repaymentAccount: req.repaymentAccount || '借款人在贷款人处开立的结算账户',
    collateral: req.collateral ?? '',
  };
  const rendered = renderClauses(template.clauses, values);
  if (rendered.missing.length)
    throw failedPrecondition(
      `template ${template.code} v${template.version} needs ${rendered.missing.join(', ')}`,
    );
  return {
    contractNumber: c.contractNumber,
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
    amountInCapitals: terms.amountInCapitals,
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
    firstDueDate: terms.repaymentDay ? terms.firstDueDate : undefined,
    maturityDate: terms.maturityDate,
    clauses: rendered.clauses,
    schedule: terms.schedule,
    scheduleTotals: {
      principal: terms.amount,
      interest: terms.totalInterest,
      total: terms.totalPayment,
    },
    generatedAt: c.generatedAt.toISOString(),
  };
}

/** 签署: the caller signs for the party they are named for; the last signature completes the contract. */
export async function signContract(
  deps: DocumentsDeps,
  caller: Caller,
  req: { contractId: string; partyRole: string },
): Promise<SignedContract> {
  const p = caller.principal;
  if (!(PARTY_ROLES as readonly string[]).includes(req.partyRole)) {
    throw invalidArgument([
      { field: 'partyRole', reason: `must be one of ${PARTY_ROLES.join(', ')}` },
    ]);
  }
  const contract = await withTransaction(deps.pool, async (tx) => {
    const c = await contractById(tx, req.contractId, true);
    const party = c.parties.find((x) => x.role === req.partyRole);
    if (!party)
      throw invalidArgument([
        { field: 'partyRole', reason: `the contract has no ${req.partyRole}` },
      ]);
    if (party.signerUserId !== p.userId)
      throw permissionDenied(
        `you are not the signer for the ${req.partyRole} of contract ${c.contractNumber}`,
      );
    const signatures = await signaturesOf(tx, c.id);
    if (signatures.some((s) => s.partyRole === req.partyRole))
      throw failedPrecondition(
        `the ${req.partyRole} has already signed contract ${c.contractNumber}`,
      );
    // Only the application's newest contract can bind: a regenerated one supersedes the older
    // (ids are time-ordered), and once one is signed by every party no other can be signed —
    // else a stale contract signed later would replace the terms the loan is opened under.
    const rivals = await rivalContracts(tx, c);
    const binding = rivals.find((r) => r.status === 'signed');
    if (binding)
      throw failedPrecondition(
        `contract ${binding.contractNumber} already binds this application; ${c.contractNumber} can no longer be signed`,
      );
    if (rivals[0])
      throw failedPrecondition(
        `contract ${c.contractNumber} was superseded by ${rivals[0].contractNumber}; sign the newest`,
      );
    const pdf = await deps.store.getBuffer(c.objectKey, MAX_CONTRACT_BYTES);
    if (createHash('sha256').update(pdf).digest('hex') !== c.sha256) {
      throw failedPrecondition(
        `the stored contract ${c.contractNumber} does not match its fingerprint; it cannot be signed`,
      );
    }
    const now = deps.now();
    const signature = await signAndTimestamp(deps, tx, pdf, party, p.userId, now);
    await insertSignature(tx, c.id, { partyRole: req.partyRole, signer: p.userId, ...signature });
    const complete = signatures.length + 1 === c.parties.length;
    const updated = await setContractStatus(tx, c.id, complete ? 'signed' : 'signing');
    if (complete) await appendToOutbox(tx, SOURCE, contractSigned(updated, now));
    return updated;
  });
  return withSignatures(deps.pool, contract);
}

/** A certificate for the signer, the detached CMS signature and its RFC 3161 timestamp token. */
async function signAndTimestamp(
  deps: DocumentsDeps,
  tx: Queryable,
  pdf: Buffer,
  party: ContractParty,
  userId: string,
  now: Date,
): Promise<{ certificatePem: string; cms: Buffer; timestampToken: Buffer; signedAt: Date }> {
  const credentials = issueCertificate(
    deps.pki.root,
    {
      // X.520 bounds: a common name of at most 64 characters, a PrintableString serial number.
      commonName: `${party.name.slice(0, 48)} (${party.role})`,
      organization: 'LoanFlow',
      serialNumber: userId.replace(/[^A-Za-z0-9 '()+,\-./:=?]/g, '-').slice(0, 64),
    },
    'signing',
    now,
  );
  const cms = signDetached(pdf, credentials, now);
  const serial = await nextTimestampSerial(tx);
  const tsq = timestampRequest(
    signatureTimestampDigest(cms),
    BigInt(`0x${randomBytes(8).toString('hex')}`),
  );
  const timestampToken = tokenFromResponse(respondToRequest(deps.pki.tsa, tsq, now, serial));
  return { certificatePem: credentials.certificatePem, cms, timestampToken, signedAt: now };
}

/** 验签: signers, signing and timestamp times, and whether these bytes are what was signed. */
export async function verifyContract(
  deps: DocumentsDeps,
  caller: Caller,
  req: { contractId: string; pdf: Buffer | undefined },
): Promise<Verification> {
  const c = await contractById(deps.pool, req.contractId);
  await resolveOwner(deps, caller, { kind: 'application', id: c.applicationId });
  const pdf =
    req.pdf && req.pdf.length > 0
      ? Buffer.from(req.pdf)
      : await deps.store.getBuffer(c.objectKey, MAX_CONTRACT_BYTES);
  const signatures = await signaturesOf(deps.pool, c.id);
  const result = verifySignedContract(
    pdf,
    signatures.map((s) => ({ party: s.partyRole, cms: s.cms, timestampToken: s.timestampToken })),
    deps.pki.root.certificatePem,
  );
  return {
    intact: result.intact && signatures.length > 0,
    allPartiesSigned: signatures.length === c.parties.length,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    signatures: result.signatures.map((s, i) => ({
      partyRole: s.party,
      signer: signatures[i]!.signer,
      signedAt: s.signingTime ?? undefined,
      timestampTime: s.timestampTime ?? undefined,
      certificateSubject: s.signer ?? '',
      valid: s.ok,
      reason: s.reason ?? '',
    })),
  };
}

export async function getContract(
  deps: DocumentsDeps,
  caller: Caller,
  id: string,
): Promise<SignedContract> {
  const c = await contractById(deps.pool, id);
  await resolveOwner(deps, caller, { kind: 'application', id: c.applicationId });
  return withSignatures(deps.pool, c);
}

/**
 * The contracts of an application, newest first, with their signatures: for whoever may see the
 * application (its branch scope); none yet is an empty list.
 */
export async function listContracts(
  deps: DocumentsDeps,
  caller: Caller,
  applicationId: string,
): Promise<SignedContract[]> {
  const owner = await resolveOwner(
    deps,
    caller,
    { kind: 'application', id: applicationId },
    'applicationId',
  );
  const contracts = await contractsOf(deps.pool, owner.id);
  return Promise.all(contracts.map((c) => withSignatures(deps.pool, c)));
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
  caller: Caller,
  applicationId: string,
): Promise<DisbursementReview> {
  requireRole(caller.principal, [...REVIEWERS], 'the disbursement review');
  const owner = await resolveOwner(
    deps,
    caller,
    { kind: 'application', id: applicationId },
    'applicationId',
  );
  const checklist = await checklistOf(deps.pool, owner, DISBURSEMENT_STAGE);
  const latest = await latestContractOf(deps.pool, owner.id);
  const blockers: string[] = [];
  let contract: SignedContract | undefined;
  let verification: Verification | undefined;
  if (!latest) blockers.push('no contract has been generated for the application');
  else {
    contract = await withSignatures(deps.pool, latest);
    verification = await verifyContract(deps, caller, { contractId: latest.id, pdf: undefined });
    const number = latest.contractNumber;
    if (!verification.allPartiesSigned)
      blockers.push(`contract ${number} is not yet signed by every party`);
    else if (!verification.intact)
      blockers.push(`the signatures of contract ${number} do not verify`);
    if (latest.loanId) blockers.push(`loan ${latest.loanId} is already opened under it`);
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
  contractId: string,
  loanId: string,
): Promise<void> {
  if (!isUuid(loanId) || !isUuid(contractId)) return;
  await linkLoan(tx, contractId, loanId);
}
