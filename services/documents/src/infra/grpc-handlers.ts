import {
  implement,
  implementStreams,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { documentsV1 as pb } from '@loanflow/proto';
import {
  generateContract,
  getContract,
  getDisbursementReview,
  listContractTemplates,
  signContract,
  verifyContract,
} from '../app/contracts';
import type { DocumentsDeps } from '../app/deps';
import {
  archiveOwnerCommand,
  deleteDocument,
  getChecklist,
  getDocument,
  listDocuments,
  listVersions,
  listViews,
  presignDocument,
  readDocument,
  searchArchive,
  setLegalHold,
} from '../app/documents';
import { uploadDocument } from '../app/upload';

const SERVICE = 'loanflow.documents.v1.DocumentsService';

export function documentsService(
  deps: DocumentsDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const unary = {
    listDocuments: (req: pb.ListDocumentsRequest, ctx: CallContext) =>
      listDocuments(deps, ctx, req),
    getDocument: (req: pb.GetDocumentRequest, ctx: CallContext) => getDocument(deps, ctx, req),
    listVersions: (req: pb.ListVersionsRequest, ctx: CallContext) => listVersions(deps, ctx, req),
    presignDocument: (req: pb.PresignDocumentRequest, ctx: CallContext) =>
      presignDocument(deps, ctx, req),
    listViews: (req: pb.ListViewsRequest, ctx: CallContext) => listViews(deps, ctx, req),
    deleteDocument: (req: pb.DeleteDocumentRequest, ctx: CallContext) =>
      deleteDocument(deps, ctx, req),
    getChecklist: (req: pb.GetChecklistRequest, ctx: CallContext) => getChecklist(deps, ctx, req),
    archiveOwner: (req: pb.ArchiveOwnerRequest, ctx: CallContext) =>
      archiveOwnerCommand(deps, ctx, req),
    setLegalHold: (req: pb.SetLegalHoldRequest, ctx: CallContext) => setLegalHold(deps, ctx, req),
    searchArchive: (req: pb.SearchArchiveRequest, ctx: CallContext) =>
      searchArchive(deps, ctx, req),
    generateContract: (req: pb.GenerateContractRequest, ctx: CallContext) =>
      generateContract(deps, ctx, req),
    signContract: (req: pb.SignContractRequest, ctx: CallContext) => signContract(deps, ctx, req),
    verifyContract: (req: pb.VerifyContractRequest, ctx: CallContext) =>
      verifyContract(deps, ctx, req),
    getContract: (req: pb.GetContractRequest, ctx: CallContext) => getContract(deps, ctx, req),
    listContractTemplates: (req: pb.ListContractTemplatesRequest, ctx: CallContext) =>
      listContractTemplates(deps, ctx, req),
    getDisbursementReview: (req: pb.GetDisbursementReviewRequest, ctx: CallContext) =>
      getDisbursementReview(deps, ctx, req),
  };
  const streams = implementStreams(
    SERVICE,
    {
      client: {
        uploadDocument: (requests: AsyncIterable<pb.UploadDocumentRequest>, ctx: CallContext) =>
          uploadDocument(deps, ctx, requests),
      },
      server: {
        readDocument: (
          req: pb.ReadDocumentRequest,
          ctx: CallContext,
          send: (m: pb.ReadDocumentResponse) => Promise<void>,
        ) => readDocument(deps, ctx, req, send),
      },
    },
    opts,
  );
  return {
    name: SERVICE,
    definition: pb.DocumentsServiceService,
    implementation: { ...implement(SERVICE, unary, opts), ...streams },
  };
}
