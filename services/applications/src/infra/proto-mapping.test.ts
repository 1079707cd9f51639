import { documentTypeWords, repaymentMethodWords } from '@loanflow/proto';
import { DOCUMENT_TYPES } from '../domain/products';
import { REPAYMENT_METHODS } from '../domain/schedule';

// The domain's words are those of the one vocabulary (loanflow.common.v1): checked here, where
// proto meets domain, so that the domain itself imports no proto.
describe('the vocabulary the domain shares with the protos', () => {
  it('document types are the words of loanflow.common.v1.DocumentType', () => {
    expect([...DOCUMENT_TYPES]).toEqual(documentTypeWords.words);
  });

  it('repayment methods are the words of loanflow.common.v1.RepaymentMethod', () => {
    expect(REPAYMENT_METHODS).toEqual(repaymentMethodWords.words);
  });
});
