// Alibaba Cloud SMS (dysmsapi) SendSms, API version 2017-05-25, over its RPC-style HTTP API with
// the V1 signature (HMAC-SHA1). Written against the documentation rather than the SDK so that the
// signature can be checked byte for byte against the published examples.
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from '@loanflow/platform';
import { maskPhone, smsSegments } from '../../domain/sms';
import type { OutgoingSms, SendResult, SmsChannel } from './channel';

/**
 * RFC 3986 percent-encoding as the signature requires: only A–Z a–z 0–9 - _ . ~ stay literal,
 * space is %20 (not +), and the characters encodeURIComponent leaves alone (! ' ( ) *) are encoded.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Parameters sorted by name (code unit order, as the documentation's Java TreeMap does), encoded, joined. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`)
    .join('&');
}

/** Base64(HMAC-SHA1(secret + "&", method + "&%2F&" + percentEncode(canonical query))). */
export function signV1(
  method: 'GET' | 'POST',
  params: Record<string, string>,
  secret: string,
): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** `2017-07-12T02:42:19Z`: UTC, whole seconds, as the Timestamp parameter must be. */
export function aliyunTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Codes after which sending the same message again cannot succeed: the number, template,
 * signature or variables are wrong. Everything else (flow control, the provider's own errors,
 * an account out of credit, a rejected signature from a misconfigured key) is retried, since the
 * message itself may still go out once the cause passes or is fixed.
 */
const PERMANENT_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'isv.INVALID_JSON_PARAM',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.PARAM_NOT_SUPPORT_URL',
  'isv.SMS_CONTENT_ILLEGAL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
  'isv.EXTEND_CODE_ERROR',
]);

export interface AliyunSmsOptions {
  /** e.g. https://dysmsapi.aliyuncs.com/ */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The bank's registered signature (签名). */
  signName: string;
  /** No answer within this time is a transient failure. */
  timeoutMs: number;
  log: Logger;
  /** Injectable for tests: the Timestamp and SignatureNonce of each request. */
  clock?: () => Date;
  nonce?: () => string;
}

interface AliyunAnswer {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
}

export function aliyunSmsChannel(opts: AliyunSmsOptions): SmsChannel {
  const clock = opts.clock ?? (() => new Date());
  const nonce = opts.nonce ?? randomUUID;

  function signedBody(sms: OutgoingSms): string {
    const params: Record<string, string> = {
      AccessKeyId: opts.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: sms.deliveryId,
      PhoneNumbers: sms.phone,
      RegionId: 'cn-hangzhou',
      SignName: opts.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: nonce(),
      SignatureVersion: '1.0',
      TemplateCode: sms.templateCode,
      TemplateParam: JSON.stringify(sms.params),
      Timestamp: aliyunTimestamp(clock()),
      Version: '2017-05-25',
    };
    const signature = signV1('POST', params, opts.accessKeySecret);
    return `${canonicalQuery(params)}&Signature=${percentEncode(signature)}`;
  }

  async function send(sms: OutgoingSms): Promise<SendResult> {
    let body: string;
    try {
      body = signedBody(sms);
    } catch {
      // A lone UTF-16 surrogate (in the number or template code) cannot be percent-encoded;
      // sending again cannot help. (JSON.stringify already escapes them in the variables.)
      return { ok: false, permanent: true, error: 'SMS request is not valid Unicode text' };
    }
    let response: Response;
    try {
      response = await fetch(opts.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      // Duck-typed: the DOMException fetch rejects with need not share this realm's Error.
      const timedOut = (err as { name?: unknown } | null)?.name === 'TimeoutError';
      return {
        ok: false,
        permanent: false,
        error: timedOut
          ? `SMS provider did not answer within ${opts.timeoutMs} ms`
          : `SMS provider unreachable: ${describe(err)}`,
      };
    }
    let answer: AliyunAnswer | undefined;
    try {
      answer = (await response.json()) as AliyunAnswer;
    } catch {
      answer = undefined;
    }
    // Accepted is accepted: retrying for want of a BizId would send the borrower a second SMS.
    if (response.ok && answer?.Code === 'OK')
      return { ok: true, providerId: answer.BizId ?? answer.RequestId ?? 'unknown' };
    const code = answer?.Code ?? `HTTP ${response.status}`;
    const failure = {
      ok: false as const,
      permanent: answer?.Code !== undefined && PERMANENT_CODES.has(answer.Code),
      error: `${code}: ${answer?.Message ?? response.statusText} (HTTP ${response.status}, RequestId ${answer?.RequestId ?? '-'})`,
    };
    opts.log.warn(
      {
        deliveryId: sms.deliveryId,
        phone: maskPhone(sms.phone),
        code,
        permanent: failure.permanent,
      },
      'SMS refused by Alibaba Cloud',
    );
    return failure;
  }

  return { send, close: async () => {} };
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | null;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/**
 * What `npm start` uses without a provider: one log line per SMS, the number masked, with what it
 * will cost; the provider id `log-<uuid>` goes into the delivery log like a real BizId.
 */
export function logSmsChannel(log: Logger, signName: string): SmsChannel {
  return {
    async send(sms) {
      const providerId = `log-${randomUUID()}`;
      // The provider puts the signature in front; count it as the borrower's handset will.
      const signature = `【${signName}】`;
      const delivered = sms.text.startsWith(signature) ? sms.text : signature + sms.text;
      const { characters, segments, encoding } = smsSegments(delivered);
      log.info(
        {
          channel: 'sms',
          deliveryId: sms.deliveryId,
          phone: maskPhone(sms.phone),
          templateCode: sms.templateCode,
          text: delivered,
          characters,
          segments,
          encoding,
          providerId,
        },
        'SMS written to the log (SMS_PROVIDER=log)',
      );
      return { ok: true, providerId };
    },
    close: async () => {},
  };
}
