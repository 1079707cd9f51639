import { randomUUID } from 'node:crypto';
import {
  countRows,
  eventually,
  givenApplication,
  pdfBytes,
  startHarness,
  type Harness,
} from './harness';

/**
 * The central archive (档案): an owner's documents become immutable under an archive number of
 * the bank's calendar year, each retained for its type's years; the file of a withdrawn or
 * rejected application closes by itself, once however often the event comes.
 */
describe('documents service: the archive', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const file = (applicationId: string, documentType: string, who: 'shManager' = 'shManager') =>
    h.upload(who, {
      owner: { kind: 'application', id: applicationId },
      documentType,
      bytes: pdfBytes(`${applicationId}-${documentType}`),
    });

  it('archives on the bank’s calendar: the number of its year, retention from its date, once', async () => {
    // 00:30 on 1 January 2026 in China is still 2025 in UTC.
    h.clock.set('2025-12-31T16:30:00.000Z');
    const { applicationId } = givenApplication(h);
    const statement = await file(applicationId, 'bank_statement');
    const other = await file(applicationId, 'other');
    const owner = { kind: 'application', id: applicationId };

    const first = await h.client.archiveOwner({ owner, reason: '结清归档' }, h.as('shReviewer'));
    expect(first.alreadyArchived).toBe(false);
    expect(first.archive).toMatchObject({
      archiveNumber: expect.stringMatching(/^DA2026\d{8}$/),
      owner,
      archivedAt: '2025-12-31T16:30:00.000Z',
      reason: '结清归档',
      documents: 2,
      branchId: 'SH001',
    });
    const { documents } = await h.client.listDocuments(
      { owner, includeSuperseded: true },
      h.as('shManager'),
    );
    expect(documents.map((d) => [d.id, d.status, d.retainUntil, d.archiveNumber])).toEqual([
      [statement.document!.id, 'archived', '2056-01-01', first.archive!.archiveNumber],
      [other.document!.id, 'archived', '2036-01-01', first.archive!.archiveNumber],
    ]);
    const [archivedEvent, ...more] = await h.published(
      'documents.document.archived',
      applicationId,
    );
    expect(more).toEqual([]);
    expect({
      ...archivedEvent,
      documentIds: [...(archivedEvent!.documentIds as string[])].sort(),
    }).toEqual({
      owner,
      archiveNumber: first.archive!.archiveNumber,
      reason: '结清归档',
      documentIds: [statement.document!.id, other.document!.id].sort(),
    });

    h.clock.set('2026-03-01T02:00:00.000Z');
    const again = await h.client.archiveOwner({ owner, reason: 'again' }, h.as('admin'));
    expect(again).toEqual({ alreadyArchived: true, archive: first.archive });
    expect(await countRows(h, 'archive_audit', 'owner_id = $1', [applicationId])).toBe(1);

    await expect(file(applicationId, 'income_proof')).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringMatching(/archived/),
    });
    await expect(
      h.client.deleteDocument({ id: statement.document!.id, reason: 'tidy' }, h.as('admin')),
    ).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('retained until 2056-01-01'),
    });
    await expect(
      h.client.deleteDocument({ id: statement.document!.id, reason: 'tidy' }, h.as('shManager')),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('finds archives by number, application and date, within the caller’s branches', async () => {
    h.clock.set('2026-02-10T04:00:00.000Z');
    const { applicationId } = givenApplication(h);
    await file(applicationId, 'credit_report');
    const { archive } = await h.client.archiveOwner(
      { owner: { kind: 'application', id: applicationId }, reason: 'test' },
      h.as('admin'),
    );
    const search = (who: 'hqRisk' | 'auditor', extra: Record<string, unknown>) =>
      h.client.searchArchive(
        {
          archiveNumber: '',
          applicationId: '',
          customerId: '',
          branchId: '',
          archivedFrom: '',
          archivedTo: '',
          documentType: '',
          pageToken: '',
          pageSize: 0,
          ...extra,
        },
        h.as(who),
      );
    const byNumber = await search('hqRisk', { archiveNumber: archive!.archiveNumber });
    expect(byNumber.archives).toEqual([archive]);
    expect(byNumber.documents.map((d) => d.documentType)).toEqual(['credit_report']);
    const byDay = await search('auditor', {
      applicationId,
      archivedFrom: '2026-02-10',
      archivedTo: '2026-02-10',
    });
    expect(byDay.archives.map((a) => a.archiveNumber)).toEqual([archive!.archiveNumber]);
    expect((await search('auditor', { applicationId, archivedTo: '2026-02-09' })).archives).toEqual(
      [],
    );
    await expect(search('auditor', { branchId: 'BJ001' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(
      search('hqRisk', { applicationId: 'x', archivedFrom: '2026-02-30', pageSize: 500 }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'applicationId', reason: 'must be a UUID' },
        { field: 'archivedFrom', reason: 'must be a date as YYYY-MM-DD' },
        { field: 'pageSize', reason: 'must be from 1 to 200' },
      ],
    });
  });

  it('holds an archived document under legal hold, and refuses an archive without a reason or role, writing nothing', async () => {
    const { applicationId } = givenApplication(h);
    const doc = await file(applicationId, 'income_proof');
    const owner = { kind: 'application', id: applicationId };
    await expect(
      h.client.archiveOwner({ owner, reason: '  ' }, h.as('admin')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'reason', reason: 'is required' }],
    });
    await expect(
      h.client.archiveOwner({ owner, reason: 'mine' }, h.as('shManager')),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.client.archiveOwner(
        { owner: { kind: 'application', id: 'nope' }, reason: 'x' },
        h.as('admin'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'owner.id', reason: 'must be a UUID' }],
    });
    expect(await countRows(h, 'archive_audit', 'owner_id = $1', [applicationId])).toBe(0);
    expect(await h.published('documents.document.archived', applicationId)).toEqual([]);
    const { document } = await h.client.getDocument({ id: doc.document!.id }, h.as('shManager'));
    expect(document).toMatchObject({ status: 'stored', archiveNumber: '', retainUntil: '' });

    const held = await h.client.setLegalHold(
      { documentId: doc.document!.id, hold: true, reason: '诉讼保全' },
      h.as('hqRisk'),
    );
    expect(held.document).toMatchObject({ legalHold: true });
    await expect(
      h.client.setLegalHold(
        { documentId: doc.document!.id, hold: false, reason: '' },
        h.as('hqRisk'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(
      await countRows(h, 'archive_audit', `document_id = $1 AND action = 'legal_hold_set'`, [
        doc.document!.id,
      ]),
    ).toBe(1);
  });

  it('closes the file of a withdrawn or rejected application by itself, once however often the event comes', async () => {
    const withdrawn = givenApplication(h);
    const rejected = givenApplication(h);
    const approved = givenApplication(h);
    for (const a of [withdrawn, rejected, approved]) await file(a.applicationId, 'income_proof');

    const withdrawal = randomUUID();
    const withdrawnEvent = {
      applicationId: withdrawn.applicationId,
      customerId: withdrawn.customerId,
      branchId: 'SH001',
      reason: 'customer changed mind',
    };
    const subject = 'loanflow.applications.application.withdrawn';
    await h.publish(subject, withdrawal, withdrawn.applicationId, withdrawnEvent);
    const archived = await eventually('the withdrawn application archived', async () => {
      const events = await h.published('documents.document.archived', withdrawn.applicationId);
      return events.length ? events : undefined;
    });
    expect(archived).toEqual([expect.objectContaining({ reason: 'application withdrawn' })]);

    // The same event again (a redelivery), then another: once the other is handled, the
    // redelivered one was too — and it changed nothing.
    await h.publish(subject, withdrawal, withdrawn.applicationId, withdrawnEvent);
    const marker = givenApplication(h);
    await file(marker.applicationId, 'income_proof');
    await h.publish(subject, randomUUID(), marker.applicationId, {
      applicationId: marker.applicationId,
    });
    await eventually('the later withdrawal handled', async () =>
      (await countRows(h, 'owners', `id = $1 AND status = 'archived'`, [marker.applicationId])) > 0
        ? true
        : undefined,
    );
    // An application this service filed nothing for has no file to close.
    const unknown = givenApplication(h);
    const unknownEvent = randomUUID();
    await h.publish(subject, unknownEvent, unknown.applicationId, {
      applicationId: unknown.applicationId,
    });
    await eventually('the withdrawal of an unknown application handled', async () =>
      (await countRows(h, 'inbox', 'event_id = $1', [unknownEvent])) > 0 ? true : undefined,
    );
    expect(await countRows(h, 'owners', 'id = $1', [unknown.applicationId])).toBe(0);
    expect(await h.published('documents.document.archived', withdrawn.applicationId)).toEqual(
      archived,
    );
    expect(await countRows(h, 'archive_audit', 'owner_id = $1', [withdrawn.applicationId])).toBe(1);

    const process = (businessKey: string, decision: string) =>
      h.publish('loanflow.workflow.process.completed', randomUUID(), randomUUID(), {
        instanceId: randomUUID(),
        businessKey,
        decision,
      });
    await process(approved.applicationId, 'approved');
    await process(rejected.applicationId, 'rejected');
    await eventually('the rejected application archived', async () => {
      const events = await h.published('documents.document.archived', rejected.applicationId);
      return events.length ? events : undefined;
    });
    expect(await h.published('documents.document.archived', rejected.applicationId)).toEqual([
      expect.objectContaining({ reason: 'application rejected' }),
    ]);
    // The approval came first on the same consumer: handled, and it archived nothing.
    expect(await h.published('documents.document.archived', approved.applicationId)).toEqual([]);
  });
});
