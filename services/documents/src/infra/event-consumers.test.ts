import { describe, expect, it } from '@jest/globals';
import { bankCalendar, createLogger, UndecodableEvent, type PoolClient } from '@loanflow/platform';
import { archiveHandlers } from './event-consumers';

const deps = {
  calendar: bankCalendar('Asia/Shanghai', () => new Date('2026-01-01T00:00:00Z')),
  now: () => new Date('2026-01-01T00:00:00Z'),
  log: createLogger('test', 'silent'),
};
/** No query may run: an event that does not decode is refused before anything is read or written. */
const noDatabase = {
  query: () => {
    throw new Error('no query expected');
  },
} as unknown as PoolClient;

const envelope = (type: string, data: unknown) => ({
  id: '0190f000-0000-7000-8000-000000000000',
  type,
  schemaVersion: 1,
  source: type.split('.')[0]!,
  subjectId: 'x',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data,
});

describe('the events the documents service consumes', () => {
  const handlers = archiveHandlers(deps);

  it.each([
    ['loanflow.applications.application.withdrawn', {}, 'missing applicationId'],
    ['loanflow.applications.application.withdrawn', [], 'data must be a JSON object'],
    [
      'loanflow.workflow.process.completed',
      { businessKey: 'k', decision: 'rejected' },
      'missing instanceId',
    ],
    ['loanflow.accounting.loan.disbursed', { applicationId: 'a' }, 'missing loanId'],
    [
      'loanflow.accounting.loan.disbursed',
      { loanId: 'l', tranche: 'first' },
      'tranche must be a number',
    ],
    ['loanflow.accounting.loan.disbursed', { loanId: 7 }, 'loanId must be a string'],
    ['loanflow.accounting.loan.disbursed', null, 'data must be a JSON object'],
  ] as const)('%s with %j is undecodable (%s)', async (subject, data, reason) => {
    const handle = handlers[subject].handle;
    const type = subject.replace(/^loanflow\./, '');
    const refused = handle(envelope(type, data), noDatabase);
    await expect(refused).rejects.toBeInstanceOf(UndecodableEvent);
    await expect(refused).rejects.toMatchObject({ reason: `${type}: ${reason}` });
  });

  it('leaves alone what is none of the archive’s business, reading nothing', async () => {
    await expect(
      handlers['loanflow.workflow.process.completed'].handle(
        envelope('workflow.process.completed', {
          instanceId: 'i',
          businessKey: 'k',
          decision: 'approved',
        }),
        noDatabase,
      ),
    ).resolves.toEqual([]);
    await expect(
      handlers['loanflow.accounting.loan.disbursed'].handle(
        envelope('accounting.loan.disbursed', { loanId: 'l', tranche: 2 }),
        noDatabase,
      ),
    ).resolves.toEqual([]);
  });
});
