import { isUniqueViolation, type Queryable, type Role } from '@loanflow/platform';
import type { Language, User, UserProfile } from '../domain/directory';

/** A user as stored, with what only the log-in looks at. */
export interface UserRecord extends User {
  passwordHash: string;
  failedLogins: number;
  lockedUntil: Date | null;
  requestId: string | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  branch_id: string;
  email: string;
  mobile: string;
  language: string;
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
  request_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  roles: r.roles as Role[],
  branchId: r.branch_id,
  email: r.email,
  mobile: r.mobile,
  language: r.language as Language,
  active: r.active,
  locked: r.locked_until !== null && r.locked_until > new Date(),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  passwordHash: r.password_hash,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
  requestId: r.request_id,
});

/** The user without what never leaves the service. */
export const toUser = (r: UserRecord): User => ({
  id: r.id,
  username: r.username,
  displayName: r.displayName,
  roles: r.roles,
  branchId: r.branchId,
  email: r.email,
  mobile: r.mobile,
  language: r.language,
  active: r.active,
  locked: r.locked,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const one = async (db: Queryable, sql: string, params: unknown[]) =>
  (await db.query<UserRow>(sql, params)).rows.map(toRecord)[0];

export const userByUsername = (db: Queryable, username: string) =>
  one(db, 'SELECT * FROM users WHERE username = $1', [username]);
export const userById = (db: Queryable, id: string) =>
  one(db, 'SELECT * FROM users WHERE id = $1', [id]);
export const userByRequestId = (db: Queryable, requestId: string) =>
  one(db, 'SELECT * FROM users WHERE request_id = $1', [requestId]);

export async function usersByIds(db: Queryable, ids: string[]): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = ANY($1::uuid[])', [ids]);
  return rows.map(toRecord);
}

export async function usersByUsernames(db: Queryable, names: string[]): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE username = ANY($1)', [names]);
  return rows.map(toRecord);
}

export interface NewUserRow extends UserProfile {
  id: string;
  username: string;
  passwordHash: string;
  requestId: string | null;
}

/** Inserts the user; says which unique key refused it instead when one did. */
export async function insertUser(
  db: Queryable,
  u: NewUserRow,
): Promise<UserRecord | 'username_taken' | 'request_id_taken'> {
  try {
    const created = await one(
      db,
      `INSERT INTO users (id, username, display_name, password_hash, roles, branch_id, email, mobile,
         language, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [
        u.id,
        u.username,
        u.displayName,
        u.passwordHash,
        u.roles,
        u.branchId,
        u.email,
        u.mobile,
        u.language,
        u.requestId,
      ],
    );
    return created!;
  } catch (err) {
    if (isUniqueViolation(err, 'users_username_key')) return 'username_taken';
    if (isUniqueViolation(err, 'users_request_id_key')) return 'request_id_taken';
    throw err;
  }
}

/** Replaces the profile if the user is still at `expectedVersion`. */
export const updateProfile = (db: Queryable, id: string, expectedVersion: number, p: UserProfile) =>
  one(
    db,
    `UPDATE users SET display_name = $3, roles = $4, branch_id = $5, email = $6, mobile = $7,
       language = $8, version = version + 1, updated_at = now()
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, expectedVersion, p.displayName, p.roles, p.branchId, p.email, p.mobile, p.language],
  );

/** Activates or deactivates; answers only when that changed something. */
export const setActive = (db: Queryable, id: string, active: boolean, reason: string | null) =>
  one(
    db,
    `UPDATE users SET active = $2, deactivation_reason = $3, failed_logins = 0, locked_until = NULL,
       version = version + 1, updated_at = now()
     WHERE id = $1 AND active <> $2 RETURNING *`,
    [id, active, reason],
  );

/** A new password; a locked account opens again. */
export async function setPassword(db: Queryable, id: string, hash: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL,
       password_changed_at = now()
     WHERE id = $1`,
    [id, hash],
  );
  return (res.rowCount ?? 0) > 0;
}

/**
 * Counts a wrong password; the `max`th in a row locks the account for `lockMinutes`. One
 * statement: concurrent wrong passwords each see the count of the one before.
 */
export async function recordFailedLogin(
  db: Queryable,
  id: string,
  max: number,
  lockMinutes: number,
): Promise<void> {
  await db.query(
    // A lock that has run out starts the count afresh.
    `UPDATE users SET
       failed_logins = CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
       locked_until = CASE
         WHEN locked_until <= now() THEN NULL
         WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3)
         ELSE locked_until END
     WHERE id = $1`,
    [id, max, lockMinutes],
  );
}

/**
 * Lets a user in whose password was right: clears the failure count, provided the account is
 * (still) active and not locked when the row is written. The decision is taken in the UPDATE, so
 * a right password racing wrong ones that locked the account in between is refused (undefined).
 */
export const admitLogin = (db: Queryable, id: string) =>
  one(
    db,
    `UPDATE users SET failed_logins = 0, locked_until = NULL
     WHERE id = $1 AND active AND (locked_until IS NULL OR locked_until <= now()) RETURNING *`,
    [id],
  );

/** Seconds until `username` may try again when it had `max` failures within the window; else 0. */
export async function loginThrottled(
  db: Queryable,
  username: string,
  max: number,
  windowMinutes: number,
): Promise<number> {
  const { rows } = await db.query<{ wait: number }>(
    `SELECT ceil(extract(epoch FROM window_started_at + make_interval(mins => $3) - now()))::int AS wait
       FROM login_failures
      WHERE username = $1 AND failures >= $2 AND window_started_at > now() - make_interval(mins => $3)`,
    [username, max, windowMinutes],
  );
  return Math.max(0, rows[0]?.wait ?? 0);
}

/** Counts a failed log-in for the username; a window that has run out starts afresh. */
export async function recordLoginFailure(
  db: Queryable,
  username: string,
  windowMinutes: number,
): Promise<void> {
  await db.query(
    `INSERT INTO login_failures AS f (username) VALUES ($1)
     ON CONFLICT (username) DO UPDATE SET
       failures = CASE WHEN f.window_started_at <= now() - make_interval(mins => $2)
                       THEN 1 ELSE f.failures + 1 END,
       window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(mins => $2)
                                THEN now() ELSE f.window_started_at END`,
    [username, windowMinutes],
  );
}

/** Whether the user may act: one row by primary key. */
export async function userStanding(
  db: Queryable,
  id: string,
): Promise<{ active: boolean; lockedUntil: Date | null } | undefined> {
  const { rows } = await db.query<{ active: boolean; locked_until: Date | null }>(
    `SELECT active, CASE WHEN locked_until > now() THEN locked_until END AS locked_until
       FROM users WHERE id = $1`,
    [id],
  );
  return rows[0] && { active: rows[0].active, lockedUntil: rows[0].locked_until };
}

export interface UserFilter {
  role?: Role;
  /** Users of these branches. */
  branches?: string[];
  active?: boolean;
  query?: string;
}

/** By username, after the cursor's username. */
export async function listUsers(
  db: Queryable,
  f: UserFilter,
  page: { size: number; after?: string },
): Promise<UserRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.role) add('? = ANY(roles)', f.role);
  if (f.branches) add('branch_id = ANY(?)', f.branches);
  if (f.active !== undefined) add('active = ?', f.active);
  if (f.query)
    add(
      `(username ILIKE ? ESCAPE '\\' OR display_name ILIKE ? ESCAPE '\\')`,
      `%${f.query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
    );
  if (page.after) add('username > ?', page.after);
  params.push(page.size + 1);
  const { rows } = await db.query<UserRow>(
    `SELECT * FROM users ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY username LIMIT $${params.length}`,
    params,
  );
  return rows.map(toRecord);
}
