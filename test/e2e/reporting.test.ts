import { randomBytes } from 'node:crypto';
import Ajv from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { individual, lifecycle, LIFECYCLE_USERS, type LoanCase } from '../support/lifecycle';
import { startSystem, type TestSystem } from '../support/system';
import type { Body } from '../support/uploads';

/**
 * 统计报表 end to end: loans go through the approval chain (one rejected at the pre-meeting review,
 * one withdrawn), two are contracted and disbursed, business days close and a repayment is
 * posted — all through the gateway — then the reports show exactly what was done (counts, sums to
 * the fen, tiers) and every report topic on the Kafka broker holds its records, each valid against
 * the JSON Schema the API serves, with the CloudEvents headers.
 */

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const PREFIX = `t${randomBytes(4).toString('hex')}.reports`;

const SHORT: LoanCase = {
  productCode: 'PERSONAL_CONSUMER',
  customer: individual('孙报表', '1990-03-08', '30000.00'),
  amount: '200000.00',
  termMonths: 24,
  repaymentMethod: 'equal_installments',
  ratePercent: '3.6000',
  committee: false,
  assigner: 'gl.sh',
  payee: { paymentMethod: 'self' },
};
const COMMITTEE: LoanCase = {
  productCode: 'SMALL_BUSINESS',
  customer: individual('周统计', '1982-07-01', '150000.00'),
  amount: '700000.00',
  termMonths: 24,
  repaymentMethod: 'equal_principal',
  ratePercent: '3.8500',
  committee: true,
  assigner: 'gl.sh',
  payee: { paymentMethod: 'self' },
};

interface Record_ {
  key: string;
  headers: Record<string, string>;
  value: Body;
}

const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  const sign = whole!.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole!.replace('-', '')) * 100n + BigInt(fraction.padEnd(2, '0')));
};
const yuan = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
/** Cents → 万元 with two places, half up (the five-tier table's unit). */
const wan = (c: bigint) => {
  const hundredths = (c + 5000n) / 10000n;
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
};

describe('end to end: the reports and the report streams show what the bank did', () => {
  let system: TestSystem;
  const bank = lifecycle(() => system);
  const { call, eventually, ok } = bank;
  const report = async (who: string, name: string, query = '') =>
    ok(await call<Body>(who, 'GET', `/reports/${name}${query}`), 200, name);
  const table = (r: Body, name: string): Body[] =>
    (r.tables as Body[]).find((t) => t.name === name)!.rows as Body[];

  beforeAll(async () => {
    system = await startSystem({
      users: LIFECYCLE_USERS,
      reportingEnv: { KAFKA_BROKERS: BROKERS, REPORT_TOPIC_PREFIX: PREFIX },
    });
    await bank.loadIds(LIFECYCLE_USERS);
  });
  afterAll(async () => {
    await system?.stop();
    const admin = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('counts, sums and tiers from the read models; every topic filled and valid', async () => {
    // Two loans through the whole chain, contracted and disbursed.
    const loans: Body[] = [];
    const approvedIds: string[] = [];
    for (const c of [SHORT, COMMITTEE]) {
      const { applicationId } = await bank.submit(c);
      await bank.investigate(c, applicationId);
      await bank.approve(c, applicationId);
      await eventually('approved', async () =>
        (await bank.application(applicationId)).body.status === 'approved' ? true : undefined,
      );
      await bank.contract(c, applicationId, c.customer.name as string);
      const loan = await eventually('the loan under the signed contract', async () => {
        const res = await call<Body>('disb.hq', 'POST', '/loans', {
          applicationId,
          payee: c.payee,
        });
        return res.status === 201 ? res.body : undefined;
      });
      loans.push(loan);
      approvedIds.push(applicationId);
    }
    // One rejected at the pre-meeting review, one withdrawn while in approval.
    const rejectedCase = { ...SHORT, customer: individual('吴否决', '1985-01-01', '20000.00') };
    const rejected = await bank.submit(rejectedCase);
    await bank.investigate(rejectedCase, rejected.applicationId);
    const review = await bank.taskAt('rev.hq', rejected.applicationId, 'pre_meeting_review');
    ok(
      await call<Body>('rev.hq', 'POST', `/tasks/${review.id}:complete`, {
        outcome: 'reject',
        opinion: 'income proof inconsistent',
      }),
      200,
      'reject',
    );
    const withdrawnCase = { ...SHORT, customer: individual('郑撤回', '1987-02-02', '20000.00') };
    const withdrawn = await bank.submit(withdrawnCase);
    ok(
      await call<Body>('am.sh', 'POST', `/applications/${withdrawn.applicationId}/withdraw`, {
        reason: 'the customer no longer needs the loan',
      }),
      200,
      'withdraw',
    );

    // Two business days close; the balances after the last night are the portfolio's.
    const days: string[] = [];
    for (let i = 0; i < 2; i++) {
      const day = await bank.openBusinessDate();
      ok(await call('admin.hq', 'POST', `/business-days/${day}:close`), 200, `close ${day}`);
      days.push(day);
    }
    const booked = await Promise.all(
      loans.map(async (l) => ok(await call<Body>('disb.hq', 'GET', `/loans/${l.id}`), 200, 'loan')),
    );
    const outstanding = booked.reduce(
      (sum, l) =>
        sum +
        cents(l.balances.principal) +
        cents(l.balances.duePrincipal ?? '0') +
        cents(l.balances.overduePrincipal ?? '0'),
      0n,
    );
    const paid = ok(
      await call<Body>('disb.hq', 'POST', `/loans/${loans[0]!.id}/repayments`, {
        amount: '10000.00',
        kind: 'prepayment',
      }),
      201,
      'prepayment',
    );

    // Pipeline: the funnel of what was submitted, approved, contracted and disbursed.
    const pipeline = await eventually('the pipeline with every application', async () => {
      const r = await report('risk.hq', 'pipeline');
      const byStatus = Object.fromEntries(
        table(r, 'by_status').map((row) => [row.status, row.applications]),
      );
      return byStatus.disbursed === '2' && byStatus.rejected === '1' && byStatus.withdrawn === '1'
        ? r
        : undefined;
    });
    const funnel = Object.fromEntries(table(pipeline, 'funnel').map((row) => [row.stage, row]));
    const stage = (word: string) => Object.entries(funnel).find(([k]) => k.includes(word))![1];
    expect(stage('submitted')).toMatchObject({ applications: '4', amount: '1300000.00' });
    expect(stage('approved')).toMatchObject({ applications: '2', amount: '900000.00' });
    expect(stage('contracted')).toMatchObject({ applications: '2', amount: '900000.00' });
    expect(stage('disbursed')).toMatchObject({ applications: '2', amount: '900000.00' });
    expect(table(pipeline, 'decline_reasons')).toEqual(
      expect.arrayContaining([expect.objectContaining({ applications: '1' })]),
    );

    // Approval efficiency: three decided (two approved, one rejected), all within the target.
    const efficiency = await report('risk.hq', 'approval-efficiency');
    expect(table(efficiency, 'summary')[0]).toMatchObject({
      decided: '3',
      approved: '2',
      rejected: '1',
      share_within_3_days: '1.0000',
      share_within_7_days: '1.0000',
    });
    const steps = Object.fromEntries(table(efficiency, 'steps').map((row) => [row.step, row]));
    // The withdrawn application's routing task was cancelled, not completed.
    expect(steps.market_routing?.completed).toBe('3');
    expect(steps.investigation?.completed).toBe('3');

    // Portfolio as of the last closed date: both loans normal, the outstanding principal in 万元.
    const portfolio = await eventually('the portfolio of the last night', async () => {
      const r = await report('risk.hq', 'portfolio');
      return r.asOf === days[1] && table(r, 'five_tier').length > 0 ? r : undefined;
    });
    const total = table(portfolio, 'five_tier').find((row) => row.branch_id === '合计')!;
    expect(total).toMatchObject({
      normal: wan(outstanding),
      total: wan(outstanding),
      substandard: '0.00',
      npl_ratio: '0.0000',
      loans: '2',
    });
    const flows = table(portfolio, 'monthly_flows');
    const disbursed = flows.reduce((s, row) => s + cents(String(row.disbursed || '0')), 0n);
    expect(yuan(disbursed)).toBe('900000.00');

    // The report streams: every topic filled, records valid against the schemas the API serves.
    await system.reporting.drainStreams();
    const catalogue = ok(await call<Body>('audit.hq', 'GET', '/report-streams'), 200, 'streams');
    const topics = catalogue.topics as Body[];
    expect(topics.map((t) => t.topic).sort()).toEqual(
      [
        'applications',
        'ledger-entries',
        'loans.daily',
        'loans.state',
        'notifications',
        'tasks',
      ].map((s) => `${PREFIX}.${s}.v1`),
    );
    const records = await readTopics(topics.map((t) => t.topic as string));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const t of topics) {
      const validate = ajv.compile(t.jsonSchema as Body);
      const got = records.get(t.topic as string) ?? [];
      expect({ topic: t.topic, empty: got.length === 0 }).toEqual({ topic: t.topic, empty: false });
      for (const r of got) {
        if (!validate(r.value))
          throw new Error(`${t.topic}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(r)}`);
        expect(r.headers).toMatchObject({
          ce_specversion: '1.0',
          ce_source: '/loanflow/reporting',
          ce_subject: r.key,
          'content-type': 'application/json',
        });
        expect(r.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
        expect({ topic: t.topic, traceparent: r.headers.traceparent }).toEqual({
          topic: t.topic,
          traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
        });
      }
    }
    const of = (s: string) => records.get(`${PREFIX}.${s}.v1`)!;
    // One loans.daily record per loan per closed date, keyed by the loan.
    const daily = of('loans.daily');
    expect(daily.map((r) => `${r.key} ${r.value.businessDate}`).sort()).toEqual(
      loans.flatMap((l) => days.map((d) => `${l.id} ${d}`)).sort(),
    );
    // The last state of each application, keyed by it.
    const lastState = new Map(of('applications').map((r) => [r.key, r.value.status]));
    for (const id of approvedIds) expect(lastState.get(id)).toBe('disbursed');
    expect(lastState.get(rejected.applicationId)).toBe('rejected');
    expect(lastState.get(withdrawn.applicationId)).toBe('withdrawn');
    // The repayment's journal entry is on the ledger stream.
    const entries = of('ledger-entries').map((r) => r.value);
    expect(entries.some((e) => e.kind === 'repayment' && e.loanId === loans[0]!.id)).toBe(true);
    expect(paid.repayment.loanId ?? loans[0]!.id).toBe(loans[0]!.id);
    // No record twice: ce_ids are unique per topic.
    for (const [topic, got] of records) {
      const ids = got.map((r) => r.headers.ce_id);
      expect({ topic, duplicates: ids.length - new Set(ids).size }).toEqual({
        topic,
        duplicates: 0,
      });
    }
  }, 240_000);
});

/** Every record of the topics, read from the beginning until the end offsets are reached. */
async function readTopics(topics: string[]): Promise<Map<string, Record_[]>> {
  const kafka = new Kafka({ brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const o of offsets)
      if (Number(o.high) > 0) remaining.set(`${topic}/${o.partition}`, Number(o.high));
  }
  await admin.disconnect();
  const out = new Map<string, Record_[]>(topics.map((t) => [t, []]));
  const consumer = kafka.consumer({ groupId: `e2e-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    if (remaining.size === 0) resolve();
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          out.get(topic)!.push({
            key: message.key!.toString(),
            headers: headerStrings(message.headers),
            value: JSON.parse(message.value!.toString()) as Body,
          });
          const part = `${topic}/${partition}`;
          if (Number(message.offset) + 1 >= (remaining.get(part) ?? 0)) remaining.delete(part);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {}))
    if (v !== undefined) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return out;
}
