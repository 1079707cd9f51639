// Alibaba Cloud SMS (dysmsapi SendSms) as the tests need it: an HTTP server that checks every
// request's V1 signature the way the provider documents it and answers as the provider does.
// The signature check is written here from the documentation, apart from the channel's code, so a
// mistake in one is not mirrored by the other.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type FakeAliyunMode =
  /** Code OK with a BizId (numbers listed as invalid still get isv.MOBILE_NUMBER_ILLEGAL). */
  | 'ok'
  /** isv.BUSINESS_LIMIT_CONTROL: the per-number flow control. */
  | 'throttled'
  /** HTTP 500, InternalError. */
  | 'server-error'
  /** Accepts the connection and never answers. */
  | 'no-answer';

export interface VerifiedSmsRequest {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  signName: string;
  outId: string | undefined;
  method: string;
  nonce: string;
  timestamp: string;
}

export interface FakeAliyunSms {
  /** The endpoint, e.g. http://127.0.0.1:PORT/ (ALIYUN_SMS_ENDPOINT). */
  url: string;
  /** How the next requests are answered; switch it at any time. */
  mode: FakeAliyunMode;
  /** Numbers answered isv.MOBILE_NUMBER_ILLEGAL (besides anything that is not 11 digits). */
  invalidNumbers: Set<string>;
  /** Requests whose signature and parameters were valid, in order of arrival, whatever the answer. */
  requests: VerifiedSmsRequest[];
  /** Requests refused before the mode applied (bad signature, missing parameter …), by error code. */
  refusals: string[];
  stop(): Promise<void>;
}

/** The documented encoding, byte by byte: only A-Z a-z 0-9 - _ . ~ stay as they are. */
function documentedEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function expectedSignature(method: string, params: Map<string, string>, secret: string): string {
  const names = [...params.keys()].filter((n) => n !== 'Signature');
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = names
    .map((n) => `${documentedEncode(n)}=${documentedEncode(params.get(n)!)}`)
    .join('&');
  const stringToSign = [method, documentedEncode('/'), documentedEncode(canonical)].join('&');
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

const REQUIRED = [
  'AccessKeyId', 'Action', 'Format', 'PhoneNumbers', 'SignName', 'SignatureMethod',
  'SignatureNonce', 'SignatureVersion', 'Signature', 'TemplateCode', 'Timestamp', 'Version',
]; // prettier-ignore

export async function startFakeAliyunSms(opts: {
  accessKeyId: string;
  accessKeySecret: string;
  invalidNumbers?: string[];
}): Promise<FakeAliyunSms> {
  const seenNonces = new Set<string>();
  const hanging = new Set<ServerResponse>();
  const fake = {
    mode: 'ok' as FakeAliyunMode,
    invalidNumbers: new Set(opts.invalidNumbers ?? []),
    requests: [] as VerifiedSmsRequest[],
    refusals: [] as string[],
  };

  function answer(res: ServerResponse, status: number, body: Record<string, string>): void {
    const requestId = randomUUID().toUpperCase();
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify({ ...body, RequestId: requestId }));
  }

  function refuse(res: ServerResponse, status: number, code: string, message: string): void {
    fake.refusals.push(code);
    answer(res, status, { Code: code, Message: message, HostId: 'dysmsapi.aliyuncs.com' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // RPC parameters may come in the query string or, with POST, as a form body; both are signed.
    const params = new Map<string, string>();
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    for (const [k, v] of query) params.set(k, v);
    if (req.method === 'POST')
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
        params.set(k, v);

    const missing = REQUIRED.find((name) => !params.get(name));
    if (missing)
      return refuse(res, 400, `Missing${missing}`, `${missing} is mandatory for this action.`);
    if (params.get('AccessKeyId') !== opts.accessKeyId)
      return refuse(res, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (params.get('SignatureMethod') !== 'HMAC-SHA1' || params.get('SignatureVersion') !== '1.0')
      return refuse(
        res,
        400,
        'InvalidSignatureMethod',
        'Specified signature method is not supported.',
      );
    const expected = Buffer.from(
      expectedSignature(req.method ?? 'GET', params, opts.accessKeySecret),
    );
    const given = Buffer.from(params.get('Signature')!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return refuse(
        res,
        400,
        'SignatureDoesNotMatch',
        'Specified signature is not matched with our calculation.',
      );
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.get('Timestamp')!))
      return refuse(
        res,
        400,
        'InvalidTimeStamp.Format',
        'Specified time stamp or date value is not well formatted.',
      );
    const nonce = params.get('SignatureNonce')!;
    if (seenNonces.has(nonce))
      return refuse(res, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    seenNonces.add(nonce);
    if (params.get('Action') !== 'SendSms' || params.get('Version') !== '2017-05-25')
      return refuse(
        res,
        400,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      );
    if (params.get('Format') !== 'JSON')
      return refuse(
        res,
        400,
        'InvalidParameter',
        'This fake answers JSON only: Format must be JSON.',
      );
    let templateParams: Record<string, string> = {};
    try {
      const raw = params.get('TemplateParam');
      templateParams = raw ? (JSON.parse(raw) as Record<string, string>) : {};
    } catch {
      return answer(res, 200, {
        Code: 'isv.INVALID_JSON_PARAM',
        Message: 'JSON参数不合法，只接受字符串值',
      });
    }

    const phone = params.get('PhoneNumbers')!;
    fake.requests.push({
      phone,
      templateCode: params.get('TemplateCode')!,
      params: templateParams,
      signName: params.get('SignName')!,
      outId: params.get('OutId'),
      method: req.method ?? 'GET',
      nonce,
      timestamp: params.get('Timestamp')!,
    });

    switch (fake.mode) {
      case 'no-answer':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'server-error':
        return answer(res, 500, {
          Code: 'InternalError',
          Message: 'The request processing has failed due to some unknown error.',
        });
      case 'throttled':
        return answer(res, 200, {
          Code: 'isv.BUSINESS_LIMIT_CONTROL',
          Message: '触发小时级流控Permits:5',
        });
      case 'ok':
        if (fake.invalidNumbers.has(phone) || !/^1\d{10}$/.test(phone))
          return answer(res, 200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' });
        return answer(res, 200, {
          Message: 'OK',
          BizId: `${Date.now()}${Math.floor(Math.random() * 1e6)}^0`,
          Code: 'OK',
        });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500, { Code: 'InternalError', Message: 'fake failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
