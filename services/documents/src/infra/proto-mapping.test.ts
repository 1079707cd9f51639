import { describe, expect, it } from '@jest/globals';
import { rateBasisWords, repaymentMethodWords } from '@loanflow/proto';
import { RATE_BASES, REPAYMENT_METHODS } from '../domain/contracts/terms';
import { rateBasisEnum, repaymentMethodEnum, repaymentMethodWord } from './proto-mapping';

describe('the proto mapping of contract terms', () => {
  it('has the domain speak exactly the vocabulary’s words, in its order', () => {
    expect(RATE_BASES).toEqual(rateBasisWords.words);
    expect(REPAYMENT_METHODS).toEqual(repaymentMethodWords.words);
  });

  it('maps each word to its enum value and back', () => {
    expect(rateBasisEnum('lpr_5y')).toBe('RATE_BASIS_LPR_5Y');
    expect(repaymentMethodEnum('interest_only')).toBe('REPAYMENT_METHOD_INTEREST_ONLY');
    expect(repaymentMethodWord('REPAYMENT_METHOD_BULLET')).toBe('bullet');
    expect(repaymentMethodWord('REPAYMENT_METHOD_UNSPECIFIED')).toBe('unspecified');
  });
});
