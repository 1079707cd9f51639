/**
 * POST /documents as multipart/form-data, streamed through busboy to the documents service's
 * client-streaming UploadDocument: the gateway never holds a file whole. The route declares no
 * JSON body, so mount.ts puts no body parser in front of it: by the time this runs the caller is
 * authenticated and nothing of the body has been read.
 */
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import {
  DomainError,
  fromGrpcError,
  invalidArgument,
  type FieldViolation,
} from '@loanflow/platform';
import type { documentsV1 as pb } from '@loanflow/proto';
import busboy from 'busboy';
import { sendProblem } from '../problem';
import type { RouteContext } from './route';
import { commandIdOf, parsePart } from './mount';
import { uploadFields, uploadFile } from './documents-schemas';

/** An upload may take long (a 200 MB scan on a slow line), unlike a unary call. */
const UPLOAD_DEADLINE_MS = 30 * 60_000;

type UploadContext = RouteContext<unknown, unknown, { 'idempotency-key'?: string }, unknown>;

/** The problems of the fields and the file part, or the header of the upload. */
function headerOf(
  fields: Record<string, string>,
  file: { filename?: string; mimeType: string },
): Omit<pb.UploadHeader, 'requestId'> {
  const violations: FieldViolation[] = [];
  const collect = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof DomainError) violations.push(...err.violations);
      else throw err;
      return undefined;
    }
  };
  const f = collect(() => parsePart(uploadFields, fields));
  const part = collect(() =>
    parsePart(uploadFile, { fileName: file.filename ?? '', declaredMediaType: file.mimeType }),
  );
  if (!f || !part) throw invalidArgument(violations);
  return {
    owner: { kind: f.ownerKind, id: f.ownerId },
    documentType: f.documentType,
    declaredMediaType: part.declaredMediaType,
    fileName: part.fileName,
    declaredSize: f.size ?? '0',
    sha256: f.sha256 ?? '',
  };
}

/**
 * The command id of an upload: with an Idempotency-Key, bound to the caller, the path, the key
 * and what the request says of the file (owner, type, name, media type, size), so that a retry
 * files the document once and the same key for another upload is not taken for a retry. The
 * bytes cannot be part of it: they arrive after the service has been asked. No key: none.
 */
function uploadCommandId(ctx: UploadContext, header: Omit<pb.UploadHeader, 'requestId'>): string {
  const key = ctx.headers['idempotency-key'];
  if (key === undefined) return '';
  return commandIdOf(key, ctx.principal, 'POST', `${ctx.req.baseUrl}${ctx.req.path}`, [
    header.owner!.kind,
    header.owner!.id,
    header.documentType,
    header.fileName,
    header.declaredMediaType,
    header.declaredSize,
  ]);
}

/** Streams the upload; answers 201 (stored) or 200 (the same bytes were already filed). */
export function streamUpload(
  documentStreams: pb.DocumentsServiceClient,
  ctx: UploadContext,
): Promise<undefined> {
  const { req, res } = ctx;
  const instance = req.originalUrl;
  if (!req.is('multipart/form-data')) {
    throw invalidArgument([{ field: 'body', reason: 'send the file as multipart/form-data' }]);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 10, fieldSize: 1024, parts: 12 },
    });
  } catch {
    throw invalidArgument([{ field: 'body', reason: 'is not a well-formed multipart body' }]);
  }
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    let call: ClientWritableStream<pb.UploadDocumentRequest> | undefined;
    let answered = false;
    let sawFile = false;
    const fail = (err: DomainError) => {
      if (answered) return;
      answered = true;
      sendProblem(res, err, instance);
      req.unpipe(parser);
      req.resume();
    };
    res.on('close', () => {
      // The client went away in the middle: the service is told, and removes what it stored.
      if (!res.writableFinished) call?.cancel();
      resolve(undefined);
    });
    req.on('aborted', () => call?.cancel());
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
      let header: Omit<pb.UploadHeader, 'requestId'>;
      try {
        header = headerOf(fields, info);
      } catch (err) {
        file.resume();
        fail(err as DomainError);
        return;
      }
      call = documentStreams.uploadDocument(
        ctx.call.metadata,
        { deadline: new Date(Date.now() + UPLOAD_DEADLINE_MS) },
        (err: ServiceError | null, out?: pb.UploadDocumentResponse) => {
          if (answered) return;
          answered = true;
          if (err) {
            sendProblem(res, fromGrpcError(err), instance);
            return;
          }
          res
            .status(out!.duplicate ? 200 : 201)
            .location(`/api/v1/documents/${out!.document!.id}`)
            .json(out);
        },
      );
      call.write({ header: { ...header, requestId: uploadCommandId(ctx, header) } });
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
    req.pipe(parser);
  });
}
