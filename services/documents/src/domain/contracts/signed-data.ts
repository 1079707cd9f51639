/**
 * CMS SignedData (RFC 5652) with one RSA signer and SHA-256, as both the document signatures and
 * the timestamp tokens use it: building one, parsing one, and checking a SignerInfo.
 */
import { createHash, sign, timingSafeEqual, verify } from 'node:crypto';
import forge from 'node-forge';
import {
  Asn1Error,
  OID,
  algorithm,
  asUniversalSet,
  context,
  der,
  explicit,
  explicitValue,
  implicitSetOf,
  integer,
  isContext,
  isType,
  octets,
  oid,
  parse,
  readInteger,
  readOctets,
  readOid,
  seq,
  sequence,
  set,
  setOf,
  type Asn1,
} from './asn1';
import { checkKeyPair, inspectCertificate, type CertificateInfo, type Credentials } from './pki';

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** Constant-time equality that is false, not an exception, for different lengths. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A reason a signature or token does not verify; the verifiers return it rather than throw. */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

export const attribute = (type: string, value: Asn1): Asn1 => seq(oid(type), setOf([value]));

/** `[4] Name` as a GeneralName, inside GeneralNames. */
const directoryName = (name: Buffer): Asn1 => explicit(4, parse(name, 'name'));

/**
 * ESS signing-certificate-v2 (RFC 5035): binds the signature to the signer's certificate by hash,
 * so that another certificate for the same key cannot be substituted. SHA-256 is the default hash
 * algorithm and so, in DER, is left out.
 */
export function signingCertificateV2(cert: CertificateInfo): Asn1 {
  const issuerSerial = seq(seq(directoryName(cert.issuer)), integer(cert.serialNumber));
  const essCertIdV2 = seq(octets(sha256(cert.der)), issuerSerial);
  return attribute(OID.signingCertificateV2, seq(seq(essCertIdV2)));
}

export interface SignedDataInput {
  eContentType: string;
  /** Absent for a detached signature. */
  eContent?: Buffer;
  /** SHA-256 of the content, signed through the messageDigest attribute. */
  contentDigest: Buffer;
  signer: Credentials;
  /** Attributes besides contentType and messageDigest, which are added here. */
  extraSignedAttributes: Asn1[];
  includeCertificate: boolean;
}

/** A DER ContentInfo holding SignedData with a single signer. */
export function buildSignedData(input: SignedDataInput): Buffer {
  checkKeyPair(input.signer, 'signer');
  const cert = inspectCertificate(input.signer.certificatePem);
  const signedAttributes = [
    attribute(OID.contentType, oid(input.eContentType)),
    attribute(OID.messageDigest, octets(input.contentDigest)),
    ...input.extraSignedAttributes,
  ];
  const signature = sign('sha256', der(setOf(signedAttributes)), input.signer.privateKeyPem);
  const signerInfo = seq(
    integer(1n),
    seq(parse(cert.issuer, 'issuer'), integer(cert.serialNumber)),
    algorithm(OID.sha256),
    implicitSetOf(0, signedAttributes),
    algorithm(OID.rsaEncryption, true),
    octets(signature),
  );
  const encapsulated = seq(
    oid(input.eContentType),
    ...(input.eContent ? [explicit(0, octets(input.eContent))] : []),
  );
  const signedData = seq(
    // RFC 5652 §5.1: version 3 when the encapsulated content is not id-data.
    integer(input.eContentType === OID.data ? 1n : 3n),
    setOf([algorithm(OID.sha256)]),
    encapsulated,
    ...(input.includeCertificate ? [implicitSetOf(0, [parse(cert.der, 'certificate')])] : []),
    setOf([signerInfo]),
  );
  return der(seq(oid(OID.signedData), explicit(0, signedData)));
}

export interface ParsedSignerInfo {
  issuer: Buffer;
  serialNumber: bigint;
  digestAlgorithm: string;
  /** Attribute type → its values. */
  signedAttributes: Map<string, Asn1[]> | null;
  /** The signed attributes as the universal SET OF the signature covers. */
  signedAttributesDer: Buffer | null;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface ParsedSignedData {
  eContentType: string;
  eContent: Buffer | undefined;
  certificates: CertificateInfo[];
  signerInfos: ParsedSignerInfo[];
}

function parseAttributes(node: Asn1): Map<string, Asn1[]> {
  const attributes = new Map<string, Asn1[]>();
  for (const attr of context(node, 0, 'signedAttrs')) {
    const [type, values] = sequence(attr, 'attribute');
    const id = readOid(type, 'attribute type');
    if (attributes.has(id)) throw new Asn1Error(`signed attribute ${id} appears more than once`);
    attributes.set(id, set(values, `attribute ${id}`));
  }
  return attributes;
}

function parseSignerInfo(node: Asn1): ParsedSignerInfo {
  const fields = sequence(node, 'SignerInfo');
  const version = readInteger(fields[0], 'SignerInfo version');
  if (version !== 1n || !isType(fields[1], forge.asn1.Type.SEQUENCE)) {
    throw new VerificationError(
      'only signers identified by issuer and serial number are supported',
    );
  }
  const [issuer, serial] = sequence(fields[1], 'IssuerAndSerialNumber');
  let i = 2;
  const digestAlgorithm = readOid(sequence(fields[i++], 'digestAlgorithm')[0], 'digestAlgorithm');
  let signedAttributes: Map<string, Asn1[]> | null = null;
  let signedAttributesDer: Buffer | null = null;
  if (isContext(fields[i], 0)) {
    signedAttributes = parseAttributes(fields[i]);
    signedAttributesDer = der(asUniversalSet(fields[i], 'signedAttrs'));
    i++;
  }
  const signatureAlgorithm = readOid(
    sequence(fields[i++], 'signatureAlgorithm')[0],
    'signatureAlgorithm',
  );
  const signature = readOctets(fields[i++], 'signature');
  return {
    issuer: der(issuer),
    serialNumber: readInteger(serial, 'serialNumber'),
    digestAlgorithm,
    signedAttributes,
    signedAttributesDer,
    signatureAlgorithm,
    signature,
  };
}

/** Parses a DER ContentInfo holding SignedData; throws `Asn1Error` or `VerificationError`. */
export function parseSignedData(input: Buffer, what: string): ParsedSignedData {
  const [contentType, content] = sequence(parse(input, what), what);
  if (readOid(contentType, `${what} contentType`) !== OID.signedData) {
    throw new VerificationError(`${what} is not CMS SignedData`);
  }
  const fields = sequence(explicitValue(content, 0, what), 'SignedData');
  const version = readInteger(fields[0], 'SignedData version');
  if (version < 1n || version > 5n) throw new Asn1Error(`SignedData version ${version}`);
  set(fields[1], 'digestAlgorithms');
  const encapsulated = sequence(fields[2], 'encapContentInfo');
  const eContentType = readOid(encapsulated[0], 'eContentType');
  const eContent =
    encapsulated.length > 1
      ? readOctets(explicitValue(encapsulated[1], 0, 'eContent'), 'eContent')
      : undefined;
  let i = 3;
  const certificates: CertificateInfo[] = [];
  if (isContext(fields[i], 0)) {
    for (const choice of context(fields[i], 0, 'certificates')) {
      // Other CertificateChoices (attribute certificates and the like) play no part here.
      if (isType(choice, forge.asn1.Type.SEQUENCE))
        certificates.push(inspectCertificate(der(choice)));
    }
    i++;
  }
  if (isContext(fields[i], 1)) i++; // revocation information is not used
  const signerInfos = set(fields[i++], 'signerInfos').map(parseSignerInfo);
  if (i !== fields.length) throw new Asn1Error('SignedData: unexpected trailing fields');
  return { eContentType, eContent, certificates, signerInfos };
}

function single(attrs: Map<string, Asn1[]>, type: string, name: string): Asn1 | undefined {
  const values = attrs.get(type);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new VerificationError(`the ${name} attribute must have one value`);
  return values[0];
}

/** The one value of a required signed attribute. */
export function requiredAttribute(si: ParsedSignerInfo, type: string, name: string): Asn1 {
  const value = si.signedAttributes ? single(si.signedAttributes, type, name) : undefined;
  if (value === undefined) throw new VerificationError(`the ${name} signed attribute is missing`);
  return value;
}

const CERT_HASHES = new Map<string, string>([
  [OID.sha256, 'sha256'],
  [OID.sha1, 'sha1'],
]);

/** Checks an ESS signing-certificate (SHA-1) or signing-certificate-v2 attribute's first entry. */
function checkEssCertId(si: ParsedSignerInfo, cert: CertificateInfo, required: boolean): void {
  const attrs = si.signedAttributes!;
  const v2 = single(attrs, OID.signingCertificateV2, 'signing-certificate-v2');
  const v1 = v2 ? undefined : single(attrs, OID.signingCertificate, 'signing-certificate');
  const value = v2 ?? v1;
  if (!value) {
    if (required) throw new VerificationError('the signing-certificate attribute is missing');
    return;
  }
  const [certs] = sequence(value, 'SigningCertificate');
  const [first] = sequence(certs, 'certs');
  const parts = sequence(first, 'ESSCertID');
  let i = 0;
  let hashAlgorithm: string = v2 ? OID.sha256 : OID.sha1;
  if (v2 && isType(parts[0], forge.asn1.Type.SEQUENCE)) {
    hashAlgorithm = readOid(sequence(parts[i++], 'hashAlgorithm')[0], 'hashAlgorithm');
  }
  const certHash = readOctets(parts[i++], 'certHash');
  const hashName = CERT_HASHES.get(hashAlgorithm);
  if (!hashName) throw new VerificationError(`unsupported certificate hash ${hashAlgorithm}`);
  if (!sameBytes(createHash(hashName).update(cert.der).digest(), certHash)) {
    throw new VerificationError('the signing-certificate attribute names another certificate');
  }
  if (parts[i]) {
    const [generalNames, serial] = sequence(parts[i], 'IssuerSerial');
    const names = sequence(generalNames, 'GeneralNames');
    const issuerMatches = names.some(
      (n) => isContext(n, 4) && der(explicitValue(n, 4, 'directoryName')).equals(cert.issuer),
    );
    if (!issuerMatches || readInteger(serial, 'serialNumber') !== cert.serialNumber) {
      throw new VerificationError('the signing-certificate attribute names another certificate');
    }
  }
}

const RSA_SIGNATURES = new Set<string>([OID.rsaEncryption, OID.sha256WithRSAEncryption]);

/**
 * Checks one SignerInfo: SHA-256, the contentType and messageDigest attributes, the ESS
 * signing-certificate binding and the RSA signature over the DER of the signed attributes.
 * Returns the signer's certificate; the caller checks its chain. Throws `VerificationError`.
 */
export function checkSignerInfo(
  si: ParsedSignerInfo,
  certificates: readonly CertificateInfo[],
  expected: { contentType: string; contentDigest: Buffer; requireSigningCertificate: boolean },
): CertificateInfo {
  const cert = certificates.find(
    (c) => c.issuer.equals(si.issuer) && c.serialNumber === si.serialNumber,
  );
  if (!cert) throw new VerificationError("the signer's certificate is not included");
  if (si.digestAlgorithm !== OID.sha256) {
    throw new VerificationError(`unsupported digest algorithm ${si.digestAlgorithm}`);
  }
  if (!si.signedAttributes || !si.signedAttributesDer) {
    throw new VerificationError('signed attributes are missing');
  }
  const contentType = readOid(requiredAttribute(si, OID.contentType, 'contentType'), 'contentType');
  if (contentType !== expected.contentType) {
    throw new VerificationError(
      `signed contentType is ${contentType}, not ${expected.contentType}`,
    );
  }
  const digest = readOctets(
    requiredAttribute(si, OID.messageDigest, 'messageDigest'),
    'messageDigest',
  );
  if (!sameBytes(digest, expected.contentDigest)) {
    throw new VerificationError('message digest mismatch: the content is not what was signed');
  }
  checkEssCertId(si, cert, expected.requireSigningCertificate);
  if (!RSA_SIGNATURES.has(si.signatureAlgorithm)) {
    throw new VerificationError(`unsupported signature algorithm ${si.signatureAlgorithm}`);
  }
  let valid = false;
  try {
    valid = verify('sha256', si.signedAttributesDer, cert.x509.publicKey, si.signature);
  } catch {
    valid = false;
  }
  if (!valid)
    throw new VerificationError('the signature does not verify with the signer certificate');
  return cert;
}

/**
 * Turns an exception into a failure reason. Verifiers fail closed and never throw on hostile
 * input; anything not anticipated is reported as malformed input too.
 */
export function failureReason(e: unknown): string {
  if (e instanceof VerificationError || e instanceof Asn1Error) return e.message;
  return `malformed input: ${e instanceof Error ? e.message : String(e)}`;
}
