// 合同已签: the contracts the documents service reports signed by every party, with the terms they
// fix; a loan of the application opens only under the latest of them.
import { upsertSignedContract, type ContractSignature } from '../infra/contract-repo';
import type { Db } from '../infra/db';

/** Records (or replaces, for a re-signed newer contract) the signed contract of an application. */
export async function recordSignedContract(tx: Db, contract: ContractSignature): Promise<void> {
  await upsertSignedContract(tx, contract);
}
