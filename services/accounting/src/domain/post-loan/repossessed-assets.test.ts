import { describe, expect, it } from '@jest/globals';
import {
  checkAsset,
  checkDisposal,
  disposalGainOrLoss,
  sameDisposal,
  type AssetInput,
  type DisposalInput,
} from './repossessed-assets';

describe('checkAsset', () => {
  const ctx = { loanOpenedOn: '2023-05-20', today: '2025-06-30' };
  const flat: AssetInput = {
    requestId: 'ra-1',
    assetType: 'real_estate',
    description: '上海市浦东新区某路 88 弄 5 号 1201 室, 89.5 m²',
    valuationAmount: '2350000',
    valuationDate: '2025-03-15',
    acquiredOn: '2025-04-01',
    settledAmount: '1980000.00',
    bookValue: '1980000.00',
    notes: '',
  };
  const fields = (input: Partial<AssetInput>) => {
    const r = checkAsset({ ...flat, ...input }, ctx);
    return r.ok ? [] : r.violations;
  };

  it('takes a flat taken in settlement, amounts to 2 places', () => {
    expect(checkAsset(flat, ctx)).toEqual({
      ok: true,
      value: { ...flat, valuationAmount: '2350000.00' },
    });
  });

  it('refuses an unknown type and a missing description', () => {
    expect(fields({ assetType: 'boat', description: '' })).toEqual([
      {
        field: 'assetType',
        reason: 'must be one of real_estate, vehicle, equipment, equity, other',
      },
      { field: 'description', reason: 'is required' },
    ]);
  });

  it.each(['valuationAmount', 'settledAmount', 'bookValue'] as const)(
    'wants %s a positive amount with at most 2 places',
    (field) => {
      expect(fields({ [field]: '0.00' })).toEqual([{ field, reason: 'must be greater than 0' }]);
      expect(fields({ [field]: '-1' })).toEqual([{ field, reason: 'must not be negative' }]);
      expect(fields({ [field]: '1.001' })).toEqual([
        { field, reason: 'must have at most 2 decimal places' },
      ]);
      expect(fields({ [field]: '1 000' })).toEqual([
        { field, reason: 'must be a decimal string of yuan such as "1500.00"' },
      ]);
    },
  );

  it.each(['valuationDate', 'acquiredOn'] as const)(
    'wants %s a real date after the loan opened and not in the future',
    (field) => {
      expect(fields({ [field]: '2025-02-29' })).toEqual([
        { field, reason: '2025-02-29 is not a real calendar date' },
      ]);
      expect(fields({ [field]: '2023-05-19' })).toEqual([
        { field, reason: 'must not be before the day the loan was opened (2023-05-20)' },
      ]);
      expect(fields({ [field]: '2025-07-01' })).toEqual([
        { field, reason: 'must not be in the future (today is 2025-06-30)' },
      ]);
      expect(fields({ [field]: '01/04/2025' })).toEqual([
        { field, reason: 'must be a date in the form YYYY-MM-DD' },
      ]);
    },
  );

  it('takes a book value above the settled amount (a difference paid in cash)', () => {
    expect(fields({ bookValue: '2000000.00' })).toEqual([]);
  });

  it('refuses a settled amount or book value above the valuation, and absurd sums', () => {
    expect(fields({ settledAmount: '2350000.00', bookValue: '2350000.00' })).toEqual([]);
    expect(fields({ settledAmount: '2350000.01', bookValue: '999999999999999.99' })).toEqual([
      { field: 'bookValue', reason: 'must be at most 1000000000000.00 (one trillion yuan)' },
      { field: 'settledAmount', reason: 'must not exceed the valuation (2350000.00)' },
    ]);
    expect(fields({ bookValue: '2350000.01' })).toEqual([
      { field: 'bookValue', reason: 'must not exceed the valuation (2350000.00)' },
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      fields({
        requestId: '',
        assetType: '',
        description: ' ',
        valuationAmount: '',
        valuationDate: '',
        acquiredOn: '',
        settledAmount: '',
        bookValue: '',
        notes: 'x'.repeat(4001),
      }).map((v) => v.field),
    ).toEqual([
      'requestId',
      'assetType',
      'description',
      'valuationAmount',
      'valuationDate',
      'acquiredOn',
      'settledAmount',
      'bookValue',
      'notes',
    ]);
  });
});

describe('checkDisposal', () => {
  const asset = { acquiredOn: '2025-04-01', valuationAmount: '2350000.00' };
  const today = '2025-06-30';
  const sale: DisposalInput = {
    disposedOn: '2025-06-18',
    proceeds: '2100000',
    method: 'auction',
    notes: '',
  };
  const fields = (input: Partial<DisposalInput>) => {
    const r = checkDisposal({ ...sale, ...input }, asset, today);
    return r.ok ? [] : r.violations;
  };

  it('takes an auction sale', () => {
    expect(checkDisposal(sale, asset, today)).toEqual({
      ok: true,
      value: { ...sale, proceeds: '2100000.00' },
    });
  });

  it('the disposal date is on or after the acquisition and not in the future', () => {
    expect(fields({ disposedOn: '2025-04-01' })).toEqual([]);
    expect(fields({ disposedOn: '2025-03-31' })).toEqual([
      {
        field: 'disposedOn',
        reason: 'must not be before the day the asset was acquired (2025-04-01)',
      },
    ]);
    expect(fields({ disposedOn: '2025-07-01' })).toEqual([
      { field: 'disposedOn', reason: 'must not be in the future (today is 2025-06-30)' },
    ]);
  });

  it('refuses zero, negative or over-precise proceeds and unknown methods', () => {
    expect(fields({ proceeds: '0', method: 'gift' })).toEqual([
      { field: 'proceeds', reason: 'must be greater than 0' },
      {
        field: 'method',
        reason: 'must be one of auction, negotiated_sale, transfer_to_own_use, other',
      },
    ]);
    expect(fields({ proceeds: '99.999' })).toEqual([
      { field: 'proceeds', reason: 'must have at most 2 decimal places' },
    ]);
  });

  it('refuses proceeds above three times the valuation', () => {
    expect(fields({ proceeds: '7050000.00' })).toEqual([]);
    expect(fields({ proceeds: '7050000.01' })).toEqual([
      { field: 'proceeds', reason: 'must not exceed 3 times the valuation (2350000.00)' },
    ]);
  });

  it('needs notes when the method is other', () => {
    expect(fields({ method: 'other' })).toEqual([
      { field: 'notes', reason: 'say how the asset went when the method is other' },
    ]);
    expect(fields({ method: 'other', notes: 'donated to the county school' })).toEqual([]);
  });

  it('tells a repeated disposal from a contradicting one', () => {
    const recorded = { ...sale, proceeds: '2100000.00', method: 'auction' as const };
    expect(sameDisposal(recorded, { ...recorded, notes: 'retry' })).toBe(true);
    expect(sameDisposal(recorded, { ...recorded, proceeds: '2100000.01' })).toBe(false);
    expect(sameDisposal(recorded, { ...recorded, disposedOn: '2025-06-19' })).toBe(false);
  });
});

describe('disposalGainOrLoss', () => {
  it('is proceeds less book value, to the fen', () => {
    expect(disposalGainOrLoss('1980000.00', '2100000.00')).toBe('120000.00');
    expect(disposalGainOrLoss('1980000.00', '1500000.10')).toBe('-479999.90');
    expect(disposalGainOrLoss('0.10', '0.30')).toBe('0.20');
    expect(disposalGainOrLoss('100.00', '100.00')).toBe('0.00');
    expect(disposalGainOrLoss('999999999999999.99', '0.01')).toBe('-999999999999999.98');
  });
});
