import {
  alreadyExists,
  canAccessBranch,
  HEAD_OFFICE,
  hasRole,
  invalidArgument,
  isUuid,
  notFound,
  uuidv7,
  type FieldViolation,
  type PiiProtector,
  type Pool,
  type Principal,
  type Role,
} from '@loanflow/platform';
import type { Check } from '../domain/field';
import {
  checkCreditCode,
  checkMobile,
  checkResidentId,
  maskMobile,
  maskResidentId,
  maskResidentIdBesideBirthDate,
} from '../domain/identity';
import { formatAmount, parseAmount } from '../domain/money';
import {
  customerById,
  findCustomers,
  existingCustomer,
  insertCustomer,
  type CustomerCriterion,
  type CustomerRow,
} from '../infra/customer-repo';
import { branchScopeOf, FRONT_OFFICE, requireBranch, requireRole } from './access';
import type { Customer, CustomerType } from './model';
import { decodeCursor, encodeCursor, pageSize } from './pagination';

export interface CreateCustomerCommand {
  type: CustomerType | '';
  name: string;
  branchId: string;
  individual?: {
    residentId: string;
    mobile: string;
    address: string;
    occupation: string;
    employer: string;
    monthlyIncome: string;
  };
  corporate?: {
    creditCode: string;
    legalRepresentative: string;
    registeredCapital: string;
    industry: string;
    annualRevenue: string;
    contactMobile: string;
  };
}

/** Blind-index domains: one per kind of identifier so values do not link across columns. */
export const INDEX_DOMAIN = {
  residentId: 'resident_id',
  mobile: 'mobile',
  creditCode: 'credit_code',
} as const;

export interface CustomerDeps {
  pool: Pool;
  pii: PiiProtector;
}

class Violations {
  readonly list: FieldViolation[] = [];
  /** Records a failed check under `field`; returns the value when it passed. */
  take<T>(field: string, check: Check<T>): T | undefined {
    if (check.ok) return check.value;
    this.list.push({ field, reason: check.reason });
    return undefined;
  }
  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }
  text(field: string, value: string, opts: { required?: boolean; max: number }): string {
    const v = value.trim();
    if (opts.required && !v) this.add(field, 'is required');
    else if (v.length > opts.max) this.add(field, `must be at most ${opts.max} characters`);
    return v;
  }
  optionalAmount(field: string, raw: string): string | undefined {
    if (!raw.trim()) return undefined;
    const d = this.take(field, parseAmount(raw.trim(), { allowZero: true }));
    return d ? formatAmount(d) : undefined;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw invalidArgument(this.list);
  }
}

export { Violations };

/**
 * The roles shown an individual's birth date: those who assess the borrower (age at maturity,
 * the committee's file). Everyone else — the front office that entered the number, the back
 * office, auditors — sees no birth date (the pre-assessment computes the age rules itself).
 */
export const SEES_BIRTH_DATE: readonly Role[] = [
  'credit_officer',
  'pre_meeting_reviewer',
  'committee_member',
  'committee_chair',
  'risk_manager',
  'final_approver',
];

/**
 * An individual customer as `actor` may see them: the resident ID number never rebuildable from
 * what is shown together. Without the birth date: province + last 4 (6 of 18 characters). With
 * it: province + birth date (10 of 18), the county and the last 4 hidden. The whole number only
 * through GetBorrowerIdentity, with a purpose, recorded.
 */
export function customerShownTo(actor: Principal, c: Customer): Customer {
  if (c.type !== 'individual') return c;
  const individual = hasRole(actor, ...SEES_BIRTH_DATE)
    ? {
        ...c.individual,
        residentIdMasked: maskResidentIdBesideBirthDate(c.individual.residentIdMasked),
      }
    : { ...c.individual, birthDate: '' };
  return { ...c, individual };
}

export async function createCustomer(
  deps: CustomerDeps,
  actor: Principal,
  cmd: CreateCustomerCommand,
): Promise<Customer> {
  requireRole(actor, FRONT_OFFICE, 'entering a customer');
  const v = new Violations();
  const name = v.text('name', cmd.name, { required: true, max: 200 });
  const branchId = cmd.branchId.trim() || actor.branchId;
  if (branchId === HEAD_OFFICE)
    v.add('branchId', 'customers belong to a branch, not to the head office');
  const row: CustomerRow = {
    id: uuidv7(),
    type: 'individual',
    name,
    branchId,
    createdBy: actor.userId,
  };

  if (cmd.type === 'individual') {
    const p = cmd.individual;
    if (!p) v.add('individual', 'is required for an individual customer');
    else {
      const id = v.take('individual.residentId', checkResidentId(p.residentId));
      const mobile = v.take('individual.mobile', checkMobile(p.mobile));
      Object.assign(row, {
        type: 'individual',
        address: v.text('individual.address', p.address, { max: 500 }),
        occupation: v.text('individual.occupation', p.occupation, { max: 100 }),
        employer: v.text('individual.employer', p.employer, { max: 200 }),
        monthlyIncome: v.optionalAmount('individual.monthlyIncome', p.monthlyIncome),
      });
      if (id) {
        row.residentIdEnc = deps.pii.encrypt(id.normalized);
        row.residentIdIdx = deps.pii.blindIndex(INDEX_DOMAIN.residentId, id.normalized);
        row.residentIdMasked = maskResidentId(id.normalized);
        row.birthDate = id.birthDate;
        row.sex = id.sex;
      }
      if (mobile) Object.assign(row, protectMobile(deps.pii, mobile.normalized));
    }
  } else if (cmd.type === 'corporate') {
    const p = cmd.corporate;
    if (!p) v.add('corporate', 'is required for a corporate customer');
    else {
      const code = v.take('corporate.creditCode', checkCreditCode(p.creditCode));
      Object.assign(row, {
        type: 'corporate',
        creditCode: code?.normalized,
        legalRepresentative: v.text('corporate.legalRepresentative', p.legalRepresentative, {
          required: true,
          max: 100,
        }),
        industry: v.text('corporate.industry', p.industry, { max: 100 }),
        registeredCapital: v.optionalAmount('corporate.registeredCapital', p.registeredCapital),
        annualRevenue: v.optionalAmount('corporate.annualRevenue', p.annualRevenue),
      });
      if (p.contactMobile.trim()) {
        const mobile = v.take('corporate.contactMobile', checkMobile(p.contactMobile));
        if (mobile) Object.assign(row, protectMobile(deps.pii, mobile.normalized));
      }
    }
  } else {
    v.add('type', 'must be individual or corporate');
  }
  v.throwIfAny();
  requireBranch(actor, branchId, 'the customer');

  const created = await insertCustomer(deps.pool, row);
  if (!created) throw await duplicateOf(deps, actor, row);
  return customerShownTo(actor, created);
}

/**
 * The identity number (credit code) is already a customer's. Within the caller's branch scope
 * the answer names that customer, so the account manager can go on with them; outside it, the
 * answer says only that the number is taken (the bank has one customer per number) — neither
 * which customer nor which branch.
 */
async function duplicateOf(deps: CustomerDeps, actor: Principal, row: CustomerRow) {
  const what = row.type === 'individual' ? 'resident ID number' : 'unified social credit code';
  const existing = await existingCustomer(deps.pool, row);
  if (!existing || !canAccessBranch(actor, existing.branchId))
    return alreadyExists(`a customer with this ${what} already exists`);
  return alreadyExists(`a customer with this ${what} already exists: ${existing.id}`, {
    existingCustomerId: existing.id,
  });
}

function protectMobile(pii: PiiProtector, normalized: string): Partial<CustomerRow> {
  return {
    mobileEnc: pii.encrypt(normalized),
    mobileIdx: pii.blindIndex(INDEX_DOMAIN.mobile, normalized),
    mobileMasked: maskMobile(normalized),
  };
}

export async function getCustomer(
  deps: CustomerDeps,
  actor: Principal,
  id: string,
): Promise<Customer> {
  if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  const customer = await customerById(deps.pool, id);
  if (!customer) throw notFound(`customer ${id}`);
  requireBranch(actor, customer.branchId, 'the customer');
  return customerShownTo(actor, customer);
}

export interface FindCustomersQuery {
  residentId: string;
  creditCode: string;
  mobile: string;
  namePrefix: string;
  pageSize: number;
  pageToken: string;
}

export async function searchCustomers(
  deps: CustomerDeps,
  actor: Principal,
  q: FindCustomersQuery,
): Promise<{ customers: Customer[]; nextPageToken: string }> {
  const given = (['residentId', 'creditCode', 'mobile', 'namePrefix'] as const).filter(
    (k) => q[k].trim() !== '',
  );
  if (given.length !== 1) {
    throw invalidArgument([
      {
        field: given[1] ?? 'residentId',
        reason: 'give exactly one of residentId, creditCode, mobile, namePrefix',
      },
    ]);
  }
  const v = new Violations();
  let criterion: CustomerCriterion | undefined;
  switch (given[0]) {
    case 'residentId': {
      const id = v.take('residentId', checkResidentId(q.residentId));
      if (id)
        criterion = {
          by: 'residentIdIdx',
          value: deps.pii.blindIndex(INDEX_DOMAIN.residentId, id.normalized),
        };
      break;
    }
    case 'mobile': {
      const m = v.take('mobile', checkMobile(q.mobile));
      if (m)
        criterion = {
          by: 'mobileIdx',
          value: deps.pii.blindIndex(INDEX_DOMAIN.mobile, m.normalized),
        };
      break;
    }
    case 'creditCode': {
      const c = v.take('creditCode', checkCreditCode(q.creditCode));
      if (c) criterion = { by: 'creditCode', value: c.normalized };
      break;
    }
    default:
      criterion = {
        by: 'namePrefix',
        value: v.text('namePrefix', q.namePrefix, { required: true, max: 200 }),
      };
  }
  const size = pageSize(q.pageSize);
  const after = decodeCursor(q.pageToken, 2);
  v.throwIfAny();
  const rows = await findCustomers(
    deps.pool,
    criterion!,
    { branchIds: branchScopeOf(actor) ?? undefined },
    { size, after },
  );
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    customers: page.map((c) => customerShownTo(actor, c)),
    nextPageToken: rows.length > size && last ? encodeCursor([last.name, last.id]) : '',
  };
}
