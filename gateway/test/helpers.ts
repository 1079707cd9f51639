// Shared pieces of the gateway's integration tests: request bodies a banker would send, and the
// checks every refused request must pass (problem+json, the field named, nothing written).
import { randomBytes, randomInt } from 'node:crypto';
import { expect } from '@jest/globals';
import { creditCode, mobile, residentId } from '@loanflow/test/support/identities';
import { api, type ApiResponse, type TestSystem } from '@loanflow/test/support/system';

export const API = '/api/v1';

/** Short unique suffix for names and keys one test owns. */
export const unique = (): string => randomBytes(5).toString('hex');

export interface Violation {
  field: string;
  reason: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: Violation[];
}

/**
 * A random birth date between 1960 and 1999. residentId() varies only 3 digits (500 numbers per
 * birth date and sex), so a fixed birth date makes two customers of one test run collide.
 */
export function randomBirthDate(): string {
  const day = new Date(Date.UTC(1960, 0, 1) + randomInt(0, 40 * 365) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

export function individualBody(
  opts: { name?: string; residentId?: string; mobile?: string; birthDate?: string } = {},
) {
  return {
    type: 'individual',
    name: opts.name ?? `张伟 ${unique()}`,
    individual: {
      residentId: opts.residentId ?? residentId(opts.birthDate ?? randomBirthDate()),
      mobile: opts.mobile ?? mobile(),
      occupation: 'Engineer',
      employer: '上海电气',
      monthlyIncome: '28000',
    },
  };
}

export function corporateBody(opts: { name?: string; creditCode?: string } = {}) {
  return {
    type: 'corporate',
    name: opts.name ?? `上海测试制造有限公司 ${unique()}`,
    corporate: {
      creditCode: opts.creditCode ?? creditCode(),
      legalRepresentative: '王建国',
      registeredCapital: '5000000',
      industry: 'manufacturing',
      annualRevenue: '80000000.5',
      contactMobile: mobile(),
    },
  };
}

/** A personal consumer loan that fits the product (10 000–500 000 yuan, 6–60 months). */
export function draftBody(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId,
    productCode: 'PERSONAL_CONSUMER',
    amount: '120000.00',
    termMonths: 36,
    repaymentMethod: 'equal_installments',
    purpose: 'Home renovation',
    existingMonthlyDebtPayments: '1500',
    ...overrides,
  };
}

/** A customer entered through the API; fails the test when the gateway refuses it. */
export async function createCustomer(
  system: TestSystem,
  token: string,
  body: Record<string, unknown> = individualBody(),
): Promise<Record<string, unknown>> {
  const res = await api(system.baseUrl, 'POST', `${API}/customers`, { token, body });
  expect(res.status).toBe(201);
  return res.body;
}

export async function createApplication(
  system: TestSystem,
  token: string,
  customerId: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await api(system.baseUrl, 'POST', `${API}/applications`, {
    token,
    body: draftBody(customerId, overrides),
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** A problem+json response with `status`; when `field` is given, a violation names it with a reason. */
export function expectProblem(
  res: ApiResponse<unknown>,
  status: number,
  field?: string,
): ProblemBody {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = res.body as unknown as ProblemBody;
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(problem.requestId).toBe(res.headers.get('x-request-id'));
  expect(JSON.stringify(problem)).not.toMatch(/\n\s+at /); // no stack trace
  if (field !== undefined) {
    const violation = problem.errors?.find((e) => e.field === field);
    expect(violation).toBeDefined();
    expect(violation!.reason.length).toBeGreaterThan(0);
  }
  return problem;
}

export interface WriteCounts {
  customers: number;
  applications: number;
  outbox: number;
}

/** Rows the applications service has written: customers, applications and outbox events. */
export async function writeCounts(system: TestSystem): Promise<WriteCounts> {
  const schema = system.schemas.applications;
  const [customers, applications, outbox] = await Promise.all([
    system.count(schema, 'customers'),
    system.count(schema, 'loan_applications'),
    system.count(schema, 'outbox'),
  ]);
  return { customers, applications, outbox };
}

/** Outbox rows of one event type about one subject. */
export async function outboxEvents(
  system: TestSystem,
  eventType: string,
  subjectId: string,
): Promise<number> {
  const { rows } = await system.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${system.schemas.applications}.outbox WHERE event_type = $1 AND subject_id = $2`,
    [eventType, subjectId],
  );
  return rows[0]!.n;
}
