// The one vocabulary's enums (loanflow.common.v1) in the OpenAPI document: from the proto enum
// values, never retyped, so the document, the validators and the services cannot drift apart.
import { documentTypeWords, rateBasisWords, repaymentMethodWords } from '@loanflow/proto';

export const repaymentMethodSchema = { type: 'string', enum: [...repaymentMethodWords.words] };
export const documentTypeSchema = { type: 'string', enum: [...documentTypeWords.words] };
export const rateBasisSchema = { type: 'string', enum: [...rateBasisWords.words] };
