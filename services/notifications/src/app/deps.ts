import type { Logger, PiiProtector, Pool } from '@loanflow/platform';
import type { QuietHours } from '../domain/policies';
import type { EmailChannel, SmsChannel } from '../infra/channels/channel';

/** A borrower's contact, asked of the applications service (its record is the only source). */
export interface BorrowerContact {
  customerId: string;
  name: string;
  /** Full mobile number; '' when none is on file. */
  mobile: string;
}

export interface BorrowerContacts {
  contact(by: {
    customerId?: string;
    applicationId?: string;
  }): Promise<BorrowerContact | undefined>;
}

export interface NotificationsDeps {
  pool: Pool;
  log: Logger;
  now: () => Date;
  /** For the jitter of retries (tests fix it). */
  random: () => number;
  pii: PiiProtector;
  borrowers: BorrowerContacts;
  email: EmailChannel;
  sms: SmsChannel;
  policy: {
    quiet: QuietHours;
    timeZone: string;
    signName: string;
    digestThreshold: number;
    digestHour: number;
    smsPerHour: number;
    emailPerHour: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    unsubscribeUrl: string;
  };
}
