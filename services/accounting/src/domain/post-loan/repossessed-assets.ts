// 抵债资产: assets the bank took in settlement of a loan, with their valuation and book value,
// until they are disposed of. (The ledger posting of the settled amount belongs to the loan book.)
import { formatFen, toFen, Violations, type Validated } from './fields';

export const ASSET_TYPES = ['real_estate', 'vehicle', 'equipment', 'equity', 'other'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const DISPOSAL_METHODS = [
  'auction',
  'negotiated_sale',
  'transfer_to_own_use',
  'other',
] as const;
export type DisposalMethod = (typeof DISPOSAL_METHODS)[number];

export interface AssetInput {
  requestId: string;
  assetType: string;
  description: string;
  valuationAmount: string;
  valuationDate: string;
  acquiredOn: string;
  settledAmount: string;
  bookValue: string;
  notes: string;
}

export interface NewAsset {
  requestId: string;
  assetType: AssetType;
  description: string;
  valuationAmount: string;
  valuationDate: string;
  acquiredOn: string;
  settledAmount: string;
  bookValue: string;
  notes: string;
}

/**
 * An asset taken for a loan opened on `loanOpenedOn`: acquired and valued after the loan was
 * opened and not in the future; every amount a positive sum of yuan and fen. Book value and
 * settled amount are not tied to each other (the bank may have paid a difference in cash), but
 * neither may exceed the valuation: an asset settles no more of a loan than it is worth, and is
 * booked at no more than its fair value.
 */
export function checkAsset(
  input: AssetInput,
  ctx: { loanOpenedOn: string; today: string },
): Validated<NewAsset> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const assetType = v.oneOf('assetType', input.assetType, ASSET_TYPES);
  const description = v.text('description', input.description, { required: true, max: 2000 });
  const valuationAmount = v.amount('valuationAmount', input.valuationAmount);
  const loanOpened = { date: ctx.loanOpenedOn, what: 'the day the loan was opened' };
  const valuationDate = v.dateBetween('valuationDate', input.valuationDate, loanOpened, ctx.today);
  const acquiredOn = v.dateBetween('acquiredOn', input.acquiredOn, loanOpened, ctx.today);
  const settledAmount = v.amount('settledAmount', input.settledAmount);
  const bookValue = v.amount('bookValue', input.bookValue);
  const notes = v.text('notes', input.notes, { max: 4000 });
  if (valuationAmount !== undefined) {
    const worth = toFen(valuationAmount);
    if (settledAmount !== undefined && toFen(settledAmount) > worth)
      v.add('settledAmount', `must not exceed the valuation (${valuationAmount})`);
    if (bookValue !== undefined && toFen(bookValue) > worth)
      v.add('bookValue', `must not exceed the valuation (${valuationAmount})`);
  }
  return v.result(() => ({
    requestId,
    assetType: assetType!,
    description,
    valuationAmount: valuationAmount!,
    valuationDate: valuationDate!,
    acquiredOn: acquiredOn!,
    settledAmount: settledAmount!,
    bookValue: bookValue!,
    notes,
  }));
}

export interface DisposalInput {
  disposedOn: string;
  proceeds: string;
  method: string;
  notes: string;
}

export interface Disposal {
  disposedOn: string;
  proceeds: string;
  method: DisposalMethod;
  notes: string;
}

/** Proceeds may beat the valuation at auction, but not by this factor: beyond it, a typing error. */
export const MAX_PROCEEDS_TO_VALUATION = 3n;

export function checkDisposal(
  input: DisposalInput,
  asset: { acquiredOn: string; valuationAmount: string },
  today: string,
): Validated<Disposal> {
  const v = new Violations();
  const disposedOn = v.dateBetween(
    'disposedOn',
    input.disposedOn,
    { date: asset.acquiredOn, what: 'the day the asset was acquired' },
    today,
  );
  const proceeds = v.amount('proceeds', input.proceeds);
  if (
    proceeds !== undefined &&
    toFen(proceeds) > MAX_PROCEEDS_TO_VALUATION * toFen(asset.valuationAmount)
  )
    v.add(
      'proceeds',
      `must not exceed ${MAX_PROCEEDS_TO_VALUATION} times the valuation (${asset.valuationAmount})`,
    );
  const method = v.oneOf('method', input.method, DISPOSAL_METHODS);
  const notes = v.text('notes', input.notes, { max: 4000 });
  if (method === 'other' && !notes)
    v.add('notes', 'say how the asset went when the method is other');
  return v.result(() => ({ disposedOn: disposedOn!, proceeds: proceeds!, method: method!, notes }));
}

/** Whether a disposal repeats the one recorded (a retried call) rather than contradicting it. */
export const sameDisposal = (a: Disposal, b: Disposal): boolean =>
  a.disposedOn === b.disposedOn && a.proceeds === b.proceeds && a.method === b.method;

/** Proceeds less book value: positive is a gain on disposal, negative a loss. */
export const disposalGainOrLoss = (bookValue: string, proceeds: string): string =>
  formatFen(toFen(proceeds) - toFen(bookValue));
