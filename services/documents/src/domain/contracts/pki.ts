/**
 * A development certificate authority for contract e-signatures and the project's own timestamp
 * authority, and the certificate checks the verifiers share.
 *
 * For development and tests only: a production deployment signs with certificates from a
 * licensed electronic certification service (电子认证服务机构, 《电子签名法》 第十三条 and
 * 第十六条) and checks revocation, which nothing here does.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  Asn1Error,
  OID,
  der,
  explicitValue,
  isContext,
  isType,
  nameAttribute,
  parse,
  readBits,
  readBoolean,
  readInteger,
  readOctets,
  readOid,
  readTime,
  sequence,
} from './asn1';

export interface Credentials {
  certificatePem: string;
  /** PKCS #8 PEM. */
  privateKeyPem: string;
}

export interface CertificateSubject {
  commonName: string;
  organization?: string;
  /** X.520 serialNumber, e.g. an employee number or a masked identity number. */
  serialNumber?: string;
}

export type CertificateUsage = 'signing' | 'timestamping';

const DAY_MS = 86_400_000;
export const DEFAULT_CA_VALID_DAYS = 3650;
export const DEFAULT_VALID_DAYS = 365;

// forge's typings call the value's ASN.1 type a "class"; UTF8String lets names be Chinese.
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
// X.520 PrintableString.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]+$/;

function checkDate(d: Date, what: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new RangeError(`${what}: invalid date`);
}

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days <= 0) {
    throw new RangeError(`validDays must be a positive integer, got ${days}`);
  }
}

function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim()) {
    throw new RangeError(`${what} must be a non-empty string without surrounding spaces`);
  }
  // ub-common-name and ub-organization-name (RFC 5280 appendix A.1), counted in characters.
  if ([...value].length > 64) throw new RangeError(`${what} is longer than 64 characters`);
  return value;
}

function subjectFields(subject: CertificateSubject): forge.pki.CertificateField[] {
  const fields: forge.pki.CertificateField[] = [
    {
      name: 'commonName',
      value: checkName(subject.commonName, 'commonName'),
      valueTagClass: UTF8,
    },
  ];
  if (subject.organization !== undefined) {
    fields.push({
      name: 'organizationName',
      value: checkName(subject.organization, 'organization'),
      valueTagClass: UTF8,
    });
  }
  if (subject.serialNumber !== undefined) {
    const serial = subject.serialNumber;
    if (!PRINTABLE.test(serial) || serial.length > 64) {
      throw new RangeError('serialNumber must be 1 to 64 PrintableString characters');
    }
    fields.push({ name: 'serialNumber', value: serial });
  }
  return fields;
}

function newKeyPair(): { key: forge.pki.rsa.PrivateKey; pem: string } {
  // Node's native key generation: forge's pure-JS RSA takes seconds per key.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { key: forge.pki.privateKeyFromPem(privateKey), pem: privateKey };
}

/** 16 random bytes, positive and minimally encoded (RFC 5280 §4.1.2.2 allows up to 20). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = 0x40 | (b[0] & 0x3f);
  return b.toString('hex');
}

const keyUsageExtension = (bits: Record<string, boolean>) => ({
  name: 'keyUsage',
  critical: true,
  ...bits,
});

/**
 * A self-signed RSA 2048 root: basicConstraints cA (critical), keyUsage keyCertSign and cRLSign
 * (critical), SHA-256 signature, valid from `now` (to the second) for `validDays`.
 */
export function createCertificateAuthority(
  name: string,
  now: Date,
  validDays = DEFAULT_CA_VALID_DAYS,
): Credentials {
  checkDate(now, 'now');
  checkDays(validDays);
  const { key, pem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + validDays * DAY_MS);
  const fields = subjectFields({ commonName: name });
  cert.setSubject(fields);
  cert.setIssuer(fields);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    keyUsageExtension({ keyCertSign: true, cRLSign: true }),
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: pem };
}

function samePublicKey(certificate: X509Certificate, privateKeyPem: string): boolean {
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' });
  return spki(certificate.publicKey).equals(spki(createPublicKey(privateKeyPem)));
}

/** Throws unless the private key belongs to the certificate. */
export function checkKeyPair(credentials: Credentials, what: string): X509Certificate {
  const certificate = new X509Certificate(credentials.certificatePem);
  if (!samePublicKey(certificate, credentials.privateKeyPem)) {
    throw new Error(`${what}: the private key does not belong to the certificate`);
  }
  return certificate;
}

/**
 * An end-entity certificate issued by `ca`. For `signing`: keyUsage digitalSignature and
 * nonRepudiation (critical). For `timestamping`: keyUsage digitalSignature and nonRepudiation, and
 * extendedKeyUsage id-kp-timeStamping only, critical, as RFC 3161 §2.3 requires of a TSA. Valid
 * from `now` (to the second) for `validDays`, cut short where that would outlive the CA. Throws
 * when `ca` is not a CA, its key is not its certificate's, or it is not valid at `now`.
 */
export function issueCertificate(
  ca: Credentials,
  subject: CertificateSubject,
  usage: CertificateUsage,
  now: Date,
  validDays = DEFAULT_VALID_DAYS,
): Credentials {
  checkDate(now, 'now');
  checkDays(validDays);
  if (usage !== 'signing' && usage !== 'timestamping') {
    throw new RangeError(`unknown certificate usage: ${String(usage)}`);
  }
  checkKeyPair(ca, 'CA');
  const caInfo = inspectCertificate(ca.certificatePem);
  if (!caInfo.isCA || (caInfo.keyUsage !== null && !caInfo.keyUsage.has('keyCertSign'))) {
    throw new Error('the issuing certificate is not a certificate authority');
  }
  // Certificates keep whole seconds.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (notBefore < caInfo.notBefore || notBefore >= caInfo.notAfter) {
    throw new RangeError('the CA is not valid at the time of issue');
  }
  // Never beyond the CA's own expiry, which would leave the certificate unusable at its end.
  const requested = new Date(notBefore.getTime() + validDays * DAY_MS);
  const notAfter = requested > caInfo.notAfter ? caInfo.notAfter : requested;

  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const caKey = forge.pki.privateKeyFromPem(ca.privateKeyPem);
  const { key, pem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subjectFields(subject));
  // forge keeps parsed UTF8String values as raw bytes but encodes them again on output.
  cert.setIssuer(
    caCert.subject.attributes.map((a) =>
      a.valueTagClass === UTF8 && typeof a.value === 'string'
        ? { ...a, value: forge.util.decodeUtf8(a.value) }
        : a,
    ),
  );
  const caKeyId = caCert.getExtension('subjectKeyIdentifier') as
    { subjectKeyIdentifier?: string } | undefined;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    keyUsageExtension({ digitalSignature: true, nonRepudiation: true }),
    ...(usage === 'timestamping'
      ? [{ name: 'extKeyUsage', timeStamping: true, critical: true }]
      : []),
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caKeyId?.subjectKeyIdentifier
        ? forge.util.hexToBytes(caKeyId.subjectKeyIdentifier)
        : caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  if (!inspectCertificate(certificatePem).issuer.equals(caInfo.subject)) {
    throw new Error('issued certificate does not name its CA exactly');
  }
  return { certificatePem, privateKeyPem: pem };
}

// ---------------------------------------------------------------------------------------------
// Inspection and path validation

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface CertificateInfo {
  der: Buffer;
  x509: X509Certificate;
  serialNumber: bigint;
  /** DER of the issuer and subject Names, compared byte for byte. */
  issuer: Buffer;
  subject: Buffer;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** Null when the certificate has no keyUsage extension. */
  keyUsage: ReadonlySet<KeyUsage> | null;
  extendedKeyUsage: { purposes: string[]; critical: boolean } | null;
  /** Critical extensions this code does not understand; such a certificate must not be used. */
  unknownCritical: string[];
}

const HANDLED_EXTENSIONS = new Set<string>([OID.basicConstraints, OID.keyUsage, OID.extKeyUsage]);

/** Parses a certificate from PEM or DER; throws `Asn1Error` (or Node's error) when it is not one. */
export function inspectCertificate(input: string | Buffer): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(input);
  } catch (e) {
    throw new Asn1Error(`certificate: ${(e as Error).message}`);
  }
  const what = 'certificate';
  const [tbs] = sequence(parse(x509.raw, what), what);
  const fields = sequence(tbs, 'tbsCertificate');
  let i = isContext(fields[0], 0) ? 1 : 0;
  const serialNumber = readInteger(fields[i++], 'serialNumber');
  i++; // signature algorithm, repeated (and checked) by the certificate's own signature
  const issuer = fields[i++];
  const [notBefore, notAfter] = sequence(fields[i++], 'validity').map((t) =>
    readTime(t, 'validity'),
  );
  const subject = fields[i++];
  i++; // subjectPublicKeyInfo
  while (isContext(fields[i], 1) || isContext(fields[i], 2)) i++;

  let isCA = false;
  let keyUsage: Set<KeyUsage> | null = null;
  let extendedKeyUsage: CertificateInfo['extendedKeyUsage'] = null;
  const unknownCritical: string[] = [];
  if (isContext(fields[i], 3)) {
    for (const ext of sequence(explicitValue(fields[i], 3, 'extensions'), 'extensions')) {
      const parts = sequence(ext, 'extension');
      const id = readOid(parts[0], 'extension');
      const critical = isType(parts[1], forge.asn1.Type.BOOLEAN)
        ? readBoolean(parts[1], 'critical')
        : false;
      const value = parse(readOctets(parts[parts.length - 1], 'extnValue'), id);
      if (!HANDLED_EXTENSIONS.has(id)) {
        if (critical) unknownCritical.push(id);
      } else if (id === OID.basicConstraints) {
        const bc = sequence(value, 'basicConstraints');
        isCA = bc.length > 0 && isType(bc[0], forge.asn1.Type.BOOLEAN) && readBoolean(bc[0], 'cA');
      } else if (id === OID.keyUsage) {
        const bits = readBits(value, 'keyUsage');
        keyUsage = new Set(KEY_USAGE_BITS.filter((_, bit) => bits[bit] === true));
      } else {
        const purposes = sequence(value, 'extKeyUsage').map((p) => readOid(p, 'extKeyUsage'));
        extendedKeyUsage = { purposes, critical };
      }
    }
  }
  return {
    der: x509.raw,
    x509,
    serialNumber,
    issuer: der(issuer),
    subject: der(subject),
    commonName: nameAttribute(subject, OID.commonName, 'subject') ?? '',
    notBefore,
    notAfter,
    isCA,
    keyUsage,
    extendedKeyUsage,
    unknownCritical,
  };
}

export type CheckResult = { ok: true } | { ok: false; reason: string };

const fail = (reason: string): CheckResult => ({ ok: false, reason });

function label(c: CertificateInfo): string {
  return `certificate "${c.commonName}" (serial ${c.serialNumber.toString(16).toUpperCase()})`;
}

function usageProblem(c: CertificateInfo, usage: CertificateUsage): string | undefined {
  const signs =
    c.keyUsage === null || c.keyUsage.has('digitalSignature') || c.keyUsage.has('nonRepudiation');
  if (!signs) return `${label(c)} does not allow digital signatures`;
  const eku = c.extendedKeyUsage;
  if (usage === 'timestamping') {
    // RFC 3161 §2.3: exactly one purpose, id-kp-timeStamping, in a critical extension.
    if (
      !eku ||
      !eku.critical ||
      eku.purposes.length !== 1 ||
      eku.purposes[0] !== OID.timeStamping
    ) {
      return `${label(c)} is not a timestamping certificate (critical extendedKeyUsage id-kp-timeStamping)`;
    }
    return undefined;
  }
  if (c.isCA) return `${label(c)} is a CA certificate, not a signer's`;
  if (eku?.purposes.includes(OID.timeStamping)) {
    return `${label(c)} is a timestamping certificate, not a signer's`;
  }
  return undefined;
}

function validityProblem(c: CertificateInfo, at: Date): string | undefined {
  if (at < c.notBefore) return `${label(c)} is not valid until ${c.notBefore.toISOString()}`;
  if (at > c.notAfter) return `${label(c)} expired at ${c.notAfter.toISOString()}`;
  if (c.unknownCritical.length > 0) {
    return `${label(c)} has unsupported critical extensions ${c.unknownCritical.join(', ')}`;
  }
  return undefined;
}

function signedBy(child: CertificateInfo, issuer: CertificateInfo): boolean {
  return (
    child.issuer.equals(issuer.subject) &&
    // Node's checkIssued asks whether `child` was issued by its argument (names, key identifiers).
    child.x509.checkIssued(issuer.x509) &&
    child.x509.verify(issuer.x509.publicKey)
  );
}

const canIssue = (c: CertificateInfo) =>
  c.isCA && (c.keyUsage === null || c.keyUsage.has('keyCertSign'));

const MAX_CHAIN = 5;

/**
 * Checks that `leaf` serves `usage` and chains to the trusted root through `intermediates` (the
 * other certificates a signature carries), every certificate on the way valid at `at`: the time a
 * signature or timestamp was made, not the time it is checked. Revocation is not checked.
 */
export function verifyCertificateChain(
  leaf: CertificateInfo,
  intermediates: readonly CertificateInfo[],
  trustedRootPem: string,
  at: Date,
  usage: CertificateUsage,
): CheckResult {
  let root: CertificateInfo;
  try {
    root = inspectCertificate(trustedRootPem);
  } catch (e) {
    return fail(`trusted root: ${(e as Error).message}`);
  }
  if (!signedBy(root, root) || !canIssue(root)) {
    return fail('the trusted root is not a self-signed CA certificate');
  }
  const usageIssue = usageProblem(leaf, usage);
  if (usageIssue) return fail(usageIssue);

  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const problem = validityProblem(current, at);
    if (problem) return fail(problem);
    if (signedBy(current, root)) {
      const rootProblem = validityProblem(root, at);
      return rootProblem ? fail(`trusted root: ${rootProblem}`) : { ok: true };
    }
    const next = intermediates.find((c) => c !== current && canIssue(c) && signedBy(current, c));
    if (!next) return fail(`${label(current)} does not chain to the trusted root`);
    current = next;
  }
  return fail('certificate chain is too long');
}
