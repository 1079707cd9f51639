// OWNED BY: streams. The report streams' catalogue, replays and jobs.
import {
  daysBetween,
  invalidArgument,
  isIsoDate,
  isUuid,
  notFound,
  requireRole,
  uuidv7,
  type FieldViolation,
  type Principal,
  type Role,
} from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import { CATALOGUE, schemaOf, specOfTopic, topicName } from '../streams/catalogue';
import { ceIdOf } from '../streams/ce-id';
import { jobById, listJobs, requestReplay } from '../streams/job-repo';
import type { StreamJobRow } from '../streams/jobs';
import { SAMPLE_KEYS, SAMPLE_VALUES } from '../streams/samples';
import { cloudEventHeaders } from '../streams/sink';
import { topicSettings } from '../streams/workers';
import type { ReportingDeps } from './deps';

/** The data teams get an auditor account (read only); administrators also replay. */
const READERS: Role[] = ['admin', 'auditor'];
const REPLAYERS: Role[] = ['admin'];

export async function listReportStreams(
  deps: ReportingDeps,
  p: Principal,
): Promise<pb.ListReportStreamsResponse> {
  requireRole(p, READERS, 'reading the report streams catalogue');
  const settings = topicSettings(deps.config);
  return {
    sink: deps.sink.kind,
    topics: CATALOGUE.map((spec, i) => {
      const topic = topicName(deps.config.REPORT_TOPIC_PREFIX, spec);
      const value = SAMPLE_VALUES[spec.subject];
      const key = SAMPLE_KEYS[spec.subject];
      const json = JSON.stringify(value);
      const headers = cloudEventHeaders({
        key,
        id: ceIdOf(topic, spec, key, json),
        type: spec.ceType,
        subject: key,
        time: '2026-12-06T16:05:00.000Z',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        value,
      });
      return {
        topic,
        subject: spec.subject,
        version: spec.version,
        description: spec.description,
        ceType: spec.ceType,
        key: spec.key,
        partitions: deps.config.REPORT_TOPIC_PARTITIONS,
        cleanupPolicy: spec.cleanupPolicy,
        retentionMs: settings[i]!.configs['retention.ms'] ?? '-1',
        jsonSchema: JSON.stringify(schemaOf(spec)),
        sample: JSON.stringify({ key, headers, value }),
      };
    }),
  };
}

/**
 * 补发: republishes a topic for a date range from the read models, as a job with progress. The
 * same request id gives the same job (the gateway's Idempotency-Key).
 */
export async function replayStream(
  deps: ReportingDeps,
  p: Principal,
  req: pb.ReplayStreamRequest,
): Promise<pb.StreamJob> {
  requireRole(p, REPLAYERS, 'replaying a report stream');
  const v: FieldViolation[] = [];
  if (!specOfTopic(deps.config.REPORT_TOPIC_PREFIX, req.topic))
    v.push({ field: 'topic', reason: `unknown topic; one of ${topics(deps).join(', ')}` });
  if (!isIsoDate(req.from)) v.push({ field: 'from', reason: 'must be a date YYYY-MM-DD' });
  if (!isIsoDate(req.to)) v.push({ field: 'to', reason: 'must be a date YYYY-MM-DD' });
  if (v.length === 0) {
    const days = daysBetween(req.from, req.to) + 1;
    if (days < 1) v.push({ field: 'from', reason: `must not be after to (${req.to})` });
    else if (days > deps.config.REPLAY_MAX_DAYS)
      v.push({
        field: 'to',
        reason: `a replay covers at most ${deps.config.REPLAY_MAX_DAYS} days (this one ${days})`,
      });
  }
  if (req.requestId.length > 200) v.push({ field: 'request_id', reason: 'at most 200 characters' });
  if (v.length > 0) throw invalidArgument(v);

  const job = await requestReplay(deps.pool, {
    id: uuidv7(),
    requestId: req.requestId || uuidv7(),
    topic: req.topic,
    from: req.from,
    to: req.to,
    by: p.username,
  });
  return jobMessage(job);
}

export async function getStreamJob(
  deps: ReportingDeps,
  p: Principal,
  id: string,
): Promise<pb.StreamJob> {
  requireRole(p, READERS, 'reading report stream jobs');
  if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  const job = await jobById(deps.pool, id);
  if (!job) throw notFound(`stream job ${id}`);
  return jobMessage(job);
}

export async function listStreamJobs(
  deps: ReportingDeps,
  p: Principal,
  req: pb.ListStreamJobsRequest,
): Promise<pb.ListStreamJobsResponse> {
  requireRole(p, READERS, 'reading report stream jobs');
  if (req.topic && !specOfTopic(deps.config.REPORT_TOPIC_PREFIX, req.topic))
    throw invalidArgument([
      { field: 'topic', reason: `unknown topic; one of ${topics(deps).join(', ')}` },
    ]);
  if (req.pageSize < 0 || req.pageSize > 200)
    throw invalidArgument([{ field: 'page_size', reason: 'must be between 1 and 200' }]);
  const rows = await listJobs(deps.pool, req.topic, req.pageSize || 50);
  return { jobs: rows.map(jobMessage) };
}

const topics = (deps: ReportingDeps) =>
  CATALOGUE.map((spec) => topicName(deps.config.REPORT_TOPIC_PREFIX, spec));

const instant = (d: Date | null) => (d ? d.toISOString() : '');

function jobMessage(j: StreamJobRow): pb.StreamJob {
  return {
    id: j.id,
    kind: j.kind,
    topic: j.topic,
    from: j.from_date ?? '',
    to: j.to_date ?? '',
    status: j.status,
    recordsTotal: String(j.records_total),
    recordsDone: String(j.records_done),
    requestedBy: j.requested_by,
    createdAt: instant(j.created_at),
    startedAt: instant(j.started_at),
    finishedAt: instant(j.finished_at),
    error: j.error ?? '',
  };
}
