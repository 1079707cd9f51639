import { bankers, eventually, type Bank } from '../../support/bankers';
import { fileDocuments } from '../../support/checklists';
import { mobile, residentId } from '../../support/identities';

/** What a submitted application needs (a mortgage over the committee's threshold unless said). */
export interface Draft {
  productCode: string;
  amount: string;
  termMonths: number;
  repaymentMethod: string;
  purpose: string;
}

export const MORTGAGE: Draft = {
  productCode: 'MORTGAGE',
  amount: '2000000.00',
  termMonths: 240,
  repaymentMethod: 'equal_installments',
  purpose: 'Purchase of a first home',
};

/**
 * A customer and an application submitted by the account manager through the API, with every
 * step's documents filed, waiting at the market routing. (The wizard's clicks replace this later.)
 */
export async function createSubmittedApplication(
  system: Bank,
  opts: { accountManager?: string; draft?: Partial<Draft> } = {},
): Promise<string> {
  const who = opts.accountManager ?? 'am.li';
  const { call } = bankers(() => system);
  const customer = await call(who, 'POST', '/customers', {
    type: 'individual',
    name: '王伟',
    individual: {
      residentId: residentId('1986-05-12', 'male'),
      mobile: mobile(),
      occupation: 'Engineer',
      employer: '上海汽车集团',
      monthlyIncome: '90000.00',
    },
  });
  if (customer.status !== 201) throw new Error(`customer: ${JSON.stringify(customer.body)}`);
  const created = await call(who, 'POST', '/applications', {
    customerId: customer.body.id,
    existingMonthlyDebtPayments: '0.00',
    ...MORTGAGE,
    ...opts.draft,
  });
  if (created.status !== 201) throw new Error(`application: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await fileDocuments(system, who, id);
  const submitted = await call(who, 'POST', `/applications/${id}/submit`);
  if (submitted.status !== 200) throw new Error(`submit: ${JSON.stringify(submitted.body)}`);
  await eventually('the process of the application', async () => {
    const res = await call(who, 'GET', `/applications/${id}/process`);
    return res.status === 200 ? true : undefined;
  });
  return id;
}

interface Task {
  id: string;
  step: string;
  businessKey: string;
}

/** The open task of the application at `step` that `who` sees (theirs or their group's). */
export async function taskOf(
  system: Bank,
  who: string,
  applicationId: string,
  step: string,
): Promise<{ task: Task; scope: 'mine' | 'group' }> {
  const { call } = bankers(() => system);
  return eventually(`${step} task for ${who}`, async () => {
    for (const scope of ['mine', 'group'] as const) {
      const res = await call<{ items: Task[] }>(
        who,
        'GET',
        `/tasks?scope=${scope}&step=${step}&applicationId=${applicationId}&pageSize=100`,
      );
      const task = res.body.items?.find((t) => t.businessKey === applicationId);
      if (task) return { task, scope };
    }
    return undefined;
  });
}
