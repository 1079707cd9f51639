import { accountingEventsV1, documentEventsV1, workflowEventsV1 } from '@loanflow/proto';
import { decodeEventData, UndecodableEvent } from './decode';

const event = (type: string, data: unknown) => ({ type, data });
const disbursed = (data: unknown) =>
  decodeEventData(accountingEventsV1.LoanDisbursed, event('accounting.loan.disbursed', data), [
    'loanId',
  ]);
const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof UndecodableEvent) return err.reason;
    throw err;
  }
  return '(decoded)';
};

describe('decodeEventData: event data through its generated message', () => {
  it('decodes what the producer wrote', () => {
    const loan = disbursed({ loanId: 'L1', tranche: 2, amount: '1000.00', applicationId: 'A1' });
    expect(loan).toMatchObject({
      loanId: 'L1',
      tranche: 2,
      amount: '1000.00',
      applicationId: 'A1',
    });
  });

  it('accepts what proto3 JSON allows: a number as a decimal string, unknown fields, nulls', () => {
    expect(disbursed({ loanId: 'L1', tranche: '3' }).tranche).toBe(3);
    expect(disbursed({ loanId: 'L1', addedLater: { x: 1 } }).loanId).toBe('L1');
    expect(disbursed({ loanId: 'L1', applicationId: null }).applicationId).toBeUndefined();
  });

  it.each([
    [{ loanId: 7 }, 'accounting.loan.disbursed: loanId must be a string'],
    [{ loanId: 'L1', tranche: 'one' }, 'accounting.loan.disbursed: tranche must be a number'],
    [{ loanId: 'L1', tranche: true }, 'accounting.loan.disbursed: tranche must be a number'],
    [{ tranche: 1 }, 'accounting.loan.disbursed: missing loanId'],
    [{ loanId: '' }, 'accounting.loan.disbursed: missing loanId'],
    [[1, 2], 'accounting.loan.disbursed: data must be a JSON object'],
    ['text', 'accounting.loan.disbursed: data must be a JSON object'],
  ])('refuses %j: %s', (data, why) => {
    expect(reason(() => disbursed(data))).toBe(why);
  });

  it('checks nested messages and lists, and enums by name or number', () => {
    const signed = (data: unknown) =>
      decodeEventData(documentEventsV1.ContractSigned, event('documents.contract.signed', data), [
        'contractId',
      ]);
    expect(reason(() => signed({ contractId: 'C1', terms: { amount: 5, termMonths: 12 } }))).toBe(
      'documents.contract.signed: terms.amount must be a string',
    );
    expect(reason(() => signed({ contractId: 'C1', parties: 'all' }))).toBe(
      'documents.contract.signed: parties must be a list',
    );
    expect(
      signed({ contractId: 'C1', terms: { repaymentMethod: 'REPAYMENT_METHOD_BULLET' } }).terms
        ?.repaymentMethod,
    ).toBe('REPAYMENT_METHOD_BULLET');
    const task = decodeEventData(
      workflowEventsV1.ProcessCompleted,
      event('x.y.z', { instanceId: 'I' }),
      ['instanceId'],
    );
    expect(task.instanceId).toBe('I');
  });
});
