// A real SMTP server for the tests (the smtp-server package): STARTTLS with a certificate made at
// run time, AUTH PLAIN/LOGIN checked, every message parsed with mailparser as a mail client would.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { eventually } from './poll';

export interface ReceivedMail extends ParsedMail {
  /** The SMTP envelope, which is what was actually delivered (headers can say anything). */
  envelope: { mailFrom: string; rcptTo: string[] };
  /** Whether the session was upgraded to TLS before the message, and who logged in. */
  secure: boolean;
  user: string | undefined;
  /** The message as received, to check header encodings byte by byte. */
  raw: string;
}

export interface SmtpServerOptions {
  auth?: { user: string; pass: string };
  /** Offer STARTTLS (default true); with auth, AUTH is refused until the session is encrypted. */
  starttls?: boolean;
  /** Recipients answered `550 5.1.1 mailbox unavailable` at RCPT TO. */
  refuse?: string[];
  /**
   * Parse each message with mailparser into `messages` (default true). Off, messages are only
   * counted: a load test measures the sender, not the parser's CPU in the same process.
   */
  parse?: boolean;
}

export interface TestSmtpServer {
  port: number;
  /** smtp://user:pass@127.0.0.1:port (no credentials without `auth`). */
  url: string;
  messages: ReceivedMail[];
  /** Recipients refused so far (RCPT TO answered 550). */
  refused: string[];
  /** Messages accepted so far (250 to DATA), parsed or not. */
  received(): number;
  /** Resolves once at least `n` messages arrived; fails after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
}

let certificate: Promise<{ key: string; cert: string }> | undefined;

/** One self-signed certificate per test process: made by openssl, never committed. */
function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loanflow-smtp-'));
    try {
      await promisify(execFile)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      ]); // prettier-ignore
      const [key, cert] = await Promise.all([
        readFile(join(dir, 'key.pem'), 'utf8'),
        readFile(join(dir, 'cert.pem'), 'utf8'),
      ]);
      return { key, cert };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const starttls = opts.starttls ?? true;
  const parse = opts.parse ?? true;
  let received = 0;
  const refuse = new Set((opts.refuse ?? []).map((a) => a.toLowerCase()));
  const messages: ReceivedMail[] = [];
  const refused: string[] = [];
  const { key, cert } = await selfSignedCertificate();

  const options: SMTPServerOptions = {
    secure: false,
    key,
    cert,
    hideSTARTTLS: !starttls,
    authOptional: !opts.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    // Credentials only over TLS when TLS is on offer, as a real relay insists.
    allowInsecureAuth: !starttls,
    disabledCommands: opts.auth ? [] : ['AUTH'],
    // Pooled clients keep connections open; stop() must not wait the default 30 s for them.
    closeTimeout: 100,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.auth?.user && auth.password === opts.auth?.pass)
        return callback(null, { user: auth.username });
      return callback(
        Object.assign(new Error('Invalid username or password'), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        refused.push(address.address);
        return callback(
          Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }),
        );
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (!parse) {
          received++;
          return callback();
        }
        simpleParser(raw).then(
          (parsed) => {
            messages.push(
              Object.assign(parsed, {
                envelope: {
                  mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  rcptTo: session.envelope.rcptTo.map((r) => r.address),
                },
                secure: session.secure,
                user: typeof session.user === 'string' ? session.user : undefined,
                raw: raw.toString('utf8'),
              }),
            );
            received++;
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  };

  let server: SMTPServer | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = new SMTPServer(options);
      s.on('error', () => {}); // a client dropping mid-session is not the test's failure
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.server.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  const credentials = opts.auth
    ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@`
    : '';

  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    refused,
    received: () => received,
    waitFor: (n, timeoutMs = 15000) =>
      eventually(
        `${n} e-mail(s) at the SMTP server (${messages.length} so far)`,
        async () => (messages.length >= n ? messages : undefined),
        timeoutMs,
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = undefined;
        if (!s) return resolve();
        s.close(() => resolve());
      }),
    start: async () => {
      if (server) return;
      await listen(port);
    },
  };
}
