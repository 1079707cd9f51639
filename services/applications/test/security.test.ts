import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROLES, type Principal, type Role } from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';
import {
  consumerDraft,
  countRows,
  createIndividual,
  individualRequest,
  residentId,
  rpcError,
  startHarness,
  type Harness,
} from './harness';

/** Positions (0–17) of the resident ID number that what a caller was shown gives away. */
function revealedPositions(id: string, shown: applicationsV1.Customer): Set<number> {
  const known = new Set<number>();
  const masked = shown.individual!.residentIdMasked;
  expect(masked).toHaveLength(18);
  [...masked].forEach((c, i) => {
    if (c !== '*') {
      expect(c).toBe(id[i]);
      known.add(i);
    }
  });
  const born = shown.individual!.birthDate;
  if (born) {
    expect(born.replaceAll('-', '')).toBe(id.slice(6, 14));
    for (let i = 6; i < 14; i++) known.add(i);
  }
  return known;
}

describe('applications service: what callers are shown and told', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('the resident ID number cannot be rebuilt from what any role is shown', () => {
    const assessors: Role[] = [
      'credit_officer',
      'pre_meeting_reviewer',
      'committee_member',
      'committee_chair',
      'risk_manager',
      'final_approver',
    ];

    it.each([...ROLES])('%s', async (role) => {
      const person = residentId();
      const { customer } = await createIndividual(h, 'shManager', { residentId: person.id });
      const reader: Principal = { ...h.principal('shManager'), roles: [role] };

      const got = (await h.client.getCustomer({ id: customer.id }, h.as(reader))).customer!;
      const found = (
        await h.client.findCustomers(
          applicationsV1.FindCustomersRequest.fromPartial({ residentId: person.id }),
          h.as(reader),
        )
      ).customers;

      expect(found).toEqual([got]);
      const known = revealedPositions(person.id, got);
      // Never the county (digits 3–6), so never the whole number, whatever is put together.
      for (let i = 2; i < 6; i++) expect(known.has(i)).toBe(false);
      expect(known.size).toBeLessThanOrEqual(10);
      expect(JSON.stringify(got)).not.toContain(person.id);
      expect(JSON.stringify(got)).not.toContain(person.id.slice(0, 6));
      // The birth date only for those who assess the borrower.
      expect(got.individual!.birthDate).toBe(assessors.includes(role) ? person.birthDate : '');
      if (!assessors.includes(role))
        expect(JSON.stringify(got)).not.toContain(person.id.slice(6, 14));
    });
  });

  describe('X-Request-Id is no command id', () => {
    it('two creates with the same x-request-id and different bodies make two records, for one user or two', async () => {
      const withRequestId = (who: 'shManager' | 'bjManager') => {
        const opts = h.as(who);
        opts.metadata!.set('x-request-id', 'chosen-by-the-client-0001');
        return opts;
      };
      const a = await h.client.createCustomer(individualRequest(), withRequestId('shManager'));
      const b = await h.client.createCustomer(individualRequest(), withRequestId('shManager'));
      const c = await h.client.createCustomer(individualRequest(), withRequestId('bjManager'));
      expect(new Set([a.customer!.id, b.customer!.id, c.customer!.id]).size).toBe(3);
      expect(c.customer!.branchId).toBe('BJ001');

      const draftA = consumerDraft(a.customer!.id, { purpose: 'Home renovation' });
      const draftB = consumerDraft(b.customer!.id, { purpose: 'A car' });
      const first = await h.client.createApplication({ draft: draftA }, withRequestId('shManager'));
      const second = await h.client.createApplication(
        { draft: draftB },
        withRequestId('shManager'),
      );
      expect(second.application!.id).not.toBe(first.application!.id);
      expect(second.application).toMatchObject({ customerId: b.customer!.id, purpose: 'A car' });
    });
  });

  describe('bad input is refused naming the field, before anything is written', () => {
    it('a NUL character in an application purpose or a search', async () => {
      const { customer } = await createIndividual(h);
      const before = await countRows(h, 'loan_applications');
      const err = await rpcError(
        h.client.createApplication(
          { draft: consumerDraft(customer.id, { purpose: 'renovation\u0000' }) },
          h.as('shManager'),
        ),
      );
      expect(err.code).toBe('invalid_argument');
      expect(err.violations).toEqual([
        { field: 'draft.purpose', reason: 'must not contain a NUL character' },
      ]);
      expect(await countRows(h, 'loan_applications')).toBe(before);

      const search = await rpcError(
        h.client.findCustomers(
          applicationsV1.FindCustomersRequest.fromPartial({ namePrefix: 'Zh\u0000' }),
          h.as('shManager'),
        ),
      );
      expect(search.violations).toEqual([
        { field: 'namePrefix', reason: 'must not contain a NUL character' },
      ]);
    });

    it('a term beyond any product and a page size beyond range', async () => {
      const { customer } = await createIndividual(h);
      const before = await countRows(h, 'loan_applications');
      const err = await rpcError(
        h.client.createApplication(
          { draft: consumerDraft(customer.id, { termMonths: 2_147_483_647 }) },
          h.as('shManager'),
        ),
      );
      expect(err.code).toBe('invalid_argument');
      expect(err.violations.map((v) => v.field)).toEqual(['termMonths']);
      expect(await countRows(h, 'loan_applications')).toBe(before);

      const page = await rpcError(
        h.client.listApplications(
          applicationsV1.ListApplicationsRequest.fromPartial({ pageSize: 2_147_483_647 }),
          h.as('shManager'),
        ),
      );
      expect(page.code).toBe('invalid_argument');
      expect(page.violations.map((v) => v.field)).toEqual(['pageSize']);
    });
  });
});
