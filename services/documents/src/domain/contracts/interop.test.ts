// Cross-checks with an independent implementation: OpenSSL's `cms` and `ts` commands verify what
// this code produces, and this code verifies what OpenSSL produces. Skipped where there is no
// openssl binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureTimestampDigest, signDetached, verifyDetached } from './cms';
import { flipByte, makePki } from './test-support';
import { respondToRequest, timestampRequest, tokenFromResponse, verifyTimestampToken } from './tsa';

// The openssl command line (Debian's openssl package) is part of the machines this runs on.
describe('interoperability with OpenSSL', () => {
  // Certificates valid now, since OpenSSL signs with the clock.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const pki = makePki(now);
  const content = Buffer.from('%PDF-1.3\n个人消费借款合同\n%%EOF\n', 'utf8');
  let dir: string;
  const file = (name: string, data?: Buffer | string) => {
    const path = join(dir, name);
    if (data !== undefined) writeFileSync(path, data);
    return path;
  };
  const openssl = (...args: string[]) =>
    spawnSync('openssl', args, { encoding: 'latin1', cwd: dir });
  const attime = String(Math.floor(now.getTime() / 1000) + 60);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'contracts-interop-'));
    file('root.pem', pki.root.certificatePem);
    file('tsa.pem', pki.tsa.certificatePem);
    file('tsa.key', pki.tsa.privateKeyPem);
    file('borrower.pem', pki.borrower.certificatePem);
    file('borrower.key', pki.borrower.privateKeyPem);
    file('content.bin', content);
    file('tampered.bin', flipByte(content, 12));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl cms verifies our detached signature, and not over other bytes', () => {
    file('sig.der', signDetached(content, pki.borrower, now));
    const verify = (contentFile: string) =>
      openssl(
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'sig.der',
        '-content',
        contentFile,
        '-CAfile',
        'root.pem',
        '-purpose',
        'any',
        '-attime',
        attime,
        '-out',
        '/dev/null',
      );
    const ok = verify('content.bin');
    expect(ok.stderr).toContain('Verification successful');
    expect(ok.status).toBe(0);
    expect(verify('tampered.bin').status).not.toBe(0);
  });

  it('openssl ts verifies our response against the request, and our token against the digest', () => {
    const cms = signDetached(content, pki.borrower, now);
    const digest = signatureTimestampDigest(cms);
    const request = timestampRequest(digest, 0x1234567890n);
    const response = respondToRequest(pki.tsa, request, now, 77n);
    file('req.tsq', request);
    file('resp.tsr', response);
    file('token.der', tokenFromResponse(response));
    const common = ['-CAfile', 'root.pem', '-untrusted', 'tsa.pem', '-attime', attime];
    const byQuery = openssl('ts', '-verify', '-queryfile', 'req.tsq', '-in', 'resp.tsr', ...common);
    expect(byQuery.stdout).toContain('Verification: OK');
    const byDigest = openssl(
      'ts',
      '-verify',
      '-digest',
      digest.toString('hex'),
      '-in',
      'token.der',
      '-token_in',
      ...common,
    );
    expect(byDigest.stdout).toContain('Verification: OK');
    const otherDigest = flipByte(digest, 0).toString('hex');
    const wrong = openssl(
      'ts',
      '-verify',
      '-digest',
      otherDigest,
      '-in',
      'token.der',
      '-token_in',
      ...common,
    );
    expect(wrong.stdout).not.toContain('Verification: OK');
  });

  it('we verify a detached signature made by openssl cms, and not over other bytes', () => {
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-in',
      file('content.bin'),
      '-signer',
      file('borrower.pem'),
      '-inkey',
      file('borrower.key'),
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-out',
      file('ossl.der'),
    ]);
    const cms = readFileSync(file('ossl.der'));
    expect(verifyDetached(content, cms, pki.root.certificatePem)).toMatchObject({
      ok: true,
      signerCommonName: '张三 (borrower)',
    });
    expect(verifyDetached(flipByte(content, 12), cms, pki.root.certificatePem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/message digest mismatch/),
    });
  });

  // sha1 gives the ESS signing-certificate attribute (RFC 2634), sha256 signing-certificate-v2.
  it.each(['sha1', 'sha256'])(
    'we verify a token made by openssl ts, ESS cert ID by %s',
    (essAlg) => {
      file(
        'tsa.cnf',
        [
          '[ tsa ]',
          'default_tsa = tsa_config',
          '[ tsa_config ]',
          `serial = ${file('serial')}`,
          'default_policy = 1.2.3.4.1',
          'digests = sha256',
          'signer_digest = sha256',
          'ess_cert_id_chain = no',
          `ess_cert_id_alg = ${essAlg}`,
          '',
        ].join('\n'),
      );
      file('serial', '0A\n');
      const digest = signatureTimestampDigest(signDetached(content, pki.borrower, now));
      file('ours.tsq', timestampRequest(digest, 99n));
      execFileSync(
        'openssl',
        [
          'ts',
          '-reply',
          '-config',
          file('tsa.cnf'),
          '-queryfile',
          file('ours.tsq'),
          '-signer',
          file('tsa.pem'),
          '-inkey',
          file('tsa.key'),
          '-out',
          file('ossl.tsr'),
        ],
        { stdio: 'pipe' },
      );
      const token = tokenFromResponse(readFileSync(file('ossl.tsr')));
      const essOid =
        essAlg === 'sha1' ? '060b2a864886f70d010910020c' : '060b2a864886f70d010910022f';
      expect(token.toString('hex')).toContain(essOid);
      expect(
        verifyTimestampToken(token, digest, pki.root.certificatePem, { nonce: 99n }),
      ).toMatchObject({
        ok: true,
        serialNumber: 11n, // the serial file holds the last one used
        tsaName: 'LoanFlow Development Timestamp Authority',
        policy: '1.2.3.4.1',
      });
      expect(verifyTimestampToken(token, flipByte(digest, 0), pki.root.certificatePem).ok).toBe(
        false,
      );
    },
  );
});
