import { afterAll, describe, expect, it } from '@jest/globals';
import { connect } from 'nats';
import { JetStreamBus, type BusMessage } from '../src';
import { NATS_URL, quietLog, uniqueStream, waitFor } from './support';

describe('event namespaces on one stream (EVENTS_NAMESPACE)', () => {
  const { stream, prefix } = uniqueStream('ns');
  const buses: JetStreamBus[] = [];
  afterAll(async () => {
    for (const b of buses) await b.close();
    const nc = await connect({ servers: NATS_URL });
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  const bus = async (namespace?: string) => {
    const b = await JetStreamBus.connect({
      url: NATS_URL,
      name: `ns-${namespace ?? 'none'}`,
      log: quietLog,
      stream,
      subjectPrefix: prefix,
      namespace,
    });
    buses.push(b);
    return b;
  };

  it('delivers a deployment its own events only, under the subjects services use', async () => {
    const [a, b, plain] = [await bus('deploya'), await bus('deployb'), await bus()];
    const got: Record<string, BusMessage[]> = { a: [], b: [], plain: [] };
    const subject = `${prefix}.workflow.task.created`;
    for (const [name, on] of [
      ['a', a],
      ['b', b],
      ['plain', plain],
    ] as const)
      await on.consume({
        durable: `ns_${name}_${stream}`,
        filterSubject: `${prefix}.workflow.>`,
        startAt: 'new',
        handler: async (msg) => void got[name]!.push(msg),
      });

    await a.publish(subject, Buffer.from('from a'), { msgId: `${stream}-a` });
    await b.publish(subject, Buffer.from('from b'), { msgId: `${stream}-b` });
    await plain.publish(subject, Buffer.from('from plain'), { msgId: `${stream}-plain` });

    await waitFor(
      'one event each',
      () => got.a!.length === 1 && got.b!.length === 1 && got.plain!.length === 1,
    );
    expect(got.a!.map((m) => [m.subject, Buffer.from(m.data).toString()])).toEqual([
      [subject, 'from a'],
    ]);
    expect(got.b!.map((m) => Buffer.from(m.data).toString())).toEqual(['from b']);
    expect(got.plain!.map((m) => Buffer.from(m.data).toString())).toEqual(['from plain']);
    // Nothing else arrives later either.
    await b.publish(subject, Buffer.from('again b'), { msgId: `${stream}-b2` });
    await waitFor('the second event of b', () => got.b!.length === 2);
    expect(got.a).toHaveLength(1);
    expect(got.plain).toHaveLength(1);
  });
});
