import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { api, startSystem, type ApiResponse, type TestSystem } from '@loanflow/test/support/system';
import {
  API,
  createApplication,
  createCustomer,
  draftBody,
  expectProblem,
  individualBody,
  outboxEvents,
  unique,
  writeCounts,
} from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

/** The same object with its keys, and those of nested objects, in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

describe('gateway: Idempotency-Key on POST', () => {
  let system: TestSystem;
  let am: string;
  let corp: string;

  beforeAll(async () => {
    system = await startSystem();
    [am, corp] = await Promise.all([system.login('am.sh'), system.login('corp.sh')]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const post = (path: string, body: unknown, key: string | undefined, token = am) =>
    api(system.baseUrl, 'POST', `${API}${path}`, {
      token,
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const isReplay = (res: ApiResponse) => res.headers.get('idempotent-replayed') === 'true';

  it('same key and body: the recorded response again, one customer written', async () => {
    const key = `customer-${unique()}`;
    const body = individualBody();
    const before = await writeCounts(system);

    const first = await post('/customers', body, key);
    const again = await post('/customers', body, key);

    expect(first.status).toBe(201);
    expect(isReplay(first)).toBe(false);
    expect(again.status).toBe(201);
    expect(isReplay(again)).toBe(true);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(`/api/v1/customers/${first.body.id as string}`);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await writeCounts(system)).toEqual({ ...before, customers: before.customers + 1 });
  });

  it('same key and body for an application: one row, one application.created event', async () => {
    const customer = await createCustomer(system, am);
    const key = `application-${unique()}`;
    const body = draftBody(customer.id as string);
    const before = await writeCounts(system);

    const first = await post('/applications', body, key);
    const again = await post('/applications', body, key);
    const third = await post('/applications', body, key);

    expect(first.status).toBe(201);
    for (const replay of [again, third]) {
      expect(replay.status).toBe(201);
      expect(isReplay(replay)).toBe(true);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(replay.headers.get('location')).toBe(first.headers.get('location'));
      expect(replay.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(await writeCounts(system)).toEqual({
      customers: before.customers,
      applications: before.applications + 1,
      outbox: before.outbox + 1,
    });
    const id = first.body.id as string;
    expect(await outboxEvents(system, 'applications.application.created', id)).toBe(1);
  });

  it('the same body with its keys in another order is the same request (canonical JSON)', async () => {
    const key = `reordered-${unique()}`;
    const body = individualBody();
    const reordered = reversedKeys(body);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));
    const before = await writeCounts(system);

    const first = await post('/customers', body, key);
    const again = await post('/customers', reordered, key);

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(isReplay(again)).toBe(true);
    expect(again.body.id).toBe(first.body.id);
    expect(await system.count(system.schemas.applications, 'customers')).toBe(before.customers + 1);
  });

  it('same key with another body → 422, nothing written', async () => {
    const key = `changed-${unique()}`;
    const first = await post('/customers', individualBody(), key);
    expect(first.status).toBe(201);
    const before = await writeCounts(system);

    const other = await post('/customers', individualBody(), key);

    const problem = expectProblem(other, 422, 'Idempotency-Key');
    expect(problem.detail).toMatch(/different request/);
    expect(isReplay(other)).toBe(false);
    expect(await writeCounts(system)).toEqual(before);

    // The same key on another route is another request too.
    const elsewhere = await post('/applications', draftBody(first.body.id as string), key);
    expectProblem(elsewhere, 422, 'Idempotency-Key');
    expect(await writeCounts(system)).toEqual(before);
  });

  it('keys belong to the user: two users may use the same key independently', async () => {
    const key = `shared-${unique()}`;
    const before = await writeCounts(system);

    const mine = await post('/customers', individualBody(), key, am);
    const theirs = await post('/customers', individualBody(), key, corp);

    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(isReplay(mine)).toBe(false);
    expect(isReplay(theirs)).toBe(false);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.createdBy).not.toBe(mine.body.createdBy);
    expect(await system.count(system.schemas.applications, 'customers')).toBe(before.customers + 2);
    const { rows } = await system.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${system.schemas.gateway}.idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('without a key, the same body twice is two requests (the second one conflicts)', async () => {
    const body = individualBody();
    const before = await writeCounts(system);
    expect((await post('/customers', body, undefined)).status).toBe(201);
    const second = await post('/customers', body, undefined);
    expect(expectProblem(second, 409).code).toBe('already_exists');
    expect(await system.count(system.schemas.applications, 'customers')).toBe(before.customers + 1);
  });

  it('an Idempotency-Key that is not 1–255 visible ASCII characters → 400', async () => {
    const before = await writeCounts(system);
    for (const key of ['has space', 'x'.repeat(256)]) {
      expectProblem(await post('/customers', individualBody(), key), 400, 'Idempotency-Key');
    }
    expect(await writeCounts(system)).toEqual(before);
  });

  it('a refused request is recorded too: the retry gets the same 400, not a new attempt', async () => {
    const key = `refused-${unique()}`;
    const body = individualBody({ mobile: '123' });
    const first = await post('/customers', body, key);
    const again = await post('/customers', body, key);
    expectProblem(first, 400, 'individual.mobile');
    expect(again.status).toBe(400);
    expect(isReplay(again)).toBe(true);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toEqual(first.body);
  });

  it('submit twice with different keys: the same application, one submitted event', async () => {
    const customer = await createCustomer(system, am);
    const draft = await createApplication(system, am, customer.id as string);
    const id = draft.id as string;

    const first = await post(`/applications/${id}/submit`, undefined, `submit-${unique()}`);
    const second = await post(`/applications/${id}/submit`, undefined, `submit-${unique()}`);
    const replay = await post(`/applications/${id}/submit`, undefined, `submit-${unique()}`);

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, status: 'submitted', version: 2 });
    expect(second.status).toBe(200);
    expect(isReplay(second)).toBe(false);
    expect(second.body).toEqual(first.body);
    expect(replay.body).toEqual(first.body);
    expect(await outboxEvents(system, 'applications.application.submitted', id)).toBe(1);
  });

  it('the same key on submit replays; the recorded response is not re-run', async () => {
    const customer = await createCustomer(system, am);
    const id = (await createApplication(system, am, customer.id as string)).id as string;
    const key = `submit-once-${unique()}`;

    const first = await post(`/applications/${id}/submit`, undefined, key);
    const withdrawn = await post(
      `/applications/${id}/withdraw`,
      { reason: 'changed mind' },
      undefined,
    );
    expect(withdrawn.body.status).toBe('withdrawn');
    const again = await post(`/applications/${id}/submit`, undefined, key);

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(isReplay(again)).toBe(true);
    expect(again.body).toEqual(first.body);
    expect(again.body.status).toBe('submitted');
    expect(await outboxEvents(system, 'applications.application.submitted', id)).toBe(1);
  });

  it('five identical requests at once with one key: one customer, the others replay or get 409', async () => {
    const key = `concurrent-${unique()}`;
    const body = individualBody();
    const before = await writeCounts(system);

    const results = await Promise.all(
      Array.from({ length: 5 }, () => post('/customers', body, key)),
    );

    const originals = results.filter((r) => r.status === 201 && !isReplay(r));
    const replays = results.filter((r) => r.status === 201 && isReplay(r));
    const busy = results.filter((r) => r.status === 409);
    expect(originals).toHaveLength(1);
    expect(replays.length + busy.length).toBe(4);
    for (const r of replays) expect(r.body).toEqual(originals[0]!.body);
    for (const r of busy) {
      expect(expectProblem(r, 409).detail).toMatch(/still being processed/);
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect(await writeCounts(system)).toEqual({ ...before, customers: before.customers + 1 });

    // Once the first has finished, a retry replays it.
    const retry = await post('/customers', body, key);
    expect(retry.status).toBe(201);
    expect(isReplay(retry)).toBe(true);
    expect(retry.body.id).toBe(originals[0]!.body.id);
  });
});
