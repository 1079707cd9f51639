// Contract templates, contracts, their signatures, and the deployment's PKI: plain objects.
import type { Pool, Queryable } from '@loanflow/platform';
import type {
  Contract,
  ContractParty,
  ContractStatus,
  ContractTemplate,
  Signature,
  StoredTerms,
} from '../app/model';
import type { Credentials } from '../domain/contracts/pki';

interface ContractRow {
  id: string;
  contract_number: string;
  application_id: string;
  template_code: string;
  template_version: number;
  parties: ContractParty[];
  terms: Contract['terms'];
  object_key: string;
  sha256: string;
  status: ContractStatus;
  generated_at: Date;
  customer_id: string | null;
  branch_id: string | null;
  product_code: string | null;
  borrower_name: string | null;
  loan_id: string | null;
}

const toContract = (c: ContractRow): Contract => ({
  id: c.id,
  contractNumber: c.contract_number,
  applicationId: c.application_id,
  templateCode: c.template_code,
  templateVersion: c.template_version,
  parties: c.parties,
  terms: c.terms,
  objectKey: c.object_key,
  sha256: c.sha256,
  status: c.status,
  generatedAt: c.generated_at,
  customerId: c.customer_id,
  branchId: c.branch_id,
  productCode: c.product_code,
  borrowerName: c.borrower_name,
  loanId: c.loan_id,
});

interface TemplateRow {
  code: string;
  version: number;
  title: string;
  clauses: string[];
  required_parties: ContractTemplate['requiredParties'];
  product_codes: string[];
}

const toTemplate = (t: TemplateRow): ContractTemplate => ({
  code: t.code,
  version: t.version,
  title: t.title,
  clauses: t.clauses,
  requiredParties: t.required_parties,
  productCodes: t.product_codes,
});

export async function loadCredentials(
  db: Queryable,
  name: 'root' | 'tsa',
): Promise<Credentials | undefined> {
  const { rows } = await db.query<{ certificate_pem: string; private_key_pem: string }>(
    'SELECT certificate_pem, private_key_pem FROM pki WHERE name = $1',
    [name],
  );
  const r = rows[0];
  return r && { certificatePem: r.certificate_pem, privateKeyPem: r.private_key_pem };
}

/** Saves credentials unless some are saved under the name already (another replica's win). */
export async function saveCredentials(
  db: Queryable,
  name: 'root' | 'tsa',
  c: Credentials,
): Promise<void> {
  await db.query(
    'INSERT INTO pki (name, certificate_pem, private_key_pem) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [name, c.certificatePem, c.privateKeyPem],
  );
}

/** Adds a template version (never changing one in place) and retires the code's older versions. */
export async function addTemplateVersion(pool: Pool, t: ContractTemplate): Promise<void> {
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

/** The active templates (the highest version of each code), for one product or all (''). */
export async function activeTemplates(
  db: Queryable,
  productCode: string,
): Promise<ContractTemplate[]> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT DISTINCT ON (code) code, version, title, clauses, required_parties, product_codes
       FROM contract_templates WHERE active AND ($1 = '' OR $1 = ANY(product_codes))
      ORDER BY code, version DESC`,
    [productCode],
  );
  return rows.map(toTemplate);
}

/** The active template of this code, or (code '') the newest one for the product. */
export async function templateFor(
  db: Queryable,
  templateCode: string,
  productCode: string,
): Promise<ContractTemplate | undefined> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT code, version, title, clauses, required_parties, product_codes FROM contract_templates
      WHERE active AND ($1 = '' OR code = $1) AND ($1 <> '' OR $2 = ANY(product_codes))
      ORDER BY version DESC LIMIT 1`,
    [templateCode, productCode],
  );
  return rows[0] && toTemplate(rows[0]);
}

export async function findContract(
  db: Queryable,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Contract | undefined> {
  const { rows } = await db.query<ContractRow>(
    `SELECT * FROM contracts WHERE id = $1 ${opts.lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] && toContract(rows[0]);
}

export async function findContractByRequestId(
  db: Queryable,
  requestId: string,
): Promise<Contract | undefined> {
  const { rows } = await db.query<ContractRow>('SELECT * FROM contracts WHERE request_id = $1', [
    requestId,
  ]);
  return rows[0] && toContract(rows[0]);
}

/** Every contract of the application, newest first. */
export async function contractsOf(db: Queryable, applicationId: string): Promise<Contract[]> {
  const { rows } = await db.query<ContractRow>(
    'SELECT * FROM contracts WHERE application_id = $1 ORDER BY generated_at DESC, id DESC',
    [applicationId],
  );
  return rows.map(toContract);
}

/** The application's most recently generated contract. */
export async function latestContractOf(
  db: Queryable,
  applicationId: string,
): Promise<Contract | undefined> {
  const { rows } = await db.query<ContractRow>(
    'SELECT * FROM contracts WHERE application_id = $1 ORDER BY generated_at DESC LIMIT 1',
    [applicationId],
  );
  return rows[0] && toContract(rows[0]);
}

/** The next number of the contract sequence (HT<year><8 digits> is made of it). */
export async function nextContractSerial(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ n: string }>(`SELECT nextval('contract_numbers') AS n`);
  return rows[0]!.n;
}

export async function nextTimestampSerial(db: Queryable): Promise<bigint> {
  const { rows } = await db.query<{ n: string }>(`SELECT nextval('timestamp_serials') AS n`);
  return BigInt(rows[0]!.n);
}

export interface NewContract {
  id: string;
  contractNumber: string;
  applicationId: string;
  template: { code: string; version: number };
  parties: ContractParty[];
  terms: StoredTerms;
  objectKey: string;
  sha256: string;
  requestId: string | null;
  generatedBy: string;
  generatedAt: Date;
  customerId: string;
  branchId: string;
  productCode: string;
  borrowerName: string;
}

export async function insertContract(tx: Queryable, c: NewContract): Promise<Contract> {
  const { rows } = await tx.query<ContractRow>(
    `INSERT INTO contracts (id, contract_number, application_id, template_code, template_version, parties, terms,
       object_key, sha256, status, request_id, generated_by, generated_at, customer_id, branch_id,
       product_code, borrower_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'generated', $10, $11, $12, $13, $14, $15, $16)
     RETURNING *`,
    [
      c.id,
      c.contractNumber,
      c.applicationId,
      c.template.code,
      c.template.version,
      JSON.stringify(c.parties),
      JSON.stringify(c.terms),
      c.objectKey,
      c.sha256,
      c.requestId,
      c.generatedBy,
      c.generatedAt,
      c.customerId,
      c.branchId,
      c.productCode,
      c.borrowerName,
    ],
  );
  return toContract(rows[0]!);
}

export async function signaturesOf(db: Queryable, contractId: string): Promise<Signature[]> {
  const { rows } = await db.query<{
    party_role: string;
    signer: string;
    signed_at: Date;
    timestamp_time: Date;
    certificate_pem: string;
    cms: Buffer;
    timestamp_token: Buffer;
  }>(
    `SELECT party_role, signer, signed_at, timestamp_time, certificate_pem, cms, timestamp_token
       FROM contract_signatures WHERE contract_id = $1 ORDER BY signed_at`,
    [contractId],
  );
  return rows.map((r) => ({
    partyRole: r.party_role,
    signer: r.signer,
    signedAt: r.signed_at,
    timestampTime: r.timestamp_time,
    certificatePem: r.certificate_pem,
    cms: r.cms,
    timestampToken: r.timestamp_token,
  }));
}

/**
 * The application's other contracts that stand in the way of signing this one, newest first,
 * locked: one signed by every party, or one generated after it (ids are time-ordered).
 */
export async function rivalContracts(
  tx: Queryable,
  c: Contract,
): Promise<{ contractNumber: string; status: ContractStatus }[]> {
  const { rows } = await tx.query<{ contract_number: string; status: ContractStatus }>(
    `SELECT contract_number, status FROM contracts
      WHERE application_id = $1 AND id <> $2 AND (status = 'signed' OR id > $2)
      ORDER BY id DESC FOR UPDATE`,
    [c.applicationId, c.id],
  );
  return rows.map((r) => ({ contractNumber: r.contract_number, status: r.status }));
}

export async function insertSignature(
  tx: Queryable,
  contractId: string,
  s: Omit<Signature, 'timestampTime'>,
): Promise<void> {
  await tx.query(
    `INSERT INTO contract_signatures (contract_id, party_role, signer, certificate_pem, cms, timestamp_token, signed_at, timestamp_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [contractId, s.partyRole, s.signer, s.certificatePem, s.cms, s.timestampToken, s.signedAt],
  );
}

export async function setContractStatus(
  tx: Queryable,
  id: string,
  status: ContractStatus,
): Promise<Contract> {
  const { rows } = await tx.query<ContractRow>(
    'UPDATE contracts SET status = $2 WHERE id = $1 RETURNING *',
    [id, status],
  );
  return toContract(rows[0]!);
}

/** The loan opened under the contract (the first one only). */
export async function linkLoan(tx: Queryable, contractId: string, loanId: string): Promise<void> {
  await tx.query('UPDATE contracts SET loan_id = $2 WHERE id = $1 AND loan_id IS NULL', [
    contractId,
    loanId,
  ]);
}
