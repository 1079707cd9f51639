import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createLogger,
  HEAD_OFFICE,
  JetStreamBus,
  uuidv7,
  type Principal,
  type Subscription,
} from '@loanflow/platform';
import { eventually } from '@loanflow/test/support/poll';
import { failure, startIdentity, type IdentityHarness } from './harness';

const admin: Principal = {
  userId: uuidv7(),
  username: 'admin.test',
  displayName: 'Admin',
  roles: ['admin'],
  branchId: HEAD_OFFICE,
};

interface Envelope {
  type: string;
  source: string;
  subjectId: string;
  data: unknown;
}

// Branch codes are global words on the shared bus: each run takes codes no other run uses.
const code = (prefix: string) => `${prefix}${randomBytes(3).toString('hex').toUpperCase()}`;

describe('identity service: new branches are announced on the bus', () => {
  let h: IdentityHarness;
  let bus: JetStreamBus;
  let subscription: Subscription;
  const durable = `idn_branches_${randomBytes(4).toString('hex')}`;
  const received: Envelope[] = [];
  const announced = (branchCode: string) =>
    eventually(`identity.branch.created of ${branchCode}`, async () => {
      const events = received.filter((e) => e.subjectId === branchCode);
      return events.length > 0 ? events : undefined;
    });

  beforeAll(async () => {
    bus = await JetStreamBus.connect({
      url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      name: durable,
      log: createLogger('identity-test', 'silent'),
    });
    subscription = await bus.consume({
      durable,
      filterSubject: 'loanflow.identity.branch.>',
      startAt: 'new',
      handler: async (msg) => {
        received.push(JSON.parse(Buffer.from(msg.data).toString('utf8')) as Envelope);
      },
    });
    h = await startIdentity();
  });

  afterAll(async () => {
    await h?.close();
    await subscription?.drain();
    await bus?.deleteConsumer(durable);
    await bus?.close();
  });

  it('CreateBranch publishes identity.branch.created with the branch as BranchChanged', async () => {
    const branch = code('T');
    const sub = `${branch}-01`;
    await h.client.createBranch({ code: branch, name: '测试分行', parentCode: 'HQ' }, h.as(admin));
    await h.client.createBranch({ code: sub, name: '测试支行', parentCode: branch }, h.as(admin));
    await h.service.flushOutbox();

    expect(await announced(branch)).toEqual([
      expect.objectContaining({
        type: 'identity.branch.created',
        source: 'identity',
        data: { branch: { code: branch, name: '测试分行', parentCode: 'HQ', level: 'branch' } },
      }),
    ]);
    expect((await announced(sub)).map((e) => e.data)).toEqual([
      { branch: { code: sub, name: '测试支行', parentCode: branch, level: 'sub_branch' } },
    ]);
  });

  it('a refused branch announces nothing', async () => {
    const taken = code('U');
    await h.client.createBranch({ code: taken, name: '已有分行', parentCode: 'HQ' }, h.as(admin));
    const again = await failure(
      h.client.createBranch({ code: taken, name: '重复分行', parentCode: 'HQ' }, h.as(admin)),
    );
    expect(again.code).toBe('already_exists');
    const { rows } = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE event_type = 'identity.branch.created' AND subject_id = $1`,
      [taken],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('seeded branches are announced once, and a second seed announces nothing', async () => {
    const branch = code('S');
    const sub = `${branch}-01`;
    const seed = {
      password: 'correct horse battery staple',
      branches: [
        { code: branch, name: '种子分行', parentCode: 'HQ' },
        { code: sub, name: '种子支行', parentCode: branch },
      ],
      users: [],
    };
    expect(await h.service.seed(seed)).toEqual({ branches: 2, users: 0 });
    expect(await h.service.seed(seed)).toEqual({ branches: 0, users: 0 });
    await h.service.flushOutbox();

    expect((await announced(branch)).map((e) => e.data)).toEqual([
      { branch: { code: branch, name: '种子分行', parentCode: 'HQ', level: 'branch' } },
    ]);
    expect((await announced(sub)).map((e) => e.data)).toEqual([
      { branch: { code: sub, name: '种子支行', parentCode: branch, level: 'sub_branch' } },
    ]);
    const { rows } = await h.db.query<{ subject_id: string }>(
      `SELECT subject_id FROM outbox WHERE event_type = 'identity.branch.created' AND subject_id IN ($1, $2) ORDER BY seq`,
      [branch, sub],
    );
    expect(rows.map((r) => r.subject_id)).toEqual([branch, sub]);
  });
});
