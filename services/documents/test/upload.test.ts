import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  countRows,
  givenApplication,
  pdfBytes,
  sha256Of,
  startHarness,
  type Harness,
} from './harness';

/**
 * Filing documents through the real service: the bytes streamed in chunks to the real S3 server,
 * their SHA-256 and size recorded, versions per type, and every refusal leaving nothing behind —
 * no row, no event, no object.
 */
describe('documents service: upload', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Nothing of the owner in the database, the outbox or the bucket. */
  async function expectNothingFiled(ownerId: string) {
    expect(await countRows(h, 'documents', 'owner_id = $1', [ownerId])).toBe(0);
    expect(await countRows(h, 'outbox', `payload->'data'->'owner'->>'id' = $1`, [ownerId])).toBe(0);
    expect(await h.objects(`documents/application/${ownerId}/`)).toEqual([]);
    expect(await h.service.store.incompleteUploads(`documents/application/${ownerId}/`)).toEqual(
      [],
    );
  }

  it('streams a file in chunks to the object store, records its SHA-256 and size, and gives the same bytes back', async () => {
    const { applicationId } = givenApplication(h);
    const bytes = pdfBytes(`statement-${applicationId}`, 300 * 1024);
    const owner = { kind: 'application', id: applicationId };

    const res = await h.upload('shManager', {
      owner,
      documentType: 'bank_statement',
      bytes,
      chunkSize: 7 * 1024,
      fileName: '流水.pdf',
      sha256: sha256Of(bytes).toUpperCase(),
    });

    expect(res.duplicate).toBe(false);
    expect(res.document).toMatchObject({
      owner,
      applicationId,
      branchId: 'SH001',
      documentType: 'bank_statement',
      version: 1,
      current: true,
      mediaType: 'application/pdf',
      size: String(bytes.length),
      sha256: sha256Of(bytes),
      fileName: '流水.pdf',
      uploadedBy: h.principal('shManager').userId,
      status: 'stored',
    });
    const read = await h.read('shManager', res.document!.id);
    expect(read.header).toEqual({
      mediaType: 'application/pdf',
      size: String(bytes.length),
      fileName: '流水.pdf',
      sha256: sha256Of(bytes),
    });
    expect(read.bytes.equals(bytes)).toBe(true);
    const { views } = await h.client.listViews(
      { documentId: res.document!.id, owner: undefined },
      h.as('shManager'),
    );
    expect(views.map((v) => [v.viewer, v.via])).toEqual([
      [h.principal('shManager').userId, 'stream'],
    ]);
    expect(await h.published('documents.document.uploaded', res.document!.id)).toEqual([
      {
        documentId: res.document!.id,
        owner,
        applicationId,
        branchId: 'SH001',
        documentType: 'bank_statement',
        version: 1,
        mediaType: 'application/pdf',
        size: bytes.length,
        sha256: sha256Of(bytes),
        uploadedBy: h.principal('shManager').userId,
      },
    ]);
  });

  it('versions a new file of the same type, answers the same bytes with the first document, and a retried request once', async () => {
    const { applicationId } = givenApplication(h);
    const owner = { kind: 'application', id: applicationId };
    const first = await h.upload('shManager', {
      owner,
      documentType: 'income_proof',
      bytes: pdfBytes(`income-1-${applicationId}`),
    });
    const second = await h.upload('shManager', {
      owner,
      documentType: 'income_proof',
      bytes: pdfBytes(`income-2-${applicationId}`),
      requestId: `req-${applicationId}`,
    });
    expect(second.document).toMatchObject({ version: 2, current: true, status: 'stored' });

    const again = await h.upload('shManager', {
      owner,
      documentType: 'income_proof',
      bytes: pdfBytes(`income-1-${applicationId}`),
    });
    expect(again).toMatchObject({ duplicate: true, document: { id: first.document!.id } });
    const retried = await h.upload('shManager', {
      owner,
      documentType: 'income_proof',
      bytes: pdfBytes(`income-3-${applicationId}`),
      requestId: `req-${applicationId}`,
    });
    expect(retried).toMatchObject({ duplicate: true, document: { id: second.document!.id } });

    const { versions } = await h.client.listVersions({ id: first.document!.id }, h.as('shManager'));
    expect(versions.map((v) => [v.version, v.status, v.current])).toEqual([
      [2, 'stored', true],
      [1, 'superseded', false],
    ]);
    expect(await h.objects(`documents/application/${applicationId}/`)).toHaveLength(2);
    const uploaded = await h.published('documents.document.uploaded');
    expect(
      uploaded
        .filter((e) => (e.owner as { id: string }).id === applicationId)
        .map((e) => [e.documentId, e.version]),
    ).toEqual([
      [first.document!.id, 1],
      [second.document!.id, 2],
    ]);
  });

  it('makes a thumbnail and a preview of a scan in the background, and records each view by its way', async () => {
    const { applicationId } = givenApplication(h);
    const scan = await sharp({
      create: { width: 800, height: 500, channels: 3, background: { r: 200, g: 30, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    const { document } = await h.upload('shManager', {
      owner: { kind: 'application', id: applicationId },
      documentType: 'id_card_front',
      bytes: scan,
      declaredMediaType: 'image/jpeg',
      fileName: 'front.jpg',
    });
    expect(document).toMatchObject({ mediaType: 'image/jpeg', pages: 1 });
    await h.service.renditionsIdle();
    const rendered = await h.client.getDocument({ id: document!.id }, h.as('shManager'));
    expect(rendered.document).toMatchObject({ hasThumbnail: true, hasPreview: true });
    const thumbnail = await h.read('shManager', document!.id, 'thumbnail');
    expect(thumbnail.header).toMatchObject({ mediaType: 'image/jpeg', sha256: '' });
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThan(800);

    const presigned = await h.client.presignDocument(
      { id: document!.id, rendition: '' },
      h.as('shManager'),
    );
    expect(new Date(presigned.expiresAt).getTime() - h.clock.now().getTime()).toBe(
      h.config.PRESIGN_SECONDS * 1000,
    );
    const fetched = Buffer.from(await (await fetch(presigned.url)).arrayBuffer());
    expect(fetched.equals(scan)).toBe(true);
    await expect(
      h.client.presignDocument({ id: document!.id, rendition: 'poster' }, h.as('shManager')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'rendition', reason: 'must be original, thumbnail or preview' }],
    });
    const { views } = await h.client.listViews(
      { documentId: document!.id, owner: undefined },
      h.as('auditor'),
    );
    expect(views.map((v) => v.via)).toEqual(['thumbnail', 'presigned']);
  });

  it('refuses bytes whose SHA-256 is not the one the client declared, and stores nothing', async () => {
    const { applicationId } = givenApplication(h);
    const bytes = pdfBytes(`tampered-${applicationId}`);
    const declared = sha256Of(pdfBytes(`original-${applicationId}`));
    await expect(
      h.upload('shManager', {
        owner: { kind: 'application', id: applicationId },
        documentType: 'income_proof',
        bytes,
        sha256: declared,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'sha256',
          reason: `the bytes that arrived hash to ${sha256Of(bytes)}, not ${declared}`,
        },
      ],
    });
    await expectNothingFiled(applicationId);
  });

  it('refuses bad input with the field and reason, before anything is stored', async () => {
    const { applicationId } = givenApplication(h);
    const owner = { kind: 'application', id: applicationId };
    const pdf = pdfBytes(`bad-${applicationId}`);
    const cases: [Parameters<Harness['upload']>[1], { field: string; reason: RegExp }[]][] = [
      [
        { owner: { kind: 'folder', id: 'x' }, documentType: 'income_proof', bytes: pdf },
        [
          { field: 'owner.kind', reason: /must be one of application, customer, loan/ },
          { field: 'owner.id', reason: /must be a UUID/ },
        ],
      ],
      [
        { owner, documentType: 'selfie', bytes: pdf },
        [{ field: 'documentType', reason: /"selfie" is not a document type/ }],
      ],
      [
        { owner, documentType: 'income_proof', bytes: pdf, sha256: 'abc' },
        [{ field: 'sha256', reason: /64 hexadecimal digits/ }],
      ],
      [
        { owner, documentType: 'income_proof', bytes: pdf, declaredSize: String(pdf.length + 1) },
        [{ field: 'file', reason: new RegExp(`${pdf.length} bytes arrived`) }],
      ],
      [
        { owner, documentType: 'income_proof', bytes: pdf, declaredMediaType: 'image/png' },
        [
          {
            field: 'declaredMediaType',
            reason: /says image\/png but the bytes are application\/pdf/,
          },
        ],
      ],
      [
        {
          owner,
          documentType: 'income_proof',
          bytes: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 an executable', 'latin1'),
          declaredMediaType: 'application/octet-stream',
        },
        [{ field: 'file', reason: /executable/ }],
      ],
      [
        { owner, documentType: 'income_proof', bytes: Buffer.alloc(0) },
        [{ field: 'file', reason: /is empty/ }],
      ],
      [
        {
          owner,
          documentType: 'id_card_front',
          bytes: pdfBytes('big', 10 * 1024 * 1024),
          declaredSize: '0',
        },
        [{ field: 'file', reason: /is larger than 10485760 bytes, the limit for id_card_front/ }],
      ],
    ];
    for (const [input, violations] of cases) {
      const refused = h.upload('shManager', input);
      await expect(refused).rejects.toMatchObject({ code: 'invalid_argument' });
      const err = (await refused.catch((e: unknown) => e)) as {
        violations: { field: string; reason: string }[];
      };
      expect(err.violations).toEqual(
        violations.map((v) => ({ field: v.field, reason: expect.stringMatching(v.reason) })),
      );
    }
    await expectNothingFiled(applicationId);
  });

  it('lets only those who may see the application file to it, and never an auditor', async () => {
    const { applicationId } = givenApplication(h);
    const owner = { kind: 'application', id: applicationId };
    const bytes = pdfBytes(`who-${applicationId}`);
    await expect(
      h.upload('bjManager', { owner, documentType: 'income_proof', bytes }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.upload('auditor', { owner, documentType: 'income_proof', bytes }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.upload('shManager', {
        owner: { kind: 'application', id: randomUUID() },
        documentType: 'income_proof',
        bytes,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expectNothingFiled(applicationId);
  });
});
