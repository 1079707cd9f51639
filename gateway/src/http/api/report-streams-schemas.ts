/**
 * The schemas of the report streams at the edge: the catalogue (topics with their JSON Schemas
 * and a sample record each) and the replay jobs. A job's record counts are int64 in the proto and
 * JSON integers here (a topic's records for a year stay far below 2^53).
 */
import type { reportingV1 } from '@loanflow/proto';
import { z } from 'zod';
import { isoDate, queryInt, text } from './schemas';

/** A topic name such as loanflow.reports.loans.daily.v1 (the service says which exist). */
export const topicParams = z.strictObject({
  topic: text(249, 1).regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name'),
});

export const ReplayRequest = z.strictObject({ from: isoDate, to: isoDate }).meta({
  description: 'The dates (inclusive, the bank’s calendar) whose records are republished',
});

export const JobsQuery = z.strictObject({
  topic: text(249).optional(),
  pageSize: queryInt(1, 200).optional(),
});

export const StreamJob = z
  .object({
    id: z.string(),
    kind: z.enum(['replay', 'snapshot']),
    topic: z.string(),
    from: z.string(),
    to: z.string(),
    status: z.enum(['pending', 'running', 'done', 'failed']),
    recordsTotal: z.int(),
    recordsDone: z.int(),
    requestedBy: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'StreamJob', description: 'A replay or nightly snapshot, with its progress' });

export const StreamJobList = z.object({ jobs: z.array(StreamJob) });

export const ReportStreamTopic = z
  .object({
    topic: z.string(),
    subject: z.string(),
    version: z.int(),
    description: z.string(),
    ceType: z.string(),
    key: z.string(),
    partitions: z.int(),
    cleanupPolicy: z.enum(['delete', 'compact']),
    retentionMs: z.int().meta({ description: '-1: forever' }),
    jsonSchema: z
      .record(z.string(), z.unknown())
      .meta({ description: 'JSON Schema draft 2020-12' }),
    sample: z.object({
      key: z.string(),
      headers: z.record(z.string(), z.string()),
      value: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({ id: 'ReportStreamTopic' });

export const ReportStreamCatalogue = z.object({
  sink: z.enum(['kafka', 'file']),
  topics: z.array(ReportStreamTopic),
});

export const jobJson = (j: reportingV1.StreamJob): z.output<typeof StreamJob> => ({
  id: j.id,
  kind: j.kind as 'replay' | 'snapshot',
  topic: j.topic,
  from: j.from,
  to: j.to,
  status: j.status as z.output<typeof StreamJob>['status'],
  recordsTotal: Number(j.recordsTotal),
  recordsDone: Number(j.recordsDone),
  requestedBy: j.requestedBy,
  createdAt: j.createdAt,
  startedAt: j.startedAt || null,
  finishedAt: j.finishedAt || null,
  error: j.error || null,
});

export const topicJson = (
  t: reportingV1.ReportStreamTopic,
): z.output<typeof ReportStreamTopic> => ({
  topic: t.topic,
  subject: t.subject,
  version: t.version,
  description: t.description,
  ceType: t.ceType,
  key: t.key,
  partitions: t.partitions,
  cleanupPolicy: t.cleanupPolicy as 'delete' | 'compact',
  retentionMs: Number(t.retentionMs),
  jsonSchema: JSON.parse(t.jsonSchema) as Record<string, unknown>,
  sample: JSON.parse(t.sample) as z.output<typeof ReportStreamTopic>['sample'],
});
