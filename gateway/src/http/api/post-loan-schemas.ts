/**
 * The schemas of 贷后管理 at the edge (the accounting service's PostLoanService): inspections,
 * collection cases, lawsuits and repossessed assets. Enum words come from post-loan-words.ts.
 */
import { z } from 'zod';
import { amount, branchId, words } from './accounting-schemas';
import {
  actionKindWords,
  assetTypeWords,
  caseStatusWords,
  closeReasonWords,
  disposalMethodWords,
  inspectionKindWords,
  inspectionResultWords,
  list,
  litigationStatusWords,
  outcomeWords,
  promiseStatusWords,
} from './post-loan-words';
import { isoDate, money, name, page, text, timestamp, uuid } from './schemas';

const inspectionKind = words(list(inspectionKindWords), 'inspection kind');
const inspectionResult = words(list(inspectionResultWords), 'inspection result');
export const caseStatus = words(list(caseStatusWords), 'case status');
const actionKind = words(list(actionKindWords), 'collection action');
const outcome = words(list(outcomeWords), 'outcome');
const closeReason = words(list(closeReasonWords), 'close reason');
const promiseStatus = words(list(promiseStatusWords), 'promise status');
const litigationStatus = words(list(litigationStatusWords), 'lawsuit status');
const assetType = words(list(assetTypeWords), 'asset type');
const disposalMethod = words(list(disposalMethodWords), 'disposal method');

// ---- Requests ----

/** Days of an inspection plan, with the reason the service gives. */
const planDays = (min: number) => {
  const reason = `must be a whole number of days from ${min} to 3660`;
  return z.number({ error: reason }).int(reason).min(min, reason).max(3660, reason);
};
export const InspectionPlanRequest = z.strictObject({
  frequencyDays: planDays(1),
  firstAfterDays: planDays(0),
});
export const InspectionPlanParams = z.strictObject({
  productCode: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be a product code such as PERSONAL_CONSUMER'),
});
export const InspectionRequest = z
  .strictObject({
    inspectedOn: isoDate,
    inspector: text(100).meta({ description: 'Who inspected; the caller when absent' }).optional(),
    kind: inspectionKind,
    findings: name(4000),
    riskSignals: z
      .array(name(200), { error: 'must be a list of strings' })
      .max(20, 'must list at most 20 signals')
      .meta({ description: 'At least one when the result is risk' })
      .optional(),
    result: inspectionResult,
  })
  .meta({ id: 'InspectionRequest' });
export const DueQuery = z.strictObject({
  date: isoDate
    .meta({ description: 'Due on or before; default the open business date' })
    .optional(),
  branchId: branchId.optional(),
  ...page,
});
export const CaseRequest = z.strictObject({
  openedOn: isoDate,
  officer: text(100).optional(),
  reason: text(1000).optional(),
});
export const CaseQuery = z.strictObject({
  branchId: branchId
    .meta({ description: 'Head-office staff may narrow to one branch; others see their own' })
    .optional(),
  status: caseStatus.optional(),
  ...page,
});
export const ActionRequest = z.strictObject({
  kind: actionKind,
  actionOn: isoDate,
  officer: text(100).optional(),
  contactPerson: name(200),
  notes: text(4000).optional(),
  outcome,
});
export const PromiseRequest = z.strictObject({
  amount,
  promisedDate: isoDate,
  notes: text(4000).optional(),
});
export const PromiseResolution = z.strictObject({
  status: z.enum(['kept', 'broken'], { error: 'must be kept or broken' }),
  resolvedOn: isoDate,
  notes: text(4000).optional(),
});
export const CloseRequest = z.strictObject({
  reason: closeReason,
  closedOn: isoDate,
  notes: text(4000).optional(),
});
export const LitigationRequest = z.strictObject({
  court: name(200),
  caseNumber: text(100).optional(),
  filedOn: isoDate,
  legalCosts: amount.optional(),
  notes: text(4000).optional(),
});
export const LitigationStatusRequest = z.strictObject({
  status: litigationStatus,
  changedOn: isoDate,
  judgementAmount: amount.meta({ description: 'Only when judged' }).optional(),
  judgementDate: isoDate.optional(),
  legalCosts: amount.optional(),
  caseNumber: text(100).optional(),
  notes: text(4000).optional(),
});
export const AssetRequest = z.strictObject({
  assetType,
  description: name(2000),
  valuationAmount: amount,
  valuationDate: isoDate,
  acquiredOn: isoDate,
  settledAmount: amount,
  bookValue: amount,
  notes: text(4000).optional(),
});
export const DisposalRequest = z.strictObject({
  disposedOn: isoDate,
  proceeds: amount,
  method: disposalMethod,
  notes: text(4000).optional(),
});

// ---- Answers ----

const nullableDate = isoDate.nullable();

export const PostLoanLoanRef = z
  .object({
    loanId: uuid,
    loanNumber: z.string(),
    branchId: z.string(),
    customerId: z.string(),
    productCode: z.string(),
  })
  .meta({ id: 'PostLoanLoanRef' });
const loanRef = PostLoanLoanRef.nullable();

export const InspectionPlan = z
  .object({
    productCode: z.string(),
    frequencyDays: z.int(),
    firstAfterDays: z.int(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'InspectionPlan' });

export const Inspection = z
  .object({
    id: uuid,
    requestId: z.string().meta({ description: 'The command id the inspection was recorded under' }),
    loanId: uuid,
    inspectedOn: isoDate,
    inspector: z.string(),
    kind: inspectionKind.nullable(),
    findings: z.string(),
    riskSignals: z.array(z.string()),
    result: inspectionResult.nullable(),
    recordedBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'Inspection' });

export const DueInspection = z
  .object({
    loan: loanRef,
    openedOn: isoDate,
    lastInspectedOn: nullableDate,
    dueOn: isoDate,
    daysOverdue: z.int().meta({ description: '0 on the due date' }),
    plan: InspectionPlan.nullable(),
  })
  .meta({ id: 'DueInspection' });

export const CollectionAction = z
  .object({
    id: uuid,
    requestId: z.string(),
    caseId: uuid,
    kind: actionKind.nullable(),
    actionOn: isoDate,
    officer: z.string(),
    contactPerson: z.string(),
    notes: z.string(),
    outcome: outcome.nullable(),
    recordedBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'CollectionAction' });

export const PaymentPromise = z
  .object({
    id: uuid,
    requestId: z.string(),
    caseId: uuid,
    amount: money,
    promisedDate: isoDate,
    notes: z.string(),
    status: promiseStatus.nullable(),
    resolvedOn: nullableDate,
    resolutionNotes: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    recordedBy: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'PaymentPromise' });

const caseShape = {
  id: uuid,
  requestId: z.string(),
  loan: loanRef,
  status: caseStatus.nullable(),
  openedOn: isoDate,
  officer: z.string(),
  reason: z.string(),
  daysPastDueAtOpen: z.int(),
  openedBy: z.string(),
  closedOn: nullableDate,
  closeReason: closeReason.nullable(),
  closeNotes: z.string().nullable(),
  closedBy: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
};
/** A case in a list: without its actions and promises. */
export const CollectionCaseSummary = z.object(caseShape).meta({ id: 'CollectionCaseSummary' });
export const CollectionCase = z
  .object({
    ...caseShape,
    actions: z.array(CollectionAction).meta({ description: 'Oldest first' }),
    promises: z.array(PaymentPromise),
  })
  .meta({ id: 'CollectionCase' });

export const Litigation = z
  .object({
    id: uuid,
    requestId: z.string(),
    loan: loanRef,
    court: z.string(),
    caseNumber: z.string().nullable(),
    filedOn: isoDate,
    status: litigationStatus.nullable(),
    judgementAmount: money.nullable(),
    judgementDate: nullableDate,
    legalCosts: money.nullable(),
    notes: z.string(),
    filedBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    history: z
      .array(
        z.object({
          fromStatus: litigationStatus.nullable(),
          toStatus: litigationStatus.nullable(),
          changedOn: isoDate,
          changedBy: z.string(),
          notes: z.string(),
          createdAt: timestamp,
        }),
      )
      .meta({ description: 'Oldest first, starting with the filing (fromStatus null)' }),
  })
  .meta({ id: 'Litigation' });

export const RepossessedAsset = z
  .object({
    id: uuid,
    requestId: z.string(),
    loan: loanRef,
    assetType: assetType.nullable(),
    description: z.string(),
    valuationAmount: money,
    valuationDate: isoDate,
    acquiredOn: isoDate,
    settledAmount: money,
    bookValue: money,
    notes: z.string(),
    registeredBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    disposal: z
      .object({
        disposedOn: isoDate,
        proceeds: money,
        method: disposalMethod.nullable(),
        notes: z.string(),
        disposedBy: z.string(),
        gainOrLoss: z
          .string()
          .regex(/^-?\d{1,15}\.\d{2}$/)
          .meta({ description: 'Proceeds less book value', examples: ['-4800.00'] }),
      })
      .nullable(),
  })
  .meta({ id: 'RepossessedAsset' });

export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextPageToken: z.string().nullable() });
