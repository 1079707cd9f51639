import {
  ROLES,
  unauthenticated,
  uuidv7,
  type Pool,
  type Principal,
  type Role,
} from '@loanflow/platform';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  branch_id: string;
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

/**
 * Checks a username and password. Wrong passwords count towards a temporary lock; the answer
 * is the same for an unknown user, a wrong password and a locked account.
 */
export async function authenticate(
  pool: Pool,
  username: string,
  password: string,
): Promise<Principal> {
  const { rows } = await pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [
    username.toLowerCase(),
  ]);
  const user = rows[0];
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  const locked = user?.locked_until && user.locked_until > new Date();
  if (!user || !user.active || locked || !ok) {
    if (user && !ok && !locked) {
      await pool.query(
        // A lock that has run out starts the count afresh.
        `UPDATE users SET
           failed_logins = CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
           locked_until = CASE
             WHEN locked_until <= now() THEN NULL
             WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3)
             ELSE locked_until END
         WHERE id = $1`,
        [user.id, MAX_FAILED_LOGINS, LOCK_MINUTES],
      );
    }
    throw unauthenticated('wrong username or password, or the account is locked');
  }
  if (user.failed_logins > 0)
    await pool.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [
      user.id,
    ]);
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    roles: user.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    branchId: user.branch_id,
  };
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  branchId: string;
}

/** Creates the user unless the username exists; returns whether it was created. */
export async function createUser(pool: Pool, u: NewUser): Promise<boolean> {
  // Hashing is deliberately slow; skip it for a user who is already there.
  const exists = await pool.query('SELECT 1 FROM users WHERE username = $1', [
    u.username.toLowerCase(),
  ]);
  if ((exists.rowCount ?? 0) > 0) return false;
  const res = await pool.query(
    `INSERT INTO users (id, username, display_name, password_hash, roles, branch_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING`,
    [
      uuidv7(),
      u.username.toLowerCase(),
      u.displayName,
      await hashPassword(u.password),
      u.roles,
      u.branchId,
    ],
  );
  return (res.rowCount ?? 0) > 0;
}
