// The events the documents service publishes, their data made by the generated code of their
// proto messages (proto/loanflow/documents/v1/events.proto), so a changed field breaks the build.
import type { NewEvent } from '@loanflow/platform';
import { documentEventsV1 as ev } from '@loanflow/proto';
import type { Contract, OwnerRecord, OwnerRef, StoredDocument } from '../app/model';
import { loanTermsOf } from './proto-mapping';

export function documentUploaded(
  d: Pick<
    StoredDocument,
    'id' | 'documentType' | 'version' | 'mediaType' | 'sha256' | 'uploadedBy'
  > & { size: number },
  owner: OwnerRecord,
): NewEvent<unknown> {
  return {
    type: 'documents.document.uploaded',
    subjectId: d.id,
    data: ev.DocumentUploaded.toJSON({
      documentId: d.id,
      owner: { kind: owner.kind, id: owner.id },
      applicationId: owner.applicationId ?? '',
      branchId: owner.branchId,
      documentType: d.documentType,
      version: d.version,
      mediaType: d.mediaType,
      size: d.size,
      sha256: d.sha256,
      uploadedBy: d.uploadedBy,
    }),
  };
}

export function documentArchived(
  owner: OwnerRef,
  archiveNumber: string,
  reason: string,
  documentIds: string[],
): NewEvent<unknown> {
  return {
    type: 'documents.document.archived',
    subjectId: owner.id,
    data: ev.DocumentArchived.toJSON({
      owner: { kind: owner.kind, id: owner.id },
      archiveNumber,
      reason,
      documentIds,
    }),
  };
}

export function checklistCompleted(owner: OwnerRecord, stage: string): NewEvent<unknown> {
  return {
    type: 'documents.checklist.completed',
    subjectId: owner.applicationId!,
    data: ev.ChecklistCompleted.toJSON({
      applicationId: owner.applicationId!,
      productCode: owner.productCode ?? '',
      stage,
    }),
  };
}

export function contractGenerated(c: Contract): NewEvent<unknown> {
  return {
    type: 'documents.contract.generated',
    subjectId: c.id,
    data: ev.ContractGenerated.toJSON({
      contractId: c.id,
      contractNumber: c.contractNumber,
      applicationId: c.applicationId,
      templateCode: c.templateCode,
      templateVersion: c.templateVersion,
      sha256: c.sha256,
      parties: c.parties.map((x) => x.role),
    }),
  };
}

/** The signed terms and whose they are, so that the loan opened under the contract takes them. */
export function contractSigned(c: Contract, signedAt: Date): NewEvent<unknown> {
  return {
    type: 'documents.contract.signed',
    subjectId: c.id,
    schemaVersion: 2,
    data: ev.ContractSigned.toJSON({
      contractId: c.id,
      contractNumber: c.contractNumber,
      applicationId: c.applicationId,
      customerId: c.customerId ?? '',
      branchId: c.branchId ?? '',
      productCode: c.productCode ?? '',
      borrowerName: c.borrowerName ?? '',
      templateCode: c.templateCode,
      templateVersion: c.templateVersion,
      sha256: c.sha256,
      parties: c.parties.map((x) => x.role),
      signedAt: signedAt.toISOString(),
      terms: loanTermsOf(c.terms),
    }),
  };
}
