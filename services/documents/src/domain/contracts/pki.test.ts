import { X509Certificate } from 'node:crypto';
import {
  createCertificateAuthority,
  inspectCertificate,
  issueCertificate,
  verifyCertificateChain,
} from './pki';
import forge from 'node-forge';
import { issueWithExtensions, makePki, NOW } from './test-support';

const pki = makePki();
const DAY = 86_400_000;
const TIMESTAMPING = '1.3.6.1.5.5.7.3.8';

describe('createCertificateAuthority', () => {
  const root = inspectCertificate(pki.root.certificatePem);

  it('makes a self-signed RSA 2048 root CA with keyCertSign', () => {
    const x = new X509Certificate(pki.root.certificatePem);
    expect(x.ca).toBe(true);
    expect(x.checkIssued(x)).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.subject).toBe('CN=LoanFlow Development Root CA');
    expect(root.isCA).toBe(true);
    expect([...root.keyUsage!].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(root.extendedKeyUsage).toBeNull();
  });

  it('is valid from now for ten years by default, to the second', () => {
    expect(root.notBefore).toEqual(NOW);
    expect(root.notAfter).toEqual(new Date(NOW.getTime() + 3650 * DAY));
  });

  it('keeps the private key as PKCS #8 PEM that belongs to the certificate', () => {
    expect(pki.root.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pki.root.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\r?\n/);
  });

  it('refuses an invalid date or period', () => {
    expect(() => createCertificateAuthority('X', new Date('nope'))).toThrow(RangeError);
    expect(() => createCertificateAuthority('X', NOW, 0)).toThrow(RangeError);
    expect(() => createCertificateAuthority('', NOW)).toThrow(RangeError);
  });
});

describe('issueCertificate', () => {
  it('issues a signing certificate with digitalSignature and nonRepudiation', () => {
    const c = inspectCertificate(pki.officer.certificatePem);
    expect(c.commonName).toBe('王敏 (lender)');
    expect(c.isCA).toBe(false);
    expect([...c.keyUsage!].sort()).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.extendedKeyUsage).toBeNull();
    expect(c.unknownCritical).toEqual([]);
    const x = new X509Certificate(pki.officer.certificatePem);
    expect(x.subject).toBe('CN=王敏 (lender)\nO=示例银行股份有限公司\nserialNumber=u-1001');
    expect(x.issuer).toBe('CN=LoanFlow Development Root CA');
    expect(c.notAfter).toEqual(new Date(NOW.getTime() + 365 * DAY));
  });

  it('issues a timestamping certificate whose only, critical, purpose is id-kp-timeStamping', () => {
    const c = inspectCertificate(pki.tsa.certificatePem);
    expect(c.extendedKeyUsage).toEqual({ purposes: [TIMESTAMPING], critical: true });
    expect(new X509Certificate(pki.tsa.certificatePem).keyUsage).toEqual([TIMESTAMPING]);
  });

  it('names the CA byte for byte as issuer, also when the CA has a Chinese name', () => {
    const ca = createCertificateAuthority('示例银行测试根证书', NOW);
    const leaf = issueCertificate(ca, { commonName: '李四' }, 'signing', NOW);
    const caInfo = inspectCertificate(ca.certificatePem);
    expect(inspectCertificate(leaf.certificatePem).issuer.equals(caInfo.subject)).toBe(true);
    const x = new X509Certificate(leaf.certificatePem);
    expect(x.checkIssued(x)).toBe(false);
    expect(x.checkIssued(new X509Certificate(ca.certificatePem))).toBe(true);
    expect(x.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true);
    expect(inspectCertificate(leaf.certificatePem).commonName).toBe('李四');
  });

  it('ends no later than its CA, whatever the requested period', () => {
    const ca = createCertificateAuthority('Short CA', NOW, 30);
    const leaf = issueCertificate(ca, { commonName: 'x' }, 'signing', NOW, 365);
    expect(inspectCertificate(leaf.certificatePem).notAfter).toEqual(
      inspectCertificate(ca.certificatePem).notAfter,
    );
  });

  it('issues for the whole CA period at the CA creation time, milliseconds and all', () => {
    const t = new Date('2025-03-01T08:00:00.789Z');
    const ca = createCertificateAuthority('CA', t);
    const tsa = issueCertificate(ca, { commonName: 'TSA' }, 'timestamping', t, 3650);
    const info = inspectCertificate(tsa.certificatePem);
    expect(info.notBefore).toEqual(new Date('2025-03-01T08:00:00.000Z'));
    expect(info.notAfter).toEqual(inspectCertificate(ca.certificatePem).notAfter);
  });

  it('gives every certificate its own positive serial number', () => {
    const serials = [pki.root, pki.officer, pki.borrower, pki.tsa].map(
      (c) => inspectCertificate(c.certificatePem).serialNumber,
    );
    expect(new Set(serials).size).toBe(4);
    for (const s of serials) expect(s).toBeGreaterThan(0n);
  });

  it('refuses to issue from a certificate that is not a CA, or with a key not its own', () => {
    expect(() => issueCertificate(pki.officer, { commonName: 'x' }, 'signing', NOW)).toThrow(
      /not a certificate authority/,
    );
    const mismatched = { ...pki.root, privateKeyPem: pki.otherRoot.privateKeyPem };
    expect(() => issueCertificate(mismatched, { commonName: 'x' }, 'signing', NOW)).toThrow(
      /private key does not belong/,
    );
  });

  it('refuses to issue outside the CA validity and bad subjects', () => {
    const before = new Date(NOW.getTime() - DAY);
    expect(() => issueCertificate(pki.root, { commonName: 'x' }, 'signing', before)).toThrow(
      RangeError,
    );
    expect(() =>
      issueCertificate(pki.root, { commonName: 'x', serialNumber: 'a_b@c' }, 'signing', NOW),
    ).toThrow(RangeError);
    expect(() =>
      issueCertificate(pki.root, { commonName: 'x'.repeat(65) }, 'signing', NOW),
    ).toThrow(RangeError);
    expect(() =>
      issueCertificate(pki.root, { commonName: 'x' }, 'other' as 'signing', NOW),
    ).toThrow(RangeError);
  });
});

describe('verifyCertificateChain', () => {
  const info = (pem: string) => inspectCertificate(pem);
  const at = new Date(NOW.getTime() + DAY);

  it('accepts a signer and a TSA issued by the trusted root, for their own usages', () => {
    const root = pki.root.certificatePem;
    expect(
      verifyCertificateChain(info(pki.officer.certificatePem), [], root, at, 'signing'),
    ).toEqual({
      ok: true,
    });
    expect(
      verifyCertificateChain(info(pki.tsa.certificatePem), [], root, at, 'timestamping'),
    ).toEqual({ ok: true });
  });

  it('rejects a certificate from another CA, even one with the same name', () => {
    const r = verifyCertificateChain(
      info(pki.impostor.certificatePem),
      [info(pki.otherRoot.certificatePem)],
      pki.root.certificatePem,
      at,
      'signing',
    );
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not chain to the trusted root/),
    });
  });

  it('rejects a signing certificate as a TSA, and a TSA certificate as a signer', () => {
    const root = pki.root.certificatePem;
    const asTsa = verifyCertificateChain(
      info(pki.officer.certificatePem),
      [],
      root,
      at,
      'timestamping',
    );
    expect(asTsa).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a timestamping certificate/),
    });
    const asSigner = verifyCertificateChain(info(pki.tsa.certificatePem), [], root, at, 'signing');
    expect(asSigner).toEqual({
      ok: false,
      reason: expect.stringMatching(/timestamping certificate/),
    });
  });

  it('rejects the root itself as a signer', () => {
    const r = verifyCertificateChain(
      info(pki.root.certificatePem),
      [],
      pki.root.certificatePem,
      at,
      'signing',
    );
    expect(r.ok).toBe(false);
  });

  it('checks validity at the given time, not now', () => {
    const root = pki.root.certificatePem;
    const officer = info(pki.officer.certificatePem);
    const early = verifyCertificateChain(
      officer,
      [],
      root,
      new Date(NOW.getTime() - 1000),
      'signing',
    );
    expect(early).toEqual({ ok: false, reason: expect.stringMatching(/not valid until/) });
    const late = verifyCertificateChain(
      officer,
      [],
      root,
      new Date(NOW.getTime() + 366 * DAY),
      'signing',
    );
    expect(late).toEqual({ ok: false, reason: expect.stringMatching(/expired/) });
  });

  it('follows intermediate CAs given beside the certificate, and only CAs', () => {
    const caExtensions = [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ];
    const intermediate = issueWithExtensions(pki.root, 'Intermediate CA', caExtensions);
    const leaf = info(
      issueCertificate(intermediate, { commonName: 'x' }, 'signing', NOW).certificatePem,
    );
    const root = pki.root.certificatePem;
    const chain = [info(intermediate.certificatePem)];
    expect(verifyCertificateChain(leaf, chain, root, at, 'signing')).toEqual({ ok: true });
    expect(verifyCertificateChain(leaf, [], root, at, 'signing').ok).toBe(false);
    // Allowed to sign certificates by its key usage, but not a CA by its basic constraints.
    const notCa = issueWithExtensions(pki.root, 'Intermediate CA', [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    ]);
    const leaf2 = info(
      issueWithExtensions(notCa, 'y', [{ name: 'keyUsage', digitalSignature: true }])
        .certificatePem,
    );
    expect(
      verifyCertificateChain(leaf2, [info(notCa.certificatePem)], root, at, 'signing'),
    ).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not chain/),
    });
  });

  it.each([
    ['a non-critical timestamping purpose', [{ name: 'extKeyUsage', timeStamping: true }]],
    [
      'a second purpose besides timestamping',
      [{ name: 'extKeyUsage', timeStamping: true, codeSigning: true, critical: true }],
    ],
    ['no extended key usage', [{ name: 'keyUsage', digitalSignature: true, critical: true }]],
  ])('rejects a TSA certificate with %s (RFC 3161 2.3)', (_, extensions) => {
    const tsa = info(issueWithExtensions(pki.root, 'TSA', extensions).certificatePem);
    expect(verifyCertificateChain(tsa, [], pki.root.certificatePem, at, 'timestamping')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a timestamping certificate/),
    });
  });

  it('rejects a certificate with a critical extension it does not understand', () => {
    const unknown = {
      id: '1.3.6.1.4.1.99999.7',
      critical: true,
      value: forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, ''),
    };
    const leaf = info(
      issueWithExtensions(pki.root, 'z', [{ name: 'keyUsage', digitalSignature: true }, unknown])
        .certificatePem,
    );
    expect(leaf.unknownCritical).toEqual(['1.3.6.1.4.1.99999.7']);
    expect(verifyCertificateChain(leaf, [], pki.root.certificatePem, at, 'signing')).toEqual({
      ok: false,
      reason: expect.stringMatching(/unsupported critical extensions 1.3.6.1.4.1.99999.7/),
    });
  });

  it('fails, without throwing, for a trusted root that is not a certificate', () => {
    const r = verifyCertificateChain(
      info(pki.officer.certificatePem),
      [],
      'not a pem',
      at,
      'signing',
    );
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/trusted root/) });
  });

  it('rejects a trusted root that is not a CA', () => {
    const r = verifyCertificateChain(
      info(pki.officer.certificatePem),
      [],
      pki.borrower.certificatePem,
      at,
      'signing',
    );
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/not a self-signed CA/) });
  });
});
