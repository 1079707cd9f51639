import sharp from 'sharp';
import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';
import { startSystem, type TestSystem, type TestUser } from '../support/system';
import { uploadDocument } from '../support/uploads';

/**
 * Data scope = the branch subtree, across services: staff of SH001 (上海分行) see what its
 * sub-branch SH001-01 (浦东支行) enters — customers, applications, approval tasks, the archive —
 * and nothing of BJ001 (北京分行); the sub-branch does not see its parent's.
 */

const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'am.pd', roles: ['account_manager'], branchId: 'SH001-01' },
  { username: 'am.bj', roles: ['account_manager'], branchId: 'BJ001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'mkt.pd', roles: ['market_specialist'], branchId: 'SH001-01' },
  { username: 'postloan.sh', roles: ['post_loan_officer'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: 'HQ' },
];

interface Task {
  id: string;
  businessKey: string;
  branchId: string;
}

describe('end to end: a branch sees its sub-branches, not its neighbours', () => {
  let system: TestSystem;
  const { call, eventually } = bankers(() => system);
  /** One customer and one submitted application per branch, entered by its account manager. */
  const entered: Record<
    string,
    { customerId: string; customerName: string; applicationId: string }
  > = {};

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    for (const [who, name] of [
      ['am.sh', `上海客户 ${Date.now()}`],
      ['am.pd', `浦东客户 ${Date.now()}`],
      ['am.bj', `北京客户 ${Date.now()}`],
    ] as const) {
      const customer = await call(who, 'POST', '/customers', {
        type: 'individual',
        name,
        individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '30000.00' },
      });
      expect(customer.status).toBe(201);
      const app = await call(who, 'POST', '/applications', {
        customerId: customer.body.id,
        productCode: 'PERSONAL_CONSUMER',
        amount: '50000.00',
        termMonths: 12,
        repaymentMethod: 'equal_installments',
        purpose: 'Renovation',
      });
      expect(app.status).toBe(201);
      const submitted = await call(who, 'POST', `/applications/${app.body.id}/submit`);
      expect(submitted.status).toBe(200);
      entered[who] = {
        customerId: customer.body.id as string,
        customerName: name,
        applicationId: app.body.id as string,
      };
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('each customer and application belongs to the branch of the account manager who entered it', async () => {
    const branchOf = async (who: string) =>
      (await call(who, 'GET', `/applications/${entered[who]!.applicationId}`)).body.branchId;
    expect(await branchOf('am.sh')).toBe('SH001');
    expect(await branchOf('am.pd')).toBe('SH001-01');
    expect(await branchOf('am.bj')).toBe('BJ001');
  });

  it('applications: SH001 lists its own and SH001-01’s, not BJ001’s; SH001-01 only its own', async () => {
    const listed = async (who: string, query = '') =>
      (
        await call<{ items: { id: string }[] }>(who, 'GET', `/applications?pageSize=100${query}`)
      ).body.items.map((a) => a.id);
    const { 'am.sh': sh, 'am.pd': pd, 'am.bj': bj } = entered;

    expect((await listed('am.sh')).sort()).toEqual([sh!.applicationId, pd!.applicationId].sort());
    expect(await listed('am.pd')).toEqual([pd!.applicationId]);
    expect(await listed('am.bj')).toEqual([bj!.applicationId]);
    expect((await listed('audit.hq')).sort()).toEqual(
      [sh!.applicationId, pd!.applicationId, bj!.applicationId].sort(),
    );
    // Narrowing to a branch of the subtree, and asking for one outside it.
    expect(await listed('am.sh', '&branchId=SH001-01')).toEqual([pd!.applicationId]);
    expect((await call('am.sh', 'GET', '/applications?branchId=BJ001')).status).toBe(403);
    expect((await call('am.pd', 'GET', '/applications?branchId=SH001')).status).toBe(403);

    expect((await call('am.sh', 'GET', `/applications/${pd!.applicationId}`)).status).toBe(200);
    const denied = await call('am.sh', 'GET', `/applications/${bj!.applicationId}`);
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe(
      'the application belongs to branch BJ001, outside your branches SH001, SH001-01',
    );
    expect((await call('am.pd', 'GET', `/applications/${sh!.applicationId}`)).status).toBe(403);
  });

  it('customers: found and read across the subtree only', async () => {
    const { 'am.pd': pd, 'am.bj': bj } = entered;
    const found = async (who: string, name: string) =>
      (
        await call<{ items: { id: string }[] }>(
          who,
          'GET',
          `/customers?name=${encodeURIComponent(name)}`,
        )
      ).body.items.map((c) => c.id);
    expect(await found('am.sh', pd!.customerName)).toEqual([pd!.customerId]);
    expect(await found('am.sh', bj!.customerName)).toEqual([]);
    expect((await call('am.sh', 'GET', `/customers/${pd!.customerId}`)).status).toBe(200);
    expect((await call('am.sh', 'GET', `/customers/${bj!.customerId}`)).status).toBe(403);
  });

  it('workflow: the SH001 market specialist’s queue holds SH001-01’s market routing, not BJ001’s', async () => {
    const { 'am.sh': sh, 'am.pd': pd, 'am.bj': bj } = entered;
    const queue = async (who: string) =>
      (await call<{ items: Task[] }>(who, 'GET', '/tasks?scope=group&pageSize=100')).body.items.map(
        (t) => t.businessKey,
      );
    // The approval starts from application.submitted; wait until all three processes are there.
    await eventually('the three market-routing tasks', async () => {
      const all = await call<{ items: Task[] }>('audit.hq', 'GET', '/tasks?scope=all&pageSize=100');
      return all.body.items.length === 3 ? true : undefined;
    });

    expect((await queue('mkt.sh')).sort()).toEqual([sh!.applicationId, pd!.applicationId].sort());
    expect(await queue('mkt.pd')).toEqual([pd!.applicationId]);

    const bjTask = (
      await call<{ items: Task[] }>('audit.hq', 'GET', '/tasks?scope=all&pageSize=100')
    ).body.items.find((t) => t.businessKey === bj!.applicationId)!;
    expect(bjTask.branchId).toBe('BJ001');
    const claim = await call('mkt.sh', 'POST', `/tasks/${bjTask.id}:claim`);
    expect(claim.status).toBe(403);
    const pdTask = (
      await call<{ items: Task[] }>('mkt.sh', 'GET', '/tasks?scope=group&pageSize=100')
    ).body.items.find((t) => t.businessKey === pd!.applicationId)!;
    expect((await call('mkt.sh', 'POST', `/tasks/${pdTask.id}:claim`)).status).toBe(200);

    const process = async (who: string, id: string) =>
      (await call(who, 'GET', `/applications/${id}/process`)).status;
    expect(await process('mkt.sh', pd!.applicationId)).toBe(200);
    expect(await process('mkt.sh', bj!.applicationId)).toBe(403);
  });

  it('documents: the archive search of SH001 covers SH001-01’s files, not BJ001’s', async () => {
    const { 'am.pd': pd, 'am.bj': bj } = entered;
    for (const [who, owner] of [
      ['am.pd', pd!],
      ['am.bj', bj!],
    ] as const) {
      const image = await sharp({
        create: { width: 320, height: 200, channels: 3, background: { r: 30, g: 60, b: 90 } },
      })
        .jpeg()
        .toBuffer();
      const filed = await uploadDocument(
        system.baseUrl,
        await system.login(who),
        { kind: 'application', id: owner.applicationId },
        'income_proof',
        { name: 'income.jpg', type: 'image/jpeg', body: image },
      );
      expect(filed.status).toBe(201);
      const withdrawn = await call(who, 'POST', `/applications/${owner.applicationId}/withdraw`, {
        reason: 'customer changed mind',
      });
      expect(withdrawn.status).toBe(200);
    }
    const archived = async (who: string) =>
      (
        await call<{ archives: { owner: { id: string } }[] }>(who, 'GET', '/archives')
      ).body.archives.map((a) => a.owner.id);
    await eventually('both files archived', async () =>
      (await archived('audit.hq')).length === 2 ? true : undefined,
    );

    expect(await archived('postloan.sh')).toEqual([pd!.applicationId]);
    expect((await call('postloan.sh', 'GET', '/archives?branchId=BJ001')).status).toBe(403);
  });
});
