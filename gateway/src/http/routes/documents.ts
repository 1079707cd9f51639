/**
 * 影像资料 over REST: uploads streamed through to the documents service (never held whole in the
 * gateway), streamed downloads, checklists, the central archive and contracts. Who may see a
 * document is who may see its application: the documents service decides, so every route is for
 * any signed-in user.
 */
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { fromGrpcError, invalidArgument, ROLES, type Role } from '@loanflow/platform';
import { documentsV1 as pb, rateBasisWords, repaymentMethodWords } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import { idempotencyHeaders, idParams } from '../api/schemas';
import * as s from '../api/documents-schemas';
import { streamUpload } from '../api/documents-upload';
import { sendProblem } from '../problem';
import type { RouteDeps } from './deps';

/**
 * The signers of a contract's parties name existing, active users of the directory: a contract
 * with a signer nobody can be (a username, a closed account) could never be signed.
 */
async function requireActiveSigners(
  deps: RouteDeps,
  parties: readonly { signerUserId: string }[],
  call: { metadata: Metadata; timeoutMs: number },
): Promise<void> {
  const ids = [...new Set(parties.map((p) => p.signerUserId))];
  if (ids.length === 0) return;
  const { users } = await deps.identity.getUsers({ ids }, call);
  const active = new Set(users.filter((u) => u.active).map((u) => u.id));
  const violations = parties.flatMap((p, i) =>
    active.has(p.signerUserId)
      ? []
      : [{ field: `parties[${i}].signerUserId`, reason: 'is not an active user of the directory' }],
  );
  if (violations.length > 0) throw invalidArgument(violations);
}

/** Who files, deletes and signs: every member of staff but the auditor, who only reads. */
const STAFF: Role[] = ROLES.filter((r) => r !== 'auditor');

const signedIn = { signedIn: true } as const;
const svc = (method: string) => `loanflow.documents.v1.DocumentsService/${method}`;
const location = (what: string, id: string) => ({ location: `/api/v1/${what}/${id}` });
const locationHeader = {
  location: { description: 'Where the resource is', schema: z.string() },
};

/** A download may take long (a 200 MB scan), unlike a unary call. */
const DOWNLOAD_DEADLINE_MS = 10 * 60_000;

/** A contract as the API speaks: its terms' rate basis and repayment method as words. */
const contractView = (c: pb.Contract | undefined) =>
  c && {
    ...c,
    terms: c.terms && {
      ...c.terms,
      rateBasis: rateBasisWords.word(c.terms.rateBasis) ?? '',
      repaymentMethod: repaymentMethodWords.word(c.terms.repaymentMethod) ?? '',
    },
  };

export function documentRoutes(deps: RouteDeps): RouteSpec[] {
  const d = deps.documents;
  return [
    defineRoute({
      operationId: 'uploadDocument',
      method: 'post',
      path: '/documents',
      tag: 'Documents',
      summary: 'Upload a scan (streamed to the object store; type detected from the bytes)',
      access: { roles: STAFF },
      grpc: svc('UploadDocument'),
      request: {
        headers: idempotencyHeaders,
        rawBody: {
          contentType: 'multipart/form-data',
          schema: s.UploadForm,
          description:
            'The fields ownerKind, ownerId, documentType (and size) first, then the part "file"',
        },
      },
      responses: {
        201: { description: 'Stored', schema: s.UploadResponse, headers: locationHeader },
        200: {
          description: 'The same bytes were already filed',
          schema: s.UploadResponse,
          headers: locationHeader,
        },
        403: { description: 'The caller may not file documents on the owner' },
        409: { description: 'The owner’s file is archived' },
      },
      handle: (ctx) => streamUpload(deps.documentStreams, ctx),
    }),
    defineRoute({
      operationId: 'listDocuments',
      method: 'get',
      path: '/documents',
      tag: 'Documents',
      summary: 'Documents of an application, customer or loan',
      access: signedIn,
      grpc: svc('ListDocuments'),
      request: { query: s.ownerQuery },
      responses: { 200: { description: 'The documents', schema: s.DocumentList } },
      handle: async ({ query, call }) =>
        ok(
          await d.listDocuments(
            pb.ListDocumentsRequest.fromPartial({
              owner: { kind: query.ownerKind, id: query.ownerId },
              includeSuperseded: query.includeSuperseded ?? false,
            }),
            call,
          ),
        ),
    }),
    defineRoute({
      operationId: 'getDocument',
      method: 'get',
      path: '/documents/{id}',
      tag: 'Documents',
      summary: 'Metadata',
      access: signedIn,
      grpc: svc('GetDocument'),
      request: { params: idParams },
      responses: {
        200: { description: 'The document', schema: s.DocumentResponse },
        404: { description: 'No such document' },
      },
      handle: async ({ params, call }) => ok(await d.getDocument({ id: params.id }, call)),
    }),
    defineRoute({
      operationId: 'listDocumentVersions',
      method: 'get',
      path: '/documents/{id}/versions',
      tag: 'Documents',
      summary: 'Every version of the document type',
      access: signedIn,
      grpc: svc('ListVersions'),
      request: { params: idParams },
      responses: {
        200: { description: 'Newest first', schema: s.VersionList },
        404: { description: 'No such document' },
      },
      handle: async ({ params, call }) => ok(await d.listVersions({ id: params.id }, call)),
    }),
    defineRoute({
      operationId: 'listDocumentViews',
      method: 'get',
      path: '/documents/{id}/views',
      tag: 'Documents',
      summary: '调阅记录: who viewed the document, when, how',
      access: {
        roles: [
          'auditor',
          'risk_manager',
          'admin',
          'post_loan_officer',
          'credit_officer',
          'account_manager',
          'corporate_lending',
        ],
      },
      grpc: svc('ListViews'),
      request: { params: idParams },
      responses: {
        200: { description: 'The views, oldest first', schema: s.ViewList },
        404: { description: 'No such document' },
      },
      handle: async ({ params, call }) =>
        ok(await d.listViews(pb.ListViewsRequest.fromPartial({ documentId: params.id }), call)),
    }),
    defineRoute({
      operationId: 'presignDocument',
      method: 'get',
      path: '/documents/{id}/url',
      tag: 'Documents',
      summary: 'A short-lived presigned URL (the view is recorded)',
      access: signedIn,
      grpc: svc('PresignDocument'),
      request: { params: idParams, query: s.renditionQuery },
      responses: {
        200: { description: 'The URL and when it expires', schema: s.PresignedUrl },
        404: { description: 'No such document, or no such rendition yet' },
      },
      handle: async ({ params, query, call }) =>
        ok(await d.presignDocument({ id: params.id, rendition: query.rendition ?? '' }, call)),
    }),
    defineRoute({
      operationId: 'readDocumentContent',
      method: 'get',
      path: '/documents/{id}/content',
      tag: 'Documents',
      summary: 'The bytes, streamed (the view is recorded); thumbnail and preview are JPEG',
      access: signedIn,
      grpc: svc('ReadDocument'),
      request: { params: idParams, query: s.renditionQuery },
      responses: {
        200: {
          description: `The document as stored: ${s.DOCUMENT_MEDIA_TYPES.join(', ')}`,
          contentType: '*/*',
          headers: {
            'x-content-sha256': {
              description: 'SHA-256 of the bytes (hex)',
              schema: z.string(),
            },
          },
        },
        404: { description: 'No such document, or no such rendition yet' },
      },
      handle: ({ params, query, call, req, res }) => {
        const stream = deps.documentStreams.readDocument(
          { id: params.id, rendition: query.rendition ?? '' },
          call.metadata,
          { deadline: new Date(Date.now() + DOWNLOAD_DEADLINE_MS) },
        );
        res.on('close', () => {
          if (!res.writableFinished) stream.cancel();
        });
        return new Promise<undefined>((resolve) => {
          stream.on('data', (m: pb.ReadDocumentResponse) => {
            if (m.header) {
              // Added to the security headers already set: nothing set for every response is dropped.
              res.status(200).type(m.header.mediaType).set('content-length', m.header.size);
              res.set(
                'content-disposition',
                `inline; filename*=UTF-8''${encodeURIComponent(m.header.fileName || params.id)}`,
              );
              if (m.header.sha256) res.set('x-content-sha256', m.header.sha256);
              res.set('cache-control', 'private, no-store');
              // Uploaded bytes are shown as the type the service detected, never sniffed.
              res.set('x-content-type-options', 'nosniff');
              return;
            }
            if (m.chunk && !res.write(m.chunk)) {
              stream.pause();
              res.once('drain', () => stream.resume());
            }
          });
          stream.on('end', () => {
            res.end();
            resolve(undefined);
          });
          stream.on('error', (err: ServiceError) => {
            if (!res.headersSent) sendProblem(res, fromGrpcError(err), req.originalUrl);
            else res.destroy(err);
            resolve(undefined);
          });
        });
      },
    }),
    defineRoute({
      operationId: 'deleteDocument',
      method: 'post',
      path: '/documents/{id}:delete',
      tag: 'Documents',
      summary:
        'Withdraw a document (archived ones only after retention, without legal hold, by an administrator)',
      access: { roles: STAFF },
      grpc: svc('DeleteDocument'),
      idempotent: true,
      request: { params: idParams, body: s.DeleteDocumentRequest },
      responses: {
        200: { description: 'Withdrawn', schema: s.DocumentResponse },
        404: { description: 'No such document' },
        409: { description: 'Archived and retained, or under legal hold' },
      },
      handle: async ({ params, body, call }) =>
        ok(await d.deleteDocument({ id: params.id, reason: body.reason }, call)),
    }),
    defineRoute({
      operationId: 'setLegalHold',
      method: 'post',
      path: '/documents/{id}/legal-hold',
      tag: 'Archive',
      summary: 'Set or release a legal hold',
      access: { roles: ['admin', 'risk_manager'] },
      grpc: svc('SetLegalHold'),
      idempotent: true,
      request: { params: idParams, body: s.LegalHoldRequest },
      responses: {
        200: { description: 'The document with its hold', schema: s.DocumentResponse },
        404: { description: 'No such document' },
      },
      handle: async ({ params, body, call }) =>
        ok(
          await d.setLegalHold(
            { documentId: params.id, hold: body.hold, reason: body.reason },
            call,
          ),
        ),
    }),
    defineRoute({
      operationId: 'getChecklist',
      method: 'get',
      path: '/applications/{id}/checklist',
      tag: 'Documents',
      summary: 'Required documents per stage of the approval flow, and what is missing',
      access: signedIn,
      grpc: svc('GetChecklist'),
      request: { params: idParams, query: s.checklistQuery },
      responses: {
        200: { description: 'The checklist', schema: s.Checklist },
        404: { description: 'No such application' },
      },
      handle: async ({ params, query, call }) =>
        ok(await d.getChecklist({ applicationId: params.id, stage: query.stage ?? '' }, call)),
    }),
    defineRoute({
      operationId: 'getDisbursementReview',
      method: 'get',
      path: '/applications/{id}/disbursement-review',
      tag: 'Contracts',
      summary:
        '集中审查放款: the application’s contract, its signatures verified, and the checklist of stage disbursement',
      access: { roles: ['disbursement_reviewer', 'admin', 'auditor'] },
      grpc: svc('GetDisbursementReview'),
      request: { params: idParams },
      responses: {
        200: { description: 'What the reviewer decides on', schema: s.DisbursementReview },
        404: { description: 'No such application' },
      },
      handle: async ({ params, call }) => {
        const out = await d.getDisbursementReview({ applicationId: params.id }, call);
        return ok({ ...out, contract: contractView(out.contract) });
      },
    }),
    defineRoute({
      operationId: 'archiveOwner',
      method: 'post',
      path: '/archives',
      tag: 'Archive',
      summary: 'Archive an owner’s documents (归档); immutable from then on',
      access: { roles: ['admin', 'disbursement_reviewer', 'post_loan_officer'] },
      grpc: svc('ArchiveOwner'),
      idempotent: true,
      request: { body: s.ArchiveRequest },
      responses: {
        201: { description: 'Archived', schema: s.ArchiveResponse },
        200: { description: 'Already archived', schema: s.ArchiveResponse },
        404: { description: 'No such owner' },
      },
      handle: async ({ body, call }) => {
        const out = await d.archiveOwner(
          { owner: { kind: body.ownerKind, id: body.ownerId }, reason: body.reason },
          call,
        );
        return { status: out.alreadyArchived ? 200 : 201, body: out };
      },
    }),
    defineRoute({
      operationId: 'searchArchive',
      method: 'get',
      path: '/archives',
      tag: 'Archive',
      summary: 'Search the central archive',
      access: {
        roles: ['auditor', 'risk_manager', 'admin', 'post_loan_officer', 'disbursement_reviewer'],
      },
      grpc: svc('SearchArchive'),
      request: { query: s.archiveQuery },
      responses: {
        200: {
          description: 'A page of archives and their documents',
          schema: s.ArchiveSearch,
        },
      },
      handle: async ({ query, call }) =>
        ok(await d.searchArchive(pb.SearchArchiveRequest.fromPartial(query), call)),
    }),
    defineRoute({
      operationId: 'generateContract',
      method: 'post',
      path: '/contracts',
      tag: 'Contracts',
      summary: 'Generate the contract of an approved application from its product’s template (PDF)',
      access: { roles: ['account_manager', 'corporate_lending', 'disbursement_reviewer', 'admin'] },
      grpc: svc('GenerateContract'),
      idempotent: true,
      request: { body: s.GenerateContractRequest },
      responses: {
        201: { description: 'Generated', schema: s.ContractResponse, headers: locationHeader },
        409: { description: 'The application is not approved, or has no template' },
      },
      handle: async ({ body, call, commandId }) => {
        await requireActiveSigners(deps, body.parties, call);
        const out = await d.generateContract(
          // A retry with the same Idempotency-Key and body makes the contract once.
          pb.GenerateContractRequest.fromPartial({ ...body, requestId: commandId }),
          call,
        );
        return created(
          { ...out, contract: contractView(out.contract) },
          location('contracts', out.contract!.id),
        );
      },
    }),
    defineRoute({
      operationId: 'listContractTemplates',
      method: 'get',
      path: '/contract-templates',
      tag: 'Contracts',
      summary: 'The active contract templates, per product',
      access: signedIn,
      grpc: svc('ListContractTemplates'),
      request: { query: s.templateQuery },
      responses: { 200: { description: 'The templates', schema: s.TemplateList } },
      handle: async ({ query, call }) =>
        ok(await d.listContractTemplates({ productCode: query.productCode ?? '' }, call)),
    }),
    defineRoute({
      operationId: 'listContracts',
      method: 'get',
      path: '/contracts',
      tag: 'Contracts',
      summary: 'The contracts of an application, newest first, with their signatures',
      access: signedIn,
      grpc: svc('ListContracts'),
      request: { query: s.ContractsQuery },
      responses: {
        200: { description: 'The contracts (none yet: an empty list)', schema: s.ContractList },
        404: { description: 'No such application (or not in your branches)' },
      },
      handle: async ({ query, call }) => {
        const out = await d.listContracts({ applicationId: query.applicationId }, call);
        return ok({ items: out.contracts.map((c) => contractView(c)) });
      },
    }),
    defineRoute({
      operationId: 'getContract',
      method: 'get',
      path: '/contracts/{id}',
      tag: 'Contracts',
      summary: 'A contract and its signatures',
      access: signedIn,
      grpc: svc('GetContract'),
      request: { params: idParams },
      responses: {
        200: { description: 'The contract', schema: s.ContractResponse },
        404: { description: 'No such contract' },
      },
      handle: async ({ params, call }) => {
        const out = await d.getContract({ id: params.id }, call);
        return ok({ ...out, contract: contractView(out.contract) });
      },
    }),
    defineRoute({
      operationId: 'signContract',
      method: 'post',
      path: '/contracts/{id}:sign',
      tag: 'Contracts',
      summary: 'Sign for a party (CMS signature with an RFC 3161 timestamp)',
      access: { roles: STAFF },
      grpc: svc('SignContract'),
      idempotent: true,
      request: { params: idParams, body: s.SignContractRequest },
      responses: {
        200: { description: 'The contract with the signature', schema: s.ContractResponse },
        404: { description: 'No such contract' },
        409: { description: 'Already signed for the party, superseded, or another one binds' },
      },
      handle: async ({ params, body, call }) => {
        const out = await d.signContract(
          { contractId: params.id, partyRole: body.partyRole },
          call,
        );
        return ok({ ...out, contract: contractView(out.contract) });
      },
    }),
    defineRoute({
      operationId: 'verifyContract',
      method: 'post',
      path: '/contracts/{id}:verify',
      tag: 'Contracts',
      summary: 'Verify the signatures and timestamps over the stored PDF, or over the bytes given',
      access: signedIn,
      grpc: svc('VerifyContract'),
      idempotent: true,
      request: { params: idParams, body: s.VerifyContractRequest },
      responses: {
        200: { description: 'What verifies', schema: s.ContractVerification },
        404: { description: 'No such contract' },
      },
      handle: async ({ params, body, call }) => {
        const pdf = body.pdfBase64 ? Buffer.from(body.pdfBase64, 'base64') : Buffer.alloc(0);
        return ok(await d.verifyContract({ contractId: params.id, pdf }, call));
      },
    }),
  ];
}
