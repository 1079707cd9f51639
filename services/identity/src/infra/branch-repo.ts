import { isUniqueViolation, type Queryable } from '@loanflow/platform';
import type { Branch, BranchLevel } from '../domain/directory';

interface BranchRow {
  code: string;
  name: string;
  parent_code: string | null;
  level: BranchLevel;
}

const toBranch = (r: BranchRow): Branch => ({
  code: r.code,
  name: r.name,
  parentCode: r.parent_code,
  level: r.level,
});

/** The tree top down: head office, then each branch followed by its sub-branches. */
export async function listBranches(db: Queryable): Promise<Branch[]> {
  const { rows } = await db.query<BranchRow>(
    `SELECT b.code, b.name, b.parent_code, b.level FROM branches b
       LEFT JOIN branches p ON p.code = b.parent_code
      ORDER BY CASE b.level WHEN 'head_office' THEN 0 ELSE 1 END,
               COALESCE(CASE b.level WHEN 'sub_branch' THEN p.code END, b.code),
               b.level = 'sub_branch', b.code`,
  );
  return rows.map(toBranch);
}

export async function branchByCode(db: Queryable, code: string): Promise<Branch | undefined> {
  const { rows } = await db.query<BranchRow>(
    'SELECT code, name, parent_code, level FROM branches WHERE code = $1',
    [code],
  );
  return rows.map(toBranch)[0];
}

/** Inserts the branch; undefined when its code is taken. */
export async function insertBranch(db: Queryable, b: Branch): Promise<Branch | undefined> {
  try {
    await db.query(
      'INSERT INTO branches (code, name, parent_code, level) VALUES ($1, $2, $3, $4)',
      [b.code, b.name, b.parentCode, b.level],
    );
    return b;
  } catch (err) {
    if (isUniqueViolation(err, 'branches_pkey')) return undefined;
    throw err;
  }
}

/** The codes of `code`'s subtree, itself first; empty for an unknown branch. */
export async function subtreeCodes(db: Queryable, code: string): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `WITH RECURSIVE subtree AS (
       SELECT code, 0 AS depth FROM branches WHERE code = $1
       UNION ALL
       SELECT b.code, s.depth + 1 FROM branches b JOIN subtree s ON b.parent_code = s.code
     )
     SELECT code FROM subtree ORDER BY depth, code`,
    [code],
  );
  return rows.map((r) => r.code);
}
