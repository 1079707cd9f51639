// Every event type the read models are built from, and the schema version each knows.
import { applicationProjections, contractProjections } from './applications';
import { directoryProjections } from './directory';
import { ledgerProjections } from './ledger';
import { loanProjections } from './loans';
import { postLoanProjections } from './post-loan';
import type { Projections } from './projection';
import { workflowProjections } from './workflow';

export { project, type Projection, type Projections } from './projection';

export const PROJECTIONS: Projections = {
  ...directoryProjections,
  ...applicationProjections,
  ...contractProjections,
  ...workflowProjections,
  ...loanProjections,
  ...ledgerProjections,
  ...postLoanProjections,
};
