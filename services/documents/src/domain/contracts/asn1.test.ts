import {
  Asn1Error,
  der,
  generalizedTime,
  integer,
  namedBits,
  octets,
  parse,
  readBits,
  readInteger,
  readString,
  readTime,
  setOf,
  time,
  utf8String,
} from './asn1';

const hex = (b: Buffer) => b.toString('hex');

describe('DER building', () => {
  it.each([
    [0n, '020100'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [2n ** 64n, '0209010000000000000000'],
  ])('encodes INTEGER %p minimally', (n, encoded) => {
    expect(hex(der(integer(n)))).toBe(encoded);
    expect(readInteger(parse(Buffer.from(encoded, 'hex'), 'int'), 'int')).toBe(n);
  });

  it('reads negative INTEGERs and refuses non-minimal ones', () => {
    expect(readInteger(parse(Buffer.from('0201ff', 'hex'), 'i'), 'i')).toBe(-1n);
    expect(readInteger(parse(Buffer.from('02020080', 'hex'), 'i'), 'i')).toBe(128n);
    expect(() => readInteger(parse(Buffer.from('0202007f', 'hex'), 'i'), 'i')).toThrow(Asn1Error);
  });

  it('orders SET OF members by their encodings, shorter ones padded with zeros (X.690 11.6)', () => {
    const a = octets(Buffer.from([0x02]));
    const b = octets(Buffer.from([0x01, 0xff]));
    const c = octets(Buffer.from([0x01]));
    // 04 01 02 / 04 02 01 ff / 04 01 01: by the length octet first, then the contents.
    expect(hex(der(setOf([a, b, c])))).toBe('310a' + '040101' + '040102' + '040201ff');
  });

  it.each([
    ['2025-03-01T08:00:05.000Z', '20250301080005Z'],
    ['2025-03-01T08:00:05.250Z', '20250301080005.25Z'],
    ['2025-03-01T08:00:05.007Z', '20250301080005.007Z'],
    ['2025-03-01T08:00:05.100Z', '20250301080005.1Z'],
  ])('writes GeneralizedTime %s as %s, without trailing zeros', (iso, text) => {
    const node = generalizedTime(new Date(iso));
    expect(node.value).toBe(text);
    expect(readTime(parse(der(node), 't'), 't')).toEqual(new Date(iso));
  });

  it('writes UTCTime for 1950–2049 and GeneralizedTime otherwise, to the second', () => {
    expect(time(new Date('2025-03-01T08:00:05.999Z')).value).toBe('250301080005Z');
    expect(time(new Date('1950-01-01T00:00:00Z')).value).toBe('500101000000Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).value).toBe('20500101000000Z');
    expect(readTime(parse(der(time(new Date('1999-12-31T23:59:59Z'))), 't'), 't')).toEqual(
      new Date('1999-12-31T23:59:59Z'),
    );
  });

  it('refuses times that are not DER or not dates', () => {
    const utc = (s: string) => Buffer.concat([Buffer.from([0x17, s.length]), Buffer.from(s)]);
    expect(() => readTime(parse(utc('250230000000Z'), 't'), 't')).toThrow(/no such date/);
    expect(() => readTime(parse(utc('2503010800Z'), 't'), 't')).toThrow(/malformed/);
    expect(() => readTime(parse(utc('250301080005+0800'), 't'), 't')).toThrow(/malformed/);
    expect(() => generalizedTime(new Date(NaN))).toThrow(RangeError);
  });

  it('writes named bits without trailing zero bits', () => {
    expect(hex(der(namedBits([0])))).toBe('03020780');
    expect(hex(der(namedBits([16])))).toBe('0304070000' + '80');
    expect(readBits(parse(der(namedBits([2, 5])), 'b'), 'b')).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
  });

  it('round-trips UTF8String with Chinese text', () => {
    expect(readString(parse(der(utf8String('时间戳服务')), 's'), 's')).toBe('时间戳服务');
  });

  it('refuses trailing bytes and truncation', () => {
    expect(() => parse(Buffer.from('020100ff', 'hex'), 'x')).toThrow(Asn1Error);
    expect(() => parse(Buffer.from('0202', 'hex'), 'x')).toThrow(Asn1Error);
    expect(() => parse(Buffer.alloc(0), 'x')).toThrow(Asn1Error);
  });
});
