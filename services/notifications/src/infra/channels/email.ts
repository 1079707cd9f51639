import { randomUUID } from 'node:crypto';
import type { Logger } from '@loanflow/platform';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { maskEmail } from '../../domain/sms';
import type { EmailChannel, OutgoingEmail, SendResult } from './channel';

export interface SmtpEmailOptions {
  /**
   * smtp://user:pass@host:port (STARTTLS when the server offers it; `?starttls=required` refuses
   * to send in clear) or smtps://user:pass@host:port (TLS from the first byte).
   */
  url: string;
  /** `Display Name <address>`; a Chinese display name is encoded by nodemailer (RFC 2047). */
  from: string;
  poolSize: number;
  rejectUnauthorized: boolean;
  log: Logger;
}

/** The SMTP options of a URL; the password is decoded here and never logged. */
export function smtpOptionsOf(opts: SmtpEmailOptions): SMTPPool.Options {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new Error('SMTP_URL: not a URL (expected smtp://user:pass@host:port or smtps://…)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`SMTP_URL: scheme must be smtp: or smtps:, not ${url.protocol}`);
  const secure = url.protocol === 'smtps:';
  const starttls = url.searchParams.get('starttls');
  if (starttls !== null && starttls !== 'required')
    throw new Error(`SMTP_URL: starttls may only be "required", not "${starttls}"`);
  return {
    pool: true,
    maxConnections: opts.poolSize,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: starttls === 'required',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    tls: { rejectUnauthorized: opts.rejectUnauthorized },
    // Fail a dead server within seconds: the dispatcher retries with backoff, it should not hang.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** E-mail through a pool of SMTP connections (nodemailer's pooled transport). */
export function smtpEmailChannel(opts: SmtpEmailOptions): EmailChannel {
  const transport = nodemailer.createTransport(smtpOptionsOf(opts));
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(opts.from)?.[1] ?? 'loanflow.local';

  return {
    async send(mail: OutgoingEmail): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: { name: mail.toName, address: mail.to },
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          // The same delivery always gets the same Message-ID, so a resend is recognisably the same mail.
          messageId: `<${mail.deliveryId}@${fromDomain}>`,
          ...(mail.unsubscribeUrl
            ? {
                list: { unsubscribe: mail.unsubscribeUrl },
                // RFC 8058: mail clients may switch the category off with one POST, no page to visit.
                headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
              }
            : {}),
        });
        return { ok: true, providerId: info.messageId };
      } catch (err) {
        const result = failureOf(err, mail.to);
        opts.log.warn(
          {
            deliveryId: mail.deliveryId,
            to: maskEmail(mail.to),
            permanent: result.permanent,
            error: result.error,
          },
          'e-mail not sent',
        );
        return result;
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** What nodemailer says of a failed attempt (an Error with `code`, `command`, `responseCode`). */
interface SmtpError {
  code?: string;
  command?: string;
  responseCode?: number;
  message?: string;
}

/**
 * Permanent: the server refused the address or the message itself (5xx to MAIL FROM, RCPT TO or
 * DATA), or nodemailer could not form the envelope. Anything else — no connection, a timeout, a
 * 4xx "try later" (greylisting answers RCPT with 450), a refused login — is transient: the next
 * attempt may well succeed, and a misconfigured login is the bank's fault, not the recipient's.
 */
export function failureOf(err: unknown, address: string): Extract<SendResult, { ok: false }> {
  const e = (err ?? {}) as SmtpError;
  const refusedByServer =
    e.responseCode !== undefined &&
    e.responseCode >= 500 &&
    e.responseCode < 600 &&
    /^(MAIL FROM|RCPT TO|DATA)/.test(e.command ?? '');
  // EENVELOPE with no reply at all is nodemailer refusing an address it cannot even put in the envelope.
  const unsendable = e.code === 'EENVELOPE' && e.responseCode === undefined;
  const permanent = refusedByServer || unsendable;
  const reason = [e.code, e.command, e.message ?? String(err)].filter(Boolean).join(' ');
  // The server's reply often repeats the address; the delivery log keeps it masked.
  return { ok: false, permanent, error: reason.split(address).join(maskEmail(address)) };
}

/** What `npm start` uses without SMTP_URL: one log line per e-mail, the address masked. */
export function logEmailChannel(log: Logger): EmailChannel {
  return {
    async send(mail) {
      const providerId = `log-${randomUUID()}`;
      log.info(
        {
          channel: 'email',
          deliveryId: mail.deliveryId,
          to: maskEmail(mail.to),
          subject: mail.subject,
          unsubscribe: mail.unsubscribeUrl !== undefined,
          providerId,
        },
        'e-mail written to the log (no SMTP_URL)',
      );
      return { ok: true, providerId };
    },
    close: async () => {},
  };
}
