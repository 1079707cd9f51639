// 利率: rate changes by agreement, and the loan prime rate (LPR) floating loans follow.
import {
  failedPrecondition,
  invalidArgument,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
} from '@loanflow/platform';
import { formatRate, formatRatePercent, RATE_CEILING, RATE_CEILING_PERCENT } from '../domain/money';
import { toIso } from '../infra/loan-repo';
import { insertAgreedRateChange, insertLpr, lprPublishedFor } from '../infra/rate-repo';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { DISBURSERS, type AccountingDeps } from './deps';
import { Fields } from './input';
import { lockedLoan } from './loan-book';

/** A rate change by recorded agreement, taking effect on a later business date (applied by the end of day). */
export async function recordRateChange(
  deps: AccountingDeps,
  p: Principal,
  req: {
    commandId: string;
    loanId: string;
    annualRatePercent: string;
    effectiveDate: string;
    reference: string;
  },
): Promise<{ id: string; effectiveDate: string }> {
  requireRole(p, DISBURSERS, 'changing a loan rate');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const newRate = f.rate('annualRatePercent', req.annualRatePercent);
  if (newRate !== undefined && newRate >= RATE_CEILING)
    f.fail('annualRatePercent', `must be below ${RATE_CEILING_PERCENT}% a year`);
  const effective = f.date('effectiveDate', req.effectiveDate);
  const reference = f.text('reference', req.reference, { required: true, max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RecordRateChange', p, async () => {
      const today = await postingDate(tx);
      if (effective! <= today)
        throw invalidArgument([
          {
            field: 'effectiveDate',
            reason: `must be after the open business date ${toIso(today)}`,
          },
        ]);
      const record = await lockedLoan(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (record.state.status !== 'active')
        throw failedPrecondition(`the loan is ${record.state.status}`);
      if (record.meta.rateType !== 'fixed')
        throw failedPrecondition(
          'a floating-rate loan follows the LPR; it changes on its repricing date',
        );
      const id = uuidv7();
      const recorded = await insertAgreedRateChange(tx, {
        id,
        loanId: loanId!,
        effective: effective!,
        rate: newRate!,
        reference: reference!,
        recordedBy: p.userId,
      });
      if (!recorded)
        throw failedPrecondition(`a rate change on ${toIso(effective!)} is already recorded`);
      return { id, effectiveDate: toIso(effective!) };
    }),
  );
}

/** Publishes a loan prime rate; floating loans take it on their next repricing date. */
export async function publishLpr(
  deps: AccountingDeps,
  p: Principal,
  req: { term: string; ratePercent: string; effectiveDate: string },
): Promise<{ term: string; ratePercent: string; effectiveDate: string }> {
  requireRole(p, ['admin', 'risk_manager'], 'publishing the LPR');
  const f = new Fields();
  const term = f.oneOf('term', req.term, ['1Y', '5Y'] as const);
  const r = f.rate('ratePercent', req.ratePercent, 4);
  const effective = f.date('effectiveDate', req.effectiveDate);
  if (r !== undefined && r === 0n) f.fail('ratePercent', 'must be greater than zero');
  if (r !== undefined && r >= RATE_CEILING)
    f.fail('ratePercent', `must be below ${RATE_CEILING_PERCENT}% a year`);
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const today = await postingDate(tx);
    if (effective! < today)
      throw invalidArgument([
        {
          field: 'effectiveDate',
          reason: `must not be before the open business date ${toIso(today)}`,
        },
      ]);
    const published = await lprPublishedFor(tx, term!, effective!);
    if (published === undefined)
      await insertLpr(tx, { term: term!, effective: effective!, rate: r!, publishedBy: p.userId });
    else if (published !== r)
      throw failedPrecondition(
        `the ${term} LPR of ${toIso(effective!)} is already published as ${formatRate(published)}`,
      );
    return { term: term!, ratePercent: formatRatePercent(r!), effectiveDate: toIso(effective!) };
  });
}
