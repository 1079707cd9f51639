// 影像资料 over REST: multipart uploads streamed through to the documents service (never held
// whole in the gateway), streaming downloads, checklists, the archive and contracts.
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import {
  DomainError,
  fromGrpcError,
  invalidArgument,
  type PromiseClient,
} from '@loanflow/platform';
import {
  documentTypeWords,
  documentsV1 as pb,
  rateBasisWords,
  repaymentMethodWords,
} from '@loanflow/proto';
import busboy from 'busboy';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { sendProblem } from './problem';
import type { RouteDeps } from './routes';
import { commandIdOf, route, upstreamCall } from './upstream';
import { documentType, parseInput, repaymentMethod } from './validation';

export interface DocumentClients {
  documents: PromiseClient<pb.DocumentsServiceClient>;
  /** The raw client, for the streaming methods. */
  documentStreams: pb.DocumentsServiceClient;
}

const OWNER_KINDS = ['application', 'customer', 'loan'] as const;
const uuid = z.string({ error: 'must be a UUID' }).uuid('must be a UUID');
const ownerQuery = z.strictObject({
  ownerKind: z.enum(OWNER_KINDS, { error: `must be one of ${OWNER_KINDS.join(', ')}` }),
  ownerId: uuid,
  includeSuperseded: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
const reasonBody = z.strictObject({
  reason: z.string({ error: 'is required' }).min(1, 'is required').max(1000),
});
const holdBody = z.strictObject({
  hold: z.boolean({ error: 'must be true or false' }),
  reason: z.string({ error: 'is required' }).min(1, 'is required').max(1000),
});
const archiveBody = z.strictObject({
  ownerKind: z.enum(OWNER_KINDS, { error: `must be one of ${OWNER_KINDS.join(', ')}` }),
  ownerId: uuid,
  reason: z.string({ error: 'is required' }).min(1, 'is required').max(1000),
});
const archiveQuery = z.strictObject({
  archiveNumber: z.string().max(40).optional(),
  applicationId: z.string().max(64).optional(),
  customerId: z.string().max(64).optional(),
  branchId: z.string().max(20).optional(),
  documentType: documentType.optional(),
  archivedFrom: z.string().max(10).optional(),
  archivedTo: z.string().max(10).optional(),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be from 1 to 200')
    .max(200, 'must be from 1 to 200')
    .optional(),
  pageToken: z.string().max(64).optional(),
});
const party = z.strictObject({
  role: z.string({ error: 'is required' }).max(20),
  name: z.string({ error: 'is required' }).max(200),
  signerUserId: z.string({ error: 'is required' }).max(100),
  idNumberMasked: z.string().max(40).optional(),
  address: z.string().max(400).optional(),
});
const contractBody = z.strictObject({
  applicationId: uuid,
  templateCode: z.string().max(64).optional(),
  parties: z
    .array(party, { error: 'must be a list of parties' })
    .min(2, 'needs the lender and the borrower')
    .max(6),
  amount: z.string().max(20).optional(),
  annualRatePercent: z.string().max(16).optional(),
  termMonths: z
    .number({ error: 'must be a whole number of months' })
    .int()
    .min(1)
    .max(360)
    .optional(),
  repaymentMethod: repaymentMethod.optional(),
  disbursementDate: z.string({ error: 'is required' }).max(10),
  repaymentAccount: z.string().max(60).optional(),
  rateBasis: z.string().max(20).optional(),
  spreadBp: z.number({ error: 'must be a whole number of basis points' }).int().optional(),
  repricing: z.string().max(20).optional(),
  repaymentDay: z.string().max(10).optional(),
  collateral: z.string().max(400).optional(),
});
const templateQuery = z.strictObject({ productCode: z.string().max(64).optional() });
const signBody = z.strictObject({ partyRole: z.string({ error: 'is required' }).max(20) });

const param = (req: Request, name: string) => String(req.params[name]);

/** A contract as the API speaks: its terms' rate basis and repayment method in the vocabulary's words. */
const contractView = (c: pb.Contract | undefined) =>
  c && {
    ...c,
    terms: c.terms && {
      ...c.terms,
      rateBasis: rateBasisWords.word(c.terms.rateBasis) ?? '',
      repaymentMethod: repaymentMethodWords.word(c.terms.repaymentMethod) ?? '',
    },
  };

/** POST /documents as multipart/form-data (fields ownerKind, ownerId, documentType, then the file). */
export function documentUploadRoutes(
  deps: RouteDeps & DocumentClients,
  authenticate: RequestHandler,
): Router {
  const r = Router();
  r.post('/documents', authenticate, (req, res) => {
    route(res, '/documents');
    if (!req.is('multipart/form-data')) {
      sendProblem(
        res,
        invalidArgument([{ field: 'body', reason: 'send the file as multipart/form-data' }]),
        req.originalUrl,
      );
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 10, fieldSize: 1024, parts: 12 },
      });
    } catch {
      sendProblem(
        res,
        invalidArgument([{ field: 'body', reason: 'is not a well-formed multipart body' }]),
        req.originalUrl,
      );
      return;
    }
    const fields: Record<string, string> = {};
    let call: ClientWritableStream<pb.UploadDocumentRequest> | undefined;
    let answered = false;
    let sawFile = false;
    const fail = (err: DomainError) => {
      if (answered) return;
      answered = true;
      sendProblem(res, err, req.originalUrl);
      req.unpipe(parser);
      req.resume();
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      sawFile = true;
      if (name !== 'file') {
        file.resume();
        fail(invalidArgument([{ field: name, reason: 'the file part must be named "file"' }]));
        return;
      }
      const problems = [];
      if (!OWNER_KINDS.includes(fields.ownerKind as never))
        problems.push({
          field: 'ownerKind',
          reason: `must be one of ${OWNER_KINDS.join(', ')} (send the fields before the file)`,
        });
      if (!fields.ownerId)
        problems.push({
          field: 'ownerId',
          reason: 'is required (send the fields before the file)',
        });
      if (!fields.documentType)
        problems.push({
          field: 'documentType',
          reason: 'is required (send the fields before the file)',
        });
      else if (!documentTypeWords.value(fields.documentType))
        problems.push({
          field: 'documentType',
          reason: `must be one of ${documentTypeWords.words.join(', ')}`,
        });
      if (problems.length) {
        file.resume();
        fail(invalidArgument(problems));
        return;
      }
      const opts = upstreamCall(res, 30 * 60_000);
      call = deps.documentStreams.uploadDocument(
        opts.metadata,
        { deadline: new Date(Date.now() + opts.timeoutMs!) },
        (err: ServiceError | null, out?: pb.UploadDocumentResponse) => {
          if (answered) return;
          answered = true;
          if (err) {
            sendProblem(res, fromGrpcError(err), req.originalUrl);
            return;
          }
          res
            .status(out!.duplicate ? 200 : 201)
            .location(`/api/v1/documents/${out!.document!.id}`)
            .json(out);
        },
      );
      call.write({
        header: {
          owner: { kind: fields.ownerKind!, id: fields.ownerId! },
          documentType: fields.documentType!,
          declaredMediaType: info.mimeType,
          fileName: info.filename ?? '',
          declaredSize: fields.size && /^\d{1,12}$/.test(fields.size) ? fields.size : '0',
          // A retried request with the same key files the document once.
          requestId: commandIdOf(req, res),
          sha256: '',
        },
      });
      file.on('data', (chunk: Buffer) => {
        if (!call!.write({ chunk })) {
          file.pause();
          call!.once('drain', () => file.resume());
        }
      });
      file.on('end', () => call!.end());
      file.on('error', () => call!.cancel());
    });
    parser.on('close', () => {
      if (!sawFile) fail(invalidArgument([{ field: 'file', reason: 'is required' }]));
    });
    parser.on('error', () => {
      call?.cancel();
      fail(invalidArgument([{ field: 'body', reason: 'is not a well-formed multipart body' }]));
    });
    // The client went away in the middle: the service is told, and removes what it stored.
    req.on('aborted', () => call?.cancel());
    res.on('close', () => {
      if (!res.writableFinished) call?.cancel();
    });
    req.pipe(parser);
  });
  return r;
}

/** The JSON and streaming-download routes (mounted with the rest of the API). */
export function documentRoutes(deps: RouteDeps & DocumentClients): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);
  const d = deps.documents;

  r.get('/documents', async (req, res) => {
    route(res, '/documents');
    const q = parseInput(ownerQuery, req.query);
    res.json(
      await d.listDocuments(
        pb.ListDocumentsRequest.fromPartial({
          owner: { kind: q.ownerKind, id: q.ownerId },
          includeSuperseded: q.includeSuperseded === 'true',
        }),
        call(res),
      ),
    );
  });
  r.get('/documents/:id', async (req, res) => {
    route(res, '/documents/:id');
    res.json(await d.getDocument({ id: param(req, 'id') }, call(res)));
  });
  r.get('/documents/:id/versions', async (req, res) => {
    route(res, '/documents/:id/versions');
    res.json(await d.listVersions({ id: param(req, 'id') }, call(res)));
  });
  r.get('/documents/:id/views', async (req, res) => {
    route(res, '/documents/:id/views');
    res.json(
      await d.listViews(
        pb.ListViewsRequest.fromPartial({ documentId: param(req, 'id') }),
        call(res),
      ),
    );
  });
  r.get('/documents/:id/url', async (req, res) => {
    route(res, '/documents/:id/url');
    const q = parseInput(
      z.strictObject({ rendition: z.enum(['original', 'thumbnail', 'preview']).optional() }),
      req.query,
    );
    res.json(
      await d.presignDocument({ id: param(req, 'id'), rendition: q.rendition ?? '' }, call(res)),
    );
  });
  // 调阅: streamed from the object store through the service; the service records the view.
  r.get('/documents/:id/content', async (req, res) => {
    route(res, '/documents/:id/content');
    const q = parseInput(
      z.strictObject({
        rendition: z
          .enum(['original', 'thumbnail', 'preview'], {
            error: 'must be original, thumbnail or preview',
          })
          .optional(),
      }),
      req.query,
    );
    const opts = upstreamCall(res, 10 * 60_000);
    const stream = deps.documentStreams.readDocument(
      { id: param(req, 'id'), rendition: q.rendition ?? '' },
      opts.metadata,
      {
        deadline: new Date(Date.now() + opts.timeoutMs!),
      },
    );
    res.on('close', () => {
      if (!res.writableFinished) stream.cancel();
    });
    await new Promise<void>((resolve) => {
      stream.on('data', (m: pb.ReadDocumentResponse) => {
        if (m.header) {
          res.status(200).type(m.header.mediaType).set('content-length', m.header.size);
          res.set(
            'content-disposition',
            `inline; filename*=UTF-8''${encodeURIComponent(m.header.fileName || param(req, 'id'))}`,
          );
          if (m.header.sha256) res.set('x-content-sha256', m.header.sha256);
          res.set('cache-control', 'private, no-store');
          return;
        }
        if (m.chunk && !res.write(m.chunk)) {
          stream.pause();
          res.once('drain', () => stream.resume());
        }
      });
      stream.on('end', () => {
        res.end();
        resolve();
      });
      stream.on('error', (err: ServiceError) => {
        if (!res.headersSent) sendProblem(res, fromGrpcError(err), req.originalUrl);
        else res.destroy(err);
        resolve();
      });
    });
  });
  r.post('/documents/:id\\:delete', async (req, res) => {
    route(res, '/documents/:id:delete');
    const b = parseInput(reasonBody, req.body);
    res.json(await d.deleteDocument({ id: param(req, 'id'), reason: b.reason }, call(res)));
  });
  r.post('/documents/:id/legal-hold', async (req, res) => {
    route(res, '/documents/:id/legal-hold');
    const b = parseInput(holdBody, req.body);
    res.json(
      await d.setLegalHold(
        { documentId: param(req, 'id'), hold: b.hold, reason: b.reason },
        call(res),
      ),
    );
  });
  r.get('/applications/:id/checklist', async (req, res) => {
    route(res, '/applications/:id/checklist');
    const q = parseInput(z.strictObject({ stage: z.string().max(64).optional() }), req.query);
    res.json(
      await d.getChecklist({ applicationId: param(req, 'id'), stage: q.stage ?? '' }, call(res)),
    );
  });
  r.post('/archives', async (req, res) => {
    route(res, '/archives');
    const b = parseInput(archiveBody, req.body);
    const out = await d.archiveOwner(
      { owner: { kind: b.ownerKind, id: b.ownerId }, reason: b.reason },
      call(res),
    );
    res.status(out.alreadyArchived ? 200 : 201).json(out);
  });
  r.get('/archives', async (req, res) => {
    route(res, '/archives');
    const q = parseInput(archiveQuery, req.query);
    res.json(await d.searchArchive(pb.SearchArchiveRequest.fromPartial(q), call(res)));
  });
  r.post('/contracts', async (req, res) => {
    route(res, '/contracts');
    const b = parseInput(contractBody, req.body);
    const out = await d.generateContract(
      pb.GenerateContractRequest.fromPartial({ ...b, requestId: commandIdOf(req, res) }),
      call(res),
    );
    res
      .status(201)
      .location(`/api/v1/contracts/${out.contract!.id}`)
      .json({ ...out, contract: contractView(out.contract) });
  });
  r.get('/contract-templates', async (req, res) => {
    route(res, '/contract-templates');
    const q = parseInput(templateQuery, req.query);
    res.json(await d.listContractTemplates({ productCode: q.productCode ?? '' }, call(res)));
  });
  r.get('/applications/:id/disbursement-review', async (req, res) => {
    route(res, '/applications/:id/disbursement-review');
    const out = await d.getDisbursementReview({ applicationId: param(req, 'id') }, call(res));
    res.json({ ...out, contract: contractView(out.contract) });
  });
  r.get('/contracts/:id', async (req, res) => {
    route(res, '/contracts/:id');
    const out = await d.getContract({ id: param(req, 'id') }, call(res));
    res.json({ ...out, contract: contractView(out.contract) });
  });
  r.post('/contracts/:id\\:sign', async (req, res) => {
    route(res, '/contracts/:id:sign');
    const b = parseInput(signBody, req.body);
    const out = await d.signContract(
      { contractId: param(req, 'id'), partyRole: b.partyRole },
      call(res),
    );
    res.json({ ...out, contract: contractView(out.contract) });
  });
  r.post('/contracts/:id\\:verify', async (req, res) => {
    route(res, '/contracts/:id:verify');
    const b = parseInput(
      z.strictObject({ pdfBase64: z.string().max(90_000_000).optional() }),
      req.body ?? {},
    );
    const pdf = b.pdfBase64 ? Buffer.from(b.pdfBase64, 'base64') : Buffer.alloc(0);
    res.json(await d.verifyContract({ contractId: param(req, 'id'), pdf }, call(res)));
  });
  return r;
}
