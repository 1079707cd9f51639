import { describe, expect, it } from '@jest/globals';
import { UndecodableEvent, type EventEnvelope } from '@loanflow/platform';
import { onContractSigned } from './contract-events';

const envelope = (data: unknown): EventEnvelope =>
  ({
    id: '0190a0a0-0000-7000-8000-0000000000e1',
    type: 'documents.contract.signed',
    source: 'documents',
    subjectId: '0190a0a0-0000-7000-8000-0000000000a1',
    occurredAt: '2025-01-15T02:00:00.000Z',
    schemaVersion: 1,
    data,
  }) as EventEnvelope;

/** Refused before any write: the handler never reaches the database. */
const noDatabase = undefined as never;

describe('documents.contract.signed as accounting reads it', () => {
  it('finds a contract of schema 1 (no customer, no terms) undecodable, naming what is missing (the consumer parks it)', async () => {
    const schema1 = {
      contractId: '0190a0a0-0000-7000-8000-0000000000c1',
      contractNumber: 'HT2025000001',
      applicationId: '0190a0a0-0000-7000-8000-0000000000a1',
      signedAt: '2025-01-15T02:00:00.000Z',
    };
    const err = await onContractSigned(envelope(schema1), noDatabase).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndecodableEvent);
    expect((err as UndecodableEvent).reason).toBe(
      'documents.contract.signed: missing customerId, branchId, borrowerName, terms',
    );
  });

  it('finds undecodable a contract whose terms lack the schedule, or whose ids are not UUIDs', async () => {
    const full = {
      contractId: 'HT-1',
      contractNumber: 'HT2025000001',
      applicationId: '0190a0a0-0000-7000-8000-0000000000a1',
      customerId: '0190a0a0-0000-7000-8000-0000000000b1',
      branchId: 'SH001',
      borrowerName: '李明',
      signedAt: '2025-01-15T02:00:00.000Z',
      terms: { amount: '100000.00', annualRatePercent: '4.35', termMonths: 12, schedule: [] },
    };
    const err = await onContractSigned(envelope(full), noDatabase).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndecodableEvent);
    expect((err as UndecodableEvent).reason).toBe(
      'documents.contract.signed: a contract without contractId (a UUID), terms.schedule cannot govern a loan (regenerate the contract)',
    );
    await expect(onContractSigned(envelope('not an object'), noDatabase)).rejects.toBeInstanceOf(
      UndecodableEvent,
    );
  });
});
