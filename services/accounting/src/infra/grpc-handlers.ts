import {
  implement,
  invalidArgument,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { accountingV1 as pb } from '@loanflow/proto';
import { previewSchedule } from '../domain/schedule';

const SERVICE = 'loanflow.accounting.v1.AccountingService';

export function accountingService(opts: { log: Logger; jwtPublicKey: string }): ServiceBinding {
  const handlers = {
    /** Any signed-in member of staff may preview a schedule; nothing is saved. */
    previewSchedule: async (
      req: pb.PreviewScheduleRequest,
      ctx: CallContext,
    ): Promise<pb.PreviewScheduleResponse> => {
      ctx.principal();
      const result = previewSchedule(req.request ?? {});
      if (!result.ok) throw invalidArgument(result.errors);
      return result.value;
    },
  };
  return {
    name: SERVICE,
    definition: pb.AccountingServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
