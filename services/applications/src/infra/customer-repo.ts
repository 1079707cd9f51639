import type { Queryable } from '@loanflow/platform';
import type { Customer, CustomerType } from '../app/model';

/** What is stored for a new customer; personal data arrives already encrypted and indexed. */
export interface CustomerRow {
  id: string;
  type: CustomerType;
  name: string;
  branchId: string;
  residentIdEnc?: string;
  residentIdIdx?: string;
  residentIdMasked?: string;
  birthDate?: string;
  sex?: 'male' | 'female';
  mobileEnc?: string;
  mobileIdx?: string;
  mobileMasked?: string;
  address?: string;
  occupation?: string;
  employer?: string;
  monthlyIncome?: string;
  creditCode?: string;
  legalRepresentative?: string;
  registeredCapital?: string;
  industry?: string;
  annualRevenue?: string;
  createdBy: string;
}

const COLUMNS = `id, type, name, branch_id, resident_id_masked, birth_date, sex, mobile_masked, address,
  occupation, employer, monthly_income, credit_code, legal_representative, registered_capital,
  industry, annual_revenue, resident_id_idx, created_by, created_at, updated_at`;

interface DbRow {
  id: string;
  type: CustomerType;
  name: string;
  branch_id: string;
  resident_id_masked: string | null;
  resident_id_idx: string | null;
  birth_date: string | null;
  sex: 'male' | 'female' | null;
  mobile_masked: string | null;
  address: string | null;
  occupation: string | null;
  employer: string | null;
  monthly_income: string | null;
  credit_code: string | null;
  legal_representative: string | null;
  registered_capital: string | null;
  industry: string | null;
  annual_revenue: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

function toCustomer(r: DbRow): Customer {
  const base = {
    id: r.id,
    name: r.name,
    branchId: r.branch_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    identityIndex: r.resident_id_idx ?? undefined,
  };
  if (r.type === 'individual') {
    return {
      ...base,
      type: 'individual',
      individual: {
        residentIdMasked: r.resident_id_masked ?? '',
        birthDate: r.birth_date ?? '',
        sex: r.sex ?? 'male',
        mobileMasked: r.mobile_masked ?? '',
        address: r.address ?? '',
        occupation: r.occupation ?? '',
        employer: r.employer ?? '',
        monthlyIncome: r.monthly_income ?? undefined,
      },
    };
  }
  return {
    ...base,
    type: 'corporate',
    corporate: {
      creditCode: r.credit_code ?? '',
      legalRepresentative: r.legal_representative ?? '',
      registeredCapital: r.registered_capital ?? undefined,
      industry: r.industry ?? '',
      annualRevenue: r.annual_revenue ?? undefined,
      contactMobileMasked: r.mobile_masked ?? '',
    },
  };
}

/** Inserts the customer; returns undefined when the identity number or credit code is taken. */
export async function insertCustomer(db: Queryable, c: CustomerRow): Promise<Customer | undefined> {
  const { rows } = await db.query<DbRow>(
    `INSERT INTO customers (id, type, name, branch_id, resident_id_enc, resident_id_idx, resident_id_masked,
       birth_date, sex, mobile_enc, mobile_idx, mobile_masked, address, occupation, employer, monthly_income,
       credit_code, legal_representative, registered_capital, industry, annual_revenue, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      c.id,
      c.type,
      c.name,
      c.branchId,
      c.residentIdEnc ?? null,
      c.residentIdIdx ?? null,
      c.residentIdMasked ?? null,
      c.birthDate ?? null,
      c.sex ?? null,
      c.mobileEnc ?? null,
      c.mobileIdx ?? null,
      c.mobileMasked ?? null,
      c.address ?? null,
      c.occupation ?? null,
      c.employer ?? null,
      c.monthlyIncome ?? null,
      c.creditCode ?? null,
      c.legalRepresentative ?? null,
      c.registeredCapital ?? null,
      c.industry ?? null,
      c.annualRevenue ?? null,
      c.createdBy,
    ],
  );
  return rows[0] ? toCustomer(rows[0]) : undefined;
}

/** The customer who already holds the identity number or credit code of `c`, and their branch. */
export async function existingCustomer(
  db: Queryable,
  c: Pick<CustomerRow, 'residentIdIdx' | 'creditCode'>,
): Promise<{ id: string; branchId: string } | undefined> {
  const { rows } = await db.query<{ id: string; branch_id: string }>(
    c.residentIdIdx
      ? 'SELECT id, branch_id FROM customers WHERE resident_id_idx = $1'
      : 'SELECT id, branch_id FROM customers WHERE credit_code = $1',
    [c.residentIdIdx ?? c.creditCode],
  );
  return rows[0] && { id: rows[0].id, branchId: rows[0].branch_id };
}

/**
 * `forUpdate` locks the customer row until the transaction ends, so that decisions counting the
 * customer's applications are taken one at a time. NO KEY UPDATE still lets applications be
 * inserted for the customer meanwhile (their foreign key takes only KEY SHARE).
 */
export async function customerById(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<Customer | undefined> {
  const { rows } = await db.query<DbRow>(
    `SELECT ${COLUMNS} FROM customers WHERE id = $1${forUpdate ? ' FOR NO KEY UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toCustomer(rows[0]) : undefined;
}

export type CustomerCriterion =
  | { by: 'residentIdIdx'; value: string }
  | { by: 'mobileIdx'; value: string }
  | { by: 'creditCode'; value: string }
  | { by: 'namePrefix'; value: string };

/** Exact matches on indexed columns, or a name prefix; keyset-paginated on (name, id). */
export async function findCustomers(
  db: Queryable,
  criterion: CustomerCriterion,
  scope: { branchIds?: string[] },
  page: { size: number; after?: string[] },
): Promise<Customer[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const column = {
    residentIdIdx: 'resident_id_idx',
    mobileIdx: 'mobile_idx',
    creditCode: 'credit_code',
    namePrefix: '',
  }[criterion.by];
  if (criterion.by === 'namePrefix') {
    params.push(criterion.value.replace(/[\\%_]/g, (m) => `\\${m}`) + '%');
    where.push(`name LIKE $${params.length}`);
  } else {
    params.push(criterion.value);
    where.push(`${column} = $${params.length}`);
  }
  if (scope.branchIds) {
    params.push(scope.branchIds);
    where.push(`branch_id = ANY($${params.length})`);
  }
  if (page.after) {
    params.push(page.after[0], page.after[1]);
    where.push(`(name, id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(page.size + 1);
  const { rows } = await db.query<DbRow>(
    `SELECT ${COLUMNS} FROM customers WHERE ${where.join(' AND ')} ORDER BY name, id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toCustomer);
}

/** What a contract prints of its borrower, with the identity number still encrypted. */
export interface BorrowerIdentityRow {
  id: string;
  type: 'individual' | 'corporate';
  name: string;
  resident_id_enc: string | null;
  credit_code: string | null;
  address: string | null;
}

export async function borrowerIdentityRow(
  db: Queryable,
  customerId: string,
): Promise<BorrowerIdentityRow | undefined> {
  const { rows } = await db.query<BorrowerIdentityRow>(
    'SELECT id, type, name, resident_id_enc, credit_code, address FROM customers WHERE id = $1',
    [customerId],
  );
  return rows[0];
}

/** Whom a notice goes to, with the mobile number still encrypted. */
export interface BorrowerContactRow {
  id: string;
  type: 'individual' | 'corporate';
  name: string;
  branch_id: string;
  mobile_enc: string | null;
}

export async function borrowerContactRow(
  db: Queryable,
  customerId: string,
): Promise<BorrowerContactRow | undefined> {
  const { rows } = await db.query<BorrowerContactRow>(
    'SELECT id, type, name, branch_id, mobile_enc FROM customers WHERE id = $1',
    [customerId],
  );
  return rows[0];
}

/**
 * Records who was shown a borrower's identity number or contact, when and why (in the read's
 * transaction); the application when the disclosure is for one.
 */
export async function recordDisclosure(
  db: Queryable,
  d: { id: string; customerId: string; applicationId: string | null; purpose: string; to: string },
): Promise<void> {
  await db.query(
    `INSERT INTO pii_disclosures (id, customer_id, application_id, purpose, disclosed_to)
     VALUES ($1, $2, $3, $4, $5)`,
    [d.id, d.customerId, d.applicationId, d.purpose, d.to],
  );
}
