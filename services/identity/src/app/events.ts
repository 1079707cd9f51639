import { appendToOutbox, type Queryable } from '@loanflow/platform';
import { identityV1 } from '@loanflow/proto';
import type { Branch, User } from '../domain/directory';
import { branchToPb } from '../infra/proto-mapping';

export const SOURCE = 'identity';

export type UserChange = 'created' | 'updated' | 'deactivated';

/**
 * `loanflow.identity.user.<change>` with the UserChanged payload (proto JSON names, roles in
 * their wire words). The user as the directory shows it to administrators; never a password.
 */
export async function userChanged(tx: Queryable, change: UserChange, user: User): Promise<void> {
  await appendToOutbox(tx, SOURCE, {
    type: `identity.user.${change}`,
    subjectId: user.id,
    data: {
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        branchId: user.branchId,
        email: user.email,
        mobile: user.mobile,
        language: user.language,
        active: user.active,
        version: user.version,
        createdAt: user.createdAt,
        updatedAt: user.updatedAt,
      },
    },
  });
}

/**
 * `loanflow.identity.branch.created` with the BranchChanged payload, so that services keeping
 * their own copy of the branch tree (notifications: a branch's risk manager) hear of new branches.
 */
export async function branchCreated(tx: Queryable, branch: Branch): Promise<void> {
  await appendToOutbox(tx, SOURCE, {
    type: 'identity.branch.created',
    subjectId: branch.code,
    data: identityV1.BranchChanged.toJSON({ branch: branchToPb(branch) }),
  });
}
