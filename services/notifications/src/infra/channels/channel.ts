/** What a channel reports of one attempt to send. */
export type SendResult =
  | { ok: true; providerId: string }
  /** `permanent`: trying again cannot help (bad address, template refused); else retried. */
  | { ok: false; permanent: boolean; error: string };

export interface OutgoingEmail {
  /** The delivery id: the Message-ID's local part and the idempotency key. */
  deliveryId: string;
  to: string;
  toName: string;
  subject: string;
  text: string;
  html: string;
  /** Set for optional categories: the URL to switch them off (List-Unsubscribe). */
  unsubscribeUrl?: string;
}

export interface OutgoingSms {
  /** The delivery id, sent as the provider's OutId. */
  deliveryId: string;
  /** Mainland mobile number, 11 digits. */
  phone: string;
  /** The template code registered with the provider, e.g. SMS_154950909. */
  templateCode: string;
  /** The template's variables as the provider receives them. */
  params: Record<string, string>;
  /** The whole text as the borrower will read it (signature included), for the log. */
  text: string;
}

export interface EmailChannel {
  send(mail: OutgoingEmail): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SmsChannel {
  send(sms: OutgoingSms): Promise<SendResult>;
  close(): Promise<void>;
}
