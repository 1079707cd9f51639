import type { Queryable } from '@loanflow/platform';

/** A staff user as this service keeps them (from identity.user.* events). */
export interface Recipient {
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  branchId: string;
  email: string;
  mobile: string;
  language: string;
  active: boolean;
}

interface RecipientRow {
  user_id: string;
  username: string;
  display_name: string;
  roles: string[];
  branch_id: string;
  email: string;
  mobile: string;
  language: string;
  active: boolean;
}

const toRecipient = (r: RecipientRow): Recipient => ({
  userId: r.user_id,
  username: r.username,
  displayName: r.display_name,
  roles: r.roles,
  branchId: r.branch_id,
  email: r.email,
  mobile: r.mobile,
  language: r.language,
  active: r.active,
});

/** Keeps the newest version of a user: an older event delivered late changes nothing. */
export async function upsertRecipient(
  tx: Queryable,
  u: Recipient & { version: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO recipients (user_id, username, display_name, roles, branch_id, email, mobile,
                             language, active, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (user_id) DO UPDATE SET
       username = EXCLUDED.username, display_name = EXCLUDED.display_name, roles = EXCLUDED.roles,
       branch_id = EXCLUDED.branch_id, email = EXCLUDED.email, mobile = EXCLUDED.mobile,
       language = EXCLUDED.language, active = EXCLUDED.active, version = EXCLUDED.version,
       updated_at = now()
     WHERE recipients.version <= EXCLUDED.version`,
    [
      u.userId,
      u.username,
      u.displayName,
      u.roles,
      u.branchId,
      u.email,
      u.mobile,
      u.language,
      u.active,
      u.version,
    ],
  );
}

export async function upsertBranch(tx: Queryable, code: string, parentCode: string | null) {
  await tx.query(
    `INSERT INTO branches (code, parent_code) VALUES ($1, $2)
     ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code`,
    [code, parentCode],
  );
}

export async function recipientsByIds(tx: Queryable, ids: string[]): Promise<Recipient[]> {
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return [];
  const { rows } = await tx.query<RecipientRow>(
    'SELECT * FROM recipients WHERE user_id = ANY($1::uuid[]) AND active ORDER BY user_id',
    [uuids],
  );
  return rows.map(toRecipient);
}

/**
 * Active holders of any of `roles` whose data scope covers `branch`: staff of the branch itself,
 * of a branch above it in the tree, and of the head office.
 */
export async function recipientsCovering(
  tx: Queryable,
  roles: string[],
  branch: string,
): Promise<Recipient[]> {
  if (roles.length === 0) return [];
  const { rows } = await tx.query<RecipientRow>(
    `WITH RECURSIVE up (code) AS (
       SELECT $2::text
       UNION
       SELECT b.parent_code FROM branches b JOIN up ON b.code = up.code WHERE b.parent_code IS NOT NULL
     )
     SELECT r.* FROM recipients r
      WHERE r.active AND r.roles && $1::text[]
        AND (r.branch_id = 'HQ' OR r.branch_id IN (SELECT code FROM up))
      ORDER BY r.user_id`,
    [roles, branch],
  );
  return rows.map(toRecipient);
}

/** What the rules need of an application (from applications.application.created). */
export interface ApplicationFacts {
  applicationId: string;
  customerId: string;
  branchId: string;
  productCode: string;
  accountManagerId: string;
  customerName: string;
}

export async function upsertApplication(tx: Queryable, a: ApplicationFacts): Promise<void> {
  await tx.query(
    `INSERT INTO applications (application_id, customer_id, branch_id, product_code,
                               account_manager_id, customer_name)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (application_id) DO UPDATE SET
       customer_name = CASE WHEN EXCLUDED.customer_name = '' THEN applications.customer_name
                            ELSE EXCLUDED.customer_name END`,
    [a.applicationId, a.customerId, a.branchId, a.productCode, a.accountManagerId, a.customerName],
  );
}

export async function applicationFacts(
  tx: Queryable,
  applicationId: string,
): Promise<ApplicationFacts | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(applicationId)) return undefined;
  const { rows } = await tx.query<{
    application_id: string;
    customer_id: string;
    branch_id: string;
    product_code: string;
    account_manager_id: string;
    customer_name: string;
  }>('SELECT * FROM applications WHERE application_id = $1', [applicationId]);
  const r = rows[0];
  return (
    r && {
      applicationId: r.application_id,
      customerId: r.customer_id,
      branchId: r.branch_id,
      productCode: r.product_code,
      accountManagerId: r.account_manager_id,
      customerName: r.customer_name,
    }
  );
}

export interface LoanFacts {
  loanId: string;
  loanNumber: string;
  applicationId: string | null;
  customerId: string;
  branchId: string;
}

export async function upsertLoan(tx: Queryable, l: LoanFacts): Promise<void> {
  await tx.query(
    `INSERT INTO loans (loan_id, loan_number, application_id, customer_id, branch_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (loan_id) DO NOTHING`,
    [l.loanId, l.loanNumber, l.applicationId, l.customerId, l.branchId],
  );
}

export async function loanFacts(tx: Queryable, loanId: string): Promise<LoanFacts | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(loanId)) return undefined;
  const { rows } = await tx.query<{
    loan_id: string;
    loan_number: string;
    application_id: string | null;
    customer_id: string;
    branch_id: string;
  }>('SELECT * FROM loans WHERE loan_id = $1', [loanId]);
  const r = rows[0];
  return (
    r && {
      loanId: r.loan_id,
      loanNumber: r.loan_number,
      applicationId: r.application_id,
      customerId: r.customer_id,
      branchId: r.branch_id,
    }
  );
}
