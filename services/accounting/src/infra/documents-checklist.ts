// The documents service as the loan opening needs it: what the disbursement checklist lacks.
import { Metadata } from '@grpc/grpc-js';
import type { CallContext, PromiseClient } from '@loanflow/platform';
import type { documentsV1 } from '@loanflow/proto';

/** The checklist stage of the disbursement review (the documents service's word). */
export const DISBURSEMENT_STAGE = 'disbursement';

/** Asks the documents service, as the caller, what the disbursement checklist still lacks. */
export const disbursementChecklist =
  (client: PromiseClient<documentsV1.DocumentsServiceClient>, timeoutMs: number) =>
  async (applicationId: string, ctx: CallContext): Promise<string[]> => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${ctx.token()}`);
    const checklist = await client.getChecklist(
      { applicationId, stage: DISBURSEMENT_STAGE },
      { metadata, timeoutMs },
    );
    return checklist.missing;
  };
