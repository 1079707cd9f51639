import { createHash, createPublicKey, verify as rsaVerify } from 'node:crypto';
import forge from 'node-forge';
import { OID, der, parse, set, setOf, type Asn1 } from './asn1';
import { signatureTimestampDigest, signDetached, verifyDetached } from './cms';
import { inspectCertificate } from './pki';
import { flipByte, LATER, makePki, NOW } from './test-support';

const pki = makePki();
const ROOT = pki.root.certificatePem;
const content = Buffer.from('%PDF-1.3\n' + '借款合同 contract bytes '.repeat(200), 'utf8');

describe('signDetached / verifyDetached', () => {
  const cms = signDetached(content, pki.borrower, LATER);

  it('verifies a signature over the same bytes and names the signer', () => {
    const r = verifyDetached(content, cms, ROOT);
    expect(r).toEqual({
      ok: true,
      signerCommonName: '张三 (borrower)',
      signerSerial: inspectCertificate(pki.borrower.certificatePem)
        .serialNumber.toString(16)
        .toUpperCase(),
      // UTCTime keeps whole seconds.
      signingTime: new Date('2025-03-01T08:00:05.000Z'),
      signatureValue: expect.any(Buffer),
    });
    if (r.ok) expect(r.signatureValue).toHaveLength(256);
  });

  it.each([0, 9, 100, -1])('fails when one byte of the content at %p changes', (index) => {
    const r = verifyDetached(flipByte(content, index), cms, ROOT);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/message digest mismatch/) });
  });

  it('fails for a byte more or less', () => {
    expect(verifyDetached(Buffer.concat([content, Buffer.from('\n')]), cms, ROOT).ok).toBe(false);
    expect(verifyDetached(content.subarray(0, -1), cms, ROOT).ok).toBe(false);
  });

  it('fails for a signature by a certificate of another CA with the same name and subject', () => {
    const forged = signDetached(content, pki.impostor, LATER);
    const r = verifyDetached(content, forged, ROOT);
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not chain to the trusted root/),
    });
    // The same signature checks out against its own root: it is the trust that fails.
    expect(verifyDetached(content, forged, pki.otherRoot.certificatePem).ok).toBe(true);
  });

  it('fails when the signature value is altered', () => {
    // The signature is the last 256 bytes of the structure (no unsigned attributes follow).
    const r = verifyDetached(content, flipByte(cms, -10), ROOT);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/signature does not verify/) });
  });

  it('fails when a signed attribute is altered, though the digest still matches', () => {
    // Move the signing time: the UTCTime "250301080005Z" becomes "250301080006Z".
    const at = cms.indexOf(Buffer.from('250301080005Z', 'latin1'));
    expect(at).toBeGreaterThan(0);
    const altered = Buffer.from(cms);
    altered[at + 11] = '6'.charCodeAt(0);
    const r = verifyDetached(content, altered, ROOT);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/signature does not verify/) });
  });

  it('fails, without throwing, for garbage, truncation and other structures', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from('not der'), cms.subarray(0, cms.length - 1)]) {
      const r = verifyDetached(content, bad, ROOT);
      expect(r.ok).toBe(false);
    }
    const cert = inspectCertificate(pki.borrower.certificatePem).der;
    expect(verifyDetached(content, cert, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not CMS SignedData|expected/),
    });
  });

  it('checks the certificates at the claimed signing time and at the time given', () => {
    const inTime = new Date(NOW.getTime() + 30 * 86_400_000);
    expect(verifyDetached(content, cms, ROOT, { at: inTime }).ok).toBe(true);
    const afterExpiry = new Date(NOW.getTime() + 400 * 86_400_000);
    expect(verifyDetached(content, cms, ROOT, { at: afterExpiry })).toEqual({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    // A signing time claimed before the certificate existed fails, whatever the other time.
    const backdated = signDetached(content, pki.borrower, new Date('2024-01-01T00:00:00Z'));
    for (const options of [{}, { at: inTime }]) {
      expect(verifyDetached(content, backdated, ROOT, options)).toEqual({
        ok: false,
        reason: expect.stringMatching(/not valid until/),
      });
    }
  });

  it('refuses to sign with a key that is not the certificate’s', () => {
    const mismatched = { ...pki.borrower, privateKeyPem: pki.officer.privateKeyPem };
    expect(() => signDetached(content, mismatched, LATER)).toThrow(/private key does not belong/);
    expect(() => signDetached(content, pki.borrower, new Date(NaN))).toThrow(RangeError);
  });

  describe('the structure, read independently with forge', () => {
    const asn = forge.asn1.fromDer(cms.toString('binary'));
    const children = (n: Asn1) => n.value as Asn1[];
    const oidOf = (n: Asn1) => forge.asn1.derToOid(n.value as string);
    const signedData = children(children(asn)[1])[0];
    const [version, , encap, certs, signerInfos] = children(signedData);
    const signerInfo = children(signerInfos)[0];
    const signedAttrs = children(signerInfo)[3];
    const attrs = new Map(
      children(signedAttrs).map((a) => [oidOf(children(a)[0]), children(a)[1]]),
    );

    it('is a detached SignedData over id-data with the signer certificate', () => {
      expect(oidOf(children(asn)[0])).toBe(OID.signedData);
      expect(forge.asn1.derToInteger(version.value as string)).toBe(1);
      expect(children(encap)).toHaveLength(1);
      expect(oidOf(children(encap)[0])).toBe(OID.data);
      const certDer = Buffer.from(forge.asn1.toDer(children(certs)[0]).getBytes(), 'binary');
      expect(certDer.equals(inspectCertificate(pki.borrower.certificatePem).der)).toBe(true);
    });

    it('signs contentType, messageDigest, signingTime and signing-certificate-v2', () => {
      expect([...attrs.keys()].sort()).toEqual(
        [OID.contentType, OID.messageDigest, OID.signingTime, OID.signingCertificateV2].sort(),
      );
      const digest = Buffer.from(
        children(attrs.get(OID.messageDigest)!)[0].value as string,
        'binary',
      );
      expect(digest.equals(createHash('sha256').update(content).digest())).toBe(true);
      expect(oidOf(children(attrs.get(OID.contentType)!)[0])).toBe(OID.data);
    });

    it('signs the DER SET OF the attributes, in DER order, with RSA and SHA-256', () => {
      const attrsAsSet = Buffer.from(forge.asn1.toDer(signedAttrs).getBytes(), 'binary');
      attrsAsSet[0] = 0x31; // [0] IMPLICIT → SET
      const members = set(parse(attrsAsSet, 'set'), 'set').length;
      expect(members).toBe(4);
      // Re-sorting the members changes nothing: they were in DER order already.
      const resorted = der(setOf(children(signedAttrs)));
      expect(resorted.equals(attrsAsSet)).toBe(true);
      const signature = Buffer.from(children(signerInfo)[5].value as string, 'binary');
      const publicKey = createPublicKey(pki.borrower.certificatePem);
      expect(rsaVerify('sha256', attrsAsSet, publicKey, signature)).toBe(true);
    });
  });
});

describe('signatureTimestampDigest', () => {
  it('is SHA-256 of the signature value', () => {
    const cms = signDetached(content, pki.officer, LATER);
    const r = verifyDetached(content, cms, ROOT);
    if (!r.ok) throw new Error(r.reason);
    expect(signatureTimestampDigest(cms)).toEqual(
      createHash('sha256').update(r.signatureValue).digest(),
    );
  });

  it('differs between two signers of the same bytes', () => {
    const a = signatureTimestampDigest(signDetached(content, pki.officer, LATER));
    const b = signatureTimestampDigest(signDetached(content, pki.borrower, LATER));
    expect(a.equals(b)).toBe(false);
  });

  it('throws for something that is not a signature', () => {
    expect(() => signatureTimestampDigest(Buffer.from('nope'))).toThrow(
      /cannot read the signature/,
    );
  });
});
