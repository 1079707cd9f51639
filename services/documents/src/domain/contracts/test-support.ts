// Shared by the contract tests only (excluded from the build by the service's tsconfig).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { ContractDocument } from './pdf';
import { amountInCapitals } from './numerals';
import { createCertificateAuthority, issueCertificate, type Credentials } from './pki';

export const NOW = new Date('2025-03-01T08:00:00.000Z');
export const LATER = new Date('2025-03-01T08:00:05.250Z');

export interface Pki {
  root: Credentials;
  tsa: Credentials;
  officer: Credentials;
  borrower: Credentials;
  /** A CA with the very same name as `root`, but another key. */
  otherRoot: Credentials;
  /** Issued by `otherRoot`, for the same subject as `borrower`. */
  impostor: Credentials;
}

/** The development PKI of a bank: a root, its TSA, a bank officer and a borrower. */
export function makePki(now = NOW): Pki {
  const root = createCertificateAuthority('LoanFlow Development Root CA', now);
  const otherRoot = createCertificateAuthority('LoanFlow Development Root CA', now);
  const tsa = issueCertificate(
    root,
    { commonName: 'LoanFlow Development Timestamp Authority', organization: 'LoanFlow' },
    'timestamping',
    now,
    3650,
  );
  const officer = issueCertificate(
    root,
    { commonName: '王敏 (lender)', organization: '示例银行股份有限公司', serialNumber: 'u-1001' },
    'signing',
    now,
  );
  const borrowerSubject = { commonName: '张三 (borrower)', serialNumber: 'u-2002' };
  const borrower = issueCertificate(root, borrowerSubject, 'signing', now);
  const impostor = issueCertificate(otherRoot, borrowerSubject, 'signing', now);
  return { root, tsa, officer, borrower, otherRoot, impostor };
}

/** A copy with the byte at `index` (negative from the end) changed. */
export function flipByte(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  const i = index < 0 ? copy.length + index : index;
  copy[i] ^= 0x01;
  return copy;
}

/** Fen as a yuan string, in integers: 833333 → "8333.33". */
const yuan = (fen: number): string =>
  `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

export function sampleContract(overrides: Partial<ContractDocument> = {}): ContractDocument {
  const schedule = Array.from({ length: 12 }, (_, i) => ({
    period: i + 1,
    dueDate: `2025-${String(i + 2).padStart(2, '0')}-15`.replace('2025-13', '2026-01'),
    principal: i === 11 ? '8333.37' : '8333.33',
    interest: yuan(30_000 - i * 2_500),
    total: yuan((i === 11 ? 833_337 : 833_333) + 30_000 - i * 2_500),
  }));
  return {
    contractNumber: 'HT202500000042',
    title: '个人消费借款合同',
    templateCode: 'PERSONAL_CONSUMER_LOAN',
    templateVersion: 1,
    parties: [
      {
        role: 'lender',
        name: '示例银行股份有限公司上海分行',
        address: '上海市浦东新区世纪大道100号',
      },
      {
        role: 'borrower',
        name: '张三',
        idNumber: '3101**********1234',
        address: '上海市徐汇区',
      },
    ],
    amount: '100000.00',
    amountInCapitals: amountInCapitals('100000.00'),
    annualRatePercent: '3.60',
    termMonths: 12,
    repaymentMethodZh: '等额本金',
    disbursementDate: '2025-01-15',
    maturityDate: '2026-01-15',
    clauses: [
      '借款金额：本合同项下借款金额为人民币（小写）100000.00元，（大写）人民币壹拾万元整。',
      '借款期限：借款期限为12个月。',
    ],
    schedule,
    scheduleTotals: {
      principal: '100000.00',
      interest: '1950.00',
      total: '101950.00',
    },
    generatedAt: '2025-01-10T02:30:00.000Z',
    ...overrides,
  };
}

interface Placed {
  x: number;
  y: number;
  text: string;
}

/** Just enough of a PDF reader for pdfkit's uncompressed output. */
export function readPdf(pdf: Buffer) {
  const text = pdf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) {
    objects.set(Number(m[1]), m[2]);
  }
  const streamOf = (body: string) => /\nstream\n([\s\S]*)\nendstream$/.exec(body)?.[1] ?? '';
  const cmaps = [...objects.values()].filter((o) => o.includes('begincmap')).map(streamOf);
  const toUnicode = new Map<number, string>();
  for (const cmap of cmaps) {
    for (const m of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
      const first = parseInt(m[1], 16);
      [...m[2].matchAll(/<([0-9a-f ]+)>/gi)].forEach((entry, i) => {
        const units = entry[1].split(' ').map((h) => parseInt(h, 16));
        toUnicode.set(first + i, String.fromCharCode(...units));
      });
    }
  }
  const decode = (hex: string) =>
    (hex.match(/.{4}/g) ?? [])
      .map((code) => toUnicode.get(parseInt(code, 16)) ?? '\uFFFD')
      .join('');
  const pagesObject = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o)) ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesObject)?.[1] ?? '').matchAll(/(\d+) 0 R/g)];
  const pages = kids.map(([, id]): Placed[] => {
    const contents = /\/Contents (\d+) 0 R/.exec(objects.get(Number(id)) ?? '')?.[1];
    const stream = streamOf(objects.get(Number(contents)) ?? '');
    // pdfkit writes each line as its own text object: a Tm (baseline origin, y up from the page
    // bottom) and one TJ array of hex glyph codes with kerning numbers in between.
    return [...stream.matchAll(/1 0 0 1 ([\d.]+) ([\d.]+) Tm\n[^\n]*Tf\n\[([^\]]*)\] TJ/g)].map(
      (op) => ({
        x: Number(op[1]),
        y: Number(op[2]),
        text: [...op[3].matchAll(/<([0-9a-f]*)>/gi)].map((h) => decode(h[1])).join(''),
      }),
    );
  });
  const pageTexts = pages.map((placed) => placed.map((p) => p.text).join('\n'));
  /** A document information entry, written by pdfkit as an indirect object. */
  const info = (key: string) => {
    const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(text)?.[1];
    return ref === undefined ? undefined : objects.get(Number(ref));
  };
  return { text, cmaps, pages, pageTexts, info };
}

/**
 * A certificate with exactly the extensions given (node-forge extension objects), for the cases
 * `issueCertificate` never produces: intermediate CAs, a non-critical timestamping purpose, an
 * unknown critical extension.
 */
export function issueWithExtensions(
  ca: Credentials,
  commonName: string,
  extensions: object[],
  now = NOW,
): Credentials {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    ...extensions,
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: privateKey };
}
