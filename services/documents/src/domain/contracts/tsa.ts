/**
 * An RFC 3161 time-stamp authority run with the project's own key, and the verification of its
 * tokens. A token is CMS SignedData over a TSTInfo (id-ct-TSTInfo) with the signed attributes
 * contentType, messageDigest and ESS signing-certificate-v2 (RFC 5816).
 */
import forge from 'node-forge';
import {
  Asn1Error,
  OID,
  algorithm,
  boolean,
  der,
  explicit,
  explicitValue,
  generalizedTime,
  integer,
  isContext,
  isType,
  namedBits,
  octets,
  oid,
  parse,
  readBits,
  readBoolean,
  readInteger,
  readOctets,
  readOid,
  readString,
  readTime,
  seq,
  sequence,
  utf8String,
  type Asn1,
} from './asn1';
import { checkKeyPair, inspectCertificate, verifyCertificateChain, type Credentials } from './pki';
import {
  VerificationError,
  buildSignedData,
  checkSignerInfo,
  failureReason,
  parseSignedData,
  sameBytes,
  sha256,
  signingCertificateV2,
} from './signed-data';

const T = forge.asn1.Type;

/**
 * The policy under which the development TSA issues tokens. It sits under the ITU-T X.660
 * "example" arc (2.999), which is never assigned to anyone; a production TSA uses the policy OID
 * of its operator.
 */
export const DEFAULT_TSA_POLICY_OID = '2.999.3161.1';

const SHA256_LENGTH = 32;
// RFC 3161 §2.4.2: up to 160 bits.
const MAX_SERIAL = (1n << 160n) - 1n;

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const FAILURE = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;
type Failure = keyof typeof FAILURE;

const STATUS = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning'];

const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/;

const sha256Imprint = (digest: Buffer): Asn1 => seq(algorithm(OID.sha256), octets(digest));

function checkDigest(digest: Buffer): void {
  if (!Buffer.isBuffer(digest) || digest.length !== SHA256_LENGTH) {
    throw new RangeError('digest must be a 32-byte SHA-256 value');
  }
}

/**
 * A DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 digest, with the nonce and certReq true so
 * that the token carries the TSA certificate.
 */
export function timestampRequest(digest: Buffer, nonce: bigint): Buffer {
  checkDigest(digest);
  if (typeof nonce !== 'bigint' || nonce < 0n)
    throw new RangeError('nonce must be a non-negative bigint');
  return der(seq(integer(1n), sha256Imprint(digest), integer(nonce), boolean(true)));
}

interface ParsedRequest {
  messageImprint: Asn1;
  nonce: bigint | undefined;
  certReq: boolean;
}

class Rejection extends Error {
  constructor(
    readonly failure: Failure,
    message: string,
  ) {
    super(message);
  }
}

function algorithmOid(node: Asn1 | undefined, what: string): string {
  const [id, params, ...rest] = sequence(node, what);
  if (rest.length > 0 || (params !== undefined && !isType(params, T.NULL))) {
    throw new Asn1Error(`${what}: unexpected parameters`);
  }
  return readOid(id, what);
}

function parseRequest(requestDer: Buffer, policyOid: string): ParsedRequest {
  let fields: Asn1[];
  try {
    fields = sequence(parse(requestDer, 'TimeStampReq'), 'TimeStampReq');
  } catch (e) {
    throw new Rejection('badDataFormat', failureReason(e));
  }
  try {
    if (readInteger(fields[0], 'version') !== 1n) {
      throw new Rejection('badRequest', 'unsupported TimeStampReq version');
    }
    const [hashAlgorithm, hashedMessage] = sequence(fields[1], 'messageImprint');
    if (algorithmOid(hashAlgorithm, 'hashAlgorithm') !== OID.sha256) {
      throw new Rejection('badAlg', 'only SHA-256 message imprints are accepted');
    }
    if (readOctets(hashedMessage, 'hashedMessage').length !== SHA256_LENGTH) {
      throw new Rejection('badDataFormat', 'the message imprint is not a SHA-256 digest');
    }
    let i = 2;
    if (isType(fields[i], T.OID)) {
      if (readOid(fields[i++], 'reqPolicy') !== policyOid) {
        throw new Rejection('unacceptedPolicy', 'the requested policy is not offered');
      }
    }
    const nonce = isType(fields[i], T.INTEGER) ? readInteger(fields[i++], 'nonce') : undefined;
    if (nonce !== undefined && nonce < 0n) throw new Rejection('badRequest', 'negative nonce');
    const certReq = isType(fields[i], T.BOOLEAN) ? readBoolean(fields[i++], 'certReq') : false;
    if (isContext(fields[i], 0)) {
      throw new Rejection('unacceptedExtension', 'request extensions are not supported');
    }
    if (i !== fields.length) throw new Asn1Error('TimeStampReq: unexpected fields');
    return { messageImprint: fields[1], nonce, certReq };
  } catch (e) {
    if (e instanceof Rejection) throw e;
    throw new Rejection('badDataFormat', failureReason(e));
  }
}

function rejection(failure: Failure, text: string): Buffer {
  const status = seq(integer(2n), seq(utf8String(text)), namedBits([FAILURE[failure]]));
  return der(seq(status));
}

/**
 * Answers a DER TimeStampReq with a DER TimeStampResp: status granted and a token signed with the
 * TSA's key at `genTime`, or status rejection with the PKIFailureInfo for a request it cannot
 * serve (malformed, not SHA-256, another policy, extensions). The serial number must be unique
 * per token and is the caller's to allocate. Throws only for a misconfigured TSA or bad arguments.
 */
export function respondToRequest(
  tsa: Credentials,
  requestDer: Buffer,
  genTime: Date,
  serialNumber: bigint,
  policyOid: string = DEFAULT_TSA_POLICY_OID,
): Buffer {
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) {
    throw new RangeError('genTime: invalid date');
  }
  if (typeof serialNumber !== 'bigint' || serialNumber <= 0n || serialNumber > MAX_SERIAL) {
    throw new RangeError('serialNumber must be a positive bigint of at most 160 bits');
  }
  if (!OID_PATTERN.test(policyOid)) throw new RangeError(`not an OID: ${policyOid}`);
  checkKeyPair(tsa, 'TSA');
  const cert = inspectCertificate(tsa.certificatePem);

  let request: ParsedRequest;
  try {
    request = parseRequest(requestDer, policyOid);
  } catch (e) {
    if (e instanceof Rejection) return rejection(e.failure, e.message);
    throw e;
  }
  const tstInfo = der(
    seq(
      integer(1n),
      oid(policyOid),
      request.messageImprint, // RFC 3161 §2.4.2: the same value as in the request
      integer(serialNumber),
      generalizedTime(genTime),
      ...(request.nonce === undefined ? [] : [integer(request.nonce)]),
      explicit(0, explicit(4, parse(cert.subject, 'TSA name'))),
    ),
  );
  const token = buildSignedData({
    eContentType: OID.tstInfo,
    eContent: tstInfo,
    contentDigest: sha256(tstInfo),
    signer: tsa,
    extraSignedAttributes: [signingCertificateV2(cert)],
    // RFC 3161 §2.4.1: the certificate is included exactly when the request asks for it.
    includeCertificate: request.certReq,
  });
  return der(seq(seq(integer(0n)), parse(token, 'token')));
}

const failureNames = (bits: boolean[]): string[] =>
  Object.entries(FAILURE)
    .filter(([, bit]) => bits[bit])
    .map(([name]) => name);

/** The TimeStampToken of a granted DER TimeStampResp; throws with the TSA's reasons otherwise. */
export function tokenFromResponse(respDer: Buffer): Buffer {
  let fields: Asn1[];
  let status: bigint;
  let details: string[] = [];
  try {
    fields = sequence(parse(respDer, 'TimeStampResp'), 'TimeStampResp');
    const info = sequence(fields[0], 'PKIStatusInfo');
    status = readInteger(info[0], 'status');
    for (const part of info.slice(1)) {
      if (isType(part, T.SEQUENCE)) {
        details.push(...sequence(part, 'statusString').map((s) => readString(s, 'statusString')));
      } else {
        details.push(...failureNames(readBits(part, 'failInfo')));
      }
    }
  } catch (e) {
    throw new Error(`not a TimeStampResp: ${failureReason(e)}`, { cause: e });
  }
  if (status !== 0n && status !== 1n) {
    const name = STATUS[Number(status)] ?? `status ${status}`;
    details = details.length > 0 ? details : ['no reason given'];
    throw new Error(`the TSA did not grant the timestamp (${name}): ${details.join('; ')}`);
  }
  if (fields.length !== 2) throw new Error('the TSA granted the timestamp but sent no token');
  return der(fields[1]);
}

interface TstInfo {
  policy: string;
  hashAlgorithm: string;
  hashedMessage: Buffer;
  serialNumber: bigint;
  genTime: Date;
  nonce: bigint | undefined;
  tsaName: Buffer | undefined;
}

function parseTstInfo(input: Buffer): TstInfo {
  const fields = sequence(parse(input, 'TSTInfo'), 'TSTInfo');
  if (readInteger(fields[0], 'TSTInfo version') !== 1n) {
    throw new VerificationError('unsupported TSTInfo version');
  }
  const policy = readOid(fields[1], 'policy');
  const [hashAlgorithm, hashedMessage] = sequence(fields[2], 'messageImprint');
  const serialNumber = readInteger(fields[3], 'serialNumber');
  const genTime = readTime(fields[4], 'genTime');
  if (!isType(fields[4], T.GENERALIZEDTIME)) throw new Asn1Error('genTime: not a GeneralizedTime');
  let i = 5;
  if (isType(fields[i], T.SEQUENCE)) i++; // accuracy
  if (isType(fields[i], T.BOOLEAN)) i++; // ordering
  const nonce = isType(fields[i], T.INTEGER) ? readInteger(fields[i++], 'nonce') : undefined;
  let tsaName: Buffer | undefined;
  if (isContext(fields[i], 0)) {
    const generalName = explicitValue(fields[i++], 0, 'tsa');
    if (isContext(generalName, 4)) tsaName = der(explicitValue(generalName, 4, 'tsa'));
  }
  if (isContext(fields[i], 1)) {
    throw new VerificationError('TSTInfo extensions are not supported');
  }
  if (i !== fields.length) throw new Asn1Error('TSTInfo: unexpected fields');
  return {
    policy,
    hashAlgorithm: algorithmOid(hashAlgorithm, 'hashAlgorithm'),
    hashedMessage: readOctets(hashedMessage, 'hashedMessage'),
    serialNumber,
    genTime,
    nonce,
    tsaName,
  };
}

export type TimestampVerification =
  | { ok: true; genTime: Date; serialNumber: bigint; tsaName: string; policy: string }
  | { ok: false; reason: string };

export interface VerifyTimestampOptions {
  /** The nonce of the request, when checking a fresh response. */
  nonce?: bigint;
}

/**
 * Verifies a DER TimeStampToken for `expectedDigest` (SHA-256): the message imprint, the signed
 * messageDigest against SHA-256 of the encoded TSTInfo, the RSA signature over the DER of the
 * signed attributes, the ESS certificate binding, the TSA certificate's chain to `trustedRootPem`
 * at genTime and its critical id-kp-timeStamping purpose. Never throws on bad input.
 */
export function verifyTimestampToken(
  tokenDer: Buffer,
  expectedDigest: Buffer,
  trustedRootPem: string,
  options: VerifyTimestampOptions = {},
): TimestampVerification {
  try {
    const sd = parseSignedData(tokenDer, 'timestamp token');
    if (sd.eContentType !== OID.tstInfo || sd.eContent === undefined) {
      throw new VerificationError('the token does not encapsulate a TSTInfo');
    }
    const info = parseTstInfo(sd.eContent);
    if (info.hashAlgorithm !== OID.sha256) {
      throw new VerificationError(`unsupported imprint algorithm ${info.hashAlgorithm}`);
    }
    if (!Buffer.isBuffer(expectedDigest) || !sameBytes(info.hashedMessage, expectedDigest)) {
      throw new VerificationError('the token is for another digest (message imprint mismatch)');
    }
    if (options.nonce !== undefined && info.nonce !== options.nonce) {
      throw new VerificationError('the token does not carry the request nonce');
    }
    if (sd.signerInfos.length !== 1) {
      throw new VerificationError(`expected one signer, found ${sd.signerInfos.length}`);
    }
    if (sd.certificates.length === 0) {
      throw new VerificationError('the token does not include the TSA certificate');
    }
    const cert = checkSignerInfo(sd.signerInfos[0], sd.certificates, {
      contentType: OID.tstInfo,
      contentDigest: sha256(sd.eContent),
      requireSigningCertificate: true,
    });
    // RFC 3161 §2.4.2: a tsa name, when present, is one of the certificate's subject names.
    if (info.tsaName && !info.tsaName.equals(cert.subject)) {
      throw new VerificationError("the token's TSA name is not its certificate's subject");
    }
    const others = sd.certificates.filter((c) => c !== cert);
    const chain = verifyCertificateChain(
      cert,
      others,
      trustedRootPem,
      info.genTime,
      'timestamping',
    );
    if (!chain.ok) return chain;
    return {
      ok: true,
      genTime: info.genTime,
      serialNumber: info.serialNumber,
      tsaName: cert.commonName,
      policy: info.policy,
    };
  } catch (e) {
    return { ok: false, reason: failureReason(e) };
  }
}
