// OWNED BY: streams. The report streams' catalogue and replays over REST.
import type { Role } from '@loanflow/platform';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import * as s from '../api/report-streams-schemas';
import { idParams } from '../api/schemas';
import type { RouteDeps } from './deps';

const TAG = 'Report streams';
/** Data teams get an auditor account; administrators also replay. */
const READERS: Role[] = ['admin', 'auditor'];
const svc = (method: string) => `loanflow.reporting.v1.ReportingService/${method}`;

export function reportStreamRoutes(deps: RouteDeps): RouteSpec[] {
  const r = deps.reporting;
  return [
    defineRoute({
      operationId: 'listReportStreams',
      method: 'get',
      path: '/report-streams',
      tag: TAG,
      summary:
        'The Kafka report topics: versions, JSON Schemas (draft 2020-12), a sample record each',
      access: { roles: READERS },
      grpc: svc('ListReportStreams'),
      responses: { 200: { description: 'The catalogue', schema: s.ReportStreamCatalogue } },
      async handle({ call }) {
        const out = await r.listReportStreams({}, call);
        return ok({ sink: out.sink as 'kafka' | 'file', topics: out.topics.map(s.topicJson) });
      },
    }),
    defineRoute({
      operationId: 'replayReportStream',
      method: 'post',
      path: '/report-streams/{topic}:replay',
      tag: TAG,
      summary: 'Republish a topic for a date range from the read models (admin), as a job',
      description:
        'Records carry the ce_id they had when first produced where the record is the same, so consumers deduplicate them.',
      access: { roles: ['admin'] },
      grpc: svc('ReplayStream'),
      idempotent: true,
      request: { params: s.topicParams, body: s.ReplayRequest },
      responses: {
        201: {
          description: 'The job (follow it at /report-streams/jobs/{id})',
          schema: s.StreamJob,
        },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ params, body, call, commandId }) {
        const out = await r.replayStream(
          { topic: params.topic, from: body.from, to: body.to, requestId: commandId },
          call,
        );
        return created(s.jobJson(out.job!));
      },
    }),
    defineRoute({
      operationId: 'listReportStreamJobs',
      method: 'get',
      path: '/report-streams/jobs',
      tag: TAG,
      summary: 'Replays and nightly snapshots, newest first',
      access: { roles: READERS },
      grpc: svc('ListStreamJobs'),
      request: { query: s.JobsQuery },
      responses: { 200: { description: 'The jobs', schema: s.StreamJobList } },
      async handle({ query, call }) {
        const out = await r.listStreamJobs(
          { topic: query.topic ?? '', pageSize: query.pageSize ?? 50 },
          call,
        );
        return ok({ jobs: out.jobs.map(s.jobJson) });
      },
    }),
    defineRoute({
      operationId: 'getReportStreamJob',
      method: 'get',
      path: '/report-streams/jobs/{id}',
      tag: TAG,
      summary: 'One replay or snapshot with its progress',
      access: { roles: READERS },
      grpc: svc('GetStreamJob'),
      request: { params: idParams },
      responses: { 200: { description: 'The job', schema: s.StreamJob } },
      async handle({ params, call }) {
        const out = await r.getStreamJob({ id: params.id }, call);
        return ok(s.jobJson(out.job!));
      },
    }),
  ];
}
