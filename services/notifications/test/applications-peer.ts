// The applications service as the notifications service alone needs it (its component tests):
// GetBorrowerContact, callable with the notifications service's token only. A real gRPC server
// answering from a map the test fills; the real applications service runs end to end (test/e2e).
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServiceError,
} from '@grpc/grpc-js';
import { bearerToken, DomainError, verifyServiceToken } from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';

export interface PeerBorrower {
  customerId: string;
  name: string;
  mobile: string;
  applicationIds: string[];
}

export interface ApplicationsPeer {
  addr: string;
  borrowers: Map<string, PeerBorrower>;
  /** Contacts disclosed, as "customerId/purpose". */
  disclosures: string[];
  /** Makes the next calls fail with UNAVAILABLE (the peer is down) until set back. */
  failing: boolean;
  stop(): Promise<void>;
}

const failure = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

export async function startApplicationsPeer(servicePublicKey: string): Promise<ApplicationsPeer> {
  const borrowers = new Map<string, PeerBorrower>();
  const disclosures: string[] = [];
  const server = new Server();
  const peer: ApplicationsPeer = {
    addr: '',
    borrowers,
    disclosures,
    failing: false,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
  server.addService(applicationsV1.ApplicationsServiceService, {
    getBorrowerContact: (
      call: { request: applicationsV1.GetBorrowerContactRequest; metadata: Metadata },
      callback: sendUnaryData<applicationsV1.GetBorrowerContactResponse>,
    ) => {
      if (peer.failing) return callback(failure(status.UNAVAILABLE, 'the peer is down'));
      try {
        const token = bearerToken(call.metadata.get('authorization')[0] as string | undefined);
        verifyServiceToken(token, servicePublicKey, ['notifications']);
      } catch (err) {
        const code =
          err instanceof DomainError && err.code === 'permission_denied'
            ? status.PERMISSION_DENIED
            : status.UNAUTHENTICATED;
        return callback(failure(code, (err as Error).message));
      }
      const { customerId, applicationId, purpose } = call.request;
      if (purpose !== 'notification') return callback(failure(status.INVALID_ARGUMENT, 'purpose'));
      const b = customerId
        ? borrowers.get(customerId)
        : [...borrowers.values()].find((x) => x.applicationIds.includes(applicationId));
      if (!b) return callback(failure(status.NOT_FOUND, 'customer not found'));
      disclosures.push(`${b.customerId}/${purpose}`);
      callback(null, {
        customerId: b.customerId,
        customerType: applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        name: b.name,
        mobile: b.mobile,
        accountManagerId: '',
        branchId: '',
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  peer.addr = `127.0.0.1:${port}`;
  return peer;
}
