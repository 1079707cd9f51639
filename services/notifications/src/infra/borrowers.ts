import { Metadata } from '@grpc/grpc-js';
import { DomainError, type PromiseClient, type ServiceTokens } from '@loanflow/platform';
import type { applicationsV1 } from '@loanflow/proto';
import type { BorrowerContact, BorrowerContacts } from '../app/deps';

/**
 * Borrower contacts from the applications service (GetBorrowerContact), asked with this
 * service's own token: an event has no user behind it. A customer the service does not know is
 * nobody to tell (undefined); any other failure throws, so the event is handled again later.
 */
export function grpcBorrowerContacts(
  applications: PromiseClient<applicationsV1.ApplicationsServiceClient>,
  tokens: ServiceTokens,
  timeoutMs: number,
): BorrowerContacts {
  return {
    async contact(by): Promise<BorrowerContact | undefined> {
      if (!by.customerId && !by.applicationId) return undefined;
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${tokens.token()}`);
      try {
        const c = await applications.getBorrowerContact(
          {
            customerId: by.customerId ?? '',
            applicationId: by.customerId ? '' : (by.applicationId ?? ''),
            purpose: 'notification',
          },
          { metadata, timeoutMs },
        );
        return { customerId: c.customerId, name: c.name, mobile: c.mobile };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'not_found') return undefined;
        throw err;
      }
    },
  };
}
