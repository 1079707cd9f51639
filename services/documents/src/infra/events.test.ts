import { describe, expect, it } from '@jest/globals';
import type { Contract, OwnerRecord } from '../app/model';
import {
  checklistCompleted,
  contractGenerated,
  documentArchived,
  documentUploaded,
} from './events';

const owner: OwnerRecord = {
  kind: 'application',
  id: 'a1',
  branchId: 'SH001',
  productCode: 'PERSONAL_CONSUMER',
  customerId: 'c1',
  applicationId: 'a1',
  status: 'open',
  archiveNumber: null,
};

/** The data on the wire is what consumers have always read: the same names, the same JSON types. */
describe('the events the documents service publishes', () => {
  it('document.uploaded', () => {
    expect(
      documentUploaded(
        {
          id: 'd1',
          documentType: 'income_proof',
          version: 2,
          mediaType: 'application/pdf',
          size: 1073741824,
          sha256: 'ab',
          uploadedBy: 'u1',
        },
        owner,
      ),
    ).toEqual({
      type: 'documents.document.uploaded',
      subjectId: 'd1',
      data: {
        documentId: 'd1',
        owner: { kind: 'application', id: 'a1' },
        applicationId: 'a1',
        branchId: 'SH001',
        documentType: 'income_proof',
        version: 2,
        mediaType: 'application/pdf',
        size: 1073741824,
        sha256: 'ab',
        uploadedBy: 'u1',
      },
    });
  });

  it('document.archived, checklist.completed and contract.generated', () => {
    expect(
      documentArchived({ kind: 'application', id: 'a1' }, 'DA202600000001', 'why', ['d1', 'd2']),
    ).toEqual({
      type: 'documents.document.archived',
      subjectId: 'a1',
      data: {
        owner: { kind: 'application', id: 'a1' },
        archiveNumber: 'DA202600000001',
        reason: 'why',
        documentIds: ['d1', 'd2'],
      },
    });
    expect(checklistCompleted(owner, 'market_routing')).toEqual({
      type: 'documents.checklist.completed',
      subjectId: 'a1',
      data: { applicationId: 'a1', productCode: 'PERSONAL_CONSUMER', stage: 'market_routing' },
    });
    const contract = {
      id: 'k1',
      contractNumber: 'HT202600000001',
      applicationId: 'a1',
      templateCode: 'T',
      templateVersion: 2,
      sha256: 'ff',
      parties: [{ role: 'lender' }, { role: 'borrower' }],
    } as Contract;
    expect(contractGenerated(contract)).toEqual({
      type: 'documents.contract.generated',
      subjectId: 'k1',
      data: {
        contractId: 'k1',
        contractNumber: 'HT202600000001',
        applicationId: 'a1',
        templateCode: 'T',
        templateVersion: 2,
        sha256: 'ff',
        parties: ['lender', 'borrower'],
      },
    });
  });
});
