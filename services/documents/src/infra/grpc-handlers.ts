// The DocumentsService over gRPC: each call's request becomes the use case's input, its answer the
// response message. Nothing else happens here.
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
  listContracts,
  getDisbursementReview,
  listContractTemplates,
  signContract,
  verifyContract,
} from '../app/contracts';
import type { DocumentsDeps } from '../app/deps';
import {
  archiveOwner,
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
import type { Caller } from '../app/model';
import { uploadDocument, type UploadMessage } from '../app/upload';
import { clausesSummary } from '../domain/contracts/template';
import {
  archiveToPb,
  checklistToPb,
  contractToPb,
  documentToPb,
  partyFromPb,
  verificationToPb,
  viewToPb,
} from './proto-mapping';

const SERVICE = 'loanflow.documents.v1.DocumentsService';

/** The verified caller (UNAUTHENTICATED without a valid token) and their token. */
const callerOf = (ctx: CallContext): Caller => ({ principal: ctx.principal(), token: ctx.token() });

export function documentsService(
  deps: DocumentsDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const unary = {
    listDocuments: async (
      req: pb.ListDocumentsRequest,
      ctx: CallContext,
    ): Promise<pb.ListDocumentsResponse> => ({
      documents: (await listDocuments(deps, callerOf(ctx), req)).map(documentToPb),
    }),
    getDocument: async (
      req: pb.GetDocumentRequest,
      ctx: CallContext,
    ): Promise<pb.GetDocumentResponse> => ({
      document: documentToPb(await getDocument(deps, callerOf(ctx), req.id)),
    }),
    listVersions: async (
      req: pb.ListVersionsRequest,
      ctx: CallContext,
    ): Promise<pb.ListVersionsResponse> => ({
      versions: (await listVersions(deps, callerOf(ctx), req.id)).map(documentToPb),
    }),
    presignDocument: async (
      req: pb.PresignDocumentRequest,
      ctx: CallContext,
    ): Promise<pb.PresignDocumentResponse> => {
      const { url, expiresAt } = await presignDocument(deps, callerOf(ctx), req);
      return { url, expiresAt: expiresAt.toISOString() };
    },
    listViews: async (
      req: pb.ListViewsRequest,
      ctx: CallContext,
    ): Promise<pb.ListViewsResponse> => ({
      views: (await listViews(deps, callerOf(ctx), req)).map(viewToPb),
    }),
    deleteDocument: async (
      req: pb.DeleteDocumentRequest,
      ctx: CallContext,
    ): Promise<pb.DeleteDocumentResponse> => ({
      document: documentToPb(await deleteDocument(deps, callerOf(ctx), req)),
    }),
    getChecklist: async (
      req: pb.GetChecklistRequest,
      ctx: CallContext,
    ): Promise<pb.GetChecklistResponse> =>
      checklistToPb(await getChecklist(deps, callerOf(ctx), req)),
    archiveOwner: async (
      req: pb.ArchiveOwnerRequest,
      ctx: CallContext,
    ): Promise<pb.ArchiveOwnerResponse> => {
      const { archive, alreadyArchived } = await archiveOwner(deps, callerOf(ctx), req);
      return { archive: archiveToPb(archive), alreadyArchived };
    },
    setLegalHold: async (
      req: pb.SetLegalHoldRequest,
      ctx: CallContext,
    ): Promise<pb.SetLegalHoldResponse> => ({
      document: documentToPb(await setLegalHold(deps, callerOf(ctx), req)),
    }),
    searchArchive: async (
      req: pb.SearchArchiveRequest,
      ctx: CallContext,
    ): Promise<pb.SearchArchiveResponse> => {
      const found = await searchArchive(deps, callerOf(ctx), req);
      return {
        archives: found.archives.map(archiveToPb),
        documents: found.documents.map(documentToPb),
        nextPageToken: found.nextPageToken,
      };
    },
    generateContract: async (
      req: pb.GenerateContractRequest,
      ctx: CallContext,
    ): Promise<pb.GenerateContractResponse> => ({
      contract: contractToPb(
        await generateContract(deps, callerOf(ctx), {
          ...req,
          parties: req.parties.map(partyFromPb),
        }),
      ),
    }),
    signContract: async (
      req: pb.SignContractRequest,
      ctx: CallContext,
    ): Promise<pb.SignContractResponse> => ({
      contract: contractToPb(await signContract(deps, callerOf(ctx), req)),
    }),
    verifyContract: async (
      req: pb.VerifyContractRequest,
      ctx: CallContext,
    ): Promise<pb.VerifyContractResponse> =>
      verificationToPb(
        await verifyContract(deps, callerOf(ctx), { contractId: req.contractId, pdf: req.pdf }),
      ),
    getContract: async (
      req: pb.GetContractRequest,
      ctx: CallContext,
    ): Promise<pb.GetContractResponse> => ({
      contract: contractToPb(await getContract(deps, callerOf(ctx), req.id)),
    }),
    listContracts: async (
      req: pb.ListContractsRequest,
      ctx: CallContext,
    ): Promise<pb.ListContractsResponse> => ({
      contracts: (await listContracts(deps, callerOf(ctx), req.applicationId)).map(contractToPb),
    }),
    listContractTemplates: async (
      req: pb.ListContractTemplatesRequest,
      ctx: CallContext,
    ): Promise<pb.ListContractTemplatesResponse> => ({
      templates: (await listContractTemplates(deps, callerOf(ctx), req.productCode)).map((t) => ({
        code: t.code,
        version: t.version,
        productCodes: t.productCodes,
        title: t.title,
        requiredParties: t.requiredParties,
        clausesSummary: clausesSummary(t.clauses),
      })),
    }),
    getDisbursementReview: async (
      req: pb.GetDisbursementReviewRequest,
      ctx: CallContext,
    ): Promise<pb.GetDisbursementReviewResponse> => {
      const review = await getDisbursementReview(deps, callerOf(ctx), req.applicationId);
      return {
        applicationId: review.applicationId,
        contract: review.contract && contractToPb(review.contract),
        verification: review.verification && verificationToPb(review.verification),
        checklist: checklistToPb(review.checklist),
        ready: review.ready,
        blockers: review.blockers,
      };
    },
  };
  const streams = implementStreams(
    SERVICE,
    {
      client: {
        uploadDocument: async (
          requests: AsyncIterable<pb.UploadDocumentRequest>,
          ctx: CallContext,
        ): Promise<pb.UploadDocumentResponse> => {
          const { document, duplicate } = await uploadDocument(
            deps,
            callerOf(ctx),
            requests as AsyncIterable<UploadMessage>,
          );
          return { document: documentToPb(document), duplicate };
        },
      },
      server: {
        readDocument: async (
          req: pb.ReadDocumentRequest,
          ctx: CallContext,
          send: (m: pb.ReadDocumentResponse) => Promise<void>,
        ) => {
          const content = await readDocument(deps, callerOf(ctx), req);
          const { body } = content;
          try {
            await send({
              header: {
                mediaType: content.mediaType,
                size: String(content.size),
                fileName: content.fileName,
                sha256: content.sha256,
              },
            });
            for await (const chunk of body) await send({ chunk: chunk as Buffer });
          } finally {
            body.destroy();
          }
        },
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
