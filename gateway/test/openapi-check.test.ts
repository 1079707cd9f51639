// The response checker of the suites (test/support/openapi-check.ts) on a tiny document made the
// way the gateway makes its own: it must report what differs from the document, or every suite's
// "the response is as documented" would pass for nothing.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { OpenApiChecker } from '@loanflow/test/support/openapi-check';
import { openApiDocument } from '../src/http/api/openapi';
import { defineRoute, ok } from '../src/http/api/route';
import { idParams } from '../src/http/api/schemas';

const Thing = z.object({ id: z.string(), size: z.int(), note: z.string().nullable() });

const doc = openApiDocument(
  [
    defineRoute({
      operationId: 'getThing',
      method: 'get',
      path: '/things/{id}',
      tag: 'Things',
      summary: 'One thing',
      access: { signedIn: true },
      request: { params: idParams },
      responses: {
        200: { description: 'The thing', schema: Thing, alternatives: { 'text/csv': z.string() } },
        404: { description: 'No such thing' },
      },
      handle: () => ok({}),
    }),
    defineRoute({
      operationId: 'thingPdf',
      method: 'get',
      path: '/things/{id}:pdf',
      tag: 'Things',
      summary: 'The thing as a PDF',
      access: { signedIn: true },
      request: { params: idParams },
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
      handle: () => undefined,
    }),
  ],
  { title: 't', version: '1', description: 't' },
);
const checker = new OpenApiChecker(doc as never);
const ID = '0190a0b0-0000-7000-8000-000000000000';

const thing = (body: unknown, status = 200, contentType = 'application/json') =>
  checker.problems({ method: 'GET', path: `/api/v1/things/${ID}`, status, contentType, body });

describe('the OpenAPI response checker', () => {
  it('passes a response as documented', () => {
    expect(thing({ id: 'a', size: 1, note: null })).toEqual([]);
    expect(thing('a,1', 200, 'text/csv; charset=utf-8')).toEqual([]);
    const problem = { type: 'x', title: 'x', status: 404, code: 'not_found', detail: 'no' };
    expect(thing(problem, 404, 'application/problem+json')).toEqual([]);
    // A status not listed falls under `default`, a Problem.
    expect(thing({ ...problem, status: 409 }, 409, 'application/problem+json')).toEqual([]);
    expect(
      checker.problems({
        method: 'GET',
        path: `/api/v1/things/${ID}:pdf`,
        status: 200,
        contentType: 'application/pdf',
        body: '%PDF-1.7',
      }),
    ).toEqual([]);
  });

  it('reports a field the document does not declare', () => {
    const problems = thing({ id: 'a', size: 1, note: null, secret: 'x' });
    expect(problems).toHaveLength(1);
    expect(problems![0]).toMatch(/additional properties.*secret/);
  });

  it('reports a value of the wrong type, and a missing field', () => {
    expect(thing({ id: 'a', size: '1', note: null })![0]).toMatch(/\/size must be integer/);
    expect(thing({ id: 'a', note: null })![0]).toMatch(/must have required property 'size'/);
  });

  it('reports a status the operation does not document', () => {
    // An undocumented 201 falls under `default`, which only a Problem may be; without a
    // `default`, the status itself is reported.
    expect(thing({ id: 'a', size: 1, note: null }, 201)![0]).toMatch(
      /201: content type application\/json not documented/,
    );
    const bare = new OpenApiChecker({
      paths: { '/x': { get: { responses: { 200: { description: 'ok' } } } } },
    } as never);
    expect(
      bare.problems({ method: 'GET', path: '/api/v1/x', status: 500, contentType: null, body: '' }),
    ).toEqual(['GET /x → 500: status not documented']);
  });

  it('reports a content type the response does not document', () => {
    expect(thing('<thing/>', 200, 'application/xml')![0]).toMatch(
      /content type application\/xml not documented/,
    );
  });

  it('leaves alone what is not an API operation', () => {
    expect(
      checker.problems({
        method: 'GET',
        path: '/healthz',
        status: 200,
        contentType: null,
        body: '',
      }),
    ).toBeUndefined();
    expect(
      checker.problems({
        method: 'DELETE',
        path: `/api/v1/things/${ID}`,
        status: 404,
        contentType: 'application/problem+json',
        body: {},
      }),
    ).toBeUndefined();
  });
});
