import { describe, expect, it } from '@jest/globals';
import { generatePiiKey, PiiProtector } from './pii';

const residentId = '11010519491231002X';
const protector = () => new PiiProtector(generatePiiKey(), generatePiiKey());

/** Replaces part `index` of a `v1.<iv>.<tag>.<data>` ciphertext. */
const withPart = (ciphertext: string, index: number, change: (bytes: Buffer) => Buffer) => {
  const parts = ciphertext.split('.');
  parts[index] = change(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
};

describe('PiiProtector', () => {
  it('decrypts what it encrypted, including non-ASCII and empty text', () => {
    const p = protector();
    for (const text of [residentId, '张伟 · 上海市浦东新区', '']) {
      const ciphertext = p.encrypt(text);
      expect(ciphertext).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]*$/);
      expect(p.decrypt(ciphertext)).toBe(text);
    }
    expect(p.encrypt(residentId)).not.toContain(residentId);
  });

  it('uses a fresh IV each time, so equal plaintexts do not give equal ciphertexts', () => {
    const p = protector();
    const ciphertexts = Array.from({ length: 50 }, () => p.encrypt(residentId));
    expect(new Set(ciphertexts).size).toBe(50);
    expect(new Set(ciphertexts.map((c) => c.split('.')[1])).size).toBe(50);
  });

  it('refuses tampered data, IV or tag, and a ciphertext of another key', () => {
    const p = protector();
    const ciphertext = p.encrypt(residentId);
    const flipFirstBit = (b: Buffer) => {
      const copy = Buffer.from(b);
      copy[0] = copy[0]! ^ 0x01;
      return copy;
    };
    for (const part of [1, 2, 3]) {
      expect(() => p.decrypt(withPart(ciphertext, part, flipFirstBit))).toThrow(
        /unable to authenticate/,
      );
    }
    expect(() => protector().decrypt(ciphertext)).toThrow(/unable to authenticate/);
  });

  it('refuses a truncated authentication tag', () => {
    // GCM would otherwise check only as many tag bytes as it is given: 4 bytes are easy to forge.
    const p = protector();
    const ciphertext = p.encrypt(residentId);
    for (const length of [4, 8, 12, 15]) {
      expect(() => p.decrypt(withPart(ciphertext, 2, (tag) => tag.subarray(0, length)))).toThrow(
        `Invalid authentication tag length: ${length}`,
      );
    }
  });

  it('refuses what is not a v1 ciphertext', () => {
    const p = protector();
    const [, iv, tag, data] = p.encrypt(residentId).split('.');
    expect(() => p.decrypt(residentId)).toThrow('unknown PII ciphertext format');
    expect(() => p.decrypt(`v2.${iv}.${tag}.${data}`)).toThrow('unknown PII ciphertext format');
    expect(() => p.decrypt(`v1.${iv}.${tag}`)).toThrow('unknown PII ciphertext format');
  });

  it('blind index: deterministic per key, domain and value; separated by domain and by key', () => {
    const encKey = generatePiiKey();
    const indexKey = generatePiiKey();
    const a = new PiiProtector(encKey, indexKey);
    const b = new PiiProtector(generatePiiKey(), indexKey);

    const index = a.blindIndex('customer.resident_id', residentId);
    expect(index).toMatch(/^[\w-]{43}$/); // 32 bytes of HMAC-SHA256
    expect(a.blindIndex('customer.resident_id', residentId)).toBe(index);
    expect(b.blindIndex('customer.resident_id', residentId)).toBe(index); // the encryption key plays no part
    expect(a.blindIndex('guarantor.resident_id', residentId)).not.toBe(index);
    expect(a.blindIndex('customer.resident_id', residentId.toLowerCase())).not.toBe(index);
    expect(
      new PiiProtector(encKey, generatePiiKey()).blindIndex('customer.resident_id', residentId),
    ).not.toBe(index);
    // The separator keeps (domain, value) pairs apart even when their concatenations agree.
    expect(a.blindIndex('customer.mobile', '1')).not.toBe(a.blindIndex('customer.mobil', 'e1'));
  });

  it('names the key and its length when a key is not 32 bytes', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => new PiiProtector(short, generatePiiKey())).toThrow(
      'PII encryption key must be 32 bytes, base64-encoded (got 16)',
    );
    expect(() => new PiiProtector(generatePiiKey(), Buffer.alloc(33).toString('base64'))).toThrow(
      'PII index key must be 32 bytes, base64-encoded (got 33)',
    );
    expect(() => new PiiProtector('', generatePiiKey())).toThrow('(got 0)');
  });

  it('generatePiiKey gives distinct 32-byte keys', () => {
    const keys = [generatePiiKey(), generatePiiKey()];
    expect(keys.map((k) => Buffer.from(k, 'base64').length)).toEqual([32, 32]);
    expect(keys[0]).not.toBe(keys[1]);
  });
});
