import { afterEach, describe, expect, it } from '@jest/globals';
import type { ConsumeOptions, DomainError, EventBus, Subscription } from '@loanflow/platform';
import type { applicationsV1 } from '@loanflow/proto';
import {
  consumerDraft,
  countRows,
  createIndividual,
  rpcError,
  sleep,
  startHarness,
  type Harness,
} from './harness';

const CREATED = 'applications.application.created';

/** The real JetStream bus, publishing a little late: the outbox relay falls behind the writes. */
class LaggingBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly delayMs: number,
  ) {}

  async publish(
    subject: string,
    data: Uint8Array,
    opts: { msgId: string; headers?: Record<string, string> },
  ): Promise<{ duplicate: boolean }> {
    await sleep(this.delayMs);
    return this.inner.publish(subject, data, opts);
  }

  consume(opts: ConsumeOptions): Promise<Subscription> {
    return this.inner.consume(opts);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('applications service: graceful stop', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('publishes every outbox row committed before stop() before it resolves', async () => {
    h = await startHarness({ wrapBus: (bus) => new LaggingBus(bus, 100) });
    const { customer } = await createIndividual(h);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (await h.client.createApplication({ draft: consumerDraft(customer.id) }, h.as('shManager')))
          .application!.id,
      );
    }
    // Six events at 100 ms each: most are still waiting when stop() is called.
    const waiting = await countRows(h, 'outbox', 'published_at IS NULL');
    expect(waiting).toBeGreaterThan(0);

    const started = Date.now();
    await h.stopService();

    expect(Date.now() - started).toBeLessThan(h.config.SHUTDOWN_TIMEOUT_MS);
    expect(await countRows(h, 'outbox', 'published_at IS NULL')).toBe(0);
    expect(await countRows(h, 'outbox')).toBe(6);
    await h.events.settle();
    for (const id of ids) expect(h.events.about(id, CREATED)).toHaveLength(1);
  });

  it('finishes the calls in flight at stop(): each one that succeeded is stored and published, each one that failed left nothing', async () => {
    h = await startHarness({ wrapBus: (bus) => new LaggingBus(bus, 20) });
    const { customer } = await createIndividual(h);
    const harness = h;

    const calls = Array.from({ length: 8 }, () =>
      harness.client.createApplication(
        { draft: consumerDraft(customer.id) },
        harness.as('shManager'),
      ),
    );
    let settled = 0;
    for (const call of calls)
      call.then(
        () => settled++,
        () => settled++,
      );
    await Promise.race(calls);
    const settledAtStop = settled;
    const stopped = harness.stopService();
    const outcomes = await Promise.allSettled(calls);
    await stopped;

    const succeeded = outcomes.flatMap((o) =>
      o.status === 'fulfilled' ? [o.value.application!] : [],
    );
    const failed = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [o.reason as DomainError] : [],
    );
    // The test is only worth something if calls were still running when stop() began.
    expect(settledAtStop).toBeLessThan(calls.length);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    // Refused ones are turned away at the door, never cut off half way.
    expect(failed.map((e) => e.code)).toEqual(failed.map(() => 'unavailable'));

    const { rows } = await h.db.query<{ id: string }>(
      'SELECT id FROM loan_applications ORDER BY id',
    );
    expect(rows.map((r) => r.id)).toEqual(
      succeeded.map((a: applicationsV1.Application) => a.id).sort(),
    );
    expect(await countRows(h, 'outbox', 'published_at IS NULL')).toBe(0);
    await h.events.settle();
    for (const app of succeeded) expect(h.events.about(app.id, CREATED)).toHaveLength(1);

    // Stopped means stopped: a new call is not served.
    const late = await rpcError(
      h.client.getApplication({ id: succeeded[0]!.id }, h.as('shManager')),
    );
    expect(late.code).toBe('unavailable');
  });
});
