// The documents service as the workflow alone needs it (its component tests, its benchmark): the
// one call the workflow makes (GetChecklist), answering what a test says is missing. The real
// documents service and the real gate run end to end (test/e2e); here the workflow is the part
// under test.
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { documentsV1 } from '@loanflow/proto';

export interface DocumentsPeer {
  addr: string;
  /** Document types missing for (application id, stage); nothing is missing unless set. */
  missing: Map<string, string[]>;
  /** The checklist questions asked, as "applicationId/stage". */
  asked: string[];
  stop(): Promise<void>;
}

export async function startDocumentsPeer(): Promise<DocumentsPeer> {
  const missing = new Map<string, string[]>();
  const asked: string[] = [];
  const server = new Server();
  const unimplemented: UntypedServiceImplementation = {};
  for (const name of Object.keys(documentsV1.DocumentsServiceService))
    unimplemented[name] = (_call: unknown, callback: sendUnaryData<unknown>) =>
      callback({ code: status.UNIMPLEMENTED, details: `${name} is not part of this peer` });
  server.addService(documentsV1.DocumentsServiceService, {
    ...unimplemented,
    getChecklist: (
      call: { request: documentsV1.GetChecklistRequest },
      callback: (err: null, res: documentsV1.GetChecklistResponse) => void,
    ) => {
      const key = `${call.request.applicationId}/${call.request.stage}`;
      asked.push(key);
      callback(
        null,
        documentsV1.GetChecklistResponse.fromPartial({ missing: missing.get(key) ?? [] }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    addr: `127.0.0.1:${port}`,
    missing,
    asked,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
