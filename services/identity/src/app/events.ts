import { appendToOutbox, type Queryable } from '@loanflow/platform';
import { identityV1 } from '@loanflow/proto';
import type { Branch, User } from '../domain/directory';
import { branchToPb, userToPb } from '../infra/proto-mapping';

export const SOURCE = 'identity';

export type UserChange = 'created' | 'updated' | 'deactivated';

/**
 * `loanflow.identity.user.<change>` with the UserChanged payload, built with the generated code
 * (roles as the proto enum's names, as every consumer decodes them). The user as the directory
 * shows it to administrators; never a password.
 */
export async function userChanged(tx: Queryable, change: UserChange, user: User): Promise<void> {
  await appendToOutbox(tx, SOURCE, {
    type: `identity.user.${change}`,
    subjectId: user.id,
    data: identityV1.UserChanged.toJSON({ user: userToPb(user) }),
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
