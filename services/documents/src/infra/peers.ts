// The applications and accounting services as the use cases ask them: always with the caller's
// token, so that each applies its own rules (PERMISSION_DENIED / NOT_FOUND come back from there).
import { Metadata } from '@grpc/grpc-js';
import { invalidArgument, type PromiseClient, type RpcOptions } from '@loanflow/platform';
import { accountingV1, applicationsV1, scheduleRequestFromJson } from '@loanflow/proto';
import type { Caller, OwnerDescription, Peers } from '../app/model';
import { scheduleRequestOf } from '../domain/contracts/terms';
import { repaymentMethodWord } from './proto-mapping';

const ENDED = new Set([
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_WITHDRAWN,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_REJECTED,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_DECLINED,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_EXPIRED,
]);

export function grpcPeers(opts: {
  applications: PromiseClient<applicationsV1.ApplicationsServiceClient>;
  accounting: PromiseClient<accountingV1.AccountingServiceClient>;
  timeoutMs: number;
}): Peers {
  const { applications, accounting } = opts;
  const onBehalfOf = (caller: Caller): RpcOptions => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${caller.token}`);
    return { metadata, timeoutMs: opts.timeoutMs };
  };
  return {
    async describeOwner(caller, kind, id): Promise<OwnerDescription> {
      const key = id.toLowerCase();
      if (kind === 'application') {
        const { application: a } = await applications.getApplication({ id }, onBehalfOf(caller));
        return {
          kind,
          id: key,
          branchId: a!.branchId,
          productCode: a!.productCode,
          customerId: a!.customerId,
          applicationId: a!.id,
          status: ENDED.has(a!.status) ? 'closed' : 'open',
        };
      }
      if (kind === 'customer') {
        const { customer: c } = await applications.getCustomer({ id }, onBehalfOf(caller));
        return {
          kind,
          id: key,
          branchId: c!.branchId,
          productCode: null,
          customerId: c!.id,
          applicationId: null,
          status: 'open',
        };
      }
      const { loan: l } = await accounting.getLoan({ id }, onBehalfOf(caller));
      return {
        kind: 'loan',
        id: key,
        branchId: l!.branchId,
        productCode: l!.productCode,
        customerId: l!.customerId,
        applicationId: l!.applicationId || null,
        status: l!.status === 'active' ? 'open' : 'closed',
      };
    },

    async application(caller, id) {
      const { application: a } = await applications.getApplication({ id }, onBehalfOf(caller));
      return {
        id: a!.id,
        approved: a!.status === applicationsV1.ApplicationStatus.APPLICATION_STATUS_APPROVED,
        approvedAmount: a!.approvedAmount,
        approvedRatePercent: a!.approvedRatePercent,
        approvedTermMonths: a!.approvedTermMonths,
        repaymentMethod: repaymentMethodWord(a!.repaymentMethod),
        customerId: a!.customerId,
        branchId: a!.branchId,
        productCode: a!.productCode,
      };
    },

    async borrowerIdentity(caller, applicationId) {
      const b = await applications.getBorrowerIdentity(
        { applicationId, purpose: 'contract_printing' },
        onBehalfOf(caller),
      );
      return { name: b.name, idNumber: b.idNumber, address: b.address };
    },

    async previewSchedule(caller, terms) {
      const { request, problems } = scheduleRequestFromJson(scheduleRequestOf(terms));
      if (problems.length > 0) throw invalidArgument(problems);
      const preview = await accounting.previewSchedule({ request }, onBehalfOf(caller));
      return {
        installments: preview.installments.map((i) => ({
          period: i.period,
          dueDate: i.dueDate,
          principal: i.principal,
          interest: i.interest,
          total: i.total,
          balance: i.balance,
        })),
        totalInterest: preview.totalInterest,
        totalPayment: preview.totalPayment,
      };
    },
  };
}
