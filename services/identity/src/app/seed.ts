import { invalidArgument, uuidv7, withTransaction, type Pool, type Role } from '@loanflow/platform';
import { checkProfile, checkUsername, levelUnder, Violations } from '../domain/directory';
import { hashPassword } from '../domain/passwords';
import { branchByCode, insertBranch } from '../infra/branch-repo';
import * as repo from '../infra/user-repo';
import { branchCreated, userChanged } from './events';

/** Branches (parents before their children) and users to put in an empty or seeded directory. */
export interface DirectorySeed {
  branches: { code: string; name: string; parentCode: string }[];
  users: {
    username: string;
    displayName: string;
    roles: Role[];
    branchId: string;
    email?: string;
    mobile?: string;
    language?: 'zh-CN' | 'en';
  }[];
  /** The one password of every seeded user (demo and test data only). */
  password: string;
}

/**
 * Adds what is not there yet (by branch code and username) and leaves the rest alone, so a
 * restart seeds nothing twice. Seeded branches and users are announced like created ones.
 */
export async function seedDirectory(
  pool: Pool,
  seed: DirectorySeed,
): Promise<{ branches: number; users: number }> {
  // scrypt is slow on purpose: one hash for the lot.
  const passwordHash = await hashPassword(seed.password);
  return withTransaction(pool, async (tx) => {
    let branches = 0;
    for (const b of seed.branches) {
      if (await branchByCode(tx, b.code)) continue;
      const parent = await branchByCode(tx, b.parentCode);
      const level = parent && levelUnder(parent);
      if (!level)
        throw new Error(`seed: branch ${b.code} has no parent ${b.parentCode} to go under`);
      const created = await insertBranch(tx, { ...b, level });
      if (!created) throw new Error(`seed: branch ${b.code} was added while seeding`);
      await branchCreated(tx, created);
      branches++;
    }
    let users = 0;
    for (const u of seed.users) {
      const v = new Violations();
      const username = checkUsername(u.username, v);
      const profile = checkProfile(
        { email: '', mobile: '', language: '', ...u, roles: u.roles },
        v,
      );
      if (v.list.length > 0) throw invalidArgument(v.list, `seed user ${u.username}`);
      if (await repo.userByUsername(tx, username)) continue;
      const created = await repo.insertUser(tx, {
        ...profile,
        id: uuidv7(),
        username,
        passwordHash,
        requestId: null,
      });
      if (typeof created === 'string') throw new Error(`seed: ${u.username}: ${created}`);
      await userChanged(tx, 'created', repo.toUser(created));
      users++;
    }
    return { branches, users };
  });
}
