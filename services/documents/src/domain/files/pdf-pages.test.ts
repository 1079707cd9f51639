import PDFDocument from 'pdfkit';
import { deflateSync } from 'node:zlib';
import { countPdfPages } from './pdf-pages';

async function pdfkit(pages: number, compress: boolean): Promise<Buffer> {
  const doc = new PDFDocument({
    compress,
    autoFirstPage: false,
    // Written as a literal string object: PDF keywords inside strings must not be taken for structure.
    info: { Title: 'scan 9 0 obj << /Type /Page >> endobj trailer << /Root 99 0 R >>' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  for (let i = 1; i <= pages; i++) {
    doc.addPage();
    doc.fontSize(14).text(`Income statement, page ${i} of ${pages}`);
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** Assembles a PDF from object bodies (keyed by object number) with a correct classic xref table. */
function buildPdf(objects: Record<number, string | Buffer>, trailer: string): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets = new Map<number, number>();
  for (const [num, body] of Object.entries(objects)) {
    offsets.set(Number(num), offset);
    const part = Buffer.concat([
      Buffer.from(`${num} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(part);
    offset += part.length;
  }
  const size = Math.max(0, ...offsets.keys()) + 1;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let i = 1; i < size; i++) {
    const at = offsets.get(i);
    xref +=
      at === undefined ? '0000000000 65535 f \n' : `${String(at).padStart(10, '0')} 00000 n \n`;
  }
  parts.push(Buffer.from(`${xref}trailer\n${trailer}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function stream(dict: string, data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([
    Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'),
    bytes,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

const page = (parent = 2) => `<< /Type /Page /Parent ${parent} 0 R /MediaBox [0 0 612 792] >>`;

describe('countPdfPages with pdfkit output', () => {
  it.each([
    [1, true],
    [3, true],
    [40, true],
    [1, false],
    [3, false],
    [40, false],
  ])('%i page(s), compress=%s', async (pages, compress) => {
    const pdf = await pdfkit(pages, compress);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.includes('trailer << /Root 99 0 R >>')).toBe(true);
    expect(countPdfPages(pdf)).toBe(pages);
  });
});

describe('countPdfPages with hand-built PDFs', () => {
  it('reads /Count from the root page tree node', () => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
        3: page(),
        4: page(),
      },
      '<< /Size 5 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('uses the root /Count of a nested page tree, not intermediate nodes', () => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 5 >>',
        3: '<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>',
        4: '<< /Type /Pages /Parent 2 0 R /Kids [7 0 R 8 0 R 9 0 R] /Count 3 >>',
        5: page(3),
        6: page(3),
        7: page(4),
        8: page(4),
        9: page(4),
      },
      '<< /Size 10 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBe(5);
  });

  it('follows an indirect /Count', () => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 6 0 R >>',
        3: page(),
        4: page(),
        5: page(),
        6: '3',
      },
      '<< /Size 7 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBe(3);
  });

  it('tolerates compact syntax, comments and escaped names', () => {
    const pdf = buildPdf(
      {
        1: '<</Type/Catalog/Pages 2 0 R%comment\n>>',
        2: '<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>',
        3: '<</Type/P#61ge/Parent 2 0 R>>',
        4: '<</Type /Page/Parent 2 0 R/Resources<</Font<</F1 9 0 R>>>>>>',
      },
      '<</Size 5/Root 1 0 R>>',
    );
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('uses the latest revision after an incremental update', () => {
    const original = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: page(),
      },
      '<< /Size 4 /Root 1 0 R >>',
    );
    const update = Buffer.from(
      '2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n' +
        `4 0 obj\n${page()}\nendobj\n` +
        'trailer\n<< /Size 5 /Root 1 0 R /Prev 0 >>\n%%EOF\n',
      'latin1',
    );
    expect(countPdfPages(original)).toBe(1);
    expect(countPdfPages(Buffer.concat([original, update]))).toBe(2);
  });

  it('trusts /Count over leftover page objects (page deleted by an update)', () => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: page(),
        4: page(), // orphan
      },
      '<< /Size 5 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBe(1);
  });

  it('refuses a /Count larger than the number of page objects', () => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1000 >>',
        3: page(),
        4: page(),
      },
      '<< /Size 5 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBeUndefined();
  });

  it.each(['-1', '2.5', '/Two', '(2)'])('refuses an invalid /Count %s', (count) => {
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: `<< /Type /Pages /Kids [3 0 R 4 0 R] /Count ${count} >>`,
        3: page(),
        4: page(),
      },
      '<< /Size 5 /Root 1 0 R >>',
    );
    // Without a usable /Count the page objects are counted instead.
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('without a trailer counts /Type /Page objects but not /Pages nodes', () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n' +
        '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
        '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n' +
        `3 0 obj ${page()} endobj\n4 0 obj ${page()} endobj\n5 0 obj ${page()} endobj\n` +
        '6 0 obj << /Type /PageLabel >> endobj\n%%EOF',
      'latin1',
    );
    expect(countPdfPages(pdf)).toBe(3);
  });

  it('with a dangling /Root falls back to counting page objects', () => {
    const pdf = buildPdf(
      { 2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>', 3: page(), 4: page() },
      '<< /Size 5 /Root 1 0 R >>',
    );
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('ignores /Type /Page in nested dictionaries, strings and stream data', () => {
    const fakeObjects = '9 0 obj\n<< /Type /Page >>\nendobj\n10 0 obj << /Type /Page >> endobj';
    const pdf = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: page(),
        4: '<< /Type /Annot /Subtype /Link /A << /Type /Page >> /Contents (/Type /Page) >>',
        5: stream('', fakeObjects),
        6: stream('/Filter /FlateDecode', deflateSync(fakeObjects)),
      },
      '<< /Size 7 >>', // no /Root: forces counting objects
    );
    expect(countPdfPages(pdf)).toBe(1);
  });

  it('skips stream data by /Length even when it contains "endstream"', () => {
    const data = 'endstream\nendobj\n7 0 obj << /Type /Page >> endobj\n';
    const pdf = buildPdf(
      { 1: page(), 2: stream('', data), 3: page() },
      '<< /Size 4 >>', // no /Root: forces counting objects
    );
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('reads the page tree from an object stream, deflated or not, and gives up on filters it cannot read', () => {
    // Objects 1–4 (catalog, page tree, two pages) live in object stream 5, as written by PDF 1.5+
    // tools; a third page (7) is a plain object. Counting the visible page objects would say 1.
    const members = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R 4 0 R 7 0 R] /Count 3 >>',
      page(),
      page(),
    ];
    let offsets = '';
    let body = '';
    members.forEach((m, i) => {
      offsets += `${i + 1} ${body.length} `;
      body += `${m}\n`;
    });
    const objStm = `${offsets}\n${body}`;
    const first = offsets.length + 1;
    for (const [how, expected] of [
      ['deflated', 3],
      ['plain', 3],
      ['lzw', undefined],
    ] as const) {
      const data = how === 'deflated' ? deflateSync(objStm) : Buffer.from(objStm, 'latin1');
      const filter =
        how === 'deflated' ? '/Filter /FlateDecode ' : how === 'lzw' ? '/Filter /LZWDecode ' : '';
      const pdf = Buffer.concat([
        Buffer.from('%PDF-1.5\n', 'latin1'),
        Buffer.from('5 0 obj\n', 'latin1'),
        stream(`/Type /ObjStm ${filter}/N 4 /First ${first}`, data),
        Buffer.from('\nendobj\n6 0 obj\n', 'latin1'),
        stream('/Type /XRef /Size 8 /Root 1 0 R /W [1 2 1]', Buffer.alloc(0)),
        Buffer.from(`\nendobj\n7 0 obj\n${page()}\nendobj\nstartxref\n0\n%%EOF\n`, 'latin1'),
      ]);
      expect(`${how}: ${countPdfPages(pdf)}`).toBe(`${how}: ${expected}`);
    }
  });

  it('reads /Root from a cross-reference stream when the page tree is uncompressed', () => {
    const pdf = Buffer.concat([
      Buffer.from(
        '%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
          '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
          `3 0 obj ${page()} endobj\n4 0 obj\n`,
        'latin1',
      ),
      stream('/Type /XRef /Size 5 /Root 1 0 R /W [1 2 1] /Filter /FlateDecode', deflateSync('x')),
      Buffer.from('\nendobj\nstartxref\n0\n%%EOF\n', 'latin1'),
    ]);
    expect(countPdfPages(pdf)).toBe(1);
  });

  it('returns undefined for non-PDF and degenerate input', () => {
    expect(countPdfPages(Buffer.alloc(0))).toBeUndefined();
    expect(countPdfPages(Buffer.from('%PDF-1.4\n%%EOF\n'))).toBeUndefined();
    expect(countPdfPages(Buffer.from('hello world'))).toBeUndefined();
    expect(countPdfPages(Buffer.alloc(10_000, 0xff))).toBeUndefined();
  });

  it('survives truncated files and pathological nesting', () => {
    const full = buildPdf(
      {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: page(),
      },
      '<< /Size 4 /Root 1 0 R >>',
    );
    for (let cut = 0; cut < full.length; cut += 7) {
      const result = countPdfPages(full.subarray(0, cut));
      expect(result === undefined || result === 1).toBe(true);
    }
    const deep = Buffer.from(`%PDF-1.4\n1 0 obj ${'['.repeat(100_000)} endobj\n`, 'latin1');
    expect(countPdfPages(deep)).toBeUndefined();
  });

  it('stays linear on hostile input (unterminated strings in every object)', () => {
    // 200k objects, each opening a string that never closes: a naive scan re-reads the rest of the
    // file for every object (~10^11 steps).
    const hostile = Buffer.from(
      '%PDF-1.4\n' + Array.from({ length: 200_000 }, (_, i) => `${i + 1} 0 obj (\n`).join(''),
      'latin1',
    );
    const started = process.hrtime.bigint();
    expect(countPdfPages(hostile)).toBeUndefined();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });
});
