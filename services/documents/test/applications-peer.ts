// The applications service as the documents service alone needs it (its component tests): who
// owns an application or a customer, whether the caller may see it, and the borrower's identity
// for the contract. A real gRPC server answering from maps the test fills; the real applications
// service runs end to end (test/e2e).
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { bearerToken, canAccessBranch, verifyAccessToken } from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';

export interface PeerApplication {
  id: string;
  customerId: string;
  branchId: string;
  productCode: string;
  status: applicationsV1.ApplicationStatus;
  approvedAmount?: string;
  approvedRatePercent?: string;
  approvedTermMonths?: number;
  repaymentMethod?: applicationsV1.Application['repaymentMethod'];
}

export interface PeerCustomer {
  id: string;
  branchId: string;
  name: string;
  idNumber: string;
  address: string;
}

export interface ApplicationsPeer {
  addr: string;
  applications: Map<string, PeerApplication>;
  customers: Map<string, PeerCustomer>;
  /** Borrower identities disclosed, as "applicationId/purpose". */
  disclosures: string[];
  stop(): Promise<void>;
}

const failure = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

/** Answers as the caller: NOT_FOUND for what does not exist, PERMISSION_DENIED beyond their branch. */
export async function startApplicationsPeer(jwtPublicKey: string): Promise<ApplicationsPeer> {
  const applications = new Map<string, PeerApplication>();
  const customers = new Map<string, PeerCustomer>();
  const disclosures: string[] = [];
  const server = new Server();
  type Call<Req> = { request: Req; metadata: Metadata };
  function answer<Req, Res>(work: (req: Req) => Res) {
    return (call: Call<Req>, callback: sendUnaryData<Res>) => {
      try {
        const token = bearerToken(call.metadata.get('authorization')[0] as string | undefined);
        verifyAccessToken(token, jwtPublicKey);
      } catch {
        callback(failure(status.UNAUTHENTICATED, 'no valid token'));
        return;
      }
      try {
        callback(null, work(call.request));
      } catch (err) {
        callback(err as ServiceError);
      }
    };
  }
  const caller = (metadata: Metadata) =>
    verifyAccessToken(
      bearerToken(metadata.get('authorization')[0] as string | undefined),
      jwtPublicKey,
    );
  function visible<T extends { branchId: string }>(
    metadata: Metadata,
    what: string,
    found: T | undefined,
  ): T {
    if (!found) throw failure(status.NOT_FOUND, `${what} not found`);
    if (!canAccessBranch(caller(metadata), found.branchId))
      throw failure(status.PERMISSION_DENIED, `${what} belongs to another branch`);
    return found;
  }
  const unimplemented: UntypedServiceImplementation = {};
  for (const name of Object.keys(applicationsV1.ApplicationsServiceService))
    unimplemented[name] = (_call: unknown, callback: sendUnaryData<unknown>) =>
      callback(failure(status.UNIMPLEMENTED, `${name} is not part of this peer`));
  server.addService(applicationsV1.ApplicationsServiceService, {
    ...unimplemented,
    getApplication: (
      call: Call<applicationsV1.GetApplicationRequest>,
      callback: sendUnaryData<applicationsV1.GetApplicationResponse>,
    ) =>
      answer(() => {
        const a = visible(call.metadata, 'application', applications.get(call.request.id));
        return { application: applicationsV1.Application.fromPartial(a) };
      })(call, callback),
    getCustomer: (
      call: Call<applicationsV1.GetCustomerRequest>,
      callback: sendUnaryData<applicationsV1.GetCustomerResponse>,
    ) =>
      answer(() => {
        const c = visible(call.metadata, 'customer', customers.get(call.request.id));
        return {
          customer: applicationsV1.Customer.fromPartial({
            id: c.id,
            branchId: c.branchId,
            name: c.name,
          }),
        };
      })(call, callback),
    getBorrowerIdentity: (
      call: Call<applicationsV1.GetBorrowerIdentityRequest>,
      callback: sendUnaryData<applicationsV1.GetBorrowerIdentityResponse>,
    ) =>
      answer(() => {
        const { applicationId, purpose } = call.request;
        const a = visible(call.metadata, 'application', applications.get(applicationId));
        const c = customers.get(a.customerId)!;
        disclosures.push(`${applicationId}/${purpose}`);
        return applicationsV1.GetBorrowerIdentityResponse.fromPartial({
          customerId: c.id,
          name: c.name,
          idNumber: c.idNumber,
          address: c.address,
        });
      })(call, callback),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    addr: `127.0.0.1:${port}`,
    applications,
    customers,
    disclosures,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
