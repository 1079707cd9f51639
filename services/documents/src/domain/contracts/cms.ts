/**
 * Detached CMS signatures over a contract's bytes, one per party (RFC 5652 SignedData, SHA-256
 * with RSA): signed attributes contentType, messageDigest, signingTime and ESS
 * signing-certificate-v2 (what CAdES-BES requires), the signer's certificate included.
 */
import { OID, readTime, time } from './asn1';
import { inspectCertificate, verifyCertificateChain, type Credentials } from './pki';
import {
  VerificationError,
  attribute,
  buildSignedData,
  checkSignerInfo,
  failureReason,
  parseSignedData,
  requiredAttribute,
  sha256,
  signingCertificateV2,
  type ParsedSignerInfo,
} from './signed-data';

function checkContent(content: Buffer): void {
  if (!Buffer.isBuffer(content)) throw new TypeError('content must be a Buffer');
}

/**
 * A DER ContentInfo with a detached SignedData over `content`. `signingTime` is the signer's
 * claim, kept to the second (UTCTime); a timestamp over the signature is what proves the time.
 */
export function signDetached(content: Buffer, signer: Credentials, signingTime: Date): Buffer {
  checkContent(content);
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime())) {
    throw new RangeError('signingTime: invalid date');
  }
  const cert = inspectCertificate(signer.certificatePem);
  return buildSignedData({
    eContentType: OID.data,
    contentDigest: sha256(content),
    signer,
    extraSignedAttributes: [
      attribute(OID.signingTime, time(signingTime)),
      signingCertificateV2(cert),
    ],
    includeCertificate: true,
  });
}

function onlySigner(signerInfos: ParsedSignerInfo[]): ParsedSignerInfo {
  if (signerInfos.length !== 1) {
    throw new VerificationError(`expected one signer, found ${signerInfos.length}`);
  }
  return signerInfos[0];
}

export type DetachedVerification =
  | {
      ok: true;
      signerCommonName: string;
      /** The signer certificate's serial number, upper-case hex. */
      signerSerial: string;
      signingTime: Date;
      signatureValue: Buffer;
    }
  | { ok: false; reason: string };

export interface VerifyDetachedOptions {
  /**
   * Another time the certificates must have been valid at, besides the signing time the signer
   * claims: a trusted timestamp's time when there is one.
   */
  at?: Date;
}

/**
 * Verifies a detached signature over exactly `content`: the message digest, the RSA signature
 * over the signed attributes, the ESS certificate binding, and the signer certificate's chain to
 * `trustedRootPem` with a signing key usage. Never throws on bad input.
 */
export function verifyDetached(
  content: Buffer,
  cmsDer: Buffer,
  trustedRootPem: string,
  options: VerifyDetachedOptions = {},
): DetachedVerification {
  try {
    checkContent(content);
    const sd = parseSignedData(cmsDer, 'signature');
    if (sd.eContentType !== OID.data) {
      throw new VerificationError('the signature is not over plain data (id-data)');
    }
    if (sd.eContent !== undefined) throw new VerificationError('the signature is not detached');
    const si = onlySigner(sd.signerInfos);
    const cert = checkSignerInfo(si, sd.certificates, {
      contentType: OID.data,
      contentDigest: sha256(content),
      requireSigningCertificate: false,
    });
    const signingTime = readTime(
      requiredAttribute(si, OID.signingTime, 'signingTime'),
      'signingTime',
    );
    const others = sd.certificates.filter((c) => c !== cert);
    for (const at of options.at ? [signingTime, options.at] : [signingTime]) {
      const chain = verifyCertificateChain(cert, others, trustedRootPem, at, 'signing');
      if (!chain.ok) return chain;
    }
    return {
      ok: true,
      signerCommonName: cert.commonName,
      signerSerial: cert.serialNumber.toString(16).toUpperCase(),
      signingTime,
      signatureValue: si.signature,
    };
  } catch (e) {
    return { ok: false, reason: failureReason(e) };
  }
}

/**
 * What a signature timestamp is over: SHA-256 of the SignerInfo's signature value, as for the
 * CAdES-T signature-time-stamp attribute (ETSI EN 319 122-1 §5.3). Throws on a malformed CMS.
 */
export function signatureTimestampDigest(cmsDer: Buffer): Buffer {
  try {
    return sha256(onlySigner(parseSignedData(cmsDer, 'signature').signerInfos).signature);
  } catch (e) {
    throw new Error(`cannot read the signature: ${failureReason(e)}`, { cause: e });
  }
}
