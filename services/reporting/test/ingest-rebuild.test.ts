// The rebuild command: events published into a running service, then replayed from the first
// event into a new schema, end with the same rows in every read-model table.
import { connect } from 'nats';
import { STREAM_NAME, type Pool } from '@loanflow/platform';
import { READ_MODEL_TABLES, rebuild } from '../src/rebuild';
import { startIngestHarness, type IngestHarness } from './ingest-harness';
import { dayClosed, loanDay, publisher, smallBook } from './ingest-events';

let h: IngestHarness;
let target: string;

beforeAll(async () => {
  h = await startIngestHarness();
  target = `${h.schema}_rb`;
});
afterAll(async () => {
  await h?.db.query(`DROP SCHEMA IF EXISTS ${target} CASCADE`);
  await h?.close();
});

/** A digest of a table's rows (every column but the technical `updated_at`), in a stable order. */
async function digest(
  db: Pool,
  schema: string,
  table: string,
): Promise<{ rows: number; md5: string }> {
  const { rows: cols } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2
        -- streamed_state is the streams' bookkeeping (a rebuild republishes nothing), not a figure
        AND column_name NOT IN ('updated_at', 'streamed_state')
      ORDER BY ordinal_position`,
    [schema, table],
  );
  const list = cols.map((c) => `"${c.column_name}"`).join(', ');
  const { rows } = await db.query<{ rows: number; md5: string }>(
    `SELECT count(*)::int AS rows, COALESCE(md5(string_agg(r::text, '|' ORDER BY r::text)), '') AS md5
       FROM (SELECT ${list} FROM ${schema}.${table}) r`,
  );
  return rows[0]!;
}

it('rebuilds every read-model table with the same rows from the first event', async () => {
  const book = await smallBook(h);
  // Facts that depend on the order they are applied in: a month end closed before the one before.
  const p = publisher(h);
  const late = {
    loanId: book.a.loanId,
    branchId: 'SH001',
    productCode: 'PERSONAL_CONSUMER',
    customerId: book.a.customerId,
  };
  await dayClosed(p.send, '2027-02-28', [loanDay(late, 'substandard', 95, '91000.00')]);
  await dayClosed(p.send, '2027-01-31', [loanDay(late, 'special_mention', 66, '91500.00')]);
  // One the read models cannot apply: parked again by the rebuild.
  await p.send(
    'accounting.loan.repriced',
    book.a.loanId,
    { loanId: book.a.loanId },
    { schemaVersion: 3 },
  );
  await h.settled([...book.ids, ...p.ids]);

  const result = await rebuild(h.config, { targetSchema: target, log: h.log, pollMs: 100 });

  expect(result.events).toBe(new Set([...book.ids, ...p.ids]).size - 1);
  expect(result.parked).toBe(1);
  for (const table of READ_MODEL_TABLES) {
    const live = await digest(h.db, h.schema, table);
    const rebuilt = await digest(h.db, target, table);
    expect({ table, ...rebuilt }).toEqual({ table, ...live });
    expect(result.rows[table]).toBe(live.rows);
  }
  expect(result.rows.loan_days).toBe(6);
  expect(result.rows.tier_migrations).toBe(6);
  // The rebuild's durable consumers are gone; the live service's are still there.
  const nc = await connect({ servers: h.config.NATS_URL.split(',') });
  try {
    const jsm = await nc.jetstreamManager();
    await expect(jsm.consumers.info(STREAM_NAME, `${target}_accounting`)).rejects.toThrow(
      /not found/i,
    );
    await expect(jsm.consumers.info(STREAM_NAME, `${h.schema}_accounting`)).resolves.toMatchObject({
      num_pending: 0,
    });
  } finally {
    await nc.close();
  }
});

it('refuses to rebuild into the live schema or a schema that is not empty', async () => {
  await expect(rebuild(h.config, { targetSchema: h.schema, log: h.log })).rejects.toThrow(
    'must not be the live schema',
  );
  await expect(rebuild(h.config, { targetSchema: target, log: h.log })).rejects.toThrow(
    'is not empty',
  );
});
