import { afterEach, describe, expect, it } from '@jest/globals';
import type { BusMessage, Subscription } from './bus';
import { LocalEventBus, matches } from './local-bus';

const bytes = (text: string) => Buffer.from(text);
const text = (msg: BusMessage) => Buffer.from(msg.data).toString('utf8');

async function eventually(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('matches (NATS subject filter)', () => {
  it.each([
    [
      'loanflow.applications.application.submitted',
      'loanflow.applications.application.submitted',
      true,
    ],
    [
      'loanflow.applications.application.submitted',
      'loanflow.applications.application.approved',
      false,
    ],
    ['loanflow.*.application.submitted', 'loanflow.applications.application.submitted', true],
    ['loanflow.*.submitted', 'loanflow.applications.application.submitted', false],
    ['loanflow.*', 'loanflow', false],
    ['loanflow.*', 'loanflow.applications', true],
    ['loanflow.>', 'loanflow.applications.application.submitted', true],
    ['loanflow.>', 'loanflow.applications', true],
    ['loanflow.>', 'loanflow', false],
    ['loanflow.applications.>', 'loanflow.committee.meeting.held', false],
    ['*.applications.>', 'loanflow.applications.application.withdrawn', true],
    ['>', 'anything.at.all', true],
    ['loanflow.applications', 'loanflow.applications.application', false],
    ['loanflow.applications.application', 'loanflow.applications', false],
  ])('%s ~ %s → %p', (filter, subject, expected) => {
    expect(matches(filter, subject)).toBe(expected);
  });
});

describe('LocalEventBus', () => {
  const subs: Subscription[] = [];
  afterEach(async () => {
    for (const s of subs.splice(0)) await s.drain();
  });

  async function collect(bus: LocalEventBus, durable: string, filterSubject: string) {
    const got: BusMessage[] = [];
    subs.push(
      await bus.consume({
        durable,
        filterSubject,
        handler: async (m) => {
          got.push(m);
        },
      }),
    );
    return got;
  }

  it('delivers what is published after the consumer started', async () => {
    const bus = new LocalEventBus();
    const got = await collect(bus, 'scoring', 'loanflow.applications.>');

    await bus.publish('loanflow.applications.application.submitted', bytes('first'), {
      msgId: 'e-1',
    });
    await eventually('the first event', () => got.length === 1);
    await bus.publish('loanflow.applications.application.approved', bytes('second'), {
      msgId: 'e-2',
    });
    await eventually('the second event', () => got.length === 2);

    expect(got.map(text)).toEqual(['first', 'second']);
  });

  it('delivers what was published before the consumer started, only on matching subjects, with the msg id', async () => {
    const bus = new LocalEventBus();
    await bus.publish('loanflow.applications.application.submitted', bytes('a'), {
      msgId: 'e-1',
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    await bus.publish('loanflow.committee.meeting.held', bytes('b'), { msgId: 'e-2' });
    await bus.publish('loanflow.applications.application.withdrawn', bytes('c'), { msgId: 'e-3' });

    const got = await collect(bus, 'scoring', 'loanflow.applications.>');
    await eventually('two events', () => got.length === 2);

    expect(got.map(text)).toEqual(['a', 'c']);
    expect(got[0]).toMatchObject({
      subject: 'loanflow.applications.application.submitted',
      deliveryCount: 1,
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'Nats-Msg-Id': 'e-1',
      },
    });
  });

  it('drops a message whose msg id it has already stored', async () => {
    const bus = new LocalEventBus();
    const got = await collect(bus, 'ledger', 'loanflow.>');

    expect(
      await bus.publish('loanflow.loans.loan.disbursed', bytes('once'), { msgId: 'e-1' }),
    ).toEqual({
      duplicate: false,
    });
    expect(
      await bus.publish('loanflow.loans.loan.disbursed', bytes('twice'), { msgId: 'e-1' }),
    ).toEqual({
      duplicate: true,
    });
    await bus.publish('loanflow.loans.loan.disbursed', bytes('other'), { msgId: 'e-2' });
    await eventually('two events', () => got.length === 2);

    expect(got.map(text)).toEqual(['once', 'other']);
  });

  it('redelivers after a failed handler with a growing delivery count, then goes on in order', async () => {
    const bus = new LocalEventBus();
    const seen: string[] = [];
    subs.push(
      await bus.consume({
        durable: 'notifier',
        filterSubject: 'loanflow.>',
        handler: async (m) => {
          seen.push(`${text(m)}#${m.deliveryCount}`);
          if (text(m) === 'flaky' && m.deliveryCount < 3) throw new Error('sms gateway down');
        },
      }),
    );
    await bus.publish('loanflow.loans.loan.overdue', bytes('flaky'), { msgId: 'e-1' });
    await bus.publish('loanflow.loans.loan.overdue', bytes('next'), { msgId: 'e-2' });
    await eventually('the next event', () => seen.includes('next#1'));

    expect(seen).toEqual(['flaky#1', 'flaky#2', 'flaky#3', 'next#1']);
  });

  it('gives up on a message after maxDeliver attempts', async () => {
    const bus = new LocalEventBus();
    const seen: string[] = [];
    subs.push(
      await bus.consume({
        durable: 'poison',
        filterSubject: 'loanflow.>',
        maxDeliver: 2,
        handler: async (m) => {
          seen.push(`${text(m)}#${m.deliveryCount}`);
          if (text(m) === 'poison') throw new Error('cannot parse');
        },
      }),
    );
    await bus.publish('loanflow.x.y.z', bytes('poison'), { msgId: 'e-1' });
    await bus.publish('loanflow.x.y.z', bytes('fine'), { msgId: 'e-2' });
    await eventually('the next event', () => seen.includes('fine#1'));

    expect(seen).toEqual(['poison#1', 'poison#2', 'fine#1']);
  });

  it('a durable name resumes where it stopped; another name starts from the beginning', async () => {
    const bus = new LocalEventBus();
    await bus.publish('loanflow.a.b.c', bytes('1'), { msgId: 'e-1' });
    const first = await collect(bus, 'reports', 'loanflow.>');
    await eventually('the first event', () => first.length === 1);
    await subs.pop()!.drain();

    await bus.publish('loanflow.a.b.c', bytes('2'), { msgId: 'e-2' });
    const resumed = await collect(bus, 'reports', 'loanflow.>');
    const fresh = await collect(bus, 'audit', 'loanflow.>');
    await eventually('both consumers', () => resumed.length === 1 && fresh.length === 2);

    expect(first.map(text)).toEqual(['1']);
    expect(resumed.map(text)).toEqual(['2']);
    expect(fresh.map(text)).toEqual(['1', '2']);
  });

  it("startAt 'new' skips what was published before the consumer first started", async () => {
    const bus = new LocalEventBus();
    await bus.publish('loanflow.a.b.c', bytes('old'), { msgId: 'e-1' });
    const got: BusMessage[] = [];
    subs.push(
      await bus.consume({
        durable: 'live-only',
        filterSubject: 'loanflow.>',
        startAt: 'new',
        handler: async (m) => {
          got.push(m);
        },
      }),
    );
    await bus.publish('loanflow.a.b.c', bytes('new'), { msgId: 'e-2' });
    await eventually('the new event', () => got.length === 1);

    expect(got.map(text)).toEqual(['new']);
  });

  it('drain() waits for the handler in flight', async () => {
    const bus = new LocalEventBus();
    let finished = false;
    let started = false;
    const sub = await bus.consume({
      durable: 'slow',
      filterSubject: 'loanflow.>',
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      },
    });
    await bus.publish('loanflow.a.b.c', bytes('x'), { msgId: 'e-1' });
    await eventually('the handler to start', () => started);

    await sub.drain();
    expect(finished).toBe(true);
  });
});
