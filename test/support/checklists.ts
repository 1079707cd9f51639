import { api, type TestSystem } from './system';
import { scanPdf, uploadDocument } from './uploads';

/**
 * Files what an application's checklist still lacks for `stage` (every stage when absent), as
 * `who`: one small PDF scan per document type, on the application. The documents gate of the
 * workflow refuses to complete a step until its checklist is complete; tests that walk the
 * approval chain call this before each step, as the bankers would file the papers.
 */
export async function fileDocuments(
  system: Pick<TestSystem, 'baseUrl' | 'login'>,
  who: string,
  applicationId: string,
  stage?: string,
): Promise<string[]> {
  const token = await system.login(who);
  const query = stage ? `?stage=${encodeURIComponent(stage)}` : '';
  const checklist = await api<{ missing: string[] }>(
    system.baseUrl,
    'GET',
    `/api/v1/applications/${applicationId}/checklist${query}`,
    { token },
  );
  if (checklist.status !== 200)
    throw new Error(`checklist of ${applicationId}: ${JSON.stringify(checklist.body)}`);
  for (const documentType of checklist.body.missing) {
    const filed = await uploadDocument(
      system.baseUrl,
      token,
      { kind: 'application', id: applicationId },
      documentType,
      { name: `${documentType}.pdf`, type: 'application/pdf', body: scanPdf(documentType) },
    );
    if (filed.status !== 201)
      throw new Error(`filing ${documentType}: ${filed.status} ${JSON.stringify(filed.body)}`);
  }
  return checklist.body.missing;
}
