// The report streams' catalogue: one topic per subject and major version, what keys its records,
// its cleanup policy and the JSON Schema of its values (kept in services/reporting/schemas).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUBJECTS = [
  'applications',
  'tasks',
  'loans.daily',
  'loans.state',
  'ledger-entries',
  'notifications',
] as const;
export type Subject = (typeof SUBJECTS)[number];

export interface TopicSpec {
  subject: Subject;
  version: number;
  /** CloudEvents `type` of its records. */
  ceType: string;
  /** What the record key is. */
  key: string;
  description: string;
  cleanupPolicy: 'delete' | 'compact';
  /**
   * `fact`: a record says something that never changes (an entry booked, a loan's day), so its
   * ce_id comes from its identity alone. `state`: the entity's latest state, so its ce_id comes
   * from the identity and the state's content (see ceIdOf).
   */
  kind: 'fact' | 'state';
}

export const CATALOGUE: readonly TopicSpec[] = [
  {
    subject: 'applications',
    version: 1,
    ceType: 'loanflow.reports.application.v1',
    key: 'application id',
    description: 'Loan applications: the latest state after each event that changed one.',
    cleanupPolicy: 'delete',
    kind: 'state',
  },
  {
    subject: 'tasks',
    version: 1,
    ceType: 'loanflow.reports.task.v1',
    key: 'task id',
    description: 'Approval steps: state, assignee, outcome and cycle time in working days.',
    cleanupPolicy: 'delete',
    kind: 'state',
  },
  {
    subject: 'loans.daily',
    version: 1,
    ceType: 'loanflow.reports.loan-day.v1',
    key: 'loan id',
    description:
      'One record per active loan per closed business date: balances, interest accrued by segment, days past due, tier.',
    cleanupPolicy: 'delete',
    kind: 'fact',
  },
  {
    subject: 'loans.state',
    version: 1,
    ceType: 'loanflow.reports.loan-state.v1',
    key: 'loan id',
    description: 'The latest state of every loan (compacted: the last record per loan is kept).',
    cleanupPolicy: 'compact',
    kind: 'state',
  },
  {
    subject: 'ledger-entries',
    version: 1,
    ceType: 'loanflow.reports.ledger-entry.v1',
    key: 'entry id',
    description: 'Journal entries as booked, with their lines.',
    cleanupPolicy: 'delete',
    kind: 'fact',
  },
  {
    subject: 'notifications',
    version: 1,
    ceType: 'loanflow.reports.notification.v1',
    key: 'delivery id',
    description: 'Deliveries of the notifications service (no address, no text).',
    cleanupPolicy: 'delete',
    kind: 'fact',
  },
];

/** CloudEvents `source` of every report record. */
export const CE_SOURCE = '/loanflow/reporting';

export const topicName = (prefix: string, spec: Pick<TopicSpec, 'subject' | 'version'>): string =>
  `${prefix}.${spec.subject}.v${spec.version}`;

export function specOf(subject: Subject): TopicSpec {
  return CATALOGUE.find((t) => t.subject === subject)!;
}

/** The spec of a full topic name under `prefix`, or undefined for a topic we do not have. */
export function specOfTopic(prefix: string, topic: string): TopicSpec | undefined {
  return CATALOGUE.find((t) => topicName(prefix, t) === topic);
}

/** The folder of the JSON Schemas (the same from src/ under ts-jest and from dist/). */
export const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

const schemaCache = new Map<string, Record<string, unknown>>();
/** The value's JSON Schema (draft 2020-12) of a subject's version. */
export function schemaOf(spec: Pick<TopicSpec, 'subject' | 'version'>): Record<string, unknown> {
  const file = `${spec.subject}.v${spec.version}.json`;
  let schema = schemaCache.get(file);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;
    schemaCache.set(file, schema);
  }
  return schema;
}
