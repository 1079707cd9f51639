import { createHash } from 'node:crypto';
import forge from 'node-forge';
import {
  OID,
  algorithm,
  boolean,
  der,
  explicit,
  integer,
  octets,
  oid,
  seq,
  type Asn1,
} from './asn1';
import { inspectCertificate, issueCertificate } from './pki';
import {
  DEFAULT_TSA_POLICY_OID,
  respondToRequest,
  timestampRequest,
  tokenFromResponse,
  verifyTimestampToken,
} from './tsa';
import { flipByte, LATER, makePki, NOW } from './test-support';

const pki = makePki();
const ROOT = pki.root.certificatePem;
const digest = createHash('sha256').update('a signature value').digest();
const GEN_TIME = new Date('2025-03-01T08:00:05.250Z');
const SERIAL = 2n ** 100n + 7n;

const children = (n: Asn1) => n.value as Asn1[];
const parseForge = (b: Buffer) => forge.asn1.fromDer(b.toString('binary'));

describe('timestampRequest', () => {
  it('is a v1 TimeStampReq with a SHA-256 imprint, the nonce and certReq true', () => {
    const req = parseForge(timestampRequest(digest, 0xfedcba9876543210n));
    const [version, imprint, nonce, certReq] = children(req);
    expect(children(req)).toHaveLength(4);
    expect(forge.asn1.derToInteger(version.value as string)).toBe(1);
    const [alg, hashed] = children(imprint);
    expect(forge.asn1.derToOid(children(alg)[0].value as string)).toBe(OID.sha256);
    expect(Buffer.from(hashed.value as string, 'binary').equals(digest)).toBe(true);
    // A positive INTEGER whose top bit is set takes a leading zero byte.
    expect(Buffer.from(nonce.value as string, 'binary').toString('hex')).toBe('00fedcba9876543210');
    expect(certReq.value).toBe('\xff');
  });

  it('refuses a digest that is not 32 bytes, and a negative nonce', () => {
    expect(() => timestampRequest(digest.subarray(1), 1n)).toThrow(RangeError);
    expect(() => timestampRequest(digest, -1n)).toThrow(RangeError);
  });
});

describe('respondToRequest / verifyTimestampToken', () => {
  const request = timestampRequest(digest, 12345n);
  const response = respondToRequest(pki.tsa, request, GEN_TIME, SERIAL);
  const token = tokenFromResponse(response);

  it('round-trips: the token verifies with its genTime, serial number and TSA', () => {
    expect(verifyTimestampToken(token, digest, ROOT, { nonce: 12345n })).toEqual({
      ok: true,
      genTime: GEN_TIME,
      serialNumber: SERIAL,
      tsaName: 'LoanFlow Development Timestamp Authority',
      policy: DEFAULT_TSA_POLICY_OID,
    });
  });

  it('uses the policy given', () => {
    const r = respondToRequest(pki.tsa, request, GEN_TIME, 1n, '1.3.6.1.4.1.99999.1');
    expect(verifyTimestampToken(tokenFromResponse(r), digest, ROOT)).toMatchObject({
      ok: true,
      policy: '1.3.6.1.4.1.99999.1',
    });
  });

  it('fails for another digest', () => {
    const other = createHash('sha256').update('another signature value').digest();
    expect(verifyTimestampToken(token, other, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/another digest/),
    });
    expect(verifyTimestampToken(token, Buffer.alloc(0), ROOT).ok).toBe(false);
  });

  it('fails for another nonce', () => {
    expect(verifyTimestampToken(token, digest, ROOT, { nonce: 54321n })).toEqual({
      ok: false,
      reason: expect.stringMatching(/nonce/),
    });
  });

  it('fails for a token signed by a certificate without the timestamping purpose', () => {
    const forged = tokenFromResponse(respondToRequest(pki.officer, request, GEN_TIME, SERIAL));
    expect(verifyTimestampToken(forged, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a timestamping certificate/),
    });
  });

  it('fails for a token from a TSA of another CA', () => {
    const otherTsa = issueOtherTsa();
    const forged = tokenFromResponse(respondToRequest(otherTsa, request, GEN_TIME, SERIAL));
    expect(verifyTimestampToken(forged, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not chain to the trusted root/),
    });
    expect(verifyTimestampToken(forged, digest, pki.otherRoot.certificatePem).ok).toBe(true);
  });

  it('fails when the time or serial inside the signed TSTInfo is changed', () => {
    // genTime is written as "20250301080005.25Z"; move it a day on.
    const at = token.indexOf(Buffer.from('20250301080005.25Z', 'latin1'));
    expect(at).toBeGreaterThan(0);
    const moved = Buffer.from(token);
    moved[at + 7] = '2'.charCodeAt(0);
    expect(verifyTimestampToken(moved, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/message digest mismatch/),
    });
    // The serial number's last byte (7) sits just before the genTime's tag and length.
    const renumbered = Buffer.from(token);
    expect(renumbered[at - 3]).toBe(7);
    renumbered[at - 3] = 8;
    expect(verifyTimestampToken(renumbered, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/message digest mismatch/),
    });
  });

  it('fails when the signature is altered', () => {
    // No unsigned attributes follow: the signature value ends the token.
    expect(verifyTimestampToken(flipByte(token, -3), digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/signature does not verify/),
    });
  });

  it('fails, without throwing, for garbage or a CMS signature that is not a token', () => {
    expect(verifyTimestampToken(Buffer.from('junk'), digest, ROOT).ok).toBe(false);
    expect(verifyTimestampToken(token.subarray(0, 100), digest, ROOT).ok).toBe(false);
    expect(verifyTimestampToken(response, digest, ROOT).ok).toBe(false);
  });

  it('checks the TSA certificate at genTime', () => {
    const beforeTsa = new Date(NOW.getTime() - 1000);
    const early = tokenFromResponse(respondToRequest(pki.tsa, request, beforeTsa, 3n));
    expect(verifyTimestampToken(early, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not valid until/),
    });
  });

  describe('the token, read independently with forge', () => {
    const [, signedDataWrapper] = children(parseForge(token));
    const [version, digestAlgorithms, encap, certificates, signerInfos] = children(
      children(signedDataWrapper)[0],
    );
    const [eContentType, eContentWrapper] = children(encap);
    const tstInfoDer = Buffer.from(children(eContentWrapper)[0].value as string, 'binary');
    const tstInfo = children(parseForge(tstInfoDer));
    const signerInfo = children(children(signerInfos)[0]);
    const attrs = new Map(
      children(signerInfo[3]).map((a) => [
        forge.asn1.derToOid(children(a)[0].value as string),
        children(children(a)[1])[0],
      ]),
    );

    it('is SignedData v3 over id-ct-TSTInfo with SHA-256 and the TSA certificate', () => {
      expect(forge.asn1.derToInteger(version.value as string)).toBe(3);
      expect(forge.asn1.derToOid(children(children(digestAlgorithms)[0])[0].value as string)).toBe(
        OID.sha256,
      );
      expect(forge.asn1.derToOid(eContentType.value as string)).toBe('1.2.840.113549.1.9.16.1.4');
      const cert = Buffer.from(forge.asn1.toDer(children(certificates)[0]).getBytes(), 'binary');
      expect(cert.equals(inspectCertificate(pki.tsa.certificatePem).der)).toBe(true);
    });

    it('has a TSTInfo with the imprint, serial, genTime, nonce and TSA name', () => {
      expect(forge.asn1.derToInteger(tstInfo[0].value as string)).toBe(1);
      expect(forge.asn1.derToOid(tstInfo[1].value as string)).toBe(DEFAULT_TSA_POLICY_OID);
      const hashed = Buffer.from(children(tstInfo[2])[1].value as string, 'binary');
      expect(hashed.equals(digest)).toBe(true);
      expect(BigInt('0x' + Buffer.from(tstInfo[3].value as string, 'binary').toString('hex'))).toBe(
        SERIAL,
      );
      expect(tstInfo[4].type).toBe(forge.asn1.Type.GENERALIZEDTIME);
      expect(tstInfo[4].value).toBe('20250301080005.25Z');
      expect(forge.asn1.derToInteger(tstInfo[5].value as string)).toBe(12345);
      expect(tstInfo[6].tagClass).toBe(forge.asn1.Class.CONTEXT_SPECIFIC);
    });

    it('signs contentType, messageDigest of the TSTInfo and signing-certificate-v2', () => {
      expect([...attrs.keys()].sort()).toEqual(
        [OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort(),
      );
      expect(forge.asn1.derToOid(attrs.get(OID.contentType)!.value as string)).toBe(OID.tstInfo);
      const md = Buffer.from(attrs.get(OID.messageDigest)!.value as string, 'binary');
      expect(md.equals(createHash('sha256').update(tstInfoDer).digest())).toBe(true);
      const essCertId = children(children(children(attrs.get(OID.signingCertificateV2)!)[0])[0]);
      const certHash = Buffer.from(essCertId[0].value as string, 'binary');
      const tsaCert = inspectCertificate(pki.tsa.certificatePem).der;
      expect(certHash.equals(createHash('sha256').update(tsaCert).digest())).toBe(true);
    });
  });
});

describe('rejections', () => {
  const failInfo = (resp: Buffer) => () => tokenFromResponse(resp);
  const imprint = seq(algorithm(OID.sha256), octets(digest));

  it('answers garbage with badDataFormat', () => {
    const resp = respondToRequest(pki.tsa, Buffer.from('junk'), GEN_TIME, 1n);
    expect(failInfo(resp)).toThrow(/rejection.*badDataFormat/);
  });

  it('answers a SHA-1 imprint with badAlg', () => {
    const sha1 = der(
      seq(integer(1n), seq(algorithm(OID.sha1), octets(Buffer.alloc(20))), boolean(true)),
    );
    expect(failInfo(respondToRequest(pki.tsa, sha1, GEN_TIME, 1n))).toThrow(/badAlg/);
  });

  it('answers another policy with unacceptedPolicy, and extensions with unacceptedExtension', () => {
    const policy = der(seq(integer(1n), imprint, oid('1.2.3.4')));
    expect(failInfo(respondToRequest(pki.tsa, policy, GEN_TIME, 1n))).toThrow(/unacceptedPolicy/);
    const ext = der(seq(integer(1n), imprint, explicit(0, seq())));
    expect(failInfo(respondToRequest(pki.tsa, ext, GEN_TIME, 1n))).toThrow(/unacceptedExtension/);
  });

  it('accepts the requested policy when it is the TSA’s, and leaves out the certificate unless asked', () => {
    const req = der(seq(integer(1n), imprint, oid(DEFAULT_TSA_POLICY_OID)));
    const token = tokenFromResponse(respondToRequest(pki.tsa, req, GEN_TIME, 1n));
    // RFC 3161: without certReq the certificate must not be included, so this token cannot be
    // verified on its own.
    expect(verifyTimestampToken(token, digest, ROOT)).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not include the TSA certificate/),
    });
  });

  it('throws for a misconfigured TSA or bad arguments, not for requests', () => {
    const request = timestampRequest(digest, 1n);
    const mismatched = { ...pki.tsa, privateKeyPem: pki.officer.privateKeyPem };
    expect(() => respondToRequest(mismatched, request, GEN_TIME, 1n)).toThrow(/private key/);
    expect(() => respondToRequest(pki.tsa, request, GEN_TIME, 0n)).toThrow(RangeError);
    expect(() => respondToRequest(pki.tsa, request, GEN_TIME, 2n ** 160n)).toThrow(RangeError);
    expect(() => respondToRequest(pki.tsa, request, new Date(NaN), 1n)).toThrow(RangeError);
    expect(() => respondToRequest(pki.tsa, request, GEN_TIME, 1n, 'x.y')).toThrow(RangeError);
  });

  it('answers a negative nonce with badRequest', () => {
    const negative = der(seq(integer(1n), imprint, forge.asn1.create(0, 2, false, '\xff')));
    expect(failInfo(respondToRequest(pki.tsa, negative, GEN_TIME, 1n))).toThrow(/badRequest/);
  });

  it('reads a response that is not a TimeStampResp as an error', () => {
    expect(() => tokenFromResponse(Buffer.from('junk'))).toThrow(/not a TimeStampResp/);
  });
});

function issueOtherTsa() {
  return issueCertificate(
    pki.otherRoot,
    { commonName: 'LoanFlow Development Timestamp Authority', organization: 'LoanFlow' },
    'timestamping',
    LATER,
  );
}
