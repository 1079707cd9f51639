/**
 * The DER plumbing shared by the CMS signatures, the timestamp authority and the certificate
 * checks: node-forge's ASN.1 codec behind Buffer-based builders and readers that say what they
 * expected when the input is not what they were given.
 *
 * Parsing is strict DER (definite lengths, no trailing bytes). Where a signature covers bytes that
 * were parsed (signed attributes, embedded certificates), the verifiers re-encode the parsed value;
 * for DER input that is the same bytes, and for anything else the signature fails rather than
 * being checked over something the signer did not sign.
 */
import forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export type Asn1 = forge.asn1.Asn1;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** Input that is not the structure it claims to be. Verifiers turn it into a failure reason. */
export class Asn1Error extends Error {
  override name = 'Asn1Error';
}

const binary = (b: Buffer): string => b.toString('binary');
const bytes = (s: string): Buffer => Buffer.from(s, 'binary');

// ---------------------------------------------------------------------------------------------
// Building

export function der(node: Asn1): Buffer {
  return bytes(asn1.toDer(node).getBytes());
}

export const seq = (...items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);

/**
 * DER orders the members of a SET OF by their encodings (X.690 §11.6), the shorter one padded
 * with zero octets; a signature over signed attributes depends on it.
 */
export function sortedByEncoding(items: readonly Asn1[]): Asn1[] {
  const encoded = items.map((node) => ({ node, bytes: der(node) }));
  encoded.sort((a, b) => {
    const n = Math.max(a.bytes.length, b.bytes.length);
    for (let i = 0; i < n; i++) {
      const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return encoded.map((e) => e.node);
}

export const setOf = (items: readonly Asn1[]): Asn1 =>
  asn1.create(U, T.SET, true, sortedByEncoding(items));

export const oid = (id: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());

/** A non-negative INTEGER in its minimal two's complement form. */
export function integer(n: bigint): Asn1 {
  if (n < 0n) throw new RangeError('negative INTEGER values are not used here');
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  if (parseInt(hex[0], 16) >= 8) hex = '00' + hex;
  return asn1.create(U, T.INTEGER, false, binary(Buffer.from(hex, 'hex')));
}

export const octets = (b: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, binary(b));

export const boolean = (b: boolean): Asn1 => asn1.create(U, T.BOOLEAN, false, b ? '\xff' : '\x00');

export const nullValue = (): Asn1 => asn1.create(U, T.NULL, false, '');

export const utf8String = (s: string): Asn1 =>
  asn1.create(U, T.UTF8, false, binary(Buffer.from(s, 'utf8')));

/** A BIT STRING with the named bits set, trailing zero bits removed as DER requires. */
export function namedBits(bits: readonly number[]): Asn1 {
  if (bits.length === 0) return asn1.create(U, T.BITSTRING, false, '\x00');
  const highest = Math.max(...bits);
  const data = Buffer.alloc((highest >> 3) + 1);
  for (const bit of bits) data[bit >> 3] |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7);
  return asn1.create(U, T.BITSTRING, false, String.fromCharCode(unused) + binary(data));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timeFields(d: Date): string {
  return (
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds())
  );
}

function validDate(d: Date, what: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new RangeError(`${what}: invalid date`);
}

/** GeneralizedTime in UTC, with milliseconds only when there are any and no trailing zeros. */
export function generalizedTime(d: Date): Asn1 {
  validDate(d, 'GeneralizedTime');
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError('GeneralizedTime: year out of range');
  const ms = d.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : '.' + pad(ms, 3).replace(/0+$/, '');
  return asn1.create(U, T.GENERALIZEDTIME, false, pad(year, 4) + timeFields(d) + fraction + 'Z');
}

/**
 * A CMS/X.509 `Time`: UTCTime for 1950 to 2049 and GeneralizedTime otherwise (RFC 5652 §11.3,
 * RFC 5280 §4.1.2.5), both to the second.
 */
export function time(d: Date): Asn1 {
  validDate(d, 'Time');
  const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  if (year >= 1950 && year <= 2049) {
    return asn1.create(U, T.UTCTIME, false, pad(year % 100) + timeFields(whole) + 'Z');
  }
  return generalizedTime(whole);
}

export const explicit = (tag: number, node: Asn1): Asn1 =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [node]);

/** `[tag] IMPLICIT SET OF`, members in DER order. */
export const implicitSetOf = (tag: number, items: readonly Asn1[]): Asn1 =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, sortedByEncoding(items));

/**
 * The same members re-tagged as a universal SET, in the order received: what a signature over
 * `[0] IMPLICIT SET OF Attribute` covers (RFC 5652 §5.4).
 */
export const asUniversalSet = (node: Asn1, what: string): Asn1 =>
  asn1.create(U, T.SET, true, children(node, what));

export const algorithm = (id: string, nullParameters = false): Asn1 =>
  nullParameters ? seq(oid(id), nullValue()) : seq(oid(id));

// ---------------------------------------------------------------------------------------------
// Reading

interface FromDerOptions {
  strict: boolean;
  parseAllBytes: boolean;
  decodeBitStrings: boolean;
}
// The typings only declare the older boolean flag; the options object is in node-forge since 1.3.
const fromDer = asn1.fromDer as unknown as (
  input: forge.util.ByteBuffer,
  options: FromDerOptions,
) => Asn1;

export function parse(input: Buffer, what: string): Asn1 {
  if (!Buffer.isBuffer(input) || input.length === 0) throw new Asn1Error(`${what}: empty`);
  try {
    return fromDer(forge.util.createBuffer(binary(input)), {
      strict: true,
      parseAllBytes: true,
      decodeBitStrings: false,
    });
  } catch (e) {
    throw new Asn1Error(`${what}: not valid DER (${(e as Error).message})`);
  }
}

const isUniversal = (node: Asn1 | undefined, type: number): node is Asn1 =>
  node !== undefined && node.tagClass === U && node.type === type;

export const isContext = (node: Asn1 | undefined, tag: number): node is Asn1 =>
  node !== undefined && node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag;

export const isType = (node: Asn1 | undefined, type: forge.asn1.Type): node is Asn1 =>
  isUniversal(node, type);

function children(node: Asn1, what: string): Asn1[] {
  if (!node.constructed || !Array.isArray(node.value))
    throw new Asn1Error(`${what}: not constructed`);
  return node.value;
}

function primitive(node: Asn1, what: string): string {
  if (node.constructed || typeof node.value !== 'string') {
    throw new Asn1Error(`${what}: not a primitive value`);
  }
  return node.value;
}

export function sequence(node: Asn1 | undefined, what: string): Asn1[] {
  if (!isUniversal(node, T.SEQUENCE)) throw new Asn1Error(`${what}: expected a SEQUENCE`);
  return children(node, what);
}

export function set(node: Asn1 | undefined, what: string): Asn1[] {
  if (!isUniversal(node, T.SET)) throw new Asn1Error(`${what}: expected a SET`);
  return children(node, what);
}

/** The members of a constructed `[tag]` (explicit wrapper or implicit SET/SEQUENCE). */
export function context(node: Asn1 | undefined, tag: number, what: string): Asn1[] {
  if (!isContext(node, tag)) throw new Asn1Error(`${what}: expected [${tag}]`);
  return children(node, what);
}

/** The single value inside an explicit `[tag]`. */
export function explicitValue(node: Asn1 | undefined, tag: number, what: string): Asn1 {
  const inner = context(node, tag, what);
  if (inner.length !== 1) throw new Asn1Error(`${what}: expected one value inside [${tag}]`);
  return inner[0];
}

export function readOid(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, T.OID)) throw new Asn1Error(`${what}: expected an OBJECT IDENTIFIER`);
  const value = primitive(node, what);
  if (value.length === 0) throw new Asn1Error(`${what}: empty OBJECT IDENTIFIER`);
  return asn1.derToOid(value);
}

export function readInteger(node: Asn1 | undefined, what: string): bigint {
  if (!isUniversal(node, T.INTEGER)) throw new Asn1Error(`${what}: expected an INTEGER`);
  const b = bytes(primitive(node, what));
  if (b.length === 0) throw new Asn1Error(`${what}: empty INTEGER`);
  if (b.length > 1 && ((b[0] === 0 && b[1] < 0x80) || (b[0] === 0xff && b[1] >= 0x80))) {
    throw new Asn1Error(`${what}: INTEGER not minimally encoded`);
  }
  const unsigned = BigInt('0x' + b.toString('hex'));
  return b[0] >= 0x80 ? unsigned - (1n << BigInt(b.length * 8)) : unsigned;
}

export function readOctets(node: Asn1 | undefined, what: string): Buffer {
  if (!isUniversal(node, T.OCTETSTRING)) throw new Asn1Error(`${what}: expected an OCTET STRING`);
  return bytes(primitive(node, what));
}

export function readBoolean(node: Asn1 | undefined, what: string): boolean {
  if (!isUniversal(node, T.BOOLEAN)) throw new Asn1Error(`${what}: expected a BOOLEAN`);
  const value = primitive(node, what);
  if (value === '\xff') return true;
  if (value === '\x00') return false;
  throw new Asn1Error(`${what}: BOOLEAN not DER encoded`);
}

/** A BIT STRING's bits, most significant first, without the unused trailing bits. */
export function readBits(node: Asn1 | undefined, what: string): boolean[] {
  if (!isUniversal(node, T.BITSTRING)) throw new Asn1Error(`${what}: expected a BIT STRING`);
  const b = bytes(primitive(node, what));
  const unused = b[0];
  if (unused === undefined || unused > 7 || (b.length === 1 && unused !== 0)) {
    throw new Asn1Error(`${what}: malformed BIT STRING`);
  }
  const bits: boolean[] = [];
  for (let i = 1; i < b.length; i++) {
    for (let j = 7; j >= 0; j--) bits.push(((b[i] >> j) & 1) === 1);
  }
  return bits.slice(0, bits.length - unused);
}

const TIME_PATTERN = {
  [T.UTCTIME]: /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/,
  [T.GENERALIZEDTIME]: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/,
} as const;

/** UTCTime or GeneralizedTime, in the UTC ("Z") forms DER allows. */
export function readTime(node: Asn1 | undefined, what: string): Date {
  const type = node?.type;
  if (!node || node.tagClass !== U || (type !== T.UTCTIME && type !== T.GENERALIZEDTIME)) {
    throw new Asn1Error(`${what}: expected a UTCTime or GeneralizedTime`);
  }
  const m = TIME_PATTERN[type].exec(primitive(node, what));
  if (!m) throw new Asn1Error(`${what}: malformed time`);
  let year = Number(m[1]);
  if (type === T.UTCTIME) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = m.slice(2, 7).map(Number);
  // Fractions beyond milliseconds are cut, never rounded up into the next second.
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    throw new Asn1Error(`${what}: no such date`);
  }
  return date;
}

/** The text of a directory string (UTF8String, PrintableString, IA5String, BMPString, …). */
export function readString(node: Asn1 | undefined, what: string): string {
  if (!node || node.tagClass !== U) throw new Asn1Error(`${what}: expected a string`);
  const b = bytes(primitive(node, what));
  switch (node.type as number) {
    case T.UTF8:
      return b.toString('utf8');
    case T.BMPSTRING:
      if (b.length % 2 !== 0) throw new Asn1Error(`${what}: odd-length BMPString`);
      return Buffer.from(b).swap16().toString('utf16le');
    case T.PRINTABLESTRING:
    case T.IA5STRING:
    case 20 /* TeletexString */:
    case 26 /* VisibleString */:
      return b.toString('latin1');
    default:
      throw new Asn1Error(`${what}: unsupported string type ${node.type}`);
  }
}

/** The value of the first attribute of that type in an X.501 Name, if any. */
export function nameAttribute(name: Asn1, type: string, what: string): string | undefined {
  for (const rdn of sequence(name, what)) {
    for (const atv of set(rdn, what)) {
      const [attrType, value] = sequence(atv, what);
      if (readOid(attrType, what) === type) return readString(value, what);
    }
  }
  return undefined;
}
